"""PyTorch ``torch.save(model.state_dict())`` files, read without torch.

The zip holds ``<name>/data.pkl``, a pickle of the dict whose tensors are ``_rebuild_tensor_v2(storage,
offset, size, stride, ...)`` calls with persistent ids ``('storage', torch.FloatStorage, key, device, numel)``,
and ``<name>/data/<key>``, each storage's raw bytes.
"""

from __future__ import annotations

import collections

import numpy as np

from .archive import open_zip, read_member
from .model import ImportedModel, LayerError, check_count
from .safe_pickle import unpickle
from .state_dict import layers_from_tensors

_STORAGE_DTYPES = {
    "FloatStorage": "f4", "DoubleStorage": "f8", "HalfStorage": "f2", "BFloat16Storage": "bf16",
    "LongStorage": "i8", "IntStorage": "i4", "ShortStorage": "i2", "CharStorage": "i1", "ByteStorage": "u1",
    "BoolStorage": "?",
}


class _StorageType:
    def __init__(self, name):
        self.name = name


class _Storage:
    def __init__(self, dtype: str, key: str, numel: int):
        self.dtype, self.key, self.numel = dtype, key, numel


class _Tensor:
    """A tensor's place in a storage; its data is read later, after every shape was checked."""

    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride


def _rebuild_tensor(storage, offset, size, stride, *_):
    """Stand-in for ``torch._utils._rebuild_tensor_v2`` (a function, so that NEWOBJ cannot skip the checks)."""
    if not isinstance(storage, _Storage):
        raise LayerError("a tensor without a storage")
    if not (isinstance(offset, int) and isinstance(size, tuple) and isinstance(stride, tuple)
            and len(size) == len(stride) and all(isinstance(n, int) and n >= 0 for n in size + stride)):
        raise LayerError("a tensor with an invalid shape")
    return _Tensor(storage, offset, size, stride)


def _rebuild_parameter(data, *_):
    return data


_ALLOWED = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    **{("torch", name): _StorageType(name) for name in _STORAGE_DTYPES},
}


_CHECKPOINT_KEYS = ("state_dict", "model_state_dict", "model")


def _refuse(module, name) -> str:
    if str(module).startswith("torch.nn") or module == "__main__":
        return (f"the file holds a whole pickled model ({module}.{name}); save the state_dict instead: "
                "torch.save(model.state_dict(), path)")
    return f"the pickle asks for {module}.{name}, which nnviz refuses to run (only tensors are allowed)"


def _persistent_load(pid):
    if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"
            and isinstance(pid[1], _StorageType) and isinstance(pid[2], str) and isinstance(pid[4], int)):
        raise LayerError("an unknown kind of storage reference")
    return _Storage(_STORAGE_DTYPES[pid[1].name], pid[2], pid[4])


def read_torch(data: bytes) -> ImportedModel:
    """The Linear layers of a ``torch.save``d state_dict. Raises :class:`LayerError`."""
    archive = open_zip(data)
    pickles = [n for n in archive.namelist() if n.endswith("/data.pkl") and n.count("/") == 1]
    if len(pickles) != 1:
        raise LayerError("a zip archive, but not a PyTorch file (no single <name>/data.pkl)")
    root = pickles[0][: -len("data.pkl")]
    state = _state_dict(unpickle(read_member(archive, pickles[0]), _ALLOWED, _refuse, _persistent_load))
    byteorder = "<"
    if root + "byteorder" in archive.namelist():
        byteorder = ">" if read_member(archive, root + "byteorder").strip() == b"big" else "<"
    named = []
    for name, tensor in state.items():
        if not isinstance(name, str) or not isinstance(tensor, _Tensor):
            raise LayerError(f"{str(name)[:60]} is not a tensor; save the state_dict instead of other objects")
        named.append((name, tensor.size, lambda t=tensor: _read_tensor(archive, root, t, byteorder)))
    return layers_from_tensors(named, None, "PyTorch state_dict, {n} Linear layers", sort=False)


def _state_dict(saved) -> dict:
    """The state_dict itself, or the one inside a training checkpoint ``{"model_state_dict": ..., ...}``."""
    if not isinstance(saved, dict):
        raise LayerError("the file holds no state_dict (a dict of tensors)")
    if any(isinstance(v, _Tensor) for v in saved.values()):
        return saved
    inner = [saved[k] for k in _CHECKPOINT_KEYS if isinstance(saved.get(k), dict)]
    if not inner:
        raise LayerError(f"the file holds no state_dict (a dict of tensors); its keys: "
                         f"{', '.join(map(str, list(saved)[:5]))}")
    return inner[0]


def _read_tensor(archive, root: str, tensor: _Tensor, byteorder: str) -> np.ndarray:
    storage = tensor.storage
    check_count(storage.numel, f"storage {storage.key}")
    bf16 = storage.dtype == "bf16"
    dtype = np.dtype(byteorder + ("u2" if bf16 else storage.dtype))
    raw = read_member(archive, f"{root}data/{storage.key}", storage.numel * dtype.itemsize)
    flat = np.frombuffer(raw, dtype=dtype)
    if bf16:  # bfloat16 is the top half of a float32
        flat = (flat.astype(np.uint32) << 16).view(np.float32)
    last = tensor.offset + sum((n - 1) * s for n, s in zip(tensor.size, tensor.stride))
    if tensor.offset < 0 or (all(tensor.size) and last >= storage.numel):
        raise LayerError(f"a tensor reaches beyond its storage {storage.key}")
    if not all(tensor.size):
        return np.zeros(tensor.size, dtype=flat.dtype)
    itemsize = flat.dtype.itemsize
    view = np.lib.stride_tricks.as_strided(flat[tensor.offset:], shape=tensor.size,
                                           strides=[s * itemsize for s in tensor.stride], writeable=False)
    return view.astype(float)
