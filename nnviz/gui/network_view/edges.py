"""The edges of one weight layer as strokes (pens and drawing order), drawn as a few batches of lines
(one ``drawLines`` per pen); the item that shows them is in ``edge_layer.py``.

Edges are sorted weakest first and binned by signed magnitude, so strong edges land on top of weak
ones and a dense fan shows where the strong weights are instead of whichever colour came last.
Dense layers fade weak edges towards the background; small ones also grow thicker with |w| and are
antialiased (both cost too much for tens of thousands of lines).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt.internals import PrimitiveArray
from PySide6.QtCore import QLineF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QTransform

from nnviz.fan_strokes import ANTIALIAS_MAX_EDGES, LEVELS, FanGeometry, drawing_order, finite_max, pen_groups
from nnviz.gui.colors import fade, map_rgb
from nnviz.gui.network_view.devices import affine


@dataclass(frozen=True)
class Batch:
    """Lines drawn with one pen: ``lines`` is ``(m, 4)`` x0, y0, x1, y1 in scene units. ``on_top``
    batches (a selection's edges) come last and are drawn whatever the level of detail."""

    color: tuple[int, int, int]
    width: float
    lines: np.ndarray
    antialias: bool
    on_top: bool = False


class EdgeSet:
    """The edges a layer item draws, weakest first: ``to`` ``(m,)`` target index, ``frm`` ``(m,)``
    source index (−1 for the bias unit), ``values`` ``(m,)`` weight or bias value, and ``lines``
    ``(m, 4)`` x0, y0, x1, y1 in scene units.

    The lines are worked out from the layer's ``geometry`` only when first asked for (a dense fan keeps
    20,000 edges for hovering and paints ~2,000 of them), unless given as ``lines``.
    """

    def __init__(self, to: np.ndarray, frm: np.ndarray, values: np.ndarray, geometry: FanGeometry | None = None,
                 lines: np.ndarray | None = None):
        if geometry is None and lines is None:
            raise ValueError("an EdgeSet needs its lines or the geometry to place them")
        self.to, self.frm, self.values, self.geometry = to, frm, values, geometry
        self._lines = lines

    @classmethod
    def empty(cls) -> EdgeSet:
        return cls(np.empty(0, int), np.empty(0, int), np.empty(0), lines=np.empty((0, 4)))

    def __len__(self):
        return len(self.values)

    @property
    def lines(self) -> np.ndarray:
        if self._lines is None:
            self._lines = self.geometry.lines(self.to, self.frm)
        return self._lines

    def lines_of(self, rows: np.ndarray) -> np.ndarray:
        """``(r, 4)`` the lines of edges ``rows`` ``(r,)``, worked out for those only if not known yet."""
        if self._lines is not None:
            return np.take(self._lines, rows, axis=0)
        return self.geometry.lines(np.take(self.to, rows), np.take(self.frm, rows))

    def taken(self, rows: np.ndarray) -> EdgeSet:
        """Edges ``rows`` ``(r,)`` of these, in that order (their lines too, if known)."""
        lines = None if self._lines is None else np.take(self._lines, rows, axis=0)
        return EdgeSet(np.take(self.to, rows), np.take(self.frm, rows), np.take(self.values, rows), self.geometry,
                       lines)

    def joined(self, other: EdgeSet) -> EdgeSet:
        """These edges, then ``other``'s (lines placed alike stay to be worked out)."""
        same_place = self.geometry is not None and self.geometry == other.geometry
        lines = None if same_place else np.concatenate([self.lines, other.lines])
        return EdgeSet(*(np.concatenate([a, b]) for a, b in ((self.to, other.to), (self.frm, other.frm),
                                                                (self.values, other.values))),
                       self.geometry if same_place else None, lines)


@dataclass(eq=False)
class Strokes:
    """Edges in drawing order with their pens: row ``rows[i]`` ``(m,)`` of ``edges`` is drawn with pen
    ``pen[i]`` ``(m,)``, an index into ``colors`` ``(p, 3)`` RGB, ``widths`` ``(p,)`` pixels and
    ``antialias`` ``(p,)``. The last ``n_top`` lines (a selection's edges) are drawn whatever the
    level of detail. ``lines`` ``(m, 4)``: x0, y0, x1, y1 in scene units, in drawing order."""

    edges: EdgeSet
    rows: np.ndarray
    pen: np.ndarray
    colors: np.ndarray
    widths: np.ndarray
    antialias: np.ndarray
    n_top: int = 0
    _tail: tuple | None = field(default=None, init=False, repr=False)  # (first, lines first:) worked out

    @classmethod
    def empty(cls) -> Strokes:
        return cls(EdgeSet.empty(), np.empty(0, int), np.empty(0, int), np.empty((0, 3), int), np.empty(0),
                   np.empty(0, bool))

    def __len__(self):
        return len(self.rows)

    @property
    def lines(self) -> np.ndarray:
        return self.lines_between(0, len(self))

    def lines_between(self, start: int, stop: int) -> np.ndarray:
        """``(stop − start, 4)`` the lines of strokes ``start:stop``. The lines from the first one asked
        for to the last are kept: a dense fan paints its strongest lines, the last ones, at every zoom."""
        if self._tail is None or start < self._tail[0]:
            self._tail = (start, self.edges.lines_of(self.rows[start:]))
        first, lines = self._tail
        return lines[start - first:stop - first]

    def then(self, other: Strokes) -> Strokes:
        """These strokes, then ``other`` on top of them (drawn whatever the level of detail)."""
        return Strokes(self.edges.joined(other.edges), np.concatenate([self.rows, other.rows + len(self.edges)]),
                       np.concatenate([self.pen, other.pen + len(self.colors)]),
                       np.concatenate([self.colors, other.colors]), np.concatenate([self.widths, other.widths]),
                       np.concatenate([self.antialias, other.antialias]), self.n_top + len(other))

    def draw_alike(self, start: int, other: Strokes, other_start: int) -> bool:
        """Whether strokes ``start:`` draw exactly what ``other``'s strokes ``other_start:`` draw: the same
        lines, in the same order, with pens that look the same (e.g. after an edit of a weight too weak
        to be painted in a dense fan)."""
        if len(self) - start != len(other) - other_start or self.n_top != other.n_top:
            return False
        if not (np.array_equal(self.pen[start:], other.pen[other_start:]) and np.array_equal(self.colors, other.colors)
                and np.array_equal(self.widths, other.widths) and np.array_equal(self.antialias, other.antialias)):
            return False
        mine, theirs = self.rows[start:], other.rows[other_start:]
        if self.edges.geometry is None or self.edges.geometry != other.edges.geometry:
            return np.array_equal(self.edges.lines_of(mine), other.edges.lines_of(theirs))
        return (np.array_equal(np.take(self.edges.to, mine), np.take(other.edges.to, theirs))
                and np.array_equal(np.take(self.edges.frm, mine), np.take(other.edges.frm, theirs)))

    def line_widths(self) -> np.ndarray:
        """``(m,)`` the pen width of each line."""
        return self.widths[self.pen]

    def batches(self, start: int = 0, stop: int | None = None) -> list[Batch]:
        """Lines ``start:stop`` as runs of one pen, in order (what one ``drawLines`` call draws)."""
        stop = len(self) if stop is None else stop
        pen = self.pen[start:stop]
        if not len(pen):
            return []
        lines = self.lines_between(start, stop)
        top_from = len(self) - self.n_top - start
        cuts = np.flatnonzero(np.diff(pen)) + 1
        if 0 < top_from < len(pen):
            cuts = np.union1d(cuts, [top_from])
        bounds = np.r_[0, cuts, len(pen)]
        return [Batch(tuple(int(c) for c in self.colors[pen[a]]), float(self.widths[pen[a]]), lines[a:b],
                      bool(self.antialias[pen[a]]), a >= top_from)
                for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist())]


