"""Exported figures: SVGs that other renderers draw as Qt does (librsvg's rsvg-convert as the second
renderer), small files for big networks, and the figure options (values, legend, captions,
transparent background, schematic big layers)."""

import shutil
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from nnviz.core import Network
from nnviz.gui.appearance import Appearance
from nnviz.gui.network_view import NetworkView
from nnviz.gui.network_view.drawing import ColorBar, Text, text_width
from nnviz.gui.network_view.export import ROUNDS, FigureOptions, figure_drawing
from nnviz.gui.network_view.legend import STOPS
from nnviz.gui.network_view.schematic import shown_nodes
from nnviz.gui.state import NetworkState

SVG = "{http://www.w3.org/2000/svg}"


def make_view(qtbot, sizes, inputs=None, theme="light", **network_kw):
    network = Network(list(sizes), seed=3, **network_kw)
    state = NetworkState(network, inputs=inputs)
    appearance = Appearance()
    appearance.set(theme=theme)
    view = NetworkView(state, appearance)
    qtbot.addWidget(view)
    state.flush()
    return view


def image_array(image: QImage) -> np.ndarray:
    """``(h, w, 4)`` uint8 RGBA."""
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    return np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.width(), 4).copy()


def rsvg(svg_path, png_path) -> np.ndarray:
    if shutil.which("rsvg-convert") is None:
        pytest.skip("rsvg-convert (librsvg2-bin) is not installed: no second SVG renderer to compare with")
    subprocess.run(["rsvg-convert", str(svg_path), "-o", str(png_path)], check=True, timeout=120)
    return image_array(QImage(str(png_path)))


def elements(root, name):
    return [el for el in root.iter() if el.tag == SVG + name]


def test_svg_text_has_a_generic_font_family_and_centred_titles_are_anchored(qtbot, tmp_path):
    view = make_view(qtbot, (3, 5, 2), [1.0, 2.0, 3.0])
    path = tmp_path / "net.svg"
    view.render_svg(path, 960, 540)
    root = ET.parse(path).getroot()
    texts = elements(root, "text")
    assert texts and all(t.get("font-family").endswith("sans-serif") for t in texts)
    anchored = {t.text: t.get("text-anchor") for t in texts}
    assert anchored["Hidden 1"] == anchored["Output"] == anchored["5 nodes · Sigmoid"] == "middle"
    # The colour bars' gradients are on the shapes (rect fill), never on a group.
    assert not [g for g in elements(root, "g") if "url(" in (g.get("fill") or "")]
    pieces = [r for r in elements(root, "rect") if (r.get("fill") or "").startswith("url(#")]
    gradients = {g.get("id"): g for g in elements(root, "linearGradient")}
    assert len(pieces) == 2 * (STOPS - 1)  # two bars, a piece per pair of neighbouring stops
    # Two stops each, in page units: ImageMagick's own renderer reads no more.
    for piece in pieces:
        gradient = gradients[piece.get("fill")[5:-1]]
        assert gradient.get("gradientUnits") == "userSpaceOnUse" and len(gradient) == 2


