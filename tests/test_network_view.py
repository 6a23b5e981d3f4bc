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
from nnviz.gui.network_view import NetworkView
from nnviz.gui.network_view.edge_layer import WINDOW_MARGIN, EdgeLayerItem
from nnviz.gui.network_view.legend import legend_height
from nnviz.gui.network_view.node_raster import ColumnMasks, LastTwo
from nnviz.gui.network_view.text import number
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
    view = NetworkView(state, appearance or Appearance())
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


def test_a_new_seed_or_activation_keeps_the_layout_and_paints_as_a_new_view_would(qtbot):
    state, view = make_view(qtbot, sizes=(12, 9, 3), inputs=np.linspace(-1, 1, 12))
    layout = view._layout
    masks = dict(view._node_item._raster_cache.current)
    state.reroll()
    state.set_activation("relu")
    state.flush()
    shown = grab(view)
    assert view._layout is layout  # the nodes stay where they are
    assert all(view._node_item._raster_cache.current[key][1] is masks[key][1] for key in masks)
    fresh_state, fresh = make_view(qtbot, sizes=(12, 9, 3), inputs=np.linspace(-1, 1, 12), activation="relu")
    for mine, theirs in zip(fresh_state.network.weights, state.network.weights):
        mine[:] = theirs
    fresh_state.notify_weights_changed()
    fresh_state.flush()
    np.testing.assert_array_equal(shown, grab(fresh))  # fitted to the new activation's titles too
    state.set_bias(not state.network.bias)  # bias units come or go: laid out anew
    state.flush()
    grab(view)
    assert view._layout is not layout and (view._layout.bias_positions is not None) == state.network.bias


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
    view = NetworkView(state, Appearance())
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


def settle_legend(qtbot, view) -> None:
    """Wait until the legend strip has the height its width needs (the layout follows a turn later)."""
    bar = view._color_bar
    qtbot.waitUntil(lambda: round(bar.size().height()) == round(legend_height(bar.legend, bar.size().width())))


def background_rgb(view) -> list[int]:
    return [int(theme_colors(view.appearance.theme).background[i:i + 2], 16) for i in (1, 3, 5)]


@pytest.mark.parametrize("scale", [1.0, 1.75, 2.5])
@pytest.mark.parametrize("width", [320, 480, 580, 900, 1400])
def test_titles_and_legend_stay_inside_the_view(qtbot, width, scale):
    appearance = Appearance()
    appearance.set(scale=scale)
    _, view = make_view(qtbot, appearance=appearance, size=(width, 480 if width < 900 else 700))
    settle_legend(qtbot, view)
    image = grab(view)
    background = background_rgb(view)
    # Nothing drawn touches an edge of the view: no title or legend is cut off.
    for edge in (image[:, :2], image[:, -2:], image[:2], image[-2:]):
        assert (edge.reshape(-1, 3) == background).all()
    # The legend is there: both colour bars show their ends (viridis yellow, the weight map's red).
    legend = image[-int(view._color_bar.size().height()):].reshape(-1, 3).astype(int)
    assert ((legend[:, 0] > 200) & (legend[:, 1] > 200) & (legend[:, 2] < 90)).sum() > 4
    assert ((legend[:, 0] > 150) & (legend[:, 1] < 60) & (legend[:, 2] < 60)).sum() > 4


def test_a_small_view_at_a_big_scale_keeps_its_legend_whole(qtbot):
    appearance = Appearance()
    appearance.set(scale=2.0)
    _, view = make_view(qtbot, appearance=appearance, size=(400, 300))
    settle_legend(qtbot, view)
    assert view._color_bar.size().height() > 2 * 34  # two rows
    image = grab(view)
    assert (image[:, :2].reshape(-1, 3) == background_rgb(view)).all()
    assert (image[:, -2:].reshape(-1, 3) == background_rgb(view)).all()


def test_hover_and_click_to_edit_work_in_a_narrow_scaled_view(qtbot):
    appearance = Appearance()
    appearance.set(scale=2.5)
    state, view = make_view(qtbot, appearance=appearance, size=(480, 480))
    assert "Hidden 1 · node 2" in view.tooltip_text(view.node_scene_pos(1, 1))
    assert number(state.network.weights[1][1, 2]) in view.tooltip_text(view.edge_scene_pos(1, 1, 2, along=0.4))
    with qtbot.waitSignal(view.edgeClicked) as clicked:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                         pos=viewport_point(view, view.edge_scene_pos(1, 1, 2, along=0.4)))
    assert clicked.args == [1, 1, 2]
    view.weight_editor.spin.setValue(-0.3)
    assert state.network.weights[1][1, 2] == pytest.approx(-0.3)


