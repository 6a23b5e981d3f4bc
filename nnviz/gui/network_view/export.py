"""Exported pictures of the network view, PNG or SVG, laid out like a slide.

An export is a clean figure: the view's network, inputs, marks and node pictures, but not its
selection or zoom. It is drawn to fill the frame: labels, nodes, edge widths and the legend grow
with the picture beyond :data:`SLIDE_PX`, so that a 3840 × 2160 picture is the 1920 × 1080 one
with twice the detail. The figure is first built as a list of shapes (see
:mod:`~nnviz.gui.network_view.drawing`); the PNG paints them, the SVG writes them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from nnviz.core import Network, Trace
from nnviz.core.layout import NetworkLayout, compute_layout, fill_scale, fit_frame
from nnviz.fan_strokes import ANTIALIAS_MAX_EDGES
from nnviz.gui.appearance import Appearance
from nnviz.gui.colors import theme_colors
from nnviz.gui.network_view.drawing import Lines, Text, centred_baseline, hex_color, paint_drawing
from nnviz.gui.network_view.edge_picture import EdgeStyle, color_limits, layer_picture
from nnviz.gui.network_view.figure_nodes import Frame, node_shapes, title_shapes
from nnviz.gui.network_view.legend import HEIGHT_PX, Legend, legend_drawing, legend_height, make_legend
from nnviz.gui.network_view.matrix import heatmap_pictures
from nnviz.gui.network_view.nodes import MAX_PIXELS_PER_UNIT, fit_network, node_picture, title_modes
from nnviz.gui.network_view.schematic import gap_shapes, schematic
from nnviz.gui.network_view.svg import svg_bytes
from nnviz.gui.network_view.text import column_titles

MAX_IMAGE_SIDE = 16384
"""Widest or tallest picture (Qt's raster limit is 32767; beyond 16k nobody needs more)."""
MAX_IMAGE_PIXELS = 64_000_000
"""Most pixels in one PNG: 256 MB of memory while it is drawn."""
MIN_IMAGE_SIDE = 16
SLIDE_PX = (1280.0, 720.0)
"""A picture up to this size is drawn at the presentation scale; a bigger one is the same picture
enlarged, like a slide shown on a bigger screen."""
COVER = 3
"""A dense fan keeps only its strongest lines, enough to cover its area about this many times over:
the rest would not show in the picture (the strong ones are drawn last, on top) and would make an
SVG of megabytes."""
ROUNDS = 6
"""Shapes per edge pen at most: a dense fan alternates its signs in this many rounds."""
NOTE_PX = 15.0
"""Size of the note's text at scale 1; it takes a strip of twice that at the top."""
SCHEMATIC_BRACKET_PX = 56.0
"""Room beside a schematic column for its bracket and count, at scale 1."""


@dataclass(frozen=True)
class FigureOptions:
    """What an exported picture shows besides the network: node ``values``, the ``legend``, the
    layer ``captions``; a ``transparent`` background; ``schematic``: layers of more nodes than this
    are drawn as a few nodes, "⋮" and a bracket with the count (``None``: every node); a ``note``
    in the top left corner (an animation's "epoch 40 · loss 0.11")."""

    values: bool = True
    legend: bool = True
    captions: bool = True
    transparent: bool = False
    schematic: int | None = None
    note: str = ""

    def __post_init__(self):
        if self.schematic is not None and not 4 <= self.schematic <= 100:
            raise ValueError(f"a schematic layer shows 4 to 100 nodes, got {self.schematic}")


@dataclass(frozen=True)
class Figure:
    """What an exported picture shows: ``appearance`` is the view's
    :class:`~nnviz.gui.appearance.Appearance`, ``marks`` and ``images`` as the view keeps them."""

    network: Network
    trace: Trace
    layout: NetworkLayout
    appearance: Appearance
    legend: Legend
    marks: dict[int, np.ndarray]
    images: dict


def check_size(width: int, height: int) -> None:
    """Raise ``ValueError`` saying why ``width`` × ``height`` cannot be exported."""
    if not (MIN_IMAGE_SIDE <= width <= MAX_IMAGE_SIDE and MIN_IMAGE_SIDE <= height <= MAX_IMAGE_SIDE):
        raise ValueError(f"{width} × {height}: each side must be between {MIN_IMAGE_SIDE} and "
                         f"{MAX_IMAGE_SIDE} pixels")
    if width * height > MAX_IMAGE_PIXELS:
        raise ValueError(f"{width} × {height} is {width * height / 1e6:.0f} million pixels; "
                         f"the limit is {MAX_IMAGE_PIXELS // 1_000_000} million")


def figure_of(network: Network, inputs, appearance: Appearance) -> Figure:
    """The figure of ``network`` fed ``inputs`` ``(n_in,)`` (``None``: 3, 4, then zeros, as a new
    window starts) without a view: no marks, no node pictures."""
    values = np.zeros(network.layer_sizes[0])
    given = np.asarray([3.0, 4.0] if inputs is None else inputs, dtype=float).ravel()[: len(values)]
    values[: len(given)] = given
    layout = compute_layout(network.layer_sizes, network.bias)
    return Figure(network, network.forward(values), layout, appearance, make_legend(network, appearance, values),
                  {}, {})


def export_scale(figure: Figure, width: int, height: int, ratio: float = 1.0, layout: NetworkLayout | None = None,
                 titles: list | None = None) -> float:
    """How big labels, nodes, edge widths and the legend are in a ``width`` × ``height`` picture
    drawn at pixel ``ratio`` (2: the picture of half the size, twice as sharp), relative to the
    view at scale 1: the presentation scale, enlarged for pictures bigger than :data:`SLIDE_PX`, or
    more if a tiny network would not fill the frame otherwise (the view magnifies it no more than
    :data:`~nnviz.gui.network_view.nodes.MAX_PIXELS_PER_UNIT`); times ``ratio``. ``layout`` and
    ``titles`` are those drawn (a schematic figure's), the figure's own by default."""
    layout = figure.layout if layout is None else layout
    titles = column_titles(figure.network) if titles is None else titles
    width, height = width / ratio, height / ratio
    slide = max(1.0, min(width / SLIDE_PX[0], height / SLIDE_PX[1]))
    full = title_modes(titles, 1.0)[0]
    fill = fill_scale(layout, width, height, MAX_PIXELS_PER_UNIT, (30.0, full.top, 16.0 + HEIGHT_PX), full.overhang)
    return ratio * max(figure.appearance.scale * slide, fill)


def figure_drawing(figure: Figure, width: int, height: int, ratio: float = 1.0,
                   options: FigureOptions | None = None) -> list:
    """The shapes of ``figure`` in a ``width`` × ``height`` pixel picture (background not included)."""
    options = options or FigureOptions()
    look = figure.appearance
    network, trace, layout, marks, images, gaps = (figure.network, figure.trace, figure.layout, figure.marks,
                                                   figure.images, [])
    titles = column_titles(network)
    limits = color_limits(network, look.weight_range, look.per_layer_colors)  # of the whole network
    if options.schematic is not None and max(network.layer_sizes) > options.schematic:
        cut = schematic(network, trace, marks, images, options.schematic)
        network, trace, layout, marks, images, gaps = (cut.network, cut.trace, cut.layout, cut.marks, cut.images,
                                                       cut.gaps)
    scale = export_scale(figure, width, height, ratio, layout, titles)
    legend = dataclasses.replace(figure.legend, scale=scale)
    legend_px = legend_height(legend, width) if options.legend else 0.0
    bracket = SCHEMATIC_BRACKET_PX * scale if gaps else 0.0  # keep the brackets inside the picture
    note_px = 2 * NOTE_PX * scale if options.note else 0.0
    room = (width - 2 * bracket, height - legend_px - note_px)
    if options.captions:
        ppu, left, top = fit_network(layout, titles, *room, scale)
    else:  # no room kept for titles
        ppu, left, top = fit_frame(layout, *room, (30 * scale, 14 * scale, 16 * scale), MAX_PIXELS_PER_UNIT * scale)
    frame = Frame(ppu, (left - bracket / ppu, top - note_px / ppu), scale)
    theme = theme_colors(look.theme)
    shapes = []
    if options.note:
        shapes.append(Text(NOTE_PX * scale, centred_baseline(NOTE_PX * scale, NOTE_PX * scale, True), options.note,
                           NOTE_PX * scale, theme.foreground, True))
    style = EdgeStyle(look.palette, look.theme, scale, look.max_edges_per_layer)
    shapes += heatmap_pictures(network, layout, limits, look, frame.map)  # big layers as their weight matrix
    for layer, limit in enumerate(limits):
        if not look.shows_matrix(layer, network.weights[layer].size):
            shapes += _edge_shapes(network, layout, layer, limit, style, frame)
    picture = node_picture(network, trace, layout, theme, scale, marks, None, images)
    shapes += node_shapes(layout, picture.levels, picture.values, theme, frame, marks, images, options.values)
    shapes += gap_shapes(gaps, layout, theme, frame)
    if options.captions:
        shapes += title_shapes(layout, titles, theme, frame)
    if options.legend:
        shapes += legend_drawing(QRectF(0, height - legend_px, width, legend_px), legend)
    return shapes


def _edge_shapes(network: Network, layout: NetworkLayout, layer: int, limit: float, style: EdgeStyle,
                 frame: Frame) -> list[Lines]:
    """The edges of weight layer ``layer`` in pixels, weakest first, a few shapes per pen (colour bin,
    see :data:`ROUNDS`); a dense fan keeps its strongest lines that cover it :data:`COVER` times."""
    edges, batches = layer_picture(network, layout, layer, limit, style, None)
    if not batches:
        return []
    to_pixels = np.tile(np.asarray(frame.origin), 2)
    pixel_lines = [(batch.lines - to_pixels) * frame.ppu for batch in batches]
    if len(edges) > ANTIALIAS_MAX_EDGES:
        budget = _cover_lines(np.concatenate(pixel_lines))
        start, count = len(batches), 0.0
        while start > 0 and count < budget:
            start -= 1
            count += len(batches[start].lines) * batches[start].width  # a wide line covers more
        batches, pixel_lines = batches[start:], pixel_lines[start:]
    # The batches of one pen are merged into at most ROUNDS shapes, each drawn where its first batch
    # was: a dense fan's negative and positive chunks still alternate, so neither sign covers the other.
    pens: dict[tuple, list[int]] = {}
    for index, batch in enumerate(batches):
        pens.setdefault((batch.color, batch.width, batch.antialias), []).append(index)
    runs = []
    for key, indices in pens.items():
        for run in np.array_split(np.array(indices), min(ROUNDS, len(indices))):
            runs.append((int(run[0]), key, np.concatenate([pixel_lines[i] for i in run])))
    runs.sort(key=lambda run: run[0])
    return [Lines(hex_color(color), width, lines, antialias, f"weights-{layer + 1}")
            for _, (color, width, antialias), lines in runs]


def _cover_lines(lines: np.ndarray) -> float:
    """How many 1 px lines cover the fan of ``lines`` ``(m, 4)`` (pixels) :data:`COVER` times: the
    trapezoid between its two columns, divided by the mean line length (an aliased line sets one
    pixel per step along its longer axis)."""
    xs, ys = lines[:, 0::2], lines[:, 1::2]
    left, right = xs.min(), xs.max()
    spans = [np.ptp(ys[np.isclose(xs, side)]) if np.isclose(xs, side).any() else 0.0 for side in (left, right)]
    area = (right - left) * (sum(spans) / 2 + 1.0)
    length = float(np.maximum(np.abs(xs[:, 1] - xs[:, 0]), np.abs(ys[:, 1] - ys[:, 0])).mean())
    return COVER * area / max(length, 1e-9)


def render_image(figure: Figure, width: int, height: int, ratio: float = 1.0,
                 options: FigureOptions | None = None) -> QImage:
    """``figure`` as an image of exactly ``width`` × ``height`` pixels on the theme background
    (transparent if ``options`` say so)."""
    options = options or FigureOptions()
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(0, 0, 0, 0) if options.transparent else QColor(theme_colors(figure.appearance.theme).background))
    painter = QPainter(image)
    try:
        paint_drawing(painter, figure_drawing(figure, width, height, ratio, options))
    finally:
        painter.end()
    return image


def write_svg(figure: Figure, path, width: int, height: int, ratio: float = 1.0,
              options: FigureOptions | None = None) -> None:
    """``figure`` as an SVG file of ``width`` × ``height`` pixels (see :mod:`~nnviz.gui.network_view.svg`).
    Raises ``OSError`` if ``path`` cannot be written."""
    options = options or FigureOptions()
    background = None if options.transparent else theme_colors(figure.appearance.theme).background
    data = svg_bytes(figure_drawing(figure, width, height, ratio, options), width, height, background,
                     "nnviz network", f"Network {list(figure.network.layer_sizes)}")
    Path(path).write_bytes(data)
