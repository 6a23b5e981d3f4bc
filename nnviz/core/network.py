"""The fully-connected network: structure, weights, forward pass and backpropagation."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .activations import Activation, get_activation
from .initializers import get_initializer
from .limits import MAX_INIT_SCALE, check_layer_sizes
from .losses import check_loss, output_delta, total_loss

DEFAULT_ACTIVATION = "sigmoid"


@dataclass(frozen=True)
class Trace:
    """Everything one forward pass of a network with L node layers (L − 1 weight layers) computed.

    ``pre`` is indexed like ``weights`` (by weight layer), ``post`` by node layer: weight layer ``i``
    reads ``post[i]`` and writes ``pre[i]`` and ``post[i + 1]``::

        pre[i] = post[i] @ weights[i].T (+ biases[i])     z of weight layer i (node layer i + 1)
        post[i + 1] = f_i(pre[i])                         a of node layer i + 1

    ``pre``: L − 1 arrays; ``pre[i]`` is ``(n_{i+1},)`` for one input vector, ``(batch, n_{i+1})``
    for a batch. ``post``: L arrays; ``post[0]`` is the input as float, ``(n_0,)`` or
    ``(batch, n_0)``, and ``post[-1]`` the output. A node layer ``k ≥ 1`` thus has z ``pre[k − 1]``.
    """

    pre: list[np.ndarray]
    post: list[np.ndarray]

    @property
    def output(self) -> np.ndarray:
        return self.post[-1]


def new_seed() -> int:
    """A fresh random seed that fits in 32 bits (a spinbox can show it)."""
    return int(np.random.SeedSequence().generate_state(1)[0] >> 1)


class Network:
    """A fully-connected feed-forward network, ``z = W @ x + b`` layer by layer.

    ``weights[i]`` is an ``(layer_sizes[i+1], layer_sizes[i])`` array, ``biases[i]`` an
    ``(layer_sizes[i+1],)`` array (zeros and never trained when ``bias`` is False). All randomness
    comes from ``seed``: the same seed and structure give the same weights. With ``seed=None`` a seed
    is drawn and stored, so that the network can still be reproduced and saved.

    ``activation`` is one name for all hidden layers or a list with one name per hidden layer;
    ``output_activation`` None lets the output layer follow :attr:`activation`. ``loss`` is
    ``"mse"`` or ``"cross_entropy"`` (see :mod:`nnviz.core.losses`; it needs a softmax or sigmoid
    output, and a setting that would break that pairing raises ``ValueError``).
    """

    def __init__(self, layer_sizes, activation=DEFAULT_ACTIVATION, output_activation=None, init="truncated_normal",
                 init_scale=1.0, seed=None, bias=False, learning_rate=0.1, loss="mse"):
        self.layer_sizes = check_layer_sizes(layer_sizes)
        self._loss = "mse"  # fits every output; the requested loss is checked once the output is known
        self._main = get_activation(DEFAULT_ACTIVATION)
        self._output_activation = None
        self.activation = activation
        self.output_activation = output_activation
        self.loss = loss
        self.init = init
        self.init_scale = init_scale
        self.seed = new_seed() if seed is None else _check_seed(seed)
        self.bias = bool(bias)
        self.learning_rate = learning_rate
        self.reinitialize()

    # -- settings, validated on assignment so that a bad value never reaches the maths ------------
    @property
    def activation(self) -> str:
        """The hidden activation: the one all hidden layers share, or the *first* hidden layer's when
        they differ (:attr:`activations` lists them all). A network without hidden layers keeps the
        name it was given, for the output to follow and for hidden layers added later.

        Assign one name to give every hidden layer that activation, or a list with one name per
        hidden layer.
        """
        return self._main.name

    @activation.setter
    def activation(self, names):
        n_hidden = len(self.layer_sizes) - 2
        if not isinstance(names, (list, tuple)):
            main = get_activation(names)  # ValueError for anything but a known name
            hidden = [main] * n_hidden
        else:
            hidden = [get_activation(name) for name in names]
            if len(hidden) != n_hidden:
                raise ValueError(f"give one activation per hidden layer ({n_hidden}), got {len(hidden)}")
            main = hidden[0] if hidden else self._main
        check_loss(self._loss, main if self._output_activation is None else self._output_activation)
        self._main, self._hidden = main, hidden

    @property
    def activations(self) -> list[str]:
        """The activation name of every weight layer: the hidden layers in order, then the output."""
        return [a.name for a in self._hidden] + [self.output_activation]

    def set_layer_activation(self, layer: int, name) -> None:
        """Give node layer ``layer`` (1 … L−1) its own activation; no other layer changes.

        For the output layer this sets :attr:`output_activation`. Changing hidden layer 1 changes
        :attr:`activation`, so an output that followed it keeps its activation by getting it as its own.
        """
        n = len(self.layer_sizes) - 1
        if not 1 <= layer <= n:
            raise ValueError(f"layer must be 1 … {n}, got {layer}")
        if layer == n:
            self.output_activation = name
            return
        activation = get_activation(name)
        if layer == 1:
            self._output_activation = self._output_activation or self._main
            self._main = activation
        self._hidden[layer - 1] = activation

    @property
    def output_activation(self) -> str:
        return (self._output_activation or self._main).name

    @output_activation.setter
    def output_activation(self, name):
        # None: the output layer follows the hidden activation, also when that changes later.
        output = None if name is None else get_activation(name)
        check_loss(self._loss, output or self._main)
        self._output_activation = output

    @property
    def loss(self) -> str:
        """``"mse"`` or ``"cross_entropy"``: the E that gradients, training and statistics use."""
        return self._loss

    @loss.setter
    def loss(self, name):
        self._loss = check_loss(name, self.activation_of(len(self.layer_sizes) - 1))

    @property
    def init(self) -> str:
        return self._init.name

    @init.setter
    def init(self, name):
        self._init = get_initializer(name)

    @property
    def init_scale(self) -> float:
        return self._init_scale

    @init_scale.setter
    def init_scale(self, value):
        value = _check_finite("init_scale", value)
        if not 0 <= value <= MAX_INIT_SCALE:
            # A negative scale only flips signs; one of 1e308 would draw infinite weights.
            raise ValueError(f"init_scale must be between 0 and {MAX_INIT_SCALE:g}, got {value:g}")
        self._init_scale = value

    @property
    def learning_rate(self) -> float:
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate = _check_finite("learning_rate", value)

    @property
    def output_follows_hidden(self) -> bool:
        """True when no output activation of its own was set: the output layer uses the hidden one."""
        return self._output_activation is None

    def first_non_finite_array(self) -> str | None:
        """``"weights[i]"`` or ``"biases[i]"`` of the first array holding NaN or ±inf; None if all are finite."""
        for name, arrays in (("weights", self.weights), ("biases", self.biases)):
            for i, a in enumerate(arrays):
                if not np.all(np.isfinite(a)):
                    return f"{name}[{i}]"
        return None

    def activation_of(self, layer: int) -> Activation:
        """The activation of node layer ``layer`` (1 … L−1)."""
        if layer == len(self.layer_sizes) - 1:
            return self._output_activation or self._main
        return self._hidden[layer - 1]

    @property
    def n_weights(self) -> int:
        return sum(w.size for w in self.weights)

    @property
    def n_nodes(self) -> int:
        return sum(self.layer_sizes)

    # -- weights -------------------------------------------------------------------------------------
    def _draw_layer(self, index: int, n_out: int, n_in: int) -> np.ndarray:
        # One stream per layer index: redrawing one layer never shifts the numbers of another.
        rng = np.random.default_rng([self.seed, index])
        return self._init.draw(rng, n_out, n_in, self._init_scale)

    def reinitialize(self, init=None, seed=None, init_scale=None) -> None:
        """Draw all weights anew from the (optionally changed) initialiser, seed and scale; biases → 0."""
        if init is not None:
            self.init = init
        if seed is not None:
            self.seed = _check_seed(seed)
        if init_scale is not None:
            self.init_scale = init_scale
        sizes = self.layer_sizes
        self.weights = [self._draw_layer(i, sizes[i + 1], sizes[i]) for i in range(len(sizes) - 1)]
        self.biases = [np.zeros(n) for n in sizes[1:]]

    def resize(self, layer_sizes) -> None:
        """Change the structure, keeping the weights of every node that remains.

        Hidden-layer matrices are matched from the input side and the output matrix with the output
        matrix; new rows and columns come from the current initialiser.
        """
        new_sizes = check_layer_sizes(layer_sizes)
        # Hidden layers keep their activations; new ones take the last hidden layer's.
        n_hidden = len(new_sizes) - 2
        last = self._hidden[-1] if self._hidden else self._main
        self._hidden = (self._hidden + [last] * n_hidden)[:n_hidden]
        old_w, old_b = self.weights, self.biases
        n_old, n_new = len(old_w), len(new_sizes) - 1
        weights, biases = [], []
        for j in range(n_new):
            n_out, n_in = new_sizes[j + 1], new_sizes[j]
            w = self._draw_layer(j, n_out, n_in)
            b = np.zeros(n_out)
            src = n_old - 1 if j == n_new - 1 else (j if j < n_old - 1 else None)
            if src is not None:
                rows, cols = min(n_out, old_w[src].shape[0]), min(n_in, old_w[src].shape[1])
                w[:rows, :cols] = old_w[src][:rows, :cols]
                b[:rows] = old_b[src][:rows]
            weights.append(w)
            biases.append(b)
        self.layer_sizes, self.weights, self.biases = new_sizes, weights, biases

    # -- maths ---------------------------------------------------------------------------------------
    def _as_input(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        if x.ndim not in (1, 2) or x.shape[-1] != self.layer_sizes[0]:
            raise ValueError(
                f"input must have shape ({self.layer_sizes[0]},) or (batch, {self.layer_sizes[0]}), "
                f"got {x.shape}"
            )
        return x

    def forward(self, x) -> Trace:
        """Forward pass of one ``(n_in,)`` vector or a ``(batch, n_in)`` batch.

        Huge weights may overflow: z and activations then hold ±inf (saturated) or NaN (inf − inf),
        as IEEE arithmetic has it, without a RuntimeWarning on every pass.
        """
        a = self._as_input(x)
        pre, post = [], [a]
        with np.errstate(over="ignore", invalid="ignore"):
            for i, (w, b) in enumerate(zip(self.weights, self.biases)):
                z = a @ w.T
                if self.bias:
                    z += b
                a = self.activation_of(i + 1).value(z)
                pre.append(z)
                post.append(a)
        return Trace(pre, post)

    def backward(self, trace: Trace, target) -> tuple[list, list]:
        """Gradients ``(dW, db)`` of the network's :attr:`loss` E for a trace from :meth:`forward`.

        ``target`` has the shape of ``trace.output``. For a batch, E is summed over the batch.
        ``db`` is all zeros when ``bias`` is False. Like :meth:`forward`, overflow gives ±inf or NaN
        without a warning.
        """
        t = self._check_target(trace, target)
        n = len(self.weights)
        d_w, d_b = [None] * n, [None] * n
        with np.errstate(over="ignore", invalid="ignore"):
            delta = output_delta(self._loss, self.activation_of(n), trace.pre[-1], trace.output, t)
            for i in range(n - 1, -1, -1):
                a_prev = trace.post[i]
                d_w[i] = np.outer(delta, a_prev) if delta.ndim == 1 else delta.T @ a_prev
                d_b[i] = (delta if delta.ndim == 1 else delta.sum(axis=0)) if self.bias else np.zeros_like(
                    self.biases[i])
                if i:
                    delta = self.activation_of(i).backprop(trace.pre[i - 1], a_prev, delta @ self.weights[i])
        return d_w, d_b

    def gradients(self, x, target) -> tuple[list, list]:
        """``(dW, db)`` of the network's :attr:`loss` at input ``x``; same shapes as ``weights``/``biases``."""
        return self.backward(self.forward(x), target)

    def trace_loss(self, trace: Trace, target) -> float:
        """The network's :attr:`loss` E of a trace from :meth:`forward`, summed over a batch."""
        t = self._check_target(trace, target)
        return total_loss(self._loss, self.activation_of(len(self.weights)), trace.pre[-1], trace.output, t)

    def _check_target(self, trace: Trace, target) -> np.ndarray:
        t = np.asarray(target, dtype=float)
        if t.shape != trace.output.shape:
            raise ValueError(f"target must have shape {trace.output.shape}, got {t.shape}")
        return t

    def apply_gradients(self, d_w, d_b, learning_rate=None) -> None:
        """One gradient-descent step: ``W -= lr · dW`` (and ``b`` when biases are on)."""
        lr = self._learning_rate if learning_rate is None else learning_rate
        for w, g in zip(self.weights, d_w):
            w -= lr * g
        if self.bias:
            for b, g in zip(self.biases, d_b):
                b -= lr * g

    def loss_value(self, x, target) -> float:
        """The network's :attr:`loss` E at input ``x`` (summed over a batch), e.g. ½ Σ (t − y)² for mse."""
        return self.trace_loss(self.forward(x), target)

    # -- the tutorial's column-vector face -------------------------------------------------------------
    def run(self, input_vector) -> np.ndarray:
        """The tutorial's ``run``: one or more input vectors in, the output column(s) ``(n_out, k)`` out."""
        return self.forward(self._as_rows(input_vector)).output.T

    def train(self, input_vector, target_vector) -> float:
        """One SGD step on the loss E with ``learning_rate`` for the given vector(s); returns E before the step."""
        x = self._as_rows(input_vector)
        t = np.array(target_vector, ndmin=2, dtype=float)
        if t.shape[-1] != self.layer_sizes[-1] and t.shape[0] == self.layer_sizes[-1]:
            t = t.T
        trace = self.forward(x)
        error = self.trace_loss(trace, t)
        self.apply_gradients(*self.backward(trace, t))
        return error

    def _as_rows(self, vectors) -> np.ndarray:
        # The tutorial passes flat lists, lists of tuples or column vectors; all become (k, n_in) rows.
        x = np.array(vectors, ndmin=2, dtype=float)
        if x.shape[-1] != self.layer_sizes[0] and x.shape[0] == self.layer_sizes[0]:
            x = x.T
        return x

    def copy(self) -> Network:
        other = object.__new__(Network)
        other.__dict__.update(self.__dict__)
        other._hidden = list(self._hidden)
        other.weights = [w.copy() for w in self.weights]
        other.biases = [b.copy() for b in self.biases]
        return other

    def __repr__(self):
        return (f"Network({list(self.layer_sizes)}, activations={self.activations!r}, loss={self.loss!r}, "
                f"init={self.init!r}, seed={self.seed})")


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be a whole number from 0 to {2**32 - 1}, got {seed!r}")
    return int(seed)


def _check_finite(name, value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    except OverflowError:
        raise ValueError(f"{name} must be finite, got a whole number too large for a float") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value
