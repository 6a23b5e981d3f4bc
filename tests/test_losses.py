"""Softmax, cross-entropy and the network's loss: hand-written formulas, finite differences, huge logits."""

import math
import warnings

import numpy as np
import pytest

from nnviz.core import Network, get_activation
from nnviz.core.losses import check_loss, output_delta, sample_losses, total_loss

SOFTMAX = get_activation("softmax")
SIGMOID = get_activation("sigmoid")


def softmax_by_hand(row):
    exps = [math.exp(v) for v in row]
    return [e / sum(exps) for e in exps]


def numeric_gradient(f, x, h=1e-6):
    """Central differences of the scalar function ``f`` with respect to every entry of ``x``."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        up = f()
        x[index] = old - h
        down = f()
        x[index] = old
        grad[index] = (up - down) / (2 * h)
    return grad


@pytest.fixture(autouse=True)
def warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# -- softmax -------------------------------------------------------------------------------------------
def test_softmax_matches_the_textbook_formula_row_by_row():
    z = np.array([[0.5, -1.0, 2.0], [3.0, 3.0, -2.5]])
    np.testing.assert_allclose(SOFTMAX.value(z), [softmax_by_hand(row) for row in z], rtol=1e-14)
    np.testing.assert_allclose(SOFTMAX.value(z[0]), softmax_by_hand(z[0]), rtol=1e-14)  # one (n,) layer


def test_softmax_of_huge_logits_is_exact_and_quiet():
    z = np.array([[1e4, -1e4, 0.0], [1e4, 1e4, -1e4], [-1e4, -1e4, -1e4], [1e308, -1e308, 0.0]])
    np.testing.assert_array_equal(SOFTMAX.value(z), [[1, 0, 0], [0.5, 0.5, 0], [1 / 3] * 3, [1, 0, 0]])
    np.testing.assert_array_equal(SOFTMAX.derivative(z[:1]), [[0, 0, 0]])


def test_softmax_derivative_is_the_jacobian_diagonal_and_backprop_the_whole_jacobian():
    z = np.array([0.3, -1.2, 2.0, 0.0])
    h = 1e-6
    jacobian = np.column_stack([(SOFTMAX.value(z + h * e) - SOFTMAX.value(z - h * e)) / (2 * h)
                                for e in np.eye(len(z))])  # jacobian[k, j] = ∂y_k/∂z_j
    np.testing.assert_allclose(SOFTMAX.derivative(z), np.diag(jacobian), rtol=1e-6, atol=1e-9)
    grad = np.array([1.0, -2.0, 0.5, 3.0])
    np.testing.assert_allclose(SOFTMAX.backprop(z, SOFTMAX.value(z), grad), jacobian.T @ grad, rtol=1e-6, atol=1e-9)


def test_softmax_is_flagged_not_elementwise_and_plots_as_the_two_class_sigmoid():
    assert not SOFTMAX.elementwise and SIGMOID.elementwise
    z = np.linspace(-5, 5, 11)
    np.testing.assert_allclose(SOFTMAX.curve(z), [softmax_by_hand([v, 0.0])[0] for v in z], rtol=1e-12)


# -- cross-entropy -------------------------------------------------------------------------------------
def test_categorical_cross_entropy_matches_minus_sum_t_log_y():
    z = np.array([[0.5, -1.0, 2.0], [3.0, 1.0, -2.5]])
    t = np.array([[0.0, 0.0, 1.0], [0.2, 0.8, 0.0]])
    by_hand = [-sum(ti * math.log(yi) for ti, yi in zip(t_row, softmax_by_hand(z_row))) for z_row, t_row in zip(z, t)]
    y = SOFTMAX.value(z)
    np.testing.assert_allclose(sample_losses("cross_entropy", SOFTMAX, z, y, t), by_hand, rtol=1e-13)
    assert total_loss("cross_entropy", SOFTMAX, z, y, t) == pytest.approx(sum(by_hand), rel=1e-13)


def test_binary_cross_entropy_matches_the_textbook_formula():
    z = np.array([[0.5, -1.0], [3.0, 0.0]])
    t = np.array([[1.0, 0.0], [0.3, 1.0]])
    y = SIGMOID.value(z)
    by_hand = -(t * np.log(y) + (1 - t) * np.log(1 - y)).sum(axis=1)
    np.testing.assert_allclose(sample_losses("cross_entropy", SIGMOID, z, y, t), by_hand, rtol=1e-13)


@pytest.mark.parametrize("output", ["softmax", "sigmoid"])
def test_cross_entropy_of_logits_of_1e4_is_finite_and_its_delta_is_y_minus_t(output):
    act = get_activation(output)
    z = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]])
    t = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    y = act.value(z)
    losses = sample_losses("cross_entropy", act, z, y, t)
    assert np.all(np.isfinite(losses))
    assert losses[0] == pytest.approx(2e4 if output == "softmax" else 2e4 + math.log(2), rel=1e-12)
    np.testing.assert_array_equal(output_delta("cross_entropy", act, z, y, t), y - t)


def test_cross_entropy_fits_only_probability_outputs():
    assert check_loss("cross_entropy", SOFTMAX) == check_loss("cross_entropy", SIGMOID) == "cross_entropy"
    with pytest.raises(ValueError, match="cross-entropy needs a softmax or sigmoid output.*'tanh'"):
        check_loss("cross_entropy", get_activation("tanh"))
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        check_loss("hinge", SOFTMAX)


# -- the network's loss and its gradients ----------------------------------------------------------------
CASES = [
    dict(activation="relu", output_activation="softmax", loss="cross_entropy"),
    dict(activation="tanh", output_activation="sigmoid", loss="cross_entropy"),
    dict(activation="gelu", output_activation="softmax", loss="mse"),  # the Jacobian-vector product
    dict(activation=["tanh", "softmax"], output_activation="linear", loss="mse"),  # softmax as a hidden layer
    dict(activation=["elu", "sigmoid"], output_activation="tanh", loss="mse"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['activation']}-{c['output_activation']}-{c['loss']}")
def test_gradients_match_finite_differences_of_the_network_loss(case):
    net = Network([3, 4, 5, 3], seed=11, bias=True, **case)
    rng = np.random.default_rng(2)
    for b in net.biases:
        b[...] = rng.normal(size=b.shape)
    x = rng.normal(size=(4, 3))
    t = np.eye(3)[[0, 2, 1, 2]] if case["output_activation"] == "softmax" else rng.uniform(0, 1, (4, 3))
    d_w, d_b = net.gradients(x, t)
    for analytic, arrays in ((d_w, net.weights), (d_b, net.biases)):
        for g, a in zip(analytic, arrays):
            np.testing.assert_allclose(g, numeric_gradient(lambda: net.loss_value(x, t), a), rtol=1e-5, atol=1e-7)


def test_softmax_cross_entropy_output_delta_is_y_minus_t_in_the_network():
    net = Network([2, 3], activation="linear", output_activation="softmax", loss="cross_entropy", seed=1)
    x, t = np.array([0.4, -0.7]), np.array([0.0, 1.0, 0.0])
    trace = net.forward(x)
    d_w, _ = net.backward(trace, t)
    np.testing.assert_allclose(d_w[0], np.outer(trace.output - t, x), rtol=1e-14)
    assert net.loss_value(x, t) == pytest.approx(-math.log(trace.output[1]), rel=1e-13)


def test_huge_logits_train_without_nan_or_warning():
    net = Network([2, 3], activation="linear", output_activation="softmax", loss="cross_entropy", seed=1)
    net.weights[0][...] = [[1e4, 0], [-1e4, 0], [0, 0]]
    x, t = np.array([[1.0, 0.0]]), np.array([[0.0, 1.0, 0.0]])
    error = net.train(x, t)
    assert error == pytest.approx(2e4) and all(np.all(np.isfinite(w)) for w in net.weights)


def test_the_loss_must_fit_the_output_at_every_change():
    net = Network([2, 3, 2], activation="relu", output_activation="softmax", loss="cross_entropy", seed=1)
    with pytest.raises(ValueError, match="cross-entropy needs"):
        net.output_activation = "tanh"
    with pytest.raises(ValueError, match="cross-entropy needs"):
        net.output_activation = None  # would follow relu
    with pytest.raises(ValueError, match="cross-entropy needs"):
        Network([2, 2], activation="relu", loss="cross_entropy")
    assert net.output_activation == "softmax" and net.loss == "cross_entropy"  # unchanged by the refusals
    net.loss = "mse"
    net.output_activation = "tanh"
    assert net.activations == ["relu", "tanh"]