def ink_box(rgb: np.ndarray, background) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of everything that is not background."""
    ys, xs = np.nonzero((rgb != background).any(axis=2))
    return xs.min(), ys.min(), xs.max(), ys.max()


def test_an_export_fills_its_frame_like_a_slide(qtbot):
    _, view = make_view(qtbot)
    for width, height in ((1280, 720), (1920, 1080), (2560, 1440)):
        x0, y0, x1, y1 = ink_box(pixels(view.render_image(width, height)), background_rgb(view))
        assert x1 - x0 > 0.9 * width and y1 - y0 > 0.9 * height
        assert x0 > 0 and y0 > 0 and x1 < width - 1 and y1 < height - 1  # but nothing cut off


def test_a_bigger_export_is_the_same_picture_sharper(qtbot):
    def halved(image: np.ndarray) -> np.ndarray:
        return image.reshape(image.shape[0] // 2, 2, image.shape[1] // 2, 2, 3).mean(axis=(1, 3))

    for sizes in ((3, 5, 2), (6, 24, 24, 4)):  # a tiny network fills the frame; a bigger one fits it
        _, view = make_view(qtbot, sizes=sizes, inputs=np.linspace(0, 1, sizes[0]))
        small = pixels(view.render_image(1920, 1080)).astype(float)
        big = pixels(view.render_image(3840, 2160)).astype(float)
        assert np.abs(halved(big) - small).mean() < 3.0
    # The export's Scale ×2: twice the pixels, the same picture.
    plain = pixels(view.render_image(640, 360)).astype(float)
    sharp = pixels(view.render_image(1280, 720, scale=2.0)).astype(float)
    unscaled = pixels(view.render_image(1280, 720)).astype(float)
    assert np.abs(halved(sharp) - plain).mean() < 10.0
    assert np.abs(halved(unscaled) - plain).mean() > 20.0  # (labels half as big: another picture)


@pytest.mark.parametrize("width,height,scale", [(1001, 333, 1.0), (640, 360, 1.5), (3840, 2160, 1.0)])
def test_render_image_has_exactly_the_size_asked(qtbot, width, height, scale):
    _, view = make_view(qtbot)
    image = view.render_image(width, height, scale)
    assert (image.width(), image.height()) == (width, height)


def test_an_export_leaves_out_the_selection(qtbot, tmp_path):
    _, view = make_view(qtbot, bias=True)
    clean = pixels(view.render_image(960, 540))
    clean_svg = tmp_path / "clean.svg"
    view.render_svg(clean_svg, 960, 540)
    for select, where in ((view.select_node, (1, 2)), (view.select_edge, (0, 1, 0)), (view.select_edge, (1, 0, -1))):
        select(*where)
        assert view.selected is not None
        assert np.array_equal(pixels(view.render_image(960, 540)), clean)
        path = tmp_path / "selected.svg"
        view.render_svg(path, 960, 540)
        assert path.read_bytes() == clean_svg.read_bytes()


def test_svg_states_its_size_in_pixels(qtbot, tmp_path):
    from PySide6.QtSvg import QSvgRenderer

    _, view = make_view(qtbot, sizes=(3, 5, 2), inputs=(1, 2, 3))
    path = tmp_path / "net.svg"
    view.render_svg(path, 1280, 720, 2.0)
    root = ET.parse(path).getroot()
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == ("1280", "720", "0 0 1280 720")
    assert QSvgRenderer(str(path)).defaultSize().toTuple() == (1280, 720)


def fan_colours(image: np.ndarray, x0: int, x1: int, y0: int, y1: int) -> tuple[float, float, float]:
    """Fractions of reddish, bluish and other pixels in a rectangle of ``image``."""
    area = image[y0:y1, x0:x1].astype(int)
    red = (area[..., 0] > area[..., 2] + 40).mean()
    blue = (area[..., 2] > area[..., 0] + 40).mean()
    return red, blue, 1 - red - blue


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_dense_fans_show_lines_of_both_signs(qtbot, theme):
    appearance = Appearance()
    appearance.set(theme=theme)
    rng = np.random.default_rng(0)
    state, view = make_view(qtbot, sizes=(784, 512, 512, 10), inputs=rng.random(784), appearance=appearance,
                            size=(580, 480))
    image = grab(view)
    for layer in (0, 1):  # the two big fans, the middle third of each
        left = viewport_point(view, view.node_scene_pos(layer, 0))
        right = viewport_point(view, view.node_scene_pos(layer + 1, 0))
        bottom = viewport_point(view, view.node_scene_pos(layer + 1, state.network.layer_sizes[layer + 1] - 1))
        third = (right.x() - left.x()) // 3
        red, blue, other = fan_colours(image, left.x() + third, right.x() - third, left.y() + 20, bottom.y() - 20)
        # Neither sign covers the other: a weave of single lines, with a little background between.
        assert red > 0.3 and blue > 0.3 and abs(red - blue) < 0.15
        assert other > 0.03


def test_a_selected_node_in_a_dense_fan_keeps_the_faded_rest(qtbot):
    rng = np.random.default_rng(0)
    _, view = make_view(qtbot, sizes=(784, 128, 10), inputs=rng.random(784), size=(580, 480))
    view.select_node(1, 40)
    view.grab()
    pixels_per_unit = 1 / view._viewbox.viewPixelSize()[0]
    item = edge_items(view)[0]
    painted = item._batches_at(pixels_per_unit)
    highlighted = [batch for batch in item._batches if batch.on_top]
    assert sum(len(batch.lines) for batch in highlighted) == 784  # every edge into the node, on top
    on_top = painted[-len(highlighted):]
    assert all(batch.on_top for batch in on_top)
    np.testing.assert_array_equal(np.concatenate([b.lines for b in on_top]),
                                  np.concatenate([b.lines for b in highlighted]))
    assert sum(len(batch.lines) for batch in painted if not batch.on_top) > 500  # and the rest behind them


@pytest.mark.parametrize("scale", [1.0, 2.5, 4.0])
def test_the_legend_fits_every_width(qapp, scale):
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QPainter

    from nnviz.gui.network_view.legend import make_legend, paint_legend

    appearance = Appearance()
    appearance.set(scale=scale)
    legend = make_legend(Network([2, 4, 2], seed=1), appearance, np.array([3.0, 4.0]))
    rows = set()
    for width in range(120, 1800, 41):
        height = legend_height(legend, width)
        image = QImage(width, int(np.ceil(height)), QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        paint_legend(painter, QRectF(0, 0, width, height), legend)
        painter.end()
        rgb = pixels(image)
        assert (rgb[:, :2] == 255).all() and (rgb[:, -2:] == 255).all(), width
        assert (rgb != 255).any(axis=2).sum() > 200  # and it was drawn
        rows.add(1 if height <= 34 * scale else 2)
    assert rows == {1, 2}  # one row when wide, two when narrow


def test_editing_an_edge_too_weak_to_draw_redraws_nothing(qtbot):
    rng = np.random.default_rng(0)
    state, view = make_view(qtbot, sizes=(784, 64, 10), inputs=rng.random(784), size=(580, 480))
    view.grab()
    item = edge_items(view)[0]
    drawn, kept = item._strokes, item.edges
    weakest_kept = np.abs(kept.values).min()
    weights = state.network.weights[0]
    to, frm = np.unravel_index(np.argmin(np.abs(weights)), weights.shape)
    state.set_weight(0, int(to), int(frm), 0.5 * weakest_kept)  # still weaker than every drawn edge
    state.flush()
    view.grab()
    assert item._strokes is drawn
    strongest = int(np.flatnonzero(kept.frm >= 0)[-1])
    edge = (int(kept.to[strongest]), int(kept.frm[strongest]))
    state.set_weight(0, *edge, 0.5 * weakest_kept)  # the strongest drawn edge fades out of the picture
    state.flush()
    view.grab()
    assert item._strokes is not drawn
    assert edge not in set(zip(item.edges.to.tolist(), item.edges.frm.tolist()))


def test_zoomed_far_into_a_digits_network_only_what_is_on_screen_is_drawn(qtbot):
    """A 784-wide column at 40×: its node masks and its fans' lines are cut to the screen (it took seconds)."""
    state, view = make_view(qtbot, sizes=(784, 128, 64, 10), inputs=np.linspace(0, 1, 784), size=(900, 600))
    qtbot.waitUntil(lambda: bool(view._node_item._raster_cache.current))
    view._viewbox.scaleBy((1 / 40, 1 / 40), center=tuple(view._layout.positions[1][64]))
    image = view.viewport().grab().toImage()
    width, height = view.viewport().width(), view.viewport().height()
    columns = [masks for _, masks in view._node_item._raster_cache.current.values() if isinstance(masks, ColumnMasks)]
    assert columns
    for masks in columns:
        assert masks.discs.width() <= width + 200 and masks.discs.height() <= height + 200
    node = view.mapFromScene(view.node_scene_pos(1, 64))
    radius = view._layout.radii[1] / view._viewbox.viewPixelSize()[0]
    assert radius > 30  # a big disc: its colour left of the value in its middle
    assert image.pixelColor(node.x() - int(radius / 2), node.y()) != view.backgroundBrush().color()
    for item in edge_items(view):
        if item._cache is not None and item._cache[1] is not None:
            assert item._cache[1].width() <= (1 + 2 * WINDOW_MARGIN) * width + 4
            assert item._cache[1].height() <= (1 + 2 * WINDOW_MARGIN) * height + 4


