"""One weight layer's edges on screen: :class:`EdgeLayerItem`, a picture cached per zoom level.

A dense fan paints only its strongest lines (:data:`OVERDRAW`), drawn as pen numbers without Qt, in the
raster worker's process when it is ready (``raster_worker.py``); the rest, and every line on a vector
device, is drawn with Qt (``draw_batches``, ``wide_lines.py``).
"""

from __future__ import annotations

import itertools
import math
import weakref

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QImage, QPaintEngine, QPainter, QTransform

from nnviz.gui.network_view.devices import logical_size
from nnviz.gui.network_view.edges import ANTIALIAS_MAX_EDGES, Batch, EdgeSet, Strokes, draw_batches
from nnviz.gui.network_view.line_raster import LineRaster, pen_ink
from nnviz.gui.network_view.raster_worker import shared_worker
from nnviz.gui.network_view.wide_lines import draw_wide_lines
from nnviz.pen_canvas import visible_parts

OVERDRAW = 3
"""A dense fan on a raster device draws only its strongest lines, enough to cover its area about this
many times over (a 784-wide fan of 20 000 lines would cover each pixel ~40 times at 1280×800). Then
single lines stay visible, in both colours, with a little background between them: the fan shows
where its strong weights are instead of a solid colour, and the lines below would cost most of the time."""
WINDOWED_VIEWS = 1.0
"""Zoomed in so far that a fan's whole picture would be this many times the view's area, its picture is only
what is on screen and a margin around it (see :meth:`EdgeLayerItem._plan`): a training step then draws about
what is seen, not a whole fan blown up off screen (at 5× that took ~280 ms at 784-128-64-10)."""
WINDOW_MARGIN = 0.25
"""Of the view's width and height, drawn beyond each side of the screen when a pan needs a new window: a
drag then draws the fan again only every quarter of the view, and copies the picture in between."""
_FAN_NUMBERS = itertools.count()
"""Names of edge layers' pictures in the raster worker."""


def _lines_per_zoom(edges: EdgeSet) -> float:
    """1 px lines needed per pixel-per-unit of zoom to cover the fan of ``edges`` ``OVERDRAW`` times,
    measured between their nodes' centres (the lines' ends move a little inside the nodes).

    The fan is the trapezoid between its two columns; covering it k times takes about
    k · area / mean line length lines, and both scale with the zoom (area ∝ zoom², length ∝ zoom).
    Lines crowd in the middle of the fan and thin out towards its top and bottom corners.
    """
    lines = edges.place.centres(edges.to, edges.frm)
    gap = lines[0, 2] - lines[0, 0]  # every line goes from one column to the next
    spans = [np.ptp(lines[:, 1]), np.ptp(lines[:, 3])]
    area = gap * (sum(spans) / 2 + 0.5)  # + a little: a column of one node has no span
    # An aliased 1 px line sets one pixel per step along its longer axis.
    steps = np.abs(lines[:, 3] - lines[:, 1])
    np.maximum(steps, gap, out=steps)
    return OVERDRAW * area / max(float(steps.mean()), 1e-9)


def _pixels_per_unit(transform: QTransform) -> float:
    """How many pixels a scene unit spans under ``transform`` (the zoom a dense fan's budget follows)."""
    return math.sqrt(abs(transform.determinant()))


