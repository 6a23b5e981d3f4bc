"""The initialisation explorer in the window: nothing clipped after Pin as A, readable ticks, shared axes."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QSettings
from PySide6.QtWidgets import QCheckBox

from nnviz.gui.init_explorer.axes import sparse_ticks
from nnviz.gui.main_window import MainWindow
from nnviz.gui.preferences import Preferences


@pytest.fixture
def window(qtbot, tmp_path):
    w = MainWindow(preferences=Preferences(QSettings(str(tmp_path / "preferences.ini"), QSettings.IniFormat)))
    w.document._ask_save_changes = lambda: "discard"
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.init_explorer.stats is not None)
    return w


def right_edge_in_dock(window, graphics_view, item) -> int:
    """The x of ``item``'s right edge in the dock's coordinates."""
    rect = graphics_view.mapFromScene(item.sceneBoundingRect()).boundingRect()
    return graphics_view.viewport().mapTo(window.init_dock, QPoint(rect.right(), 0)).x()


def test_after_pin_as_a_the_last_histogram_column_and_the_depth_plots_fit_the_dock(window, qtbot):
    explorer = window.init_explorer
    explorer.pin()
    window.state.set_init("he_normal")
    window.state.set_activation("relu")  # the label names A's long settings, the titles both σ
    qtbot.waitUntil(lambda: explorer.pinned_stats is not None and explorer.up_to_date)
    window.grab()  # lays out and paints everything, as on screen
    dock_width = window.init_dock.width()
    assert dock_width <= 420  # the default layout: the dock is narrow, which is the point
    for row in explorer.rows:
        assert right_edge_in_dock(window, explorer.layers_view, row.a_plot) <= dock_width
    for plot in explorer.depth.plots:
        assert right_edge_in_dock(window, explorer.depth_view, plot) <= dock_width
    assert right_edge_in_dock(window, explorer.depth_view, explorer.depth.legend) <= dock_width


@pytest.mark.parametrize(("lo", "hi"), [(0.2, 0.8), (-1.2, 4.3), (-0.005, 0.005), (0, 1), (-700, 20000), (3, 3.0001)])
def test_histogram_ticks_are_few_round_and_distinct(lo, hi):
    ticks = sparse_ticks(lo, hi)
    values = [v for v, _ in ticks]
    labels = [text for _, text in ticks]
    assert 1 <= len(ticks) <= 3 and len(set(labels)) == len(labels)
    assert all(lo - 1e-12 <= v <= hi + 1e-12 for v in values)
    np.testing.assert_allclose([float(t.replace("−", "-")) for t in labels], values, rtol=1e-9, atol=1e-12)


def test_shared_axes_give_every_layer_the_same_x_range_and_height(window, qtbot):
    window.state.set_hidden_layer_count(3)
    explorer = window.init_explorer
    explorer.findChild(QCheckBox, "sharedAxes").setChecked(True)
    qtbot.waitUntil(lambda: explorer.up_to_date and len(explorer.rows) == 4)
    for column in ("w_plot", "z_plot", "a_plot"):
        ranges = {tuple(np.round(getattr(row, column).vb.viewRange(), 9).ravel()) for row in explorer.rows}
        assert len(ranges) == 1, column
