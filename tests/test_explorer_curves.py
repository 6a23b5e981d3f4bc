"""The explorer's own curve item: a step histogram filled to its baseline, lines broken at non-finite points,
round dots, and bounds that hold everything it paints."""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor

from nnviz.gui.init_explorer.curves import Curve, step_points

SIZE = (200, 100)


@pytest.fixture
def plot(qtbot):
    """A bare plot showing x in [0, 4] and y in [0, 2] exactly, over its whole 200 × 100 widget."""
    widget = pg.PlotWidget(background="w")
    qtbot.addWidget(widget)
    item = widget.getPlotItem()
    for name in ("left", "bottom"):
        item.hideAxis(name)
    item.layout.setContentsMargins(0, 0, 0, 0)
    item.setRange(xRange=(0, 4), yRange=(0, 2), padding=0)
    widget.setFixedSize(*SIZE)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def pixels(widget) -> np.ndarray:
    image = widget.grab().toImage()
    image = image.convertToFormat(image.Format.Format_RGB32)
    width, height = image.width(), image.height()
    return np.frombuffer(image.constBits(), np.uint8).reshape(height, image.bytesPerLine())[:, :4 * width].reshape(
        height, width, 4)[..., 2::-1].astype(int)  # BGRA → RGB


def is_colour(rgb: np.ndarray, colour: str, tolerance: int = 40) -> np.ndarray:
    c = QColor(colour)
    return np.abs(rgb - (c.red(), c.green(), c.blue())).sum(axis=-1) <= tolerance


def test_step_points_are_the_histogram_corners_down_to_the_baseline():
    edges, heights = np.array([0.0, 1.0, 3.0]), np.array([2.0, 5.0])
    x, y = step_points(edges, heights, None)
    np.testing.assert_array_equal(x, [0, 1, 1, 3])
    np.testing.assert_array_equal(y, [2, 2, 5, 5])
    x, y = step_points(edges, heights, 0.0)
    np.testing.assert_array_equal(x, [0, 0, 1, 1, 3, 3])
    np.testing.assert_array_equal(y, [0, 2, 2, 5, 5, 0])
    assert all(part.size == 0 for part in step_points(np.array([0.0]), np.empty(0), 0.0))


def test_a_filled_step_histogram_paints_each_bar_to_its_height(qtbot, plot):
    curve = Curve(step=True, fill_level=0.0)
    curve.setPen(None)
    curve.setBrush("#ff0000")
    plot.addItem(curve)
    curve.setData([0.0, 1.0, 2.0, 3.0, 4.0], [0.5, 2.0, 0.0, 1.0])
    filled = is_colour(pixels(plot), "#ff0000")
    width, height = SIZE
    for bar, level in enumerate((0.5, 2.0, 0.0, 1.0)):
        column = filled[:, int((bar + 0.5) * width / 4)]
        assert abs(column.sum() - level / 2 * height) <= 2, bar  # filled up to the bar's height…
        if level:
            assert column[-int(level / 2 * height) + 2:].all(), bar  # …from the baseline


def test_the_pen_draws_the_steps_and_their_ends_but_not_the_baseline(qtbot, plot):
    plot.getPlotItem().setRange(xRange=(0, 4), yRange=(-1, 2), padding=0)  # the baseline (y = 0) in view
    curve = Curve(step=True, fill_level=0.0)
    curve.setPen("#0000ff", width=3)
    curve.setBrush(None)
    plot.addItem(curve)
    curve.setData([1.0, 2.0, 3.0], [1.0, 1.5])
    line = is_colour(pixels(plot), "#0000ff")
    baseline = round(2 / 3 * SIZE[1])  # y = 0 of −1 … 2, from the top
    assert line[baseline - 1:baseline + 2, 50:100].any()  # the left end drops to the baseline…
    assert not line[baseline - 1:baseline + 2, 60:140].any()  # …and no line runs along it


def test_a_line_breaks_at_non_finite_points_and_dots_only_finite_ones(qtbot, plot):
    curve = Curve(symbol_size=9)
    curve.setPen("#0000ff", width=3)
    curve.setSymbolPen("#00aa00")
    curve.setSymbolBrush("#00aa00")
    plot.addItem(curve)
    curve.setData([0.5, 1.5, 2.5, 3.5], [1.0, 1.0, np.nan, 1.0])
    rgb = pixels(plot)
    row = SIZE[1] // 2
    line = is_colour(rgb[row], "#0000ff")
    assert line[60:90].any()  # between the first two points
    assert not line[160:170].any()  # between 2.5 (nan) and 3.5: no line
    dots = is_colour(rgb, "#00aa00")
    for x in (0.5, 1.5, 3.5):
        assert dots[row, int(x * SIZE[0] / 4)], x
    assert not dots[:, 120:130].any()  # no dot for the nan point
    np.testing.assert_array_equal(curve.getData()[1][[0, 3]], [1.0, 1.0])


def test_the_bounds_hold_the_pen_and_the_dots_at_every_zoom(qtbot, plot):
    curve = Curve(symbol_size=10)
    curve.setPen("#0000ff", width=4)
    plot.addItem(curve)
    curve.setData([1.0, 3.0], [0.5, 1.5])
    view_box = plot.getPlotItem().vb
    for x_range in ((0, 4), (0.9, 1.1), (-10, 10)):
        plot.getPlotItem().setRange(xRange=x_range, yRange=(0, 2), padding=0)
        view_box.updateMatrix()  # as a paint does (the view box applies a new range lazily)
        bounds = view_box.mapViewToDevice(curve.mapRectToView(curve.boundingRect())).boundingRect()
        for x, y in ((1.0, 0.5), (3.0, 1.5)):
            point = view_box.mapViewToDevice(QPointF(x, y))
            # 5 px around each point: half a dot (the pen reaches less far).
            assert bounds.left() <= point.x() - 5 and bounds.right() >= point.x() + 5, x_range
            assert bounds.top() <= point.y() - 5 and bounds.bottom() >= point.y() + 5, x_range
    assert curve.dataBounds(0) == (1.0, 3.0) and curve.dataBounds(1) == (0.5, 1.5)


def test_no_data_paints_nothing_and_has_no_bounds(qtbot, plot):
    curve = Curve(step=True, fill_level=0.0)
    curve.setBrush("#ff0000")
    plot.addItem(curve)
    curve.setData(np.empty(0), np.empty(0))
    assert curve.boundingRect().isEmpty() and curve.dataBounds(1) == (None, None)
    assert not is_colour(pixels(plot), "#ff0000").any()


def test_a_log_plot_draws_decades_and_keeps_the_values_set(qtbot, plot):
    curve = Curve()
    plot.addItem(curve)
    curve.setData([1.0, 2.0, 3.0], [10.0, 0.0, 1000.0])
    curve.set_log_y(True)
    np.testing.assert_array_equal(curve.getData()[1], [1.0, -np.inf, 3.0])  # 0 has no logarithm: not drawn
    np.testing.assert_array_equal(curve.getOriginalDataset()[1], [10.0, 0.0, 1000.0])
    assert curve.dataBounds(1) == (1.0, 3.0)
    curve.set_log_y(False)
    assert curve.dataBounds(1) == (0.0, 1000.0)