def edge_strokes(edges: EdgeSet, limit: float, cmap: pg.ColorMap, background: str, scale: float = 1.0,
                 emphasis: float = 1.0, density: int | None = None, layer_max: float | None = None,
                 min_alpha: float | None = None) -> Strokes:
    """Pens and drawing order for ``edges`` (weakest first): one pen per sign and magnitude bin.

    The colour follows |w| / ``limit`` (comparable between layers); fading and thickness follow
    |w| / ``layer_max`` (the layer's largest |w|, by default that of ``edges``), so a layer of small
    weights still shows which of its edges matter. ``emphasis`` < 1 fades everything (the rest of the
    network while a node is selected); ``density``, the edge count of the layer (``len(edges)`` by
    default), decides how strongly weak edges fade and whether pens are wide and antialiased;
    ``min_alpha`` overrides how much colour the weakest edges keep (highlighted edges stay vivid).
    """
    if len(edges) == 0:
        return Strokes.empty()
    n = len(edges) if density is None else density
    top = layer_max if layer_max else finite_max(edges.values) or 1.0
    group = pen_groups(edges.values, top)
    colors, widths, antialias = pens(n, top, limit, cmap, background, scale, emphasis, min_alpha)
    order = drawing_order(group, interleave=not antialias)
    return Strokes(edges, order, np.take(group, order).astype(np.intp), colors, widths, np.full(2 * LEVELS, antialias))


