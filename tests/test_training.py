"""Tests for nnviz.core.training, targets and grids: targets, mini-batch SGD with L2 and momentum, and the
input-plane grids."""

import numpy as np
import pytest

from nnviz.core import Network
from nnviz.core.datasets import make_dataset, train_test_split
from nnviz.core.grids import grid_coordinates, neuron_grids, predict_grid
from nnviz.core.targets import class_levels, looks_like_classification, predict_labels, targets_for
from nnviz.core.training import EVAL_LIMIT, History, Trainer, TrainingDiverged, evaluate, fit

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0.0, 1.0, 1.0, 0.0])


# ---------------------------------------------------------------- targets


def test_one_output_binary_targets_follow_the_output_range():
    sigmoid = Network([2, 3, 1], activation="sigmoid", seed=1)
    tanh = Network([2, 3, 1], activation="tanh", seed=1)
    assert class_levels(sigmoid) == (0.0, 1.0)
    assert class_levels(tanh) == (-1.0, 1.0)
    np.testing.assert_array_equal(targets_for(sigmoid, [0, 1, 1], True), [[0.0], [1.0], [1.0]])
    np.testing.assert_array_equal(targets_for(tanh, [0, 1, 1], True), [[-1.0], [1.0], [1.0]])


def test_several_output_units_get_one_hot_targets():
    net = Network([2, 3, 3], activation="sigmoid", seed=1)
    targets = targets_for(net, np.array([2.0, 0.0, 1.0]), True)
    np.testing.assert_array_equal(targets, [[0, 0, 1], [1, 0, 0], [0, 1, 0]])
    tanh = Network([2, 3, 2], activation="tanh", seed=1)
    np.testing.assert_array_equal(targets_for(tanh, [1, 0], True), [[-1, 1], [1, -1]])


def test_regression_targets_are_a_column():
    net = Network([2, 3, 1], seed=1)
    np.testing.assert_array_equal(targets_for(net, [0.25, -0.5], False), [[0.25], [-0.5]])


@pytest.mark.parametrize(("sizes", "y", "classification"), [
    ([2, 3, 1], [0, 2], True),        # three classes, one output unit
    ([2, 3, 2], [0, 2], True),        # label 2 has no output unit
    ([2, 3, 2], [0.5, 1], True),      # not a whole number
    ([2, 3, 2], [0.5, 1.0], False),   # regression with two output units
])
def test_targets_that_do_not_fit_the_output_are_refused(sizes, y, classification):
    with pytest.raises(ValueError):
        targets_for(Network(sizes, seed=1), y, classification)


def test_classification_is_recognised_from_the_labels():
    assert looks_like_classification([0, 1, 1, 0])
    assert looks_like_classification([0.0, 2.0, 1.0])
    assert not looks_like_classification([0.1, 0.5])
    assert not looks_like_classification([1, 2])  # labels start at 0
    assert not looks_like_classification([0, 0])


def test_predicted_labels_and_accuracy():
    net = Network([2, 1], activation="linear", seed=1)
    net.weights[0][:] = [[1.0, 0.0]]  # output = x0; linear → levels (−1, 1), threshold 0
    X = np.array([[-1.0, 0.0], [2.0, 0.0], [0.5, 3.0]])
    np.testing.assert_array_equal(predict_labels(net, X), [0, 1, 1])
    loss, accuracy = evaluate(net, X, np.array([0.0, 1.0, 0.0]), True)
    assert accuracy == pytest.approx(2 / 3)
    # ½ mean Σ (t − y)²: targets −1, 1, −1 against outputs −1, 2, 0.5
    assert loss == pytest.approx(0.5 * (0 + 1 + 2.25) / 3)


# ---------------------------------------------------------------- fit


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_fit_learns_xor(activation):
    net = Network([2, 4, 1], activation=activation, seed=0, bias=True)
    rate = 0.5 if activation == "tanh" else 2.0
    history = fit(net, XOR_X, XOR_Y, epochs=1500, batch_size=4, learning_rate=rate, momentum=0.9)
    assert history.train_accuracy[-1] >= 0.95
    assert history.train_loss[-1] < 0.1 * history.train_loss[0]
    np.testing.assert_array_equal(predict_labels(net, XOR_X), XOR_Y)


