"""A pickle reader that never runs code from the file.

Python's pickle calls whatever global the stream names. Here every global is looked up in an allow-list
and replaced by a harmless stand-in defined below (a record of its state, a tensor reference, an array
built by numpy from raw bytes); any other global (``os.system``, ``builtins.eval`` ...) is refused before
it is called. The pure-Python unpickler is used so that joblib's raw array bytes, which follow a
``NumpyArrayWrapper`` in the stream, can be read at its BUILD.
"""

from __future__ import annotations

import io
import pickle

import numpy as np

from .model import LayerError, check_count

_NUMERIC_KINDS = "fiub"


class Record:
    """Stand-in for an allowed class (an estimator, an optimiser...): keeps its pickled state, runs nothing."""

    qualname = "?"
    # Class-level defaults: NEWOBJ builds an instance without calling __init__.
    args: tuple = ()
    state: dict = {}

    def __init__(self, *args):
        self.args = args
        self.state = {}

    def __setstate__(self, state):
        if (isinstance(state, tuple) and len(state) == 2  # (dict state, slot state)
                and all(part is None or isinstance(part, dict) for part in state)):
            state = {**(state[0] or {}), **(state[1] or {})}
        self.state = state if isinstance(state, dict) else {"state": state}


def _record_class(qualname: str) -> type:
    return type(qualname.rsplit(".", 1)[-1], (Record,), {"qualname": qualname})


class DtypeSpec(Record):
    """Stand-in for ``numpy.dtype``: only plain numeric (and string) dtypes become real ones."""

    def dtype(self) -> np.dtype:
        name = self.args[0] if self.args else None
        order = self.state.get("state", (None, "|"))[1] if isinstance(self.state.get("state"), tuple) else "|"
        if not isinstance(name, str) or not isinstance(order, str) or order not in "<>|=":
            raise LayerError("the pickle names an unreadable array type")
        dtype = np.dtype(name).newbyteorder(order) if order in "<>" else np.dtype(name)
        if dtype.kind not in _NUMERIC_KINDS + "UO":
            raise LayerError(f"arrays of type {dtype} are not read")
        return dtype


def _as_dtype(value) -> np.dtype:
    if isinstance(value, DtypeSpec):
        return value.dtype()
    raise LayerError("an array in the pickle has no readable type")


def _checked_array(data, dtype: np.dtype, shape, fortran: bool) -> np.ndarray:
    """An array of ``shape`` from ``data`` bytes, after checking the sizes agree."""
    if not isinstance(shape, tuple) or not all(isinstance(n, int) and n >= 0 for n in shape):
        raise LayerError("an array in the pickle has an invalid shape")
    if dtype.hasobject:
        raise LayerError("an array of Python objects is not read here")
    count = int(np.prod(shape, dtype=object)) if shape else 1
    check_count(count, "an array in the pickle")
    if not isinstance(data, (bytes, bytearray)) or len(data) != count * dtype.itemsize:
        raise LayerError("an array in the pickle holds fewer bytes than its shape needs")
    flat = np.frombuffer(bytes(data), dtype=dtype, count=count)
    return flat.reshape(shape, order="F" if fortran else "C").copy()


class ArraySpec(Record):
    """Stand-in for ``numpy.core.multiarray._reconstruct``: BUILD with (version, shape, dtype, fortran, bytes)."""

    def __setstate__(self, state):
        if not (isinstance(state, tuple) and len(state) == 5):
            raise LayerError("an array in the pickle has an unreadable state")
        _, shape, dtype, fortran, data = state
        dtype = _as_dtype(dtype)
        # An object array (class labels as strings) pickles its items as a list; no reader needs them.
        self.array = None if dtype.hasobject else _checked_array(data, dtype, shape, bool(fortran))


def _frombuffer(data, dtype, shape, order):
    """Stand-in for ``numpy._core.numeric._frombuffer`` (protocol 5 pickles of arrays)."""
    return _checked_array(data, _as_dtype(dtype), tuple(shape), order == "F")


def _scalar(dtype, data=b""):
    """Stand-in for ``numpy.core.multiarray.scalar``: numbers only."""
    return _checked_array(data, _as_dtype(dtype), (), False)[()]


def _latin1_bytes(text, encoding="latin1"):
    """Stand-in for ``_codecs.encode``, which protocol-2 pickles use to write bytes as latin-1 text."""
    if not isinstance(text, str) or encoding != "latin1":
        raise LayerError("the pickle encodes bytes in an unexpected way")
    return text.encode("latin1")


class JoblibArray(Record):
    """Stand-in for ``joblib.numpy_pickle.NumpyArrayWrapper``; its array bytes follow in the stream."""


def array_of(value):
    """The numpy array behind a stand-in (or a list of them), for the readers."""
    if isinstance(value, ArraySpec):
        return getattr(value, "array", None)
    return value


