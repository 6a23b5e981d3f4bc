"""Model files are untrusted: no code from them runs, and damaged or lying files end in ModelImportError."""

import io
import os
import pickle
import struct
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_files import MODELS, needs_models, reference_forward, torch_zip

from nnviz.core import ImportedModel, ModelImportError, read_model
from nnviz.core.limits import MAX_MODEL_FILE_BYTES
from nnviz.core.models import MODEL_SUFFIXES


class RunsCode:
    """Pickles as a call of ``function(*args)``: what a malicious model file does."""

    def __init__(self, function, *args):
        self.function, self.args = function, args

    def __reduce__(self):
        return self.function, self.args


def payloads(target):
    return [RunsCode(os.system, f"touch {target}"), RunsCode(open, str(target), "w"),
            RunsCode(eval, f"open({str(target)!r}, 'w')"), RunsCode(exec, f"open({str(target)!r}, 'w')")]


@pytest.mark.parametrize("index", range(4))
@pytest.mark.parametrize("suffix", [".joblib", ".pkl", ".pt"])
def test_a_pickle_that_would_create_a_file_is_refused_and_creates_nothing(tmp_path, index, suffix):
    target = tmp_path / "created-by-the-pickle"
    payload = pickle.dumps({"coefs_": payloads(target)[index]}, protocol=2)
    path = tmp_path / f"evil{suffix}"
    path.write_bytes(torch_zip({}, payload) if suffix == ".pt" else payload)
    with pytest.raises(ModelImportError, match=f"evil{suffix}: .*(posix.system|builtins|refuses)"):
        read_model(path)
    assert not target.exists()


def test_a_payload_hidden_inside_an_allowed_object_is_refused(tmp_path):
    """The estimator's state is unpickled too: a call tucked into it is refused, not run."""
    target = tmp_path / "created"
    call = pickle.dumps(RunsCode(os.system, f"touch {target}"), protocol=2)[2:-1]  # without PROTO and STOP
    stream = (b"\x80\x02csklearn.neural_network._multilayer_perceptron\nMLPClassifier\n)\x81"
              b"}X\x06\x00\x00\x00coefs_" + call + b"sb.")  # estimator.__dict__ = {"coefs_": call}
    path = tmp_path / "hidden.pkl"
    path.write_bytes(stream)
    with pytest.raises(ModelImportError, match="posix.system"):
        read_model(path)
    assert not target.exists()


@pytest.mark.parametrize("suffix", MODEL_SUFFIXES)
def test_empty_files_are_refused(tmp_path, suffix):
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    with pytest.raises(ModelImportError, match=f"empty{suffix} is empty"):
        read_model(path)


def real_files():
    if MODELS is None:
        return []
    return sorted(p.name for p in MODELS.iterdir() if p.suffix in MODEL_SUFFIXES)


