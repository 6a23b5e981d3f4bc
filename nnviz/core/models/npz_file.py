"""numpy ``.npz`` with ``W0, b0, W1, b1, ...`` (weights as ``(n_out, n_in)``); nnviz adds ``activations``."""

from __future__ import annotations

import io

import numpy as np

from .archive import open_zip, read_member
from .model import ImportedModel, LayerError, check_count, make_model


def read_npz(data: bytes) -> ImportedModel:
    archive = open_zip(data)
    arrays = {}
    for name in archive.namelist():
        if not name.endswith(".npy"):
            raise LayerError(f"{name} is not a .npy array; not an .npz file")
        arrays[name[:-4]] = _read_npy(read_member(archive, name), name)
    weights, biases, index = [], [], 0
    while f"W{index}" in arrays:
        weights.append(arrays.pop(f"W{index}"))
        biases.append(arrays.pop(f"b{index}", None))
        index += 1
    activations = arrays.pop("activations", None)
    loss = arrays.pop("loss", None)
    arrays.pop("layer_sizes", None)
    unknown = sorted(arrays)
    if unknown or not weights:
        raise LayerError(f"expected arrays W0, b0, W1, b1, ...; found {', '.join(unknown[:5]) or 'none'}")
    if activations is not None:
        if activations.dtype.kind != "U" or activations.ndim != 1:
            raise LayerError("'activations' must be a list of names")
        activations = [str(a) for a in activations]
    if loss is not None:
        if loss.dtype.kind != "U" or loss.ndim != 0:
            raise LayerError("'loss' must be a name")
        loss = str(loss)
    source = "numpy npz" + (" from nnviz" if activations else "") + f", {len(weights)} layers"
    return make_model(weights, biases, activations, source, loss)


def _read_npy(raw: bytes, name: str) -> np.ndarray:
    """One ``.npy`` member; its header's shape is checked against the bytes present before numpy reads it."""
    stream = io.BytesIO(raw)
    try:
        version = np.lib.format.read_magic(stream)
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                       else np.lib.format.read_array_header_2_0)
        shape, _, dtype = read_header(stream)
        count = int(np.prod(shape, dtype=object)) if shape else 1
        check_count(count, name)
        if dtype.hasobject or count * dtype.itemsize > len(raw) - stream.tell():
            raise LayerError(f"{name} declares more data than it holds (or Python objects)")
        stream.seek(0)
        return np.lib.format.read_array(stream, allow_pickle=False)
    except LayerError:
        raise
    except Exception as e:  # numpy raises ValueError, OSError, SyntaxError ... for damaged headers
        raise LayerError(f"{name} is not a readable .npy array ({str(e)[:60]})") from None


def npz_bytes(net) -> bytes:
    """nnviz's npz export: ``W{i}``, ``b{i}`` (with biases on), ``layer_sizes`` and ``activations``."""
    arrays = {f"W{i}": w for i, w in enumerate(net.weights)}
    if net.bias:
        arrays.update({f"b{i}": b for i, b in enumerate(net.biases)})
    buffer = io.BytesIO()
    np.savez(buffer, layer_sizes=np.array(net.layer_sizes), activations=np.array(net.activations),
             loss=np.array(net.loss), **arrays)
    return buffer.getvalue()

