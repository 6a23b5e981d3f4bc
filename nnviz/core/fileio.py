"""Saving and loading networks: a human-readable JSON document, plus weight exports (.npz, .csv).

Every write is atomic (a temporary file beside the target, then ``os.replace``), so a failure never
leaves a half-written or emptied file. Every read is bounded and checked: anything wrong raises
:class:`NetworkFileError` saying what, before any large array is allocated.
"""

from __future__ import annotations

import errno
import io
import json
import math
import os
import reprlib
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from .activations import ACTIVATIONS
from .initializers import INITIALIZERS
from .limits import MAX_WEIGHTS, check_layer_sizes
from .losses import LOSSES
from .network import Network

FORMAT_NAME = "nnviz-network"
FORMAT_VERSION = 2
"""Version 2 adds ``activations`` (one name per weight layer) and ``loss``; version 1 files (one hidden
activation, squared error) still load."""
READABLE_VERSIONS = (1, 2)
# A weight written by json takes at most ~25 characters; anything much larger is not a sane file.
MAX_FILE_BYTES = 32 * MAX_WEIGHTS


class NetworkFileError(ValueError):
    """A network file (or document) that cannot be loaded; the message says why."""


def network_to_dict(net: Network) -> dict:
    """The JSON-ready document for ``net``; floats keep full precision (json writes ``repr``).

    Raises ``ValueError`` if a weight or bias is NaN or infinite (a script can put one there): json
    would write it, and the loader would then refuse the file.
    """
    bad = net.first_non_finite_array()
    if bad is not None:
        raise ValueError(f"cannot save: {bad} contains NaN or infinite values; "
                         "a network file holds finite numbers only")
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "layer_sizes": list(net.layer_sizes),
        "activation": net.activation,
        # null: the output layer follows the hidden activation, also after it is changed.
        "output_activation": None if net.output_follows_hidden else net.output_activation,
        "activations": net.activations,
        "loss": net.loss,
        "init": net.init,
        "init_scale": net.init_scale,
        "seed": net.seed,
        "bias": net.bias,
        "learning_rate": net.learning_rate,
        "weights": [w.tolist() for w in net.weights],
        "biases": [b.tolist() for b in net.biases],
    }


def network_from_dict(doc) -> Network:
    """Build a network from a document made by :func:`network_to_dict`; raises NetworkFileError."""
    if not isinstance(doc, dict):
        raise NetworkFileError(f"expected a JSON object at the top level, found {type(doc).__name__}")
    if doc.get("format") != FORMAT_NAME:
        raise NetworkFileError(
            f"not an nnviz network: 'format' is {brief(doc.get('format'))}, not {FORMAT_NAME!r}")
    if type(doc.get("version")) is not int or doc["version"] not in READABLE_VERSIONS:
        raise NetworkFileError(f"unsupported version {brief(doc.get('version'))}; this nnviz reads versions "
                               f"{', '.join(map(str, READABLE_VERSIONS))}")
    missing = [k for k in ("layer_sizes", "activation", "output_activation", "init", "init_scale", "seed",
                           "bias", "learning_rate", "weights", "biases") if k not in doc]
    if missing:
        raise NetworkFileError(f"missing field(s): {', '.join(missing)}")
    sizes = doc["layer_sizes"]
    if not isinstance(sizes, list) or not all(isinstance(n, int) and not isinstance(n, bool) for n in sizes):
        raise NetworkFileError("'layer_sizes' must be a list of whole numbers")
    try:
        sizes = check_layer_sizes(sizes)
    except ValueError as e:
        raise NetworkFileError(f"'layer_sizes': {e}") from None
    for key, table in (("activation", ACTIVATIONS), ("output_activation", ACTIVATIONS), ("init", INITIALIZERS)):
        if key == "output_activation" and doc[key] is None:
            continue
        if not isinstance(doc[key], str) or doc[key] not in table:
            raise NetworkFileError(f"{key!r} is {brief(doc[key])}; valid: {', '.join(table)}")
    hidden = _hidden_activations(doc, len(sizes))
    loss = doc.get("loss", "mse")
    if not isinstance(loss, str) or loss not in LOSSES:
        raise NetworkFileError(f"'loss' is {brief(loss)}; valid: {', '.join(LOSSES)}")
    if not isinstance(doc["bias"], bool):
        raise NetworkFileError("'bias' must be true or false")
    if not isinstance(doc["seed"], int) or isinstance(doc["seed"], bool):
        # Network(seed=None) would silently draw a new seed; a file must name its own.
        raise NetworkFileError(f"'seed' must be a whole number, got {brief(doc['seed'])}")
    shapes = [(sizes[i + 1], sizes[i]) for i in range(len(sizes) - 1)]
    weights = _arrays(doc["weights"], shapes, "weights")
    biases = _arrays(doc["biases"], [(s[0],) for s in shapes], "biases")
    try:
        net = Network(sizes, activation=hidden or doc["activation"], output_activation=doc["output_activation"],
                      init=doc["init"], init_scale=_number(doc["init_scale"], "init_scale"),
                      seed=doc["seed"], bias=doc["bias"],
                      learning_rate=_number(doc["learning_rate"], "learning_rate"), loss=loss)
    except ValueError as e:
        raise NetworkFileError(str(e)) from None
    if hidden is not None and net.activations[-1] != doc["activations"][-1]:
        raise NetworkFileError(f"'activations' ends with {brief(doc['activations'][-1])}, but the output "
                               f"activation is {net.output_activation!r}")
    net.weights, net.biases = weights, biases
    return net


