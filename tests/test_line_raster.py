"""The dense fans' pictures: drawn again from the first changed line, with the pixels of a fresh drawing."""

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage, QPainter

from nnviz.gui.network_view.line_raster import MAX_PENS, LineRaster


def pixels(image: QImage) -> np.ndarray:
    return np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine()).copy()


def fresh(points, pen, colors, width, height) -> np.ndarray:
    return pixels(LineRaster().draw(points, pen, colors, width, height))


def test_every_picture_of_a_changing_fan_is_the_fresh_one(qapp):
    rng = np.random.default_rng(3)
    raster = LineRaster()
    points, pen, colors = rng.uniform(-5, 65, (300, 4)), rng.integers(0, 5, 300), rng.integers(0, 256, (5, 3))
    for step in range(200):
        change = step % 7
        if change == 0:  # one line moves
            points = points.copy()
            points[rng.integers(len(points))] = rng.uniform(0, 60, 4)
        elif change == 1:  # one line changes pen (an edited edge)
            pen = pen.copy()
            pen[rng.integers(len(pen))] = rng.integers(5)
        elif change == 2:  # lines dropped from the end
            keep = int(rng.integers(0, len(points) + 1))
            points, pen = points[:keep], pen[:keep]
        elif change == 3:  # lines added at the end
            more = int(rng.integers(0, 80))
            points, pen = np.r_[points, rng.uniform(0, 60, (more, 4))], np.r_[pen, rng.integers(0, 5, more)]
        elif change == 4:  # new colours (a new colour limit)
            colors = rng.integers(0, 256, (5, 3))
        size = (64, 64) if step % 11 else (70, 50)  # a new zoom
        picture = raster.draw(points, pen, colors, *size)
        np.testing.assert_array_equal(pixels(picture), fresh(points, pen, colors, *size), err_msg=f"step {step}")


def test_an_unchanged_fan_is_not_drawn_again_and_painting_on_it_changes_no_later_picture(qapp):
    rng = np.random.default_rng(4)
    points, pen, colors = rng.uniform(0, 40, (50, 4)), rng.integers(0, 3, 50), rng.integers(0, 256, (3, 3))
    raster = LineRaster()
    first = raster.draw(points, pen, colors, 40, 40)
    clean = pixels(first)
    painter = QPainter(first)  # as the view paints a selection's halo on top
    painter.fillRect(0, 0, 40, 40, QColor("white"))
    painter.end()
    again = raster.draw(points.copy(), pen.copy(), colors, 40, 40)
    np.testing.assert_array_equal(pixels(again), clean)
    assert raster.draw(points, pen, colors, 40, 40).cacheKey() == again.cacheKey()  # the same pixels, shared


def test_later_lines_cover_earlier_ones_in_their_pen_colour(qapp):
    points = np.array([[0.0, 5.0, 9.0, 5.0], [5.0, 0.0, 5.0, 9.0]])
    colors = np.array([[255, 0, 0], [0, 0, 255]])
    image = LineRaster().draw(points, np.array([0, 1]), colors, 10, 10)
    assert image.pixelColor(5, 5).getRgb() == (0, 0, 255, 255)  # the second line, on top
    assert image.pixelColor(2, 5).getRgb() == (255, 0, 0, 255)
    assert image.pixelColor(2, 2).alpha() == 0  # no line: transparent


def test_too_many_pens_are_refused(qapp):
    with pytest.raises(ValueError, match="at most 255 pens"):
        LineRaster().draw(np.zeros((1, 4)), np.zeros(1, int), np.zeros((MAX_PENS + 1, 3)), 4, 4)
