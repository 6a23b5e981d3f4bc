"""A typed value beyond a limit is refused out loud (field and status bar), never clamped silently."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSpinBox

from nnviz.core import Network
from nnviz.core.limits import MAX_INIT_SCALE, MAX_LAYER_SIZE, MAX_SEED, RANGES, format_limit
from nnviz.gui.appearance import Appearance
from nnviz.gui.controls import ControlsPanel
from nnviz.gui.limited_spin import LimitedDoubleSpinBox, LimitedSpinBox
from nnviz.gui.network_view import NetworkView
from nnviz.gui.state import NetworkState


@pytest.fixture
def state():
    return NetworkState(Network([2, 4, 2], seed=5), inputs=[3.0, 4.0])


@pytest.fixture
def panel(qtbot, state):
    widget = ControlsPanel(state)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def type_into(qtbot, spin: QAbstractSpinBox, text: str) -> None:
    spin.setFocus()
    spin.lineEdit().selectAll()
    QTest.keyClicks(spin.lineEdit(), text)


@pytest.mark.parametrize(("name", "typed", "said"), [
    ("layerSize_1", "99999", f"{MAX_LAYER_SIZE} is the largest layer"),
    ("seed", "99999999999", f"{MAX_SEED} is the largest seed"),
    ("initScale", "5000", f"{MAX_INIT_SCALE:.0f} is the largest scale"),
    ("input_0", "1e308", "1000 is the largest input"),
])
def test_a_value_beyond_the_limit_is_refused_with_the_limit_named(qtbot, panel, state, name, typed, said):
    spin = panel.findChild(QAbstractSpinBox, name)
    before = (state.network.layer_sizes, state.network.seed, state.network.init_scale, tuple(state.inputs))
    with qtbot.waitSignal(state.message) as message:
        type_into(qtbot, spin, typed)
    assert message.args == [said]
    assert spin.text() == typed  # what was typed stays in view, not a clamped 999
    assert said in spin.toolTip() and "border" in spin.styleSheet()
    QTest.keyClick(spin, Qt.Key.Key_Return)
    state.flush()
    after = (state.network.layer_sizes, state.network.seed, state.network.init_scale, tuple(state.inputs))
    assert after == before  # nothing of the typed number went in, not even the 999 on the way
    assert spin.styleSheet() == "" and said not in spin.toolTip()


def test_values_within_the_limit_go_in_as_typed(qtbot, panel, state):
    spin = panel.findChild(QAbstractSpinBox, "layerSize_1")
    type_into(qtbot, spin, str(MAX_LAYER_SIZE))
    QTest.keyClick(spin, Qt.Key.Key_Return)
    assert state.network.layer_sizes == (2, MAX_LAYER_SIZE, 2)
    x = panel.findChild(QAbstractSpinBox, "input_1")
    type_into(qtbot, x, "-2.5e2")
    QTest.keyClick(x, Qt.Key.Key_Return)
    assert state.inputs[1] == -250.0


def test_the_weight_editor_refuses_a_weight_beyond_the_limit(qtbot, state):
    view = NetworkView(state, Appearance())
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.show()
    qtbot.waitExposed(view)
    view.edit_edge(0, 1, 0, QPoint(10, 10))
    spin = view.weight_editor.spin
    before = state.network.weights[0][1, 0]
    with qtbot.waitSignal(state.message) as message:
        QTest.keyClicks(spin.lineEdit(), "99999")
    assert message.args == ["10000 is the largest weight you can type"]
    QTest.keyClick(spin, Qt.Key.Key_Return)
    assert state.network.weights[0][1, 0] == before


def test_every_limited_box_takes_its_range_from_the_limits_table(qtbot):
    for name, limit in RANGES.items():
        for spin in (LimitedSpinBox(name), LimitedDoubleSpinBox(name, decimals=6)):
            qtbot.addWidget(spin)
            whole = float(limit.lowest).is_integer() and float(limit.highest).is_integer()
            if isinstance(spin, LimitedSpinBox) and not whole:
                continue  # fractional ranges only go in a double spin box
            assert (spin.minimum(), spin.maximum()) == (limit.lowest, limit.highest)


def test_limits_read_as_people_write_them():
    assert [format_limit(v) for v in (4096, 0.99, 1e-5, -1000.0)] == ["4096", "0.99", "0.00001", "−1000"]
