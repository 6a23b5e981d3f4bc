"""The weight-matrix view: the heatmap's colours and geometry, hover, click to edit, toggles."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from nnviz.core import Network
from nnviz.gui.appearance import MATRIX_ABOVE, Appearance
from nnviz.gui.colors import fade, map_rgb, theme_colors, weight_colormap
from nnviz.gui.network_view import NetworkView
from nnviz.gui.network_view.matrix import LUT_SIZE, ZERO_ALPHA, MatrixStyle, colour_table, matrix_image
from nnviz.gui.network_view.text import number
from nnviz.gui.state import NetworkState


def make_view(qtbot, sizes=(9, 12, 7, 3), bias=False, matrix_above=50, size=(900, 560)):
    state = NetworkState(Network(list(sizes), seed=5, bias=bias), inputs=np.linspace(0, 1, sizes[0]))
    appearance = Appearance()
    appearance.set(matrix_above=matrix_above)
    view = NetworkView(state, appearance)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    state.flush()
    view._refresh.run()
    return state, view


def test_a_cell_has_the_weight_colour_of_its_value():
    style = MatrixStyle("default", "light", 1.0)
    values = np.array([[-2.0, -1.0, 0.0], [0.5, 1.0, np.nan]])
    image = matrix_image(values, 1.0, colour_table(style))
    assert (image.width(), image.height()) == (3, 2)
    cmap = weight_colormap("default", "light")

    def expected(v):  # by hand: the map at 0.5 + v/2, faded towards the background by |v|
        v = float(np.clip(np.rint((v + 1) * (LUT_SIZE - 1) / 2) / ((LUT_SIZE - 1) / 2) - 1, -1, 1))
        colour = fade(map_rgb(cmap, [0.5 + 0.5 * v]), theme_colors("light").background,
                      ZERO_ALPHA + (1 - ZERO_ALPHA) * abs(v) ** 0.7)[0]
        return tuple(int(c) for c in np.rint(colour))

    for (row, col), v in np.ndenumerate(values):
        v = 0.0 if np.isnan(v) else v
        got = QColor(image.pixel(col, row))
        assert (got.red(), got.green(), got.blue()) == expected(v), (row, col)


def test_a_layer_of_small_weights_still_shows_its_strongest_at_full_strength():
    style = MatrixStyle("default", "light", 1.0)
    table = colour_table(style, reach=0.5)  # the layer's largest |w| is half the colour limit
    strongest = QColor(matrix_image(np.array([[0.5]]), 1.0, table).pixel(0, 0))
    unfaded = np.rint(map_rgb(weight_colormap("default", "light"), [0.75])[0])  # no fading at all
    assert abs(strongest.red() - unfaded[0]) <= 2 and abs(strongest.blue() - unfaded[2]) <= 2
    assert QColor(matrix_image(np.array([[0.5]]), 1.0, colour_table(style)).pixel(0, 0)) != strongest


def test_big_layers_become_matrices_and_small_ones_stay_edges(qtbot):
    state, view = make_view(qtbot)  # 108, 84 and 21 weights; matrices above 50
    assert sorted(view._matrices.items) == [0, 1]
    assert len(view._edge_items[0].edges) == 0 and len(view._edge_items[2].edges) == 21
    view.toggle_matrix(2)
    view.toggle_matrix(0)
    view._refresh.run()
    assert sorted(view._matrices.items) == [1, 2]
    assert len(view._edge_items[0].edges) == 108
    assert Appearance().shows_matrix(0, 10**6) is False  # nothing by size unless asked
    look = Appearance()
    look.set(matrix_above=MATRIX_ABOVE)
    assert look.shows_matrix(0, MATRIX_ABOVE + 1) and not look.shows_matrix(0, MATRIX_ABOVE)


@pytest.mark.parametrize("bias", [False, True])
def test_rows_line_up_with_the_target_nodes_and_cells_hit_their_edge(qtbot, bias):
    state, view = make_view(qtbot, bias=bias)
    item = view._matrices.items[1]
    assert item.grid == (7, 12 + bias)
    for to in range(7):
        node_y = view._layout.positions[2][to, 1]
        row = item.cell_rect(to, 0)
        assert row.top() < node_y < row.bottom()
        for frm in (0, 5, 11) + ((-1,) if bias else ()):
            assert view.hit_test(view.edge_scene_pos(1, to, frm)) == ("edge", 1, to, frm)
    text = view.tooltip_text(view.edge_scene_pos(1, 4, 3))
    assert number(state.network.weights[1][4, 3]) in text and "Hidden 1 · node 4 → Hidden 2 · node 5" in text


def test_clicking_a_cell_selects_the_edge_and_edits_its_weight(qtbot):
    state, view = make_view(qtbot)
    item = view._matrices.items[0]
    before = item._image.pixel(2, 6)
    pos = view.mapFromScene(view.edge_scene_pos(0, 6, 2))
    with qtbot.waitSignal(view.edgeClicked) as clicked:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(pos.x(), pos.y()))
    assert clicked.args == [0, 6, 2]
    assert view.selected == ("edge", 0, 6, 2)
    editor = view.weight_editor
    assert editor.isVisible()
    editor.spin.setValue(-0.9)
    assert state.network.weights[0][6, 2] == pytest.approx(-0.9)
    view._refresh.run()
    assert view._matrices.items[0]._image.pixel(2, 6) != before  # the heatmap shows the new value
    assert len(view._matrices.items[0]._marks) == 1  # the selected cell is outlined
    editor.close()


def test_an_input_change_leaves_the_heatmaps_alone(qtbot):
    state, view = make_view(qtbot)
    view.appearance.set(per_layer_colors=True)  # so that an edit in layer 1 leaves layer 0's colours
    view._refresh.run()
    images = {layer: item._image for layer, item in view._matrices.items.items()}
    state.set_input(0, 0.77)
    state.flush()
    view._refresh.run()
    assert all(view._matrices.items[layer]._image is image for layer, image in images.items())
    state.set_weight(1, 0, 0, 0.5)
    state.flush()
    view._refresh.run()
    assert view._matrices.items[0]._image is images[0] and view._matrices.items[1]._image is not images[1]


def test_right_click_offers_the_layers_of_a_title_or_a_gap(qtbot):
    state, view = make_view(qtbot)
    layout = view._layout
    above = layout.top - 0.5
    for column, expected in ((0, [0]), (1, [0, 1]), (3, [2])):
        scene = view._viewbox.mapViewToScene(__import__("pyqtgraph").Point(layout.column_x[column], above))
        assert view.weight_layers_at(scene) == expected
    assert view.weight_layers_at(view.edge_scene_pos(1, 3, 3)) == [1]


def test_a_784_512_512_10_network_draws_its_big_layers_as_matrices(qtbot):
    state, view = make_view(qtbot, sizes=(784, 512, 512, 10), matrix_above=MATRIX_ABOVE, size=(1280, 800))
    assert sorted(view._matrices.items) == [0, 1]
    assert view._matrices.items[0].grid == (512, 784)
    assert view.hit_test(view.edge_scene_pos(0, 300, 700)) == ("edge", 0, 300, 700)
    image = view.viewport().grab().toImage()
    centre = view.mapFromScene(view._viewbox.mapViewToScene(view._matrices.items[0].rect.center()))
    colours = {image.pixel(centre.x() + dx, centre.y() + dy) for dx in range(-20, 20, 3) for dy in range(-20, 20, 3)}
    assert len(colours) > 20  # a heatmap of many weights, not a flat fill


def test_hovering_a_first_layer_cell_over_an_image_shows_what_its_node_looks_for(qtbot):
    from nnviz.gui.network_view.matrix import receptive_field

    state, view = make_view(qtbot, sizes=(64, 20, 3), matrix_above=100)
    text = view.tooltip_text(view.edge_scene_pos(0, 7, 10))
    assert "8 × 8 input weights" in text and "data:image/png;base64," in text
    np.testing.assert_array_equal(receptive_field(state.network.weights[0][7]),
                                  state.network.weights[0][7].reshape(8, 8))  # row-major: pixel (r, c) = input 8r + c
    assert receptive_field(np.zeros(12)) is None
    view.toggle_matrix(1)
    view._refresh.run()
    assert "data:image" not in view.tooltip_text(view.edge_scene_pos(1, 1, 3))  # hidden units are no image


def test_render_and_export_draw_the_heatmaps(qapp, tmp_path):
    from PySide6.QtGui import QImage

    from nnviz.render import render_main

    png, svg, plain = tmp_path / "m.png", tmp_path / "m.svg", tmp_path / "plain.png"
    common = ["--layers", "100", "60", "3", "--seed", "1", "--size", "640x400"]
    assert render_main([*common, "--matrix-above", "1000", "-o", str(png)]) == 0
    assert render_main([*common, "-o", str(plain)]) == 0
    assert render_main([*common, "--matrix-above", "1000", "-o", str(svg)]) == 0
    assert "<image" in svg.read_text()  # the heatmap, embedded
    with_matrix, without = QImage(str(png)), QImage(str(plain))
    assert with_matrix.size() == without.size() and with_matrix != without
