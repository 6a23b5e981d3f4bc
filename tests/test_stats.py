"""The initialisation statistics, histograms, input batches, symmetry finder and presets (no Qt)."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnviz.core import Network
from nnviz.core.presets import PRESETS, matching_preset
from nnviz.core.stats import (
    DISTRIBUTIONS,
    MAX_BATCH_VALUES,
    affordable_samples,
    histogram,
    layer_statistics,
    max_abs_derivative,
    random_targets,
    sample_inputs,
    shared_bins,
)
from nnviz.core.symmetry import find_symmetric_units
from nnviz.core.verdicts import describe_units, diagnose, format_number


def _plain_numpy_reference(weights, biases, x, t, f, df, max_df):
    """Forward and backward pass written out in plain numpy, independent of Network."""
    zs, acts = [], [x]
    for w, b in zip(weights, biases):
        zs.append(acts[-1] @ w.T + b)
        acts.append(f(zs[-1]))
    grads = [None] * len(weights)
    delta = (acts[-1] - t) * df(zs[-1])
    for i in reversed(range(len(weights))):
        grads[i] = delta.T @ acts[i] / len(x)
        if i:
            delta = (delta @ weights[i]) * df(zs[i - 1])
    rows = []
    for w, z, a, g in zip(weights, zs, acts[1:], grads):
        d = np.abs(df(z))
        flat = d < 0.01 * max_df
        rows.append(dict(w_mean=w.mean(), w_std=w.std(), z_mean=z.mean(), z_std=z.std(), a_mean=a.mean(),
                         a_std=a.std(), saturated_fraction=flat.mean(), dead_fraction=flat.all(axis=0).mean(),
                         mean_abs_derivative=d.mean(), grad_norm=np.sqrt((g**2).sum()),
                         w_norm=np.sqrt((w**2).sum()), grad_rms=np.sqrt((g**2).mean()),
                         grad_to_weight=np.sqrt((g**2).sum() / (w**2).sum())))
    return rows


def test_statistics_equal_plain_numpy_for_tanh_with_biases():
    net = Network([3, 6, 5, 2], activation="tanh", init="normal", init_scale=1.5, seed=3, bias=True)
    rng = np.random.default_rng(0)
    for b in net.biases:
        b[:] = rng.normal(size=b.shape)
    x = rng.normal(size=(200, 3))
    t = rng.uniform(-1, 1, size=(200, 2))
    stats = layer_statistics(net, x, t)
    expected = _plain_numpy_reference(net.weights, net.biases, x, t, np.tanh, lambda z: 1 - np.tanh(z) ** 2, 1.0)
    assert len(stats.layers) == 3
    for layer, want in zip(stats.layers, expected):
        for name, value in want.items():
            assert getattr(layer, name) == pytest.approx(value, rel=1e-9, abs=1e-12), name
    assert stats.batch_size == 200
    assert stats.input_std == pytest.approx(x.std())
    assert stats.loss == pytest.approx(0.5 * np.sum((t - net.forward(x).output) ** 2) / 200)
    # Some units saturate at this scale, so the fraction is really measured, not trivially 0.
    assert 0 < stats.layers[1].saturated_fraction < 1


def test_statistics_keep_the_raw_arrays_for_histograms():
    net = Network([4, 7, 3], activation="relu", init="he_normal", seed=1)
    x = sample_inputs(4, 50, "normal", seed=2)
    stats = layer_statistics(net, x)
    trace = net.forward(x)
    for i, layer in enumerate(stats.layers):
        np.testing.assert_array_equal(layer.weights, net.weights[i])
        np.testing.assert_array_equal(layer.z, trace.pre[i])
        np.testing.assert_array_equal(layer.a, trace.post[i + 1])
        assert (layer.n_in, layer.n_out) == net.weights[i].shape[::-1]
    net.weights[0][:] = 0  # the statistics are a snapshot, not a view of the live weights
    assert stats.layers[0].weights.any()


def test_dead_relu_units_are_those_that_never_fire():
    net = Network([2, 4, 1], activation="relu", output_activation="linear", init="he_normal", seed=5, bias=True)
    net.weights[0][1] = 0.0
    net.biases[0][1] = -1.0  # unit 1 has z = −1 for every input: dead
    stats = layer_statistics(net, sample_inputs(2, 300, "normal", seed=0))
    hidden = stats.layers[0]
    assert hidden.dead_fraction == pytest.approx(0.25)
    assert hidden.inactive_fraction == hidden.dead_fraction
    assert hidden.saturated_fraction >= 0.25  # plus every sample where a live unit is off


def test_sigmoid_saturation_counts_unit_values_on_the_flat_tails():
    net = Network([5, 8, 2], activation="sigmoid", init="normal", init_scale=20.0, seed=2)
    x = sample_inputs(5, 400, "normal", seed=1)
    stats = layer_statistics(net, x)
    z = net.forward(x).pre[0]
    s = 1 / (1 + np.exp(-z))
    assert stats.layers[0].saturated_fraction == pytest.approx(np.mean(s * (1 - s) < 0.01 * 0.25))
    assert stats.layers[0].inactive_fraction == stats.layers[0].saturated_fraction > 0.5


def test_random_targets_are_seeded_and_inside_the_output_range():
    net = Network([3, 4, 6], activation="relu", output_activation="sigmoid", seed=1)
    t = random_targets(net, 100, seed=4)
    assert t.shape == (100, 6) and np.all((t > 0) & (t < 1))
    np.testing.assert_array_equal(t, random_targets(net, 100, seed=4))
    x = sample_inputs(3, 100, "normal", seed=0)
    a, b = layer_statistics(net, x, seed=4), layer_statistics(net, x, seed=5)
    assert a.layers[0].grad_norm == layer_statistics(net, x, seed=4).layers[0].grad_norm
    assert a.layers[0].grad_norm != b.layers[0].grad_norm


def test_bad_batches_are_refused():
    net = Network([3, 2], seed=1)
    with pytest.raises(ValueError, match="batch"):
        layer_statistics(net, np.zeros(3))
    with pytest.raises(ValueError):
        layer_statistics(net, np.zeros((5, 4)))


def test_overflow_gives_non_finite_statistics_without_warnings():
    net = Network([2, *[16] * 12, 2], activation="linear", init="normal", seed=1)
    net.weights = [w * 1e30 for w in net.weights]  # as a file or an edit could make them; init stops at 1000
    stats = layer_statistics(net, sample_inputs(2, 20, "normal", seed=0))  # pytest turns warnings into errors
    assert not all(layer.finite for layer in stats.layers)
    assert "overflow" in diagnose(stats).kinds
    edges = shared_bins([layer.z for layer in stats.layers])
    assert np.all(np.isfinite(edges))


def test_an_exploding_signal_is_named():
    net = Network([2, *[64] * 8, 2], activation="linear", init="normal", init_scale=10.0, seed=1)
    stats = layer_statistics(net, sample_inputs(2, 100, "normal", seed=0))
    assert all(layer.finite for layer in stats.layers)
    assert diagnose(stats).kinds == ("explodes",) and "the signal explodes" in diagnose(stats).text


# -- histograms ---------------------------------------------------------------------------------------
def test_histogram_counts_add_up_to_the_batch_times_units():
    net = Network([784, 32, 10], activation="tanh", init="xavier_uniform", seed=1)
    stats = layer_statistics(net, sample_inputs(784, 300, "uniform", seed=0))
    for layer in stats.layers:
        for values, expected in ((layer.weights, layer.n_in * layer.n_out), (layer.z, 300 * layer.n_out),
                                 (layer.a, 300 * layer.n_out)):
            counts = histogram(values, shared_bins([values], 40))
            assert counts.shape == (40,) and counts.sum() == expected


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(1, 300), elements=st.floats(-1e300, 1e300)),
       arrays(np.float64, st.integers(1, 300), elements=st.floats(-1e6, 1e6)),
       st.integers(1, 60))
@example(np.array([0.0]), np.array([2.22507386e-313]), 1)  # a subnormal span: n_bins / span overflowed
def test_shared_bins_count_every_value_of_every_array(a, b, n_bins):
    edges = shared_bins([a, b], n_bins)
    assert edges.shape == (n_bins + 1,)
    assert np.all(np.isfinite(edges)) and np.all(np.diff(edges) > 0)
    assert histogram(a, edges).sum() == a.size
    assert histogram(b, edges).sum() == b.size


@pytest.mark.parametrize("value", [0.0, 1 / np.sqrt(784), -3.0, 1e200])
def test_all_equal_values_get_a_range_around_them(value):
    edges = shared_bins([np.full((10, 10), value)], 20)
    assert edges[0] < value < edges[-1]
    counts = histogram(np.full(100, value), edges)
    assert counts.sum() == 100 and np.count_nonzero(counts) == 1


def test_far_outliers_are_clipped_into_the_end_bins():
    values = np.concatenate([np.random.default_rng(0).standard_normal(10_000), [1e9, -1e9]])
    edges = shared_bins([values], 40)
    assert -6 < edges[0] < -2 and 2 < edges[-1] < 6
    counts = histogram(values, edges)
    assert counts.sum() == values.size and counts[0] >= 1 and counts[-1] >= 1


def test_bins_can_be_widened_and_ignore_non_finite_values():
    edges = shared_bins([np.array([0.0, 0.1, np.nan, np.inf])], 10, include=(-1.0, 1.0))
    assert edges[0] == -1.0 and edges[-1] == 1.0
    assert histogram([0.0, 0.1, np.nan, -np.inf], edges).sum() == 2


# -- inputs -------------------------------------------------------------------------------------------
def test_sample_inputs_shapes_and_distributions():
    normal = sample_inputs(5, 4000, "normal", seed=1)
    uniform = sample_inputs(5, 4000, "uniform", seed=1)
    current = sample_inputs(2, 4000, "current", seed=1, current=[3.0, 4.0], noise=0.1)
    assert normal.shape == uniform.shape == (4000, 5) and current.shape == (4000, 2)
    assert abs(normal.mean()) < 0.05 and normal.std() == pytest.approx(1, abs=0.05)
    assert uniform.min() >= -1 and uniform.max() <= 1 and uniform.std() == pytest.approx(1 / np.sqrt(3), abs=0.02)
    np.testing.assert_allclose(current.mean(axis=0), [3, 4], atol=0.01)
    assert current.std(axis=0) == pytest.approx([0.1, 0.1], abs=0.01)
    np.testing.assert_array_equal(normal, sample_inputs(5, 4000, "normal", seed=1))
    assert set(DISTRIBUTIONS) == {"normal", "uniform", "current"}


def test_sample_inputs_refuses_bad_requests():
    with pytest.raises(ValueError, match="unknown input distribution"):
        sample_inputs(2, 10, "cauchy", seed=0)
    with pytest.raises(ValueError, match="current input"):
        sample_inputs(2, 10, "current", seed=0)
    with pytest.raises(ValueError, match="2 values"):
        sample_inputs(2, 10, "current", seed=0, current=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError):
        sample_inputs(2, 0, "normal", seed=0)


def test_big_batches_are_capped_to_the_memory_budget():
    assert affordable_samples([2, 4, 2], 100_000) == 100_000
    sizes = [784, 128, 64, 10]
    capped = affordable_samples(sizes, 100_000)
    assert capped < 100_000 and capped * (784 + 2 * (128 + 64 + 10)) <= MAX_BATCH_VALUES
    assert affordable_samples(sizes, 500) == 500
    assert affordable_samples([100, 100], 1000, budget=50) == 10  # never fewer than 10


# -- symmetry -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("init", ["zeros", "constant"])
def test_zero_and_constant_init_make_every_hidden_layer_one_group(init):
    net = Network([3, 5, 4, 2], init=init, seed=1)
    assert find_symmetric_units(net) == {1: [[0, 1, 2, 3, 4]], 2: [[0, 1, 2, 3]]}


@pytest.mark.parametrize("init", ["truncated_normal", "xavier_uniform", "he_normal", "orthogonal", "uniform"])
def test_random_init_has_no_symmetric_units(init):
    assert find_symmetric_units(Network([784, 128, 64, 10], init=init, seed=1)) == {}


def test_symmetry_needs_equal_incoming_bias_and_outgoing_weights():
    net = Network([3, 6, 2], seed=1, bias=True)
    w_in, w_out = net.weights
    w_in[4], w_out[:, 4] = w_in[1], w_out[:, 1]
    w_in[5], w_out[:, 5] = w_in[1], w_out[:, 1]
    assert find_symmetric_units(net) == {1: [[1, 4, 5]]}
    net.biases[0][5] = 0.5  # a different bias breaks the tie
    assert find_symmetric_units(net) == {1: [[1, 4]]}
    w_out[0, 4] += 1.0  # different outgoing weights: different gradients, the units drift apart
    assert find_symmetric_units(net) == {}


def test_negative_zero_counts_as_zero_and_output_units_are_never_flagged():
    net = Network([2, 3, 4], init="zeros", seed=1)
    net.weights[0][2, 0] = -0.0
    assert find_symmetric_units(net) == {1: [[0, 1, 2]]}  # layer 2 is the output: targets differ


def test_describe_units_and_format_number():
    assert describe_units([7, 0, 1, 2, 3, 9, 10]) == "0–3, 7, 9, 10"
    assert describe_units([4]) == "4"
    assert format_number(0.1234) == "0.123"
    assert format_number(4.7e-10) == "4.7×10⁻¹⁰"
    assert format_number(float("inf")) == "overflow"
    assert format_number(0.0) == "0"
    assert format_number(1300.4) == "1,300"


def test_max_abs_derivative_of_the_classics():
    assert max_abs_derivative("sigmoid") == pytest.approx(0.25)
    assert max_abs_derivative("tanh") == pytest.approx(1.0)
    assert max_abs_derivative("relu") == 1.0


# -- presets and what they show -------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(PRESETS))
def test_each_preset_builds_what_it_says_and_keeps_input_and_output_sizes(name):
    preset = PRESETS[name]
    net = preset.network(784, 10, seed=1)
    assert net.layer_sizes == (784, *[preset.hidden_width] * preset.hidden_layers, 10)
    assert (net.init, net.init_scale, net.activation, net.output_activation) == (
        preset.init, preset.init_scale, preset.activation, preset.output_activation)
    assert preset.matches(net) and matching_preset(net) is preset
    assert preset.explanation and "\n" not in preset.explanation


def test_preset_names_are_the_lecture_set():
    assert list(PRESETS) == ["Zero init (symmetry)", "Too small", "Too large", "Tutorial: truncated normal",
                             "Xavier + tanh", "He + ReLU", "Deep sigmoid (vanishing)"]
    assert matching_preset(Network([2, 3, 2], activation="gelu", seed=1)) is None


def _stats(name, n_in=2):
    return layer_statistics(PRESETS[name].network(n_in, 2, seed=1), sample_inputs(n_in, 1000, "normal", seed=0))


def test_the_presets_show_their_lessons():
    zero = _stats("Zero init (symmetry)")
    assert zero.series("grad_norm")[:-1].tolist() == [0.0, 0.0] and "No gradient reaches" in diagnose(zero).text
    assert find_symmetric_units(PRESETS["Zero init (symmetry)"].network(2, 2, seed=1))

    small = _stats("Too small").series("a_std")
    assert np.all(np.diff(small[:-1]) < 0) and small[-2] < 1e-5  # fades layer by layer

    large = _stats("Too large")
    assert max(layer.saturated_fraction for layer in large.layers) > 0.4
    assert "saturated" in diagnose(large).kinds

    deep = _stats("Deep sigmoid (vanishing)", n_in=784)
    grads = deep.series("grad_norm")
    assert np.all(np.diff(grads) > 0) and grads[0] < 1e-6 * grads[-1]
    assert diagnose(deep).kinds == ("vanishing",)

    for healthy in ("Xavier + tanh", "He + ReLU"):
        stats = _stats(healthy)
        grads = stats.series("grad_rms")
        assert grads.max() < 100 * grads.min(), healthy
        assert diagnose(stats).healthy, healthy


def test_statistics_use_the_networks_cross_entropy():
    net = Network([3, 5, 4], activation="relu", output_activation="softmax", loss="cross_entropy", seed=2, bias=True)
    x = sample_inputs(3, 50, seed=1)
    t = np.eye(4)[np.arange(50) % 4]
    stats = layer_statistics(net, x, t)
    y = net.forward(x).output
    assert stats.loss == pytest.approx(-np.mean(np.log(y[np.arange(50), np.arange(50) % 4])), rel=1e-12)
    d_w, _ = net.gradients(x, t)
    np.testing.assert_allclose(stats.series("grad_norm"), [np.linalg.norm(g) / 50 for g in d_w], rtol=1e-12)
    assert stats.layers[-1].activation == "softmax" and max_abs_derivative("softmax") == pytest.approx(0.25)


def test_statistics_of_a_private_copy_keep_its_weight_arrays_instead_of_copying_them():
    network = Network([5, 7, 3], seed=2)
    batch = sample_inputs(5, 50, "normal", 0)
    copied, kept = (layer_statistics(network, batch, seed=1, copy_weights=copy) for copy in (True, False))
    for layer_copied, layer_kept, weights in zip(copied.layers, kept.layers, network.weights):
        assert layer_kept.weights is weights and layer_copied.weights is not weights
        np.testing.assert_array_equal(layer_copied.weights, layer_kept.weights)
        assert (layer_copied.z_std, layer_copied.grad_norm) == (layer_kept.z_std, layer_kept.grad_norm)