def test_fit_reduces_the_loss_on_the_xor_dataset_with_a_test_set():
    X, y = make_dataset("xor", 200, noise=0.1, seed=4)
    X_train, y_train, X_test, y_test = train_test_split(X, y, 0.5, seed=4)
    net = Network([2, 4, 1], activation="tanh", seed=2, bias=True)
    history = fit(net, X_train, y_train, 100, learning_rate=0.1, momentum=0.5, X_test=X_test, y_test=y_test)
    assert len(history) == 101 and history.epoch == list(range(101))
    assert len(history.test_loss) == len(history.test_accuracy) == 101
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]
    assert history.test_loss[-1] < 0.5 * history.test_loss[0]
    assert history.train_accuracy[-1] >= 0.95 and history.test_accuracy[-1] >= 0.95


def test_fit_regression_has_no_accuracy():
    X, y = make_dataset("plane", 100, seed=1)
    net = Network([2, 1], activation="linear", seed=1)
    history = fit(net, X, y, 50, learning_rate=0.1)
    assert history.train_accuracy == [] and history.test_loss == []
    assert history.train_loss[-1] < 1e-3
    np.testing.assert_allclose(net.weights[0], [[0.5, 0.5]], atol=0.02)


def test_one_hot_training_with_two_output_units():
    X, y = make_dataset("gauss", 100, seed=3)
    net = Network([2, 3, 2], activation="sigmoid", seed=3, bias=True)
    history = fit(net, X, y, 60, learning_rate=1.0)
    assert history.train_accuracy[-1] >= 0.95


def test_fit_is_reproducible_from_the_seed():
    X, y = make_dataset("circle", 60, seed=1)
    a, b = (Network([2, 4, 1], activation="tanh", seed=5, bias=True) for _ in range(2))
    history_a = fit(a, X, y, 5, learning_rate=0.1, momentum=0.5)
    history_b = fit(b, X, y, 5, learning_rate=0.1, momentum=0.5)
    assert history_a == history_b
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(wa, wb)


def test_callback_sees_every_epoch_and_can_stop():
    seen = []

    def callback(epoch, history):
        seen.append((epoch, len(history)))
        return epoch < 3

    net = Network([2, 2, 1], seed=1)
    history = fit(net, XOR_X, XOR_Y, 10, callback=callback)
    assert seen == [(1, 2), (2, 3), (3, 4)]
    assert history.epoch == [0, 1, 2, 3]


def test_batch_gradients_are_averaged():
    # One epoch with a single full batch equals one step of lr · (summed gradient / n).
    net = Network([2, 3, 1], activation="tanh", seed=7, bias=True)
    expected = net.copy()
    d_w, d_b = expected.gradients(XOR_X, targets_for(expected, XOR_Y, True))
    expected.apply_gradients([g / 4 for g in d_w], [g / 4 for g in d_b], 0.5)
    fit(net, XOR_X, XOR_Y, 1, batch_size=4, learning_rate=0.5)
    for w, e in zip(net.weights + net.biases, expected.weights + expected.biases):
        np.testing.assert_allclose(w, e)


def test_l2_shrinks_the_weights():
    X, y = make_dataset("gauss", 100, seed=2)
    plain = Network([2, 6, 1], activation="tanh", seed=2, bias=True)
    decayed = plain.copy()
    fit(plain, X, y, 100, learning_rate=0.1)
    fit(decayed, X, y, 100, learning_rate=0.1, l2=0.05)
    norm = lambda net: sum(float(np.sum(w ** 2)) for w in net.weights)  # noqa: E731
    assert norm(decayed) < 0.5 * norm(plain)


def test_l2_alone_decays_weights_by_lr_times_l2():
    # Targets equal to the outputs: the data gradient vanishes and a step multiplies W by (1 − lr·l2).
    net = Network([2, 1], activation="linear", seed=3)
    start = net.weights[0].copy()
    trainer = Trainer(net, XOR_X, net.forward(XOR_X).output[:, 0], batch_size=4, learning_rate=0.1, l2=0.5,
                      classification=False)
    trainer.step_batches(1)
    np.testing.assert_allclose(net.weights[0], start * (1 - 0.1 * 0.5))