def _view_like(qtbot, view, size=(900, 600)):
    """A new view showing exactly the part of ``view`` it shows, then given a copy of its weights (as a
    training step gives them)."""
    network = view.state.network
    state, fresh = make_view(qtbot, sizes=network.layer_sizes, inputs=view.state.inputs, size=size)
    (x0, x1), (y0, y1) = view._viewbox.viewRange()
    fresh._viewbox.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
    assert fresh._viewbox.viewRange() == view._viewbox.viewRange()
    for mine, theirs in zip(state.network.weights, network.weights):
        mine[:] = theirs
    state.notify_weights_changed()
    state.flush()
    return fresh


def _pan_px(view, dx_px: float) -> None:
    """Pan by whole pixels: a picture copied at a fraction of a pixel is a pixel off one drawn anew."""
    view._viewbox.translateBy((round(dx_px) * view._viewbox.viewPixelSize()[0], 0.0))


@pytest.mark.parametrize("zoom", [1.2, 3.0])  # the whole fan cached, or a window of it
def test_zoomed_in_a_fan_is_drawn_about_as_seen_and_a_small_pan_only_copies_it(qtbot, zoom):
    state, view = make_view(qtbot, sizes=(784, 128, 64, 10), inputs=np.linspace(0, 1, 784), size=(900, 600))
    qtbot.waitUntil(lambda: edge_items(view)[1]._cache is not None)
    view._viewbox.scaleBy((1 / zoom, 1 / zoom), center=tuple(view._layout.positions[1][64]))
    view.viewport().grab()
    fan = edge_items(view)[1]  # 128 → 64: at 3× far more than the view, all but a window off screen
    width, height = view.viewport().width(), view.viewport().height()
    assert (len(fan._cache[0]) > 5) == (zoom > 2)  # a window's key says where it is
    assert fan._cache[1].width() <= width + 4 and fan._cache[1].height() <= height + 4  # zoomed: what is seen
    _pan_px(view, 1)  # a drag starts: windows it leaves get a margin for the pans to come
    before = pixels(view.viewport().grab().toImage())
    assert fan._cache[1].width() <= (1 + 2 * WINDOW_MARGIN) * width + 4
    assert fan._cache[1].height() <= (1 + 2 * WINDOW_MARGIN) * height + 4
    pictures = [item._cache[1] for item in edge_items(view) if item._cache is not None]
    masks = dict(view._node_item._raster_cache.current)
    shift = round(0.5 * WINDOW_MARGIN * width)
    _pan_px(view, shift)  # the scene moves left on screen, within the margin
    after = pixels(view.viewport().grab().toImage())
    kept = [item._cache[1] for item in edge_items(view) if item._cache is not None]
    assert len(kept) == len(pictures) and all(a is b for a, b in zip(pictures, kept))  # copied, not drawn again
    assert view._node_item._raster_cache.current[1][1] is masks[1][1]  # the node masks of the column in the middle too
    above_legend = int(0.8 * height)
    np.testing.assert_array_equal(after[:above_legend, :width - shift], before[:above_legend, shift:])


