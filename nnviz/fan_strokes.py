"""A weight layer's strokes worked out with numpy alone: which edges are kept, their pens, the order they
are drawn in, where their lines lie, and how many of a dense fan are painted at a zoom.

The network view draws with these, and so does its raster worker (``gui/network_view/raster_worker.py``),
which works out a dense fan's strokes from its weights in a process of its own: the same functions, so the
same picture wherever it is drawn. A training step recomputes this for every layer, so nothing here sorts
floats but the kept edges: pens are small integers (a radix sort), and a dense fan's interleaving sorts its
chunks of :data:`INTERLEAVE_EDGES` lines, not the lines. No Qt, and not ``nnviz.core`` (the worker starts
fast without scipy).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ANTIALIAS_MAX_EDGES = 2000
"""Above this many drawn edges a layer is drawn with 1 px aliased lines (AA costs ×3, wide pens ×2)."""
LATTICE_MIN_WEIGHTS = 300
"""Weight layers above this size move their edges' ends inside the nodes (see :meth:`FanGeometry.lines`); in
smaller ones the lattice's streaks are not seen, and each line aims at its nodes' centres."""
OVERDRAW = 3
"""A dense fan on a raster device draws only its strongest lines, enough to cover its area about this
many times over (a 784-wide fan of 20 000 lines would cover each pixel ~40 times at 1280×800). Then
single lines stay visible, in both colours, with a little background between them: the fan shows
where its strong weights are instead of a solid colour, and the lines below would cost most of the time."""

LEVELS = 24
"""Magnitude bins per sign: 48 pens at most per layer."""
INTERLEAVE_EDGES = 16
"""Lines per chunk when a dense layer interleaves negative and positive chunks (see :func:`drawing_order`):
small, because the last chunks drawn cover much of a dense fan and must not all be of one sign."""


def pen_groups(values: np.ndarray, top: float) -> np.ndarray:
    """``(m,)`` uint8 pen of each of ``values`` ``(m,)``: 2·level + (value > 0), where the level is the
    bin of |value| / ``top`` among :data:`LEVELS`. A diverged network may hold inf or nan: inf gets
    the top level, nan the level of zero."""
    magnitude = np.abs(values)
    if not np.isfinite(magnitude).all():  # one pass; nan_to_num takes several
        np.nan_to_num(magnitude, copy=False, nan=0.0, posinf=top)
    magnitude /= top
    np.minimum(magnitude, 1.0, out=magnitude)  # ≥ 0 already
    magnitude *= LEVELS
    level = magnitude.astype(np.uint8)  # in 0 … LEVELS after the clip
    np.minimum(level, LEVELS - 1, out=level)
    level <<= 1
    level += values > 0
    return level


def drawing_order(group: np.ndarray, interleave: bool) -> np.ndarray:
    """``(m,)`` the order to draw edges of pens ``group`` ``(m,)`` uint8 (listed weakest first) in:
    by pen, weakest first inside a pen; with ``interleave``, level by level, chunks of
    ``INTERLEAVE_EDGES`` negative and positive edges alternate, each sign keeping its order.

    In a dense fan many lines cross every pixel and the last one drawn shows: alternating chunks
    keeps either sign from painting over the other wholesale; neither gets a run of its own at the
    end of a level (its last chunks cover the fan), as chunks are spread evenly over the level:
    chunk c of a pen with C chunks goes at (c + ½) / C of its level, the negative one first on a tie.
    """
    order = np.argsort(group, kind="stable")  # small integers: a radix sort
    if not interleave or not len(group):
        return order
    counts = np.bincount(group, minlength=2 * LEVELS)
    first = np.cumsum(counts) - counts  # where each pen starts in ``order``
    chunks = -(-counts // INTERLEAVE_EDGES)
    chunk_pen = np.repeat(np.arange(len(counts)), chunks)
    chunk_index = np.arange(len(chunk_pen)) - np.repeat(np.cumsum(chunks) - chunks, chunks)
    key = (chunk_index + 0.5) / chunks[chunk_pen]
    chunk_order = np.lexsort((chunk_pen & 1, key, chunk_pen >> 1))
    start = first[chunk_pen] + chunk_index * INTERLEAVE_EDGES
    length = np.minimum(INTERLEAVE_EDGES, first[chunk_pen] + counts[chunk_pen] - start)
    start, length = start[chunk_order], length[chunk_order]
    # The chunks' ranges of ``order``, one after the other.
    positions = np.repeat(start - (np.cumsum(length) - length), length) + np.arange(len(group))
    return order[positions]


def bias_places(weight_magnitudes: np.ndarray, bias_magnitudes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where bias edges go among weight edges sorted weakest first (``weight_magnitudes`` ``(m,)``
    sorted as ``np.sort`` sorts, nan last) so that all are as a stable sort of the biases followed by
    the weights would order them: ``(bias order (b,), the weight index (b,) each goes before)``, as
    ``np.insert`` takes them."""
    bias_order = np.argsort(bias_magnitudes, kind="stable")
    return bias_order, np.searchsorted(weight_magnitudes, bias_magnitudes[bias_order], side="left")


