"""The explorer's histogram bars (made on its worker thread): against numpy's own histogram."""

import numpy as np
import pytest

from nnviz.core import Network
from nnviz.core.stats import layer_statistics, sample_inputs, shared_bins
from nnviz.gui.init_explorer.axes import COLUMNS, SNAPS, Z_MIN_RANGE, histogram_table, round_step
from nnviz.gui.init_explorer.measuring import histogram_pairs


@pytest.fixture
def pairs():
    network, pinned = Network([6, 30, 20, 3], seed=1), Network([6, 30, 20, 3], seed=2, init_scale=3.0)
    batch = sample_inputs(6, 400, "normal", 0)
    return histogram_pairs(layer_statistics(network, batch), layer_statistics(pinned, batch), [1, 2, 3])


def _reference_shares(values, edges):
    # Outliers count in the end bins (see histogram).
    return np.histogram(np.clip(values, edges[0], edges[-1]), edges)[0] / values.size


@pytest.mark.parametrize("shared", [False, True])
def test_bars_are_the_shares_of_every_value_of_b_and_a(pairs, shared):
    table = histogram_table(pairs, shared)
    for bars, (current, pinned) in zip(table, pairs):
        for key, attr in COLUMNS:
            shown = bars[key]
            assert np.allclose(shown.current, _reference_shares(getattr(current, attr), shown.edges))
            assert np.allclose(shown.pinned, _reference_shares(getattr(pinned, attr), shown.edges))
            assert shown.current.sum() == pytest.approx(1.0)


def test_shared_axes_give_a_column_one_set_of_bins_and_one_height(pairs):
    table = histogram_table(pairs, shared=True)
    for key, _ in COLUMNS:
        assert all(np.array_equal(bars[key].edges, table[0][key].edges) for bars in table)
        tallest = max(max(bars[key].current.max(), bars[key].pinned.max()) for bars in table)
        assert all(bars[key].top == pytest.approx(tallest) for bars in table)


def test_own_axes_fit_each_plot_to_its_own_bars(pairs):
    table = histogram_table([(current, None) for current, _ in pairs], shared=False)
    for bars in table:
        for key, _ in COLUMNS:
            assert bars[key].pinned is None
            assert bars[key].top == pytest.approx(bars[key].current.max())
    assert not np.array_equal(table[0]["w"].edges, table[1]["w"].edges)


def test_bins_widen_the_data_bins_to_round_numbers(pairs):
    for bars, (current, pinned) in zip(histogram_table(pairs, shared=False), pairs):
        for key, attr in COLUMNS:
            edges, arrays = bars[key].edges, [getattr(current, attr), getattr(pinned, attr)]
            raw = shared_bins(arrays, len(edges) - 1, include=Z_MIN_RANGE if key == "z" else None)
            step = round_step((raw[-1] - raw[0]) / SNAPS)
            assert raw[0] - step < edges[0] <= raw[0] and raw[-1] <= edges[-1] < raw[-1] + step
            for end in (edges[0], edges[-1]):
                assert end / step == pytest.approx(round(end / step), abs=1e-9)


@pytest.mark.parametrize("shared", [False, True])
def test_a_column_made_on_a_helper_thread_is_the_same(pairs, shared):
    alone, helped = histogram_table(pairs, shared), histogram_table(pairs, shared, halves=True)
    for row, other in zip(alone, helped):
        assert list(row) == list(other) == [key for key, _ in COLUMNS]
        for key in row:
            for name in ("edges", "current", "pinned"):
                np.testing.assert_array_equal(getattr(row[key], name), getattr(other[key], name))
            assert row[key].top == other[key].top