def pens(n: int, top: float, limit: float, cmap: pg.ColorMap, background: str, scale: float = 1.0,
         emphasis: float = 1.0, min_alpha: float | None = None) -> tuple[np.ndarray, np.ndarray, bool]:
    """``(colours (2·LEVELS, 3), widths (2·LEVELS,), antialiased)`` of the pens of a layer of ``n`` edges whose
    pens are bins of |value| up to ``top`` (see :func:`edge_strokes`): pen 2·level + (value > 0)."""
    crowd = _crowd(n)
    antialias = n <= ANTIALIAS_MAX_EDGES
    max_width = (1.0 + 4.0 * (1.0 - crowd) ** 2) if antialias else 1.0
    floor_alpha = _floor_alpha(crowd) if min_alpha is None else min_alpha
    gamma = 1.0 + 0.6 * crowd
    centre = (np.arange(LEVELS) + 0.5) / LEVELS
    reach = 0.5 * np.clip(centre * top / limit, 0.0, 1.0)
    alpha = emphasis * (floor_alpha + (1.0 - floor_alpha) * centre ** gamma)
    colors = np.rint(fade(map_rgb(cmap, np.concatenate([0.5 - reach, 0.5 + reach])), background, np.tile(alpha, 2)))
    colors = colors.astype(int).reshape(2, LEVELS, 3).transpose(1, 0, 2).reshape(-1, 3)
    return colors, np.repeat((1.0 + (max_width - 1.0) * centre) * scale, 2), antialias


def _crowd(n: int) -> float:
    """0 for ≤ 100 edges, 1 for ≥ 20 000: weak edges fade more and pens thin as a fan gets denser."""
    return float(np.clip(math.log(max(n, 1) / 100) / math.log(200), 0.0, 1.0))


def _floor_alpha(crowd: float) -> float:
    """How much colour the weakest edges keep."""
    return 0.55 - 0.45 * crowd


def draw_batches(painter: QPainter, batches: list[Batch], transform: QTransform, offset=(0.0, 0.0),
                 ratio: float = 1.0) -> None:
    """Draw ``batches`` mapped by ``transform``, minus ``offset`` pixels, all scaled by ``ratio``.

    The lines are mapped with numpy and drawn with the painter's world transform reset, so pen
    widths are pixels on every device (screen, image, SVG); ``ratio`` > 1 draws for a HiDPI image.
    """
    m, shift = affine(transform * QTransform.fromScale(ratio, ratio), (offset[0] * ratio, offset[1] * ratio))
    painter.resetTransform()
    buffer = PrimitiveArray(QLineF, 4)
    for batch in batches:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, batch.antialias)
        pen = QPen(QColor(*batch.color), batch.width * ratio)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        buffer.resize(len(batch.lines))
        points = buffer.ndarray().reshape(-1, 2, 2)
        points[:] = batch.lines.reshape(-1, 2, 2) @ m + shift
        painter.drawLines(*buffer.drawargs())
