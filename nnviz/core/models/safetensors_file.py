"""safetensors: an 8-byte little-endian header length, a JSON header, then raw little-endian tensor bytes.

Read and written with numpy alone. nnviz writes the activations into the header's ``__metadata__``.
"""

from __future__ import annotations

import json
import struct

import numpy as np

from .model import ImportedModel, LayerError, check_count, parse_json
from .state_dict import layers_from_tensors

MAX_HEADER_BYTES = 100 * 2**20  # the format's own limit
_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2", "I64": "<i8", "I32": "<i4", "I16": "<i2",
           "I8": "i1", "U8": "u1", "BOOL": "?"}
METADATA_ACTIVATIONS = "nnviz.activations"
METADATA_LOSS = "nnviz.loss"


def looks_like_safetensors(data: bytes) -> bool:
    return len(data) >= 10 and data[8:9] == b"{"


def read_safetensors(data: bytes) -> ImportedModel:
    """The Linear layers in a safetensors file's bytes. Raises :class:`LayerError`."""
    if len(data) < 8:
        raise LayerError("too short for a safetensors file")
    (header_len,) = struct.unpack("<Q", data[:8])
    if header_len > min(MAX_HEADER_BYTES, len(data) - 8):
        raise LayerError(f"the header claims {header_len:,} bytes but the file has {len(data) - 8:,} after it")
    header = parse_json(data[8:8 + header_len], "the header")
    if not isinstance(header, dict):
        raise LayerError("the header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    body = memoryview(data)[8 + header_len:]
    named = [(name, *_tensor_reader(name, entry, body)) for name, entry in header.items()]
    activations = _stored_activations(metadata)
    source = "safetensors" + (" from nnviz" if activations else "") + ", {n} layers"
    loss = metadata.get(METADATA_LOSS) if isinstance(metadata, dict) else None
    return layers_from_tensors(named, activations, source, sort=True, loss=loss)


def _tensor_reader(name: str, entry, body: memoryview):
    """``(shape, read)`` for one header entry, checked against the file before anything is read."""
    if not isinstance(entry, dict):
        raise LayerError(f"{name}: not a tensor description")
    dtype_name, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
    if dtype_name not in _DTYPES:
        raise LayerError(f"{name}: tensors of type {str(dtype_name)[:20]} are not supported")
    if not (isinstance(shape, list) and all(type(n) is int and n >= 0 for n in shape)
            and isinstance(offsets, list) and len(offsets) == 2 and all(type(n) is int for n in offsets)):
        raise LayerError(f"{name}: invalid shape or data_offsets")
    count = int(np.prod(shape, dtype=object)) if shape else 1
    check_count(count, name)
    dtype = np.dtype(_DTYPES[dtype_name])
    start, end = offsets
    if not 0 <= start <= end <= len(body) or end - start != count * dtype.itemsize:
        raise LayerError(f"{name}: data_offsets {offsets} do not fit its shape and the file's "
                         f"{len(body):,} data bytes")

    def read():
        flat = np.frombuffer(body[start:end], dtype=dtype)
        if dtype_name == "BF16":
            flat = (flat.astype(np.uint32) << 16).view(np.float32)
        return flat.reshape(shape).astype(float)

    return tuple(shape), read


def _stored_activations(metadata) -> list | None:
    text = metadata.get(METADATA_ACTIVATIONS) if isinstance(metadata, dict) else None
    if text is None:
        return None
    try:
        names = parse_json(text, METADATA_ACTIVATIONS) if isinstance(text, str) else None
    except LayerError:
        names = None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise LayerError(f"{METADATA_ACTIVATIONS} in the metadata is not a list of names")
    return names


def safetensors_bytes(tensors: dict, metadata: dict) -> bytes:
    """A safetensors file of ``tensors`` (name -> float array, written as F64) with string ``metadata``."""
    header, chunks, offset = {"__metadata__": metadata}, [], 0
    for name, array in tensors.items():
        raw = np.ascontiguousarray(array, dtype="<f8").tobytes()
        header[name] = {"dtype": "F64", "shape": list(np.shape(array)), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the format pads the header with spaces so the data stays aligned
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)
