"""Tests for nnviz.core.fileio: exact round trips, atomic saves, refusing bad files, weight exports."""

import csv
import errno
import json
import os
import re
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnviz.core import (
    ACTIVATIONS,
    INITIALIZERS,
    Network,
    NetworkFileError,
    export_weights,
    fileio,
    load_network,
    save_network,
)
from nnviz.core.fileio import network_from_dict, network_to_dict

SETTINGS = ("layer_sizes", "activation", "output_activation", "init", "init_scale", "seed", "bias",
            "learning_rate")
FIELDS = SETTINGS + ("weights", "biases")


def sample_network():
    net = Network([3, 4, 2], activation="tanh", output_activation="linear", init="he_normal",
                  init_scale=0.75, seed=4242, bias=True, learning_rate=0.05)
    net.biases = [np.random.default_rng(1).normal(size=b.shape) for b in net.biases]
    return net


def assert_same_network(a, b):
    for key in SETTINGS + ("activations", "loss", "output_follows_hidden"):  # the last three: version 2 on
        assert getattr(a, key) == getattr(b, key), key
    assert len(a.weights) == len(b.weights) and len(a.biases) == len(b.biases)
    for wa, wb in zip(a.weights, b.weights):
        assert wa.dtype == wb.dtype == np.float64
        assert np.array_equal(wa, wb)
    for ba, bb in zip(a.biases, b.biases):
        assert np.array_equal(ba, bb)


# ---------------------------------------------------------------- round trips


def test_save_load_round_trip_is_exact(tmp_path):
    net = sample_network()
    path = tmp_path / "net.json"
    save_network(net, path)
    assert_same_network(load_network(path), net)
    assert_same_network(load_network(str(path)), net)


