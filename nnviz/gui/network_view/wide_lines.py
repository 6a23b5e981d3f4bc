"""Antialiased lines a few pixels wide, drawn as textured strips: 2–3× cheaper than Qt's wide AA pens.

Qt's raster engine antialiases a wide pen by working out and blending every partly covered pixel
along both edges of a line as a span of its own (~20 ns each, ~2·(|dx| + |dy|) of them a line: a
640-line fan costs ~15 ms). Here each line is instead a strip of texture rotated onto it, filled
aliased (one span a row) and sampled at the nearest texel: the texture holds, 16 texels a pixel
across the line, the exact fraction of a pixel the line covers at that distance from its centre
line (a box filter, as Qt's), for the line's pen and its angle to the pixel grid (8 steps from 0°
to 45°). All lines go in one ``drawPixmapFragments`` call, in order (later lines on top). Along a
line the picture differs from Qt's by at most ~16 of 255 levels at an edge pixel (0.15 on average);
the ends are cut square without a ramp (they lie under the nodes). Drawing off the GUI thread needs
a platform with threaded pixmaps (X11, Wayland, Windows, macOS and offscreen all have them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from pyqtgraph.Qt.internals import PrimitiveArray
from PySide6.QtGui import QImage, QPainter, QPixmap

TEXELS_PER_PIXEL = 16
"""Texels across a strip per pixel: a pixel centre's distance to the line is rounded to 1/16 px."""
ANGLE_STEPS = 8
"""Strips per pen for angles to the pixel grid from 0° to 45° (a pixel's coverage depends on it)."""
STRIP_TEXELS = 2
"""Texels along a strip (all alike: any length will do)."""
COLUMN_TEXELS = 4096
"""Strips are stacked in columns this high: Qt samples textures in 16.16 fixed point."""


def coverage(distance, width, angle):
    """The fraction of a pixel (a unit square) inside a band ``width`` pixels wide whose centre line
    passes ``distance`` pixels from the pixel's centre at ``angle`` radians (0 < angle ≤ π/4) to the
    grid; arrays broadcast."""
    a, b = np.cos(angle), np.sin(angle)

    def below(t):  # P(u·a + v·b ≤ t) for u, v uniform in [−½, ½]: piecewise quadratic
        def ramp2(x):
            return np.maximum(x, 0.0) ** 2
        return (ramp2(t + (a + b) / 2) - ramp2(t + (a - b) / 2) - ramp2(t - (a - b) / 2)
                + ramp2(t - (a + b) / 2)) / (2 * a * b)

    return below(distance + width / 2) - below(distance - width / 2)


def pen_strips(colors: np.ndarray, widths: np.ndarray) -> tuple[QImage, np.ndarray, np.ndarray, np.ndarray]:
    """The strips of every pen and angle step side by side in an image, premultiplied.

    ``colors`` ``(p, 3)`` RGB 0…255, ``widths`` ``(p,)`` pixels. Returns the image and ``(p,
    ANGLE_STEPS)`` the left column, top row and height in texels of each strip, which spans the band
    of pixel centres the line touches at that angle. Shared: do not modify.
    """
    colors = np.ascontiguousarray(colors, dtype=np.int64)
    return _colored_strips(colors.tobytes(), tuple(np.asarray(widths, float).tolist()))


@lru_cache(maxsize=16)  # a training step often keeps every pen as it was
def _colored_strips(colors: bytes, widths: tuple[float, ...]) -> tuple[QImage, np.ndarray, np.ndarray, np.ndarray]:
    shape = _strip_shapes(widths)
    rgb = np.frombuffer(colors, np.int64).reshape(-1, 3)
    texels = np.zeros((shape.rows, shape.columns, 4), np.uint8)  # B, G, R, A premultiplied: Qt's ARGB32
    texels[shape.row, shape.column, :3] = np.rint(rgb[shape.pen][:, ::-1] * shape.alpha[:, None])
    texels[shape.row, shape.column, 3] = np.rint(255 * shape.alpha)
    data = np.repeat(texels, STRIP_TEXELS, axis=1).tobytes()
    width = STRIP_TEXELS * shape.columns
    image = QImage(data, width, shape.rows, 4 * width, QImage.Format.Format_ARGB32_Premultiplied)
    return image.copy(), STRIP_TEXELS * shape.lefts, shape.tops, shape.heights  # copy: owns its pixels


