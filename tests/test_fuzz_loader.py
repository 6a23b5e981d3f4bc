"""Fuzzing the network loader: whatever it is given, it returns a Network or raises NetworkFileError.

Never another exception, never a warning, never an allocation out of proportion to the file. The
hypothesis tests (marked ``slow``) run ``--fuzz-examples`` cases per strategy (default 200); by hand,
e.g. ``pytest tests/test_fuzz_loader.py -m slow --fuzz-examples 20000`` (165,000 cases, ~15 min).
"""

import copy
import json
import math
import re
import tracemalloc
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnviz.core import INITIALIZERS, Network, check_layer_sizes, scenes
from nnviz.core.activations import ACTIVATIONS
from nnviz.core.documents import read_any
from nnviz.core.fileio import MAX_FILE_BYTES, NetworkFileError, load_network, loads_network, network_to_dict

# json refuses integers of more than 4,300 digits, so a message quoting a number still fits.
MAX_MESSAGE_CHARS = 5000
# A small file declaring enormous sizes must be refused before anything of that size is allocated.
MAX_PEAK_BYTES = 50 * 2**20


@pytest.fixture
def fuzz(request):
    """Hypothesis settings for one fuzz strategy, sized by ``--fuzz-examples``."""
    return settings(
        max_examples=request.config.getoption("--fuzz-examples"),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.function_scoped_fixture],
    )


def check_loaded(net):
    """A network that loaded is whole: legal sizes, finite arrays of the right shapes, a working forward pass."""
    assert isinstance(net, Network)
    sizes = check_layer_sizes(net.layer_sizes)
    assert len(net.weights) == len(net.biases) == len(sizes) - 1
    for w, b, n_out, n_in in zip(net.weights, net.biases, sizes[1:], sizes[:-1]):
        assert w.shape == (n_out, n_in) and b.shape == (n_out,)
        assert w.dtype == b.dtype == np.float64
        assert np.all(np.isfinite(w)) and np.all(np.isfinite(b))
    assert math.isfinite(net.init_scale) and math.isfinite(net.learning_rate)
    assert 0 <= net.seed < 2**32
    net.forward(np.ones(sizes[0]))  # even weights of 1e308 must not warn (see test_extreme_values)