def _hidden_activations(doc: dict, n_layers: int) -> list | None:
    """The hidden layers' activation names from ``activations`` (None when the file has none: one
    hidden activation, as in version 1)."""
    if "activations" not in doc:
        return None
    names = doc["activations"]
    if not isinstance(names, list) or len(names) != n_layers - 1:
        raise NetworkFileError(f"'activations' must be a list of {n_layers - 1} names, one per weight layer")
    for name in names:
        if not isinstance(name, str) or name not in ACTIVATIONS:
            raise NetworkFileError(f"'activations' holds {brief(name)}; valid: {', '.join(ACTIVATIONS)}")
    return names[:-1]


def brief(value) -> str:
    """``repr`` shortened: a message quotes what the file says, but a 10 MB list must not become a 10 MB dialog."""
    return reprlib.repr(value)


def is_finite_number(value) -> bool:
    """A JSON number (not a bool) that is a finite float; whole numbers beyond 1e308 are not."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _number(value, name) -> float:
    if not is_finite_number(value):
        raise NetworkFileError(f"{name!r} must be a finite number, got {brief(value)}")
    return float(value)


def _arrays(values, shapes, name) -> list:
    if not isinstance(values, list) or len(values) != len(shapes):
        raise NetworkFileError(f"{name!r} must be a list of {len(shapes)} arrays, one per layer pair")
    arrays = []
    for i, (value, shape) in enumerate(zip(values, shapes)):
        found = _shape_of(value, len(shape))
        if found != shape:
            found = "ragged or non-numeric data" if found is None else f"shape {found}"
            raise NetworkFileError(f"{name}[{i}] must be a {shape} array of numbers, found {found}")
        try:
            a = np.array(value, dtype=float)
        except OverflowError:
            raise NetworkFileError(f"{name}[{i}] contains a number too large for a float") from None
        if not np.all(np.isfinite(a)):
            raise NetworkFileError(f"{name}[{i}] contains NaN or infinite values")
        arrays.append(a)
    return arrays


_NUMBER_TYPES = frozenset((int, float))


def _shape_of(value, ndim: int) -> tuple | None:
    """The shape of ``value`` if it is an ``ndim``-deep (1 or 2) grid of lists of numbers, else None.

    Checked before numpy sees the data: ``np.array`` of arbitrary JSON can allocate far more than the
    file holds (one long string widens every element of a string array to its length).
    """
    rows = [value] if ndim == 1 else value
    if not isinstance(value, list) or not all(isinstance(row, list) for row in rows):
        return None
    widths = {len(row) for row in rows}
    if len(widths) > 1 or not all(_NUMBER_TYPES.issuperset(map(type, row)) for row in rows):
        return None
    return (len(value),) if ndim == 1 else (len(value), widths.pop() if widths else 0)


def dumps_network(net: Network) -> str:
    return json.dumps(network_to_dict(net), indent=1)


def parse_json(data: str | bytes, what: str = "network"):
    """The JSON value in ``data``; raises NetworkFileError for text that is not (finite-number) JSON."""
    def refuse_constant(name):
        raise NetworkFileError(f"the file contains {name}; weights, inputs and settings must be finite numbers")

    try:
        return json.loads(data, parse_constant=refuse_constant)
    except NetworkFileError:
        raise
    except RecursionError:
        raise NetworkFileError(f"not an nnviz {what} file: the JSON is nested too deeply") from None
    except UnicodeDecodeError:  # the codec's own words ("can't decode byte 0x89") tell a user nothing
        raise NetworkFileError("not valid JSON: the file is binary, not text") from None
    except ValueError as e:
        raise NetworkFileError(f"not valid JSON: {e}") from None


def loads_network(text: str | bytes) -> Network:
    """Parse a network document from text; raises NetworkFileError for anything wrong."""
    return network_from_dict(parse_json(text))


def save_network(net: Network, path) -> None:
    """Write ``net`` to ``path`` as JSON, atomically."""
    atomic_write(path, dumps_network(net).encode("utf-8"))


def open_regular_file(path):
    """``path`` opened for binary reading, if it is a regular file (links followed); raises OSError otherwise.

    A pipe would block the open until some writer comes, and a device like /dev/zero never ends: both are
    refused, and the non-blocking open means a pipe is refused at once instead of waited for.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a folder, pipe or device)")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_json_file(path, what: str = "network"):
    """Parse a JSON file of at most ``MAX_FILE_BYTES``; raises NetworkFileError naming the file."""
    path = Path(path)
    try:
        with open_regular_file(path) as f:
            if os.fstat(f.fileno()).st_size > MAX_FILE_BYTES:
                raise NetworkFileError(_too_large(path, what))
            # read(n) reserves n bytes up front (320 MB here); read in pieces so a small file costs little.
            chunks, size = [], 0
            while size <= MAX_FILE_BYTES and (chunk := f.read(1 << 20)):
                chunks.append(chunk)
                size += len(chunk)
        data = b"".join(chunks)
    except OSError as e:
        raise NetworkFileError(f"cannot read {path}: {e.strerror or e}") from None
    if not data or data.isspace():
        raise NetworkFileError(f"{path.name} is empty; not a {what} file")
    if len(data) > MAX_FILE_BYTES:  # a pipe or device that reported no size
        raise NetworkFileError(_too_large(path, what))
    with naming_file(path):
        return parse_json(data, what)


