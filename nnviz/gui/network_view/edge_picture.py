"""Which edges each weight layer draws, where, and with which pens: the network view's edge model.

A selection is ``("node", layer, index)``, ``("edge", layer, to, frm)`` (``frm`` −1: a bias edge)
or ``("bias", layer)``, as kept by the view.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from PySide6.QtGui import QColor

from nnviz.core import Network
from nnviz.core.layout import NetworkLayout, strongest_edges
from nnviz.gui.colors import theme_colors, weight_colormap
from nnviz.gui.network_view.edges import ANTIALIAS_MAX_EDGES, Batch, EdgeSet, Strokes, edge_strokes, finite_max
from nnviz.gui.network_view.stroke_order import bias_places

FADED = 0.22
"""Emphasis of the edges that do not touch the selected node."""
LATTICE_MIN_WEIGHTS = 300
"""Weight layers above this size move their edges' ends inside the nodes (see :func:`edge_set`); in smaller
ones the lattice's streaks are not seen, and each line aims at its nodes' centres."""
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
    if kept is None:
        kept = strongest_edges(np.abs(weights), style.max_edges_per_layer)
    layer_max = _largest_finite(weights, kept)
    if biases is not None:
        layer_max = max(layer_max, finite_max(biases))
    edges = edge_set(network, layout, layer, kept, biases) if base is None else base
    emphasis = FADED if selected is not None and selected[0] in ("node", "bias") else 1.0
    strokes = edge_strokes(edges, limit, cmap, background, style.scale, emphasis, layer_max=layer_max)
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


def edge_set(network: Network, layout: NetworkLayout, layer: int, flat_indices: np.ndarray, biases) -> EdgeSet:
    """Edges ``weights[layer].flat[flat_indices]`` (weakest first) plus, if given, the bias edges."""
    weights = network.weights[layer]
    to, frm = np.divmod(flat_indices, weights.shape[1])
    values = np.take(weights, flat_indices)
    if biases is not None:
        bias_order, before = bias_places(np.abs(values), np.abs(biases))
        bias_to = np.arange(len(biases))
        to, frm, values = (np.insert(a, before, b[bias_order])
                           for a, b in ((to, bias_to), (frm, np.full(len(biases), -1)), (values, biases)))
    return EdgeSet(to, frm, values, LinePlacement(layout, layer, weights.shape))


def bias_edges(network: Network, layout: NetworkLayout, layer: int, index: int | None = None) -> EdgeSet:
    """The edges from the bias unit of ``layer`` (into node ``index`` only, if given), weakest first."""
    biases = network.biases[layer]
    to = np.arange(len(biases)) if index is None else np.array([index])
    to = to[np.argsort(np.abs(biases[to]), kind="stable")]
    return EdgeSet(to, np.full(len(to), -1), biases[to], LinePlacement(layout, layer, network.weights[layer].shape))


@dataclass(frozen=True, eq=False)
class LinePlacement:
    """Where the edges of weight layer ``layer`` (weights of ``shape`` (n_out, n_in)) of ``layout`` lie:
    called with ``to`` and ``frm`` ``(m,)`` (−1: the bias unit), their lines ``(m, 4)`` x0, y0, x1, y1."""

    layout: NetworkLayout
    layer: int
    shape: tuple[int, int]

    def __eq__(self, other) -> bool:  # the same lines: the same layout's layer
        return (isinstance(other, LinePlacement) and other.layout is self.layout and other.layer == self.layer
                and other.shape == self.shape)

    __hash__ = None

    def __call__(self, to: np.ndarray, frm: np.ndarray) -> np.ndarray:
        lines = self.centres(to, frm)
        _move_ends(lines, self.layout, self.layer, self.shape, to, frm)
        if self.layout.bias_positions is not None:
            lines[frm < 0, :2] = self.layout.bias_positions[self.layer]  # the bias unit's end stays
        return lines

    def centres(self, to: np.ndarray, frm: np.ndarray) -> np.ndarray:
        """``(m, 4)`` the lines of edges ``to``, ``frm`` between their nodes' centres (the ends not moved)."""
        layout, layer = self.layout, self.layer
        lines = np.empty((len(to), 4))
        lines[:, 0] = layout.column_x[layer]
        lines[:, 2] = layout.column_x[layer + 1]
        np.take(layout.positions[layer][:, 1], np.maximum(frm, 0), out=lines[:, 1])
        np.take(layout.positions[layer + 1][:, 1], to, out=lines[:, 3])
        if layout.bias_positions is not None:
            lines[frm < 0, :2] = layout.bias_positions[layer]
        return lines

    @cached_property
    def bounds(self) -> tuple[float, float, float, float]:
        """Least x, y and largest x, y of any line of the layer (moved ends and bias unit included)."""
        layout, layer = self.layout, self.layer
        ys = [layout.positions[layer][:, 1], layout.positions[layer + 1][:, 1]]
        reach = [0.8 * layout.radii[layer], 0.8 * layout.radii[layer + 1]]  # see _move_ends
        low = min(float(y.min()) - r for y, r in zip(ys, reach))
        high = max(float(y.max()) + r for y, r in zip(ys, reach))
        if layout.bias_positions is not None:
            low, high = min(low, layout.bias_positions[layer][1]), max(high, layout.bias_positions[layer][1])
        return float(layout.column_x[layer]), low, float(layout.column_x[layer + 1]), high


def _move_ends(lines: np.ndarray, layout: NetworkLayout, layer: int, shape: tuple[int, int], to: np.ndarray,
               frm: np.ndarray) -> None:
    """Move the ends of ``lines`` ``(m, 4)`` (edges ``to``, ``frm`` of weight layer ``layer`` of ``shape``)
    a little inside their nodes, by a fixed amount per edge, in a layer of over :data:`LATTICE_MIN_WEIGHTS`.

    A full fan between two evenly spaced columns crosses itself on a lattice and leaves whole pixel
    columns empty (white streaks 1/2, 1/3 … of the way across); moving the ends breaks the lattice. It
    depends on the layer only, so that a selection's edges lie on the layer's own lines. Up to
    ``ANTIALIAS_MAX_EDGES`` weights only the ends in the column of more nodes move: the few big nodes of
    the other keep their lines aimed at their centres.
    """
    n_out, n_in = shape
    if n_out * n_in <= LATTICE_MIN_WEIGHTS:
        return
    dense = n_out * n_in > ANTIALIAS_MAX_EDGES
    if dense or n_in >= n_out:
        lines[:, 1] += 1.6 * layout.radii[layer] * (_edge_hash(to, frm, 1) - 0.5)
    if dense or n_out >= n_in:
        lines[:, 3] += 1.6 * layout.radii[layer + 1] * (_edge_hash(to, frm, 2) - 0.5)


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


def _largest_finite(weights: np.ndarray, strongest: np.ndarray) -> float:
    """:func:`finite_max` of ``weights``, knowing the flat indices of its ``strongest`` entries by |w|
    (nan and inf the strongest): the largest finite one among them, if there is one, is the largest."""
    magnitudes = np.abs(np.take(weights, strongest))
    finite = magnitudes[np.isfinite(magnitudes)]
    return float(finite.max()) if len(finite) else finite_max(weights)


def _edge_hash(to: np.ndarray, frm: np.ndarray, salt: int) -> np.ndarray:
    """A fixed pseudo-random number in [0, 1) per edge (a splitmix64 step): the same edge always gets
    the same value, and no pattern lines up with the columns."""
    x = (to.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + frm.astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
         + np.uint64(salt))
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return (x >> np.uint64(11)).astype(float) / 2.0**53
