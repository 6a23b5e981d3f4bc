"""Which edges each weight layer draws, where, and with which pens: the network view's edge model.

A selection is ``("node", layer, index)``, ``("edge", layer, to, frm)`` (``frm`` −1: a bias edge)
or ``("bias", layer)``, as kept by the view.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtGui import QColor

from nnviz.core import Network
from nnviz.core.layout import NetworkLayout
from nnviz.fan_strokes import FanGeometry, edge_rows, finite_max, layer_top, strongest_edges
from nnviz.gui.colors import theme_colors, weight_colormap
from nnviz.gui.network_view.edges import Batch, EdgeSet, Strokes, edge_strokes

FADED = 0.22
"""Emphasis of the edges that do not touch the selected node."""
HIGHLIGHT_ALPHA = 0.8
"""Colour the weakest edge of a selected node keeps (its edges must stand out from the faded rest)."""


@dataclass(frozen=True)
class EdgeStyle:
    """The appearance options edges depend on."""

    palette: str
    theme: str
    scale: float
    max_edges_per_layer: int | None


def selection_exists(network: Network, selection: tuple) -> bool:
    """Whether ``network`` has the node, edge or bias unit ``selection`` names."""
    sizes = network.layer_sizes
    kind, layer = selection[0], selection[1]
    if kind == "node":
        return 0 <= layer < len(sizes) and 0 <= selection[2] < sizes[layer]
    if kind == "bias":
        return network.bias and 0 <= layer < len(sizes) - 1
    to, frm = selection[2], selection[3]
    return (0 <= layer < len(sizes) - 1 and 0 <= to < sizes[layer + 1] and frm < sizes[layer]
            and (frm >= 0 or (frm == -1 and network.bias)))


def color_limits(network: Network, weight_range: float | None, per_layer: bool) -> list[float]:
    """The |w| that gets the full colour, per weight layer: fixed, per layer, or the network's max|w|."""
    if weight_range is not None:
        return [float(weight_range)] * len(network.weights)
    maxima = [finite_max(w, b) if network.bias else finite_max(w) for w, b in zip(network.weights, network.biases)]
    limits = maxima if per_layer else [max(maxima)] * len(maxima)
    return [limit if limit > 0 else 1.0 for limit in limits]


def layer_picture(network: Network, layout: NetworkLayout, layer: int, limit: float, style: EdgeStyle,
                  selected: tuple | None) -> tuple[EdgeSet, list[Batch]]:
    """:func:`layer_strokes` as runs of one pen, in drawing order (what an exported drawing needs)."""
    edges, strokes = layer_strokes(network, layout, layer, limit, style, selected)
    return edges, strokes.batches()


def layer_strokes(network: Network, layout: NetworkLayout, layer: int, limit: float, style: EdgeStyle,
                  selected: tuple | None, kept: np.ndarray | None = None,
                  base: EdgeSet | None = None) -> tuple[EdgeSet, Strokes]:
    """The edges of weight layer ``layer`` to keep for hovering, and the strokes to draw them.

    The strongest ``max_edges_per_layer`` edges (and the bias edges) weakest first; with a node or
    bias unit selected the rest fades and all its edges go on top; a selected edge gets a halo.
    ``kept``: those strongest edges' flat indices weakest first, if already known; ``base``: their
    :func:`edge_set` with the bias edges, if already known (then ``kept`` must be given).
    """
    weights = network.weights[layer]
    biases = network.biases[layer] if network.bias else None
    cmap = weight_colormap(style.palette, style.theme)
    background = theme_colors(style.theme).background
    emphasis = FADED if selected is not None and selected[0] in ("node", "bias") else 1.0
    edges, strokes, layer_max = base_strokes(weights, biases, fan_geometry(layout, layer, weights.shape), limit, style,
                                             emphasis, kept, base)
    highlight = _highlighted_edges(network, layout, layer, selected)
    if len(highlight):
        strokes = strokes.then(edge_strokes(highlight, limit, cmap, background, style.scale, layer_max=layer_max,
                                            min_alpha=HIGHLIGHT_ALPHA))
        edges = edges.joined(highlight)
    if selected is not None and selected[0] == "edge" and selected[1] == layer:
        _, _, to, frm = selected
        edge = (bias_edges(network, layout, layer, to) if frm < 0
                else edge_set(network, layout, layer, np.array([to * weights.shape[1] + frm]), None))
        line = edge_strokes(edge, limit, cmap, background, style.scale, density=1, layer_max=layer_max)
        width = float(line.widths[line.pen[0]])
        halo = QColor(theme_colors(style.theme).selection).getRgb()[:3]
        strokes = strokes.then(Strokes(edge, np.array([0, 0]), np.array([0, 1]),
                                       np.array([halo, line.colors[line.pen[0]]]),
                                       np.array([width + 4 * style.scale, max(width, 3.0 * style.scale)]),
                                       np.array([True, True])))
    return edges, strokes


