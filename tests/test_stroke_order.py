"""The fast stroke computation draws exactly what a plain, slow reference of the same rules draws.

The reference below is written for clarity: a full stable sort of every edge, chunks interleaved by a
Python loop with exact fractions. Every picture the app computes (edges, pens, drawing order, the
dense-fan budget) is compared with it, on random networks, edits and training-like moves, with
inf/nan weights and with and without biases.
"""

import math
from fractions import Fraction

import numpy as np
import pytest

from nnviz.core import Network
from nnviz.core.layout import compute_layout
from nnviz.fan_strokes import first_painted, layer_top, painted_fan, strongest_edges
from nnviz.gui.appearance import Appearance
from nnviz.gui.colors import fade, map_rgb, theme_colors, weight_colormap
from nnviz.gui.network_view import NetworkView, edge_picture, edge_updates
from nnviz.gui.network_view.edge_layer import _measured
from nnviz.gui.network_view.edge_picture import EdgeStyle, edge_set, fan_geometry, layer_strokes
from nnviz.gui.network_view.edges import EdgeSet, Strokes, edge_strokes
from nnviz.gui.state import NetworkState

# -- the reference ---------------------------------------------------------------------------------
N_LEVELS, CHUNK, AA_MAX, OVERDRAW, LATTICE_MIN = 24, 16, 2000, 3, 300


def ref_hash(to, frm, salt):
    """splitmix64 of the edge (to, frm): a fixed number in [0, 1) per edge."""
    x = (to.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + frm.astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
         + np.uint64(salt))
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return (x >> np.uint64(11)).astype(float) / 2.0**53


def ref_edge_set(network, layout, layer, flat_indices, biases):
    """Weights then biases, all sorted again by |value| (stable: biases first on ties); lines
    node to node, ends moved inside the nodes by the edge's hash in a layer of over LATTICE_MIN weights
    (up to AA_MAX weights only on the side with more nodes)."""
    weights = network.weights[layer]
    to, frm = flat_indices // weights.shape[1], flat_indices % weights.shape[1]
    values = weights[to, frm]
    if biases is not None:
        to = np.concatenate([np.arange(len(biases)), to])
        frm = np.concatenate([np.full(len(biases), -1), frm])
        values = np.concatenate([biases, values])
        order = np.argsort(np.abs(values), kind="stable")
        to, frm, values = to[order], frm[order], values[order]
    sources = layout.positions[layer][np.maximum(frm, 0)].copy()
    targets = layout.positions[layer + 1][to].copy()
    n_out, n_in = weights.shape
    if n_out * n_in > LATTICE_MIN:
        if n_out * n_in > AA_MAX or n_in >= n_out:
            sources[:, 1] += 1.6 * layout.radii[layer] * (ref_hash(to, frm, 1) - 0.5)
        if n_out * n_in > AA_MAX or n_out >= n_in:
            targets[:, 1] += 1.6 * layout.radii[layer + 1] * (ref_hash(to, frm, 2) - 0.5)
    if biases is not None:
        sources[frm < 0] = layout.bias_positions[layer]
    return EdgeSet(to, frm, values, lines=np.column_stack([sources, targets]))


def ref_finite_max(values):
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max()) if finite.size else 0.0


def ref_pen(value, top):
    """2 · magnitude level + (value > 0); nan counts as 0, inf as the top."""
    magnitude = 0.0 if math.isnan(value) else min(abs(value), top)
    level = min(int(min(magnitude / top, 1.0) * N_LEVELS), N_LEVELS - 1)
    return 2 * level + (value > 0)