def test_momentum_accumulates_velocity():
    # A linear unit with a constant gradient: with momentum the second step is (1 + m) times the first.
    X, y = np.array([[1.0, 0.0]]), np.array([100.0])
    net = Network([2, 1], activation="linear", seed=1)
    net.weights[0][:] = 0.0
    trainer = Trainer(net, X, y, batch_size=1, learning_rate=1e-4, momentum=0.9, classification=False)
    trainer.step_batches(1)
    first = net.weights[0][0, 0]
    trainer.step_batches(1)
    second = net.weights[0][0, 0] - first
    assert second == pytest.approx(first * (1 + 0.9), rel=1e-3)


def test_steps_with_momentum_l2_and_biases_match_a_hand_written_sgd():
    # Reference: v ← m·v − lr·(g / batch + l2·W) (biases not decayed), W ← W + v, batch after batch in the
    # trainer's own order; the trainer works in place in reused buffers and must give the same numbers.
    X, y = make_dataset("spiral", 60, seed=4)
    net = Network([2, 7, 5, 3], activation="tanh", seed=4, bias=True)
    expected = net.copy()
    lr, m, l2, size = 0.3, 0.8, 0.01, 8
    trainer = Trainer(net, X, y, batch_size=size, learning_rate=lr, momentum=m, l2=l2)
    targets = targets_for(expected, y, trainer.classification)
    order = np.random.default_rng(trainer.seed).permutation(len(X))
    v_w = [np.zeros_like(w) for w in expected.weights]
    v_b = [np.zeros_like(b) for b in expected.biases]
    for start in range(0, len(X), size):
        batch = order[start:start + size]
        d_w, d_b = expected.gradients(X[batch], targets[batch])
        # In the trainer's order of operations, so that the numbers are the same to the last bit.
        v_w = [g * (-lr * (1.0 / len(batch))) + m * v - (lr * l2) * w for v, g, w in zip(v_w, d_w, expected.weights)]
        v_b = [g * (-lr * (1.0 / len(batch))) + m * v for v, g in zip(v_b, d_b)]
        for w, v in zip(expected.weights + expected.biases, v_w + v_b):
            w[...] = w + v
        trainer.step_batches(1)
        for w, e in zip(net.weights + net.biases, expected.weights + expected.biases):
            np.testing.assert_array_equal(w, e)


def test_a_step_that_diverges_changes_neither_the_weights_nor_the_velocity():
    X, y = np.full((20, 2), 1e150), np.full(20, 1e150)  # no epoch ends (nor its loss is checked) first
    net = Network([2, 1], activation="linear", seed=1, bias=True)
    trainer = Trainer(net, X, y, batch_size=1, learning_rate=10.0, momentum=0.9, l2=0.01, classification=False)
    with pytest.raises(TrainingDiverged):
        for _ in range(10):
            weights, velocity = [w.copy() for w in net.weights + net.biases], trainer._velocity
            velocity = None if velocity is None else [v.copy() for part in velocity for v in part]
            trainer.step_batches(1)
    for w, before in zip(net.weights + net.biases, weights):
        np.testing.assert_array_equal(w, before)
    assert velocity is not None  # it failed after a step: momentum was moving
    for v, before in zip([v for part in trainer._velocity for v in part], velocity):
        np.testing.assert_array_equal(v, before)


def test_momentum_speeds_up_a_slow_descent():
    X, y = make_dataset("plane", 100, seed=6)
    slow, fast = Network([2, 1], activation="linear", seed=6), Network([2, 1], activation="linear", seed=6)
    h_slow = fit(slow, X, y, 10, learning_rate=0.01)
    h_fast = fit(fast, X, y, 10, learning_rate=0.01, momentum=0.9)
    assert h_fast.train_loss[-1] < 0.5 * h_slow.train_loss[-1]


# ---------------------------------------------------------------- the trainer in pieces


def test_step_batches_counts_epochs():
    X, y = make_dataset("xor", 25, seed=1)
    trainer = Trainer(Network([2, 3, 1], seed=1), X, y, batch_size=10)
    assert trainer.batches_per_epoch == 3
    assert trainer.step_batches(2) == 0 and trainer.epoch == 0
    assert trainer.epoch_progress == pytest.approx(20 / 25)
    assert trainer.step_batches(1) == 1 and trainer.epoch == 1
    assert trainer.step_batches(6) == 2 and trainer.epoch == 3
    trainer.step_batches(1)
    trainer.step_epoch()  # finishes the started epoch
    assert trainer.epoch == 4 and trainer.epoch_progress == 0
    trainer.step_epoch()
    assert trainer.epoch == 5 and trainer.history.epoch == [0, 1, 2, 3, 4, 5]


