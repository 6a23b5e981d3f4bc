"""Shared helpers for the model import tests: where the real model files are, and a reference forward pass."""

from pathlib import Path

import numpy as np
import pytest
from scipy.special import softmax

from nnviz.core import ACTIVATIONS

_CANDIDATES = (Path(__file__).resolve().parents[1].parent / "shared" / "models", Path("/work/shared/models"))
MODELS = next((p for p in _CANDIDATES if (p / "manifest.json").is_file()), None)

needs_models = pytest.mark.skipif(
    MODELS is None, reason=f"the real model files are not here (looked in {', '.join(map(str, _CANDIDATES))})")


def reference_forward(weights, biases, activations, x):
    """z = x Wᵀ + b layer by layer, written independently of Network; softmax over the units."""
    a = np.asarray(x, dtype=float)
    for w, b, name in zip(weights, biases, activations):
        z = a @ np.asarray(w).T + (0.0 if b is None else b)
        a = softmax(z, axis=-1) if name == "softmax" else ACTIVATIONS[name].value(z)
    return a


def _unicode(text: str) -> bytes:
    raw = text.encode()
    return b"X" + len(raw).to_bytes(4, "little") + raw


def _int_tuple(values) -> bytes:
    return b"(" + b"".join(b"J" + int(v).to_bytes(4, "little", signed=True) for v in values) + b"t"


def torch_state_dict_pickle(shapes: dict) -> bytes:
    """The protocol-2 pickle ``torch.save`` writes for a state_dict of float32 tensors ``{name: shape}``,
    written opcode by opcode (no torch here): storage ``k`` of the k-th tensor, contiguous strides."""
    out = [b"\x80\x02ccollections\nOrderedDict\n)R("]
    for key, (name, shape) in enumerate(shapes.items()):
        strides = [int(np.prod(shape[i + 1:])) for i in range(len(shape))]
        out += [_unicode(name), b"ctorch._utils\n_rebuild_tensor_v2\n(",
                b"(" + _unicode("storage") + b"ctorch\nFloatStorage\n" + _unicode(str(key)) + _unicode("cpu")
                + b"J" + int(np.prod(shape)).to_bytes(4, "little") + b"tQ",
                b"J\x00\x00\x00\x00", _int_tuple(shape), _int_tuple(strides),
                b"\x89ccollections\nOrderedDict\n)RtR"]
    return b"".join(out) + b"u."


def torch_zip(tensors: dict, pickle_bytes: bytes | None = None) -> bytes:
    """A ``torch.save`` zip of float32 ``tensors`` (or of the given data.pkl bytes)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("archive/data.pkl", pickle_bytes or torch_state_dict_pickle(
            {k: v.shape for k, v in tensors.items()}))
        archive.writestr("archive/byteorder", "little")
        for key, array in enumerate(tensors.values()):
            archive.writestr(f"archive/data/{key}", np.asarray(array, dtype="<f4").tobytes())
    return buffer.getvalue()
