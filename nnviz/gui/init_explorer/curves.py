"""The explorer's lines: a polyline or step histogram in a plot's view box, with optional dots and fill.

The explorer redraws some thirty lines on every update. pyqtgraph's ``PlotDataItem`` and ``PlotCurveItem``
handle log axes, down-sampling, clipping and symbol atlases these plots never use, and find their bounds
again (through the view's pixel size) each time Qt asks: 20–30 ms of an update at 784-128-64-10 went there.
A :class:`Curve` makes its path and bounds once per ``setData`` and its pixel padding once per view range.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainterPath, QPen, QTransform

EMPTY = np.empty(0)


def step_points(edges: np.ndarray, heights: np.ndarray, baseline: float | None) -> tuple[np.ndarray, np.ndarray]:
    """The corners of a step histogram: ``edges`` ``(n + 1,)`` and ``heights`` ``(n,)`` give ``(2n,)`` x and y
    (``2n + 2`` with a ``baseline``, down to which both ends drop)."""
    if not heights.size:
        return EMPTY, EMPTY
    x = np.repeat(edges, 2)
    y = np.repeat(heights, 2)
    if baseline is None:
        return x[1:-1], y
    return x, np.concatenate([[baseline], y, [baseline]])


class Curve(pg.GraphicsObject):
    """A line through ``(x, y)`` in view coordinates, drawn with a cosmetic pen; optionally a step histogram
    (x the ``(n + 1,)`` bin edges of ``(n,)`` heights), filled down to ``fill_level`` with a brush, and with a
    round dot of ``symbol_size`` px on every point. Non-finite points break the line and get no dot. With
    :meth:`set_log_y` it draws log10(y) (on a linear axis whose ticks say so).

    The API is the part of pyqtgraph's curve items the explorer uses: ``setData``, ``getData`` (what is drawn,
    log10 on a log plot), ``getOriginalDataset`` (what was set), ``setPen``, ``setBrush``, ``setSymbolPen``,
    ``setSymbolBrush``, ``setSymbolSize``; ``dataBounds`` and ``pixelPadding`` for a view box's auto-range.
    """

    def __init__(self, step: bool = False, fill_level: float | None = None, symbol_size: float = 0.0):
        super().__init__()
        self._step, self._fill_level, self._symbol_size = step, fill_level, symbol_size
        self._pen, self._brush = pg.mkPen("w"), QBrush()
        self._symbol_pen, self._symbol_brush = QPen(Qt.NoPen), QBrush()
        self._antialias = bool(pg.getConfigOption("antialias"))
        self._log_y = False
        self._x, self._y, self._drawn_y = EMPTY, EMPTY, EMPTY
        self._path = QPainterPath()
        self._fill_path: QPainterPath | None = None  # the area down to the fill level
        self._dots = np.empty((0, 2))
        self._extent: tuple[float, float, float, float] | None = None  # x0, x1, y0, y1 of the finite points
        self._padding: tuple[float, float] | None = None  # view units per pad, found once per view range
        self._bounds: QRectF | None = None

    # -- data -------------------------------------------------------------------------------------------
    def setData(self, x, y) -> None:
        """Draw through ``x``, ``y`` (for a step histogram ``x`` has one more entry than ``y``)."""
        self._x, self._y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if self._log_y:
            with np.errstate(divide="ignore", invalid="ignore"):  # y ≤ 0: not drawn
                self._drawn_y = np.log10(self._y)
        else:
            self._drawn_y = self._y
        if self._step:
            px, py = step_points(self._x, self._drawn_y, self._fill_level)
        else:
            px, py = self._x, self._drawn_y
        self._path = pg.arrayToQPath(px, py, connect="finite") if px.size else QPainterPath()
        self._fill_path = None
        if self._fill_level is not None and px.size:
            # Closed along the fill level; only the fill has that edge, the pen draws the line alone.
            self._fill_path = QPainterPath(self._path)
            self._fill_path.lineTo(float(px[-1]), self._fill_level)
            self._fill_path.lineTo(float(px[0]), self._fill_level)
            self._fill_path.closeSubpath()
        finite = np.isfinite(px) & np.isfinite(py)
        self._dots = np.column_stack([px[finite], py[finite]]) if self._symbol_size else np.empty((0, 2))
        self._extent = None
        if finite.any():
            xs, ys = px[finite], py[finite]
            low, high = float(ys.min()), float(ys.max())
            if self._fill_level is not None:
                low, high = min(low, self._fill_level), max(high, self._fill_level)
            self._extent = (float(xs.min()), float(xs.max()), low, high)
        self._geometry_changed()

    def getData(self) -> tuple[np.ndarray, np.ndarray]:
        """The ``(x, y)`` drawn: y in log10 units on a log plot."""
        return self._x, self._drawn_y

    def getOriginalDataset(self) -> tuple[np.ndarray, np.ndarray]:
        """The ``(x, y)`` last set."""
        return self._x, self._y

    def set_log_y(self, log: bool) -> None:
        """Draw log10(y) (True) or y."""
        if log != self._log_y:
            self._log_y = log
            self.setData(self._x, self._y)

    # -- style ------------------------------------------------------------------------------------------
    def setPen(self, *args, **kwargs) -> None:
        self._pen = pg.mkPen(*args, **kwargs)
        self._padding = None
        self._geometry_changed()

    def setBrush(self, *args, **kwargs) -> None:
        self._brush = pg.mkBrush(*args, **kwargs)
        self.update()

    def setSymbolPen(self, *args, **kwargs) -> None:
        self._symbol_pen = pg.mkPen(*args, **kwargs)
        self.update()

    def setSymbolBrush(self, *args, **kwargs) -> None:
        self._symbol_brush = pg.mkBrush(*args, **kwargs)
        self.update()

    def setSymbolSize(self, size: float) -> None:
        had_dots = bool(self._symbol_size)
        self._symbol_size = float(size)
        if had_dots != bool(size):
            self.setData(self._x, self._y)  # the dots' points
        else:
            self._padding = None
            self._geometry_changed()

    # -- geometry ---------------------------------------------------------------------------------------
    def _geometry_changed(self) -> None:
        self.prepareGeometryChange()
        self._bounds = None
        self.update()

    def viewTransformChanged(self) -> None:
        # A new view range: a pixel is another size in view units.
        self._padding = None
        self._geometry_changed()

    def pixelPadding(self) -> float:
        """How far (px) the pen and the dots reach beyond the points."""
        return self._pen.widthF() / 2 + self._symbol_size / 2 + 1

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None) -> tuple[float | None, float | None]:
        if self._extent is None:
            return None, None
        return self._extent[:2] if ax == 0 else self._extent[2:]

    def boundingRect(self) -> QRectF:
        if self._extent is None:
            return QRectF()
        if self._bounds is None:
            if self._padding is None:
                pixel_x, pixel_y = self.pixelVectors()  # a device pixel along x and y, in view units
                if pixel_x is None:  # in no view yet
                    return QRectF()
                self._padding = (pixel_x.length() * self.pixelPadding(), pixel_y.length() * self.pixelPadding())
            (x0, x1, y0, y1), (pad_x, pad_y) = self._extent, self._padding
            self._bounds = QRectF(x0 - pad_x, y0 - pad_y, x1 - x0 + 2 * pad_x, y1 - y0 + 2 * pad_y)
        return self._bounds

    # -- drawing ----------------------------------------------------------------------------------------
    def paint(self, painter, *_args) -> None:
        if self._path.isEmpty() and not self._dots.size:
            return
        painter.setRenderHint(painter.RenderHint.Antialiasing, self._antialias)
        if self._fill_path is not None and self._brush.style() != Qt.NoBrush:
            painter.fillPath(self._fill_path, self._brush)
        if self._pen.style() != Qt.NoPen:
            painter.setPen(self._pen)
            painter.setBrush(Qt.NoBrush)
            painter.drawPath(self._path)
        if self._dots.size:
            self._paint_dots(painter)

    def _paint_dots(self, painter) -> None:
        # Round dots of a size in device pixels: placed through the view transform, drawn without it.
        transform = painter.transform()
        points = self._dots @ np.array([[transform.m11(), transform.m12()], [transform.m21(), transform.m22()]])
        points += (transform.dx(), transform.dy())
        radius = self._symbol_size / 2
        painter.save()
        painter.setTransform(QTransform())
        painter.setRenderHint(painter.RenderHint.Antialiasing, True)
        painter.setPen(self._symbol_pen)
        painter.setBrush(self._symbol_brush)
        for x, y in points:
            painter.drawEllipse(QPointF(x, y), radius, radius)
        painter.restore()