@pytest.mark.parametrize(("theme", "bias"), [("light", False), ("dark", True)])
def test_svg_drawn_by_librsvg_matches_qt(qtbot, tmp_path, theme, bias):
    view = make_view(qtbot, (3, 5, 5, 2), [1.0, -2.0, 0.5], theme, bias=bias)
    view.set_marked_nodes({1: [2]})
    width, height = 960, 544
    svg_path = tmp_path / "net.svg"
    view.render_svg(svg_path, width, height)
    other = rsvg(svg_path, tmp_path / "rsvg.png")[..., :3].astype(int)
    qt = image_array(view.render_image(width, height))[..., :3].astype(int)
    assert other.shape == qt.shape == (height, width, 3)
    # The same picture: block averages (8 × 8 px) agree closely, with Qt's own SVG renderer too.
    svg_image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    svg_image.fill(0)
    painter = QPainter(svg_image)
    QSvgRenderer(str(svg_path)).render(painter)
    painter.end()
    qt_svg = image_array(svg_image)[..., :3].astype(int)
    blocks = [a.reshape(height // 8, 8, width // 8, 8, 3).mean(axis=(1, 3)) for a in (qt, other, qt_svg)]
    assert np.abs(blocks[0] - blocks[1]).mean() < 3.0
    assert np.abs(blocks[2] - blocks[1]).mean() < 3.0
    shapes = figure_drawing(view._figure(), width, height)
    # The colour bars are drawn by librsvg, in their colours: a bar's ends differ, neither is the background.
    for bar in (s for s in shapes if isinstance(s, ColorBar)):
        x, y, w, h = bar.rect
        row = round(y + h / 2)
        for offset, at in ((0.0, x + 3), (1.0, x + w - 3)):
            expected = np.array([int(bar.stops[-1 if offset else 0][1][i:i + 2], 16) for i in (1, 3, 5)])
            assert np.abs(other[row, round(at)] - expected).max() < 40
    # Labels sit where Qt put them: the ink of each centred title is centred on its anchor.
    for text in (s for s in shapes if isinstance(s, Text) and s.anchor == "middle" and s.text.startswith("Hidden")):
        half = text_width(text.text, text.px, text.bold) / 2
        rows = other[round(text.y - 0.7 * text.px):round(text.y), round(text.x - half - 20):round(text.x + half + 20)]
        background = rows[0, 0]
        ink = np.flatnonzero((np.abs(rows - background).sum(axis=2) > 300).any(axis=0))
        centre = round(text.x - half - 20) + (ink[0] + ink[-1]) / 2
        assert abs(centre - text.x) < 3
        assert abs((ink[-1] - ink[0]) - 2 * half) < 0.15 * 2 * half + 4


def test_a_big_network_makes_a_small_svg_that_librsvg_draws(qtbot, tmp_path):
    view = make_view(qtbot, (784, 128, 64, 10))
    path = tmp_path / "big.svg"
    view.render_svg(path, 1920, 1080)
    assert path.stat().st_size < 500_000
    root = ET.parse(path).getroot()
    fan = [g for g in elements(root, "g") if g.get("id") == "weights-1"]
    assert len(fan) == 1 and len(fan[0]) <= 48 * ROUNDS  # a few paths per colour bin (24 levels × 2 signs)
    segments = sum(path.get("d").count("M") for path in fan[0])
    assert segments > 20 * len(fan[0])
    drawn = rsvg(path, tmp_path / "big.png")
    assert drawn.shape[:2] == (1080, 1920)
    fan_area = drawn[200:800, 300:600, :3].astype(int)
    assert (np.abs(fan_area - 255).sum(axis=2) > 30).mean() > 0.5  # the dense fan is covered


def test_figure_options_leave_out_values_legend_and_captions(qtbot, tmp_path):
    view = make_view(qtbot, (2, 3, 2), [0.5, 1.0])
    full = [s for s in figure_drawing(view._figure(), 800, 450) if isinstance(s, Text)]
    assert any(t.text == "Hidden 1" for t in full) and any(t.text == "Activation" for t in full)
    assert any(t.text == "0.50" for t in full)
    bare = figure_drawing(view._figure(), 800, 450, options=FigureOptions(values=False, legend=False, captions=False))
    assert not [s for s in bare if isinstance(s, Text | ColorBar)]

    path = tmp_path / "clear.svg"
    view.render_svg(path, 400, 300, options=FigureOptions(transparent=True))
    root = ET.parse(path).getroot()
    assert not [r for r in elements(root, "rect") if r.get("width") == "400" and r.get("height") == "300"]
    image = image_array(view.render_image(400, 300, options=FigureOptions(transparent=True)))
    assert image[0, 0, 3] == 0 and image[..., 3].max() == 255


def test_shown_nodes_keep_the_first_and_last():
    assert shown_nodes(5, 8)[1] is None and list(shown_nodes(5, 8)[0]) == [0, 1, 2, 3, 4]
    indices, gap = shown_nodes(784, 8)
    assert list(indices) == [0, 1, 2, 3, 781, 782, 783] and gap == 4


def test_schematic_big_layers_show_a_few_nodes_with_the_count(qtbot, tmp_path):
    view = make_view(qtbot, (784, 128, 10))
    shapes = figure_drawing(view._figure(), 1280, 720, options=FigureOptions(schematic=10))
    texts = [s.text for s in shapes if isinstance(s, Text)]
    assert texts.count("\u22ee") == 2 and "784" in texts and "128" in texts
    assert "784 nodes" in texts  # the caption keeps the real count
    path = tmp_path / "schematic.svg"
    view.render_svg(path, 1280, 720, options=FigureOptions(schematic=10))
    circles = elements(ET.parse(path).getroot(), "circle")
    assert len(circles) == 9 + 9 + 10
    drawn = rsvg(path, tmp_path / "schematic.png")
    assert drawn.shape[:2] == (720, 1280)
