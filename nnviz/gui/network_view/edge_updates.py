"""What a weight change redraws in an edge layer, and how little: the network view's bookkeeping.

The view keeps, per weight layer, what its picture was drawn from (:class:`DrawnLayer`). A change of
weights too weak to be drawn redraws nothing; one edited drawn weight moves its edge in the weakest
first order instead of choosing, sorting and placing the kept edges again; a new selection or colour
limit reuses the edges. Every picture is the one :func:`layer_strokes` computes from scratch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nnviz.core import Network
from nnviz.core.layout import NetworkLayout
from nnviz.fan_strokes import ANTIALIAS_MAX_EDGES, FanGeometry, floor_of, strongest_edges
from nnviz.gui.colors import theme_colors, weight_colormap
from nnviz.gui.network_view.edge_picture import EdgeStyle, base_strokes, edge_set, fan_geometry, layer_strokes
from nnviz.gui.network_view.edges import EdgeSet, Strokes, pens
from nnviz.gui.network_view.raster_worker import shared_worker

UNSEEN_CHANGES = 64
"""Most changed weights a delegated fan looks into to find that none is painted (an edit changes one)."""
MAX_WORKER_WEIGHTS = 2**21
"""Largest weight layer whose weights are copied to the raster worker on every change (16 MB, in a file in
memory: a container's /dev/shm may hold 64 MB)."""


@dataclass
class DrawnLayer:
    """What the picture of one weight layer was drawn from.

    ``key``: (layout version, style, selection) and the colour limit; ``weights`` ``(n_out, n_in)``
    and ``biases`` ``(n_out,)`` (or ``None``): copies of what was drawn (weights too weak to be drawn
    may lag behind); ``kept`` ``(k,)``: flat indices of the weight edges drawn, weakest first, and
    ``kept_values`` ``(k,)`` their weights; ``edges``: those and the bias edges, weakest first (no
    highlighted edges).
    """

    key: tuple
    weights: np.ndarray
    biases: np.ndarray | None
    kept: np.ndarray
    kept_values: np.ndarray
    edges: EdgeSet


@dataclass(eq=False)
class DelegatedFan:
    """A dense fan whose painted lines the raster worker works out from a copy of its weights
    (:func:`nnviz.fan_strokes.painted_fan`) while the GUI thread draws the rest.

    ``weights`` ``(n_out, n_in)`` and ``biases`` ``(n_out,)`` (or ``None``): copies (weights too weak to be
    painted may lag behind); ``k`` the strongest edges kept; ``key``: (layout version, style, selection)
    and the colour limit; ``colors(top)``: the pens' colours ``(p, 3)`` for the |value| the pens are bins
    of; ``resolve()``: the layer's edges and strokes worked out here from those copies, when something asks
    for them (hovering, an export, a picture drawn here); ``floor``: the least |w| kept, once known.
    """

    weights: np.ndarray
    biases: np.ndarray | None
    k: int
    geometry: FanGeometry
    key: tuple
    colors: Callable[[float], np.ndarray]
    resolve: Callable[[], tuple[EdgeSet, Strokes]]
    floor: float | None = None

    def shows(self, weights: np.ndarray, biases: np.ndarray | None, key: tuple, differs: np.ndarray) -> bool:
        """Whether this fan's picture shows ``weights``, ``biases`` and ``key``: nothing changed, or only a
        few weights weaker than every kept one, before and after (as :func:`unseen_change`; they are
        copied in). ``differs``: where ``weights`` differ from this fan's copy (bool, of their shape)."""
        if self.key != key or not _same_biases(self.biases, biases):
            return False
        # A training step changes them all: it is not looked into.
        return not differs.any() or _weak_changes_copied(self.weights, weights, differs, self.floor, UNSEEN_CHANGES)


def worker_fan(network: Network, layout: NetworkLayout, layer: int, limit: float, style: EdgeStyle, key: tuple,
               current: DelegatedFan | None, drawn: DrawnLayer | None, ratio: float) -> DelegatedFan | None:
    """Weight layer ``layer`` of ``network`` as a :class:`DelegatedFan` for the raster worker (``current``, the
    one shown, when it still shows it; ``key`` as in :func:`redrawn_layer`), or ``None``: not a dense fan of
    1 px pens (no selection, ``style.scale`` 1, device pixel ratio ``ratio`` 1, a level of detail), too big
    to copy (:data:`MAX_WORKER_WEIGHTS`), no worker ready, or an edit of a few weights since ``current`` or
    ``drawn`` (the picture drawn here) was drawn."""
    k = style.max_edges_per_layer
    weights = network.weights[layer]
    biases = network.biases[layer] if network.bias else None
    n_edges = None if k is None else min(k, weights.size) + (0 if biases is None else len(biases))
    if (n_edges is None or n_edges <= ANTIALIAS_MAX_EDGES or key[2] is not None or style.scale != 1.0
            or ratio != 1.0 or weights.size > MAX_WORKER_WEIGHTS or not shared_worker().is_ready()):
        return None
    shown = current.weights if current is not None else None if drawn is None else drawn.weights
    if shown is not None and shown.shape == weights.shape:
        differs = shown != weights  # one comparison of the whole layer for both questions
        if current is not None and current.shows(weights, biases, (key, limit), differs):
            return current
        if 0 < np.count_nonzero(differs) <= UNSEEN_CHANGES:
            return None  # an edit: drawn here (moving one edge, once this process has the kept edges again)
    cmap, background = weight_colormap(style.palette, style.theme), theme_colors(style.theme).background
    fan_weights, fan_biases = weights.copy(), None if biases is None else biases.copy()
    geometry = fan_geometry(layout, layer, weights.shape)
    return DelegatedFan(fan_weights, fan_biases, k, geometry, (key, limit),
                        lambda top: pens(n_edges, top, limit, cmap, background, style.scale)[0],
                        lambda: base_strokes(fan_weights, fan_biases, geometry, limit, style)[:2])


def redrawn_layer(network: Network, layout: NetworkLayout, layer: int, limit: float, style: EdgeStyle,
                  key: tuple, drawn: DrawnLayer | None) -> tuple[DrawnLayer, EdgeSet, Strokes] | None:
    """The picture of weight layer ``layer`` (see :func:`layer_strokes`; ``key`` is the layout version,
    ``style`` and the selection) and what it is drawn from; ``None`` when ``drawn``'s picture still shows
    the network."""
    weights = network.weights[layer]
    biases = network.biases[layer] if network.bias else None
    selected = key[2]
    same_kind, same_biases, now, unchanged = _compared(network, layer, limit, key, drawn)
    if unchanged:
        return None  # e.g. a weight of another layer, or one too weak to be drawn, was edited
    edited = _edited(drawn, weights, now) if same_biases else None
    if edited is not None:
        kept, kept_values, base = edited
        np.put(drawn.weights, drawn.kept, now)  # the others are not drawn
    else:
        kept = strongest_edges(np.abs(weights), style.max_edges_per_layer, drawn.kept if same_kind else None)
        kept_values = np.take(weights, kept)
        base = edge_set(network, layout, layer, kept, biases)
        if same_kind:
            np.copyto(drawn.weights, weights)  # no new array per training step
    drawn_weights = drawn.weights if same_kind else weights.copy()
    edges, strokes = layer_strokes(network, layout, layer, limit, style, selected, kept, base)
    drawn_biases = None if biases is None else biases.copy()
    return DrawnLayer((key, limit), drawn_weights, drawn_biases, kept, kept_values, base), edges, strokes


def still_shown(network: Network, layer: int, limit: float, key: tuple, drawn: DrawnLayer | None) -> bool:
    """Whether ``drawn``'s picture still shows weight layer ``layer`` of ``network`` (see :func:`redrawn_layer`)."""
    return _compared(network, layer, limit, key, drawn)[3]


def _compared(network: Network, layer: int, limit: float, key: tuple, drawn: DrawnLayer | None) -> tuple:
    """``(same kind, same biases, the drawn weight edges' weights now, still shown)`` of ``drawn`` and the
    layer now."""
    weights = network.weights[layer]
    biases = network.biases[layer] if network.bias else None
    same_kind = drawn is not None and drawn.key[0][:2] == key[:2] and drawn.weights.shape == weights.shape
    same_biases = same_kind and _same_biases(drawn.biases, biases)
    now = np.take(weights, drawn.kept) if same_biases else None
    unchanged = same_biases and drawn.key == (key, limit) and unseen_change(drawn, weights, now, key[2] is not None)
    return same_kind, same_biases, now, unchanged


def _same_biases(held: np.ndarray | None, now: np.ndarray | None) -> bool:
    """Whether the bias copies ``held`` are the biases ``now`` (``None``: no biases)."""
    return now is None if held is None else now is not None and np.array_equal(held, now)


def unseen_change(drawn: DrawnLayer, weights: np.ndarray, now: np.ndarray, any_change: bool = False) -> bool:
    """Whether ``drawn``'s picture still shows ``weights`` ``(n_out, n_in)`` (``now``: its drawn weight
    edges' weights in ``weights``): nothing changed, or (unless ``any_change`` counts) only weights
    weaker, before and after, than every drawn one, so that neither the drawn set, nor the layer's
    largest |w|, nor any pen changes. Such changes are copied into ``drawn``."""
    if (drawn.kept_values != now).any():  # a drawn edge changed
        return False
    changed = drawn.weights != weights
    if not changed.any():
        return True
    return not any_change and _weak_changes_copied(drawn.weights, weights, changed, floor_of(now))


def _weak_changes_copied(held: np.ndarray, weights: np.ndarray, differs: np.ndarray, floor: float | None,
                         most: int | None = None) -> bool:
    """Whether every weight where ``held`` and ``weights`` ``(n_out, n_in)`` ``differs`` (bool) is weaker
    than ``floor`` (:func:`~nnviz.fan_strokes.floor_of` the drawn ones) before and after, so that neither the
    drawn set, nor the layer's largest |w|, nor any pen changes; such changes are copied into ``held``.
    Never with no, a nan or an inf ``floor`` (an inf's top is a finite weight's), nor more than ``most``."""
    if floor is None or not np.isfinite(floor) or (most is not None and np.count_nonzero(differs) > most):
        return False
    changed = np.flatnonzero(differs)
    old, new = np.take(held, changed), np.take(weights, changed)
    if (np.abs(old) < floor).all() and (np.abs(new) < floor).all():
        np.put(held, changed, new)
        return True
    return False


def _edited(drawn: DrawnLayer, weights: np.ndarray, new: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                                 EdgeSet] | None:
    """``(kept, their weights, base edges)`` for ``weights`` made by moving the one drawn weight edge
    that changed in ``drawn``'s order (``new``: the drawn edges' weights now), or ``None`` unless that
    is all that changes: no other drawn weight changed, none is nan, the edge stays stronger than the
    weakest drawn one, and no weight left out is as strong as that one (weights changed below it do
    not matter: they are not drawn)."""
    kept, old = drawn.kept, drawn.kept_values
    moved = np.flatnonzero(old != new)
    if len(moved) > 1 or np.isnan(old).any():
        return None
    weakest = abs(old[0])
    if len(moved) and (moved[0] == 0 or not abs(new[moved[0]]) > weakest):
        return None  # it may leave the drawn set
    if np.count_nonzero((weights < weakest) & (weights > -weakest)) != weights.size - len(kept):
        return None  # one left out (or a nan) may join
    if not len(moved):  # only the selection or the colour limit changed
        return kept, old, drawn.edges
    place = int(moved[0])
    after = abs(new[place])
    # Where the stable sort by |w| puts it among the others, still in order: by index among equal ones.
    others, other_kept = np.abs(np.delete(old, place)), np.delete(kept, place)
    low, high = np.searchsorted(others, after, "left"), np.searchsorted(others, after, "right")
    to_place = int(low + np.searchsorted(other_kept[low:high], kept[place]))
    new_kept = np.insert(other_kept, to_place, kept[place])
    new_values = np.insert(np.delete(old, place), to_place, new[place])
    # The same move among the edges, where bias edges go before weight edges of equal |w|.
    edges = drawn.edges
    to, frm = divmod(int(kept[place]), weights.shape[1])
    row = int(np.flatnonzero((edges.to == to) & (edges.frm == frm))[0])
    to_row = to_place + int(np.count_nonzero(np.abs(edges.values[edges.frm < 0]) <= after))
    order = np.insert(np.delete(np.arange(len(edges)), row), to_row, row)
    moved_edges = edges.taken(order)
    moved_edges.values[to_row] = new[place]
    return new_kept, new_values, moved_edges
