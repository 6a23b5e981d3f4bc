"""The verdicts judge gradients per weight, so a layer's width cannot pass for signal health (no Qt)."""

import numpy as np
import pytest

from nnviz.core import Network
from nnviz.core.presets import PRESETS
from nnviz.core.stats import LayerStats, NetworkStats, is_centred, layer_statistics, sample_inputs
from nnviz.core.verdicts import GRADIENT_SPREAD_LIMIT, diagnose


def _explorer_stats(net):
    """The statistics as the initialisation explorer takes them: 1000 N(0, 1) inputs (seed 0), targets seed 1."""
    return layer_statistics(net, sample_inputs(net.layer_sizes[0], 1000, "normal", seed=0), seed=1)


def _rms_fall(net):
    """Output layer's RMS gradient per weight / layer 1's, from the network's own backward pass."""
    x = sample_inputs(net.layer_sizes[0], 1000, "normal", seed=0)
    stats = _explorer_stats(net)
    d_w, _ = net.gradients(x, stats.targets)
    rms = [np.sqrt(np.mean((g / len(x)) ** 2)) for g in d_w]
    return rms[-1] / rms[0]


def _hand_made_stats(sizes, grad_rms, z_std=1.0):
    """NetworkStats of a healthy-looking sigmoid network of ``sizes`` whose layers have these RMS
    gradients per weight (weights N(0, 1/n_in), z and a of 10 samples)."""
    rng = np.random.default_rng(0)
    layers = []
    for k, (n_in, n_out, rms) in enumerate(zip(sizes[:-1], sizes[1:], grad_rms)):
        w = rng.normal(0.0, 1.0 / np.sqrt(n_in), (n_out, n_in))
        z = rng.normal(0.0, z_std, (10, n_out))
        a = 1 / (1 + np.exp(-z))
        layers.append(LayerStats(
            layer=k + 1, activation="sigmoid", saturates=True, w_mean=float(w.mean()), w_std=float(w.std()),
            z_mean=0.0, z_std=z_std, a_mean=0.5, a_std=float(a.std()), saturated_fraction=0.0, dead_fraction=0.0,
            mean_abs_derivative=0.2, grad_norm=rms * np.sqrt(w.size), w_norm=float(np.linalg.norm(w)),
            weights=w, z=z, a=a))
    return NetworkStats(layers, rng.normal(size=(10, sizes[0])), np.zeros((10, sizes[-1])), 0.1, 1.0)


@pytest.mark.parametrize("rms, expected", [((1e-5, 1e-4, 1e-2), ("vanishing",)), ((1e-3, 2e-3, 5e-3), ()),
                                           ((1e-2, 1e-3, 1e-5), ("exploding",))])
def test_networks_of_any_width_with_the_same_per_weight_gradients_get_the_same_verdict(rms, expected):
    wide, narrow = _hand_made_stats((784, 128, 64, 10), rms), _hand_made_stats((3, 5, 5, 2), rms)
    # The whole-matrix norms tell different stories: layer 1 has 100,352 weights against 15.
    frobenius_wide = wide.series("grad_norm")[-1] / wide.series("grad_norm")[0]
    frobenius_narrow = narrow.series("grad_norm")[-1] / narrow.series("grad_norm")[0]
    assert frobenius_narrow / frobenius_wide == pytest.approx(np.sqrt(100_352 / 640) / np.sqrt(15 / 10))
    assert diagnose(wide).kinds == diagnose(narrow).kinds
    assert diagnose(wide).headline == diagnose(narrow).headline
    assert diagnose(wide).kinds == expected


def test_the_tutorial_mnist_network_is_not_called_healthy():
    # 784-128-64-10, the tutorial's truncated normal + sigmoid, seed 3: the whole-matrix norm of layer 1
    # (100,352 weights) hides a per-weight gradient about a thousand times below the output layer's.
    net = Network([784, 128, 64, 10], activation="sigmoid", init="truncated_normal", seed=3)
    stats = _explorer_stats(net)
    assert stats.series("grad_norm")[-1] / stats.series("grad_norm")[0] < GRADIENT_SPREAD_LIMIT
    assert _rms_fall(net) > 500
    verdict = diagnose(stats)
    assert not verdict.healthy and verdict.kinds == ("vanishing",)
    assert verdict.headline == "Vanishing gradients"


