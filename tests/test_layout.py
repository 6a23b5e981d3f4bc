"""The network view's geometry: columns, radii, bias units, edge selection and hit tests."""

import numpy as np
import pytest

from nnviz.core.layout import (
    MAX_COLUMN_SPAN,
    MAX_RADIUS,
    MIN_COLUMN_GAP,
    bias_at,
    compute_layout,
    fill_scale,
    fit_frame,
    nearest_segment,
    node_at,
    picture_size,
    segment_distances,
    value_font_px,
)
from nnviz.fan_strokes import strongest_edges


def test_columns_are_centred_and_ordered():
    layout = compute_layout([2, 4, 2])
    assert [p.shape for p in layout.positions] == [(2, 2), (4, 2), (2, 2)]
    for pos, x in zip(layout.positions, layout.column_x):
        assert np.allclose(pos[:, 0], x)
        assert pos[:, 1].mean() == pytest.approx(0.0)
        assert np.all(np.diff(pos[:, 1]) > 0)  # index 0 at the top, y grows downwards
    assert np.all(np.diff(layout.column_x) >= MIN_COLUMN_GAP)


def test_small_layers_use_unit_spacing_and_full_radius():
    layout = compute_layout([3, 5, 1])
    assert np.allclose(np.diff(layout.positions[1][:, 1]), 1.0)
    assert np.allclose(layout.radii, MAX_RADIUS)


def test_wide_layers_pack_into_a_band_and_nodes_shrink():
    layout = compute_layout([784, 128, 64, 10])
    spans = [p[-1, 1] - p[0, 1] for p in layout.positions]
    assert max(spans) == pytest.approx(MAX_COLUMN_SPAN)
    assert layout.radii[0] < layout.radii[1] < layout.radii[2] < layout.radii[3]
    # Neighbouring nodes never overlap.
    assert np.all(2 * layout.radii < layout.pitches)


def test_one_node_layers_and_many_layers():
    layout = compute_layout([1, 1])
    assert layout.positions[0].shape == (1, 2) and layout.positions[0][0, 1] == 0.0
    deep = compute_layout([4] + [8] * 32 + [2])
    assert len(deep.positions) == 34 and np.all(np.diff(deep.column_x) > 0)


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError):
        compute_layout([3])
    with pytest.raises(ValueError):
        compute_layout([3, 0, 2])


def test_bias_units_sit_below_their_column():
    layout = compute_layout([2, 4, 2], bias=True)
    assert layout.bias_positions.shape == (2, 2)
    for layer in range(2):
        bx, by = layout.bias_positions[layer]
        assert bx == layout.column_x[layer]
        assert by > layout.positions[layer][-1, 1] + layout.radii[layer]
    assert layout.bounds[3] >= layout.bias_positions[:, 1].max()
    assert compute_layout([2, 4, 2]).bias_positions is None


def test_bounds_enclose_every_node():
    layout = compute_layout([5, 300, 3], bias=True)
    x0, y0, x1, y1 = layout.bounds
    for pos, r in zip(layout.positions, layout.radii):
        assert pos[:, 0].min() - r >= x0 - 1e-12 and pos[:, 0].max() + r <= x1 + 1e-12
        assert pos[:, 1].min() - r >= y0 - 1e-12 and pos[:, 1].max() + r <= y1 + 1e-12
    assert layout.top == pytest.approx(y0)


def test_dense_depends_on_pixels():
    layout = compute_layout([784, 10])
    assert layout.is_dense(0, pixels_per_unit=30)
    assert not layout.is_dense(0, pixels_per_unit=3000)
    assert not layout.is_dense(1, pixels_per_unit=30)


def test_value_labels_fit_only_in_big_nodes():
    assert value_font_px(30) > 0
    assert value_font_px(3) == 0
    assert value_font_px(200) == pytest.approx(14.0)
    assert value_font_px(200, scale=2) == pytest.approx(28.0)  # presentation scale


def test_strongest_edges_per_layer_weakest_first():
    w = np.array([[0.1, -0.9, 0.3], [-0.2, 0.05, 0.7]])
    idx = strongest_edges(np.abs(w), 3)
    assert list(np.abs(w).ravel()[idx]) == [0.3, 0.7, 0.9]
    everything = strongest_edges(np.abs(w), None)
    assert len(everything) == 6 and np.all(np.diff(np.abs(w).ravel()[everything]) >= 0)
    assert len(strongest_edges(np.abs(w), 100)) == 6


def test_strongest_edges_keep_every_source_of_a_wide_layer():
    # A per-layer cut of a 784-wide fan still has edges from all over the band.
    rng = np.random.default_rng(0)
    w = rng.normal(size=(128, 784))
    idx = strongest_edges(np.abs(w), 20_000)
    assert len(idx) == 20_000
    sources = np.unique(idx % 784)
    assert len(sources) > 700


@pytest.mark.parametrize("step", [0.0, 0.01, 0.1, 0.3, 3.0])
def test_strongest_edges_from_the_previous_answer_are_the_full_answer(step):
    # A training step (small), bigger changes and a re-roll (the full sort again) all give the
    # k largest, weakest first, exactly as the independent full sort does.
    rng = np.random.default_rng(3)
    w = rng.normal(size=(64, 100))
    k = 500
    previous = strongest_edges(np.abs(w), k)
    moved = np.abs(w + step * rng.normal(size=w.shape))
    idx = strongest_edges(moved, k, previous)
    reference = np.argsort(moved.ravel(), kind="stable")[-k:]
    np.testing.assert_array_equal(moved.ravel()[idx], moved.ravel()[reference])
    np.testing.assert_array_equal(np.sort(idx), np.sort(reference))


