"""Antialiased lines a few pixels wide, drawn as textured strips: ~3× cheaper than Qt's wide AA pens.

Qt's raster engine antialiases a wide pen by working out and blending every partly covered pixel
along both edges of a line as a span of its own (~20 ns each, ~2·(|dx| + |dy|) of them a line: a
640-line fan costs ~15 ms). Drawn instead as its pen's strip of texture — one texel across per
pixel, opaque in the middle, clear at the border — rotated onto the line, filled aliased (one span
a row) and sampled bilinearly, a line gets nearly the same ramp along its edges from the texture
filter, and all lines go in one ``drawPixmapFragments`` call, in order (later lines on top).
Along a line the picture differs from Qt's by at most ~30 of 255 levels at an edge pixel; the
ends are cut square without a ramp (they lie under the nodes).
"""

from __future__ import annotations

import numpy as np
from pyqtgraph.Qt.internals import PrimitiveArray
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap

STRIP_TEXELS = 4
"""Texels along a pen's strip (all the same colour: any length will do)."""


def pen_strips(colors: np.ndarray, widths: np.ndarray) -> tuple[QPixmap, np.ndarray, np.ndarray]:
    """One strip per pen stacked in a pixmap: a clear row, ``m`` rows of the pen's colour, a clear row.

    ``colors`` ``(p, 3)`` RGB 0…255, ``widths`` ``(p,)`` pixels. Returns the pixmap, ``(p,)`` the top
    row of each strip and ``(p,)`` its ``m``: the width rounded to whole texels, so that a texel
    stretched to ``width / m`` pixels is about one pixel and the bilinear ramp about a pixel wide.
    """
    opaque_rows = np.maximum(1, np.rint(widths)).astype(int)
    tops = np.r_[0, np.cumsum(opaque_rows + 2)[:-1]]
    image = QImage(STRIP_TEXELS, int(tops[-1] + opaque_rows[-1] + 2), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    try:
        for (r, g, b), top, rows in zip(np.asarray(colors).tolist(), tops.tolist(), opaque_rows.tolist()):
            painter.fillRect(0, top + 1, STRIP_TEXELS, rows, QColor(r, g, b))
    finally:
        painter.end()
    return QPixmap.fromImage(image), tops, opaque_rows


def draw_wide_lines(painter: QPainter, points: np.ndarray, pen: np.ndarray, colors: np.ndarray,
                    widths: np.ndarray) -> None:
    """Draw the lines ``points`` ``(m, 4)`` x0, y0, x1, y1 in the painter's coordinates (device pixels,
    no rotation), line i ``widths[pen[i]]`` pixels wide in ``colors[pen[i]]`` RGB, antialiased, in order.

    Widths should exceed one pixel: Qt draws thinner pens with a thinner stroker of its own (a
    diagonal 1 px line inks one pixel a column, not √2 as here)."""
    if not len(points):
        return
    strips, tops, opaque_rows = pen_strips(colors, widths)
    delta = points[:, 2:] - points[:, :2]
    rows = opaque_rows[pen]
    fragments = PrimitiveArray(QPainter.PixmapFragment, 10)
    fragments.resize(len(points))
    # x, y (centre), source left, top, width, height, scale x, y, rotation (degrees), opacity. The
    # source skips the outer half of each clear row: bilinear samples there are clear anyway.
    table = fragments.ndarray()
    table[:, 0:2] = (points[:, :2] + points[:, 2:]) / 2
    table[:, 2] = 0.0
    table[:, 3] = tops[pen] + 0.5
    table[:, 4] = STRIP_TEXELS
    table[:, 5] = rows + 1
    table[:, 6] = np.hypot(delta[:, 0], delta[:, 1]) / STRIP_TEXELS
    table[:, 7] = widths[pen] / rows
    table[:, 8] = np.degrees(np.arctan2(delta[:, 1], delta[:, 0]))
    table[:, 9] = 1.0
    painter.save()
    try:
        # Aliased fill of each strip (the texture filter makes the ramp), one span a row.
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawPixmapFragments(*fragments.drawargs(), strips)
    finally:
        painter.restore()
