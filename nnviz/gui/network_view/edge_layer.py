"""One weight layer's edges on screen: :class:`EdgeLayerItem`, a picture cached per zoom level.

A dense fan paints only its strongest lines (:data:`~nnviz.fan_strokes.OVERDRAW`), drawn as pen numbers without
Qt, in the raster worker's process when it is ready (``raster_worker.py``); the rest, and every line on a vector
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

from nnviz.fan_strokes import ANTIALIAS_MAX_EDGES, coverage, device_points, first_painted, floor_of, lines_per_zoom
from nnviz.gui.network_view.devices import affine, logical_size, pixels_per_unit
from nnviz.gui.network_view.edge_updates import DelegatedFan
from nnviz.gui.network_view.edges import Batch, EdgeSet, Strokes, draw_batches
from nnviz.gui.network_view.line_raster import LineRaster
from nnviz.gui.network_view.raster_worker import shared_worker
from nnviz.gui.network_view.wide_lines import draw_wide_lines
from nnviz.pen_canvas import pen_ink, visible_parts

WINDOWED_VIEWS = 1.0
"""Zoomed in so far that a fan's whole picture would be this many times the view's area, its picture is only
what is on screen and a margin around it (see :meth:`EdgeLayerItem._plan`): a training step then draws about
what is seen, not a whole fan blown up off screen (at 5× that took ~280 ms at 784-128-64-10)."""
WINDOWED_SEEN = 0.6
"""A fan less than this share of whose whole picture is on screen gets a window too (see :data:`WINDOWED_VIEWS`):
zoomed in 1.5–2×, most fans are half off screen, and drawing those halves took half the time of a step."""
WINDOW_MARGIN = 0.25
"""Of the view's width and height, drawn beyond each side of the screen when a pan needs a new window: a
drag then draws the fan again only every quarter of the view, and copies the picture in between."""
MAX_QUEUED = 2
"""Pictures waiting in the raster worker from which a dense fan's lines are drawn here instead: the worker
draws one after another, and the picture would wait for it while this process has time."""
_FAN_NUMBERS = itertools.count()
"""Names of edge layers' pictures in the raster worker."""


def _measured(edges: EdgeSet, strokes: Strokes, exact: bool) -> tuple:
    """``(edges, strokes, lines per zoom, coverage)``: what a layer shows, and for a dense fan (unless
    ``exact``) what :meth:`EdgeLayerItem._start_at` needs."""
    if len(edges) <= ANTIALIAS_MAX_EDGES or exact:
        return edges, strokes, None, None
    return (edges, strokes, lines_per_zoom(edges.geometry.centres(edges.to, edges.frm)),
            coverage(strokes.line_widths()[:len(strokes) - strokes.n_top]))


def _extent(edges: EdgeSet) -> QRectF:
    """Where the lines of ``edges`` lie: anywhere their layer's lines can (not worked out for this)."""
    if not len(edges):
        return QRectF()
    if edges.geometry is not None:
        return _rect(edges.geometry.bounds)
    xs, ys = edges.lines[:, 0::2], edges.lines[:, 1::2]
    return _rect((xs.min(), ys.min(), xs.max(), ys.max()))