def ref_order(pens, interleave):
    """By pen, weakest first inside one; interleaved: per level, chunks of CHUNK edges of both signs,
    chunk c of C at (c + ½) / C, negative first on a tie."""
    members = [[i for i, p in enumerate(pens) if p == pen] for pen in range(2 * N_LEVELS)]
    if not interleave:
        return [i for group in members for i in group]
    order = []
    for level in range(N_LEVELS):
        chunks = []
        for sign in (0, 1):
            group = members[2 * level + sign]
            n_chunks = -(-len(group) // CHUNK)
            chunks += [(Fraction(2 * c + 1, 2 * n_chunks), sign, group[c * CHUNK:(c + 1) * CHUNK])
                       for c in range(n_chunks)]
        for _, _, lines in sorted(chunks, key=lambda chunk: chunk[:2]):
            order += lines
    return order


def ref_strokes(edges, limit, cmap, background, scale=1.0, emphasis=1.0, density=None, layer_max=None,
                min_alpha=None):
    if len(edges) == 0:
        return Strokes.empty()
    n = len(edges) if density is None else density
    top = layer_max if layer_max else ref_finite_max(edges.values) or 1.0
    pens = [ref_pen(v, top) for v in edges.values.tolist()]
    crowd = min(max(math.log(max(n, 1) / 100) / math.log(200), 0.0), 1.0)
    antialias = n <= AA_MAX
    max_width = (1.0 + 4.0 * (1.0 - crowd) ** 2) if antialias else 1.0
    floor_alpha = 0.55 - 0.45 * crowd if min_alpha is None else min_alpha
    centre = (np.arange(N_LEVELS) + 0.5) / N_LEVELS
    reach = 0.5 * np.clip(centre * top / limit, 0.0, 1.0)
    alpha = emphasis * (floor_alpha + (1.0 - floor_alpha) * centre ** (1.0 + 0.6 * crowd))
    colors = np.empty((2 * N_LEVELS, 3), int)
    colors[0::2] = np.rint(fade(map_rgb(cmap, 0.5 - reach), background, alpha))
    colors[1::2] = np.rint(fade(map_rgb(cmap, 0.5 + reach), background, alpha))
    widths = np.repeat((1.0 + (max_width - 1.0) * centre) * scale, 2)
    order = ref_order(pens, interleave=not antialias)
    return Strokes(edges, np.array(order, int), np.array(pens)[order], colors, widths, np.full(2 * N_LEVELS, antialias))


def ref_lines_per_zoom(network, layout, layer, edges):
    """Lines that cover the fan OVERDRAW times: its trapezoid's area over the mean line length (its
    longer axis), measured between the nodes' centres (the bias unit's for a bias edge)."""
    sources = layout.positions[layer][np.maximum(edges.frm, 0)].copy()
    if network.bias:
        sources[edges.frm < 0] = layout.bias_positions[layer]
    targets = layout.positions[layer + 1][edges.to]
    gap = layout.column_x[layer + 1] - layout.column_x[layer]
    spans = [np.ptp(sources[:, 1]), np.ptp(targets[:, 1])]
    area = gap * (sum(spans) / 2 + 0.5)
    mean_length = float(np.maximum(gap, np.abs(targets[:, 1] - sources[:, 1])).mean())
    return OVERDRAW * area / max(mean_length, 1e-9)


def ref_kept(abs_weights, k):
    """The k largest |w| (nan largest), weakest first."""
    order = np.argsort(abs_weights.ravel(), kind="stable")
    return order if k is None else order[-k:]


# -- comparisons -----------------------------------------------------------------------------------
def assert_same_edges(got: EdgeSet, want: EdgeSet):
    for name in ("lines", "to", "frm", "values"):
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name), err_msg=name)


def assert_same_strokes(got: Strokes, want: Strokes):
    for name in ("lines", "pen", "colors", "widths", "antialias"):
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name), err_msg=name)
    assert got.n_top == want.n_top


def reference_picture(monkeypatch, network, layout, layer, limit, style, selected, kept):
    """The app's layer composition (highlights, halo) built from the reference parts."""
    with monkeypatch.context() as patch:
        patch.setattr(edge_picture, "edge_set", ref_edge_set)
        patch.setattr(edge_picture, "edge_strokes", ref_strokes)
        return layer_strokes(network, layout, layer, limit, style, selected, kept)


