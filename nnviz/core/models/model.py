"""What every model reader returns, and the one builder that turns it into a :class:`Network`."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from ..limits import MAX_WEIGHTS, check_layer_sizes
from ..network import Network

CROSS_ENTROPY_OUTPUTS = ("softmax", "sigmoid")
DEFAULT_HIDDEN = "relu"
DEFAULT_OUTPUT = "linear"


class ModelImportError(ValueError):
    """A model file that cannot be imported; the message names the file and the problem."""


class LayerError(ValueError):
    """A problem found by a reader, before the file name is known to it; the importer adds the name."""


@dataclass(frozen=True, eq=False)  # arrays have no single truth value: compare identity only
class ImportedModel:
    """The layers read from a model file.

    ``weights[i]`` is an ``(n_out, n_in)`` float64 array; ``biases[i]`` an ``(n_out,)`` array or None when the
    file has no bias for that layer. ``activations`` holds one nnviz activation name per weight layer
    (hidden..., output), or None when the file stores none. ``source`` says where it came from
    ("ONNX, 3 Gemm layers"). ``loss`` is the training loss the file names (``"mse"`` or
    ``"cross_entropy"``), or None.
    """

    weights: tuple
    biases: tuple
    activations: tuple | None
    source: str
    loss: str | None = None

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return (self.weights[0].shape[1],) + tuple(w.shape[0] for w in self.weights)

    @property
    def stores_activations(self) -> bool:
        return self.activations is not None

    def to_network(self, activation=None, output_activation=None) -> Network:
        """The network, with the file's activations; ``activation`` (a name, or one per hidden layer) and
        ``output_activation`` override them when given, and fill in for a file that stores none
        (hidden ReLU and a linear output by default)."""
        n_hidden = len(self.weights) - 1
        stored = self.activations or (DEFAULT_HIDDEN,) * n_hidden + (DEFAULT_OUTPUT,)
        hidden = list(stored[:-1])
        if activation is not None:
            hidden = [activation] * n_hidden if isinstance(activation, str) else list(activation)
            if len(hidden) != n_hidden:
                raise ValueError(f"{len(hidden)} hidden activations given for {n_hidden} hidden layers")
        output = stored[-1] if output_activation is None else output_activation
        loss = self.loss or ("cross_entropy" if output == "softmax" else "mse")
        if output not in CROSS_ENTROPY_OUTPUTS:  # the user chose another output: cross-entropy no longer fits
            loss = "mse"
        has_bias = any(b is not None for b in self.biases)
        # One name when all hidden layers agree, so that the network (and its files) say "relu", not a list.
        hidden_arg = hidden[0] if len(set(hidden)) == 1 else (hidden or DEFAULT_HIDDEN)
        net = Network(self.layer_sizes, activation=hidden_arg, output_activation=output, bias=has_bias, loss=loss)
        net.weights = [np.array(w, dtype=float) for w in self.weights]
        net.biases = [np.zeros(w.shape[0]) if b is None else np.array(b, dtype=float)
                      for w, b in zip(self.weights, self.biases)]
        return net


def make_model(weights, biases, activations, source, loss=None) -> ImportedModel:
    """Check shapes, chaining, limits and finiteness, and return the model as float64 arrays.

    ``weights``: list of ``(n_out, n_in)`` arrays; ``biases``: list of ``(n_out,)`` arrays or None;
    ``activations``: one nnviz name per layer, or None; ``loss``: "mse", "cross_entropy" or None.
    Raises :class:`LayerError`.
    """
    if not weights:
        raise LayerError("no fully-connected layers found")
    if len(biases) != len(weights):
        raise LayerError("every layer needs a bias entry (None for none)")
    for i, w in enumerate(weights):
        if np.ndim(w) != 2:
            raise LayerError(f"layer {i + 1}'s weights have {np.ndim(w)} dimensions, not 2")
    sizes = [weights[0].shape[1]] + [w.shape[0] for w in weights]
    for i in range(1, len(weights)):
        if weights[i].shape[1] != weights[i - 1].shape[0]:
            raise LayerError(f"layer {i + 1} takes {weights[i].shape[1]} inputs but layer {i} gives "
                             f"{weights[i - 1].shape[0]}: the layers do not form a chain")
    check_sizes(sizes)
    out_w, out_b = [], []
    for i, (w, b) in enumerate(zip(weights, biases)):
        w = _float_array(w, f"layer {i + 1}'s weights")
        if b is not None:
            b = _float_array(b, f"layer {i + 1}'s bias").reshape(-1)
            if b.shape != (w.shape[0],):
                raise LayerError(f"layer {i + 1}'s bias has {b.size} values for {w.shape[0]} outputs")
        out_w.append(w)
        out_b.append(b)
    if activations is not None:
        activations = tuple(activations)
        if len(activations) != len(weights):
            raise LayerError(f"{len(activations)} activations for {len(weights)} layers")
    if loss not in (None, "mse", "cross_entropy"):
        raise LayerError(f"unknown loss {str(loss)[:40]!r}")
    return ImportedModel(tuple(out_w), tuple(out_b), activations, source, loss)


def check_sizes(sizes) -> None:
    """Refuse layer sizes beyond the limits table; call it before reading any array data."""
    try:
        check_layer_sizes(sizes)
    except ValueError as e:
        raise LayerError(str(e)) from None


MAX_JSON_BYTES = 4 * 2**20
"""Most bytes of JSON text read from a model file (a Keras config, a safetensors header): an MLP's take a few
KB, and each byte of JSON may become tens of bytes of Python objects once parsed."""


def parse_json(text, what: str):
    """The JSON value in ``text`` (bytes or str) of at most :data:`MAX_JSON_BYTES`; raises LayerError."""
    if len(text) > MAX_JSON_BYTES:
        raise LayerError(f"{what} holds {len(text):,} bytes of JSON, more than the {MAX_JSON_BYTES // 2**20} MiB "
                         "an MLP's needs")
    try:
        return json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise LayerError(f"{what} is not valid JSON") from None


def check_count(n_values: int, what: str) -> None:
    """Refuse one array declared larger than the whole network may be, before it is read."""
    if n_values > MAX_WEIGHTS:
        raise LayerError(f"{what} declares {n_values:,} values, more than the limit of {MAX_WEIGHTS:,}")


def _float_array(a, what) -> np.ndarray:
    a = np.asarray(a)
    if a.dtype.kind not in "fiu":
        raise LayerError(f"{what} are of type {a.dtype}, not numbers")
    a = a.astype(float)
    if not np.all(np.isfinite(a)):
        raise LayerError(f"{what} contain NaN or infinite values")
    return a

