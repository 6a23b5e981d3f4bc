"""Antialiased lines a few pixels wide, drawn as textured strips: 2–3× cheaper than Qt's wide AA pens.

Qt's raster engine antialiases a wide pen by working out and blending every partly covered pixel
along both edges of a line as a span of its own (~20 ns each, ~2·(|dx| + |dy|) of them a line: a
640-line fan costs ~15 ms). Here each line is instead a strip of texture rotated onto it, filled
aliased (one span a row) and sampled at the nearest texel: the texture holds, 16 texels a pixel
across the line, the exact fraction of a pixel the line covers at that distance from its centre
line (a box filter, as Qt's), for the line's pen and the nearest of 8 angles to the pixel grid (0°
to 45°). All lines go in one ``drawPixmapFragments`` call, in order (later lines on top). Along a
line the picture differs from Qt's by at most ~16 of 255 levels at an edge pixel (0.15 on average);
the ends are cut square without a ramp (they lie under the nodes). Drawing off the GUI thread needs
a platform with threaded pixmaps (X11, Wayland, Windows, macOS and offscreen all have them).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from pyqtgraph.Qt.internals import PrimitiveArray
from PySide6.QtGui import QImage, QPainter, QPixmap

TEXELS_PER_PIXEL = 16
"""Texels across a strip per pixel: a pixel centre's distance to the line is rounded to 1/16 px."""
ANGLE_STEPS = 8
"""Strips per pen for angles to the pixel grid from 0° to 45° (a pixel's coverage depends on it)."""


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


def pen_strips(colors: np.ndarray, widths: np.ndarray) -> tuple[QImage, np.ndarray, np.ndarray]:
    """The strips of every pen and angle step side by side in an image, premultiplied.

    ``colors`` ``(p, 3)`` RGB 0…255, ``widths`` ``(p,)`` pixels. Returns the image and ``(p,
    ANGLE_STEPS)`` the left column and the height in texels of each strip (its top is row 0), which
    spans the band of pixel centres the line touches at that angle. Shared: do not modify.
    """
    colors = np.ascontiguousarray(colors, dtype=np.int64)
    return _colored_strips(colors.tobytes(), tuple(np.asarray(widths, float).tolist()))


@lru_cache(maxsize=16)  # a training step often keeps every pen as it was; the images are not Python's heap
def _colored_strips(colors: bytes, widths: tuple[float, ...]) -> tuple[QImage, np.ndarray, np.ndarray]:
    alpha, heights = _strip_alphas(widths)
    bgr = np.repeat(np.frombuffer(colors, np.int64).reshape(-1, 3)[:, ::-1], ANGLE_STEPS, axis=0)  # per strip
    texels = np.empty((*alpha.shape, 4), np.uint8)  # B, G, R, A premultiplied: Qt's ARGB32 in memory
    shade = alpha[..., None].astype(np.uint16) * bgr.astype(np.uint16) + 128
    texels[..., :3] = (shade + (shade >> 8)) >> 8  # alpha · colour / 255, rounded
    texels[..., 3] = alpha
    rows, width = alpha.shape
    image = QImage(texels.tobytes(), width, rows, 4 * width, QImage.Format.Format_ARGB32_Premultiplied)
    return image.copy(), np.arange(heights.size).reshape(heights.shape), heights  # copy: owns its pixels


@lru_cache(maxsize=8)  # the widths of a layer's pens stay while its weights and colours change
def _strip_alphas(widths: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
    """``(r, p · ANGLE_STEPS)`` the coverage 0…255 of each texel row (r: the tallest strip) of the
    strips of pens ``widths``, pen-major, and ``(p, ANGLE_STEPS)`` each strip's height: the rows from
    one edge of the band of pixel centres the line touches to the other (those below are clear)."""
    widths = np.array(widths)
    angles = (np.arange(ANGLE_STEPS) + 0.5) / ANGLE_STEPS * (math.pi / 4)
    reach = widths[:, None] + np.cos(angles) + np.sin(angles)  # (p, steps) pixels
    heights = np.ceil(reach * TEXELS_PER_PIXEL).astype(int)
    row = np.arange(heights.max())[:, None]
    distance = (row + 0.5 - heights.ravel() / 2) / TEXELS_PER_PIXEL  # clear below a strip: out of reach
    alpha = coverage(distance, np.repeat(widths, ANGLE_STEPS), np.tile(angles, len(widths)))
    alpha = np.rint(255 * np.clip(alpha, 0.0, 1.0)).astype(np.uint8)
    alpha.flags.writeable = heights.flags.writeable = False  # shared by every later call with these widths
    return alpha, heights


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
    strips, lefts, heights = pen_strips(np.asarray(colors)[used], np.asarray(widths)[used])
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
    table[:, 3] = 0.0
    table[:, 4] = 1.0  # texels along a strip: all alike
    table[:, 5] = heights[pen, step]
    table[:, 6] = np.hypot(delta[:, 0], delta[:, 1])
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
