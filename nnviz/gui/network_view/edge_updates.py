"""What a weight change redraws in an edge layer, and how little: the network view's bookkeeping.

The view keeps, per weight layer, what its picture was drawn from (:class:`DrawnLayer`). A change of
weights too weak to be drawn redraws nothing; one edited drawn weight moves its edge in the weakest
first order instead of choosing, sorting and placing the kept edges again; a new selection or colour
limit reuses the edges. Every picture is the one :func:`layer_strokes` computes from scratch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.core import Network
from nnviz.core.layout import NetworkLayout, strongest_edges
from nnviz.gui.network_view.edge_picture import EdgeStyle, edge_set, layer_strokes
from nnviz.gui.network_view.edges import EdgeSet, Strokes


@dataclass
class DrawnLayer:
    """What the picture of one weight layer was drawn from.

    ``key``: (layout version, style, selection) and the colour limit; ``weights`` ``(n_out, n_in)``
    and ``biases`` ``(n_out,)`` (or ``None``): copies of what was drawn (weights too weak to be drawn
    may lag behind); ``kept`` ``(k,)``: flat indices of the weight edges drawn, weakest first;
    ``edges``: those and the bias edges, weakest first (no highlighted edges).
    """

    key: tuple
    weights: np.ndarray
    biases: np.ndarray | None
    kept: np.ndarray
    edges: EdgeSet


def redrawn_layer(network: Network, layout: NetworkLayout, layer: int, limit: float, style: EdgeStyle,
                  key: tuple, drawn: DrawnLayer | None) -> tuple[DrawnLayer, EdgeSet, Strokes] | None:
    """The picture of weight layer ``layer`` (see :func:`layer_strokes`; ``key`` is the layout version,
    ``style`` and the selection) and what it is drawn from; ``None`` when ``drawn``'s picture still shows
    the network."""
    weights = network.weights[layer]
    biases = network.biases[layer] if network.bias else None
    selected = key[2]
    same_kind = drawn is not None and drawn.key[0][:2] == key[:2] and drawn.weights.shape == weights.shape
    same_biases = same_kind and (biases is None if drawn.biases is None
                                 else biases is not None and np.array_equal(drawn.biases, biases))
    if same_biases and drawn.key == (key, limit) and unseen_change(drawn.weights, weights, drawn.kept,
                                                                  selected is not None):
        return None  # e.g. a weight of another layer, or one too weak to be drawn, was edited
    edited = _edited(drawn, weights) if same_biases else None
    if edited is not None:
        kept, base = edited
        drawn.weights.flat[kept] = weights.flat[kept]
    else:
        kept = strongest_edges(np.abs(weights), style.max_edges_per_layer, drawn.kept if same_kind else None)
        base = edge_set(network, layout, layer, kept, biases)
        if same_kind:
            np.copyto(drawn.weights, weights)  # no new array per training step
    drawn_weights = drawn.weights if same_kind else weights.copy()
    edges, strokes = layer_strokes(network, layout, layer, limit, style, selected, kept, base)
    drawn_biases = None if biases is None else biases.copy()
    return DrawnLayer((key, limit), drawn_weights, drawn_biases, kept, base), edges, strokes


def unseen_change(drawn: np.ndarray, weights: np.ndarray, kept: np.ndarray, any_change: bool = False) -> bool:
    """Whether the picture drawn for the weights ``drawn`` still shows ``weights`` (both
    ``(n_out, n_in)``), its weight edges the flat indices ``kept``: nothing changed, or (unless
    ``any_change`` counts) only weights weaker, before and after, than every kept one, so that
    neither the kept set, nor the layer's largest |w|, nor any pen changes. Such changes are copied
    into ``drawn``."""
    if len(kept) and (np.take(drawn, kept) != np.take(weights, kept)).any():  # a drawn edge changed
        return False
    changed = drawn != weights
    if not changed.any():
        return True
    if any_change or not len(kept):
        return False
    weakest = np.abs(np.take(drawn, kept)).min()  # nan if one is: then no change is unseen
    changed = np.flatnonzero(changed)
    old, new = drawn.flat[changed], weights.flat[changed]
    if (np.abs(old) < weakest).all() and (np.abs(new) < weakest).all():
        drawn.flat[changed] = new
        return True
    return False


def _edited(drawn: DrawnLayer, weights: np.ndarray) -> tuple[np.ndarray, EdgeSet] | None:
    """``(kept, base edges)`` for ``weights`` made by moving the one drawn weight edge that changed
    in ``drawn``'s order, or ``None`` unless that is all that changes: no other drawn weight changed,
    none is nan, the edge stays stronger than the weakest drawn one, and no weight left out is as
    strong as that one (weights changed below it do not matter: they are not drawn)."""
    kept = drawn.kept
    old, new = np.take(drawn.weights, kept), np.take(weights, kept)
    moved = np.flatnonzero(old != new)
    if len(moved) > 1 or np.isnan(old).any():
        return None
    weakest = abs(old[0])
    if len(moved) and (moved[0] == 0 or not abs(new[moved[0]]) > weakest):
        return None  # it may leave the drawn set
    if np.count_nonzero(np.abs(weights) < weakest) != weights.size - len(kept):
        return None  # one left out (or a nan) may join
    if not len(moved):  # only the selection or the colour limit changed
        return kept, drawn.edges
    place = int(moved[0])
    before, after = abs(old[place]), abs(new[place])
    # Where a stable sort by |w| puts it among the others, still in order: before equal ones if it grew.
    others = np.abs(np.delete(old, place))
    to_place = place if after == before else int(np.searchsorted(others, after, "left" if after > before else "right"))
    new_kept = np.insert(np.delete(kept, place), to_place, kept[place])
    # The same move among the edges, where bias edges go before weight edges of equal |w|.
    edges = drawn.edges
    to, frm = divmod(int(kept[place]), weights.shape[1])
    row = int(np.flatnonzero((edges.to == to) & (edges.frm == frm))[0])
    to_row = to_place + int(np.count_nonzero(np.abs(edges.values[edges.frm < 0]) <= after))
    order = np.insert(np.delete(np.arange(len(edges)), row), to_row, row)
    values = np.take(edges.values, order)
    values[to_row] = new[place]
    return new_kept, EdgeSet(np.take(edges.lines, order, axis=0), np.take(edges.to, order), np.take(edges.frm, order),
                             values)
