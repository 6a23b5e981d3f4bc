"""The initialisation race, its verdict and the chance baseline, checked against hand computations."""

import numpy as np
import pytest

from nnviz.core import Network, Race, RaceEntry, chance_loss, fit, make_dataset, race, race_verdict
from nnviz.core.race import candidate_label, round_level
from nnviz.core.training import History, evaluate

CANDIDATES = [
    {"init": "xavier_normal"},
    {"init": "he_normal", "activation": "relu"},
    {"init": "normal", "init_scale": 0.05, "label": "too small"},
]


@pytest.fixture(scope="module")
def data():
    return make_dataset("xor", 60, seed=1)


def small_network(activation="tanh", **kwargs):
    return Network([2, 5, 4, 1], activation=activation, seed=7, bias=True, learning_rate=0.2, **kwargs)


def snapshot(network):
    return [w.copy() for w in network.weights] + [b.copy() for b in network.biases]


def test_identical_candidates_give_identical_results(data):
    entries = race(small_network(), [{"init": "xavier_normal"}] * 2, *data, 4, momentum=0.5, seed=3)
    first, second = entries
    assert first.history == second.history
    for name in ("grad_norm", "update_ratio", "saturation"):
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))
    for a, b in zip(snapshot(first.network), snapshot(second.network)):
        np.testing.assert_array_equal(a, b)
    # And a second race from scratch repeats the first.
    again = race(small_network(), [{"init": "xavier_normal"}], *data, 4, momentum=0.5, seed=3)[0]
    assert again.history == first.history


def test_the_given_network_is_untouched(data):
    network = small_network()
    before, settings = snapshot(network), repr(network)
    race(network, CANDIDATES, *data, 2)
    assert repr(network) == settings and network.activation == "tanh"
    for a, b in zip(before, snapshot(network)):
        np.testing.assert_array_equal(a, b)


def test_each_candidate_starts_from_its_own_scheme_and_trains_like_fit(data):
    network = small_network(output_activation="sigmoid")
    X_test, y_test = make_dataset("xor", 30, seed=2)
    entries = race(network, CANDIDATES, *data, 3, seed=5, X_test=X_test, y_test=y_test)
    assert [e.label for e in entries] == ["Xavier/Glorot normal ×1", "He normal ×1 + ReLU", "too small"]
    for candidate, entry in zip(CANDIDATES, entries):
        reference = Network([2, 5, 4, 1], activation=candidate.get("activation", "tanh"), output_activation="sigmoid",
                            init=candidate["init"], init_scale=candidate.get("init_scale", 1.0), seed=network.seed,
                            bias=True, learning_rate=0.2)
        history = fit(reference, *data, 3, seed=5, X_test=X_test, y_test=y_test)
        assert entry.history == history and len(history.test_loss) == 4
        assert entry.network.output_activation == "sigmoid"
        for a, b in zip(snapshot(entry.network), snapshot(reference)):
            np.testing.assert_array_equal(a, b)


def test_update_ratio_is_the_relative_weight_change(data):
    run = Race(small_network(), CANDIDATES, *data, 3, seed=1)
    saved = [[snapshot(e.network)[:3]] for e in run.entries]
    run.step_batches(2)  # part of an epoch: nothing recorded yet, the rows still NaN
    assert np.isnan(run.entries[0].update_ratio).all() and np.isnan(run.entries[0].saturation[1:]).all()
    assert np.isfinite(run.entries[0].saturation[0]).all() and np.isfinite(run.entries[0].grad_norm[0]).all()
    steps = [run.batches_per_epoch - 2, run.batches_per_epoch, run.batches_per_epoch]
    for step in steps:
        run.step_batches(step)
        for weights, entry in zip(saved, run.entries):
            weights.append(snapshot(entry.network)[:3])
    assert run.finished
    for weights, entry in zip(saved, run.entries):
        assert entry.update_ratio.shape == (3, 3)
        expected = [[np.linalg.norm(after - before) / np.linalg.norm(before) for before, after in zip(w0, w1)]
                    for w0, w1 in zip(weights, weights[1:])]
        np.testing.assert_array_equal(entry.update_ratio, expected)


