"""Tests for nnviz.core.tutorial: the classic tutorial's code runs unchanged on nnviz's network."""

import math

import numpy as np
import pytest

from nnviz.core import NeuralNetwork, truncated_normal


def activation_function(x):
    return 1.0 / (1.0 + np.exp(-x))


class TutorialNetwork(NeuralNetwork):
    """The tutorial's own ``train``, as a student would type it: in-place updates of the matrices."""

    def train(self, input_vector, target_vector):
        input_vector = np.array(input_vector, ndmin=2).T
        target_vector = np.array(target_vector, ndmin=2).T

        output_vector1 = np.dot(self.weights_in_hidden, input_vector)
        output_vector_hidden = activation_function(output_vector1)
        output_vector2 = np.dot(self.weights_hidden_out, output_vector_hidden)
        output_vector_network = activation_function(output_vector2)

        output_errors = target_vector - output_vector_network
        tmp = output_errors * output_vector_network * (1.0 - output_vector_network)
        tmp = self.learning_rate * np.dot(tmp, output_vector_hidden.T)
        self.weights_hidden_out += tmp

        hidden_errors = np.dot(self.weights_hidden_out.T, output_errors)
        tmp = hidden_errors * output_vector_hidden * (1.0 - output_vector_hidden)
        self.weights_in_hidden += self.learning_rate * np.dot(tmp, input_vector.T)


def two_blobs(n=40, seed=0):
    """Two separable clouds with one-hot targets, the tutorial's kind of toy data."""
    rng = np.random.default_rng(seed)
    centres = np.array([[2.0, 2.0], [-2.0, -2.0]])
    labels = rng.integers(0, 2, n)
    points = centres[labels] + rng.normal(scale=0.7, size=(n, 2))
    return points, np.eye(2)[labels]


def total_error(nn, points, targets):
    return sum(0.5 * float(np.sum((t - nn.run(x)[:, 0]) ** 2)) for x, t in zip(points, targets))


def test_tutorial_snippet_runs_unchanged():
    simple_network = NeuralNetwork(no_of_in_nodes=2, no_of_out_nodes=2, no_of_hidden_nodes=4,
                                   learning_rate=0.6)
    result = simple_network.run([(3, 4)])
    assert result.shape == (2, 1)
    assert np.all((result > 0) & (result < 1))


def test_weight_matrices_have_tutorial_shapes_and_bounds():
    nn = NeuralNetwork(no_of_in_nodes=2, no_of_out_nodes=2, no_of_hidden_nodes=4, learning_rate=0.6)
    assert nn.weights_in_hidden.shape == (4, 2)
    assert nn.weights_hidden_out.shape == (2, 4)
    assert np.abs(nn.weights_in_hidden).max() <= 1.0 / math.sqrt(2)
    assert np.abs(nn.weights_hidden_out).max() <= 1.0 / 2.0


def test_run_is_sigmoid_of_sigmoid():
    nn = NeuralNetwork(3, 2, 5, 0.1, seed=1)
    x = np.array([0.2, -0.5, 1.0])
    expected = activation_function(nn.weights_hidden_out @ activation_function(nn.weights_in_hidden @ x))
    np.testing.assert_allclose(nn.run(x)[:, 0], expected, rtol=1e-12)
    assert nn.run([(1, 2, 3), (4, 5, 6), (7, 8, 9)]).shape == (2, 3)


def test_tutorial_training_loop_reduces_the_error():
    points, targets = two_blobs()
    nn = NeuralNetwork(no_of_in_nodes=2, no_of_out_nodes=2, no_of_hidden_nodes=4, learning_rate=0.6, seed=3)
    before = total_error(nn, points, targets)
    for _epoch in range(20):
        for x, t in zip(points, targets):
            nn.train(x, t)
    after = total_error(nn, points, targets)
    assert after < 0.25 * before


def test_train_returns_the_error_before_the_step():
    nn = NeuralNetwork(2, 2, 4, 0.6, seed=4)
    x, t = [0.5, -0.2], [1.0, 0.0]
    expected = 0.5 * float(np.sum((np.array(t) - nn.run(x)[:, 0]) ** 2))
    assert nn.train(x, t) == pytest.approx(expected, rel=1e-13)
    assert nn.train(x, t) < expected


def test_matrices_are_the_networks_own_arrays():
    nn = NeuralNetwork(2, 2, 4, 0.6, seed=5)
    assert nn.network.weights[0] is nn.weights_in_hidden
    assert nn.network.weights[1] is nn.weights_hidden_out
    before = nn.run([1.0, 1.0]).copy()
    nn.weights_hidden_out[0, 0] += 3.0
    assert not np.allclose(nn.run([1.0, 1.0]), before)
    np.testing.assert_array_equal(nn.network.forward([1.0, 1.0]).output, nn.run([1.0, 1.0])[:, 0])


def test_tutorial_style_in_place_training_changes_the_network():
    points, targets = two_blobs(seed=1)
    nn = TutorialNetwork(no_of_in_nodes=2, no_of_out_nodes=2, no_of_hidden_nodes=4, learning_rate=0.6, seed=8)
    before_output = nn.run(points[0]).copy()
    before_error = total_error(nn, points, targets)
    for _epoch in range(20):
        for x, t in zip(points, targets):
            nn.train(x, t)
    # One source of truth: the tutorial's updates are what the network computes with.
    assert nn.network.weights[0] is nn.weights_in_hidden
    assert nn.network.weights[1] is nn.weights_hidden_out
    assert not np.allclose(nn.run(points[0]), before_output)
    np.testing.assert_allclose(nn.network.forward(points).output.T, nn.run(points), rtol=1e-15)
    assert total_error(nn, points, targets) < 0.25 * before_error


def test_assigning_matrices_checks_the_shape():
    nn = NeuralNetwork(2, 2, 4, 0.6, seed=6)
    nn.weights_in_hidden = [[0.1, 0.2]] * 4
    np.testing.assert_array_equal(nn.network.weights[0], np.array([[0.1, 0.2]] * 4))
    with pytest.raises(ValueError, match="weights_hidden_out must have shape"):
        nn.weights_hidden_out = np.zeros((4, 2))


def test_learning_rate_is_the_networks():
    nn = NeuralNetwork(2, 2, 4, 0.6)
    assert nn.learning_rate == 0.6
    nn.learning_rate = 0.1
    assert nn.network.learning_rate == 0.1


def test_create_weight_matrices_draws_new_bounded_weights():
    nn = NeuralNetwork(2, 2, 4, 0.6, seed=7)
    old = nn.weights_in_hidden.copy()
    nn.create_weight_matrices()
    assert not np.array_equal(nn.weights_in_hidden, old)
    assert np.abs(nn.weights_in_hidden).max() <= 1.0 / math.sqrt(2)
    assert np.abs(nn.weights_hidden_out).max() <= 1.0 / 2.0


def test_truncated_normal_helper_samples_within_bounds():
    X = truncated_normal(mean=2, sd=1, low=1, upp=10)
    sample = X.rvs(5)
    assert sample.shape == (5,)
    assert np.all((sample >= 1) & (sample <= 10))