def test_saved_file_is_readable_json_with_format_and_version(tmp_path):
    path = tmp_path / "net.json"
    save_network(sample_network(), path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "nnviz-network" and doc["version"] == 2
    assert doc["layer_sizes"] == [3, 4, 2]


@st.composite
def networks(draw):
    sizes = draw(st.lists(st.integers(1, 5), min_size=2, max_size=4))
    names = st.sampled_from(list(ACTIVATIONS))
    # One name for all hidden layers, or one per hidden layer; an output of its own or none (it follows).
    hidden = draw(names | st.lists(names, min_size=len(sizes) - 2, max_size=len(sizes) - 2))
    output = draw(st.none() | names)
    net = Network(sizes, activation=hidden, output_activation=output,
                  init=draw(st.sampled_from(list(INITIALIZERS))),
                  init_scale=draw(st.floats(0, 1000)), seed=draw(st.integers(0, 2**32 - 1)),
                  bias=draw(st.booleans()), learning_rate=draw(st.floats(-1e6, 1e6)))
    if net.output_activation in ("softmax", "sigmoid") and draw(st.booleans()):
        net.loss = "cross_entropy"
    # Any finite float must survive, subnormals and extremes included.
    finite = st.floats(allow_nan=False, allow_infinity=False)
    net.weights = [draw(arrays(np.float64, w.shape, elements=finite)) for w in net.weights]
    net.biases = [draw(arrays(np.float64, b.shape, elements=finite)) for b in net.biases]
    return net


@settings(max_examples=60, deadline=None)
@given(net=networks())
def test_round_trip_of_random_networks_is_exact(tmp_path_factory, net):
    path = tmp_path_factory.mktemp("round_trip") / "net.json"
    save_network(net, path)
    assert_same_network(load_network(path), net)
    assert_same_network(network_from_dict(network_to_dict(net)), net)


def test_per_layer_activations_and_the_loss_round_trip(tmp_path):
    net = Network([4, 5, 3, 6, 3], activation=["relu", "tanh", "gelu"], output_activation="softmax",
                  loss="cross_entropy", seed=3, bias=True)
    path = tmp_path / "net.json"
    save_network(net, path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["activations"] == ["relu", "tanh", "gelu", "softmax"] and doc["loss"] == "cross_entropy"
    loaded = load_network(path)
    assert loaded.activations == ["relu", "tanh", "gelu", "softmax"] and loaded.loss == "cross_entropy"
    assert_same_network(loaded, net)


def test_a_version_1_file_means_squared_error_and_one_hidden_activation():
    doc = network_to_dict(Network([2, 3, 3, 1], activation="tanh", seed=5))
    for key in ("activations", "loss"):
        del doc[key]
    doc["version"] = 1
    net = network_from_dict(doc)
    assert net.loss == "mse" and net.activations == ["tanh", "tanh", "tanh"] and net.output_follows_hidden


@pytest.mark.parametrize("changes, words", [
    ({"activations": ["relu", "tanh"]}, "list of 3 names"),
    ({"activations": ["relu", "nope", "tanh"]}, "'activations' holds 'nope'"),
    ({"activations": "relu"}, "list of 3 names"),
    ({"activations": ["relu", "relu", "tanh"]}, "output activation is 'relu'"),  # null: follows the first
    ({"loss": "hinge"}, "'loss' is 'hinge'"),
    ({"loss": ["mse"]}, "'loss' is ['mse']"),
    ({"loss": "cross_entropy", "output_activation": "relu", "activations": ["sigmoid", "sigmoid", "relu"]},
     "cross-entropy needs a softmax or sigmoid output"),
])
def test_bad_activations_or_loss_raise_network_file_error(changes, words):
    doc = network_to_dict(Network([2, 3, 3, 1], seed=5))
    doc["activations"] = ["sigmoid"] * 3
    doc.update(changes)
    with pytest.raises(NetworkFileError, match=re.escape(words)):
        network_from_dict(doc)


# ---------------------------------------------------------------- atomic saves


def fail(exc):
    def raiser(*args, **kwargs):
        raise exc
    return raiser


@pytest.mark.parametrize("target", ["replace", "fsync"])
def test_failed_save_leaves_the_old_file_intact_and_no_temp_file(tmp_path, monkeypatch, target):
    path = tmp_path / "net.json"
    save_network(Network([2, 3, 1], seed=1), path)
    original = path.read_bytes()
    monkeypatch.setattr(fileio.os, target, fail(OSError(errno.ENOSPC, "No space left on device")))
    with pytest.raises(OSError) as info:
        save_network(Network([5, 5, 5], seed=2), path)
    monkeypatch.undo()
    assert "could not save" in str(info.value) and "net.json" in str(info.value)
    assert "No space left" in str(info.value)
    assert path.read_bytes() == original
    assert os.listdir(tmp_path) == ["net.json"]


def test_save_into_a_missing_folder_names_the_file(tmp_path):
    with pytest.raises(OSError, match="could not save .*net.json"):
        save_network(Network([2, 2], seed=0), tmp_path / "missing" / "net.json")


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_saved_files_get_normal_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        new = tmp_path / "new.json"
        save_network(Network([2, 2], seed=0), new)
        assert os.stat(new).st_mode & 0o777 == 0o644
        shared = tmp_path / "shared.json"
        shared.write_text("{}")
        os.chmod(shared, 0o664)
        save_network(Network([2, 2], seed=0), shared)
        assert os.stat(shared).st_mode & 0o777 == 0o664
    finally:
        os.umask(umask)


# ---------------------------------------------------------------- refusing bad files


def write(tmp_path, content, name="bad.json"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def load_error(path) -> str:
    with pytest.raises(NetworkFileError) as info:
        load_network(path)
    return str(info.value)


def valid_doc():
    return network_to_dict(Network([3, 2, 1], seed=3))


def with_changes(**changes):
    doc = valid_doc()
    doc.update(changes)
    return json.dumps(doc)


@pytest.mark.parametrize("content, words", [
    ("this is not json", "not valid JSON"),
    (b"\xff\xfe\x00garbage", "not valid JSON"),
    ("[1, 2, 3]", "expected a JSON object"),
    ('{"format": "something-else"}', "not an nnviz network"),
    (with_changes(format="keras"), "not an nnviz network"),
    (with_changes(version=3), "unsupported version 3"),
    (with_changes(layer_sizes=[3, "2", 1]), "'layer_sizes' must be a list of whole numbers"),
    (with_changes(layer_sizes="3,2,1"), "'layer_sizes' must be a list of whole numbers"),
    (with_changes(layer_sizes=[3, 2.5, 1]), "'layer_sizes' must be a list of whole numbers"),
    (with_changes(layer_sizes=[3]), "at least an input and an output"),
    (with_changes(layer_sizes=[3, 0, 1]), "at least 1"),
    (with_changes(layer_sizes=[3, 10**9, 1]), "more than the limit of 4096"),
    (with_changes(layer_sizes=[2] * 40), "hidden layers is more than the limit"),
    (with_changes(layer_sizes=[4096, 4096, 4096]), "weights is more than the limit"),
    (with_changes(layer_sizes=[3, 4, 1]), "weights[0] must be a (4, 3) array of numbers, found shape (2, 3)"),
    (with_changes(weights=[[[1, 2, 3], [4, 5, 6]]]), "'weights' must be a list of 2 arrays"),
    (with_changes(weights=[[[1, 2], [3, 4], [5, 6]], [[1, 2]]]), "found shape (3, 2)"),
    (with_changes(weights=[[[1, 2, 3], [4, 5]], [[1, 2]]]), "ragged or non-numeric"),
    (with_changes(weights=[[[1, 2, 3], ["a", "b", "c"]], [[1, 2]]]), "ragged or non-numeric"),
    (with_changes(weights=[[[1, 2, 3], [4, 5, None]], [[1, 2]]]), "ragged or non-numeric"),
    (with_changes(weights="lots"), "'weights' must be a list of 2 arrays"),
    (with_changes(biases=[[0.0], [0.0]]), "biases[0] must be a (2,) array of numbers, found shape (1,)"),
    (with_changes(init_scale="1.0"), "'init_scale' must be a finite number"),
    (with_changes(learning_rate=None), "'learning_rate' must be a finite number"),
    (with_changes(learning_rate=True), "'learning_rate' must be a finite number"),
    (with_changes(seed="12"), "'seed' must be a whole number"),
    (with_changes(seed=None), "'seed' must be a whole number"),
    (with_changes(seed=-5), "seed must be a whole number from 0"),
    (with_changes(bias="yes"), "'bias' must be true or false"),
    (with_changes(activation="softmin"), "valid: sigmoid"),
    (with_changes(activation=["relu"]), "valid: sigmoid"),
    (with_changes(output_activation=7), "valid: sigmoid"),
    (with_changes(init="glorot"), "valid: truncated_normal"),
    (with_changes(init_scale=1).replace('"init_scale": 1', '"init_scale": NaN'), "NaN"),
    (with_changes(init_scale=1).replace('"init_scale": 1', '"init_scale": Infinity'), "Infinity"),
    (with_changes(init_scale=1).replace('"init_scale": 1', '"init_scale": -Infinity'), "-Infinity"),
    (with_changes(weights=[[[1, 2, 3], [4, 5, 6]], [["NaN", 1]]]), "ragged or non-numeric"),
    (with_changes(init_scale=1).replace('"init_scale": 1', '"init_scale": 1e400'),
     "'init_scale' must be a finite number"),
    (with_changes(weights=[[[1, 2, 3], [4, 5, 6]], [[7, 123456789]]]).replace("123456789", "1e999"),
     "weights[1] contains NaN or infinite values"),
    ("[" * 100_000, "nested too deeply"),
    ('{"a": ' * 100_000, "nested too deeply"),
    ("", "empty"),
    ("  \n\t ", "empty"),
])
def test_bad_files_raise_network_file_error_saying_why(tmp_path, content, words):
    message = load_error(write(tmp_path, content))
    assert words in message
    assert message.startswith("bad.json")  # the message names the file


@pytest.mark.parametrize("field", FIELDS)
def test_each_missing_field_is_named(tmp_path, field):
    doc = valid_doc()
    del doc[field]
    assert f"missing field(s): {field}" in load_error(write(tmp_path, json.dumps(doc)))


def test_huge_layer_sizes_fail_fast_without_allocating(tmp_path):
    path = write(tmp_path, with_changes(layer_sizes=[10**9, 10**9]))
    tracemalloc.start()
    try:
        message = load_error(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "limit" in message
    assert peak < 4_000_000  # a read buffer at most; one 10⁹-node layer would need gigabytes


def test_oversized_file_is_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(fileio, "MAX_FILE_BYTES", 100)
    assert "larger than" in load_error(write(tmp_path, with_changes()))


def test_a_directory_is_refused(tmp_path):
    message = load_error(tmp_path)
    assert "cannot read" in message and str(tmp_path) in message


def test_a_missing_file_is_refused(tmp_path):
    message = load_error(tmp_path / "nowhere.json")
    assert "cannot read" in message and "nowhere.json" in message and "No such file" in message


def test_network_file_error_is_a_value_error():
    assert issubclass(NetworkFileError, ValueError)
    with pytest.raises(NetworkFileError, match="expected a JSON object"):
        network_from_dict([])


# ---------------------------------------------------------------- weight exports


def test_npz_export_loads_back_with_numpy(tmp_path):
    net = sample_network()
    path = tmp_path / "weights.npz"
    export_weights(net, path)
    with np.load(path) as data:
        assert list(data["layer_sizes"]) == [3, 4, 2]
        for i, (w, b) in enumerate(zip(net.weights, net.biases)):
            assert np.array_equal(data[f"W{i}"], w)
            assert np.array_equal(data[f"b{i}"], b)


def test_csv_export_has_a_header_and_one_row_per_weight(tmp_path):
    net = Network([3, 4, 2], seed=8)
    path = tmp_path / "weights.csv"
    export_weights(net, path)
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["layer", "to", "from", "weight"]
    assert len(rows) - 1 == net.n_weights
    for layer, to, frm, weight in rows[1:]:
        assert float(weight) == net.weights[int(layer)][int(to), int(frm)]


def test_csv_export_lists_biases_after_the_weights_when_they_are_on(tmp_path):
    net = sample_network()
    path = tmp_path / "weights.csv"
    export_weights(net, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    marker = lines.index("# biases: layer,to,,bias")
    assert marker == 1 + net.n_weights
    bias_rows = [line.split(",") for line in lines[marker + 1:]]
    assert len(bias_rows) == sum(b.size for b in net.biases)
    for layer, to, _, value in bias_rows:
        assert float(value) == net.biases[int(layer)][int(to)]


@pytest.mark.parametrize("name", ["weights.txt", "weights", "weights.json"])
def test_export_with_an_unknown_suffix_raises_value_error(tmp_path, name):
    with pytest.raises(ValueError, match=r"\.npz or \.csv"):
        export_weights(Network([2, 2], seed=0), tmp_path / name)
    assert os.listdir(tmp_path) == []


def test_an_output_layer_that_follows_the_hidden_activation_keeps_following_after_a_round_trip(tmp_path):
    net = Network([2, 3, 1], activation="tanh", seed=1)
    save_network(net, tmp_path / "n.json")
    loaded = load_network(tmp_path / "n.json")
    assert loaded.output_follows_hidden and loaded.output_activation == "tanh"
    loaded.activation = "relu"
    assert loaded.output_activation == "relu"
    pinned = Network([2, 3, 1], activation="tanh", output_activation="sigmoid", seed=1)
    save_network(pinned, tmp_path / "p.json")
    assert not load_network(tmp_path / "p.json").output_follows_hidden