def outcome(data):
    """Load ``data`` with warnings as errors; check it ends in a whole Network or a short NetworkFileError."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            net = loads_network(data)
        except NetworkFileError as e:
            assert 0 < len(str(e)) <= MAX_MESSAGE_CHARS
            return e
        check_loaded(net)
    return net


def peak_bytes(data) -> int:
    """Peak Python/numpy allocation while loading ``data`` (which must be refused)."""
    tracemalloc.start()
    try:
        with pytest.raises(NetworkFileError):
            loads_network(data)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# -- strategies -------------------------------------------------------------------------------------
json_scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                | st.text(max_size=12))
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=30,
)
FIELDS = ["format", "version", "layer_sizes", "activation", "output_activation", "init", "init_scale", "seed",
          "bias", "learning_rate", "weights", "biases", "activations", "loss"]
ODD_VALUES = [
    None, True, False, "", "sigmoid", "3", [], {}, [[]], [None], [[[]]], 0, -1, 1, 2, 4096, 4097, 2**31, 2**32,
    2**63, 2**64, 10**400, -(10**400), 0.5, -0.0, 1e308, -1e308, 5e-324, math.inf, -math.inf, math.nan,
    [math.nan], [[1e308, -1e308]], [10**400], [[True, False]], ["1.0"], [10**9, 10**9], [4096] * 40,
    {"format": "nnviz-network"},
]
# Copies: the mutations below change documents in place, and must not change this list.
odd_values = st.sampled_from(ODD_VALUES).map(copy.deepcopy) | json_scalars | st.floats() | json_values


@st.composite
def documents(draw):
    """A valid document of a small random network (random biases too, so that they are not all zeros)."""
    sizes = draw(st.lists(st.integers(1, 4), min_size=2, max_size=5))
    net = Network(
        sizes,
        activation=draw(st.sampled_from(list(ACTIVATIONS))),
        output_activation=draw(st.none() | st.sampled_from(list(ACTIVATIONS))),
        init=draw(st.sampled_from(list(INITIALIZERS))),
        seed=draw(st.integers(0, 2**32 - 1)),
        bias=draw(st.booleans()),
    )
    doc = network_to_dict(net)
    finite = st.floats(-1e6, 1e6, allow_nan=False)
    doc["biases"] = [draw(st.lists(finite, min_size=n, max_size=n)) for n in sizes[1:]]
    return doc


def places(node, path=()):
    """Every path in a JSON document, the root included."""
    yield path
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        yield from places(child, (*path, key))


@st.composite
def mutated_documents(draw, base=None):
    """A valid document (of ``base``, default :func:`documents`) with one to four mutations anywhere in it."""
    doc = draw(documents() if base is None else base)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(list(places(doc))))
        if not path:
            doc = draw(odd_values)
            continue
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        key, target = path[-1], parent[path[-1]]
        kind = draw(st.sampled_from(["remove", "replace", "grow", "shrink", "wrap", "unwrap"]))
        if kind == "remove":
            del parent[key]
        elif kind == "replace":
            parent[key] = draw(odd_values)
        elif kind == "grow" and isinstance(target, list):
            target.append(json.loads(json.dumps(target[-1])) if target and draw(st.booleans()) else draw(odd_values))
        elif kind == "grow" and isinstance(target, dict):
            target[draw(st.sampled_from(FIELDS) | st.text(max_size=8))] = draw(odd_values)
        elif kind == "shrink" and isinstance(target, list) and target:
            target.pop(draw(st.integers(0, len(target) - 1)))
        elif kind == "wrap":
            parent[key] = [target]
        elif kind == "unwrap" and isinstance(target, list) and target:
            parent[key] = target[0]
    return doc


NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
ODD_TOKENS = ["1e400", "-1e400", "1e-400", "1e308", "-1e308", "NaN", "Infinity", "-Infinity", "1" * 5000,
              "9" * 400, "-" + "9" * 4300, "true", "null", '"1"', "[]", "{}", "[" * 10_000, "0x10", "01", "+1",
              ".5", "1.", "-", "1e", "4096", "4097", "1000000000"]


@st.composite
def token_mutated_texts(draw):
    """A valid file with some of its numbers replaced by odd tokens (1e400, NaN, 5,000 digits…)."""
    text = json.dumps(draw(documents()), indent=1)
    for _ in range(draw(st.integers(1, 3))):
        match = draw(st.sampled_from(list(NUMBER.finditer(text))))
        text = text[:match.start()] + draw(st.sampled_from(ODD_TOKENS)) + text[match.end():]
    return text


@st.composite
def byte_mutated_files(draw):
    """A valid file with a few bytes flipped, deleted, inserted or the end cut off."""
    data = bytearray(json.dumps(draw(documents())).encode())
    for _ in range(draw(st.integers(1, 5))):
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        kind = draw(st.sampled_from(["flip", "delete", "insert", "truncate"]))
        if kind == "flip":
            data[i] ^= 1 << draw(st.integers(0, 7))
        elif kind == "delete":
            del data[i]
        elif kind == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=4))
        else:
            del data[i:]
    return bytes(data)


# -- hypothesis fuzzing -------------------------------------------------------------------------------
@pytest.mark.slow
def test_random_bytes(fuzz):
    @fuzz
    @given(st.binary(max_size=2000))
    def run(data):
        assert isinstance(outcome(data), NetworkFileError)

    run()


@pytest.mark.slow
def test_random_bytes_from_a_file(fuzz, tmp_path):
    path = tmp_path / "fuzz.json"

    @fuzz
    @given(st.binary(max_size=2000))
    def run(data):
        path.write_bytes(data)
        with pytest.raises(NetworkFileError) as error:
            load_network(path)
        assert "fuzz.json" in str(error.value)

    run()


@pytest.mark.slow
def test_random_json(fuzz):
    @fuzz
    @given(json_values | st.fixed_dictionaries({k: json_values for k in FIELDS}))
    def run(doc):
        assert isinstance(outcome(json.dumps(doc)), NetworkFileError)

    run()


@pytest.mark.slow
def test_mutated_documents(fuzz):
    @fuzz
    @given(mutated_documents())
    def run(doc):
        outcome(json.dumps(doc))  # NaN and inf are written as NaN/Infinity tokens

    run()


@pytest.mark.slow
def test_documents_with_odd_number_tokens(fuzz):
    @fuzz
    @given(token_mutated_texts())
    def run(text):
        outcome(text)

    run()


@pytest.mark.slow
def test_byte_mutated_files(fuzz):
    @fuzz
    @given(byte_mutated_files())
    def run(data):
        outcome(data)

    run()


@pytest.mark.slow
def test_valid_documents_load_exactly(fuzz):
    @fuzz
    @given(documents())
    def run(doc):
        net = outcome(json.dumps(doc))
        assert isinstance(net, Network)
        assert network_to_dict(net) == doc

    run()


@pytest.mark.slow
def test_declared_sizes_never_allocate_beyond_the_file(fuzz):
    """Any declared layer sizes with small weight lists: refused, and the peak allocation stays small."""
    fuzz = settings(fuzz, max_examples=max(20, fuzz.max_examples // 4))

    @fuzz
    @given(documents(), st.lists(st.integers(-1, 10**12) | st.sampled_from([4096, 10**400]), min_size=2,
                                 max_size=60))
    def run(doc, sizes):
        if sizes == doc["layer_sizes"]:
            return  # the document's own sizes: it loads, which is not this test's business
        doc["layer_sizes"] = sizes
        assert peak_bytes(json.dumps(doc)) < MAX_PEAK_BYTES

    run()


# -- hand-picked cases --------------------------------------------------------------------------------
def small_document(**changes) -> dict:
    doc = network_to_dict(Network([2, 3, 1], seed=1))
    doc.update(changes)
    return doc


DEEP = 10**5


@pytest.mark.parametrize("text", [
    "[" * DEEP,
    "[" * DEEP + "]" * DEEP,
    '{"a":' * DEEP + "1" + "}" * DEEP,
    json.dumps(small_document()).replace('"weights": [', '"weights": [' + "[" * DEEP, 1),
    json.dumps(small_document(weights=[[[[[[[[]]]]]]]] * 2)),
    json.dumps(small_document(layer_sizes=[[[[2]]], 3, 1])),
], ids=["open", "balanced", "objects", "in-weights", "weights-8-deep", "in-sizes"])
def test_deep_nesting_is_refused(text):
    assert isinstance(outcome(text), NetworkFileError)


def test_nesting_as_deep_as_json_allows_is_refused():
    """Just below the parser's recursion limit, the loader itself must not recurse or build a 900-d array."""
    for depth in (60, 200, 900):
        nested = "[" * depth + "0.5" + "]" * depth
        text = json.dumps(small_document()).replace('"weights": [', f'"weights": [{nested}, ', 1)
        assert isinstance(outcome(text), NetworkFileError)


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e400", "-1e400"])
@pytest.mark.parametrize("field", ["weights", "biases", "init_scale", "learning_rate", "seed", "layer_sizes"])
def test_non_finite_numbers_are_refused(field, token):
    doc = small_document(bias=True)
    marker = 123456.5
    if field == "weights":
        doc["weights"][1][0][2] = marker
    elif field == "biases":
        doc["biases"][0][1] = marker
    elif field == "layer_sizes":
        doc["layer_sizes"][1] = marker
    else:
        doc[field] = marker
    text = json.dumps(doc).replace(repr(marker), token)
    error = outcome(text)
    assert isinstance(error, NetworkFileError)
    assert field in str(error) or token in str(error)


