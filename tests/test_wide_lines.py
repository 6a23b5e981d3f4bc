"""Wide antialiased lines drawn as textured strips look like Qt's own wide antialiased pens."""

import numpy as np
import pytest
from PySide6.QtCore import QLineF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QTransform

from nnviz.core import Network
from nnviz.core.layout import compute_layout
from nnviz.gui.network_view.edge_layer import EdgeLayerItem
from nnviz.gui.network_view.edge_picture import EdgeStyle, layer_strokes
from nnviz.gui.network_view.wide_lines import draw_wide_lines

SIZE = 48


def argb(image: QImage) -> np.ndarray:
    """``(h, w, 4)`` int premultiplied B, G, R, A of ``image``."""
    image = image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    raw = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return raw[:, : 4 * image.width()].reshape(image.height(), image.width(), 4).astype(int)


def blank(width=SIZE, height=SIZE) -> QImage:
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    return image


def qt_lines(points, pen, colors, widths, size=SIZE) -> np.ndarray:
    """The reference: each line with Qt's antialiased flat-capped pen of its width, in order."""
    image = blank(size, size)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for (x0, y0, x1, y1), p in zip(points.tolist(), pen.tolist()):
        qpen = QPen(QColor(*colors[p]), widths[p])
        qpen.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(qpen)
        painter.drawLine(QLineF(x0, y0, x1, y1))
    painter.end()
    return argb(image)


def strip_lines(points, pen, colors, widths, size=SIZE) -> np.ndarray:
    image = blank(size, size)
    painter = QPainter(image)
    draw_wide_lines(painter, points, pen, np.asarray(colors), np.asarray(widths, float))
    painter.end()
    return argb(image)


@pytest.mark.parametrize("width", [1.04, 1.5, 2.2, 2.65, 3.4, 4.92, 9.0])
def test_a_line_matches_qt_away_from_its_ends(qapp, width):
    rng = np.random.default_rng(int(width * 100))
    ys, xs = np.mgrid[0:SIZE, 0:SIZE] + 0.5
    for _ in range(12):
        x0, y0, x1, y1 = rng.uniform(4, 12), rng.uniform(4, 44), rng.uniform(36, 44), rng.uniform(4, 44)
        if rng.random() < 0.5:  # steep lines too
            x0, y0, x1, y1 = y0, x0, y1, x1
        points = np.array([[x0, y0, x1, y1]])
        reference = qt_lines(points, np.array([0]), [(0, 0, 0)], [width])[..., 3]
        strips = strip_lines(points, np.array([0]), [(0, 0, 0)], [width])[..., 3]
        # Qt ramps the flat ends too; the strips cut them square (they lie under the nodes).
        away = (np.hypot(xs - x0, ys - y0) > width + 1) & (np.hypot(xs - x1, ys - y1) > width + 1)
        difference = np.abs(reference - strips)[away]
        assert difference.max() <= 20  # of 255: a distance to the line rounded to 1/16 px
        assert difference.mean() <= 0.4
        # The same amount of ink across the line: widths are kept.
        assert abs(reference[away].sum() - strips[away].sum()) <= 0.03 * reference[away].sum()


def test_later_lines_go_on_top_and_colours_are_kept(qapp):
    points = np.array([[4.0, 24, 44, 24], [24, 4, 24, 44], [4, 4, 44, 44]])
    colors = [(200, 30, 30), (30, 30, 200), (30, 160, 30)]
    widths = [5.0, 5.0, 3.0]
    pen = np.array([0, 1, 2])
    strips = strip_lines(points, pen, colors, widths)
    assert tuple(strips[24, 24]) == pytest.approx((30, 160, 30, 255), abs=2)  # B, G, R, A of the last line
    assert tuple(strips[24, 8]) == pytest.approx((30, 30, 200, 255), abs=2)  # the first, under no other
    reference = qt_lines(points, pen, colors, widths)
    assert np.abs(reference - strips).mean() <= 0.5


