"""Exported pictures of the network view, PNG or SVG, laid out like a slide.

An export is a clean figure: the view's network, inputs, marks and node pictures, but not its
selection or zoom. It is drawn to fill the frame: labels, nodes, edge widths and the legend grow
with the picture beyond :data:`SLIDE_PX`, so that a 3840 × 2160 picture is the 1920 × 1080 one
with twice the detail.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QBuffer, QIODevice, QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPainter, QTransform

from nnviz.core import Network, Trace
from nnviz.core.layout import NetworkLayout, fill_scale
from nnviz.gui.appearance import Appearance
from nnviz.gui.colors import theme_colors
from nnviz.gui.network_view.edge_picture import EdgeStyle, color_limits, layer_picture
from nnviz.gui.network_view.edges import EdgeLayerItem
from nnviz.gui.network_view.legend import HEIGHT_PX, Legend, legend_height, paint_legend
from nnviz.gui.network_view.matrix import heatmap_items
from nnviz.gui.network_view.nodes import MAX_PIXELS_PER_UNIT, NodeItem, fit_network, node_picture, title_modes
from nnviz.gui.network_view.text import column_titles

SLIDE_PX = (1280.0, 720.0)
"""A picture up to this size is drawn at the presentation scale; a bigger one is the same picture
enlarged, like a slide shown on a bigger screen."""


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


def export_scale(figure: Figure, width: int, height: int, ratio: float = 1.0) -> float:
    """How big labels, nodes, edge widths and the legend are in a ``width`` × ``height`` picture
    drawn at pixel ``ratio`` (2: the picture of half the size, twice as sharp), relative to the
    view at scale 1: the presentation scale, enlarged for pictures bigger than :data:`SLIDE_PX`, or
    more if a tiny network would not fill the frame otherwise (the view magnifies it no more than
    :data:`~nnviz.gui.network_view.nodes.MAX_PIXELS_PER_UNIT`); times ``ratio``."""
    width, height = width / ratio, height / ratio
    slide = max(1.0, min(width / SLIDE_PX[0], height / SLIDE_PX[1]))
    full = title_modes(column_titles(figure.network), 1.0)[0]
    fill = fill_scale(figure.layout, width, height, MAX_PIXELS_PER_UNIT, (30.0, full.top, 16.0 + HEIGHT_PX),
                      full.overhang)
    return ratio * max(figure.appearance.scale * slide, fill)


def paint_figure(painter: QPainter, figure: Figure, width: int, height: int, ratio: float = 1.0) -> None:
    """Draw ``figure`` into ``width`` × ``height`` device pixels (the background is the caller's)."""
    network, look, layout = figure.network, figure.appearance, figure.layout
    scale = export_scale(figure, width, height, ratio)
    legend = dataclasses.replace(figure.legend, scale=scale)
    legend_px = legend_height(legend, width)
    ppu, left, top = fit_network(layout, column_titles(network), width, height - legend_px, scale)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setWorldTransform(QTransform(ppu, 0, 0, ppu, -left * ppu, -top * ppu))
    style = EdgeStyle(look.palette, look.theme, scale, look.max_edges_per_layer)
    limits = color_limits(network, look.weight_range, look.per_layer_colors)
    heatmaps = heatmap_items(network, layout, limits, look)  # big layers drawn as their weight matrix
    for item in heatmaps:
        item.paint(painter)
    for layer, limit in enumerate(limits):
        if any(item.layer == layer for item in heatmaps):
            continue
        edges = EdgeLayerItem(layer)
        edges.set_batches(*layer_picture(network, layout, layer, limit, style, None),
                          exact=style.max_edges_per_layer is None)
        edges.paint(painter)
    nodes = NodeItem()
    nodes.set_picture(node_picture(network, figure.trace, layout, theme_colors(look.theme), scale, figure.marks,
                                   None, figure.images))
    nodes.paint(painter)
    painter.resetTransform()
    paint_legend(painter, QRectF(0, height - legend_px, width, legend_px), legend)


def render_image(figure: Figure, width: int, height: int, ratio: float = 1.0) -> QImage:
    """``figure`` as an image of exactly ``width`` × ``height`` pixels on the theme background."""
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(theme_colors(figure.appearance.theme).background))
    painter = QPainter(image)
    try:
        paint_figure(painter, figure, width, height, ratio)
    finally:
        painter.end()
    return image


def write_svg(figure: Figure, path, width: int, height: int, ratio: float = 1.0) -> None:
    """``figure`` as an SVG file of ``width`` × ``height`` pixels: one element per edge line, node
    and label. Raises ``OSError`` if ``path`` cannot be written."""
    from PySide6.QtSvg import QSvgGenerator  # only the export needs QtSvg

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setResolution(96)  # CSS pixels; at the default 72 dpi it would display 4/3 too big
    generator.setSize(QSize(width, height))
    generator.setViewBox(QRectF(0, 0, width, height))
    generator.setTitle("nnviz network")
    generator.setDescription(f"Network {list(figure.network.layer_sizes)}")
    painter = QPainter()
    if not painter.begin(generator):
        raise OSError(f"cannot draw an SVG picture for {path}")
    try:
        painter.fillRect(QRectF(0, 0, width, height), QColor(theme_colors(figure.appearance.theme).background))
        paint_figure(painter, figure, width, height, ratio)
    finally:
        painter.end()
    # Qt states the size in millimetres; state it in pixels, the size asked for.
    svg = re.sub(rb'<svg width="[^"]*" height="[^"]*"', f'<svg width="{width}" height="{height}"'.encode(),
                 bytes(buffer.data()), count=1)
    Path(path).write_bytes(svg)