def base_strokes(weights: np.ndarray, biases: np.ndarray | None, geometry: FanGeometry, limit: float, style: EdgeStyle,
                 emphasis: float = 1.0, kept: np.ndarray | None = None,
                 base: EdgeSet | None = None) -> tuple[EdgeSet, Strokes, float]:
    """``(edges, strokes, the layer's largest |value|)`` of a layer of ``weights`` ``(n_out, n_in)`` and
    ``biases`` ``(n_out,)`` (or ``None``) laid out by ``geometry``, with nothing selected (see
    :func:`layer_strokes`; ``emphasis`` < 1 fades it)."""
    if kept is None:
        kept = strongest_edges(np.abs(weights), style.max_edges_per_layer)
    layer_max = layer_top(weights, kept, biases)
    edges = EdgeSet(*edge_rows(weights, kept, biases), geometry) if base is None else base
    strokes = edge_strokes(edges, limit, weight_colormap(style.palette, style.theme),
                           theme_colors(style.theme).background, style.scale, emphasis, layer_max=layer_max)
    return edges, strokes, layer_max


def edge_set(network: Network, layout: NetworkLayout, layer: int, flat_indices: np.ndarray, biases) -> EdgeSet:
    """Edges ``weights[layer].flat[flat_indices]`` (weakest first) plus, if given, the bias edges."""
    weights = network.weights[layer]
    return EdgeSet(*edge_rows(weights, flat_indices, biases), fan_geometry(layout, layer, weights.shape))


def bias_edges(network: Network, layout: NetworkLayout, layer: int, index: int | None = None) -> EdgeSet:
    """The edges from the bias unit of ``layer`` (into node ``index`` only, if given), weakest first."""
    biases = network.biases[layer]
    to = np.arange(len(biases)) if index is None else np.array([index])
    to = to[np.argsort(np.abs(biases[to]), kind="stable")]
    return EdgeSet(to, np.full(len(to), -1), biases[to], fan_geometry(layout, layer, network.weights[layer].shape))


def fan_geometry(layout: NetworkLayout, layer: int, shape: tuple[int, int]) -> FanGeometry:
    """Where the edges of weight layer ``layer`` (weights of ``shape``) of ``layout`` lie."""
    bias = None if layout.bias_positions is None else tuple(float(v) for v in layout.bias_positions[layer])
    return FanGeometry((float(layout.column_x[layer]), float(layout.column_x[layer + 1])),
                       layout.positions[layer][:, 1], layout.positions[layer + 1][:, 1],
                       (float(layout.radii[layer]), float(layout.radii[layer + 1])), bias, tuple(shape))


def _highlighted_edges(network: Network, layout: NetworkLayout, layer: int, selected: tuple | None) -> EdgeSet:
    """All edges of ``layer`` (not only the strongest kept) touching the selected node or bias unit."""
    if selected is None or selected[0] == "edge":
        return EdgeSet.empty()
    if selected[0] == "bias":
        return bias_edges(network, layout, layer) if selected[1] == layer else EdgeSet.empty()
    _, node_layer, index = selected
    weights = network.weights[layer]
    n_in = weights.shape[1]
    if node_layer == layer + 1:  # edges into the node
        order = np.argsort(np.abs(weights[index]), kind="stable")
        edges = edge_set(network, layout, layer, index * n_in + order, None)
        return bias_edges(network, layout, layer, index).joined(edges) if network.bias else edges
    if node_layer == layer:  # edges out of the node
        order = np.argsort(np.abs(weights[:, index]), kind="stable")
        return edge_set(network, layout, layer, order * n_in + index, None)
    return EdgeSet.empty()