def _extent(edges: EdgeSet) -> QRectF:
    """Where the lines of ``edges`` lie: anywhere their layer's lines can (not worked out for this)."""
    if not len(edges):
        return QRectF()
    if edges.place is not None:
        x0, y0, x1, y1 = edges.place.bounds
    else:
        xs, ys = edges.lines[:, 0::2], edges.lines[:, 1::2]
        x0, y0, x1, y1 = xs.min(), ys.min(), xs.max(), ys.max()
    return QRectF(QPointF(x0, y0), QPointF(x1, y1))


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
        self._cache: tuple | None = None  # (key, image, x0, y0, pixels per unit it was drawn at)
        self._raster = LineRaster()  # a dense fan's picture, drawn again only from its first changed line
        self._fan = next(_FAN_NUMBERS)  # this item's pictures in the raster worker
        # (key, size, ticket, strokes drawn after, pixels per unit): a picture asked of the worker
        self._asked: tuple | None = None
        weakref.finalize(self, shared_worker().drop, self._fan).atexit = False  # the process ends anyway
        self._lines_per_zoom: float | None = None

    def set_batches(self, edges: EdgeSet, strokes: Strokes, exact: bool = False) -> None:
        """Show ``strokes``; ``edges`` is kept for hit tests. ``exact`` paints every line even where
        the strongest ones already cover a dense fan (see :data:`OVERDRAW`)."""
        cached, drawn = self._cache, self._strokes
        drawn_from = None if cached is None else self._start_at(cached[4])
        self.edges = edges
        self._strokes = strokes
        self._cache = None
        if self._asked is not None:
            shared_worker().forget(self._asked[2])
            self._asked = None
        dense = len(edges) > ANTIALIAS_MAX_EDGES and not exact
        bounds = _extent(edges)
        self._lines_per_zoom = _lines_per_zoom(edges) if dense else None
        n_base = len(strokes) - strokes.n_top
        # Pixel-wide lines from the strongest (last) base line back: what a budget buys.
        self._coverage = np.cumsum(strokes.line_widths()[:n_base][::-1]) if dense else None
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = bounds
        elif cached is not None and strokes.draw_alike(self._start_at(cached[4]), drawn, drawn_from):
            self._cache = cached  # e.g. an edit of a weight too weak to be painted: the picture stays
            return
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
            start = self._start_at(_pixels_per_unit(transform)) if raster else 0
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

    def prepare(self, view, draw: bool) -> None:
        """Start the picture ``view`` will paint, before it paints: a dense fan's is asked of the raster
        worker (drawn meanwhile in another process); with ``draw``, any other is drawn now."""
        viewport = view.viewport()
        ratio = viewport.devicePixelRatioF()
        transform = self.deviceTransform(view.viewportTransform())
        plan = self._plan(transform, ratio, *logical_size(viewport))
        if plan is None or (self._cache is not None and self._cache[0] == plan[0]):
            return
        key, x0, y0, width, height, offset = plan
        if self._asked is not None:
            if self._asked[:2] == (key, (width, height)):
                return
            shared_worker().forget(self._asked[2])
            self._asked = None
        fan = self._fan_lines(transform, offset, ratio, width, height)
        if fan is not None and (ticket := shared_worker().submit(self._fan, *fan[1:], width, height)) is not None:
            self._asked = (key, (width, height), ticket, fan[0], _pixels_per_unit(transform))
        elif draw:
            self._cache = (key, self._draw_image(transform, offset, ratio, width, height), x0, y0,
                           _pixels_per_unit(transform))

    def _cached_image(self, painter: QPainter, transform):
        """The picture for this zoom, drawn again only when the strokes or the zoom changed."""
        device = painter.device()
        plan = self._plan(transform, device.devicePixelRatioF(), *logical_size(device))
        if plan is None:
            return None, 0, 0
        key, x0, y0, width, height, offset = plan
        if self._cache is None or self._cache[0] != key:
            image = None
            if self._asked is not None and self._asked[:2] == (key, (width, height)):  # asked beforehand
                _, _, ticket, start, drawn_at = self._asked
                self._asked = None
                pens = shared_worker().collect(ticket)
                if pens is not None:
                    image = self._finish(self._raster.coloured(pens, self._strokes.colors, width, height),
                                         start, transform, offset, 1.0)
            if image is None:
                image = self._draw_image(transform, offset, device.devicePixelRatioF(), width, height)
                drawn_at = _pixels_per_unit(transform)
            self._cache = (key, image, x0, y0, drawn_at)
        return self._cache[1:4]

    def _plan(self, transform: QTransform, ratio: float, device_width: float, device_height: float) -> tuple | None:
        """``(key, x0, y0, width, height, offset)`` of the picture for a device of ``device_width`` ×
        ``device_height`` logical px (``ratio`` device pixels a pixel) mapped by ``transform``; ``None`` if
        too small to see.

        Zoomed in, when the whole fan would be a picture of more than :data:`WINDOWED_VIEWS` devices, the
        picture is only the part on the device (a window), with :data:`WINDOW_MARGIN` around it when the view
        was panned: the window already drawn or asked for is kept while the device stays inside it.
        """
        # To 10 digits: a pan moves the view range by floats and changes the scale in its last bits.
        linear = tuple(float(f"{value:.10g}") for value in (transform.m11(), transform.m12(), transform.m21(),
                                                              transform.m22(), ratio))
        dx, dy = transform.dx(), transform.dy()
        # In pixels from where the item's origin is mapped: the same place whatever the pan.
        area = transform.mapRect(self.boundingRect()).adjusted(-8, -8, 8, 8).translated(-dx, -dy)
        key = linear
        if area.width() * area.height() > WINDOWED_VIEWS * device_width * device_height:
            seen = area.intersected(QRectF(-dx, -dy, device_width, device_height))
            if seen.isEmpty():
                return None
            for earlier in (self._cache, self._asked):
                if earlier is not None and earlier[0][:5] == linear and len(earlier[0]) == 9:
                    window = QRectF(QPointF(*earlier[0][5:7]), QPointF(*earlier[0][7:]))
                    # A hair of slack: a pan moves the fan's own edge (and so the window's) by float noise.
                    if window.adjusted(-1e-6, -1e-6, 1e-6, 1e-6).contains(seen):
                        key = earlier[0]
                        break
            else:
                # A margin only when the same strokes are panned (more pans follow a pan); new strokes (a training
                # step) and a new zoom draw just what is seen.
                panned = self._cache is not None and self._cache[0][:5] == linear
                margin = WINDOW_MARGIN if panned else 0.0
                margin_x, margin_y = margin * device_width, margin * device_height
                window = seen.adjusted(-margin_x, -margin_y, margin_x, margin_y).intersected(area)
                key = (*linear, window.left(), window.top(), window.right(), window.bottom())
            area = window
        x0, y0 = math.floor(area.left()), math.floor(area.top())
        width, height = math.ceil(area.width() * ratio) + 2, math.ceil(area.height() * ratio) + 2
        if width <= 2 or height <= 2:
            return None
        return key, x0, y0, width, height, (x0 + dx, y0 + dy)

    def _fan_lines(self, transform: QTransform, offset, ratio: float, width: int, height: int) -> tuple | None:
        """``(strokes drawn after, points (m, 4) in pixels, ink (m,))`` of the 1 px aliased lines of a
        dense fan worth drawing at this zoom in a ``width`` × ``height`` picture (their visible parts),
        drawn without Qt (see :mod:`nnviz.pen_canvas`); ``None`` if the picture has other lines."""
        strokes = self._strokes
        start = self._start_at(_pixels_per_unit(transform))
        n_base = len(strokes) - strokes.n_top
        pens = np.unique(strokes.pen[start:n_base])
        if ratio != 1.0 or not len(pens) or strokes.antialias[pens].any() or (strokes.widths[pens] != 1.0).any():
            return None
        points, kept = visible_parts(_device_points(strokes.lines_between(start, n_base), transform, offset), width,
                                     height)
        return n_base, points, pen_ink(strokes.pen[start:n_base][kept], strokes.colors)

    def _draw_image(self, transform: QTransform, offset, ratio: float, width: int, height: int) -> QImage:
        """The strokes worth drawing at this zoom in a new ``width`` × ``height`` image."""
        fan = self._fan_lines(transform, offset, ratio, width, height)
        if fan is not None:
            shared_worker().is_ready()  # started by the first dense fan, for the next pictures
            start, points, ink = fan
            image = self._raster.coloured(self._raster.pens(points, ink, width, height), self._strokes.colors,
                                          width, height)
        else:
            start = self._start_at(_pixels_per_unit(transform))
            image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(0)
        image = self._finish(image, start, transform, offset, ratio)
        image.setDevicePixelRatio(ratio)
        return image

    def _finish(self, image: QImage, start: int, transform: QTransform, offset, ratio: float) -> QImage:
        """``image`` with strokes ``start:`` drawn on it (the on-top ones, or all but a dense fan's)."""
        if start < len(self._strokes):
            painter = QPainter(image)
            try:
                _draw_runs(painter, self._strokes, start, transform, offset, ratio)
            finally:
                painter.end()
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
        if smooth[a - start]:
            points = _device_points(strokes.lines_between(a, b), device, (offset[0] * ratio, offset[1] * ratio))
            draw_wide_lines(painter, points, strokes.pen[a:b], strokes.colors, strokes.widths * ratio)
        else:
            draw_batches(painter, strokes.batches(a, b), transform, offset, ratio)


def _device_points(lines: np.ndarray, transform: QTransform, offset) -> np.ndarray:
    """``lines`` ``(m, 4)`` in scene units mapped by ``transform``, minus ``offset`` pixels."""
    m = np.array([[transform.m11(), transform.m12()], [transform.m21(), transform.m22()]])
    shift = np.array([transform.dx() - offset[0], transform.dy() - offset[1]])
    return (lines.reshape(-1, 2, 2) @ m + shift).reshape(-1, 4)
