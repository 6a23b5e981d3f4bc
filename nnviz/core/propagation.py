"""Signal propagation through deep random networks: the mean-field theory and its measurement.

A network with weights N(0, σ_w²/n_in), no bias and inputs N(0, 1) has, in the limit of infinite
width, Gaussian pre-activations zˡ ~ N(0, qˡ) in every hidden layer, with the variance map

    q¹ = σ_w²,    qˡ⁺¹ = σ_w² · E[φ(zˡ)²].

The signal then settles at a fixed point q* of that map (possibly 0 or ∞). Whether two nearby inputs
drift apart (chaos) or merge (order), and whether gradients grow or shrink on their way back, is
decided by χ₁ = σ_w² · E[φ′(z)²] at q*: the order-to-chaos boundary is where χ₁ = 1. Gaussian
expectations are computed by Gauss–Legendre quadrature on each half-line (see :func:`_folded_rule`).
:func:`propagation_map` measures the same spread on real random networks of finite width, for the
picture drawn over the theory.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from .activations import Activation, get_activation

QUADRATURE_POINTS = 100
"""Gauss–Legendre nodes on each half-line: 200 evaluations of φ per expectation, exact to ~1e-13."""

_CUTOFF = 12.0
"""Expectations integrate |z| ≤ 12 standard deviations; the rest of N(0, 1) weighs 4e-33."""


def _folded_rule(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes u and weights for E[f(u)], u ~ N(0, 1): Gauss–Legendre on each half-line, u = 12 t².

    Gauss–Hermite (the textbook choice) fails here: in E[f(√q u)] the function changes on a scale of
    1/√q near u = 0 (a ReLU kink; tanh′² is a bump that falls between the Hermite nodes once q is
    large), so 200 Hermite nodes are 0.2 % off for ReLU, 23 % for σ_w² E[tanh′²] at q = 50 and 100 %
    at q = 10⁴. Splitting at 0 removes the kink and t² crowds the nodes towards u = 0.
    """
    x, w = np.polynomial.legendre.leggauss(n)
    t, w = (x + 1.0) / 2.0, w / 2.0
    u = _CUTOFF * t * t
    weights = w * 2.0 * _CUTOFF * t * np.exp(-0.5 * u * u) / np.sqrt(2.0 * np.pi)
    return np.concatenate([u, -u]), np.concatenate([weights, weights])


_nodes, _weights = _folded_rule(QUADRATURE_POINTS)

_Q_DECADES = 30.0
"""How many decades above and below q¹ the fixed-point search looks before calling the limit ∞ or 0."""

_TINY_Q = 1e-300
"""Stands in for q* = 0 in χ₁: the limit from above, where z is tiny but has a sign."""

_SCALE_RANGE = (0.05, 20.0)
"""The σ_w interval searched for the order-to-chaos boundary."""


