"""Histograms for the initialisation explorer: equal-width bins shared by several arrays, and counts."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

_PERCENTILE_SAMPLE = 4096
_OUTLIER_STRETCH = 3.0
_HUGE = 1e300
_CHUNK = 65_536
_MIN_SPAN = 1e-290
_FLOAT32_SAFE = 1e30


def shared_bins(arrays, n_bins: int = 40, include=None) -> np.ndarray:
    """``n_bins + 1`` equal-width bin edges covering the finite values of all ``arrays``.

    A few far outliers do not squash the picture: when the full range is more than three times the
    0.5–99.5 percentile range, the bins cover that percentile range (plus a margin) and
    :func:`histogram` counts the outliers in the end bins. All-equal values (zero init) get a range
    around the value. ``include`` ``(lo, hi)`` widens the bins to cover at least that interval.
    """
    lows, highs, q_lows, q_highs = [], [], [], []
    for values in arrays:
        flat, low, high = _finite(values)
        if flat.size == 0:
            continue
        # ±1e300 is far beyond any real signal and keeps hi − lo finite for values near ±1.8e308.
        lows.append(max(low, -_HUGE))
        highs.append(min(high, _HUGE))
        sample = flat[_sample_indices(flat.size)] if flat.size > _PERCENTILE_SAMPLE else flat
        q_lo, q_hi = outer_percentiles(np.clip(sample, -_HUGE, _HUGE), 0.5)
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


def outer_percentiles(values: np.ndarray, q: float) -> tuple[float, float]:
    """The ``q``-th and ``(100 − q)``-th percentiles of the 1-D ``values``, as ``np.percentile`` finds them
    (linear interpolation), from one partial sort: ``np.percentile`` itself costs 10× more for 4,096 values."""
    positions = np.array([q, 100.0 - q]) / 100.0 * (values.size - 1)
    below = np.floor(positions).astype(np.intp)
    above = np.minimum(below + 1, values.size - 1)
    ordered = np.partition(values, np.unique(np.concatenate([below, above])))
    low, high = ordered[below], ordered[above]
    fraction, step = positions - below, high - low
    # From the nearer end, as numpy's own interpolation: near the upper one, low + step · fraction loses
    # the digits of a result close to zero.
    result = np.where(fraction >= 0.5, high - step * (1.0 - fraction), low + step * fraction)
    return float(result[0]), float(result[1])


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
    flat = _finite(values)[0]
    scale = n_bins / (edges[-1] - edges[0])
    counts = np.zeros(n_bins, dtype=np.intp)
    # In cache-sized chunks with reused buffers: big temporaries cost more in fresh memory pages than the
    # arithmetic does. Positions in float32 (half the memory traffic) only move values within 1e-7 of an
    # edge across it; float64 where the scale or the edges leave float32's range (0 · inf would be nan).
    # maximum and minimum are plain ufuncs: np.clip's wrapper costs more than its work.
    single = scale < _FLOAT32_SAFE and max(abs(edges[0]), abs(edges[-1])) < _FLOAT32_SAFE
    position = np.empty(min(flat.size, _CHUNK), dtype=np.float32 if single else float)
    index = np.empty(position.size, dtype=np.intp)
    with np.errstate(over="ignore"):  # huge values become ±inf here and are clipped to the end bins
        for start in range(0, flat.size, _CHUNK):
            chunk = flat[start:start + _CHUNK]
            pos, idx = position[:chunk.size], index[:chunk.size]
            np.subtract(chunk, edges[0], out=pos)
            np.multiply(pos, scale, out=pos)
            np.maximum(pos, 0, out=pos)
            np.minimum(pos, n_bins - 1, out=pos)
            np.copyto(idx, pos, casting="unsafe")
            counts += np.bincount(idx, minlength=n_bins)
    return counts


def _finite(values) -> tuple[np.ndarray, float, float]:
    """``values`` as a flat float array without nan and ±inf (copied only when there are any), and its
    smallest and largest value (nan when none is left)."""
    flat = np.asarray(values, dtype=float).ravel()
    if flat.size == 0:
        return flat, np.nan, np.nan
    low, high = flat.min(), flat.max()
    if not (np.isfinite(low) and np.isfinite(high)):
        flat = flat[np.isfinite(flat)]
        low, high = (flat.min(), flat.max()) if flat.size else (np.nan, np.nan)
    return flat, low, high


__all__ = ["histogram", "shared_bins"]
