"""NetworkState: exact model, emits only on real change, one recompute per event-loop turn."""

import numpy as np
import pytest

from nnviz.core import Network
from nnviz.gui.state import NetworkState


@pytest.fixture
def state(qtbot):
    return NetworkState(Network([2, 4, 2], seed=1), inputs=[3, 4])


class Recorder:
    def __init__(self, state):
        self.events = []
        for name in ("structureChanged", "settingsChanged", "weightsChanged", "inputChanged", "traceChanged"):
            getattr(state, name).connect(lambda name=name: self.events.append(name))


def test_default_state_is_the_tutorial_network(qtbot):
    state = NetworkState()
    assert state.network.layer_sizes == (2, 4, 2)
    assert state.network.activation == "sigmoid"
    assert state.network.init == "truncated_normal"
    np.testing.assert_array_equal(state.inputs, [3.0, 4.0])


def test_trace_is_exact_right_after_a_setter(state):
    state.set_input(0, 0.25)
    expected = state.network.forward(np.array([0.25, 4.0]))
    for got, want in zip(state.trace.post, expected.post):
        np.testing.assert_array_equal(got, want)


def test_burst_of_changes_gives_one_recompute_and_one_signal(state, qtbot):
    rec = Recorder(state)
    before = state.recompute_count
    for i in range(500):
        state.set_input(i % 2, i * 0.01)
    with qtbot.waitSignal(state.traceChanged):
        pass
    assert rec.events.count("traceChanged") == 1
    assert rec.events.count("inputChanged") == 1
    assert state.recompute_count - before == 1
    np.testing.assert_array_equal(state.inputs, [4.98, 4.99])


def test_setters_emit_only_on_real_change(state, qtbot):
    state.flush()
    rec = Recorder(state)
    state.set_input(0, 3.0)
    state.set_activation("sigmoid")
    state.set_seed(state.network.seed)
    state.set_layer_sizes((2, 4, 2))
    state.set_bias(False)
    state.flush()
    assert rec.events == []


def test_signals_tell_changes_apart(state, qtbot):
    state.flush()
    rec = Recorder(state)
    state.set_activation("tanh")
    state.flush()
    assert rec.events == ["settingsChanged", "traceChanged"]
    rec.events.clear()
    state.set_layer_size(1, 5)
    state.flush()
    assert rec.events == ["structureChanged", "weightsChanged", "traceChanged"]
    rec.events.clear()
    state.set_layer_size(0, 3)
    state.flush()
    assert rec.events == ["structureChanged", "weightsChanged", "inputChanged", "traceChanged"]


def test_resizing_keeps_other_weights_and_inputs(state):
    w0 = state.network.weights[0].copy()
    state.set_layer_size(1, 5)
    np.testing.assert_array_equal(state.network.weights[0][:4], w0)
    state.set_layer_size(0, 3)
    np.testing.assert_array_equal(state.inputs, [3.0, 4.0, 0.0])
    state.set_layer_size(0, 1)
    np.testing.assert_array_equal(state.inputs, [3.0])


def test_hidden_layer_count(state):
    state.set_hidden_layer_count(3)
    assert state.network.layer_sizes == (2, 4, 4, 4, 2)
    state.set_hidden_layer_count(0)
    assert state.network.layer_sizes == (2, 2)
    state.set_hidden_layer_count(1)
    assert state.network.layer_sizes == (2, 4, 2)
    with pytest.raises(ValueError):
        state.set_hidden_layer_count(33)


def test_same_seed_same_weights_and_reroll_changes_them(state):
    seed = state.network.seed
    w = [a.copy() for a in state.network.weights]
    new = state.reroll()
    assert new != seed
    assert not np.array_equal(state.network.weights[0], w[0])
    state.set_seed(seed)
    for a, b in zip(state.network.weights, w):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("call", [
    lambda s: s.set_input(0, float("nan")),
    lambda s: s.set_input(1, float("inf")),
    lambda s: s.set_inputs([1.0, float("nan")]),
    lambda s: s.set_weight(0, 0, 0, float("inf")),
    lambda s: s.set_bias_value(0, 0, float("nan")),
    lambda s: s.set_activation("nope"),
    lambda s: s.set_init("nope"),
    lambda s: s.set_init_scale(float("nan")),
    lambda s: s.set_layer_sizes([2, 5000, 2]),
    lambda s: s.set_layer_sizes([4096, 4096, 2]),
])
def test_bad_values_are_refused_and_nothing_changes(state, call):
    before_w = [w.copy() for w in state.network.weights]
    before_in = state.inputs.copy()
    before = (state.network.layer_sizes, state.network.activation, state.network.init, state.network.init_scale)
    with pytest.raises(ValueError):
        call(state)
    assert (state.network.layer_sizes, state.network.activation, state.network.init,
            state.network.init_scale) == before
    for a, b in zip(state.network.weights, before_w):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(state.inputs, before_in)


def test_inputs_view_is_read_only(state):
    with pytest.raises(ValueError):
        state.inputs[0] = 1.0


def test_set_weight_changes_the_trace(state):
    state.set_weight(1, 0, 2, 5.0)
    assert state.network.weights[1][0, 2] == 5.0
    np.testing.assert_array_equal(state.trace.output, state.network.forward(np.array([3.0, 4.0])).output)


def test_a_network_with_nan_weights_is_refused(state):
    bad = Network([2, 3, 1], seed=2)
    bad.weights[1][0, 2] = np.nan
    with pytest.raises(ValueError, match=r"weights\[1\]"):
        state.set_network(bad)
    assert state.network.layer_sizes == (2, 4, 2)


def test_replacing_sends_its_signals_when_the_block_ends_marked_as_a_replacement(state):
    seen = []
    state.structureChanged.connect(lambda: seen.append(state.is_replacing))
    with state.replacing():
        state.set_network(Network([3, 2], seed=2))
        assert seen == []
    assert seen == [True]
    assert not state.is_replacing
    state.set_layer_sizes([3, 4, 2])
    state.flush()
    assert seen == [True, False]
