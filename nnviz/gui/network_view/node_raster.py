"""Node columns as recoloured images: a training step changes every node's colour, and two hundred
``drawEllipse`` calls cost more than the edges they sit on.

What a column looks like apart from its colours (where each circle's disc and outline fall on the
pixel grid, which tile of a band owns which pixel row) is rendered once per position and size; a
colour change fills one image per column with numpy and masks it with Qt's compositing.
Sizes are device pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen


@dataclass(frozen=True)
class ColumnMasks:
    """One column of circles on the pixel grid, from ``origin`` (device pixels, integers).

    ``discs`` is the discs' coverage (white, premultiplied), ``outlines`` the outlines in their
    colour (or ``None``), both images of the column's size; ``owner`` is the index of the circle
    each pixel belongs to, ``(h,)`` per pixel row for a straight column, else ``(h, w)``.
    """

    origin: tuple[int, int]
    discs: QImage
    outlines: QImage | None
    owner: np.ndarray


class LastTwo:
    """What ``make()`` returned for the last two keys of each column (``current``: column → ``(key,
    value)``, the last): at a pixel ratio of 1.5 a drag by whole pixels puts a column on two sub-pixel
    places in turn."""

    def __init__(self):
        self.current: dict[int, tuple] = {}
        self._before: dict[int, tuple] = {}

    def get(self, column: int, key: tuple, make):
        """The value for ``key`` of ``column``, made by ``make()`` unless it is one of the last two."""
        kept = self.current.get(column)
        if kept is not None and kept[0] == key:
            return kept[1]
        before = self._before.get(column)
        if kept is not None:
            self._before[column] = kept
        kept = self.current[column] = before if before is not None and before[0] == key else (key, make())
        return kept[1]


def circle_reach(radius: float, outline: QPen | None) -> float:
    """How far from its centre a circle of ``radius`` drawn with ``outline`` (or none) sets pixels."""
    return radius + (outline.widthF() if outline is not None else 0.0) + 2.0


def column_masks(centres: np.ndarray, radius: float, outline: QPen | None, ratio: float) -> ColumnMasks:
    """The masks of circles of ``radius`` at ``centres`` ``(n, 2)`` (logical pixels), drawn with
    ``outline`` (or none) on a device of pixel ratio ``ratio``, antialiased as :class:`QPainter` draws them."""
    reach = circle_reach(radius, outline)
    x0, y0 = (math.floor(v * ratio) for v in centres.min(axis=0) - reach)
    x1, y1 = (math.ceil(v * ratio) for v in centres.max(axis=0) + reach)
    origin = QPointF(x0 / ratio, y0 / ratio)

    circles = QPainterPath()  # one path: a fill and a stroke for the whole column, not one call per circle
    for x, y in centres - (origin.x(), origin.y()):
        circles.addEllipse(QPointF(x, y), radius, radius)

    def rendered(pen, brush) -> QImage:
        image = QImage(x1 - x0, y1 - y0, QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(ratio)
        image.fill(0)
        painter = QPainter(image)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(pen)
            painter.setBrush(brush)
            painter.drawPath(circles)
        finally:
            painter.end()
        return image

    discs = rendered(Qt.PenStyle.NoPen, QBrush(QColor(255, 255, 255)))
    outlines = rendered(outline, Qt.BrushStyle.NoBrush) if outline is not None else None
    owner = _nearest_centre(centres * ratio - (x0, y0), (y1 - y0, x1 - x0))
    return ColumnMasks((x0, y0), discs, outlines, owner)


def _nearest_centre(centres: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The index of the nearest of ``centres`` ``(n, 2)`` to each pixel centre of an image of ``shape``
    (circles never overlap, so this is the circle a pixel belongs to; outlines may touch): ``(h,)``,
    one per pixel row, for centres in one column, else ``shape``."""
    order = np.argsort(centres[:, 1])
    heights = centres[order, 1]
    if np.ptp(centres[:, 0]) == 0 and np.all(np.diff(heights) > 0):  # a column: nearest in y
        return order[np.searchsorted((heights[1:] + heights[:-1]) / 2, np.arange(shape[0]) + 0.5)]
    pixels = np.stack(np.mgrid[0:shape[0], 0:shape[1]], axis=-1).reshape(-1, 2)[:, ::-1] + 0.5
    nearest = np.empty(len(pixels), dtype=np.intp)
    for start in range(0, len(pixels), 4096):  # bounded memory: (4096, n) distances at a time
        chunk = pixels[start:start + 4096]
        nearest[start:start + 4096] = np.argmin(((chunk[:, None, :] - centres[None]) ** 2).sum(-1), axis=1)
    return nearest.reshape(shape)


