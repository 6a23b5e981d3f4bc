"""Where the explorer's histogram axes go: bins, shared ranges across layers, and sparse round ticks.

Spans snap outwards to round steps (:func:`snapped`): while training moves the values a little, the axes
stay put instead of jittering, and keep their pictures instead of laying out their labels on every update.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from nnviz.core.parallel import both
from nnviz.core.stats import histogram, shared_bins

MAX_BINS = 40
Z_MIN_RANGE = (-1.0, 1.0)
"""The z plots always show at least this much of the activation curve, so tiny z reads as 'near 0'."""


SNAPS = 8
"""A span snaps outwards to a round step of about 1/``SNAPS`` of its width."""


def round_step(at_least: float) -> float:
    """The smallest of 1, 2, 5 × 10ᵏ that is ≥ ``at_least`` (> 0)."""
    power = 10.0 ** math.floor(math.log10(at_least))
    return next(power * m for m in (1.0, 2.0, 5.0, 10.0) if power * m >= at_least)


def snapped(lo: float, hi: float, step: float | None = None) -> tuple[float, float]:
    """``[lo, hi]`` (lo < hi) widened to multiples of ``step`` (by default a round step of ~1/``SNAPS`` of it);
    unchanged where that cannot be done (a span too narrow for its magnitude, or not finite)."""
    if not (math.isfinite(hi - lo) and hi > lo):
        return lo, hi
    step = round_step((hi - lo) / SNAPS) if step is None else step
    low, high = math.floor(lo / step) * step, math.ceil(hi / step) * step
    return (low, high) if low <= lo and hi <= high else (lo, hi)  # float rounding can land inside the span


def bin_count(n_values: int) -> int:
    """Fewer, wider bins for few values: 2√n, between 10 and ``MAX_BINS``."""
    return int(np.clip(2 * np.sqrt(n_values), 10, MAX_BINS))


COLUMNS = (("w", "weights"), ("z", "z"), ("a", "a"))
"""The histogram columns: key and the :class:`~nnviz.core.stats.LayerStats` array each counts."""


@dataclass(frozen=True)
class Bars:
    """One histogram: ``edges`` ``(k + 1,)``, the share of B's values ``(k,)`` in each bin and A's (or None),
    and ``top``, the height the plot shows (the tallest bar here, or in the whole column on shared axes)."""

    edges: np.ndarray
    current: np.ndarray
    pinned: np.ndarray | None
    top: float


def histogram_table(pairs, shared: bool, halves: bool = False) -> list[dict[str, Bars]]:
    """The bars of every row of ``pairs`` (``(layer stats, pinned layer stats or None)``) per column
    ``"w"``, ``"z"``, ``"a"``: each plot on its own bins, or (``shared``) each column on bins covering
    every row, at one height. Only numpy: the explorer makes it on its worker thread; with ``halves``, the
    column of most values on a helper thread (:func:`~nnviz.core.parallel.both`) and the other two here."""
    arrays = {key: [[getattr(s, attr) for s in pair if s is not None] for pair in pairs] for key, attr in COLUMNS}
    if halves:
        largest = max(arrays, key=lambda key: sum(values.size for row in arrays[key] for values in row))
        others = [key for key in arrays if key != largest]
        first, rest = both(lambda: _column(largest, arrays[largest], shared),
                           lambda: [_column(key, arrays[key], shared) for key in others])
        columns = {largest: first, **dict(zip(others, rest))}
    else:
        columns = {key: _column(key, rows, shared) for key, rows in arrays.items()}
    return [{key: columns[key][row] for key, _ in COLUMNS} for row in range(len(pairs))]


def _column(key: str, rows: list, shared: bool) -> list[Bars]:
    """The bars of one column (see :func:`histogram_table`): ``rows`` holds each row's arrays, B's then A's."""
    include = Z_MIN_RANGE if key == "z" else None
    if shared:
        column = [values for row in rows for values in row]
        edges = _snapped_bins(column, bin_count(max(values.size for values in column)), include)
    bars = []
    for arrays in rows:
        if not shared:
            edges = _snapped_bins(arrays, bin_count(arrays[0].size), include)
        shares = [histogram(values, edges) / max(values.size, 1) for values in arrays]
        bars.append(Bars(edges, shares[0], shares[1] if len(shares) > 1 else None,
                         max(float(share.max(initial=0.0)) for share in shares)))
    if shared:
        top = max(bar.top for bar in bars)
        bars = [replace(bar, top=top) for bar in bars]
    return bars


def _snapped_bins(arrays, n_bins: int, include) -> np.ndarray:
    """:func:`~nnviz.core.histograms.shared_bins` over a :func:`snapped` span."""
    edges = shared_bins(arrays, n_bins, include=include)
    return np.linspace(*snapped(edges[0], edges[-1]), n_bins + 1)


def sparse_ticks(lo: float, hi: float, most: int = 3, max_chars: int = 9) -> list[tuple[float, str]]:
    """At most ``most`` round tick values in ``[lo, hi]`` (steps of 1, 2, 2.5 or 5 × 10ᵏ), labelled
    briefly, fewer when the labels hold more than ``max_chars`` characters in all: a histogram is
    ~100 px wide, and pyqtgraph's own ticks ran together ("0.20.40.60.8")."""
    span = hi - lo
    if not (np.isfinite(span) and span > 0):
        return [(float(lo), f"{lo:.3g}")]
    power = 10.0 ** np.floor(np.log10(span / most))
    for mantissa in (1.0, 2.0, 2.5, 5.0, 10.0, 20.0):
        step = mantissa * power
        first, last = np.ceil(lo / step), np.floor(hi / step)
        if last - first + 1 <= most:
            break
    decimals = max(0, int(-np.floor(np.log10(step) + 1e-9)) + (mantissa == 2.5))
    def label(value: float) -> str:
        text = f"{value:.{decimals}f}"
        return (text.rstrip("0").rstrip(".") if decimals else text).replace("-", "−")

    ticks = [(float(k * step), label(k * step) if k else "0") for k in np.arange(first, last + 1)]
    if most > 2 and sum(len(text) for _, text in ticks) > max_chars:  # "0.25 0.5 0.75" runs together
        return sparse_ticks(lo, hi, most - 1, max_chars)
    return ticks
