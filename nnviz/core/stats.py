"""What an initialisation does to every layer: statistics of a batch pushed through the network.

One batched forward pass and one backward pass give, per layer, the spread of W, z and a, how many
units sit on a flat part of their activation, and the size of the gradient a first training step
would see. Plus the pieces the initialisation explorer draws: input batches and shared histogram
bins (the groups of units that an initialisation made identical are :mod:`nnviz.core.symmetry`'s).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from .activations import get_activation
from .histograms import histogram, shared_bins
from .losses import output_delta, total_loss
from .network import Network
from .parallel import both
from .scratch import Scratch

SATURATION_THRESHOLD = 0.01
"""A unit counts as saturated (or dead) where ``|f'(z)| < SATURATION_THRESHOLD · max |f'|``."""

DISTRIBUTIONS = {
    "normal": "Standard normal N(0, 1)",
    "uniform": "Uniform(−1, 1)",
    "current": "Current input + noise",
}
"""Input distributions for :func:`sample_inputs`: name → display name."""

MAX_BATCH_VALUES = 10_000_000
"""Most numbers a statistics batch may hold (inputs, z and a of every layer): 80 MB of float64."""

MAX_BATCH_WORK = 150_000_000
"""Most multiply-adds of one forward pass of a statistics batch (samples × weights): keeps an update
to about a tenth of a second even for the widest networks."""



@dataclass(frozen=True, eq=False)
class LayerStats:
    """Statistics of one weight layer ``layer`` (1 … L−1) for a batch of ``batch`` inputs.

    Saturation is measured on ``f'(z)`` against ``SATURATION_THRESHOLD · max |f'|``:

    - ``saturated_fraction``: the share of all ``batch × n_out`` unit activations whose derivative is
      below the threshold (a sigmoid or tanh on its flat tails).
    - ``dead_fraction``: the share of units whose derivative is below the threshold for *every*
      sample of the batch (a ReLU that never fires passes no gradient at all).

    :attr:`inactive_fraction` picks the one that matters for the activation.

    Gradient size, E the network's loss and ∂E/∂W its batch mean:

    - ``grad_norm``: the Frobenius norm ‖∂E/∂W‖. It adds up n_out · n_in entries, so a wide layer has a
      larger norm than a narrow one with the same gradient per weight: do not compare it across layers.
    - :attr:`grad_rms`: ‖∂E/∂W‖ / √(n_out · n_in), the root-mean-square gradient of one weight: the
      typical step a weight takes per unit of learning rate, comparable across layers of any size.
    - :attr:`grad_to_weight`: ‖∂E/∂W‖ / ‖W‖ (``w_norm``): how large one step is next to the weights
      themselves, per unit of learning rate (η · ratio ≈ 10⁻³ is the practitioners' rule of thumb).

    The raw arrays are kept for histograms: ``weights`` ``(n_out, n_in)`` (a copy), ``z`` and
    ``a`` ``(batch, n_out)``.
    """

    layer: int
    activation: str
    saturates: bool
    w_mean: float
    w_std: float
    z_mean: float
    z_std: float
    a_mean: float
    a_std: float
    saturated_fraction: float
    dead_fraction: float
    mean_abs_derivative: float
    grad_norm: float
    w_norm: float
    weights: np.ndarray
    z: np.ndarray
    a: np.ndarray

    @property
    def n_in(self) -> int:
        return self.weights.shape[1]

    @property
    def n_out(self) -> int:
        return self.weights.shape[0]

    @property
    def grad_rms(self) -> float:
        """Root-mean-square gradient per weight: ``grad_norm / √(n_out · n_in)``."""
        return self.grad_norm / np.sqrt(self.weights.size)

    @property
    def grad_to_weight(self) -> float:
        """``grad_norm / w_norm``; for all-zero weights ∞ if any gradient reaches them, else 0."""
        if self.w_norm == 0:
            return np.inf if self.grad_norm > 0 else 0.0
        return self.grad_norm / self.w_norm

    @property
    def inactive_fraction(self) -> float:
        """Saturated share for saturating activations (sigmoid, tanh), dead-unit share otherwise."""
        return self.saturated_fraction if self.saturates else self.dead_fraction

    @property
    def finite(self) -> bool:
        """False when the signal overflowed (inf or nan) somewhere in this layer."""
        return bool(np.isfinite(self.z_std) and np.isfinite(self.a_std) and np.isfinite(self.grad_norm))


@dataclass(frozen=True, eq=False)
class NetworkStats:
    """:class:`LayerStats` for every weight layer, plus the batch they were measured on.

    ``inputs`` is the ``(batch, n_in)`` batch; ``targets`` the ``(batch, n_out)`` targets of E.
    """

    layers: list
    inputs: np.ndarray
    targets: np.ndarray
    loss: float
    """Batch-mean E of the network's loss (``Network.loss``)."""
    input_std: float
    """std of the input batch: where the signal starts from."""

    @property
    def batch_size(self) -> int:
        return self.inputs.shape[0]

    def series(self, name: str) -> np.ndarray:
        """One attribute of every layer as an ``(L−1,)`` array, e.g. ``series("a_std")``."""
        return np.array([getattr(layer, name) for layer in self.layers], dtype=float)


@cache
def max_abs_derivative(activation: str) -> float:
    """The largest ``|f'(z)|`` of an activation (found on a fine grid over ``[−20, 20]``; for softmax
    the largest diagonal ∂y_k/∂z_k, that of its curve)."""
    grid = np.linspace(-20.0, 20.0, 8001)
    return float(np.max(np.abs(get_activation(activation).curve_derivative(grid))))


@cache
def is_centred(activation: str) -> bool:
    """Whether an activation is odd, f(−z) = −f(z) (tanh, linear): its outputs then average about 0 for
    z spread evenly around 0. Sigmoid (around 0.5) and ReLU (never negative) are not centred."""
    grid = np.linspace(-6.0, 6.0, 241)
    f = get_activation(activation).curve
    return bool(np.allclose(f(-grid), -f(grid), atol=1e-12))


def random_targets(network: Network, n_samples: int, seed=None) -> np.ndarray:
    """``(n_samples, n_out)`` targets inside the output activation's range: ``f_out(N(0, 1))`` (for
    softmax, probability rows; every loss accepts them)."""
    rng = np.random.default_rng(seed)
    out = network.activation_of(len(network.layer_sizes) - 1)
    return out.value(rng.standard_normal((n_samples, network.layer_sizes[-1])))


def layer_statistics(network: Network, inputs, targets=None, seed=None, dtype=np.float64,
                     scratch: Scratch | None = None, copy_weights: bool = True, halves: bool = False) -> NetworkStats:
    """Push the ``(batch, n_in)`` batch ``inputs`` through ``network`` and measure every layer.

    ``targets`` ``(batch, n_out)`` defines E for the gradient norms; without them, targets are drawn
    by :func:`random_targets` from ``seed`` (``None`` means 0, so the result is reproducible).
    One batched forward and one backward pass; overflowing values give inf/nan statistics, no warning.

    ``dtype=np.float32`` runs the matrix products, most of the time, in single precision (everything
    else stays float64): the statistics agree with float64 to within 1e-6 relative. A pass whose signal
    leaves float32's safe range (a spread or gradient norm that is not finite, zero, or outside
    :data:`FLOAT32_SAFE_RANGE`) is measured again in float64, so overflow and vanishing look the same.
    A :class:`~nnviz.core.scratch.Scratch` kept by the caller holds the temporaries from call to call, and
    what only depends on the batch while the same ``inputs`` array comes back (never change it in place).
    ``copy_weights=False`` keeps the network's own weight arrays in the statistics (for a private copy of a
    network that nothing changes afterwards). ``halves=True`` pushes the two halves of a batch of at least
    2 · :data:`MIN_HALF_ROWS` rows through on two threads (:func:`~nnviz.core.parallel.both`), in about half the
    time when the second core is free: the same statistics but for rounding (the gradient is summed from two
    products, so its norm may differ in the last digits).
    """
    x = np.asarray(inputs, dtype=float)
    if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] != network.layer_sizes[0]:
        raise ValueError(f"inputs must be a (batch, {network.layer_sizes[0]}) array, got shape {x.shape}")
    batch = x.shape[0]
    t = random_targets(network, batch, 0 if seed is None else seed) if targets is None else np.asarray(
        targets, dtype=float)
    if t.shape != (batch, network.layer_sizes[-1]):
        raise ValueError(f"targets must have shape {(batch, network.layer_sizes[-1])}, got {t.shape}")
    scratch = Scratch() if scratch is None else scratch
    with np.errstate(all="ignore"):
        layers, loss = _measure(network, x, t, np.dtype(dtype), scratch, copy_weights, halves)
        if np.dtype(dtype) != np.float64 and not all(_single_precision_safe(layer) for layer in layers):
            layers, loss = _measure(network, x, t, np.dtype(np.float64), scratch, copy_weights, halves)
        input_std = scratch.derived("input_std", x, lambda x: _mean_std(x, scratch)[1])
    scratch.sweep()
    return NetworkStats(layers, x, t, loss / batch, input_std)


