"""The network view follows the state, stays light on items, explains and edits what is hovered."""

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QWheelEvent
from PySide6.QtWidgets import QApplication

from nnviz.core import Network
from nnviz.gui.appearance import Appearance
from nnviz.gui.colors import theme_colors
from nnviz.gui.edge_item import EdgeLayerItem
from nnviz.gui.network_text import number
from nnviz.gui.network_view import NetworkView
from nnviz.gui.state import NetworkState


def pixels(image: QImage) -> np.ndarray:
    """``(h, w, 3)`` uint8 RGB of ``image``."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    raw = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return raw[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


def grab(view) -> np.ndarray:
    return pixels(view.viewport().grab().toImage())


def make_view(qtbot, sizes=(2, 4, 2), inputs=(3.0, 4.0), appearance=None, size=(800, 500), **network_kw):
    state = NetworkState(Network(list(sizes), seed=7, **network_kw), inputs=inputs)
    view = NetworkView(state, appearance)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    state.flush()
    return state, view


def viewport_point(view, scene_pos) -> QPoint:
    return view.mapFromScene(scene_pos)


def edge_items(view):
    return sorted((i for i in view.scene().items() if isinstance(i, EdgeLayerItem)), key=lambda i: i.layer)


def test_object_name_and_actions(qtbot):
    _, view = make_view(qtbot)
    assert view.objectName() == "networkView"
    texts = [a.text() for a in view.actions()]
    assert any("Fit" in t for t in texts) and any("Clear" in t for t in texts)
    assert all(a.shortcut().isEmpty() for a in view.actions())  # the window owns F; no ambiguity


def test_changing_a_weight_changes_the_picture(qtbot):
    state, view = make_view(qtbot)
    before = grab(view)
    state.set_weight(0, 1, 0, -state.network.weights[0][1, 0] + 2.0)
    state.flush()
    after = grab(view)
    assert np.abs(before.astype(int) - after).sum() > 1000


def test_reroll_changes_the_picture(qtbot):
    state, view = make_view(qtbot, sizes=(3, 5, 2), inputs=(1.0, 0.5, -1.0))
    before = grab(view)
    state.reroll()
    state.flush()
    assert np.abs(before.astype(int) - grab(view)).sum() > 1000


def test_input_change_recolours_nodes_without_rebuilding_edges(qtbot):
    state, view = make_view(qtbot)
    edges_before = [item.edges for item in edge_items(view)]
    before = grab(view)
    state.set_input(0, -3.0)
    state.flush()
    assert np.abs(before.astype(int) - grab(view)).sum() > 1000
    assert [item.edges for item in edge_items(view)] == edges_before  # the very same objects


def test_both_signs_show_blue_and_red(qtbot):
    state, view = make_view(qtbot, sizes=(4, 6, 3), inputs=(1, 2, 3, 4))
    w = state.network.weights[0]
    assert (w > 0).any() and (w < 0).any()
    image = grab(view).astype(int)
    r, g, b = image[..., 0], image[..., 1], image[..., 2]
    blue = (b > r + 60) & (b > g + 20)
    red = (r > g + 60) & (r > b + 60)
    assert blue.sum() > 200 and red.sum() > 200


def test_dark_theme_has_a_dark_background(qtbot):
    appearance = Appearance()
    _, view = make_view(qtbot, appearance=appearance)
    assert grab(view)[5, 5].tolist() == [255, 255, 255]
    appearance.set(theme="dark")
    corner = grab(view)[5, 5]
    assert corner.max() < 60
    assert view.render_image(200, 100).pixelColor(1, 1).name() == theme_colors("dark").background


def test_scene_items_stay_few_for_a_big_network(qtbot):
    rng = np.random.default_rng(0)
    state, view = make_view(qtbot, sizes=(784, 128, 64, 10), inputs=rng.random(784))
    view.grab()
    n_items = len(view.scene().items())
    assert n_items < 50
    # Level of detail is per layer: the 784-wide fan keeps edges from all over the band.
    first = edge_items(view)[0].edges
    assert len(first) == view.appearance.max_edges_per_layer
    assert len(np.unique(first.frm)) > 700


def test_scene_items_do_not_grow_over_structure_changes(qtbot):
    state, view = make_view(qtbot)
    shapes = [(2, 4, 2), (3, 5, 5, 2), (4, 8, 8, 8, 3), (2, 3, 2), (5, 1)]
    counts = []
    for i in range(200):
        sizes = shapes[i % len(shapes)]
        state.set_layer_sizes(sizes)
        state.flush()
        QApplication.processEvents()
        assert len(edge_items(view)) == len(sizes) - 1
        counts.append(len(view.scene().items()) - len(sizes))
    assert max(counts) == min(counts) and max(counts) < 50


def test_node_tooltip_shows_z_and_a(qtbot):
    state, view = make_view(qtbot)
    trace = state.trace
    text = view.tooltip_text(view.node_scene_pos(1, 2))
    assert "Hidden 1" in text and "node 3" in text
    assert number(trace.pre[0][2]) in text and number(trace.post[1][2]) in text
    assert "σ" in text
    assert "4.000" in view.tooltip_text(view.node_scene_pos(0, 1))  # input: just its value
    assert view.tooltip_text(view.node_scene_pos(1, 0) + QPointF(0, -400)) == ""


def test_edge_tooltip_shows_weight_and_nodes(qtbot):
    state, view = make_view(qtbot)
    text = view.tooltip_text(view.edge_scene_pos(1, 0, 3, along=0.3))
    assert number(state.network.weights[1][0, 3]) in text
    assert "Hidden 1 · node 4" in text and "Output · node 1" in text


def test_clicking_an_edge_opens_an_editor_that_sets_the_weight(qtbot):
    state, view = make_view(qtbot)
    with qtbot.waitSignal(view.edgeClicked) as clicked:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                         pos=viewport_point(view, view.edge_scene_pos(0, 2, 1, along=0.3)))
    assert clicked.args == [0, 2, 1]
    assert view.selected == ("edge", 0, 2, 1)
    editor = view.weight_editor
    assert editor.isVisible()
    editor.spin.setValue(0.75)
    assert state.network.weights[0][2, 1] == pytest.approx(0.75)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)  # Escape restores the value it opened with
    assert not editor.isVisible()
    assert state.network.weights[0][2, 1] != pytest.approx(0.75)


def test_alt_wheel_and_arrows_nudge_the_selected_edge(qtbot):
    state, view = make_view(qtbot)
    view.select_edge(1, 1, 2)
    start = state.network.weights[1][1, 2]
    centre = QPointF(viewport_point(view, view.edge_scene_pos(1, 1, 2)))
    wheel = QWheelEvent(centre, view.viewport().mapToGlobal(centre), QPoint(), QPoint(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.AltModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    QApplication.sendEvent(view.viewport(), wheel)
    assert state.network.weights[1][1, 2] == pytest.approx(start + 0.05)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert state.network.weights[1][1, 2] == pytest.approx(start)


def test_clicking_a_node_highlights_its_edges_and_escape_clears(qtbot):
    state, view = make_view(qtbot)
    before = grab(view)
    with qtbot.waitSignal(view.nodeClicked) as clicked:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                         pos=viewport_point(view, view.node_scene_pos(1, 1)))
    assert clicked.args == [1, 1]
    assert view.selected == ("node", 1, 1)
    highlighted = grab(view)
    assert np.abs(before.astype(int) - highlighted).sum() > 1000
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert view.selected is None
    assert np.abs(before.astype(int) - grab(view)).sum() == 0


def test_clicking_empty_space_clears_the_selection(qtbot):
    _, view = make_view(qtbot)
    view.select_node(0, 0)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(3, 3))
    assert view.selected is None


def test_selection_survives_only_while_it_exists(qtbot):
    state, view = make_view(qtbot)
    view.select_node(1, 3)
    state.set_layer_sizes([2, 2, 2])
    state.flush()
    view.grab()
    assert view.selected is None
    for bad in ((5, 0), (-1, 0), (1, -1)):
        with pytest.raises(ValueError):
            view.select_node(*bad)
    with pytest.raises(ValueError):
        view.select_edge(0, 0, -1)  # a bias edge, but the network has no biases


def test_marked_nodes_appear(qtbot):
    _, view = make_view(qtbot)
    mark = np.array([int(theme_colors("light").mark[i:i + 2], 16) for i in (1, 3, 5)])
    def marked_pixels():
        return (np.abs(grab(view).astype(int) - mark).sum(axis=2) < 40).sum()
    assert marked_pixels() == 0
    view.set_marked_nodes({1: [0, 2]})
    assert marked_pixels() > 100
    view.set_marked_nodes({})
    assert marked_pixels() == 0


def test_bias_units_and_their_edges(qtbot):
    state, view = make_view(qtbot, bias=True)
    state.set_bias_value(0, 1, 0.8)
    state.flush()
    view.grab()
    assert (edge_items(view)[0].edges.frm == -1).sum() == 4
    text = view.tooltip_text(view.edge_scene_pos(0, 1, -1, along=0.6))
    assert "bias" in text and number(0.8) in text
    assert "Bias unit" in view.tooltip_text(view.edge_scene_pos(0, 1, -1, along=0.0))


def test_render_image_has_the_size_asked_and_is_not_blank(qtbot):
    _, view = make_view(qtbot)
    image = view.render_image(640, 360)
    assert (image.width(), image.height()) == (640, 360)
    rgb = pixels(image)
    assert len(np.unique(rgb.reshape(-1, 3), axis=0)) > 50
    assert rgb[0, 0].tolist() == [255, 255, 255]


def test_render_image_works_for_a_view_never_shown():
    state = NetworkState(Network([3, 5, 2], seed=1), inputs=(1, 2, 3))
    view = NetworkView(state)
    image = view.render_image(300, 200)
    assert (image.width(), image.height()) == (300, 200)
    assert len(np.unique(pixels(image).reshape(-1, 3), axis=0)) > 20
    view.deleteLater()


def test_render_svg_is_parseable_with_an_element_per_edge_and_node(qtbot, tmp_path):
    _, view = make_view(qtbot, sizes=(3, 5, 2), inputs=(1, 2, 3))
    path = tmp_path / "net.svg"
    view.render_svg(path, 800, 500)
    root = ET.parse(path).getroot()
    tags = [element.tag.rsplit("}", 1)[-1] for element in root.iter()]
    assert tags.count("polyline") + tags.count("line") + tags.count("path") >= 3 * 5 + 5 * 2
    assert tags.count("circle") + tags.count("ellipse") >= 3 + 5 + 2
    assert root.get("viewBox") == "0 0 800 500"


def test_render_svg_to_a_bad_path_raises(qtbot, tmp_path):
    _, view = make_view(qtbot)
    with pytest.raises(OSError):
        view.render_svg(tmp_path / "missing" / "net.svg", 100, 100)


def test_node_images_replace_the_fill_and_go_away(qtbot):
    _, view = make_view(qtbot)
    plain = grab(view)
    ramp = np.tile(np.linspace(-1, 1, 32), (32, 1))
    view.set_node_images({(1, i): ramp for i in range(4)})
    pictured = grab(view)
    assert np.abs(plain.astype(int) - pictured).sum() > 1000
    view.set_node_images({})
    assert np.abs(plain.astype(int) - grab(view)).sum() == 0


def test_diverged_weights_do_not_break_the_picture(qtbot):
    state, view = make_view(qtbot)
    state.network.weights[0][0, 0] = np.inf
    state.network.weights[1][1, 1] = np.nan
    state.notify_weights_changed()
    state.flush()
    assert grab(view).shape[0] > 0
    assert "nan" in view.tooltip_text(view.node_scene_pos(2, 1))


def test_editor_closes_when_its_edge_disappears(qtbot):
    state, view = make_view(qtbot)
    view.edit_edge(1, 1, 3)
    editor = view.weight_editor
    assert editor.isVisible() and view.selected == ("edge", 1, 1, 3)
    state.set_layer_sizes([2, 2, 2])
    state.flush()
    view.grab()
    assert not editor.isVisible() and view.selected is None


def test_marks_outside_the_network_are_dropped(qtbot):
    _, view = make_view(qtbot)
    view.set_marked_nodes({1: [0, 99], 7: [1]})
    view.grab()  # nothing raised; the one real node is marked
    mark = np.array([int(theme_colors("light").mark[i:i + 2], 16) for i in (1, 3, 5)])
    assert (np.abs(grab(view).astype(int) - mark).sum(axis=2) < 40).sum() > 50


def test_level_of_detail_follows_the_appearance(qtbot):
    appearance = Appearance()
    appearance.set(max_edges_per_layer=500)
    _, view = make_view(qtbot, sizes=(100, 50, 3), inputs=np.linspace(0, 1, 100), appearance=appearance)
    view.grab()
    first = edge_items(view)[0].edges
    assert len(first) == 500
    weights = view.state.network.weights[0]
    assert np.abs(first.values).min() >= np.sort(np.abs(weights).ravel())[-500]  # the strongest ones
    appearance.set(max_edges_per_layer=None)
    view.grab()
    assert len(edge_items(view)[0].edges) == weights.size