@pytest.mark.parametrize("output, loss", [("tanh", "mse"), ("softmax", "cross_entropy")])
def test_grad_norm_matches_finite_differences(data, output, loss):
    X, y = data
    n_out = 1 if output == "tanh" else 2
    network = Network([2, 3, n_out], activation="tanh", output_activation=output, loss=loss, seed=2)
    entry = race(network, [{"init": "xavier_uniform"}], X, y, 1)[0]
    start = Network([2, 3, n_out], activation="tanh", output_activation=output, loss=loss, init="xavier_uniform",
                    seed=2)
    h = 1e-6
    for layer, w in enumerate(start.weights):
        grad = np.zeros_like(w)
        for index in np.ndindex(w.shape):
            original = w[index]
            w[index] = original + h
            up = evaluate(start, X, y, True)[0]
            w[index] = original - h
            down = evaluate(start, X, y, True)[0]
            w[index] = original
            grad[index] = (up - down) / (2 * h)
        assert entry.grad_norm[0, layer] == pytest.approx(np.linalg.norm(grad), rel=1e-6)


def test_the_race_keeps_the_loss_and_per_layer_activations():
    X, y = make_dataset("xor", 60, seed=3)
    network = Network([2, 5, 4, 2], activation=["tanh", "sigmoid"], output_activation="softmax",
                      loss="cross_entropy", seed=9, learning_rate=0.3)
    kept, relu = race(network, [{"init": "xavier_normal"}, {"init": "he_normal", "activation": "relu"}], X, y, 2)
    assert kept.network.activations == ["tanh", "sigmoid", "softmax"] and kept.network.loss == "cross_entropy"
    assert relu.network.activations == ["relu", "relu", "softmax"]
    reference = Network([2, 5, 4, 2], activation=["tanh", "sigmoid"], output_activation="softmax",
                        loss="cross_entropy", init="xavier_normal", seed=9, learning_rate=0.3)
    assert kept.history == fit(reference, X, y, 2, seed=0)
    assert kept.history.train_loss[0] == pytest.approx(evaluate(Network(
        [2, 5, 4, 2], activation=["tanh", "sigmoid"], output_activation="softmax", loss="cross_entropy",
        init="xavier_normal", seed=9), X, y, True)[0])
    mixed = race(network, [{"init": "xavier_normal", "activation": ["relu", "gelu"]}], X, y, 1)[0]
    assert mixed.network.activations == ["relu", "gelu", "softmax"]
    assert mixed.label == "Xavier/Glorot normal ×1 + ReLU / GELU"


def test_saturation_is_measured_before_training_and_after_each_epoch(data):
    X, y = data
    network = Network([2, 6, 6, 6, 1], activation="tanh", seed=4, learning_rate=0.1)
    tanh_entry, relu_entry = race(network, [{"init": "normal", "init_scale": 3.0},
                                            {"init": "he_normal", "activation": "relu"}], X, y, 2)
    assert tanh_entry.saturation.shape == (3, 3) and tanh_entry.grad_norm.shape == (2, 4)
    # By hand: tanh values with f′ < 1 % of its peak, before training and after it.
    start = Network([2, 6, 6, 6, 1], activation="tanh", init="normal", init_scale=3.0, seed=4)
    for row, weights in ((0, start.weights), (-1, tanh_entry.network.weights)):
        a, tanh_fractions = X, []
        for w in weights[:-1]:
            z = a @ w.T
            tanh_fractions.append(np.mean(1 - np.tanh(z) ** 2 < 0.01))
            a = np.tanh(z)
        np.testing.assert_allclose(tanh_entry.saturation[row], tanh_fractions)
    assert tanh_entry.saturation[0, -1] > 0.5  # σ_w = 3 saturates from the start
    # ReLU units that never fire on the training set are dead.
    a, dead = X, []
    for w in relu_entry.network.weights[:-1]:
        z = a @ w.T
        dead.append(np.mean(np.all(z <= 0, axis=0)))
        a = np.maximum(z, 0)
    np.testing.assert_allclose(relu_entry.saturation[-1], dead)


def test_a_diverging_candidate_stops_and_the_others_go_on(data):
    network = Network([2, 4, 4, 1], activation="linear", seed=3, learning_rate=0.05)
    calm, wild = race(network, [{"init": "normal", "init_scale": 0.3}, {"init": "normal", "init_scale": 5.0}],
                      *data, 3)
    assert calm.diverged_epoch is None and calm.epochs_done == 3
    assert wild.diverged_epoch == 1 and wild.epochs_done == 0
    assert np.isnan(wild.update_ratio).all() and np.isfinite(wild.grad_norm[0]).all()
    assert np.isnan(wild.grad_norm[1:]).all()