def test_settings_can_change_between_steps_and_bad_ones_are_refused():
    net = Network([2, 3, 1], seed=1, learning_rate=0.2)
    trainer = Trainer(net, XOR_X, XOR_Y)
    trainer.batch_size, trainer.l2, trainer.momentum = 2, 0.01, 0.5
    trainer.step_epoch()
    for name, value in [("batch_size", 0), ("batch_size", 1.5), ("learning_rate", -1.0), ("l2", -0.1),
                        ("momentum", 1.0), ("momentum", float("nan"))]:
        with pytest.raises(ValueError):
            setattr(trainer, name, value)


def test_restart_clears_history_and_velocity():
    net = Network([2, 3, 1], seed=1)
    trainer = Trainer(net, XOR_X, XOR_Y, momentum=0.9)
    trainer.step_epoch()
    trainer.restart()
    assert trainer.epoch == 0 and trainer.history.epoch == [0] and trainer._velocity is None  # noqa: SLF001


def test_the_trainer_follows_a_resized_network():
    net = Network([2, 3, 1], seed=1)
    trainer = Trainer(net, XOR_X, XOR_Y, momentum=0.9)
    trainer.step_epoch()
    net.resize([2, 5, 1])
    trainer.step_epoch()  # velocities start again for the new shapes
    assert trainer.epoch == 2
    net.resize([3, 5, 1])
    with pytest.raises(ValueError, match="2 inputs"):
        trainer.step_epoch()


def test_set_data_keeps_the_history():
    trainer = Trainer(Network([2, 3, 1], seed=1), XOR_X, XOR_Y)
    trainer.step_epoch()
    trainer.set_data(XOR_X[:3], XOR_Y[:3])
    trainer.step_epoch()
    assert trainer.history.epoch == [0, 1, 2]


def test_divergence_stops_before_the_weights_become_infinite():
    X, y = np.array([[1e150, 1e150]]), np.array([1e150])
    net = Network([2, 1], activation="linear", seed=1)
    trainer = Trainer(net, X, y, batch_size=1, learning_rate=10.0, classification=False)
    with pytest.raises(TrainingDiverged):
        for _ in range(10):
            trainer.step_batches(1)
    assert all(np.isfinite(w).all() for w in net.weights)


def test_a_large_set_is_measured_on_a_subsample():
    X = np.random.default_rng(0).uniform(-1, 1, (3 * EVAL_LIMIT, 2))
    y = (X[:, 0] > 0).astype(float)
    trainer = Trainer(Network([2, 1], seed=1), X, y)
    assert len(trainer.history.train_loss) == 1
    full, _ = evaluate(trainer.network, X, y, True)
    assert trainer.history.train_loss[0] == pytest.approx(full, rel=0.1)


def test_history_is_a_plain_record():
    history = History()
    assert len(history) == 0 and history.test_loss == []


# ---------------------------------------------------------------- the input plane


def test_grid_coordinates_are_pixel_centres():
    xs, ys = grid_coordinates((-1, 1, 0, 4), 4)
    np.testing.assert_allclose(xs, [-0.75, -0.25, 0.25, 0.75])
    np.testing.assert_allclose(ys, [0.5, 1.5, 2.5, 3.5])
    with pytest.raises(ValueError):
        grid_coordinates((1, -1, 0, 1), 4)


def test_predict_grid_matches_forward_pixel_by_pixel():
    net = Network([2, 5, 3], activation="tanh", seed=4, bias=True)
    bounds = (-1.5, 1.0, -0.5, 2.0)
    grid = predict_grid(net, bounds, 7)
    assert grid.shape == (3, 7, 7)
    xs, ys = grid_coordinates(bounds, 7)
    for i, j in [(0, 0), (6, 0), (2, 5), (6, 6)]:
        np.testing.assert_allclose(grid[:, i, j], net.forward([xs[j], ys[i]]).output)


