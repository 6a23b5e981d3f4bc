"""The input-output Jacobian against central finite differences, and its singular values."""

import numpy as np
import pytest

from nnviz.core import ACTIVATIONS, Network, jacobian, jacobian_singular_values


def finite_difference_jacobian(network, x, h=1e-6):
    """(n_out, n_in) by central differences of the forward pass, one input at a time."""
    columns = []
    for i in range(len(x)):
        step = np.zeros_like(x)
        step[i] = h
        columns.append((network.forward(x + step).output - network.forward(x - step).output) / (2 * h))
    return np.column_stack(columns)


def random_network(activation, output_activation=None, seed=0):
    net = Network([3, 5, 4, 2], activation=activation, output_activation=output_activation, init="xavier_normal",
                  seed=seed, bias=True)
    rng = np.random.default_rng(seed)
    for b in net.biases:
        b[...] = 0.3 * rng.standard_normal(b.shape)
    return net


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_jacobian_matches_finite_differences(activation):
    net = random_network(activation, output_activation="sigmoid")
    x = np.array([0.4, -0.7, 1.1])
    np.testing.assert_allclose(jacobian(net, x), finite_difference_jacobian(net, x), rtol=1e-5, atol=1e-8)


def test_mixed_output_activation_and_batch():
    net = random_network("tanh", output_activation="linear", seed=3)
    xs = np.random.default_rng(1).standard_normal((4, 3))
    batch = jacobian(net, xs)
    assert batch.shape == (4, 2, 3)
    for x, j in zip(xs, batch):
        np.testing.assert_allclose(j, finite_difference_jacobian(net, x), rtol=1e-5, atol=1e-8)
        np.testing.assert_allclose(j, jacobian(net, x))


@pytest.mark.parametrize("hidden, output", [(["relu", "tanh"], "softmax"), (["gelu", "sigmoid"], "linear"),
                                            ("elu", "softmax")])
def test_per_layer_activations_and_softmax(hidden, output):
    net = Network([3, 5, 4, 3], activation=hidden, output_activation=output, init="he_normal", seed=5, bias=True)
    xs = np.random.default_rng(2).standard_normal((3, 3))
    for x, j in zip(xs, jacobian(net, xs)):
        np.testing.assert_allclose(j, finite_difference_jacobian(net, x), rtol=1e-5, atol=1e-8)
    if output == "softmax":  # the outputs sum to 1 whatever the input: every column of J sums to 0
        np.testing.assert_allclose(jacobian(net, xs).sum(axis=1), 0, atol=1e-12)


def test_orthogonal_tanh_at_the_origin_is_an_isometry():
    # tanh'(0) = 1 and z = 0 everywhere: J is a product of orthogonal matrices, all singular values 1.
    net = Network([6, 6, 6, 6], activation="tanh", init="orthogonal", seed=2)
    np.testing.assert_allclose(jacobian_singular_values(net, np.zeros(6)), np.ones(6), rtol=1e-12)


def test_singular_values_are_sorted_and_those_of_the_jacobian():
    net = Network([5, 8, 8, 3], activation="relu", output_activation="linear", init="he_normal", seed=1)
    x = np.array([0.3, -0.5, 0.8, 0.1, -0.9])
    values = jacobian_singular_values(net, x)
    assert values.shape == (3,) and values.min() > 0.1
    assert np.all(np.diff(values) <= 0)
    j = finite_difference_jacobian(net, x)
    np.testing.assert_allclose(values, np.sqrt(np.abs(np.sort(np.linalg.eigvalsh(j @ j.T))[::-1])), rtol=1e-5)


def test_wrong_input_size_is_refused():
    with pytest.raises(ValueError):
        jacobian(Network([2, 3, 1], seed=1), np.zeros(3))
