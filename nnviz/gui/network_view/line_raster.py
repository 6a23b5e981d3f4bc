"""Many 1 px aliased lines of many colours into an image, fast: a dense fan of edges.

Qt's raster engine spends most of a dense fan's time on per-pixel spans of diagonal lines (about
140 ns a pixel on a loaded 2-core machine); Pillow's line drawing sets the same pixels with a plain
Bresenham step, five times faster. Later lines cover earlier ones, as with ``QPainter.drawLines``.
The lines are drawn as pen numbers into one byte a pixel (a quarter of the memory traffic of colours)
and coloured once, by Qt, through a colour table.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

MAX_PENS = 255
"""Pens one picture can hold: pen numbers are bytes, and 0 is the transparent background."""
KEPT_STAGES = (0.25, 0.5, 0.75)
"""Where, as fractions of its lines, a :class:`LineRaster` keeps its picture half drawn: an edit moves
lines from somewhere in the order on, and the picture is drawn again from the last stage before it."""


class LineRaster:
    """The pictures of one dense fan, which change a little at a time (an edited edge, a new colour limit).

    It keeps the pen numbers it drew, and copies of them at :data:`KEPT_STAGES`: a new picture is
    drawn again only from the first line that differs (from the last kept stage before it), and only
    coloured again when just the colours changed. Every picture has the pixels a new ``LineRaster``
    draws from scratch.
    """

    def __init__(self):
        self._points = np.empty((0, 4))
        self._pen = np.empty(0, dtype=np.uint8)
        self._canvas = None  # Pillow "L" image: pen + 1 for lines [0, len(self._pen)), 0 elsewhere
        self._stages: list[tuple[int, object]] = []  # (lines drawn, copy of the canvas then), ascending
        self._picture: tuple[bytes, QImage] | None = None  # (colour table, the coloured image)

    def draw(self, points: np.ndarray, pen: np.ndarray, colors: np.ndarray, width: int, height: int) -> QImage:
        """A ``width`` × ``height`` ARGB32 premultiplied image, transparent, with the lines ``points``
        ``(m, 4)`` x0, y0, x1, y1 in pixels drawn 1 px wide and aliased in order, line i opaque in
        ``colors[pen[i]]`` (``colors`` ``(p, 3)`` RGB 0…255, p ≤ :data:`MAX_PENS`)."""
        from PIL import Image, ImageDraw  # only once a dense fan is drawn

        colors = np.asarray(colors, dtype=np.uint32)
        if len(colors) > MAX_PENS:
            raise ValueError(f"at most {MAX_PENS} pens fit one picture, got {len(colors)}")
        ink = (np.asarray(pen) + 1).astype(np.uint8)
        if self._canvas is None or self._canvas.size != (width, height):
            self._canvas, self._stages = Image.new("L", (width, height), 0), []
            self._points, self._pen, self._picture = self._points[:0], self._pen[:0], None
        n = min(len(ink), len(self._pen))
        differs = (self._pen[:n] != ink[:n]) | (self._points[:n] != points[:n]).any(axis=1)
        start = int(np.argmax(differs)) if differs.any() else n
        if start < len(self._pen):  # back to the last stage kept before the change
            self._stages = [(kept, stage) for kept, stage in self._stages if kept <= start]
            start, stage = self._stages[-1] if self._stages else (0, None)
            self._canvas = stage.copy() if stage is not None else Image.new("L", (width, height), 0)
        if start < len(ink) or len(ink) < len(self._pen):
            self._draw_from(ImageDraw.Draw(self._canvas).draw, points, ink, start)
            self._points, self._pen, self._picture = np.array(points, dtype=float), ink, None
        table = np.uint32(0xFF000000) | (colors[:, 0] << 16) | (colors[:, 1] << 8) | colors[:, 2]
        if self._picture is None or self._picture[0] != table.tobytes():
            data = self._canvas.tobytes()  # kept alive until the conversion has copied it
            indexed = QImage(data, width, height, width, QImage.Format.Format_Indexed8)
            indexed.setColorTable([0, *table.tolist()])
            self._picture = (table.tobytes(), indexed.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied))
        return QImage(self._picture[1])  # shares the pixels until painted on

    def _draw_from(self, draw, points: np.ndarray, ink: np.ndarray, start: int) -> None:
        """Lines ``start:`` onto the canvas, keeping copies at the stages passed on the way."""
        stops = sorted({int(len(ink) * f) for f in KEPT_STAGES if int(len(ink) * f) > start} | {len(ink)})
        for stop in stops:
            for segment, value in zip(points[start:stop].tolist(), ink[start:stop].tolist()):
                draw.draw_lines(segment, value, 1)
            if stop < len(ink):
                self._stages.append((stop, self._canvas.copy()))
            start = stop