def strongest_edges(abs_weights: np.ndarray, k: int | None, previous: np.ndarray | None = None) -> np.ndarray:
    """Flat indices of the ``k`` largest entries of ``abs_weights``, ordered weakest first: exactly
    ``np.argsort(abs_weights, axis=None, kind="stable")[-k:]`` (of equal entries, the later ones are kept,
    nan counts largest), whichever way they are found.

    ``k=None`` (or ``k`` ≥ the number of entries) keeps every entry. Drawing in this order puts the
    strong edges on top of the weak ones. ``previous``, this function's answer for nearly the same
    weights (a training step ago), makes it cheaper: the new ``k`` largest are all at least the
    smallest of the previous ones now, so only those entries are sorted, not the whole matrix.
    """
    flat = np.ravel(abs_weights)
    if k is None or k >= flat.size:
        return _stable_argsort(flat)
    pool = None
    if previous is not None and len(previous) == k:
        floor = flat[previous].min()
        candidates = flat >= floor  # every previous entry, and those that overtook the weakest of them
        candidates[previous] = False
        if not np.isnan(floor) and not np.isnan(flat.max()):  # nan: the full sort
            pool = np.concatenate([previous, np.flatnonzero(candidates)])
    if pool is not None and len(pool) > max(2 * k, flat.size // 2):  # e.g. new random weights: no help
        pool = None
    looked = flat if pool is None else flat[pool]
    if pool is not None and len(pool) <= 2 * k:  # nearly in order: sort them all
        kept = pool[_stable_argsort(looked)[len(pool) - k:]]
    else:
        keep = np.argpartition(looked, len(looked) - k)[len(looked) - k:]
        kept = (keep if pool is None else pool[keep])[_stable_argsort(looked[keep])]
    values = np.take(flat, kept)
    # Every entry as large as the weakest kept one is in the pool (or is a nan, which makes no pool).
    if (values[1:] > values[:-1]).all() and np.count_nonzero(looked == values[0]) == 1:
        return kept  # no two alike: the only order
    # Equal entries (rounded weights): kept and ordered as the stable sort does, the later of equal ones.
    weakest = values[0]
    if np.isnan(weakest):
        return np.flatnonzero(np.isnan(flat))[-k:]
    greater = np.flatnonzero((flat > weakest) | np.isnan(flat))
    greater = greater[_stable_argsort(flat[greater])]
    return np.concatenate([np.flatnonzero(flat == weakest)[len(greater) - k:], greater])


def _stable_argsort(values: np.ndarray) -> np.ndarray:
    """``np.argsort(values, kind="stable")`` of ``(m,)`` floats, faster: numpy's vectorised unstable
    sort gives the same order when no two values are equal (with ties or nan: the stable sort)."""
    order = np.argsort(values)
    ordered = values[order]
    if not (ordered[1:] > ordered[:-1]).all():
        return np.argsort(values, kind="stable")
    return order


@dataclass(frozen=True, eq=False)
class FanGeometry:
    """Where the edges of one weight layer lie, in scene units: its columns at ``x`` (in, out), their
    nodes' centres at ``ys_in`` ``(n_in,)`` and ``ys_out`` ``(n_out,)``, of ``radii`` (in, out), the
    bias unit at ``bias`` (x, y) (or ``None``), weights of ``shape`` (n_out, n_in)."""

    x: tuple[float, float]
    ys_in: np.ndarray
    ys_out: np.ndarray
    radii: tuple[float, float]
    bias: tuple[float, float] | None
    shape: tuple[int, int]

    def __eq__(self, other) -> bool:  # the same lines
        return (isinstance(other, FanGeometry) and (self.x, self.radii, self.bias, self.shape)
                == (other.x, other.radii, other.bias, other.shape)
                and np.array_equal(self.ys_in, other.ys_in) and np.array_equal(self.ys_out, other.ys_out))

    __hash__ = None

    def lines(self, to: np.ndarray, frm: np.ndarray) -> np.ndarray:
        """``(m, 4)`` x0, y0, x1, y1 of edges ``to``, ``frm`` ``(m,)`` (−1: the bias unit).

        A full fan between two evenly spaced columns crosses itself on a lattice and leaves whole pixel
        columns empty (white streaks 1/2, 1/3 … of the way across): in a layer of over
        :data:`LATTICE_MIN_WEIGHTS` the ends move a little inside their nodes, by a fixed amount per edge
        (so that a selection's edges lie on the layer's own lines). Up to :data:`ANTIALIAS_MAX_EDGES`
        weights only the ends in the column of more nodes move: the few big nodes of the other keep their
        lines aimed at their centres. The bias unit's end stays.
        """
        lines = self.centres(to, frm)
        n_out, n_in = self.shape
        if n_out * n_in > LATTICE_MIN_WEIGHTS:
            dense = n_out * n_in > ANTIALIAS_MAX_EDGES
            if dense or n_in >= n_out:
                lines[:, 1] += 1.6 * self.radii[0] * (_edge_hash(to, frm, 1) - 0.5)
            if dense or n_out >= n_in:
                lines[:, 3] += 1.6 * self.radii[1] * (_edge_hash(to, frm, 2) - 0.5)
            if self.bias is not None:
                lines[frm < 0, :2] = self.bias
        return lines

    def centres(self, to: np.ndarray, frm: np.ndarray) -> np.ndarray:
        """``(m, 4)`` the lines of edges ``to``, ``frm`` between their nodes' centres (the ends not moved)."""
        lines = np.empty((len(to), 4))
        lines[:, 0], lines[:, 2] = self.x
        np.take(self.ys_in, np.maximum(frm, 0), out=lines[:, 1])
        np.take(self.ys_out, to, out=lines[:, 3])
        if self.bias is not None:
            lines[frm < 0, :2] = self.bias
        return lines

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """Least x, y and largest x, y of any line of the layer (moved ends and bias unit included)."""
        reach = [0.8 * radius for radius in self.radii]  # see lines
        low = min(float(self.ys_in.min()) - reach[0], float(self.ys_out.min()) - reach[1])
        high = max(float(self.ys_in.max()) + reach[0], float(self.ys_out.max()) + reach[1])
        if self.bias is not None:
            low, high = min(low, self.bias[1]), max(high, self.bias[1])
        return self.x[0], low, self.x[1], high


def lines_per_zoom(centres: np.ndarray) -> float:
    """1 px lines needed per pixel-per-unit of zoom to cover a fan of lines ``centres`` ``(m, 4)`` (from one
    column to the next, between the nodes' centres) ``OVERDRAW`` times.

    The fan is the trapezoid between its two columns; covering it k times takes about
    k · area / mean line length lines, and both scale with the zoom (area ∝ zoom², length ∝ zoom).
    Lines crowd in the middle of the fan and thin out towards its top and bottom corners.
    """
    gap = centres[0, 2] - centres[0, 0]
    spans = [np.ptp(centres[:, 1]), np.ptp(centres[:, 3])]
    area = gap * (sum(spans) / 2 + 0.5)  # + a little: a column of one node has no span
    # An aliased 1 px line sets one pixel per step along its longer axis.
    steps = np.abs(centres[:, 3] - centres[:, 1])
    np.maximum(steps, gap, out=steps)
    return OVERDRAW * area / max(float(steps.mean()), 1e-9)


def coverage(line_widths: np.ndarray) -> np.ndarray:
    """``(m,)`` pixel-wide lines that lines of ``line_widths`` ``(m,)`` (in drawing order) cover, from the
    last (strongest) back: what a budget of lines buys (see :func:`first_painted`)."""
    return np.cumsum(line_widths[::-1])


def first_painted(covered: np.ndarray, budget: float) -> int:
    """The first line worth painting of lines whose :func:`coverage` is ``covered``: from the strongest
    back, enough to paint ``budget`` 1 px wide lines."""
    n = len(covered)
    return n - min(int(np.searchsorted(covered, budget)) + 1, n)


def device_points(lines: np.ndarray, matrix: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """``lines`` ``(m, 4)`` mapped by the 2 × 2 ``matrix`` (row vectors) and moved by ``shift`` (2,)."""
    return (lines.reshape(-1, 2, 2) @ matrix + shift).reshape(-1, 4)


def _edge_hash(to: np.ndarray, frm: np.ndarray, salt: int) -> np.ndarray:
    """A fixed pseudo-random number in [0, 1) per edge (a splitmix64 step): the same edge always gets
    the same value, and no pattern lines up with the columns."""
    x = (to.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + frm.astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
         + np.uint64(salt))
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return (x >> np.uint64(11)).astype(float) / 2.0**53


def finite_max(*arrays) -> float:
    """The largest finite entry of ``|arrays|`` (0.0 if there is none)."""
    best = 0.0
    for array in arrays:
        array = np.asarray(array, dtype=float)
        if not array.size:
            continue
        peak = max(float(array.max()), -float(array.min()))  # two passes, no temporary array
        if not np.isfinite(peak):  # a diverged network: look at the finite entries only
            finite = np.abs(array[np.isfinite(array)])
            peak = float(finite.max()) if finite.size else 0.0
        best = max(best, peak)
    return best


def layer_top(weights: np.ndarray, strongest: np.ndarray, biases: np.ndarray | None) -> float:
    """The layer's largest finite |w| or |b| (its pens are bins of |value| up to it; 0.0 if none), knowing
    the flat indices of the ``strongest`` weights by |w| (nan and inf the strongest): the largest finite
    one among them, if there is one, is the largest weight."""
    magnitudes = np.abs(np.take(weights, strongest))
    finite = magnitudes[np.isfinite(magnitudes)]
    top = float(finite.max()) if len(finite) else finite_max(weights)
    return top if biases is None else max(top, finite_max(biases))


def edge_rows(weights: np.ndarray, flat_indices: np.ndarray, biases: np.ndarray | None) -> tuple[np.ndarray, ...]:
    """``(to, frm, values)`` ``(m,)`` of the edges ``weights.flat[flat_indices]`` (weakest first) and, if
    given, the bias edges (``frm`` −1) among them: as a stable sort of the biases, then the weights, by |value|."""
    to, frm = np.divmod(flat_indices, weights.shape[1])
    values = np.take(weights, flat_indices)
    if biases is not None:
        bias_order, before = bias_places(np.abs(values), np.abs(biases))
        to, frm, values = (np.insert(a, before, b[bias_order]) for a, b in
                           ((to, np.arange(len(biases))), (frm, np.full(len(biases), -1)), (values, biases)))
    return to, frm, values


@dataclass(frozen=True)
class PaintedFan:
    """What a dense fan paints at a zoom: ``lines`` ``(p, 4)`` in scene units with pens ``pen`` ``(p,)``
    uint8, in drawing order; ``kept`` ``(k,)`` its strongest weights' flat indices (for the next
    :func:`painted_fan`), ``top`` the |value| its pens are bins of, and ``floor`` its :func:`floor_of`."""

    lines: np.ndarray
    pen: np.ndarray
    kept: np.ndarray
    top: float
    floor: float


def painted_fan(weights: np.ndarray, biases: np.ndarray | None, k: int, geometry: FanGeometry,
                pixels_per_unit: float, previous: np.ndarray | None = None) -> PaintedFan:
    """The lines a dense fan of ``weights`` ``(n_out, n_in)`` (and ``biases`` ``(n_out,)``) paints with 1 px
    pens at ``pixels_per_unit``, its ``k`` strongest weights kept (``previous``: the last ones, to choose
    them faster): exactly the view's strokes of that layer from the first one worth painting on
    (``layer_strokes``, ``EdgeLayerItem._start_at``), with no selection."""
    kept = strongest_edges(np.abs(weights), k, previous)
    to, frm, values = edge_rows(weights, kept, biases)
    top = layer_top(weights, kept, biases) or 1.0
    pen = pen_groups(values, top)
    order = drawing_order(pen, interleave=True)
    start = first_painted(coverage(np.ones(len(order))), lines_per_zoom(geometry.centres(to, frm)) * pixels_per_unit)
    rows = order[start:]
    return PaintedFan(geometry.lines(np.take(to, rows), np.take(frm, rows)), np.take(pen, rows), kept, top,
                      floor_of(np.take(weights, kept)))


def floor_of(kept_values: np.ndarray) -> float:
    """The least |w| of a fan's kept weights ``kept_values`` ``(k,)`` (nan if one is; 0.0 if none): a weight
    weaker than it, before and after a change, changes nothing drawn."""
    return float(np.abs(kept_values).min()) if len(kept_values) else 0.0