def test_a_pan_keeps_every_fan_s_picture_though_the_scale_s_last_bits_move(qtbot):
    state, view = make_view(qtbot, sizes=(784, 512, 512, 10), inputs=np.linspace(0, 1, 784), size=(1280, 800))
    qtbot.waitUntil(lambda: edge_items(view)[1]._cache is not None)
    view._viewbox.scaleBy((1 / 1.5, 1 / 1.5))
    view.viewport().grab()
    _pan_px(view, -12)  # a fan partly off screen has a window: the first pan draws it with a margin
    view.viewport().grab()
    pictures = [item._cache[1] for item in edge_items(view)]
    scales = set()
    for shift in (12, -12, 12, -12):
        _pan_px(view, shift)
        view.viewport().grab()
        scales.add(edge_items(view)[1].deviceTransform(view.viewportTransform()).m11())
        assert all(item._cache[1] is picture for item, picture in zip(edge_items(view), pictures))
    assert len(scales) > 1  # what made every pan draw every fan again


def test_a_training_step_zoomed_in_shows_the_picture_a_new_view_draws(qtbot):
    state, view = make_view(qtbot, sizes=(784, 128, 64, 10), inputs=np.linspace(0, 1, 784), size=(900, 600))
    qtbot.waitUntil(lambda: edge_items(view)[1]._cache is not None)
    view._viewbox.scaleBy((1 / 4, 1 / 4), center=tuple(view._layout.positions[1][30]))
    view.viewport().grab()
    rng = np.random.default_rng(5)
    for pan in (0.0, 3 * WINDOW_MARGIN * view.viewport().width()):  # the second leaves the window drawn
        _pan_px(view, pan)
        for weights in state.network.weights:
            weights += 0.05 * rng.standard_normal(weights.shape) * np.abs(weights).mean()
        state.notify_weights_changed()
        state.flush()
        shown = pixels(view.viewport().grab().toImage())
        np.testing.assert_array_equal(shown, pixels(_view_like(qtbot, view).viewport().grab().toImage()))