@pytest.mark.parametrize("field", ["init_scale", "learning_rate", "seed", "version", "layer_sizes", "weights"])
def test_integers_too_large_for_a_float_are_refused(field):
    doc = small_document()
    huge = 10**400
    if field == "layer_sizes":
        doc[field] = [huge, 1]
    elif field == "weights":
        doc[field][0][0][0] = huge
    else:
        doc[field] = huge
    assert isinstance(outcome(json.dumps(doc)), NetworkFileError)


@pytest.mark.parametrize("scale", [1e308, -1e308, 1e7])
def test_an_init_scale_that_would_draw_infinite_weights_is_refused(scale):
    """Found by the 20,000-example run: 1e308 times a normal draw overflowed (a warning, then inf weights)."""
    error = outcome(json.dumps(small_document(init="normal", init_scale=scale)))
    assert isinstance(error, NetworkFileError) and "init_scale" in str(error)


def test_huge_finite_weights_load():
    """±1e308 is a legal, finite weight: the file loads (the forward pass may overflow; it must not warn)."""
    doc = small_document()
    doc["weights"][0] = [[1e308, 1e308]] * 3
    assert isinstance(outcome(json.dumps(doc)), Network)


@pytest.mark.parametrize("sizes", [
    [10**9, 10**9], [4096] * 40, [4096] * 34, [4096, 4096], [4096] * 3, [4096, 2441, 1], [1] * 35,
    [10**400, 1], [2**63, 2**63], [0, 5], [-5, 3], [3],
    [4096, 2440, 1],  # legal (9,996,680 weights), but the file has no such arrays
], ids=lambda sizes: "x".join(str(n) if n < 10**6 else f"1e{len(str(n)) - 1}" for n in sizes[:3]) + f"[{len(sizes)}]")
@pytest.mark.parametrize("weights", ["empty", "tiny", "one-row-per-layer"])
def test_enormous_declared_sizes_allocate_little(sizes, weights):
    n = len(sizes) - 1
    values = {"empty": [], "tiny": [[[0.0]]] * n, "one-row-per-layer": [[[0.0] * 8]] * n}[weights]
    doc = small_document(layer_sizes=sizes, weights=values, biases=[[0.0]] * n)
    text = json.dumps(doc)
    assert len(text) < 10_000
    assert peak_bytes(text) < MAX_PEAK_BYTES