def small_layer_item(sizes, layer, ratio=1.0):
    """An edge item with the strokes of ``layer`` of a network ``sizes`` and the transform that fills ~400 px."""
    network = Network(list(sizes), seed=3)
    layout = compute_layout(network.layer_sizes, network.bias)
    style = EdgeStyle("default", "light", 1.0, 2000)
    item = EdgeLayerItem(layer)
    item.set_batches(*layer_strokes(network, layout, layer, 1.0, style, None))
    x0, y0, x1, y1 = layout.bounds
    zoom = 400 / max(x1 - x0, y1 - y0)
    return item, QTransform(zoom, 0, 0, zoom, -x0 * zoom + 20, -y0 * zoom + 20)


def qt_layer(item, transform, ratio, width, height) -> np.ndarray:
    """The reference picture of a layer: every batch with Qt's pens (as exports and SVG draw them)."""
    from nnviz.gui.network_view.edges import draw_batches

    image = blank(width, height)
    painter = QPainter(image)
    draw_batches(painter, item._batches, transform, (0.0, 0.0), ratio)
    painter.end()
    return argb(image)


@pytest.mark.parametrize("sizes, layer, ratio", [((2, 4, 2), 0, 1.0), ((8, 16, 16, 4), 1, 1.0),
                                                 ((64, 10), 0, 1.0), ((8, 16, 4), 0, 2.0)])
def test_a_small_layer_looks_as_with_qt_pens(qapp, sizes, layer, ratio):
    item, transform = small_layer_item(sizes, layer)
    assert item._strokes.antialias.all() and item._strokes.widths.max() > 1.5
    width = height = int(440 * ratio)
    reference = qt_layer(item, transform, ratio, width, height)
    drawn = argb(item._draw_image(transform, (0.0, 0.0), ratio, width, height))
    difference = np.abs(reference - drawn)
    inked = (reference[..., 3] > 0) | (drawn[..., 3] > 0)
    assert difference.mean() <= 0.5
    assert np.percentile(difference[inked], 99) <= 16  # edge pixels, and the ends under the nodes
    # The same ink in every colour channel: widths and colours are kept.
    assert (np.abs(reference.sum(axis=(0, 1)) - drawn.sum(axis=(0, 1))) <= 0.005 * reference.sum(axis=(0, 1))).all()


@pytest.mark.parametrize("offset", [0.0, 0.25, 0.3, 0.5])
def test_level_and_upright_lines_keep_their_sub_pixel_place(qapp, offset):
    # Unrotated, Qt would draw a strip as a scaled image snapped to whole pixels.
    y = 20 + offset
    points = np.array([[6.0, y, 42, y], [42, y + 10, 6, y + 10], [y, 6, y, 42]])
    pen, colors, widths = np.array([0, 1, 0]), [(0, 0, 0), (200, 40, 40)], [2.0, 3.3]
    difference = np.abs(qt_lines(points, pen, colors, widths) - strip_lines(points, pen, colors, widths))
    assert difference[10:38, 10:38].max() <= 12


def test_many_wide_pens_are_all_drawn_right(qapp):
    # Enough strip rows to need several columns of strips (Qt's texture coordinates stop at 32768).
    n, size = 48, 800
    widths = np.linspace(2.0, 30.0, n)
    colors = [(5 * i, 255 - 5 * i, 100) for i in range(n)]
    ys = 16.0 * np.arange(n) + 20.3
    points = np.column_stack([np.full(n, 20.0), ys, np.full(n, 780.0), ys + 7.1])
    pen = np.arange(n)
    reference = qt_lines(points, pen, colors, widths, size)
    drawn = strip_lines(points, pen, colors, widths, size)
    difference = np.abs(reference - drawn)[:, 40:760]  # away from the ends
    assert difference.max() <= 20
    assert difference.mean() <= 0.5