def test_bad_candidates_are_refused(data):
    with pytest.raises(ValueError):
        race(small_network(), [{"init_scale": 2.0}], *data, 1)
    with pytest.raises(ValueError):
        race(small_network(), [{"init": "he_normal", "colour": "red"}], *data, 1)
    with pytest.raises(ValueError):
        race(small_network(), [], *data, 1)
    with pytest.raises(ValueError):
        race(small_network(), CANDIDATES, *data, 0)
    assert candidate_label({"init": "orthogonal", "init_scale": 0.5}) == "Orthogonal ×0.5"


def fake_entry(label, losses, diverged_epoch=None):
    history = History(epoch=list(range(len(losses))), train_loss=list(losses))
    empty = np.empty((0, 0))
    return RaceEntry(label, None, history, empty, empty, empty, diverged_epoch)


def test_verdict():
    he = fake_entry("He", [0.5, 0.2, 0.04, 0.01])
    xavier = fake_entry("Xavier", [0.5, 0.3, 0.1, 0.045])
    small = fake_entry("too small", [0.5, 0.5, 0.49, 0.48])
    wild = fake_entry("wild", [0.9], diverged_epoch=1)
    assert race_verdict([he, xavier, small, wild]) == (
        "He reached loss 0.01 first (epoch 3); Xavier ended at 0.045; too small never left the plateau; "
        "wild diverged in epoch 1.")
    assert race_verdict([he, xavier, small], target_loss=0.05) == (
        "He reached loss 0.05 first (epoch 2); Xavier by epoch 3; too small never left the plateau.")
    assert race_verdict([small, wild]) == (
        "No candidate left the plateau (best: too small at 0.48); wild diverged in epoch 1.")
    assert race_verdict([fake_entry("a", [0.5])]) == "Not trained yet."
    assert race_verdict([wild]) == "Every candidate diverged: lower the learning rate."
    # Against a chance baseline of 0.125, dropping from 0.9 to 0.12 is still the plateau.
    stuck = fake_entry("stuck", [0.9, 0.13, 0.12])
    assert race_verdict([he, stuck], baseline=0.125).endswith("stuck never left the plateau.")
    assert [round_level(v) for v in (0.043, 0.05, 0.11, 3.0, 7.5)] == [0.05, 0.05, 0.2, 5.0, 10.0]


def test_chance_loss():
    tanh_net = Network([2, 3, 1], activation="tanh", seed=1)
    sigmoid_net = Network([2, 3, 1], activation="sigmoid", seed=1)
    balanced = np.array([0, 1] * 10)
    assert chance_loss(tanh_net, balanced) == pytest.approx(0.5)  # targets ±1, variance 1
    assert chance_loss(sigmoid_net, balanced) == pytest.approx(0.125)  # targets 0/1, variance ¼
    three = Network([2, 3, 3], activation="sigmoid", seed=1)
    labels = np.array([0, 0, 1, 2])  # prior ½, ¼, ¼: ½ Σ p(1 − p)
    assert chance_loss(three, labels) == pytest.approx(0.5 * (0.25 + 0.1875 + 0.1875))
    regression = np.array([1.0, 2.0, 4.0, 5.0])
    linear = Network([1, 1], activation="linear", seed=1, bias=True)
    assert chance_loss(linear, regression, classification=False) == pytest.approx(0.5 * np.var(regression))
    # It is the loss of a network that always predicts the mean target.
    linear.weights[0][...] = 0.0
    linear.biases[0][...] = regression.mean()
    X = np.zeros((4, 1))
    assert evaluate(linear, X, regression, False)[0] == pytest.approx(chance_loss(linear, regression, False))


def test_chance_loss_with_cross_entropy():
    labels = np.array([0, 1, 2, 2, 1, 0])
    softmax = Network([2, 4, 3], activation="tanh", output_activation="softmax", loss="cross_entropy", seed=1)
    assert chance_loss(softmax, labels) == pytest.approx(np.log(3))
    # A softmax with zero weights predicts 1/3 for every class: its loss is the baseline.
    for w in softmax.weights:
        w[...] = 0.0
    assert evaluate(softmax, np.ones((6, 2)), labels, True)[0] == pytest.approx(np.log(3))
    sigmoid = Network([2, 4, 1], activation="tanh", output_activation="sigmoid", loss="cross_entropy", seed=1)
    assert chance_loss(sigmoid, np.array([0, 1, 1])) == pytest.approx(np.log(2))
    one_hot = np.eye(3)[labels]
    assert chance_loss(softmax, one_hot) == pytest.approx(np.log(3))
    mse = Network([2, 4, 3], activation="sigmoid", seed=1)
    assert chance_loss(mse, one_hot) == pytest.approx(chance_loss(mse, labels))