@needs_models
@pytest.mark.parametrize("name", real_files())
def test_truncated_files_are_refused(tmp_path, name):
    data = (MODELS / name).read_bytes()
    for cut in (1, 8, 9, len(data) // 3, len(data) // 2, len(data) - 1):
        path = tmp_path / name
        path.write_bytes(data[:cut])
        with pytest.raises(ModelImportError, match=name):
            read_model(path)


def zip_with_lying_size(declared: int, real: bytes, name="model.weights.h5") -> bytes:
    """A zip whose member ``name`` says it unpacks to ``declared`` bytes (local and central headers patched)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", "{}")
        archive.writestr(name, real)
    data = bytearray(buffer.getvalue())
    local = data.index(b"PK\x03\x04" + data[4:6], data.index(name.encode()) - 40)
    central = data.index(b"PK\x01\x02", data.rindex(b"PK\x01\x02") - 1)
    struct.pack_into("<I", data, local + 22, declared)
    struct.pack_into("<I", data, central + 24, declared)
    return bytes(data)


def test_a_zip_member_declaring_more_than_the_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "bomb.keras"
    path.write_bytes(zip_with_lying_size(MAX_MODEL_FILE_BYTES + 1, b"\0" * 1000))
    with pytest.raises(ModelImportError, match=r"bomb.keras: the archive unpacks to .* more than the limit"):
        read_model(path)


def test_a_zip_bomb_member_that_lies_small_is_cut_at_its_declared_size(tmp_path):
    """20 MB of zeros declared as 1 kB: zipfile stops at 1 kB, and the check of the contents fails."""
    path = tmp_path / "bomb.keras"
    path.write_bytes(zip_with_lying_size(1000, b"\0" * 20_000_000))
    with pytest.raises(ModelImportError, match="bomb.keras"):
        read_model(path)


def safetensors_with_header(header_len: int, header: bytes, body: bytes = b"") -> bytes:
    return struct.pack("<Q", header_len) + header + body


@pytest.mark.parametrize("claimed", [2**62, 2**64 - 1, 10**9])
def test_a_safetensors_header_claiming_more_than_the_file_is_refused(tmp_path, claimed):
    path = tmp_path / "lie.safetensors"
    path.write_bytes(safetensors_with_header(claimed, b'{"a": 1}'))
    with pytest.raises(ModelImportError, match="lie.safetensors: the header claims"):
        read_model(path)


@pytest.mark.parametrize("entry", [
    '{"0.weight":{"dtype":"F32","shape":[4096,4096],"data_offsets":[0,64]}}',  # shape bigger than its bytes
    '{"0.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,4000000000000]}}',  # offsets beyond the file
    '{"0.weight":{"dtype":"F32","shape":[100000,100000000],"data_offsets":[0,16]}}',  # beyond MAX_WEIGHTS
    '{"0.weight":{"dtype":"F32","shape":[-2,-2],"data_offsets":[0,16]}}',
    '{"0.weight":{"dtype":"F8_E4M3","shape":[2,2],"data_offsets":[0,4]}}',
])
def test_safetensors_entries_that_do_not_fit_the_file_are_refused(tmp_path, entry):
    path = tmp_path / "lie.safetensors"
    path.write_bytes(safetensors_with_header(len(entry), entry.encode(), b"\0" * 64))
    with pytest.raises(ModelImportError, match="lie.safetensors: 0.weight"):
        read_model(path)


@pytest.mark.filterwarnings("ignore:Stochastic Optimizer")
def test_a_pickled_array_declaring_a_huge_shape_is_refused(tmp_path):
    MLPRegressor = pytest.importorskip("sklearn.neural_network").MLPRegressor
    joblib = pytest.importorskip("joblib")
    model = MLPRegressor(hidden_layer_sizes=(2,), max_iter=5).fit([[0.0], [1.0]], [0.0, 1.0])
    buffer = io.BytesIO()
    joblib.dump(model, buffer, protocol=2)  # no frames, so an opcode can grow in place
    raw = buffer.getvalue()
    # The first array's shape tuple, (1, 2), becomes (1, 2**30): far more than the stream holds.
    assert b"K\x01K\x02\x86" in raw
    path = tmp_path / "big.joblib"
    path.write_bytes(raw.replace(b"K\x01K\x02\x86", b"K\x01J\x00\x00\x00\x40\x86", 1))
    with pytest.raises(ModelImportError, match="big.joblib: a joblib array declares 1,073,741,824 values"):
        read_model(path)


def test_files_larger_than_the_limit_are_refused_without_reading(tmp_path):
    path = tmp_path / "huge.onnx"
    with open(path, "wb") as f:
        f.truncate(MAX_MODEL_FILE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(ModelImportError, match="huge.onnx is larger than"):
        read_model(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600), suffix=st.sampled_from(MODEL_SUFFIXES),
       prefix=st.sampled_from([b"", b"PK\x03\x04", b"\x89HDF\r\n\x1a\n", b"\x80\x04\x95", b"\x80\x02",
                               b"\x08\x07\x12", b"\x10\x00\x00\x00\x00\x00\x00\x00{"]))
def test_random_bytes_give_model_import_error_for_every_suffix(tmp_path, data, suffix, prefix):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(prefix + data)
    try:
        model = read_model(path)
    except ModelImportError as e:
        assert f"random{suffix}" in str(e)
    else:  # a few bytes can form a valid file by chance; it must then be a valid model
        assert isinstance(model, ImportedModel)


@needs_models
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(real_files() or ["none"]), position=st.floats(0, 1), value=st.integers(0, 255))
def test_real_files_with_one_byte_changed_give_a_model_or_model_import_error(tmp_path, name, position, value):
    data = bytearray((MODELS / name).read_bytes())
    data[int(position * (len(data) - 1))] = value
    path = tmp_path / name
    path.write_bytes(bytes(data))
    try:
        model = read_model(path)
    except ModelImportError as e:
        assert name in str(e)
    else:
        assert all(np.all(np.isfinite(w)) for w in model.weights)


@needs_models
@pytest.mark.parametrize("kind", ["zlib", "gzip", "bz2", "xz", "lzma"])
def test_compressed_joblib_files_read_like_plain_ones(tmp_path, kind):
    import bz2
    import gzip
    import lzma
    import zlib

    plain = (MODELS / "sk_mlp.joblib").read_bytes()
    packed = {"zlib": lambda d: zlib.compress(d, 3), "gzip": gzip.compress, "bz2": bz2.compress,
              "xz": lzma.compress, "lzma": lambda d: lzma.compress(d, format=lzma.FORMAT_ALONE)}[kind](plain)
    path = tmp_path / "packed.joblib"
    path.write_bytes(packed)
    model, reference = read_model(path), read_model(MODELS / "sk_mlp.joblib")
    for a, b in zip(model.weights, reference.weights):
        np.testing.assert_array_equal(a, b)


def test_a_compressed_bomb_is_cut_at_the_limit(tmp_path, monkeypatch):
    import zlib

    from nnviz.core.models import compressed

    monkeypatch.setattr(compressed, "MAX_MODEL_FILE_BYTES", 1_000_000)
    path = tmp_path / "bomb.joblib"
    path.write_bytes(zlib.compress(b"\x80\x04" + b"\0" * 5_000_000))
    with pytest.raises(ModelImportError, match="bomb.joblib: it inflates to more than"):
        read_model(path)


@pytest.mark.filterwarnings("ignore:Stochastic Optimizer")
def test_joblib_s_own_compressed_dump_reads_with_scikit_learn_s_probabilities(tmp_path):
    joblib = pytest.importorskip("joblib")
    MLPClassifier = pytest.importorskip("sklearn.neural_network").MLPClassifier
    x = np.random.default_rng(0).normal(size=(30, 4))
    labels = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0)
    estimator = MLPClassifier(hidden_layer_sizes=(5,), max_iter=20, random_state=0).fit(x, labels)
    joblib.dump(estimator, tmp_path / "packed.joblib", compress=3)
    model = read_model(tmp_path / "packed.joblib")
    np.testing.assert_allclose(reference_forward(model.weights, model.biases, model.activations, x),
                               estimator.predict_proba(x), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("opcode", [b"N", b"]", b")"])
def test_a_pickle_of_countless_one_byte_objects_is_refused_before_it_builds_them(tmp_path, opcode):
    """One byte a Python object of 16 to 56 bytes: a 300 MB pickle would otherwise build 10 GB of them."""
    path = tmp_path / "many.pkl"
    path.write_bytes(b"\x80\x02(" + opcode * 2_000_000 + b"l.")
    with pytest.raises(ModelImportError, match="many.pkl: .*more than .* pickle operations"):
        read_model(path)


def _json_of_countless_lists(n_bytes: int) -> bytes:
    """Valid JSON of about ``n_bytes``: 3 bytes of the file a 56-byte Python list once parsed."""
    return b"[" + b"[]," * (n_bytes // 3) + b"[]]"


def test_a_keras_config_that_inflates_to_a_huge_json_is_refused_before_inflating(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", _json_of_countless_lists(40 * 2**20))  # deflates ~1000:1
        archive.writestr("model.weights.h5", b"")
    path = tmp_path / "bomb.keras"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(ModelImportError, match="bomb.keras: config.json holds .* more than"):
        read_model(path)


def test_a_safetensors_header_beyond_any_mlp_s_is_refused_before_parsing(tmp_path):
    header = b'{"__metadata__":' + _json_of_countless_lists(8 * 2**20) + b"}"
    path = tmp_path / "lists.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header)
    with pytest.raises(ModelImportError, match="lists.safetensors: the header .* more than"):
        read_model(path)