MIN_HALF_ROWS = 64
"""Rows of a half below which ``halves`` is not worth a thread (see :func:`layer_statistics`)."""

FLOAT32_SAFE_RANGE = (1e-30, 1e30)
"""Spreads and gradient norms inside this range are measured as well in float32 as in float64."""


def _single_precision_safe(layer: LayerStats) -> bool:
    lo, hi = FLOAT32_SAFE_RANGE
    return all(lo < value < hi for value in (layer.z_std, layer.a_std, layer.grad_norm))


def _derivative(act, z: np.ndarray, a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """f′(z) for ``a = f(z)``: for tanh and sigmoid from ``a`` into ``out``, with the same floating-point
    operations as ``Activation.derivative`` (a test checks the bits) but without evaluating f again."""
    if act.name == "tanh":  # 1 − a²
        return np.subtract(1.0, np.square(a, out=out), out=out)
    if act.name == "sigmoid":  # a (1 − a)
        return np.multiply(a, np.subtract(1.0, a, out=out), out=out)
    return act.derivative(z)


def _measure(network: Network, x: np.ndarray, t: np.ndarray, dtype: np.dtype, scratch: Scratch,
             copy_weights: bool, halves: bool) -> tuple:
    """The :class:`LayerStats` of every layer and the batch-summed E, matrix products in ``dtype``; with
    ``halves``, the two halves of the batch on two threads."""
    n_layers, batch, low = len(network.weights), x.shape[0], dtype != np.float64

    def as_dtype(name, values):  # values in dtype, in a reused buffer unless they already are
        if values.dtype == dtype:
            return values
        buffer = scratch.get(name, values.shape, dtype)
        np.copyto(buffer, values)
        return buffer

    weights = [as_dtype(("w", i), w) for i, w in enumerate(network.weights)]
    # the batch in dtype, for the first product; kept while the batch comes back
    x_low = x if x.dtype == dtype else scratch.derived(("input", dtype), x, lambda x: x.astype(dtype))
    pre = [np.empty((batch, w.shape[0])) for w in weights]  # z, a and f′(z) of every layer, filled by the passes
    post = [x] + [np.empty((batch, w.shape[0])) for w in weights]
    derivatives = [scratch.get(("derivative", i), (batch, w.shape[0])) for i, w in enumerate(weights)]

    def rows_pass(rows: slice, part: int) -> tuple[float, list[np.ndarray]]:
        """The forward and backward pass of the batch's ``rows`` (their z, a and f′(z) into their rows of the
        arrays above): E summed over them and each layer's ∂E/∂W summed over them, in ``dtype``."""
        with np.errstate(all="ignore"):  # a helper thread has numpy's error state of its own
            operands = [x_low[rows]]  # each layer's input in dtype, for the products
            for i, w in enumerate(weights):
                act, z, a, slope = network.activation_of(i + 1), pre[i][rows], post[i + 1][rows], derivatives[i][rows]
                if low:  # the product in a reused buffer, kept in float64: the elementwise work is float64 anyway
                    np.copyto(z, np.matmul(operands[-1], w.T, out=scratch.get(("z", part, z.shape), z.shape, dtype)))
                else:
                    np.matmul(operands[-1], w.T, out=z)
                if network.bias:
                    z += network.biases[i]
                a[...] = act.value(z)
                if (computed := _derivative(act, z, a, slope)) is not slope:
                    slope[...] = computed
                if i < n_layers - 1:
                    operands.append(as_dtype(("operand", part, i), a))
            output, t_rows = network.activation_of(n_layers), t[rows]
            loss = total_loss(network.loss, output, pre[-1][rows], post[-1][rows], t_rows)
            delta = output_delta(network.loss, output, pre[-1][rows], post[-1][rows], t_rows)
            grads = [None] * n_layers
            for i in range(n_layers - 1, -1, -1):
                delta_low = as_dtype(("delta_low", part, delta.shape), delta)
                shape = weights[i].shape
                grads[i] = np.matmul(delta_low.T, operands[i], out=scratch.get(("grad", part, i), shape, dtype))
                if i:  # ∂E/∂z of the layer below, as Network.backward computes it
                    shape = (delta.shape[0], weights[i].shape[1])
                    back = np.matmul(delta_low, weights[i], out=scratch.get(("back", part, shape), shape, dtype))
                    act = network.activation_of(i)
                    # delta_low is used up: its float64 buffer may take the next delta
                    delta = (np.multiply(back, derivatives[i - 1][rows], out=scratch.get(("delta", part, shape), shape))
                             if act.elementwise else act.backprop(pre[i - 1][rows], post[i][rows], back))
            return loss, grads

    if halves and batch >= 2 * MIN_HALF_ROWS:
        half = batch // 2
        (loss, grads), (loss_rest, grads_rest) = both(lambda: rows_pass(slice(0, half), 0),
                                                      lambda: rows_pass(slice(half, batch), 1))
        loss += loss_rest
        for grad, rest in zip(grads, grads_rest):
            grad += rest
    else:
        loss, grads = rows_pass(slice(0, batch), 0)
    grad_norms = [float(np.linalg.norm(grad)) / batch for grad in grads]
    layers = []
    for i, w in enumerate(network.weights):
        act = network.activation_of(i + 1)
        z, a = pre[i], post[i + 1]
        slope = np.abs(derivatives[i], out=scratch.get(("slope", z.shape), z.shape))
        flat = np.less(slope, SATURATION_THRESHOLD * max_abs_derivative(act.name),
                       out=scratch.get(("flat", z.shape), z.shape, bool))
        w_mean, w_std = _mean_std(w, scratch)
        z_mean, z_std = _mean_std(z, scratch)
        a_mean, a_std = _mean_std(a, scratch)
        layers.append(LayerStats(
            layer=i + 1, activation=act.name, saturates=act.saturates,
            w_mean=w_mean, w_std=w_std, z_mean=z_mean, z_std=z_std, a_mean=a_mean, a_std=a_std,
            saturated_fraction=np.count_nonzero(flat) / flat.size,
            dead_fraction=np.count_nonzero(flat.all(axis=0)) / flat.shape[1],
            mean_abs_derivative=float(slope.mean()),
            grad_norm=grad_norms[i], w_norm=float(np.linalg.norm(w)),
            weights=w.copy() if copy_weights else w, z=z, a=a,
        ))
    return layers, loss


def _mean_std(values: np.ndarray, scratch: Scratch) -> tuple[float, float]:
    """Mean and standard deviation of all ``values`` in float64, from the sum and the sum of squares (one
    BLAS dot product): twice as fast as ``values.mean()`` and ``values.std()``. Where that would cancel
    (the mean a thousand times the spread, or overflow), two passes as numpy's std, so both agree to 1e-10."""
    flat = values.ravel()
    mean = flat.sum() / flat.size
    variance = np.dot(flat, flat) / flat.size - mean * mean
    if not (np.isfinite(variance) and variance > 1e-6 * mean * mean):
        centred = np.subtract(flat, mean, out=scratch.get(("centred", flat.size), (flat.size,)))
        variance = np.dot(centred, centred) / flat.size
    return float(mean), float(np.sqrt(variance))


def affordable_samples(layer_sizes, n_samples: int, budget: int = MAX_BATCH_VALUES,
                       work: int = MAX_BATCH_WORK) -> int:
    """``n_samples``, or fewer (at least 10) so that the batch fits in memory and time.

    A sample holds ``n_in + 2 · (n_1 + … + n_out)`` numbers (at most ``budget`` in all) and costs one
    multiply-add per weight (at most ``work`` in all). 100,000 samples through 784-128-64-10 would
    need 950 MB and seconds; the explorer caps them instead of freezing. Wide layers hold plenty of
    values for the histograms even with few samples.
    """
    sizes = [int(n) for n in layer_sizes]
    per_sample = sizes[0] + 2 * sum(sizes[1:])
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    return int(min(n_samples, max(10, min(budget // per_sample, work // weights))))


def sample_inputs(n_in: int, n_samples: int, distribution: str = "normal", seed=None, current=None,
                  noise: float = 0.1) -> np.ndarray:
    """A ``(n_samples, n_in)`` input batch.

    ``distribution`` is one of :data:`DISTRIBUTIONS`: ``"normal"`` (N(0, 1)), ``"uniform"``
    (U(−1, 1)) or ``"current"`` (the ``(n_in,)`` vector ``current`` plus N(0, noise²) noise).
    """
    n_in, n_samples = int(n_in), int(n_samples)
    if n_in < 1 or n_samples < 1:
        raise ValueError(f"need at least one input and one sample, got n_in={n_in}, n_samples={n_samples}")
    rng = np.random.default_rng(seed)
    if distribution == "normal":
        return rng.standard_normal((n_samples, n_in))
    if distribution == "uniform":
        return rng.uniform(-1.0, 1.0, (n_samples, n_in))
    if distribution == "current":
        if current is None:
            raise ValueError("the 'current' distribution needs the current input vector")
        centre = np.asarray(current, dtype=float).ravel()
        if centre.shape != (n_in,):
            raise ValueError(f"current input must have {n_in} values, got shape {centre.shape}")
        return centre + noise * rng.standard_normal((n_samples, n_in))
    raise ValueError(f"unknown input distribution {distribution!r}; choose one of: {', '.join(DISTRIBUTIONS)}")


__all__ = [
    "DISTRIBUTIONS", "MAX_BATCH_VALUES", "MAX_BATCH_WORK", "SATURATION_THRESHOLD", "LayerStats", "NetworkStats",
    "affordable_samples", "histogram", "is_centred", "layer_statistics", "max_abs_derivative",
    "random_targets", "sample_inputs", "shared_bins",
]