def gaussian_expectation(f, variances) -> np.ndarray:
    """E[f(z)] for z ~ N(0, q), for every q of ``variances`` (any shape; same shape out).

    ``f`` maps an array of z elementwise. q = ∞ is allowed (f sees ±∞).
    """
    q = np.asarray(variances, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        z = np.sqrt(q)[..., None] * _nodes
        return f(z) @ _weights


def _unit_activation(activation) -> Activation:
    """The activation, which must act on each unit alone (the theory has no place for softmax)."""
    act = get_activation(activation)
    if not act.elementwise:
        raise ValueError(f"signal propagation needs an activation of each unit alone, not {act.name!r}")
    return act


def _check_scales(scales) -> np.ndarray:
    s = np.atleast_1d(np.asarray(scales, dtype=float))
    if s.ndim != 1 or not np.all(np.isfinite(s)) or np.any(s < 0):
        raise ValueError(f"scales must be a 1-D sequence of finite numbers ≥ 0, got {scales!r}")
    return s


def _check_depth(depth) -> int:
    if int(depth) != depth or depth < 1:
        raise ValueError(f"depth must be a whole number ≥ 1, got {depth!r}")
    return int(depth)


def _spread(act: Activation, values: np.ndarray) -> np.ndarray:
    """std over the last axis of quadrature values φ(z), weighted; ∞ where they overflowed."""
    with np.errstate(over="ignore", invalid="ignore"):
        mean = values @ _weights
        variance = ((values - mean[..., None]) ** 2) @ _weights
    return np.sqrt(np.where(np.isnan(variance) & np.isinf(mean), np.inf, variance))


def propagation_theory(activation, scales, depth: int) -> np.ndarray:
    """Predicted std of the activations of hidden layers 1 … ``depth``: a ``(len(scales), depth)`` array.

    Row i is for σ_w = ``scales[i]``: an infinitely wide network with weights N(0, σ_w²/n_in), no
    bias, inputs N(0, 1): aˡ = φ(zˡ), zˡ ~ N(0, qˡ), std(aˡ) = √(E[φ(zˡ)²] − E[φ(zˡ)]²), with the
    variance map of the module docstring. Where the signal overflows (ReLU far above σ_w = √2 and
    very deep) the std is ∞.
    """
    act = _unit_activation(activation)
    s = _check_scales(scales)
    depth = _check_depth(depth)
    result = np.empty((len(s), depth))
    q = s ** 2
    with np.errstate(over="ignore", invalid="ignore"):
        for layer in range(depth):
            values = act.value(np.sqrt(q)[:, None] * _nodes)  # (S, nodes)
            result[:, layer] = _spread(act, values)
            q = s ** 2 * ((values * values) @ _weights)
            q[s == 0] = 0.0  # 0 · ∞ is 0 here: no weights, no signal
    return result


def _variance_gap(act: Activation, scale: float, q) -> np.ndarray:
    """σ_w² E[φ(z)²] − q for z ~ N(0, q): positive where the variance map pushes q up."""
    q = np.asarray(q, dtype=float)
    return scale ** 2 * gaussian_expectation(lambda z: act.value(z) ** 2, q) - q


def _bisect(test, lo: float, hi: float, iterations: int = 60) -> float:
    """Where the boolean ``test`` changes between ``lo`` and ``hi`` (it differs at the two ends)."""
    at_lo = test(lo)
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if test(mid) == at_lo:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def variance_fixed_point(activation, scale: float) -> float:
    """q*: the limit of the variance map started from q¹ = σ_w² (``scale``²); may be 0.0 or ∞.

    The map q ↦ σ_w² E[φ(z)²] is increasing in q for every activation here, so the iterates move
    monotonically to the nearest fixed point in the direction they start moving; it is found by a
    scan over 30 decades of q and bisection (geometric, as q* may be tiny). No fixed point in that
    range means the signal vanishes (0.0) or explodes (∞). For ReLU and linear units at the boundary
    itself every q is a fixed point and q¹ is returned.
    """
    act = _unit_activation(activation)
    scale = float(_check_scales(scale)[0])
    q_start = scale ** 2
    if q_start == 0:
        return 0.0
    gap = float(_variance_gap(act, scale, q_start))
    if abs(gap) <= 1e-12 * q_start:
        return q_start
    direction = 1.0 if gap > 0 else -1.0
    grid = q_start * np.logspace(0.0, direction * _Q_DECADES, 301)
    gaps = _variance_gap(act, scale, grid)
    crossing = np.flatnonzero(np.sign(gaps) != np.sign(gap))
    if crossing.size == 0:
        return np.inf if direction > 0 else 0.0
    k = crossing[0]
    log_root = _bisect(lambda t: bool(_variance_gap(act, scale, np.exp(t)) > 0), np.log(grid[k - 1]),
                       np.log(grid[k]))
    return float(np.exp(log_root))


def chi1(activation, scales) -> np.ndarray:
    """χ₁ = σ_w² · E[φ′(z)²] at the fixed point q* (:func:`variance_fixed_point`) for every σ_w: ``(len(scales),)``.

    χ₁ < 1: ordered (nearby inputs merge, gradients vanish with depth); χ₁ > 1: chaotic (they drift
    apart, gradients explode). At q* = 0 and q* = ∞ it is the limit of q → 0⁺ or ∞ (for ReLU σ_w²/2
    on both sides, though φ′(0) = 0).
    """
    act = _unit_activation(activation)
    s = _check_scales(scales)
    q_star = np.array([variance_fixed_point(act, scale) for scale in s])
    q_star[q_star == 0] = _TINY_Q
    with np.errstate(over="ignore", invalid="ignore"):
        slope = gaussian_expectation(lambda z: act.derivative(z) ** 2, q_star)
    return s ** 2 * slope


def order_to_chaos_boundary(activation) -> float | None:
    """The σ_w at which χ₁ (:func:`chi1`) first rises through 1, or None when it never does in 0.05 … 20.

    What it returns for each kind of unit (no bias):

    - tanh, ELU, linear: 1 (q* = 0 below it, the ordered side; a growing q* > 0 above it). Just above
      1, χ₁ of tanh and ELU is 1 to second order, so the bisection lands within ~1e-7 of it.
    - ReLU (√2, He's scale) and leaky ReLU (√(2/(1 + 0.01²))): χ₁ = σ_w² E[φ′²] does not depend on q,
      so the boundary is exact, yet there is no finite fixed point on either side: the signal
      vanishes below it and explodes above it, and at it every q is a fixed point.
    - SiLU (≈ 1.56) and GELU (≈ 1.47): χ₁ jumps through 1 where the start q¹ = σ_w² leaves the basin of q* = 0 for the
      runaway to q* = ∞ (a vanishing-to-exploding edge for inputs N(0, 1)).
    - softplus: √2, like ReLU; below it q* is finite (φ(0) ≠ 0 keeps the signal alive), above it ∞.
    - sigmoid: ≈ 10.15. φ(0) ≠ 0 keeps q* > 0; q* grows like σ_w² while E[φ′²] shrinks only like 1/σ_w.

    Computed once per activation (0.1–0.5 s) and cached.
    """
    return _boundary(_unit_activation(activation).name)


@cache
def _boundary(name: str) -> float | None:
    act = get_activation(name)
    scales = np.geomspace(*_SCALE_RANGE, 81)
    above = chi1(act, scales) >= 1.0
    rising = np.flatnonzero(~above[:-1] & above[1:])
    if rising.size == 0:
        return None
    k = rising[0]
    return _bisect(lambda s: bool(chi1(act, s)[0] >= 1.0), float(scales[k]), float(scales[k + 1]))


def propagation_map(activation, scales, depth: int, width: int = 64, n_samples: int = 500, seed=0) -> np.ndarray:
    """Measured std of the activations of hidden layers 1 … ``depth`` of random networks: ``(len(scales), depth)``.

    For each σ_w of ``scales`` a ``width``-wide network, weights N(0, σ_w²/width), no bias, gets
    ``n_samples`` inputs N(0, I) (``width`` of them); the std is over all samples and units of a layer,
    as the theory's is over the ensemble. All scales share the same drawn matrices (scaled), so the map
    is smooth in σ_w; the draws come from ``seed``. Overflowing layers give ∞ or NaN.
    """
    act = _unit_activation(activation)
    s = _check_scales(scales)
    depth = _check_depth(depth)
    width, n_samples = int(width), int(n_samples)
    if width < 1 or n_samples < 2:
        raise ValueError(f"need width ≥ 1 and n_samples ≥ 2, got width={width}, n_samples={n_samples}")
    rng = np.random.default_rng(seed)
    inputs = rng.standard_normal((n_samples, width))
    unit_weights = [rng.standard_normal((width, width)) / np.sqrt(width) for _ in range(depth)]
    result = np.empty((len(s), depth))
    with np.errstate(over="ignore", invalid="ignore"):
        for i, scale in enumerate(s):
            a = inputs
            for layer, w in enumerate(unit_weights):
                a = act.value(scale * (a @ w.T))
                result[i, layer] = a.std()
    return result


def weight_scales(network) -> np.ndarray:
    """σ_w of each weight layer of ``network`` as the theory sees it: √(n_in · mean(W²)), an ``(L,)`` array.

    Where the network's marker goes on the propagation map: He normal gives √2 in every layer, LeCun
    normal 1, the ×s of ``init_scale`` multiplies them all.
    """
    return np.array([np.sqrt(w.shape[1] * np.mean(np.square(w))) for w in network.weights])


__all__ = [
    "QUADRATURE_POINTS", "chi1", "gaussian_expectation", "order_to_chaos_boundary", "propagation_map",
    "propagation_theory", "variance_fixed_point", "weight_scales",
]
