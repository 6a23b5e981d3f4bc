"""The edges of one weight layer, drawn as a few batches of lines (one ``drawLines`` per pen).

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
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPaintEngine, QPainter, QPen, QTransform

from nnviz.gui.colors import fade, map_rgb
from nnviz.gui.network_view.line_raster import LineRaster
from nnviz.gui.network_view.stroke_order import LEVELS, drawing_order, pen_groups
from nnviz.gui.network_view.wide_lines import draw_wide_lines

ANTIALIAS_MAX_EDGES = 2000
"""Above this many drawn edges a layer is drawn with 1 px aliased lines (AA costs ×3, wide pens ×2)."""
OVERDRAW = 3
"""A dense fan on a raster device draws only its strongest lines, enough to cover its area about this
many times over (a 784-wide fan of 20 000 lines would cover each pixel ~40 times at 1280×800). Then
single lines stay visible, in both colours, with a little background between them: the fan shows
where its strong weights are instead of a solid colour, and the lines below would cost most of the time."""
MAX_CACHE_PIXELS = 4096 * 4096
"""Largest cached picture; beyond it only the visible part is cached (deep zoom)."""


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


def _lines_per_zoom(edges: EdgeSet, low: np.ndarray, high: np.ndarray) -> float:
    """1 px lines needed per pixel-per-unit of zoom to cover the fan of ``edges`` ``OVERDRAW`` times;
    ``low`` and ``high``: the least and largest x0, y0, x1, y1 of its lines.

    The fan is the trapezoid between its two columns; covering it k times takes about
    k · area / mean line length lines, and both scale with the zoom (area ∝ zoom², length ∝ zoom).
    Lines crowd in the middle of the fan and thin out towards its top and bottom corners.
    """
    lines = edges.lines
    left, right = min(low[0], low[2]), max(high[0], high[2])
    if high[0] == left < right == low[2]:  # every line from the left column to the right one
        spans = [high[1] - low[1], high[3] - low[3]]
    else:
        xs, ys = lines[:, 0::2], lines[:, 1::2]
        spans = [np.ptp(ys[xs == side]) for side in (left, right)]
    area = (right - left) * (sum(spans) / 2 + 0.5)  # + a little: a column of one node has no span
    # An aliased 1 px line sets one pixel per step along its longer axis.
    steps = np.abs(lines[:, 2] - lines[:, 0])
    np.maximum(steps, np.abs(lines[:, 3] - lines[:, 1]), out=steps)
    return OVERDRAW * area / max(float(steps.mean()), 1e-9)


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


class EdgeLayerItem(pg.GraphicsObject):
    """All drawn edges of weight layer ``layer`` (into layer ``layer + 1``), bias edges included.

    On screen the picture is cached per zoom level, so panning and repainting the nodes on an input
    change only copy an image; the lines are drawn again only when the strokes or the zoom change.
    """

    def __init__(self, layer: int, parent=None):
        super().__init__(parent)
        self.layer = layer
        self.edges = EdgeSet.empty()
        """What is drawn and can be hovered or clicked: the base edges, then the highlighted ones."""
        self._strokes = Strokes.empty()
        self._coverage: np.ndarray | None = None  # see _start_at
        self._bounds = QRectF()
        self._cache: tuple | None = None  # (key, image, x0, y0)
        self._raster = LineRaster()  # a dense fan's picture, drawn again only from its first changed line
        self._lines_per_zoom: float | None = None

    def set_batches(self, edges: EdgeSet, strokes: Strokes, exact: bool = False) -> None:
        """Show ``strokes``; ``edges`` is kept for hit tests. ``exact`` paints every line even where
        the strongest ones already cover a dense fan (see :data:`OVERDRAW`)."""
        self.edges = edges
        self._strokes = strokes
        self._cache = None
        dense = len(edges) > ANTIALIAS_MAX_EDGES and not exact
        if len(edges.lines):
            # x0, y0, x1, y1 column by column (numpy reduces a narrow array's axis 0 ten times slower)
            low = [column.min() for column in edges.lines.T]
            high = [column.max() for column in edges.lines.T]
            bounds = QRectF(QPointF(min(low[0], low[2]), min(low[1], low[3])),
                            QPointF(max(high[0], high[2]), max(high[1], high[3])))
        else:
            bounds = QRectF()
        self._lines_per_zoom = _lines_per_zoom(edges, low, high) if dense else None
        n_base = len(strokes) - strokes.n_top
        # Pixel-wide lines from the strongest (last) base line back: what a budget buys.
        self._coverage = np.cumsum(strokes.line_widths()[:n_base][::-1]) if dense else None
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = bounds
        self.update()

    @property
    def _batches(self) -> list[Batch]:
        """Every stroke as runs of one pen (the exact picture)."""
        return self._strokes.batches()

    def boundingRect(self) -> QRectF:
        # Lines are pixels wide whatever the zoom; a small margin in units covers their width at any
        # zoom where the column gap is visible at all.
        return self._bounds.adjusted(-0.1, -0.1, 0.1, 0.1)

    def _start_at(self, pixels_per_unit: float) -> int:
        """The first stroke worth drawing in pixels at this zoom: for a dense fan, from the strongest
        lines that cover it ``OVERDRAW`` times (see :data:`OVERDRAW`), and the on-top ones."""
        if self._coverage is None:
            return 0
        budget = self._lines_per_zoom * pixels_per_unit  # in 1 px wide lines: wider ones cover more
        n_base = len(self._coverage)
        return n_base - min(int(np.searchsorted(self._coverage, budget)) + 1, n_base)

    def _batches_at(self, pixels_per_unit: float) -> list[Batch]:
        """The batches worth drawing in pixels at this zoom (see :meth:`_start_at`)."""
        return self._strokes.batches(self._start_at(pixels_per_unit))

    def paint(self, painter: QPainter, option=None, widget=None) -> None:
        transform = painter.worldTransform()
        engine = painter.paintEngine()
        raster = engine is not None and engine.type() == QPaintEngine.Type.Raster
        if widget is None or not raster:
            # Vector output (SVG) keeps every line: it may be zoomed into later.
            start = self._start_at(math.sqrt(abs(transform.determinant()))) if raster else 0
            painter.save()
            try:
                draw_batches(painter, self._strokes.batches(start), transform)
            finally:
                painter.restore()
            return
        image, x0, y0 = self._cached_image(painter, transform)
        if image is not None:
            painter.save()
            painter.resetTransform()
            painter.drawImage(QPointF(x0 + transform.dx(), y0 + transform.dy()), image)
            painter.restore()

    def _cached_image(self, painter: QPainter, transform):
        """The picture for this zoom, drawn again only when the strokes or the zoom changed."""
        device = painter.device()
        ratio = device.devicePixelRatioF()
        linear = (transform.m11(), transform.m12(), transform.m21(), transform.m22(), ratio)
        area = transform.mapRect(self.boundingRect()).adjusted(-8, -8, 8, 8)
        if area.width() * area.height() * ratio * ratio > MAX_CACHE_PIXELS:
            # Zoomed far in: cache only what is on the device, for this exact pan position.
            area = area.intersected(QRectF(0, 0, device.width(), device.height()))
            key = (*linear, transform.dx(), transform.dy())
        else:
            key = linear
        if self._cache is None or self._cache[0] != key:
            area.translate(-transform.dx(), -transform.dy())
            x0, y0 = math.floor(area.left()), math.floor(area.top())
            width, height = math.ceil(area.width() * ratio) + 2, math.ceil(area.height() * ratio) + 2
            if width <= 2 or height <= 2:
                self._cache = (key, None, 0, 0)
                return self._cache[1:]
            offset = (x0 + transform.dx(), y0 + transform.dy())
            image = self._draw_image(transform, offset, ratio, width, height)
            image.setDevicePixelRatio(ratio)
            self._cache = (key, image, x0, y0)
        return self._cache[1:]

    def _draw_image(self, transform: QTransform, offset, ratio: float, width: int, height: int) -> QImage:
        """The strokes worth drawing at this zoom in a new ``width`` × ``height`` image."""
        strokes = self._strokes
        start = self._start_at(math.sqrt(abs(transform.determinant())))
        n_base = len(strokes) - strokes.n_top
        pens = np.unique(strokes.pen[start:n_base])
        fast = (ratio == 1.0 and len(pens) and not strokes.antialias[pens].any()
                and (strokes.widths[pens] == 1.0).all())
        if fast:  # a dense fan of 1 px aliased lines: drawn without Qt (see line_raster)
            points = _device_points(strokes.lines[start:n_base], transform, offset)
            image = self._raster.draw(points, strokes.pen[start:n_base], strokes.colors, width, height)
            start = n_base
        else:
            image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(0)
        if start < len(strokes):
            cache_painter = QPainter(image)
            try:
                _draw_runs(cache_painter, strokes, start, transform, offset, ratio)
            finally:
                cache_painter.end()
        return image


def _draw_runs(painter: QPainter, strokes: Strokes, start: int, transform: QTransform, offset, ratio: float) -> None:
    """Strokes ``start:`` in order into an image, as :func:`draw_batches` draws them: runs of antialiased
    pens as strips (see :mod:`~nnviz.gui.network_view.wide_lines`), the rest as Qt lines."""
    device = transform * QTransform.fromScale(ratio, ratio)
    # Qt draws pens up to 1 px with a thinner stroker of its own: those stay Qt lines.
    smooth = (strokes.antialias & (strokes.widths * ratio > 1.0))[strokes.pen[start:]]
    # Runs also part where the on-top strokes begin: their pens (a halo) are often much wider.
    cuts = np.union1d(np.flatnonzero(np.diff(smooth)) + 1, [max(len(strokes) - strokes.n_top - start, 0)])
    cuts = cuts[(cuts > 0) & (cuts < len(smooth))]
    for a, b in zip((start + np.r_[0, cuts]).tolist(), (start + np.r_[cuts, len(smooth)]).tolist()):
        run = Strokes(strokes.lines[a:b], strokes.pen[a:b], strokes.colors, strokes.widths, strokes.antialias)
        if smooth[a - start]:
            points = _device_points(run.lines, device, (offset[0] * ratio, offset[1] * ratio))
            draw_wide_lines(painter, points, run.pen, run.colors, run.widths * ratio)
        else:
            draw_batches(painter, run.batches(), transform, offset, ratio)


def _device_points(lines: np.ndarray, transform: QTransform, offset) -> np.ndarray:
    """``lines`` ``(m, 4)`` in scene units mapped by ``transform``, minus ``offset`` pixels."""
    m = np.array([[transform.m11(), transform.m12()], [transform.m21(), transform.m22()]])
    shift = np.array([transform.dx() - offset[0], transform.dy() - offset[1]])
    return (lines.reshape(-1, 2, 2) @ m + shift).reshape(-1, 4)
