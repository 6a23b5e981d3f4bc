"""Launch: with a saved dock layout the panels come just after the first paint, and nothing else changes."""

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDockWidget, QScrollArea

from nnviz.core import Network
from nnviz.gui.errors import install_exception_hook
from nnviz.gui.main_window import MainWindow
from nnviz.gui.preferences import Preferences
from nnviz.gui.window_panels import PANEL_ATTRIBUTES

PANEL_OF_DOCK = {"activationDock": "activationPlot", "initDock": "initExplorer", "trainingDock": "trainingPanel",
                 "boundaryDock": "decisionBoundary", "raceDock": "initRace", "propagationDock": "propagationMap",
                 "imageInputDock": "imageInputPanel", "outputDock": "outputBars",
                 "receptiveFieldsDock": "receptiveFields", "confusionDock": "confusionMatrix"}


@pytest.fixture
def preferences(tmp_path):
    return Preferences(QSettings(str(tmp_path / "preferences.ini"), QSettings.IniFormat))


def make_window(qtbot, preferences, network=None):
    window = MainWindow(network, preferences=preferences)
    window.document._ask_save_changes = lambda: "discard"
    qtbot.addWidget(window)
    return window


@pytest.fixture
def saved_layout(qtbot, preferences):
    """Preferences holding the layout of a window that was shown and closed, as after any earlier session."""
    first = make_window(qtbot, preferences, Network([784, 16, 10], seed=1))
    first.show()
    qtbot.waitUntil(lambda: first.default_layout_applied)
    first.close()
    # The test screen (800 × 800) is smaller than the window: its restored geometry would shrink it, and then
    # the saved dock sizes no longer fit and the panels' smallest sizes lay them out again. Same size here.
    preferences.qsettings.remove("v1/geometry")
    return preferences


def shown_panel(dock: QDockWidget):
    widget = dock.widget()
    return widget.widget() if isinstance(widget, QScrollArea) else widget


def visible_dock_geometries(window) -> dict:
    return {d.objectName(): d.geometry().getRect() for d in window.findChildren(QDockWidget) if d.isVisible()
            and not d.visibleRegion().isEmpty()}


def test_the_first_launch_builds_every_panel_before_showing(qtbot, preferences):
    window = make_window(qtbot, preferences)
    assert window.panels_built  # the default dock sizes follow the panels' smallest sizes
    for dock_name, panel_name in PANEL_OF_DOCK.items():
        assert shown_panel(window.findChild(QDockWidget, dock_name)).objectName() == panel_name


def test_with_a_saved_layout_the_panels_come_after_the_first_paint_and_nothing_moves(qtbot, saved_layout):
    window = make_window(qtbot, saved_layout, Network([784, 16, 10], seed=1))
    assert not window.panels_built
    assert all(name not in vars(window) for name in PANEL_ATTRIBUTES)
    docks = {d.objectName() for d in window.findChildren(QDockWidget)}
    assert set(PANEL_OF_DOCK) | {"controlsDock"} <= docks  # the saved layout restores onto them
    assert window.train_menu.actions() == []
    window.show()
    qtbot.waitExposed(window)
    before = visible_dock_geometries(window)
    qtbot.waitUntil(lambda: window.panels_built)
    for dock_name, panel_name in PANEL_OF_DOCK.items():
        assert shown_panel(window.findChild(QDockWidget, dock_name)).objectName() == panel_name
    qtbot.wait(50)  # the panels' own layout requests
    assert visible_dock_geometries(window) == before
    assert window.image_dock.visibleRegion().isEmpty() is False  # image inputs: the image tab in front
    assert {a.objectName() for a in window.train_menu.actions()} >= {a.objectName() for a in
                                                                     window.training.menu_actions()["Train"]}
    assert set(window.init_explorer.actions()) <= set(window.network_menu.actions())


def test_a_panel_used_before_the_first_paint_is_built_at_once(qtbot, saved_layout):
    window = make_window(qtbot, saved_layout)
    install_exception_hook(window).uninstall()  # wires the training runner, builds nothing
    assert not window.panels_built
    assert window.init_explorer.objectName() == "initExplorer"
    assert window.panels_built
    assert shown_panel(window.training_dock) is window.training
    with pytest.raises(AttributeError):
        window.no_such_panel  # noqa: B018 - only the panels are built on demand


def test_closing_before_the_panels_exist_builds_none_and_still_saves(qtbot, saved_layout):
    window = make_window(qtbot, saved_layout)
    saved_layout.qsettings.remove("v1/windowState")
    window.close()
    assert not window.panels_built
    assert saved_layout.window_state() is not None


def test_the_inputs_of_the_network_choose_the_front_tab_over_the_saved_one(qtbot, saved_layout):
    """The saved layout had image inputs (the input image in front); four inputs are no image."""
    window = make_window(qtbot, saved_layout, Network([4, 8, 3], seed=1))
    window.show()
    qtbot.waitUntil(lambda: window.panels_built)
    qtbot.waitUntil(lambda: not window.plot_dock.visibleRegion().isEmpty())
    assert window.image_dock.visibleRegion().isEmpty()
    window.state.set_layer_size(0, 784)  # an image now: its tab comes forward
    qtbot.waitUntil(lambda: not window.image_dock.visibleRegion().isEmpty())
    window.state.set_layer_size(0, 5)  # and goes back when the inputs stop being one
    qtbot.waitUntil(lambda: not window.plot_dock.visibleRegion().isEmpty())