def load_network(path) -> Network:
    """Read a network written by :func:`save_network`; raises NetworkFileError naming the problem."""
    doc = read_json_file(path)
    with naming_file(path):
        return network_from_dict(doc)


@contextmanager
def naming_file(path):
    """Inside the block, a NetworkFileError (or subclass) gains the file's name in front of its message."""
    try:
        yield
    except NetworkFileError as e:
        raise type(e)(f"{Path(path).name}: {e}") from None


def _too_large(path: Path, what: str) -> str:
    return f"{path.name} is larger than {MAX_FILE_BYTES // 2**20} MiB; not a {what} file"


def export_weights(net: Network, path) -> None:
    """Export the weights: ``.npz`` (W0…, b0…, layer_sizes) or ``.csv`` (layer,to,from,weight rows)."""
    suffix = Path(path).suffix.lower()
    buffer = io.BytesIO()
    if suffix == ".npz":
        arrays = {f"W{i}": w for i, w in enumerate(net.weights)}
        arrays.update({f"b{i}": b for i, b in enumerate(net.biases)})
        np.savez(buffer, layer_sizes=np.array(net.layer_sizes), **arrays)
    elif suffix == ".csv":
        text = io.StringIO()
        text.write("layer,to,from,weight\n")
        for layer, w in enumerate(net.weights):
            to, frm = np.indices(w.shape)
            rows = np.column_stack([np.full(w.size, layer), to.ravel(), frm.ravel()])
            for (l, t, f), value in zip(rows.tolist(), w.ravel().tolist()):
                text.write(f"{l},{t},{f},{value!r}\n")
        if net.bias:
            text.write("# biases: layer,to,,bias\n")
            for layer, b in enumerate(net.biases):
                for t, value in enumerate(b.tolist()):
                    text.write(f"{layer},{t},,{value!r}\n")
        buffer.write(text.getvalue().encode("utf-8"))
    else:
        raise ValueError(f"export weights as .npz or .csv, not {suffix or 'a file without extension'}")
    atomic_write(path, buffer.getvalue())


def atomic_write(path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that the old file stays intact unless the whole write succeeds.

    Raises ``OSError`` whose message names the file and the reason.
    """
    path = Path(path)
    target = Path(os.path.realpath(path))  # through a symlink, not over it: the linked file is the one saved
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        # mkstemp makes the file private (0600); give it the mode the file had, or a new file's mode.
        os.chmod(tmp, _file_mode(target))
        os.replace(tmp, target)
        tmp = None
    except OSError as e:
        message = f"could not save {path}: {e.strerror or e}"
        # OSError(None, message) would read "[Errno None] could not save …".
        raise (OSError(message) if e.errno is None else OSError(e.errno, message)) from e
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _file_mode(path: Path) -> int:
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