_NUMPY = {
    ("numpy", "ndarray"): Record, ("numpy", "dtype"): DtypeSpec,
    ("numpy.core.multiarray", "_reconstruct"): ArraySpec, ("numpy._core.multiarray", "_reconstruct"): ArraySpec,
    ("numpy.core.multiarray", "scalar"): _scalar, ("numpy._core.multiarray", "scalar"): _scalar,
    ("_codecs", "encode"): _latin1_bytes,
    ("numpy.core.numeric", "_frombuffer"): _frombuffer, ("numpy._core.numeric", "_frombuffer"): _frombuffer,
}
_RANDOM = {("numpy.random._pickle", name): _record_class(name)
           for name in ("__randomstate_ctor", "__bit_generator_ctor", "__generator_ctor")}
_RANDOM.update({(f"numpy.random._{name.lower()}", name): _record_class(name)
                for name in ("MT19937", "PCG64", "PCG64DXSM", "Philox", "SFC64")})
_RANDOM.update({("numpy.random.bit_generator", name): _record_class(name)
                for name in ("SeedSequence", "__pyx_unpickle_SeedSequence")})


MAX_OPERATIONS = 1_000_000
"""Far more pickle operations than an MLP's pickle holds (its arrays are one operation each); each one may
build a Python object of up to ~60 bytes from one byte of the file, so the count bounds the memory."""


def _counted(operation):
    def run(unpickler):
        unpickler.budget[0] -= 1
        if unpickler.budget[0] < 0:
            raise LayerError(f"the pickle holds more than {MAX_OPERATIONS:,} pickle operations; "
                             "an MLP's pickle holds far fewer")
        operation(unpickler)
    return run


class RestrictedUnpickler(pickle._Unpickler):
    """Unpickles only the globals in ``allowed`` (``(module, name) -> stand-in``); refuses the rest.

    ``refuse(module, name)`` builds the message for a global that is not allowed. ``budget`` is a one-item
    list of the operations left, shared with the pickles nested in this one.
    """

    dispatch = {code: _counted(operation) for code, operation in pickle._Unpickler.dispatch.items()}

    def __init__(self, data: bytes, allowed: dict, refuse, persistent_load=None, stream=None, budget=None):
        # read(n) of a BytesIO returns what is there: a huge declared length preallocates nothing.
        self._stream = io.BytesIO(data) if stream is None else stream
        super().__init__(self._stream)
        self._allowed = allowed
        self._refuse = refuse
        self._persistent = persistent_load
        self.budget = [MAX_OPERATIONS] if budget is None else budget

    def find_class(self, module, name):
        try:
            return self._allowed[(module, name)]
        except (KeyError, TypeError):
            raise LayerError(self._refuse(module, name)) from None

    def persistent_load(self, pid):
        if self._persistent is None:
            raise LayerError("the pickle refers to outside data (a persistent id) that this format has none of")
        return self._persistent(pid)

    def _load_build(self):
        self.load_build()
        wrapper = self.stack[-1]
        if isinstance(wrapper, JoblibArray):
            self.stack[-1] = self._read_joblib_array(wrapper.state)

    dispatch[pickle.BUILD[0]] = _counted(_load_build)

    def _read_joblib_array(self, state) -> np.ndarray:
        """joblib writes an array as the wrapper's pickle, then (after a padding-length byte and that many
        bytes of padding, when aligned) its raw bytes."""
        dtype = _as_dtype(state.get("dtype"))
        shape = state.get("shape")
        if not isinstance(shape, tuple):
            raise LayerError("a joblib array has no shape")
        if dtype.hasobject:
            # The items follow as a pickle of their own, read under the same allow-list; none is needed.
            RestrictedUnpickler(b"", self._allowed, self._refuse, stream=self._stream, budget=self.budget).load()
            return None
        if state.get("numpy_array_alignment_bytes") is not None:
            padding = self._stream.read(1)
            if len(padding) != 1:
                raise LayerError("the file ends inside an array")
            self._stream.read(padding[0])
        count = int(np.prod(shape, dtype=object)) if shape else 1
        check_count(count, "a joblib array")
        data = self._stream.read(count * dtype.itemsize) if count else b""
        return _checked_array(data, dtype, shape, state.get("order") == "F")


def unpickle(data: bytes, allowed: dict, refuse, persistent_load=None):
    """The object in pickle ``data``, built from stand-ins only. Raises :class:`LayerError`."""
    try:
        return RestrictedUnpickler(data, allowed, refuse, persistent_load).load()
    except LayerError:
        raise
    except RecursionError:
        raise LayerError("the pickle is nested too deeply") from None
    except Exception as e:  # a damaged stream raises almost any type; all mean the same here
        raise LayerError(f"not a readable pickle ({type(e).__name__}: {str(e)[:80]})") from None


def numpy_globals() -> dict:
    """Stand-ins for the numpy globals array pickles use (plain pickle, protocol 5 and joblib)."""
    return {**_NUMPY, **_RANDOM, ("joblib.numpy_pickle", "NumpyArrayWrapper"): JoblibArray}


def record_globals(*qualnames: str) -> dict:
    """Record stand-ins for classes named ``module.Class``."""
    return {tuple(q.rsplit(".", 1)): _record_class(q) for q in qualnames}

