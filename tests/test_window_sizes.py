"""The window at a laptop's and a projector's sizes: it fits, the graph gets room, long texts elide."""

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QComboBox

from nnviz.gui.main_window import MainWindow
from nnviz.gui.preferences import Preferences


@pytest.fixture
def window(qtbot, tmp_path):
    w = MainWindow(preferences=Preferences(QSettings(str(tmp_path / "preferences.ini"), QSettings.IniFormat)))
    w.document._ask_save_changes = lambda: "discard"
    qtbot.addWidget(w)
    return w


@pytest.mark.parametrize("size", [(1024, 640), (1280, 720)])
def test_the_window_fits_small_screens_and_the_graph_gets_a_third_or_more(window, qtbot, size):
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.view.width() >= 0.35 * size[0])  # once the default dock sizes apply
    assert (window.width(), window.height()) == size  # no panel forces a bigger window


def test_an_elided_combo_names_its_whole_choice_in_the_tool_tip(window, qtbot):
    window.resize(1024, 640)
    window.show()
    qtbot.waitExposed(window)
    combo = window.controls.findChild(QComboBox, "init")
    combo.setCurrentIndex(combo.findData("truncated_normal"))
    combo.resize(120, combo.height())
    assert combo.is_elided()
    assert combo.toolTip().startswith(combo.currentText())
    combo.resize(600, combo.height())
    assert not combo.is_elided() and not combo.toolTip().startswith(combo.currentText())

