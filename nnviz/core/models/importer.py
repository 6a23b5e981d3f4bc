"""Open a trained model file: the format is told by the content, with the suffix as a hint."""

from __future__ import annotations

import os
from pathlib import Path

from ..fileio import open_regular_file
from ..limits import MAX_MODEL_FILE_BYTES
from ..network import Network
from .archive import open_zip
from .compressed import compression_of, decompress
from .keras_model import HDF5_MAGIC, read_keras_h5, read_keras_zip
from .model import ImportedModel, LayerError, ModelImportError
from .npz_file import read_npz
from .onnx_model import read_onnx
from .safetensors_file import looks_like_safetensors, read_safetensors
from .sklearn_mlp import read_sklearn
from .torch_zip import read_torch

MODEL_SUFFIXES = (".onnx", ".pt", ".pth", ".safetensors", ".keras", ".h5", ".hdf5", ".joblib", ".pkl",
                  ".pickle", ".npz")
"""The suffixes the File dialog lists; any other file is still read by its content."""

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def read_model(path) -> ImportedModel:
    """The layers in the model file at ``path`` (see :class:`ImportedModel`). Raises :class:`ModelImportError`."""
    path = Path(path)
    data = _read_bytes(path)
    try:
        return _read(data, path.suffix.lower())
    except LayerError as e:
        raise ModelImportError(f"{path.name}: {e}") from None
    except Exception as e:  # a damaged file found a path the checks missed: still one error type
        raise ModelImportError(f"{path.name}: cannot read it ({type(e).__name__}: {str(e)[:80]})") from None


def import_model(path, *, activation=None, output_activation=None) -> Network:
    """The network in the model file at ``path``.

    ``activation`` (a name, or one per hidden layer) and ``output_activation`` override the file's
    activations; for files that store none they default to ReLU and a linear output.
    Raises :class:`ModelImportError` (a ``ValueError``) whose message names the file and the problem.
    """
    model = read_model(path)
    try:
        return model.to_network(activation, output_activation)
    except ValueError as e:
        raise ModelImportError(f"{Path(path).name}: {e}") from None


def needs_activations(path) -> bool:
    """True when the file stores no activations (a state_dict, a foreign safetensors or npz): ask the user."""
    return not read_model(path).stores_activations


def _read_bytes(path: Path) -> bytes:
    try:
        with open_regular_file(path) as f:
            size = os.fstat(f.fileno()).st_size
            if size > MAX_MODEL_FILE_BYTES:
                raise ModelImportError(f"{path.name} is larger than {MAX_MODEL_FILE_BYTES // 2**20} MiB")
            # read(n) reserves n bytes up front: ask for what the file holds (and one more, to see it grew).
            data = f.read(size + 1)
    except OSError as e:
        raise ModelImportError(f"cannot read {path.name}: {e.strerror or e}") from None
    if len(data) > size:  # the file grew while it was opened: its size was not the one checked
        raise ModelImportError(f"{path.name} changed while it was read")
    if not data:
        raise ModelImportError(f"{path.name} is empty; not a model file")
    return data


def _read(data: bytes, suffix: str) -> ImportedModel:
    if data.startswith(_ZIP_MAGIC):
        return _read_zip(data)
    if data.startswith(HDF5_MAGIC):
        return read_keras_h5(data)
    if _is_pickle(data):
        if suffix in (".pt", ".pth"):
            raise LayerError("a PyTorch file in the legacy (pre-1.6) format; re-save it with torch.save")
        return read_sklearn(data)
    if looks_like_safetensors(data):
        return read_safetensors(data)
    kind = compression_of(data)
    if kind is not None:  # joblib.dump(..., compress=...): only a pickle may be inside
        inflated = decompress(data, kind)
        if not _is_pickle(inflated):
            raise LayerError(f"a {kind}-compressed file that holds no joblib pickle")
        return read_sklearn(inflated)
    if suffix == ".onnx" or data[:1] == b"\x08":  # an ONNX ModelProto starts with field 1, ir_version
        return read_onnx(data)
    raise LayerError("not a model file nnviz can read (ONNX, PyTorch state_dict, safetensors, Keras, "
                     "scikit-learn MLP or npz)")


def _is_pickle(data: bytes) -> bool:
    return data[:1] == b"\x80" and data[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05")


def _read_zip(data: bytes) -> ImportedModel:
    names = open_zip(data).namelist()
    if "config.json" in names and "model.weights.h5" in names:
        return read_keras_zip(data)
    if any(n.endswith("/data.pkl") for n in names):
        return read_torch(data)
    if names and all(n.endswith(".npy") for n in names):
        return read_npz(data)
    raise LayerError("a zip archive that is neither a PyTorch state_dict, a Keras model nor an npz file")
