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


def raster_lines(points: np.ndarray, pen: np.ndarray, colors: np.ndarray, width: int, height: int) -> QImage:
    """A ``width`` × ``height`` ARGB32 premultiplied image, transparent, with the lines ``points``
    ``(m, 4)`` x0, y0, x1, y1 in pixels drawn 1 px wide and aliased in order, line i opaque in
    ``colors[pen[i]]`` (``colors`` ``(p, 3)`` RGB 0…255, p ≤ :data:`MAX_PENS`)."""
    from PIL import Image, ImageDraw  # only once a dense fan is drawn

    colors = np.asarray(colors, dtype=np.uint32)
    if len(colors) > MAX_PENS:
        raise ValueError(f"at most {MAX_PENS} pens fit one picture, got {len(colors)}")
    image = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(image).draw
    for segment, ink in zip(points.tolist(), (np.asarray(pen) + 1).tolist()):
        draw.draw_lines(segment, ink, 1)
    data = image.tobytes()  # kept alive until the conversion has copied it
    indexed = QImage(data, width, height, width, QImage.Format.Format_Indexed8)
    table = np.uint32(0xFF000000) | (colors[:, 0] << 16) | (colors[:, 1] << 8) | colors[:, 2]
    indexed.setColorTable([0, *table.tolist()])
    return indexed.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
