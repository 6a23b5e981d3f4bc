"""Extreme values: ±1e6 (and beyond) give finite or exactly saturated results, never a warning; NaN and
infinity are refused at every boundary with a message.

What a non-finite forward pass means (the decision these tests pin down): finite weights and inputs can
still overflow in a deep network. ``Network.forward`` then follows IEEE arithmetic silently — a value
too large becomes ±inf (a saturated value; an activation of ±inf is its limit: σ(+inf) = 1, relu(−inf) = 0)
and inf − inf becomes NaN (undefined). ``NetworkState`` accepts such a trace as it is; it is the views'
job to draw ±inf as saturated and NaN as undefined.
"""

import warnings

import numpy as np
import pytest

from nnviz.core import ACTIVATIONS, INITIALIZERS, Network, NetworkFileError, load_network, save_network
from nnviz.gui.state import NetworkState

BIG = 1e6
NAMES = list(ACTIVATIONS)

# f(+inf), f(−inf), f'(+inf), f'(−inf): the limits an overflowed z must give, exactly.
LIMITS = {
    "sigmoid": (1.0, 0.0, 0.0, 0.0),
    "tanh": (1.0, -1.0, 0.0, 0.0),
    "relu": (np.inf, 0.0, 1.0, 0.0),
    "leaky_relu": (np.inf, -np.inf, 1.0, 0.01),
    "elu": (np.inf, -1.0, 1.0, 0.0),
    "softplus": (np.inf, 0.0, 1.0, 0.0),
    "silu": (np.inf, 0.0, 1.0, 0.0),
    "gelu": (np.inf, 0.0, 1.0, 0.0),
    "linear": (np.inf, -np.inf, 1.0, 1.0),
    "softmax": (1.0, 0.0, 0.0, 0.0),  # of the row [+inf, −inf]: the overflowed unit takes all
}
# f(+1e6), f(−1e6): saturating units are exactly at their limit, the others exact too.
AT_BIG = {
    "sigmoid": (1.0, 0.0), "tanh": (1.0, -1.0), "relu": (BIG, 0.0), "leaky_relu": (BIG, -0.01 * BIG),
    "elu": (BIG, -1.0), "softplus": (BIG, 0.0), "silu": (BIG, 0.0), "gelu": (BIG, 0.0), "linear": (BIG, -BIG),
    "softmax": (1.0, 0.0),
}


@pytest.fixture(autouse=True)
def warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def test_every_activation_is_covered():
    assert set(LIMITS) == set(AT_BIG) == set(ACTIVATIONS)


# -- activations --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_activation_at_plus_minus_a_million_is_exact(name):
    act = ACTIVATIONS[name]
    value, derivative = act.value([BIG, -BIG]), act.derivative([BIG, -BIG])
    np.testing.assert_array_equal(value, AT_BIG[name])
    np.testing.assert_array_equal(derivative, LIMITS[name][2:])  # f' has reached its limit by 1e6


@pytest.mark.parametrize("name", NAMES)
def test_activation_is_finite_for_every_finite_z(name):
    magnitudes = np.logspace(-300, 308, 2000)
    z = np.concatenate([-magnitudes[::-1], [-0.0, 0.0], magnitudes, [np.finfo(float).max, -np.finfo(float).max]])
    act = ACTIVATIONS[name]
    value, derivative = act.value(z), act.derivative(z)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(derivative))


@pytest.mark.parametrize("name", NAMES)
def test_activation_of_an_overflowed_z_is_its_limit(name):
    act = ACTIVATIONS[name]
    z = np.array([np.inf, -np.inf])
    np.testing.assert_array_equal(act.value(z), LIMITS[name][:2])
    np.testing.assert_array_equal(act.derivative(z), LIMITS[name][2:])


