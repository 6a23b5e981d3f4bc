"""What an initialisation does to every layer: statistics of a batch pushed through the network.

One batched forward pass and one backward pass give, per layer, the spread of W, z and a, how many
units sit on a flat part of their activation, and the size of the gradient a first training step
would see. Plus the pieces the initialisation explorer draws: input batches, shared histogram
bins, and the groups of units that an initialisation made identical.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np

from .activations import get_activation
from .network import Network

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

_PERCENTILE_SAMPLE = 4096
_OUTLIER_STRETCH = 3.0
_HUGE = 1e300
_CHUNK = 16_384
_MIN_SPAN = 1e-290


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


def layer_statistics(network: Network, inputs, targets=None, seed=None) -> NetworkStats:
    """Push the ``(batch, n_in)`` batch ``inputs`` through ``network`` and measure every layer.

    ``targets`` ``(batch, n_out)`` defines E for the gradient norms; without them, targets are drawn
    by :func:`random_targets` from ``seed`` (``None`` means 0, so the result is reproducible).
    One batched forward and one backward pass; overflowing values give inf/nan statistics, no warning.
    """
    x = np.asarray(inputs, dtype=float)
    if x.ndim != 2 or x.shape[0] < 1:
        raise ValueError(f"inputs must be a (batch, {network.layer_sizes[0]}) array, got shape {x.shape}")
    batch = x.shape[0]
    t = random_targets(network, batch, 0 if seed is None else seed) if targets is None else np.asarray(
        targets, dtype=float)
    with np.errstate(all="ignore"):
        trace = network.forward(x)
        d_w, _ = network.backward(trace, t)
        loss = network.trace_loss(trace, t) / batch
        layers = []
        for i, w in enumerate(network.weights):
            act = network.activation_of(i + 1)
            z, a = trace.pre[i], trace.post[i + 1]
            derivative = act.derivative(z)
            if np.may_share_memory(derivative, z):  # never take |·| in place on the trace itself
                derivative = derivative.copy()
            np.abs(derivative, out=derivative)
            flat = derivative < SATURATION_THRESHOLD * max_abs_derivative(act.name)
            layers.append(LayerStats(
                layer=i + 1, activation=act.name, saturates=act.saturates,
                w_mean=float(w.mean()), w_std=float(w.std()),
                z_mean=float(z.mean()), z_std=float(z.std()),
                a_mean=float(a.mean()), a_std=float(a.std()),
                saturated_fraction=float(flat.mean()),
                dead_fraction=float(flat.all(axis=0).mean()),
                mean_abs_derivative=float(derivative.mean()),
                grad_norm=float(np.linalg.norm(d_w[i])) / batch,
                w_norm=float(np.linalg.norm(w)),
                weights=w.copy(), z=z, a=a,
            ))
    return NetworkStats(layers, x, t, loss, float(x.std()))


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


def shared_bins(arrays, n_bins: int = 40, include=None) -> np.ndarray:
    """``n_bins + 1`` equal-width bin edges covering the finite values of all ``arrays``.

    A few far outliers do not squash the picture: when the full range is more than three times the
    0.5–99.5 percentile range, the bins cover that percentile range (plus a margin) and
    :func:`histogram` counts the outliers in the end bins. All-equal values (zero init) get a range
    around the value. ``include`` ``(lo, hi)`` widens the bins to cover at least that interval.
    """
    lows, highs, q_lows, q_highs = [], [], [], []
    for values in arrays:
        flat = _finite(values)
        if flat.size == 0:
            continue
        # ±1e300 is far beyond any real signal and keeps hi − lo finite for values near ±1.8e308.
        lows.append(max(flat.min(), -_HUGE))
        highs.append(min(flat.max(), _HUGE))
        sample = flat[_sample_indices(flat.size)] if flat.size > _PERCENTILE_SAMPLE else flat
        q_lo, q_hi = np.percentile(np.clip(sample, -_HUGE, _HUGE), (0.5, 99.5))
        q_lows.append(q_lo)
        q_highs.append(q_hi)
    if not lows:
        lo, hi = -1.0, 1.0
    else:
        lo, hi = min(lows), max(highs)
        q_lo, q_hi = min(q_lows), max(q_highs)
        core = q_hi - q_lo
        if core > 0 and hi - lo > _OUTLIER_STRETCH * core:
            lo, hi = max(lo, q_lo - 0.1 * core), min(hi, q_hi + 0.1 * core)
        if hi - lo < _MIN_SPAN:  # all equal, or so close (subnormal) that n_bins / span overflows
            half = 0.5 * max(abs(lo), 1.0)
            lo, hi = lo - half, hi + half
    if include is not None:
        lo, hi = min(lo, include[0]), max(hi, include[1])
    return np.linspace(lo, hi, int(n_bins) + 1)


@lru_cache(maxsize=8)
def _sample_indices(size: int) -> np.ndarray:
    # A fixed random subset: its 0.5 and 99.5 percentiles are close enough to place the bins.
    return np.random.default_rng(0).integers(0, size, _PERCENTILE_SAMPLE)


def histogram(values, bins) -> np.ndarray:
    """Counts of the finite ``values`` in the equal-width ``bins`` (edges from :func:`shared_bins`).

    Values outside the edges are counted in the first or last bin, so the counts add up to the
    number of finite values. Returns an ``(len(bins) − 1,)`` int array.
    """
    edges = np.asarray(bins, dtype=float)
    n_bins = len(edges) - 1
    flat = _finite(values)
    scale = n_bins / (edges[-1] - edges[0])
    counts = np.zeros(n_bins, dtype=np.intp)
    # In cache-sized chunks with reused buffers: big temporaries cost more in fresh memory pages
    # than the arithmetic does.
    position = np.empty(min(flat.size, _CHUNK))
    index = np.empty(position.size, dtype=np.intp)
    with np.errstate(over="ignore"):  # huge values become ±inf here and are clipped to the end bins
        for start in range(0, flat.size, _CHUNK):
            chunk = flat[start:start + _CHUNK]
            pos, idx = position[:chunk.size], index[:chunk.size]
            np.subtract(chunk, edges[0], out=pos)
            np.multiply(pos, scale, out=pos)
            np.clip(pos, 0, n_bins - 1, out=pos)
            np.copyto(idx, pos, casting="unsafe")
            counts += np.bincount(idx, minlength=n_bins)
    return counts


def _finite(values) -> np.ndarray:
    """``values`` as a flat float array without nan and ±inf (copied only when there are any)."""
    flat = np.asarray(values, dtype=float).ravel()
    if flat.size and not (np.isfinite(flat.min()) and np.isfinite(flat.max())):
        flat = flat[np.isfinite(flat)]
    return flat


def find_symmetric_units(network: Network) -> dict:
    """Hidden units that an initialisation made interchangeable: ``{layer: [[unit, …], …]}``.

    Units of a hidden layer (1 … L−2) form a group when their incoming weights, their bias *and*
    their outgoing weights are exactly equal. Such units compute the same value and receive the same
    gradient, so gradient descent keeps them equal forever: the layer behaves as if it had one unit
    per group. (Identical incoming weights alone are not enough: different outgoing weights give
    different gradients and the units drift apart; output units always differ by their targets.)
    Every group has at least two units, in ascending order; layers without a group are left out.
    """
    groups = {}
    for i in range(len(network.weights) - 1):
        w_in, bias, w_out = network.weights[i], network.biases[i], network.weights[i + 1]
        layer_groups = _identical_rows(np.hstack([w_in, bias[:, None], w_out.T]))
        if layer_groups:
            groups[i + 1] = layer_groups
    return groups


def _identical_rows(key: np.ndarray) -> list:
    """Groups (≥ 2, ascending) of the row indices of ``key`` whose rows are exactly equal."""
    # Rows can only be equal if their first entries are: after random init no row survives this.
    _, first_inverse, first_counts = np.unique(key[:, 0], return_inverse=True, return_counts=True)
    candidates = np.flatnonzero(first_counts[first_inverse] >= 2)
    if candidates.size < 2:
        return []
    # Whole rows compared as bytes (8× faster than np.unique(axis=0)); + 0.0 makes −0.0 equal to 0.0.
    rows = np.ascontiguousarray(key[candidates] + 0.0)
    as_bytes = rows.view(np.dtype((np.void, rows.itemsize * rows.shape[1]))).ravel()
    _, inverse, counts = np.unique(as_bytes, return_inverse=True, return_counts=True)
    return sorted(candidates[inverse == g].tolist() for g in np.flatnonzero(counts >= 2))


__all__ = [
    "DISTRIBUTIONS", "MAX_BATCH_VALUES", "MAX_BATCH_WORK", "SATURATION_THRESHOLD", "LayerStats", "NetworkStats",
    "affordable_samples", "find_symmetric_units", "histogram", "is_centred", "layer_statistics", "max_abs_derivative",
    "random_targets", "sample_inputs", "shared_bins",
]
