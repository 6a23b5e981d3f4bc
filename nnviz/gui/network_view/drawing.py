"""A figure as a list of simple shapes in pixels, drawn by Qt (PNG) or written as SVG (see ``svg``).

An exported picture is first described as a *drawing*: lines, circles, rectangles, text and colour
bars placed in device pixels. The PNG and the SVG are both made from the same drawing, so they
show the same thing; text is placed by its anchor (start, middle or end of its baseline), so a
renderer with another font keeps centred labels centred.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from pyqtgraph.Qt.internals import PrimitiveArray
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QLinearGradient, QPainter, QPainterPath, QPen

FONT_FAMILIES = ("DejaVu Sans", "Helvetica", "Arial", "sans-serif")
"""The SVG's font stack: the font Qt measured with first, the CSS generic family last."""


@dataclass(frozen=True)
class Lines:
    """Straight lines of one pen: ``lines`` is ``(m, 4)`` x0, y0, x1, y1; ``group`` names the layer
    they belong to (the SVG keeps a group per weight layer)."""

    color: str
    width: float
    lines: np.ndarray
    antialias: bool = True
    group: str = ""


@dataclass(frozen=True)
class Polyline:
    """An open line through ``(k, 2)`` points."""

    points: np.ndarray
    color: str
    width: float


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float
    fill: str | None
    stroke: str | None = None
    stroke_width: float = 1.0
    dashed: bool = False


@dataclass(frozen=True)
class Rects:
    """Rectangles of one fill and outline: ``rects`` is ``(k, 4)`` x, y, width, height; ``radius``
    rounds the corners; ``opacity`` applies to the fill."""

    rects: np.ndarray
    fill: str | None
    stroke: str | None = None
    stroke_width: float = 1.0
    radius: float = 0.0
    opacity: float = 1.0


@dataclass(frozen=True)
class Text:
    """``text`` with its baseline at ``y``, starting, centred or ending at ``x`` (``anchor``)."""

    x: float
    y: float
    text: str
    px: float
    color: str
    bold: bool = False
    anchor: str = "start"


@dataclass(frozen=True)
class ColorBar:
    """A rounded bar filled left to right with ``stops`` (offset in [0, 1], ``#rrggbb``)."""

    rect: tuple[float, float, float, float]
    stops: tuple[tuple[float, str], ...]
    outline: str
    radius: float


@dataclass(frozen=True)
class Picture:
    """``image`` scaled into ``rect`` (x, y, width, height), clipped to its inscribed circle if ``round``."""

    rect: tuple[float, float, float, float]
    image: QImage
    round: bool = True


Shape = Lines | Polyline | Circle | Rects | Text | ColorBar | Picture


def font(px: float, bold: bool = False) -> QFont:
    """The font texts are measured and drawn with, ``px`` pixels high."""
    qfont = QFont()
    qfont.setFamilies(list(FONT_FAMILIES[:-1]))
    qfont.setPixelSize(max(1, round(px)))
    qfont.setBold(bold)
    return qfont


def text_width(text: str, px: float, bold: bool = False) -> float:
    return _metrics(max(1, round(px)), bold).horizontalAdvance(text)


def centred_baseline(cy: float, px: float, bold: bool = False) -> float:
    """The baseline that centres a line of text vertically on ``cy`` (as Qt's AlignVCenter does)."""
    metrics = _metrics(max(1, round(px)), bold)
    return cy + (metrics.ascent() - metrics.descent()) / 2


def bottom_baseline(bottom: float, px: float, bold: bool = False) -> float:
    """The baseline of a line of text whose bottom is at ``bottom`` (as Qt's AlignBottom places it)."""
    return bottom - _metrics(max(1, round(px)), bold).descent()


@lru_cache(maxsize=64)  # a legend redrawn on every training step measures the same few sizes
def _metrics(px: int, bold: bool) -> QFontMetricsF:
    return QFontMetricsF(font(px, bold))