@pytest.mark.parametrize("name", NAMES)
def test_activation_of_nan_is_quiet(name):
    act = ACTIVATIONS[name]
    assert np.isnan(act.value([np.nan])[0])
    act.derivative([np.nan])  # a number or NaN, but no warning


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_saturated_units_sit_exactly_at_their_limits(name):
    net = Network([3, 5, 2], activation=name, seed=3, bias=True)
    rng = np.random.default_rng(0)
    for w in net.weights:
        w[...] = rng.choice([-BIG, BIG], size=w.shape)
    trace = net.forward([BIG, -BIG, BIG])
    low, high = LIMITS[name][1], LIMITS[name][0]
    for activations in trace.post[1:]:
        assert set(activations.tolist()) <= {low, high}
    d_w, _ = net.gradients([BIG, -BIG, BIG], [0.5, 0.5])
    assert all(np.all(g == 0) for g in d_w)  # a saturated unit does not learn


# -- networks -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("batch", [False, True])
def test_a_million_everywhere_gives_finite_forward_and_gradients(name, batch):
    net = Network([3, 4, 2], activation=name, seed=7, bias=True)
    rng = np.random.default_rng(1)
    for w, b in zip(net.weights, net.biases):
        w[...] = rng.choice([-BIG, BIG], size=w.shape)
        b[...] = rng.choice([-BIG, BIG], size=b.shape)
    x = np.array([[BIG, -BIG, BIG], [-BIG, -BIG, BIG]]) if batch else np.array([BIG, -BIG, BIG])
    trace = net.forward(x)
    assert all(np.all(np.isfinite(a)) for a in trace.pre + trace.post)
    d_w, d_b = net.gradients(x, np.zeros_like(trace.output))
    assert all(np.all(np.isfinite(g)) for g in d_w + d_b)


def deep_network(activation, weight):
    """32 hidden layers of 8 with every weight ±``weight``: the forward pass overflows for large weights."""
    net = Network([2] + [8] * 32 + [2], activation=activation, seed=1)
    rng = np.random.default_rng(2)
    for w in net.weights:
        w[...] = rng.choice([-weight, weight], size=w.shape)
    return net


@pytest.mark.parametrize("name", NAMES)
def test_a_deep_network_that_overflows_does_not_warn(name):
    net = deep_network(name, 1e12)
    trace = net.forward([BIG, -BIG])
    net.backward(trace, [0.0, 1.0])
    if name == "linear":
        assert not np.all(np.isfinite(trace.output))  # this network really does overflow
    if ACTIVATIONS[name].saturates:
        assert all(np.all(np.isfinite(a)) for a in trace.post)  # bounded units stay finite: saturated


def test_overflow_gives_infinity_then_nan_as_ieee_has_it():
    trace = deep_network("linear", 1e12).forward([BIG, -BIG])
    z = np.concatenate(trace.pre)
    assert np.any(np.isinf(z)) and np.any(np.isnan(z))  # too large: ±inf; then inf − inf: NaN
    assert np.all(np.isfinite(trace.pre[0]))  # the first layers are exact; overflow happens deep down
    first_inf = next(i for i, z in enumerate(trace.pre) if np.any(np.isinf(z)))
    first_nan = next(i for i, z in enumerate(trace.pre) if np.any(np.isnan(z)))
    assert first_inf <= first_nan  # inf − inf may already happen inside one dot product


def test_the_state_keeps_a_non_finite_trace_quietly(qtbot):
    net = deep_network("linear", 1e12)
    state = NetworkState(net, inputs=[BIG, -BIG])
    with qtbot.waitSignal(state.traceChanged):
        state.set_input(0, BIG / 2)
    assert not np.all(np.isfinite(state.trace.output))
    np.testing.assert_array_equal(state.trace.output, net.forward([BIG / 2, -BIG]).output)
    with qtbot.waitSignal(state.traceChanged):
        state.set_weight(0, 0, 0, 0.0)  # still editable after an overflow


# -- the state refuses non-finite values ----------------------------------------------------------------
BAD = [np.nan, np.inf, -np.inf, "nan", "inf", np.float64("nan")]


@pytest.fixture
def state(qtbot):
    state = NetworkState(Network([2, 3, 2], seed=1, bias=True), inputs=[3, 4])
    state.flush()
    return state


def snapshot(state):
    net = state.network
    return (state.inputs.copy(), [w.copy() for w in net.weights], [b.copy() for b in net.biases],
            net.init_scale, net.learning_rate)