def _argb(colors: np.ndarray) -> np.ndarray:
    """``(n,)`` opaque premultiplied ARGB32 pixels of ``colors`` ``(n, 3)`` RGB 0–255."""
    rgb = np.asarray(colors, dtype=np.uint32)
    return 0xFF000000 | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]


def _image(pixels: np.ndarray, width: int, ratio: float) -> QImage:
    """A premultiplied ARGB32 image ``width`` wide of ``pixels``: ``(h,)`` one per row, or ``(h, width)``."""
    image = QImage(width, len(pixels), QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(ratio)
    rows = np.frombuffer(image.bits(), np.uint32).reshape(len(pixels), image.bytesPerLine() // 4)
    rows[:, :width] = pixels[:, None] if pixels.ndim == 1 else pixels
    return image


def paint_column(painter: QPainter, masks: ColumnMasks, colors: np.ndarray, ratio: float, shift=(0.0, 0.0)) -> None:
    """Draw the circles of ``masks`` filled with ``colors`` ``(n, 3)`` RGB 0–255: disc, then outline over it;
    ``shift`` (logical pixels, whole device pixels) moves them from where the masks were made."""
    image = _image(_argb(colors)[masks.owner], masks.discs.width(), ratio)
    column = QPainter(image)
    try:  # the colours where the discs cover, then the outlines over them
        column.setCompositionMode(QPainter.CompositionMode.CompositionMode_DestinationIn)
        column.drawImage(0, 0, masks.discs)
        if masks.outlines is not None:
            column.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
            column.drawImage(0, 0, masks.outlines)
    finally:
        column.end()
    painter.drawImage(QPointF(masks.origin[0] / ratio + shift[0], masks.origin[1] / ratio + shift[1]), image)


def band_rows(centres: np.ndarray, pitch: float, ratio: float) -> tuple[int, np.ndarray]:
    """``(first row, (h,) tile index per device pixel row)`` of a band of tiles ``pitch`` high at
    ``centres`` ``(n, 2)``: a row belongs to the tile that covers its centre, as an aliased
    ``drawRects`` fills it; rows no tile covers get −1."""
    tops = np.floor((centres[:, 1] - pitch / 2) * ratio + 0.5).astype(int)
    bottoms = np.floor((centres[:, 1] + pitch / 2) * ratio + 0.5).astype(int)
    first = int(tops.min())
    if np.array_equal(tops[1:], bottoms[:-1]):  # tiles in order, touching: each owns its rows
        return first, np.repeat(np.arange(len(tops)), bottoms - tops)
    rows = np.full(int(bottoms.max()) - first, -1, dtype=np.intp)
    for index in np.flatnonzero(bottoms > tops):  # later tiles win, as they are drawn later
        rows[tops[index] - first:bottoms[index] - first] = index
    return first, rows


def paint_band(painter: QPainter, x: float, width: float, rows: tuple[int, np.ndarray], colors: np.ndarray,
               ratio: float) -> None:
    """Draw a band ``width`` wide centred on ``x``: pixel row r in the colour ``colors`` ``(n, 3)``
    of tile ``rows[1][r]`` (see :func:`band_rows`)."""
    left = math.floor((x - width / 2) * ratio + 0.5)
    right = math.floor((x + width / 2) * ratio + 0.5)
    first, owner = rows
    if right <= left or not len(owner):
        return
    pixels = np.where(owner >= 0, _argb(colors)[owner], 0).astype(np.uint32)  # uncovered rows: transparent
    image = _image(pixels, right - left, ratio)
    painter.drawImage(QRectF(left / ratio, first / ratio, (right - left) / ratio, len(owner) / ratio), image)