def test_strongest_edges_from_the_previous_answer_with_nan():
    w = np.abs(np.random.default_rng(4).normal(size=(10, 10)))
    previous = strongest_edges(w, 5)
    w[0, 0] = np.nan  # sorts above everything, as in the full sort
    idx = strongest_edges(w, 5, previous)
    np.testing.assert_array_equal(idx, strongest_edges(w, 5))
    assert idx[-1] == 0


def test_segment_distances():
    lines = np.array([[0, 0, 10, 0], [0, 0, 0, 10], [5, 5, 5, 5]], dtype=float)
    d = segment_distances((3, 4), lines)
    assert d == pytest.approx([4, 3, np.hypot(2, 1)])
    assert segment_distances((20, 0), lines[:1]) == pytest.approx([10])  # beyond the end


def test_nearest_segment_prefers_the_one_on_top():
    lines = np.array([[0, 0, 10, 0], [0, 0, 10, 0], [0, 5, 10, 5]], dtype=float)
    assert nearest_segment((5, 0.1), lines, 0.5) == 1
    assert nearest_segment((5, 4.8), lines, 0.5) == 2
    assert nearest_segment((5, 2.5), lines, 0.5) == -1
    assert nearest_segment((0, 0), np.empty((0, 4)), 1) == -1


def test_node_at_small_and_packed_columns():
    layout = compute_layout([784, 4, 2])
    x1, y1 = layout.positions[1][2]
    assert node_at(layout, (x1 + 0.1, y1), 0.01) == (1, 2)
    assert node_at(layout, (x1 + 0.6, y1), 0.01) is None
    # In the band every point belongs to its nearest node.
    x0, y0 = layout.positions[0][500]
    assert node_at(layout, (x0, y0 + 0.2 * layout.pitches[0]), 0.05) == (0, 500)
    assert node_at(layout, ((layout.column_x[0] + layout.column_x[1]) / 2, 0.0), 0.05) is None


def test_bias_at():
    layout = compute_layout([2, 3, 1], bias=True)
    assert bias_at(layout, layout.bias_positions[1], 0.01) == 1
    assert bias_at(layout, (0.0, -5.0), 0.01) is None
    assert bias_at(compute_layout([2, 3, 1]), (0.0, 0.0), 0.01) is None


def test_fit_frame_centres_the_network_inside_the_margins():
    layout = compute_layout([784, 128, 64, 10])
    x0, y0, x1, y1 = layout.bounds
    ppu, left, top = fit_frame(layout, 1280, 800, margins=(30, 60, 16))
    to_px = lambda x, y: ((x - left) * ppu, (y - top) * ppu)  # noqa: E731
    (px0, py0), (px1, py1) = to_px(x0, y0), to_px(x1, y1)
    assert px0 >= 30 - 1e-9 and px1 <= 1250 + 1e-9 and py0 >= 60 - 1e-9 and py1 <= 784 + 1e-9
    assert px0 - 30 == pytest.approx(1250 - px1) and py0 - 60 == pytest.approx(784 - py1)  # centred
    assert px0 - 30 == pytest.approx(0, abs=1e-6) or py0 - 60 == pytest.approx(0, abs=1e-6)  # and tight


def test_fit_frame_does_not_blow_up_tiny_networks():
    layout = compute_layout([2, 4, 2])
    ppu, _, _ = fit_frame(layout, 4000, 3000, max_pixels_per_unit=120)
    assert ppu == 120


def test_fit_frame_keeps_wide_titles_inside():
    layout = compute_layout([2, 4, 2])
    overhang = (80.0, 120.0)  # titles reach this far out from the first and last column's centre
    ppu, left, _ = fit_frame(layout, 500, 400, margins=(10, 0, 0), overhang=overhang)
    first_px = (layout.column_x[0] - left) * ppu
    last_px = (layout.column_x[-1] - left) * ppu
    assert first_px - overhang[0] >= -1e-9 and last_px + overhang[1] <= 500 + 1e-9
    assert first_px - overhang[0] == pytest.approx(500 - last_px - overhang[1])  # centred
    assert first_px - overhang[0] == pytest.approx(0, abs=1e-6)  # and tight: the titles limit the zoom
    # Narrow titles change nothing: the nodes and margins are the limit.
    assert fit_frame(layout, 500, 400, (10, 0, 0), overhang=(1, 1)) == fit_frame(layout, 500, 400, (10, 0, 0))


@pytest.mark.parametrize("overhang", [(0.0, 0.0), (90.0, 40.0)])
def test_picture_size_is_what_fit_frame_fills(overhang):
    layout = compute_layout([3, 7, 2], bias=True)
    margins = (30.0, 60.0, 50.0)
    ppu, _, _ = fit_frame(layout, 900, 600, margins, overhang=overhang)
    width, height = picture_size(layout, ppu, margins, overhang)
    assert width <= 900 + 1e-9 and height <= 600 + 1e-9
    assert width == pytest.approx(900) or height == pytest.approx(600)


def test_fill_scale_grows_a_tiny_picture_to_the_frame():
    layout = compute_layout([2, 4, 2])
    margins, overhang = (30.0, 60.0, 50.0), (50.0, 60.0)
    k = fill_scale(layout, 1920, 1080, 120, margins, overhang)
    assert k > 1
    # Everything k times bigger: the capped zoom now fills one side of the frame exactly.
    ppu, _, _ = fit_frame(layout, 1920, 1080, tuple(k * m for m in margins), 120 * k, tuple(k * o for o in overhang))
    assert ppu == pytest.approx(120 * k)
    width, height = picture_size(layout, ppu, tuple(k * m for m in margins), tuple(k * o for o in overhang))
    assert width == pytest.approx(1920) or height == pytest.approx(1080)
