"""Copy as Python: the snippet runs and rebuilds the network bit for bit."""

import contextlib
import io

import numpy as np

from nnviz.core import Network
from nnviz.core.codegen import MAX_EMBEDDED_WEIGHTS, python_snippet


def run(code: str) -> dict:
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(compile(code, "<snippet>", "exec"), namespace)
    namespace["stdout"] = out.getvalue()
    return namespace


def assert_same(a: Network, b: Network) -> None:
    assert (a.layer_sizes, a.activations, a.output_follows_hidden, a.loss, a.init, a.init_scale, a.seed, a.bias,
            a.learning_rate) == (b.layer_sizes, b.activations, b.output_follows_hidden, b.loss, b.init, b.init_scale,
                                 b.seed, b.bias, b.learning_rate)
    for x, y in zip(a.weights, b.weights):
        assert np.array_equal(x, y)
    for x, y in zip(a.biases, b.biases):
        assert np.array_equal(x, y)


def test_edited_network_with_biases_is_rebuilt_exactly():
    net = Network([3, 12, 2], activation="tanh", output_activation="linear", init="xavier_uniform", init_scale=1.5,
                  seed=11, bias=True, learning_rate=0.05)
    net.weights[0][4, 1] = 0.1 + 0.2
    net.weights[1][1, 7] = -5e-324  # the smallest subnormal
    net.weights[1][0, 0] = -0.0
    net.biases[0][3] = 1e300
    inputs = np.array([3.0, -1.0 / 3.0, 2.5])
    ns = run(python_snippet(net, inputs))
    assert_same(net, ns["net"])
    assert np.signbit(ns["net"].weights[1][0, 0])
    assert np.array_equal(ns["x"], inputs)
    assert np.array_equal(ns["trace"].output, net.forward(inputs).output)
    assert ns["stdout"].strip()  # it prints the output


def test_without_inputs_nothing_runs():
    ns = run(python_snippet(Network([2, 2], seed=1)))
    assert_same(Network([2, 2], seed=1), ns["net"])
    assert "trace" not in ns and ns["stdout"] == ""


def test_lines_stay_short_for_a_wide_layer():
    code = python_snippet(Network([60, 40, 3], seed=2), np.arange(60.0))
    assert max(len(line) for line in code.splitlines()) <= 110
    assert_same(Network([60, 40, 3], seed=2), run(code)["net"])


def test_large_network_is_rebuilt_from_its_seed():
    net = Network([400, 300, 10], init="he_uniform", seed=21)
    assert net.n_weights > MAX_EMBEDDED_WEIGHTS
    code = python_snippet(net)
    assert "np.array([" not in code
    assert "exactly the weights nnviz showed" in code
    assert_same(net, run(code)["net"])
    assert len(code) < 2000


def test_large_edited_network_says_the_edits_are_not_included():
    net = Network([400, 300, 10], seed=21)
    net.weights[0][0, 0] = 7.0
    code = python_snippet(net)
    assert "NOTE: the weights in nnviz were edited or trained since" in code
    rebuilt = run(code)["net"]
    assert rebuilt.weights[0][0, 0] != 7.0
    assert np.array_equal(rebuilt.weights[1], net.weights[1])


def test_large_network_keeps_its_biases_exactly():
    net = Network([400, 300, 10], seed=5, bias=True)
    net.biases[1][:] = np.linspace(-1, 1, 10)
    assert_same(net, run(python_snippet(net))["net"])


def test_diverged_weights_are_written_too():
    net = Network([2, 2], seed=1)
    net.weights[0][0, 0], net.weights[0][1, 1] = np.nan, -np.inf
    rebuilt = run(python_snippet(net))["net"]
    assert np.isnan(rebuilt.weights[0][0, 0]) and rebuilt.weights[0][1, 1] == -np.inf
    assert rebuilt.weights[0][0, 1] == net.weights[0][0, 1]


def test_per_layer_activations_and_the_loss_are_rebuilt():
    net = Network([4, 5, 3, 3], activation=["relu", "tanh"], output_activation="softmax", loss="cross_entropy",
                  seed=3)
    code = python_snippet(net)
    assert "activation=['relu', 'tanh']" in code and "loss='cross_entropy'" in code
    assert_same(net, run(code)["net"])