def test_neuron_grids_cover_every_layer():
    net = Network([2, 4, 3, 1], activation="tanh", seed=4)
    grids = neuron_grids(net, (-1, 1, -1, 1), 9)
    assert [g.shape for g in grids] == [(2, 9, 9), (4, 9, 9), (3, 9, 9), (1, 9, 9)]
    xs, ys = grid_coordinates((-1, 1, -1, 1), 9)
    np.testing.assert_allclose(grids[0][0], np.tile(xs, (9, 1)))  # the x input varies along a row
    np.testing.assert_allclose(grids[0][1], np.tile(ys[:, None], (1, 9)))
    np.testing.assert_allclose(grids[-1], predict_grid(net, (-1, 1, -1, 1), 9))
    trace = net.forward([xs[3], ys[5]])
    np.testing.assert_allclose(grids[1][:, 5, 3], trace.post[1])


def test_the_plane_needs_two_inputs():
    with pytest.raises(ValueError, match="2 inputs"):
        predict_grid(Network([3, 2, 1], seed=1), (-1, 1, -1, 1), 4)


# ---------------------------------------------------------------- target shapes, cross-entropy, real data
def test_fit_takes_labels_as_a_column_for_one_output_unit():
    column, flat = Network([2, 4, 1], activation="tanh", seed=3), Network([2, 4, 1], activation="tanh", seed=3)
    fit(column, XOR_X, XOR_Y[:, None], 5, batch_size=2)
    fit(flat, XOR_X, XOR_Y, 5, batch_size=2)
    for a, b in zip(column.weights, flat.weights):
        np.testing.assert_array_equal(a, b)


def test_fit_takes_target_rows_as_they_are():
    rows = np.array([[0.2, 0.8], [0.9, 0.1], [0.5, 0.5], [0.0, 1.0]])
    net = Network([2, 3, 2], activation="tanh", output_activation="linear", seed=3)
    expected = net.copy()
    history = fit(net, XOR_X, rows, 1, batch_size=4, learning_rate=0.1, seed=0)
    assert history.train_accuracy == []  # soft rows: not one-hot, so no accuracy
    d_w, _ = expected.gradients(XOR_X, rows)
    for w, before, g in zip(net.weights, expected.weights, d_w):
        np.testing.assert_allclose(w, before - 0.1 * g / 4, rtol=1e-12)
    with pytest.raises(ValueError, match="target rows have 3 values, the network has 2 output units"):
        fit(net, XOR_X, np.ones((4, 3)), 1)


def test_one_hot_rows_count_as_classification_and_give_accuracy():
    net = Network([2, 3, 2], activation="tanh", output_activation="softmax", loss="cross_entropy", seed=3)
    one_hot = np.eye(2)[XOR_Y.astype(int)]
    assert looks_like_classification(one_hot)
    labels = fit(net.copy(), XOR_X, XOR_Y, 0)
    history = fit(net, XOR_X, one_hot, 2)
    assert len(history.train_accuracy) == 3 and history.train_loss[0] == labels.train_loss[0]


def test_softmax_learns_one_hot_zero_one_targets_and_the_loss_is_the_mean_cross_entropy():
    net = Network([2, 3, 3], activation="tanh", output_activation="softmax", loss="cross_entropy", seed=3)
    y = np.array([0, 2, 1, 2])
    np.testing.assert_array_equal(targets_for(net, y, True), np.eye(3)[y])
    loss, accuracy = evaluate(net, XOR_X, y, True)
    probabilities = net.forward(XOR_X).output
    assert loss == pytest.approx(-np.mean(np.log(probabilities[np.arange(4), y])), rel=1e-12)
    assert accuracy == np.mean(np.argmax(probabilities, axis=1) == y)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_digits_are_learnt_to_93_percent_test_accuracy(seed):
    from nnviz.core.datasets import load_dataset

    digits = load_dataset("digits")
    X_train, y_train, X_test, y_test = train_test_split(digits.X, digits.y, 0.25, seed=seed)
    net = Network([64, 32, 10], activation="relu", output_activation="softmax", loss="cross_entropy",
                  init="he_uniform", seed=seed, bias=True)
    history = fit(net, X_train, y_train, 20, batch_size=32, learning_rate=0.1, momentum=0.9,
                  X_test=X_test, y_test=y_test)
    assert history.test_accuracy[-1] >= 0.93
    assert np.mean(predict_labels(net, X_test) == y_test) == history.test_accuracy[-1]
