"""ControlsPanel: every control changes the state exactly, and state changes show without echo."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLabel, QPushButton, QSpinBox, QWidget

from nnviz.core import Network
from nnviz.core.limits import MAX_LAYER_SIZE
from nnviz.gui.controls import ControlsPanel
from nnviz.gui.input_grid import EAGER_INPUTS, INPUTS_WITHOUT_SCROLLING, InputGrid
from nnviz.gui.state import NetworkState

SETTERS = ("set_network", "set_layer_sizes", "set_layer_size", "set_hidden_layer_count", "set_activation",
           "set_output_activation", "set_init", "set_init_scale", "set_seed", "reroll", "reinitialize",
           "set_bias", "set_input", "set_inputs")


@pytest.fixture
def state():
    return NetworkState(Network([2, 4, 2], seed=5))


@pytest.fixture
def panel(qtbot, state):
    panel = ControlsPanel(state)
    qtbot.addWidget(panel)
    panel.resize(320, 900)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def child(panel, cls, name):
    widget = panel.findChild(cls, name)
    assert widget is not None, f"no {cls.__name__} named {name}"
    return widget


def layer_spins(panel):
    spins = [w for w in panel.findChildren(QSpinBox) if w.objectName().startswith("layerSize_")]
    return sorted(spins, key=lambda w: int(w.objectName().split("_")[1]))


def tab_sequence(start, count):
    """The object names of the next ``count`` widgets that Tab reaches from ``start`` (itself first)."""
    names, widget = [], start
    for _ in range(10_000):
        if (widget.isVisible() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
                and widget.objectName()[:3] not in ("", "qt_")):
            names.append(widget.objectName())
            if len(names) == count:
                break
        widget = widget.nextInFocusChain()
    return names


def assert_trace_exact(state):
    expected = state.network.forward(np.array(state.inputs))
    for got, want in zip(state.trace.pre + state.trace.post, expected.pre + expected.post):
        assert np.array_equal(got, want)


def test_widgets_show_the_initial_state(panel, state):
    assert child(panel, QSpinBox, "hiddenLayers").value() == 1
    assert [s.value() for s in layer_spins(panel)] == [2, 4, 2]
    assert child(panel, QDoubleSpinBox, "input_0").value() == state.inputs[0]
    assert child(panel, QDoubleSpinBox, "input_1").value() == state.inputs[1]
    assert child(panel, QComboBox, "activation").currentData() == "sigmoid"
    assert child(panel, QComboBox, "outputActivation").currentData() == "sigmoid"
    assert child(panel, QComboBox, "init").currentData() == "truncated_normal"
    assert child(panel, QDoubleSpinBox, "initScale").value() == 1.0
    assert child(panel, QSpinBox, "seed").value() == 5
    assert not child(panel, QCheckBox, "bias").isChecked()


def test_layer_size_spinbox_resizes_the_layer(panel, state):
    child(panel, QSpinBox, "layerSize_1").setValue(6)
    assert state.network.layer_sizes == (2, 6, 2)


def test_hidden_layer_spinbox_adds_and_removes_size_spinboxes(panel, state):
    child(panel, QSpinBox, "hiddenLayers").setValue(3)
    assert state.network.layer_sizes == (2, 4, 4, 4, 2)
    spins = layer_spins(panel)
    assert [s.value() for s in spins] == [2, 4, 4, 4, 2]
    labels = [next(label.text() for label in panel.findChildren(QLabel) if label.buddy() is spin)
              for spin in spins]
    assert labels == ["Input", "Hidden 1", "Hidden 2", "Hidden 3", "Output"]

    child(panel, QSpinBox, "hiddenLayers").setValue(0)
    assert state.network.layer_sizes == (2, 2)
    assert [s.value() for s in layer_spins(panel)] == [2, 2]
    assert panel.findChild(QSpinBox, "layerSize_2") is None


def test_input_size_adds_and_hides_input_spinboxes(panel, state):
    child(panel, QSpinBox, "layerSize_0").setValue(3)
    assert state.n_inputs == 3
    assert child(panel, QDoubleSpinBox, "input_2").value() == 0.0
    child(panel, QSpinBox, "layerSize_0").setValue(1)
    assert panel.findChild(QDoubleSpinBox, "input_1") is None
    assert panel.findChild(QDoubleSpinBox, "input_2") is None


def test_input_spinbox_sets_the_input_and_the_trace_is_exact(panel, state):
    child(panel, QDoubleSpinBox, "input_0").setValue(0.5)
    child(panel, QDoubleSpinBox, "input_1").setValue(-1.25)
    assert list(state.inputs) == [0.5, -1.25]
    assert_trace_exact(state)


def test_held_arrow_key_gives_one_recompute(panel, state, qtbot):
    spin = child(panel, QDoubleSpinBox, "input_0")
    state.flush()
    before = state.recompute_count
    with qtbot.waitSignal(state.traceChanged):
        for _ in range(10):
            spin.stepBy(1)
    assert state.inputs[0] == pytest.approx(3.0 + 10 * 0.1)
    assert state.recompute_count == before + 1


@pytest.mark.parametrize("name, setting", [("activation", "activation"), ("outputActivation", "output_activation")])
def test_activation_combos(panel, state, name, setting):
    combo = child(panel, QComboBox, name)
    combo.setCurrentIndex(combo.findData("relu"))
    assert getattr(state.network, setting) == "relu"
    assert combo.currentText() == "ReLU"


def test_init_combo_redraws_weights_and_has_item_tooltips(panel, state):
    combo = child(panel, QComboBox, "init")
    assert all(combo.itemData(i, Qt.ItemDataRole.ToolTipRole) for i in range(combo.count()))
    combo.setCurrentIndex(combo.findData("he_normal"))
    assert state.network.init == "he_normal"
    expected = Network([2, 4, 2], init="he_normal", seed=5)
    assert all(np.array_equal(a, b) for a, b in zip(state.network.weights, expected.weights))


def test_scale_seed_bias_and_reroll(panel, state):
    child(panel, QDoubleSpinBox, "initScale").setValue(2.5)
    assert state.network.init_scale == 2.5
    child(panel, QSpinBox, "seed").setValue(1234)
    assert state.network.seed == 1234
    expected = Network([2, 4, 2], init_scale=2.5, seed=1234)
    assert all(np.array_equal(a, b) for a, b in zip(state.network.weights, expected.weights))
    child(panel, QCheckBox, "bias").setChecked(True)
    assert state.network.bias
    assert "biases" in child(panel, QLabel, "structureSummary").text()

    old_weights = [w.copy() for w in state.network.weights]
    child(panel, QPushButton, "reinit").click()
    assert state.network.seed != 1234
    assert child(panel, QSpinBox, "seed").value() == state.network.seed
    assert not np.array_equal(old_weights[0], state.network.weights[0])


def test_state_changes_show_without_calling_setters(panel, state, qtbot, monkeypatch):
    originals = {name: getattr(state, name) for name in SETTERS}
    calls = []
    for name in SETTERS:
        monkeypatch.setattr(state, name, lambda *args, _name=name: calls.append(_name))

    originals["set_layer_sizes"]([3, 5, 6, 2])
    originals["set_inputs"]([0.25, -0.5, 1.5])
    originals["set_activation"]("tanh")
    originals["set_output_activation"]("linear")
    originals["set_init"]("xavier_uniform")
    originals["set_init_scale"](0.5)
    originals["set_seed"](77)
    originals["set_bias"](True)
    before = state.recompute_count
    with qtbot.waitSignal(state.traceChanged):
        pass
    assert state.recompute_count == before + 1

    assert calls == []
    assert child(panel, QSpinBox, "hiddenLayers").value() == 2
    assert [s.value() for s in layer_spins(panel)] == [3, 5, 6, 2]
    assert [child(panel, QDoubleSpinBox, f"input_{i}").value() for i in range(3)] == [0.25, -0.5, 1.5]
    assert child(panel, QComboBox, "activation").currentData() == "tanh"
    assert child(panel, QComboBox, "outputActivation").currentData() == "linear"
    assert child(panel, QComboBox, "init").currentData() == "xavier_uniform"
    assert child(panel, QDoubleSpinBox, "initScale").value() == 0.5
    assert child(panel, QSpinBox, "seed").value() == 77
    assert child(panel, QCheckBox, "bias").isChecked()

    originals["set_network"](Network([4, 2], activation="relu", seed=9))
    state.flush()
    assert calls == []
    assert [s.value() for s in layer_spins(panel)] == [4, 2]
    assert child(panel, QSpinBox, "hiddenLayers").value() == 0
    assert child(panel, QComboBox, "activation").currentData() == "relu"


def test_random_input_and_scroll_area_beyond_sixteen_inputs(panel, state, qtbot):
    grid = panel.findChild(InputGrid, "inputScroll")
    assert not grid.scrolling
    child(panel, QSpinBox, "layerSize_0").setValue(INPUTS_WITHOUT_SCROLLING + 4)
    assert grid.scrolling
    qtbot.waitUntil(lambda: grid.widget().height() > grid.viewport().height())
    assert grid.verticalScrollBar().maximum() > 0

    before = np.array(state.inputs)
    child(panel, QPushButton, "randomInput").click()
    values = np.array(state.inputs)
    assert not np.array_equal(values, before)
    assert np.all(np.abs(values) <= 1.0) and np.unique(values).size > values.size // 2
    assert [child(panel, QDoubleSpinBox, f"input_{i}").value() for i in range(values.size)] == list(values)
    assert_trace_exact(state)


def test_many_inputs_are_made_lazily_and_in_tab_order(panel, state, qtbot):
    state.set_network(Network([784, 128, 64, 10], seed=1))
    state.flush()
    grid = panel.findChild(InputGrid, "inputScroll")
    made = [w for w in panel.findChildren(QDoubleSpinBox) if w.objectName().startswith("input_")]
    assert 0 < len(made) < EAGER_INPUTS  # the ones seen (and a few rows ahead), before the window paints
    last_seen = (grid.viewport().height() // grid._row_height + 1) * grid._cols - 1
    assert panel.findChild(QDoubleSpinBox, f"input_{last_seen}") is not None
    qtbot.waitUntil(lambda: panel.findChild(QDoubleSpinBox, f"input_{EAGER_INPUTS - 1}") is not None)  # then more
    assert panel.findChild(QDoubleSpinBox, "input_783") is None
    grid.verticalScrollBar().setValue(grid.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: panel.findChild(QDoubleSpinBox, "input_783") is not None)
    assert tab_sequence(child(panel, QDoubleSpinBox, "input_500"), 3) == ["input_500", "input_501", "input_502"]
    child(panel, QDoubleSpinBox, "input_783").setValue(0.75)
    assert state.inputs[783] == 0.75


def test_the_input_spinboxes_seen_in_a_wide_panel_are_there_when_it_shows(qtbot, state):
    state.set_network(Network([784, 16, 10], seed=1))
    state.flush()
    wide = ControlsPanel(state)  # made hidden: an area of a default size, not its own
    qtbot.addWidget(wide)
    wide.resize(900, 900)
    wide.show()
    qtbot.waitExposed(wide)
    grid = wide.findChild(InputGrid, "inputScroll")
    assert grid._cols >= 3
    last_seen = (grid.viewport().height() // grid._row_height + 1) * grid._cols - 1
    assert wide.findChild(QDoubleSpinBox, f"input_{last_seen}") is not None
    qtbot.waitUntil(lambda: wide.findChild(QDoubleSpinBox, f"input_{EAGER_INPUTS - 1}") is not None)


def test_input_spinboxes_made_later_follow_a_network_that_shrank_meanwhile(panel, state, qtbot):
    state.set_network(Network([784, 16, 10], seed=1))
    state.flush()
    grid = panel.findChild(InputGrid, "inputScroll")
    state.set_network(Network([5, 3, 2], seed=1))  # the grid hears of it a turn later; its timers may fire first
    grid._create_later()
    grid._create_more()
    state.flush()
    assert [child(panel, QDoubleSpinBox, f"input_{i}").isVisible() for i in range(5)] == [True] * 5
    extra = panel.findChild(QDoubleSpinBox, "input_5")
    assert extra is None or not extra.isVisible()


def test_oversized_layer_is_refused_with_a_message_and_the_spinbox_reverts(panel, state, qtbot):
    child(panel, QSpinBox, "layerSize_0").setValue(MAX_LAYER_SIZE)
    spin = child(panel, QSpinBox, "layerSize_1")
    with qtbot.waitSignal(state.message) as message:
        spin.setValue(MAX_LAYER_SIZE)
    assert "limit" in message.args[0]
    assert state.network.layer_sizes == (MAX_LAYER_SIZE, 4, 2)
    assert spin.value() == 4


def test_typing_a_larger_size_does_not_pass_through_the_smaller_one(panel, state, qtbot):
    state.set_weight(1, 0, 3, 9.0)  # an edit on node 4 of the hidden layer, lost if it shrank to 1
    spin = child(panel, QSpinBox, "layerSize_1")
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, "1")
    assert state.network.layer_sizes == (2, 4, 2)  # a typed shrink waits
    qtbot.keyClicks(spin, "2")
    assert state.network.layer_sizes == (2, 12, 2)
    assert state.network.weights[1][0, 3] == 9.0

    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, "3")
    assert state.network.layer_sizes == (2, 12, 2)
    qtbot.waitUntil(lambda: state.network.layer_sizes == (2, 3, 2))  # applied after a pause…
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, "2")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert state.network.layer_sizes == (2, 2, 2)  # …or at once on Enter
    qtbot.keyClick(spin, Qt.Key.Key_Up)
    assert state.network.layer_sizes == (2, 3, 2)  # arrows never wait


def test_keyboard_path(panel, state, qtbot):
    child(panel, QSpinBox, "hiddenLayers").setValue(2)
    qtbot.waitUntil(lambda: child(panel, QSpinBox, "layerSize_3").isVisible())
    order = tab_sequence(child(panel, QSpinBox, "hiddenLayers"), 19)
    assert order == ["hiddenLayers", "layerSize_0", "layerSize_1", "layerActivation_1", "layerSize_2",
                     "layerActivation_2", "layerSize_3", "layerActivation_3", "bias", "randomInput", "input_0",
                     "input_1", "activation", "outputActivation", "loss", "init", "initScale", "seed", "reinit"]
    # Every control has a tool tip, and every label with a mnemonic has a buddy.
    for name in order:
        assert panel.findChild(QWidget, name).toolTip()
    for label in panel.findChildren(QLabel):
        if "&" in label.text():
            assert label.buddy() is not None, label.text()


def test_menu_actions(panel, state):
    random_inputs, add_layer, remove_layer = panel.menu_actions()
    assert all(action.shortcut().isEmpty() for action in panel.menu_actions())  # the window owns shortcuts
    add_layer.trigger()
    assert state.hidden_layer_count == 2
    remove_layer.trigger()
    remove_layer.trigger()
    assert state.hidden_layer_count == 0
    assert not remove_layer.isEnabled()
    random_inputs.trigger()
    assert child(panel, QDoubleSpinBox, "input_0").value() == state.inputs[0]
