"""Node columns as images recoloured with numpy: a training step changes every node's colour, and
two hundred ``drawEllipse`` calls cost more than the edges they sit on.

What a column looks like apart from its colours (where each circle's disc and outline fall on the
pixel grid, which tile of a band owns which pixel row) is rendered once per position and size; a
colour change only fills arrays and draws one image per column. Sizes are device pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen


@dataclass(frozen=True)
class ColumnMasks:
    """One column of circles on the pixel grid, from ``origin`` (device pixels, integers).

    ``base`` is the ``(h, w, 4)`` premultiplied BGRA uint8 image without the discs' colours (outlines,
    and the alpha of discs and outlines together); the ``(k,)`` flat pixel indices ``tinted`` take
    ``colour × weight`` of the circle ``owner`` (``(k,)``) added to ``outline`` (``(k, 3)`` BGR in [0, 255]).
    """

    origin: tuple[int, int]
    base: np.ndarray
    tinted: np.ndarray
    owner: np.ndarray
    weight: np.ndarray
    outline: np.ndarray


def _bgra(image: QImage) -> np.ndarray:
    """``(h, w, 4)`` float copy of a premultiplied ARGB32 ``image`` in [0, 1] (bytes B, G, R, A)."""
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    return rows[:, :image.width()].astype(np.float32) / 255.0


def column_masks(centres: np.ndarray, radius: float, outline: QPen | None, ratio: float) -> ColumnMasks:
    """The masks of circles of ``radius`` at ``centres`` ``(n, 2)`` (logical pixels), drawn with
    ``outline`` (or none) on a device of pixel ratio ``ratio``, antialiased as :class:`QPainter` draws them."""
    reach = radius + (outline.widthF() if outline is not None else 0.0) + 2.0
    x0, y0 = (math.floor(v * ratio) for v in centres.min(axis=0) - reach)
    x1, y1 = (math.ceil(v * ratio) for v in centres.max(axis=0) + reach)
    origin = QPointF(x0 / ratio, y0 / ratio)

    def rendered(pen, brush) -> np.ndarray:
        image = QImage(x1 - x0, y1 - y0, QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(ratio)
        image.fill(0)
        painter = QPainter(image)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(pen)
            painter.setBrush(brush)
            for x, y in centres:
                painter.drawEllipse(QPointF(x, y) - origin, radius, radius)
        finally:
            painter.end()
        return _bgra(image)

    fill = rendered(Qt.PenStyle.NoPen, QBrush(QColor(255, 255, 255)))[..., 3]
    lines = rendered(outline, Qt.BrushStyle.NoBrush) if outline is not None else np.zeros(fill.shape + (4,),
                                                                                           np.float32)
    # Each pixel belongs to the nearest centre (circles never overlap; their outlines may touch).
    rows, cols = np.mgrid[0:fill.shape[0], 0:fill.shape[1]].astype(np.float32) + 0.5
    device = centres * ratio - (x0, y0)
    owner = np.zeros(fill.shape, dtype=np.intp)
    nearest = np.full(fill.shape, np.inf, dtype=np.float32)
    for index, (cx, cy) in enumerate(device):
        top, bottom = max(int(cy - 2 * reach * ratio), 0), min(int(cy + 2 * reach * ratio) + 1, fill.shape[0])
        left, right = max(int(cx - 2 * reach * ratio), 0), min(int(cx + 2 * reach * ratio) + 1, fill.shape[1])
        window = np.s_[top:bottom, left:right]
        distance = (rows[window] - cy) ** 2 + (cols[window] - cx) ** 2
        closer = distance < nearest[window]
        nearest[window][closer] = distance[closer]
        owner[window][closer] = index
    # A disc under its outline: outline + colour × fill × (1 − outline alpha), premultiplied.
    weight = (fill * (1.0 - lines[..., 3])).ravel()
    tinted = np.flatnonzero(weight > 0)
    base = np.empty(fill.shape + (4,), dtype=np.uint8)
    base[..., :3] = np.rint(lines[..., :3] * 255.0)
    base[..., 3] = np.rint((lines[..., 3] + fill * (1.0 - lines[..., 3])) * 255.0)
    return ColumnMasks((x0, y0), base, tinted, owner.ravel()[tinted], weight[tinted, None],
                       lines[..., :3].reshape(-1, 3)[tinted] * 255.0)


def _image(bgra: np.ndarray, ratio: float) -> QImage:
    """A premultiplied ARGB32 image owning a copy of ``bgra`` ``(h, w, 4)`` uint8."""
    height, width = bgra.shape[:2]
    image = QImage(np.ascontiguousarray(bgra).data, width, height, 4 * width,
                   QImage.Format.Format_ARGB32_Premultiplied).copy()
    image.setDevicePixelRatio(ratio)
    return image


def paint_column(painter: QPainter, masks: ColumnMasks, colors: np.ndarray, ratio: float) -> None:
    """Draw the circles of ``masks`` filled with ``colors`` ``(n, 3)`` RGB 0–255: disc, then outline over it."""
    bgra = masks.base.copy()
    tint = colors[:, ::-1].astype(np.float32)[masks.owner] * masks.weight + masks.outline
    bgra.reshape(-1, 4)[masks.tinted, :3] = np.rint(tint)
    image = _image(bgra, ratio)
    painter.drawImage(QPointF(masks.origin[0] / ratio, masks.origin[1] / ratio), image)


def band_rows(centres: np.ndarray, pitch: float, ratio: float) -> tuple[int, np.ndarray]:
    """``(first row, (h,) tile index per device pixel row)`` of a band of tiles ``pitch`` high at
    ``centres`` ``(n, 2)``: a row belongs to the tile that covers its centre, as an aliased
    ``drawRects`` fills it; rows no tile covers get −1."""
    tops = np.floor((centres[:, 1] - pitch / 2) * ratio + 0.5).astype(int)
    bottoms = np.floor((centres[:, 1] + pitch / 2) * ratio + 0.5).astype(int)
    first = int(tops.min())
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
    bgra = np.zeros((len(owner), 4), dtype=np.uint8)
    covered = owner >= 0
    bgra[covered, :3] = colors[owner[covered], ::-1]
    bgra[covered, 3] = 255
    image = _image(np.repeat(bgra[:, None, :], right - left, axis=1), ratio)
    painter.drawImage(QRectF(left / ratio, first / ratio, (right - left) / ratio, len(owner) / ratio), image)