def _rect(bounds) -> QRectF:
    """The rectangle of ``bounds`` (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = bounds
    return QRectF(QPointF(x0, y0), QPointF(x1, y1))


class EdgeLayerItem(pg.GraphicsObject):
    """All drawn edges of weight layer ``layer`` (into layer ``layer + 1``), bias edges included.

    On screen the picture is cached per zoom level, so panning and repainting the nodes on an input
    change only copy an image; the lines are drawn again only when the strokes or the zoom change.
    """

    def __init__(self, layer: int, parent=None):
        super().__init__(parent)
        self.layer = layer
        # (edges, strokes, lines per zoom, coverage) shown, or None while a delegated fan's are not worked out
        self._shown: tuple | None = (EdgeSet.empty(), Strokes.empty(), None, None)
        self._delegated: DelegatedFan | None = None  # a dense fan whose picture the raster worker works out
        self._bounds = QRectF()
        self._cache: tuple | None = None  # (key, image, x0, y0, pixels per unit it was drawn at)
        self._raster = LineRaster()  # a dense fan's picture, drawn again only from its first changed line
        self._fan = next(_FAN_NUMBERS)  # this item's pictures in the raster worker
        # (key, size, ticket, strokes drawn after or None for a delegated fan, pixels per unit): a picture asked
        # of the worker
        self._asked: tuple | None = None
        weakref.finalize(self, shared_worker().drop, self._fan).atexit = False  # the process ends anyway

    @property
    def edges(self) -> EdgeSet:
        """What is drawn and can be hovered or clicked: the base edges, then the highlighted ones."""
        return self._resolved()[0]

    @property
    def _strokes(self) -> Strokes:
        return self._resolved()[1]

    @property
    def _lines_per_zoom(self) -> float | None:
        """1 px lines a dense fan paints per pixel per unit of zoom (see :func:`~nnviz.fan_strokes.lines_per_zoom`)."""
        return self._resolved()[2]

    @property
    def _coverage(self) -> np.ndarray | None:
        """A dense fan's :func:`~nnviz.fan_strokes.coverage` (see :meth:`_start_at`)."""
        return self._resolved()[3]

    @property
    def delegated(self) -> DelegatedFan | None:
        """The dense fan shown, if its picture is worked out by the raster worker."""
        return self._delegated

    def _resolved(self) -> tuple:
        if self._shown is None:  # a delegated fan's edges and strokes, worked out here now
            fan = self._delegated
            self._shown = _measured(*fan.resolve(), exact=False)
            if fan.floor is None:  # as the worker tells it (see DelegatedFan.shows)
                edges = self._shown[0]
                fan.floor = floor_of(edges.values[edges.frm >= 0])
        return self._shown

    def set_batches(self, edges: EdgeSet, strokes: Strokes, exact: bool = False) -> None:
        """Show ``strokes``; ``edges`` is kept for hit tests. ``exact`` paints every line even where
        the strongest ones already cover a dense fan (see :data:`~nnviz.fan_strokes.OVERDRAW`)."""
        cached, drawn = self._cache, self._shown
        drawn_from = None if cached is None or drawn is None else self._start_at(cached[4])
        self._shown, self._delegated = _measured(edges, strokes, exact), None
        self._forget_picture()
        if not self._set_bounds(_extent(edges)) and drawn_from is not None and strokes.draw_alike(
                self._start_at(cached[4]), drawn[1], drawn_from):
            self._cache = cached  # e.g. an edit of a weight too weak to be painted: the picture stays
            return
        self.update()

    def set_delegated(self, fan: DelegatedFan) -> None:
        """Show ``fan``, a dense fan whose picture the raster worker works out from its weights."""
        self._shown, self._delegated = None, fan
        self._forget_picture()
        self._set_bounds(_rect(fan.geometry.bounds))
        self.update()

    def _forget_picture(self) -> None:
        self._cache = None
        if self._asked is not None:
            shared_worker().forget(self._asked[2])
            self._asked = None

    def _set_bounds(self, bounds: QRectF) -> bool:
        """Take ``bounds``; whether they changed."""
        if bounds == self._bounds:
            return False
        self.prepareGeometryChange()
        self._bounds = bounds
        return True

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
        lines that cover it ``OVERDRAW`` times (see :data:`~nnviz.fan_strokes.OVERDRAW`), and the on-top ones."""
        if self._coverage is None:
            return 0
        return first_painted(self._coverage, self._lines_per_zoom * pixels_per_unit)  # in 1 px wide lines

    def _batches_at(self, pixels_per_unit: float) -> list[Batch]:
        """The batches worth drawing in pixels at this zoom (see :meth:`_start_at`)."""
        return self._strokes.batches(self._start_at(pixels_per_unit))

    def paint(self, painter: QPainter, option=None, widget=None) -> None:
        transform = painter.worldTransform()
        engine = painter.paintEngine()
        raster = engine is not None and engine.type() == QPaintEngine.Type.Raster
        if widget is None or not raster:
            # Vector output (SVG) keeps every line: it may be zoomed into later.
            start = self._start_at(pixels_per_unit(transform)) if raster else 0
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
        ticket = self._submit_delegated(transform, offset, ratio, width, height)
        if ticket is not None:
            self._asked = (key, (width, height), ticket, None, pixels_per_unit(transform))
            return
        worker = shared_worker()  # lines worked out only for a worker that can take them now
        fan = (self._fan_lines(transform, offset, ratio, width, height)
               if worker.is_ready() and worker.queued() < MAX_QUEUED else None)
        if fan is not None and (ticket := worker.submit(self._fan, *fan[1:], width, height)) is not None:
            self._asked = (key, (width, height), ticket, fan[0], pixels_per_unit(transform))
        elif draw:
            self._cache = (key, self._draw_image(transform, offset, ratio, width, height), x0, y0,
                           pixels_per_unit(transform))

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
                if start is None:  # a delegated fan's: nothing on top of it
                    answer = shared_worker().collect_fan(ticket)
                    if answer is not None and self._delegated is not None:
                        top, self._delegated.floor = answer[1]
                        image = self._raster.coloured(answer[0], self._delegated.colors(top), width, height)
                else:
                    pens = shared_worker().collect(ticket)
                    if pens is not None:
                        image = self._finish(self._raster.coloured(pens, self._strokes.colors, width, height),
                                             start, transform, offset, 1.0)
            if image is None:
                image = self._draw_image(transform, offset, device.devicePixelRatioF(), width, height)
                drawn_at = pixels_per_unit(transform)
            self._cache = (key, image, x0, y0, drawn_at)
        return self._cache[1:4]

    def _plan(self, transform: QTransform, ratio: float, device_width: float, device_height: float) -> tuple | None:
        """``(key, x0, y0, width, height, offset)`` of the picture for a device of ``device_width`` ×
        ``device_height`` logical px (``ratio`` device pixels a pixel) mapped by ``transform``; ``None`` if
        too small to see.

        Zoomed in, when the whole fan would be a picture of more than :data:`WINDOWED_VIEWS` devices, or less
        than :data:`WINDOWED_SEEN` of it would be on the device, the picture is only the part on the device (a
        window), with :data:`WINDOW_MARGIN` around it when the view was panned: the window already drawn or
        asked for is kept while the device stays inside it.
        """
        # To 10 digits: a pan moves the view range by floats and changes the scale in its last bits.
        linear = tuple(float(f"{value:.10g}") for value in (transform.m11(), transform.m12(), transform.m21(),
                                                              transform.m22(), ratio))
        dx, dy = transform.dx(), transform.dy()
        # In pixels from where the item's origin is mapped: the same place whatever the pan.
        area = transform.mapRect(self.boundingRect()).adjusted(-8, -8, 8, 8).translated(-dx, -dy)
        key = linear
        seen = area.intersected(QRectF(-dx, -dy, device_width, device_height))
        whole = area.width() * area.height()
        if (whole > WINDOWED_VIEWS * device_width * device_height
                or seen.width() * seen.height() < WINDOWED_SEEN * whole):
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

    def _submit_delegated(self, transform: QTransform, offset, ratio: float, width: int, height: int) -> int | None:
        """Ask the raster worker for a delegated fan's picture, not worked out here (a ticket), if it can draw it."""
        fan = self._delegated
        if fan is None or self._shown is not None or ratio != 1.0:
            return None
        return shared_worker().submit_fan(self._fan, fan.weights, fan.biases, fan.geometry, fan.k,
                                          pixels_per_unit(transform), *affine(transform, offset), width, height)

    def _fan_lines(self, transform: QTransform, offset, ratio: float, width: int, height: int) -> tuple | None:
        """``(strokes drawn after, points (m, 4) in pixels, ink (m,))`` of the 1 px aliased lines of a
        dense fan worth drawing at this zoom in a ``width`` × ``height`` picture (their visible parts),
        drawn without Qt (see :mod:`nnviz.pen_canvas`); ``None`` if the picture has other lines."""
        strokes = self._strokes
        start = self._start_at(pixels_per_unit(transform))
        n_base = len(strokes) - strokes.n_top
        pens = np.unique(strokes.pen[start:n_base])
        if ratio != 1.0 or not len(pens) or strokes.antialias[pens].any() or (strokes.widths[pens] != 1.0).any():
            return None
        points, kept = visible_parts(_device_points(strokes.lines_between(start, n_base), transform, offset), width,
                                     height)
        return n_base, points, pen_ink(strokes.pen[start:n_base][kept], len(strokes.colors))

    def _draw_image(self, transform: QTransform, offset, ratio: float, width: int, height: int) -> QImage:
        """The strokes worth drawing at this zoom in a new ``width`` × ``height`` image."""
        fan = self._fan_lines(transform, offset, ratio, width, height)
        if fan is not None:
            shared_worker().is_ready()  # started by the first dense fan, for the next pictures
            start, points, ink = fan
            image = self._raster.coloured(self._raster.pens(points, ink, width, height), self._strokes.colors,
                                          width, height)
        else:
            start = self._start_at(pixels_per_unit(transform))
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
    return device_points(lines, *affine(transform, offset))