def random_values(rng, shape, specials=()):
    """Normal values, some exact ties and zeros, and the given special values at random places."""
    values = rng.standard_normal(shape)
    flat = values.reshape(-1)
    ties = rng.choice(flat.size, size=flat.size // 10, replace=False)
    flat[ties] = np.round(flat[ties], 1)
    flat[rng.choice(flat.size, size=len(specials), replace=False)] = specials
    return values


# -- the parts ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("sizes", [(3, 5, 2), (60, 50, 4), (70, 80)])
@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("specials", [(), (np.inf, -np.inf, np.nan, 0.0)])
def test_edge_set_and_strokes_match_the_reference(sizes, bias, specials):
    rng = np.random.default_rng(len(sizes) * 7 + bias + 2 * len(specials))
    network = Network(list(sizes), seed=1, bias=bias)
    layout = compute_layout(network.layer_sizes, network.bias)
    cmap, background = weight_colormap("default", "light"), theme_colors("light").background
    for layer, weights in enumerate(network.weights):
        weights[...] = random_values(rng, weights.shape, specials)
        biases = network.biases[layer] if bias else None
        if bias:
            biases[...] = random_values(rng, biases.shape, specials[:2])
        for k in (None, weights.size // 2 + 1):
            kept = strongest_edges(np.abs(weights), k)
            np.testing.assert_array_equal(np.sort(kept), np.sort(ref_kept(np.abs(weights), k)))
            edges = edge_set(network, layout, layer, kept, biases)
            assert_same_edges(edges, ref_edge_set(network, layout, layer, kept, biases))
            for layer_max, emphasis, min_alpha in ((None, 1.0, None), (2.5, 0.22, None), (1e-3, 1.0, 0.8)):
                args = (edges, 1.7, cmap, background, 1.25, emphasis, None, layer_max, min_alpha)
                assert_same_strokes(edge_strokes(*args), ref_strokes(*args))


def test_strongest_edges_with_ties_and_nan_are_the_stable_sort():
    rng = np.random.default_rng(3)
    for specials in ((), (np.nan,), (np.inf, np.inf)):
        weights = np.abs(random_values(rng, (40, 30), specials))
        weights[:5] = 0.25  # a block of ties
        want = np.argsort(weights.ravel(), kind="stable")
        np.testing.assert_array_equal(strongest_edges(weights, None), want)


@pytest.mark.parametrize("decimals", [None, 2, 1, 0])  # ties at the boundary of the kept edges when rounded
def test_strongest_edges_are_the_stable_sort_s_with_or_without_the_previous_answer(decimals):
    rng = np.random.default_rng(41 + (decimals or 0))
    weights = rng.standard_normal((60, 90))
    previous = None
    for step in range(6):
        weights = weights + 0.05 * rng.standard_normal(weights.shape)
        if step == 4:
            weights.flat[rng.choice(weights.size, 3)] = np.nan
        magnitudes = np.abs(weights if decimals is None else np.round(weights, decimals))
        for k in (1, 700, 2700):
            want = np.argsort(magnitudes, axis=None, kind="stable")[-k:]
            np.testing.assert_array_equal(strongest_edges(magnitudes, k), want)
            if previous is not None and len(previous) == k:
                np.testing.assert_array_equal(strongest_edges(magnitudes, k, previous), want)
        previous = strongest_edges(magnitudes, 2700)


# -- the view, step by step ---------------------------------------------------------------------------
def check_view(monkeypatch, view):
    network, layout, look = view.state.network, view._layout, view.appearance
    style = EdgeStyle(look.palette, look.theme, look.scale, look.max_edges_per_layer)
    for item, limit in zip(view._edge_items, view.colour_limits()):
        kept = ref_kept(np.abs(network.weights[item.layer]), look.max_edges_per_layer)
        edges, strokes = reference_picture(monkeypatch, network, layout, item.layer, limit, style, view.selected,
                                           kept)
        assert_same_edges(item.edges, edges)
        assert_same_strokes(item._strokes, strokes)
        if len(edges) > AA_MAX and look.max_edges_per_layer is not None:
            assert item._lines_per_zoom == pytest.approx(ref_lines_per_zoom(network, layout, item.layer, edges),
                                                         rel=1e-12)
            n_base = len(strokes) - strokes.n_top
            np.testing.assert_array_equal(item._coverage, np.cumsum(strokes.widths[strokes.pen][:n_base][::-1]))
        else:
            assert item._lines_per_zoom is None and item._coverage is None


@pytest.mark.parametrize("bias", [False, True])
def test_the_view_draws_the_reference_through_edits_and_training(qtbot, monkeypatch, bias):
    rng = np.random.default_rng(11 + bias)
    appearance = Appearance()
    appearance.set(max_edges_per_layer=2500)
    state = NetworkState(Network([60, 70, 45, 3], seed=5, bias=bias), inputs=rng.random(60))
    view = NetworkView(state, appearance)
    qtbot.addWidget(view)
    view.resize(500, 300)
    shortcuts = []  # the pictures made by moving one edge or reusing the edges, not from scratch
    edited = edge_updates._edited
    monkeypatch.setattr(edge_updates, "_edited", lambda *args: shortcuts.append(edited(*args)) or shortcuts[-1])

    def settle():
        state.flush()
        view._up_to_date()
        check_view(monkeypatch, view)

    settle()
    moves = [0.01 * rng.standard_normal(w.shape) for w in state.network.weights]
    for step in range(40):
        action = step % 5
        if action == 0:  # a training step: every weight and bias moves a little
            for weights, move, biases in zip(state.network.weights, moves, state.network.biases):
                weights += move * rng.standard_normal()
                biases += 0.01 * rng.standard_normal(biases.shape)
            state.notify_weights_changed()
        elif action in (1, 2):  # one weight edited: a drawn one, a weak one, or a new largest
            layer = int(rng.integers(len(state.network.weights)))
            drawn = view._edge_items[layer].edges
            pick = int(rng.choice(np.flatnonzero((drawn.frm >= 0) & np.isfinite(drawn.values))))
            to, frm = int(drawn.to[pick]), int(drawn.frm[pick])
            largest = ref_finite_max(state.network.weights[layer])
            value = [drawn.values[pick] * 1.05, 1e-4 * (1 + step), 3.0 * largest, -drawn.values[pick]][step % 4]
            state.set_weight(layer, to, frm, value)
        elif action == 3 and bias:
            state.set_bias_value(0, int(rng.integers(70)), float(rng.standard_normal()))
        elif action == 4:  # a selection shows all edges of a node, or one edge with a halo
            view.select_node(1, int(rng.integers(70))) if step % 2 else view.select_edge(1, 2, 3)
        if step == 20:
            view.clear_selection()
            state.network.weights[0][4, 5] = np.nan
            state.network.weights[1][6, 7] = np.inf
            state.network.weights[2][1, 2] = -np.inf
            state.notify_weights_changed()
        settle()
    taken = [result for result in shortcuts if result is not None]
    assert len(taken) >= 10 and any(result[0] is not view._drawn[0].kept for result in taken)


@pytest.mark.parametrize("bias", [False, True])
def test_moving_one_edited_edge_is_choosing_and_sorting_again_even_with_ties(bias):
    """Weights and biases on a coarse grid (many equal |w|), one drawn weight set to another grid value."""
    rng = np.random.default_rng(21 + bias)
    network = Network([30, 40], seed=2, bias=bias)
    layout = compute_layout(network.layer_sizes, network.bias)
    weights = network.weights[0]
    moved = 0
    for _ in range(60):
        weights[...] = np.round(rng.standard_normal(weights.shape), 1)
        biases = network.biases[0] if bias else None
        if bias:
            biases[...] = np.round(rng.standard_normal(biases.shape), 1)
        # No weight left out as strong as a drawn one (else the choice is made again): a gap in |w|.
        gap = rng.choice([0.3, 0.6, 1.0])
        k = int(np.count_nonzero(np.abs(weights) >= gap))
        kept = strongest_edges(np.abs(weights), k)
        drawn = edge_updates.DrawnLayer((), weights.copy(), None, kept, weights.flat[kept],
                                        edge_set(network, layout, 0, kept, biases))
        weights.flat[kept[rng.integers(1, k)]] = rng.choice([-1, 1]) * np.round(rng.uniform(gap + 0.1, 2.0), 1)
        result = edge_updates._edited(drawn, weights, weights.flat[kept])
        if result is None:
            continue
        moved += 1
        want = strongest_edges(np.abs(weights), k, kept)  # the choice made again from the previous one
        np.testing.assert_array_equal(result[0], want)
        np.testing.assert_array_equal(result[1], weights.flat[want])
        assert_same_edges(result[2], ref_edge_set(network, layout, 0, want, biases))
    assert moved >= 20


@pytest.mark.parametrize("sizes", [(64, 64), (64, 10), (10, 64)])
def test_a_selection_s_edges_lie_on_the_layer_s_own_lines(sizes):
    """A selected node's or bias unit's edges are drawn again on top: on the very lines of the layer."""
    network = Network(list(sizes), seed=3, bias=True)
    layout = compute_layout(network.layer_sizes, network.bias)
    n_out, n_in = network.weights[0].shape
    every = edge_set(network, layout, 0, np.arange(n_out * n_in), network.biases[0])
    line_of = {(int(t), int(f)): tuple(line) for t, f, line in zip(every.to, every.frm, every.lines)}
    for part in (edge_picture.bias_edges(network, layout, 0), edge_picture.bias_edges(network, layout, 0, 3),
                 edge_set(network, layout, 0, 3 * n_in + np.arange(n_in), None)):
        assert [line_of[int(t), int(f)] for t, f in zip(part.to, part.frm)] == [tuple(line) for line in part.lines]


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("specials", [(), (np.inf, -np.nan, 0.0)])
def test_the_worker_s_painted_fan_is_the_view_s_strokes_from_the_first_painted(bias, specials):
    """What the raster worker works out from a dense fan's weights alone: the strokes the view would paint."""
    rng = np.random.default_rng(31 + bias + len(specials))
    network = Network([90, 70, 30], seed=4, bias=bias)
    layout = compute_layout(network.layer_sizes, network.bias)
    style = EdgeStyle("default", "light", 1.0, 2500)
    previous = None
    for step in range(3):  # the kept edges of the step before help choose the next ones
        weights = network.weights[0]
        moved = weights + 0.01 * rng.standard_normal(weights.shape)
        weights[...] = random_values(rng, weights.shape, specials) if step == 0 else moved
        biases = network.biases[0] if bias else None
        edges, strokes = layer_strokes(network, layout, 0, 0.7, style, None)
        shown = _measured(edges, strokes, exact=False)
        for pixels_per_unit in (3.0, 25.0, 400.0):
            painted = painted_fan(weights, biases, 2500, fan_geometry(layout, 0, weights.shape), pixels_per_unit,
                                  previous)
            start = first_painted(shown[3], shown[2] * pixels_per_unit)
            np.testing.assert_array_equal(painted.lines, strokes.lines_between(start, len(strokes)))
            np.testing.assert_array_equal(painted.pen, strokes.pen[start:])
            assert painted.top == (layer_top(weights, painted.kept, biases) or 1.0)
        previous = painted.kept