def test_a_long_string_among_many_small_ones_allocates_little():
    """numpy widens every element of a string array to the longest: 100 kB of JSON must not become gigabytes."""
    doc = small_document()
    doc["weights"][0] = ["x" * 20_000] + [""] * 20_000
    text = json.dumps(doc)
    assert len(text) < 150_000
    assert peak_bytes(text) < MAX_PEAK_BYTES


@pytest.mark.parametrize("field", ["format", "version", "activation", "output_activation", "init", "seed",
                                   "init_scale", "learning_rate"])
def test_messages_quote_huge_values_briefly(field):
    """An error message quotes what the file says, but a 10 MB value must not become a 10 MB dialog."""
    doc = small_document()
    doc[field] = ["x" * 1000] * 10_000
    error = outcome(json.dumps(doc))
    assert isinstance(error, NetworkFileError)
    assert len(str(error)) < 500


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.json"
    with open(path, "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    tracemalloc.start()
    try:
        with pytest.raises(NetworkFileError, match="big.json.*larger than"):
            load_network(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MAX_PEAK_BYTES


@pytest.mark.parametrize("make", [
    lambda p: p,  # missing
    lambda p: (p.mkdir(), p)[1],  # a folder
    lambda p: (p.write_bytes(b""), p)[1],
    lambda p: (p.write_bytes(b" \n\t "), p)[1],
    lambda p: (p.write_bytes(b"\xef\xbb\xbf" + json.dumps(small_document()).encode()), p)[1],  # BOM: loads
    lambda p: (p.write_bytes(json.dumps(small_document()).encode("utf-16")), p)[1],  # UTF-16: loads
    lambda p: (p.write_bytes(b"\xff\xfe\x00\x00garbage"), p)[1],
], ids=["missing", "folder", "empty", "blank", "utf8-bom", "utf16", "bad-utf32"])
def test_odd_files(tmp_path, make):
    path = make(tmp_path / "net.json")
    try:
        check_loaded(load_network(path))
    except NetworkFileError as e:
        assert "net.json" in str(e)


# -- the window's Open: network files with inputs, and lectures (nnviz.core.scenes) -------------------------
@st.composite
def saved_states(draw):
    """A network file as the window saves it: the document plus, usually, its inputs."""
    doc = draw(documents())
    if draw(st.booleans()):
        n_in = doc["layer_sizes"][0]
        doc["inputs"] = draw(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=n_in, max_size=n_in))
    return doc


@st.composite
def lectures(draw):
    entries = []
    for doc in draw(st.lists(saved_states(), min_size=1, max_size=3)):
        entry = {"title": draw(st.text(min_size=1, max_size=20).filter(str.strip)), "network": doc}
        if "inputs" in doc:
            entry["inputs"] = doc.pop("inputs")
        if draw(st.booleans()):
            entry["notes"] = draw(st.text(max_size=50))
        if draw(st.booleans()):
            entry["appearance"] = {"theme": draw(st.sampled_from(["light", "dark"])), "scale": 1.5}
        entries.append(entry)
    return {"format": scenes.FORMAT_NAME, "version": scenes.FORMAT_VERSION, "scenes": entries}


def open_like_the_window(path):
    """What the window's Open and ``--open`` do with a file: read_any, a lecture or a network."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            opened = read_any(path)
            for scene in opened.scenes:
                check_loaded(scene.network)
            check_loaded(opened.network)
            assert opened.inputs is None or opened.inputs.shape == (opened.network.layer_sizes[0],)
        except NetworkFileError as e:
            assert 0 < len(str(e)) <= MAX_MESSAGE_CHARS


@pytest.mark.slow
def test_mutated_saved_states_and_lectures_open_like_the_window(fuzz, tmp_path):
    path = tmp_path / "opened.json"

    @fuzz
    @given(mutated_documents(saved_states() | lectures()))
    def run(doc):
        path.write_text(json.dumps(doc))
        open_like_the_window(path)

    run()


@pytest.mark.parametrize("doc", [
    dict(small_document(), inputs=[10**400, 1]),
    {"format": "nnviz-scenes", "version": 1, "scenes": [{"title": "A", "network": small_document(),
                                                          "inputs": [1, 10**400]}]},
    {"format": "nnviz-scenes", "version": 1, "scenes": [{"title": "A", "network": small_document(),
                                                          "appearance": {"scale": 10**400}}]},
], ids=["inputs", "scene-inputs", "appearance"])
def test_whole_numbers_beyond_a_float_open_like_the_window(tmp_path, doc):
    path = tmp_path / "opened.json"
    path.write_text(json.dumps(doc))
    open_like_the_window(path)


@pytest.mark.parametrize("field", ["format", "version"])
def test_lecture_messages_quote_huge_values_briefly(tmp_path, field):
    doc = {"format": scenes.FORMAT_NAME, "version": 1, "scenes": []}
    doc[field] = ["x" * 1000] * 10_000
    with pytest.raises(NetworkFileError) as error:
        scenes.scenes_from_dict(doc)
    assert len(str(error.value)) < 500


def test_opening_a_small_file_allocates_little(tmp_path):
    path = tmp_path / "small.json"
    path.write_text(json.dumps(small_document()))
    tracemalloc.start()
    try:
        scenes.read_document(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MAX_PEAK_BYTES
