"""The explorer's fast statistics: float32 products against the float64 reference, and reused scratch memory."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnviz.core import Network, get_activation
from nnviz.core.histograms import histogram, outer_percentiles, shared_bins
from nnviz.core.presets import PRESETS
from nnviz.core.scratch import Scratch
from nnviz.core.stats import _derivative, layer_statistics, sample_inputs
from nnviz.core.verdicts import diagnose

SPREADS = ("w_mean", "w_std", "w_norm", "z_std", "a_std", "grad_norm", "mean_abs_derivative")
FLOAT32_RELATIVE = 1e-4
"""float32 products: every spread and gradient norm within 0.01 % of float64 (measured: below 2e-7)."""
FRACTION_ABSOLUTE = 1e-3
"""A few units right at the saturation threshold may fall on the other side: 0.1 % of the values."""


def _assert_close(fast, reference):
    for layer, want in zip(fast.layers, reference.layers):
        for name in SPREADS:
            assert getattr(layer, name) == pytest.approx(getattr(want, name), rel=FLOAT32_RELATIVE), name
        # Means near 0 are compared against the spread they sit in, not relatively.
        assert layer.z_mean == pytest.approx(want.z_mean, abs=FLOAT32_RELATIVE * want.z_std)
        assert layer.a_mean == pytest.approx(want.a_mean, abs=FLOAT32_RELATIVE * max(want.a_std, abs(want.a_mean)))
        for name in ("saturated_fraction", "dead_fraction"):
            assert getattr(layer, name) == pytest.approx(getattr(want, name), abs=FRACTION_ABSOLUTE), name
    assert fast.loss == pytest.approx(reference.loss, rel=FLOAT32_RELATIVE)


@pytest.mark.parametrize("sizes, activation", [
    ([784, 128, 64, 10], "tanh"), ([784, *[64] * 20, 10], "tanh"), ([30, 40, 40, 5], "sigmoid"),
    ([30, 40, 40, 5], "relu"), ([30, 40, 40, 5], "gelu"), ([30, 40, 40, 5], "elu")])
def test_float32_products_match_the_float64_statistics(sizes, activation):
    net = Network(sizes, activation=activation, init="xavier_normal", seed=2, bias=True)
    rng = np.random.default_rng(1)
    for b in net.biases:
        b[:] = 0.1 * rng.standard_normal(b.shape)
    x = sample_inputs(sizes[0], 500, "uniform", seed=3)
    _assert_close(layer_statistics(net, x, seed=1, dtype=np.float32), layer_statistics(net, x, seed=1))


def test_a_softmax_output_with_cross_entropy_matches_too():
    net = Network([20, 30, 6], activation="relu", output_activation="softmax", loss="cross_entropy", seed=4)
    x = sample_inputs(20, 400, "normal", seed=0)
    _assert_close(layer_statistics(net, x, seed=2, dtype=np.float32), layer_statistics(net, x, seed=2))


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_gets_the_same_verdict_in_float32(name):
    net = PRESETS[name].network(784, 10, seed=1)
    x = sample_inputs(784, 1000, "normal", seed=0)
    assert diagnose(layer_statistics(net, x, seed=1, dtype=np.float32)) == diagnose(layer_statistics(net, x, seed=1))


@pytest.mark.parametrize("scale", [1e-12, 1e15])
def test_signals_beyond_float32_are_measured_in_float64(scale):
    # 1e15: z of the third layer is beyond float32's 3.4e38; 1e-12: the gradient underflows it.
    net = Network([8, 16, 16, 16, 2], activation="linear", init="normal", seed=1)
    net.weights = [w * scale for w in net.weights]
    x = sample_inputs(8, 50, "normal", seed=0)
    fast, reference = layer_statistics(net, x, seed=1, dtype=np.float32), layer_statistics(net, x, seed=1)
    for layer, want in zip(fast.layers, reference.layers):
        assert (layer.z_std, layer.grad_norm) == (want.z_std, want.grad_norm)  # the very same float64 numbers
    assert all(layer.finite for layer in fast.layers)


def test_zero_init_is_measured_exactly():
    net = Network([5, 4, 3], init="zeros", seed=1)
    x = sample_inputs(5, 30, "normal", seed=0)
    fast, reference = layer_statistics(net, x, seed=1, dtype=np.float32), layer_statistics(net, x, seed=1)
    assert [layer.z_std for layer in fast.layers] == [layer.z_std for layer in reference.layers] == [0.0, 0.0]


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "relu", "softplus"])
def test_the_derivative_from_the_output_has_the_same_bits(name):
    act = get_activation(name)
    z = np.concatenate([np.linspace(-40, 40, 2001), [0.0, -0.0, 1e-300, 700.0, -700.0]]).reshape(1, -1)
    derivative = _derivative(act, z, act.value(z), np.empty_like(z))
    np.testing.assert_array_equal(derivative, act.derivative(z))


def test_scratch_reuses_buffers_and_forgets_the_unused_ones():
    scratch = Scratch()
    first = scratch.get("a", (3, 4))
    assert scratch.get("a", (3, 4)) is first and first.dtype == np.float64
    assert scratch.get("a", (3, 4), np.float32) is not first  # another dtype: a new buffer
    scratch.get("b", (100,))
    scratch.sweep()
    scratch.get("b", (100,))
    scratch.sweep()  # "a" was not asked for since the last sweep
    assert scratch.nbytes == 100 * 8


def test_a_kept_scratch_gives_the_same_statistics_as_fresh_memory():
    net = Network([784, 128, 64, 10], activation="tanh", init="he_normal", seed=5)
    x = sample_inputs(784, 200, "normal", seed=1)
    scratch = Scratch()
    first = layer_statistics(net, x, seed=1, dtype=np.float32, scratch=scratch)
    net.weights[0] *= 2.0
    second = layer_statistics(net, x, seed=1, dtype=np.float32, scratch=scratch)
    assert second.layers[0].z_std == pytest.approx(2 * first.layers[0].z_std, rel=1e-5)
    fresh = layer_statistics(net, x, seed=1, dtype=np.float32)
    assert [layer.grad_norm for layer in second.layers] == [layer.grad_norm for layer in fresh.layers]
    assert first.layers[0].z is not second.layers[0].z  # the kept statistics never share the scratch memory


@settings(max_examples=80, deadline=None)
@given(arrays(np.float64, st.integers(1, 5000), elements=st.floats(-1e300, 1e300)), st.floats(0, 50))
def test_outer_percentiles_are_numpys(values, q):
    expected = np.percentile(values, (q, 100 - q))
    np.testing.assert_allclose(outer_percentiles(values, q), expected, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("values", [np.array([0.0, 1e-200, 2e-200]), np.array([1e35, 1e35 + 1e20, 2e35]),
                                    np.random.default_rng(0).standard_normal(200_000)])
def test_histograms_count_as_float64_positions_would(values):
    edges = shared_bins([values], 40)
    position = np.clip((values - edges[0]) * (40 / (edges[-1] - edges[0])), 0, 39).astype(int)
    counts = histogram(values, edges)
    assert counts.sum() == values.size
    # float32 positions may move a value lying within 1e-7 of an edge into the next bin, never further
    assert np.abs(counts - np.bincount(position, minlength=40)).sum() <= 2 * values.size * 1e-6 + 2


def test_scratch_derives_again_only_for_another_array():
    scratch, made = Scratch(), []
    first, second = np.ones(3), np.ones(3)
    for source in (first, first, second, second):
        scratch.derived("sum", source, lambda a: made.append(1) or a.sum())
    assert len(made) == 2
    scratch.sweep()
    scratch.sweep()  # not asked for since the last sweep: forgotten, and the batch it held let go
    scratch.derived("sum", second, lambda a: made.append(1) or a.sum())
    assert len(made) == 3


def test_a_batch_that_comes_back_gives_the_same_statistics():
    net = Network([50, 20, 3], activation="tanh", seed=1)
    x, scratch = sample_inputs(50, 100, "current", seed=0, current=np.full(50, 2.0)), Scratch()
    once = layer_statistics(net, x, seed=1, dtype=np.float32, scratch=scratch)
    again = layer_statistics(net, x, seed=1, dtype=np.float32, scratch=scratch)
    fresh = layer_statistics(net, x.copy(), seed=1, dtype=np.float32)
    assert once.input_std == again.input_std == fresh.input_std == pytest.approx(x.std(), rel=1e-12)
    assert [layer.z_std for layer in again.layers] == [layer.z_std for layer in fresh.layers]


def test_an_outer_percentile_near_zero_keeps_its_digits():
    """Interpolated from the nearer end, as numpy does (found by the property test above)."""
    values, q = np.array([0.0, -127.0]), 0.00390625
    np.testing.assert_allclose(outer_percentiles(values, q), np.percentile(values, (q, 100 - q)), rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("network", [
    Network([784, 128, 64, 10], activation="tanh", init="xavier_normal", seed=2, bias=True),
    Network([30, *[20] * 8, 5], activation="sigmoid", seed=3),  # equal shapes: each layer keeps its own gradient
    Network([30, 40, 6], activation="relu", output_activation="softmax", loss="cross_entropy", seed=4, bias=True),
])
def test_the_two_halves_of_a_batch_on_two_threads_give_the_same_statistics(network, dtype):
    inputs = sample_inputs(network.layer_sizes[0], 301, seed=5)  # an odd batch: halves of 150 and 151 rows
    whole = layer_statistics(network, inputs, seed=6, dtype=dtype)
    halves = layer_statistics(network, inputs, seed=6, dtype=dtype, halves=True)
    rounding = 1e-12 if dtype == np.float64 else 1e-6
    for two, one in zip(halves.layers, whole.layers):
        np.testing.assert_allclose(two.z, one.z, rtol=rounding, atol=rounding * one.z_std)
        np.testing.assert_allclose(two.a, one.a, rtol=rounding, atol=rounding * max(one.a_std, 1e-300))
        for name in (*SPREADS, "saturated_fraction", "dead_fraction"):
            assert getattr(two, name) == pytest.approx(getattr(one, name), rel=rounding, abs=1e-300), name
    assert halves.loss == pytest.approx(whole.loss, rel=rounding)
