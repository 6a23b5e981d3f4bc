"""Presentation mode: lecture scenes name their panels, the scene title stays clear of the graph."""

import pytest
from PySide6.QtCore import QSettings, Qt

from nnviz.core import Network
from nnviz.core.scenes import PANELS, Scene, SceneFileError, scenes_from_dict, scenes_to_dict
from nnviz.gui.main_window import MainWindow
from nnviz.gui.preferences import Preferences


@pytest.fixture
def window(qtbot, tmp_path):
    w = MainWindow(preferences=Preferences(QSettings(str(tmp_path / "preferences.ini"), QSettings.IniFormat)))
    w.document._ask_save_changes = lambda: "discard"
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_scene_panels_round_trip_and_unknown_names_are_refused():
    scene = Scene("Deep", Network([2, 3, 1], seed=1), panels=("graph", "depth_view"))
    doc = scenes_to_dict([scene])
    assert doc["scenes"][0]["panels"] == ["graph", "depth_view"]
    assert scenes_from_dict(doc)[0].panels == ("graph", "depth_view")
    doc["scenes"][0]["panels"] = ["graph", "slides"]
    with pytest.raises(SceneFileError, match="unknown panel.*'slides'"):
        scenes_from_dict(doc)
    assert set(PANELS) >= {"graph", "activation_plot", "depth_view", "histograms", "training", "decision_plane"}


def test_a_scene_shows_the_panels_it_names_in_presentation_mode_and_the_layout_comes_back(window, qtbot):
    assert window.document.open_example_lecture()
    window.document.show_scene(2)  # "Deep sigmoid: vanishing": graph, depth view, histograms
    normal = {dock.objectName(): dock.isVisible() for dock in (window.plot_dock, window.init_dock)}
    window.presentation_action.trigger()
    qtbot.wait(1)
    assert window.init_dock.isVisible() and window.init_explorer.depth_view.isVisible()
    assert not window.plot_dock.isVisible() and not window.training_dock.isVisible()
    assert window.init_dock.width() >= 0.35 * window.width()
    window.document.show_scene(0)  # the tutorial: graph and activation plot
    qtbot.wait(1)
    assert window.plot_dock.isVisible() and not window.init_dock.isVisible()
    window.presentation_action.trigger()
    qtbot.wait(1)
    assert {dock.objectName(): dock.isVisible() for dock in (window.plot_dock, window.init_dock)} == normal


def test_the_scene_title_does_not_cover_the_first_layer(window, qtbot):
    assert window.document.open_example_lecture()
    window.presentation_action.trigger()
    qtbot.wait(1)
    title = window.scene_title.geometry()
    assert window.scene_title.isVisible()
    node = window.view.mapFromScene(window.view.node_scene_pos(0, 0))
    look = window.appearance
    from nnviz.gui.network_view.nodes import TITLE_MARGIN_PX

    column_title_top = node.y() - TITLE_MARGIN_PX * look.scale  # the header sits this far above the nodes
    assert column_title_top >= title.bottom()


def test_in_presentation_mode_the_depth_plots_and_the_scene_title_fit_beside_each_other(window, qtbot):
    window.resize(1280, 800)  # a projector's width
    assert window.document.open_example_lecture()
    window.document.show_scene(2)  # "Deep sigmoid: vanishing": the depth plots at the presentation scale
    window.presentation_action.trigger()
    depth = window.init_explorer.depth_view
    qtbot.waitUntil(lambda: depth.isVisible() and depth.width() >= depth.ci.effectiveSizeHint(Qt.MinimumSize).width())
    title = window.scene_title.geometry()
    assert title.left() >= 0 and title.right() <= window.view.width()  # not cut by the dock beside the view