@pytest.mark.parametrize("sizes, activation, init", [
    ((3, 5, 5, 2), "sigmoid", "truncated_normal"),
    ((784, 128, 64, 10), "sigmoid", "truncated_normal"),
    ((784, 128, 64, 10), "relu", "he_normal"),
    ((784, 128, 64, 10), "tanh", "xavier_uniform"),
    ((2, 4, 2), "sigmoid", "truncated_normal"),
    ((3, 5, 5, 2), "relu", "he_normal"),
    ((20, 3, 3, 3, 20), "tanh", "xavier_normal"),
])
def test_gradient_verdict_follows_the_per_weight_rule(sizes, activation, init):
    net = Network(sizes, activation=activation, init=init, seed=3)
    fall = _rms_fall(net)
    kinds = diagnose(_explorer_stats(net)).kinds
    gradient_kinds = {"vanishing", "exploding"} & set(kinds)
    if fall > GRADIENT_SPREAD_LIMIT:
        assert gradient_kinds == {"vanishing"}, (fall, kinds)
    elif fall < 1 / GRADIENT_SPREAD_LIMIT:
        assert gradient_kinds == {"exploding"}, (fall, kinds)
    else:
        assert not gradient_kinds, (fall, kinds)


def test_the_explanation_teaches_the_rule():
    net = Network([3, 5, 5, 2], activation="sigmoid", init="truncated_normal", seed=3)
    verdict = diagnose(_explorer_stats(net))
    assert verdict.kinds == ("vanishing",)
    assert "per weight" in verdict.explanation.lower() and "per weight" in verdict.rule
    assert "‖∂E/∂W‖ / √(n_in·n_out)" in verdict.rule and "100×" in verdict.rule
    assert verdict.text.startswith(verdict.explanation) and verdict.text.endswith(verdict.rule)
    assert str(verdict) == verdict.text and "vanishing gradients" in verdict
    healthy = diagnose(_explorer_stats(PRESETS["Xavier + tanh"].network(2, 2, seed=1)))
    assert healthy.healthy and healthy.headline == "Healthy start" and healthy.rule


@pytest.mark.parametrize("name, kinds", [
    ("Zero init (symmetry)", ("constant", "frozen")),
    ("Too small", ("fades", "tiny-steps")),
    ("Too large", ("saturated",)),
    ("Tutorial: truncated normal", ()),
    ("Xavier + tanh", ()),
    ("He + ReLU", ()),
    ("Deep sigmoid (vanishing)", ("vanishing",)),
])
@pytest.mark.parametrize("n_in, n_out", [(2, 2), (784, 10)])
def test_each_preset_gets_the_verdict_of_its_lesson(name, kinds, n_in, n_out):
    assert diagnose(_explorer_stats(PRESETS[name].network(n_in, n_out, seed=1))).kinds == kinds


def test_tiny_steps_are_judged_by_the_gradient_to_weight_ratio():
    stats = _explorer_stats(PRESETS["Too small"].network(2, 2, seed=1))
    ratios = [np.linalg.norm(g) / np.linalg.norm(layer.weights)
              for g, layer in zip(_batch_mean_gradients(stats), stats.layers)]
    np.testing.assert_allclose(stats.series("grad_to_weight"), ratios, rtol=1e-9)
    assert max(ratios) < 1e-4 and "tiny-steps" in diagnose(stats).kinds


def _batch_mean_gradients(stats):
    net = PRESETS["Too small"].network(2, 2, seed=1)
    d_w, _ = net.gradients(stats.inputs, stats.targets)
    return [g / stats.batch_size for g in d_w]


def test_a_sigmoids_small_spread_of_a_is_not_a_fading_signal():
    # std(a) of a sigmoid layer is ~0.13 for N(0, 1) inputs however healthy: the verdict reads std(z).
    stats = _explorer_stats(Network([784, 32, 32, 10], activation="sigmoid", init="truncated_normal", seed=2))
    assert stats.layers[0].a_std < 0.2 * stats.input_std and stats.layers[0].z_std > 0.5
    assert not {"fades", "explodes"} & set(diagnose(stats).kinds)


def test_zero_weights_have_an_infinite_or_zero_gradient_to_weight_ratio():
    stats = _explorer_stats(PRESETS["Zero init (symmetry)"].network(2, 2, seed=1))
    assert stats.layers[0].grad_to_weight == 0.0  # no gradient reaches it
    assert stats.layers[-1].grad_to_weight == np.inf  # a gradient, but nothing to compare it with


def test_centred_activations_are_the_odd_ones():
    assert [is_centred(n) for n in ("tanh", "linear")] == [True, True]
    assert not any(is_centred(n) for n in ("sigmoid", "relu", "softplus", "elu", "gelu", "silu", "softmax"))