def hex_color(rgb) -> str:
    """``(r, g, b)`` in 0 … 255 as ``#rrggbb``."""
    r, g, b = (min(max(round(float(c)), 0), 255) for c in rgb[:3])  # np.clip costs ~5 µs a scalar
    return f"#{r:02x}{g:02x}{b:02x}"


def paint_drawing(painter: QPainter, shapes: list) -> None:
    """Draw ``shapes`` in the painter's coordinates (device pixels for an export)."""
    painter.save()
    try:
        for shape in shapes:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, getattr(shape, "antialias", True))
            _PAINTERS[type(shape)](painter, shape)
    finally:
        painter.restore()


def _pen(color: str | None, width: float, dashed: bool = False) -> QPen:
    if color is None:
        return QPen(Qt.PenStyle.NoPen)
    pen = QPen(QColor(color), width, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return pen


def _brush(color: str | None, opacity: float = 1.0) -> QBrush:
    if color is None:
        return QBrush(Qt.BrushStyle.NoBrush)
    qcolor = QColor(color)
    qcolor.setAlphaF(opacity)
    return QBrush(qcolor)


def _paint_lines(painter: QPainter, shape: Lines) -> None:
    painter.setPen(_pen(shape.color, shape.width))
    buffer = PrimitiveArray(QLineF, 4)
    buffer.resize(len(shape.lines))
    buffer.ndarray()[:] = shape.lines
    painter.drawLines(*buffer.drawargs())


def _paint_polyline(painter: QPainter, shape: Polyline) -> None:
    painter.setPen(_pen(shape.color, shape.width))
    painter.drawPolyline([QPointF(x, y) for x, y in shape.points.tolist()])


def _paint_circle(painter: QPainter, shape: Circle) -> None:
    painter.setPen(_pen(shape.stroke, shape.stroke_width, shape.dashed))
    painter.setBrush(_brush(shape.fill))
    painter.drawEllipse(QPointF(shape.cx, shape.cy), shape.r, shape.r)


def _paint_rects(painter: QPainter, shape: Rects) -> None:
    painter.setPen(_pen(shape.stroke, shape.stroke_width))
    painter.setBrush(_brush(shape.fill, shape.opacity))
    if shape.radius == 0 and shape.stroke is None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # tiles of a band must touch
    for x, y, w, h in shape.rects.tolist():
        if shape.radius:
            painter.drawRoundedRect(QRectF(x, y, w, h), shape.radius, shape.radius)
        else:
            painter.drawRect(QRectF(x, y, w, h))


def _paint_text(painter: QPainter, shape: Text) -> None:
    qfont = font(shape.px, shape.bold)
    painter.setFont(qfont)
    painter.setPen(QColor(shape.color))
    shift = {"start": 0.0, "middle": 0.5, "end": 1.0}[shape.anchor]
    x = shape.x - shift * QFontMetricsF(qfont).horizontalAdvance(shape.text)
    painter.drawText(QPointF(x, shape.y), shape.text)


def _paint_color_bar(painter: QPainter, shape: ColorBar) -> None:
    x, y, w, h = shape.rect
    gradient = QLinearGradient(QPointF(x, y), QPointF(x + w, y))
    for offset, color in shape.stops:
        gradient.setColorAt(offset, QColor(color))
    painter.setPen(QPen(QColor(shape.outline), 1))
    painter.setBrush(QBrush(gradient))
    painter.drawRoundedRect(QRectF(x, y, w, h), shape.radius, shape.radius)


def _paint_picture(painter: QPainter, shape: Picture) -> None:
    rect = QRectF(*shape.rect)
    painter.save()
    try:
        if shape.round:
            disc = QPainterPath()
            disc.addEllipse(rect)
            painter.setClipPath(disc, Qt.ClipOperation.IntersectClip)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawImage(rect, shape.image)
    finally:
        painter.restore()


_PAINTERS = {Lines: _paint_lines, Polyline: _paint_polyline, Circle: _paint_circle, Rects: _paint_rects,
             Text: _paint_text, ColorBar: _paint_color_bar, Picture: _paint_picture}