def assert_unchanged(state, before):
    after = snapshot(state)
    np.testing.assert_array_equal(after[0], before[0])
    for a, b in zip(after[1] + after[2], before[1] + before[2]):
        np.testing.assert_array_equal(a, b)
    assert after[3:] == before[3:]
    emitted = []
    state.traceChanged.connect(lambda: emitted.append(1))
    state.flush()
    assert emitted == []  # nothing was pending: the refused value changed nothing


@pytest.mark.parametrize("bad", BAD, ids=repr)
@pytest.mark.parametrize("setter", [
    lambda s, v: s.set_input(1, v),
    lambda s, v: s.set_inputs([0.5, v]),
    lambda s, v: s.set_weight(1, 0, 2, v),
    lambda s, v: s.set_bias_value(0, 1, v),
    lambda s, v: s.set_init_scale(v),
    lambda s, v: s.set_learning_rate(v),
], ids=["set_input", "set_inputs", "set_weight", "set_bias_value", "set_init_scale", "set_learning_rate"])
def test_the_state_refuses_non_finite_values_with_a_message(state, setter, bad):
    before = snapshot(state)
    with pytest.raises(ValueError, match="finite"):
        setter(state, bad)
    assert_unchanged(state, before)


@pytest.mark.parametrize("scale", [1001.0, -0.5, 1e308])
def test_an_init_scale_that_could_overflow_the_weights_is_refused(state, scale):
    before = snapshot(state)
    with pytest.raises(ValueError, match="init_scale must be between"):
        state.set_init_scale(scale)
    assert_unchanged(state, before)


@pytest.mark.parametrize("scale", [1000.0])
@pytest.mark.parametrize("init", list(INITIALIZERS))
def test_the_largest_init_scale_draws_finite_weights(init, scale):
    net = Network([4096, 2], init=init, init_scale=scale, seed=1)
    assert np.all(np.isfinite(net.weights[0]))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_new_state_refuses_non_finite_inputs(qtbot, bad):
    with pytest.raises(ValueError, match="finite"):
        NetworkState(Network([2, 2], seed=1), inputs=[bad, 0.0])


@pytest.mark.parametrize("value", [BIG, -BIG, 1e300])
def test_the_state_takes_huge_finite_values(state, qtbot, value):
    with qtbot.waitSignal(state.traceChanged):
        state.set_input(0, value)
        state.set_weight(0, 1, 0, value)
        state.set_bias_value(1, 0, value)
    assert state.inputs[0] == value and state.network.weights[0][1, 0] == value
    np.testing.assert_array_equal(state.trace.output, state.network.forward(state.inputs).output)


# -- files ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_a_file_with_non_finite_weights_is_refused(tmp_path, token):
    net = Network([2, 3, 1], seed=1)
    net.weights[0][1, 1] = 0.123456789
    path = tmp_path / "net.json"
    save_network(net, path)
    path.write_text(path.read_text().replace("0.123456789", token))
    with pytest.raises(NetworkFileError, match=r"net\.json.*(NaN|Infinity|infinite)"):
        load_network(path)


def test_huge_finite_weights_round_trip_through_a_file(tmp_path):
    net = Network([2, 3, 1], seed=1)
    net.weights[0][...] = [[1e308, -1e308], [5e-324, -BIG], [BIG, 0.0]]
    path = tmp_path / "net.json"
    save_network(net, path)
    loaded = load_network(path)
    np.testing.assert_array_equal(loaded.weights[0], net.weights[0])
    loaded.forward([1.0, 1.0])  # may overflow; must not warn


def test_a_network_with_nan_from_a_script_is_not_saved_as_an_unreadable_file(tmp_path):
    """A script can put NaN into the arrays directly; saving must not write a file the loader refuses."""
    net = Network([2, 3, 1], seed=1)
    net.weights[1][0, 2] = np.nan
    path = tmp_path / "net.json"
    save_network(Network([2, 2], seed=5), path)
    before = path.read_bytes()
    with pytest.raises(ValueError, match="finite"):
        save_network(net, path)
    assert path.read_bytes() == before