@dataclass(frozen=True)
class _StripShapes:
    """Where the strips of some pens lie in a ``rows`` × ``columns`` (of strips) pixmap and their
    coverage: per texel row ``(r,)`` its ``alpha``, ``pen``, ``row`` and ``column``; per strip ``(p,
    ANGLE_STEPS)`` its column (``lefts``), top row and height."""

    alpha: np.ndarray
    pen: np.ndarray
    row: np.ndarray
    column: np.ndarray
    lefts: np.ndarray
    tops: np.ndarray
    heights: np.ndarray
    rows: int
    columns: int


@lru_cache(maxsize=32)  # the widths of a layer's pens stay while its weights and colours change
def _strip_shapes(widths: tuple[float, ...]) -> _StripShapes:
    widths = np.array(widths)
    angles = (np.arange(ANGLE_STEPS) + 0.5) / ANGLE_STEPS * (math.pi / 4)
    reach = widths[:, None] + np.cos(angles) + np.sin(angles)  # (p, steps) pixels
    heights = np.ceil(reach * TEXELS_PER_PIXEL).astype(int)
    # Columns of at most COLUMN_TEXELS rows: Qt's texture coordinates are 16.16 fixed point.
    rows = max(COLUMN_TEXELS, int(heights.max()))
    lefts, tops = np.zeros_like(heights), np.zeros_like(heights)
    column, top = 0, 0
    for index, height in enumerate(heights.ravel().tolist()):
        if top + height > rows:
            column, top = column + 1, 0
        lefts.flat[index], tops.flat[index] = column, top
        top += height
    strip = np.repeat(np.arange(heights.size), heights.ravel())  # strip of each texel row
    pen, step = np.divmod(strip, ANGLE_STEPS)
    within = np.arange(len(strip)) - np.r_[0, np.cumsum(heights.ravel())[:-1]][strip]
    distance = (within + 0.5 - heights.ravel()[strip] / 2) / TEXELS_PER_PIXEL
    alpha = np.clip(coverage(distance, widths[pen], angles[step]), 0.0, 1.0)
    shapes = _StripShapes(alpha, pen, tops.ravel()[strip] + within, lefts.ravel()[strip], lefts, tops, heights,
                          rows if column else int(top), column + 1)
    for array in (alpha, pen, lefts, tops, heights):
        array.flags.writeable = False  # shared by every later call with these widths
    return shapes


def draw_wide_lines(painter: QPainter, points: np.ndarray, pen: np.ndarray, colors: np.ndarray,
                    widths: np.ndarray) -> None:
    """Draw the lines ``points`` ``(m, 4)`` x0, y0, x1, y1 in the painter's coordinates (device pixels,
    no rotation), line i ``widths[pen[i]]`` pixels wide in ``colors[pen[i]]`` RGB, antialiased, in order.

    Widths should exceed one pixel: Qt draws thinner pens with a thinner stroker of its own (a
    diagonal 1 px line inks one pixel a column, not √2 as here).
    """
    if not len(points):
        return
    used, pen = np.unique(pen, return_inverse=True)  # strips only for the pens drawn
    strips, lefts, tops, heights = pen_strips(np.asarray(colors)[used], np.asarray(widths)[used])
    delta = points[:, 2:] - points[:, :2]
    angle = np.arctan2(delta[:, 1], delta[:, 0])
    folded = np.mod(angle, math.pi / 2)
    folded = np.minimum(folded, math.pi / 2 - folded)  # 0 … π/4: the grid looks alike every 45°
    step = np.minimum((folded / (math.pi / 4) * ANGLE_STEPS).astype(int), ANGLE_STEPS - 1)
    fragments = PrimitiveArray(QPainter.PixmapFragment, 10)
    fragments.resize(len(points))
    # x, y (centre), source left, top, width, height, scale x, y, rotation (degrees), opacity.
    table = fragments.ndarray()
    table[:, 0:2] = (points[:, :2] + points[:, 2:]) / 2
    table[:, 2] = lefts[pen, step]
    table[:, 3] = tops[pen, step]
    table[:, 4] = STRIP_TEXELS
    table[:, 5] = heights[pen, step]
    table[:, 6] = np.hypot(delta[:, 0], delta[:, 1]) / STRIP_TEXELS
    table[:, 7] = 1.0 / TEXELS_PER_PIXEL
    # Unrotated, Qt would draw a strip as a scaled image snapped to whole pixels: turn those a hair.
    table[:, 8] = np.degrees(angle) + np.where(np.abs(delta[:, 1]) < 1e-9 * np.abs(delta[:, 0]), 1e-4, 0.0)
    table[:, 9] = 1.0
    painter.save()
    try:
        # Aliased fills sampled at the nearest texel: the strips already hold the ramps.
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.drawPixmapFragments(*fragments.drawargs(), QPixmap.fromImage(strips))
    finally:
        painter.restore()
