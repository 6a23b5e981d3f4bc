"""The edges of one weight layer as strokes (pens and drawing order), drawn as a few batches of lines
(one ``drawLines`` per pen); the item that shows them is in ``edge_layer.py``.

Edges are sorted weakest first and binned by signed magnitude, so strong edges land on top of weak
ones and a dense fan shows where the strong weights are instead of whichever colour came last.
Dense layers fade weak edges towards the background; small ones also grow thicker with |w| and are
antialiased (both cost too much for tens of thousands of lines).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt.internals import PrimitiveArray
from PySide6.QtCore import QLineF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QTransform

from nnviz.gui.colors import fade, map_rgb
from nnviz.gui.network_view.stroke_order import LEVELS, drawing_order, pen_groups

ANTIALIAS_MAX_EDGES = 2000
"""Above this many drawn edges a layer is drawn with 1 px aliased lines (AA costs ×3, wide pens ×2)."""


@dataclass(frozen=True)
class Batch:
    """Lines drawn with one pen: ``lines`` is ``(m, 4)`` x0, y0, x1, y1 in scene units. ``on_top``
    batches (a selection's edges) come last and are drawn whatever the level of detail."""

    color: tuple[int, int, int]
    width: float
    lines: np.ndarray
    antialias: bool
    on_top: bool = False


@dataclass(frozen=True)
class EdgeSet:
    """The edges a layer item draws, weakest first: ``(m, 4)`` lines, ``(m,)`` target index,
    ``(m,)`` source index (−1 for the bias unit) and ``(m,)`` weight or bias value."""

    lines: np.ndarray
    to: np.ndarray
    frm: np.ndarray
    values: np.ndarray

    @classmethod
    def empty(cls) -> EdgeSet:
        return cls(np.empty((0, 4)), np.empty(0, int), np.empty(0, int), np.empty(0))

    def __len__(self):
        return len(self.values)


@dataclass(frozen=True)
class Strokes:
    """Lines in drawing order with their pens: ``lines`` ``(m, 4)`` x0, y0, x1, y1 in scene units,
    ``pen`` ``(m,)`` an index into ``colors`` ``(p, 3)`` RGB, ``widths`` ``(p,)`` pixels and
    ``antialias`` ``(p,)``. The last ``n_top`` lines (a selection's edges) are drawn whatever the
    level of detail."""

    lines: np.ndarray
    pen: np.ndarray
    colors: np.ndarray
    widths: np.ndarray
    antialias: np.ndarray
    n_top: int = 0

    @classmethod
    def empty(cls) -> Strokes:
        return cls(np.empty((0, 4)), np.empty(0, int), np.empty((0, 3), int), np.empty(0), np.empty(0, bool))

    def __len__(self):
        return len(self.lines)

    def then(self, other: Strokes) -> Strokes:
        """These strokes, then ``other`` on top of them (drawn whatever the level of detail)."""
        return Strokes(np.concatenate([self.lines, other.lines]),
                       np.concatenate([self.pen, other.pen + len(self.colors)]),
                       np.concatenate([self.colors, other.colors]), np.concatenate([self.widths, other.widths]),
                       np.concatenate([self.antialias, other.antialias]), self.n_top + len(other))

    def line_widths(self) -> np.ndarray:
        """``(m,)`` the pen width of each line."""
        return self.widths[self.pen]

    def batches(self, start: int = 0) -> list[Batch]:
        """Lines ``start:`` as runs of one pen, in order (what one ``drawLines`` call draws)."""
        pen = self.pen[start:]
        if not len(pen):
            return []
        top_from = len(self) - self.n_top - start
        cuts = np.flatnonzero(np.diff(pen)) + 1
        if 0 < top_from < len(pen):
            cuts = np.union1d(cuts, [top_from])
        bounds = np.r_[0, cuts, len(pen)]
        return [Batch(tuple(int(c) for c in self.colors[pen[a]]), float(self.widths[pen[a]]),
                      self.lines[start + a:start + b], bool(self.antialias[pen[a]]), a >= top_from)
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
    crowd = _crowd(n)
    antialias = n <= ANTIALIAS_MAX_EDGES
    max_width = (1.0 + 4.0 * (1.0 - crowd) ** 2) if antialias else 1.0
    floor_alpha = _floor_alpha(crowd) if min_alpha is None else min_alpha
    gamma = 1.0 + 0.6 * crowd
    centre = (np.arange(LEVELS) + 0.5) / LEVELS
    reach = 0.5 * np.clip(centre * top / limit, 0.0, 1.0)
    alpha = emphasis * (floor_alpha + (1.0 - floor_alpha) * centre ** gamma)
    colors = np.rint(fade(map_rgb(cmap, np.concatenate([0.5 - reach, 0.5 + reach])), background, np.tile(alpha, 2)))
    pen_colors = colors.astype(int).reshape(2, LEVELS, 3).transpose(1, 0, 2).reshape(-1, 3)  # pen 2·level + positive
    pen_widths = np.repeat((1.0 + (max_width - 1.0) * centre) * scale, 2)
    order = drawing_order(group, interleave=not antialias)
    return Strokes(np.take(edges.lines, order, axis=0), np.take(group, order).astype(np.intp), pen_colors,
                   pen_widths, np.full(2 * LEVELS, antialias))


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
    transform = transform * QTransform.fromScale(ratio, ratio)
    offset = (offset[0] * ratio, offset[1] * ratio)
    painter.resetTransform()
    m = np.array([[transform.m11(), transform.m12()], [transform.m21(), transform.m22()]])
    shift = np.array([transform.dx() - offset[0], transform.dy() - offset[1]])
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