def test_an_edit_of_a_weight_too_weak_to_be_painted_keeps_the_fan_s_picture(qtbot):
    """A dense fan paints its strongest lines: editing a kept weight below them changes nothing seen."""
    state, view = make_view(qtbot, sizes=(784, 128, 64, 10), inputs=np.linspace(0, 1, 784), size=(900, 600))
    qtbot.waitUntil(lambda: edge_items(view)[0]._cache is not None)
    view.viewport().grab()
    fan = edge_items(view)[0]
    n_painted = len(fan._strokes) - fan._start_at(1.0 / view._viewbox.viewPixelSize()[0])
    edges = fan.edges
    weak = int(np.flatnonzero(edges.frm >= 0)[len(edges) // 4])  # kept for hovering, not painted
    strong = int(np.flatnonzero(edges.frm >= 0)[-1])
    assert len(edges) - weak > 2 * n_painted
    for row, factor, kept in ((weak, 1.02, True), (strong, -1.0, False)):
        picture = fan._cache[1]
        to, frm = int(edges.to[row]), int(edges.frm[row])
        state.set_weight(0, to, frm, factor * state.network.weights[0][to, frm])
        state.flush()
        shown = pixels(view.viewport().grab().toImage())
        assert (fan._cache[1].cacheKey() == picture.cacheKey()) == kept  # the same pixels, not drawn again
        np.testing.assert_array_equal(shown, pixels(_view_like(qtbot, view).viewport().grab().toImage()))
        edges = fan.edges


def test_node_masks_of_the_last_two_places_of_a_column_are_kept():
    """At a pixel ratio of 1.5 a drag by whole pixels puts a column on two sub-pixel places in turn."""
    made, cache = [], LastTwo()

    def make(name):
        return lambda: made.append(name) or name

    assert [cache.get(1, key, make(key)) for key in ("even", "odd", "even", "odd", "third", "odd")] == [
        "even", "odd", "even", "odd", "third", "odd"]
    assert made == ["even", "odd", "third"]


def test_a_64_to_10_fan_leaves_no_pale_streaks(qtbot):
    """Its lines cross on a lattice and left pixel columns almost empty, 1/2, 1/3 … of the way across."""
    state, view = make_view(qtbot, sizes=(784, 128, 64, 10), inputs=np.linspace(0, 1, 784), size=(1280, 800))
    qtbot.waitUntil(lambda: edge_items(view)[2]._cache is not None)
    image = pixels(view.viewport().grab().toImage())[..., :3].astype(float)
    left, right = (view.mapFromScene(view.node_scene_pos(layer, 0)).x() for layer in (2, 3))
    top, bottom = (view.mapFromScene(view.node_scene_pos(3, index)).y() for index in (0, 9))
    band = image[top:bottom, left + 20:right - 20]
    ink = np.abs(band - np.array(view.backgroundBrush().color().getRgb()[:3])[::-1]).sum(axis=2).mean(axis=0)
    assert ink.min() > 0.6 * np.median(ink)
