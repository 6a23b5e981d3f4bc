"""The main window as a user meets it: the tutorial network, live updates, menus, keyboard, closing."""

import numpy as np
import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QDockWidget, QDoubleSpinBox, QSpinBox

from nnviz.core import Network
from nnviz.gui.main_window import MainWindow
from nnviz.gui.preferences import Preferences
from nnviz.gui.shortcuts_dialog import shortcut_rows


@pytest.fixture
def preferences(tmp_path):
    return Preferences(QSettings(str(tmp_path / "preferences.ini"), QSettings.IniFormat))


def make_window(qtbot, preferences, *args, **kwargs):
    w = MainWindow(*args, preferences=preferences, **kwargs)
    w.document._ask_save_changes = lambda: "discard"  # a modal prompt would block the test run
    qtbot.addWidget(w)
    return w


@pytest.fixture
def window(qtbot, preferences):
    w = make_window(qtbot, preferences)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_opens_on_the_tutorial_network(window):
    assert "nnviz" in window.windowTitle()
    net = window.state.network
    assert net.layer_sizes == (2, 4, 2)
    assert (net.activation, net.init) == ("sigmoid", "truncated_normal")
    np.testing.assert_array_equal(window.state.inputs, [3.0, 4.0])
    assert window.findChild(object, "networkView") is window.view


def test_accepts_a_network(qtbot, preferences):
    w = make_window(qtbot, preferences, Network([3, 5, 1], seed=2), inputs=[1, 2, 3])
    assert w.state.network.layer_sizes == (3, 5, 1)
    assert w.findChild(QDoubleSpinBox, "input_2").value() == 3.0


def test_controls_drive_the_exact_forward_pass(window, qtbot):
    window.findChild(QSpinBox, "layerSize_1").setValue(6)
    window.findChild(QDoubleSpinBox, "input_0").setValue(-1.5)
    qtbot.waitUntil(lambda: window.state.network.layer_sizes == (2, 6, 2))
    expected = window.state.network.forward(np.array([-1.5, 4.0]))
    for got, want in zip(window.state.trace.post, expected.post):
        np.testing.assert_array_equal(got, want)


def test_a_burst_of_500_changes_gives_a_handful_of_recomputes(window, qtbot):
    spin = window.findChild(QDoubleSpinBox, "input_1")
    window.state.flush()
    before = window.state.recompute_count
    for i in range(500):
        spin.setValue(i / 100)
    with qtbot.waitSignal(window.state.traceChanged, timeout=2000):
        pass
    assert window.state.recompute_count - before <= 3
    assert window.state.inputs[1] == 4.99


def test_status_bar_shows_size_and_output(window, qtbot):
    window.state.set_layer_sizes([2, 3, 3, 1])
    qtbot.waitSignal(window.state.traceChanged)
    window.state.flush()
    assert "4 layers" in window._size_label.text() and "9 nodes" in window._size_label.text()
    assert f"{window.state.trace.output[0]:.4g}" in window.statusBar().currentMessage()


def test_shortcuts_reach_every_main_action(window):
    keys = dict(shortcut_rows(window))
    for text, key in [("Re-roll Weights", "R"), ("Fit to Window", "F"), ("Save", "Ctrl+S"), ("Open", "Ctrl+O"),
                      ("Export Image", "Ctrl+Shift+E"), ("Full Screen", "F11"), ("Quit", "Ctrl+Q"),
                      ("Play", "Space"), ("Presentation Mode", "Ctrl+P"), ("Next Scene", "PgDown")]:
        assert key in keys[text].split(", "), (text, keys.get(text))


def test_reroll_action_changes_the_weights(window):
    before = window.state.network.weights[0].copy()
    window.reroll_action.trigger()
    assert not np.array_equal(before, window.state.network.weights[0])


def test_presentation_mode_hides_panels_scales_and_restores(window, qtbot):
    docks = [d for d in window.findChildren(QDockWidget) if d.isVisible()]
    window.presentation_action.trigger()
    assert not any(d.isVisible() for d in window.findChildren(QDockWidget))
    assert window.appearance.scale > 1
    window.zoom_in_action.trigger()
    bigger = window.appearance.scale
    window.zoom_out_action.trigger()
    assert window.appearance.scale < bigger
    window.presentation_action.trigger()
    assert window.appearance.scale == 1.0
    assert all(d.isVisible() for d in docks)


def test_theme_and_palette_persist_in_a_new_window(window, qtbot, preferences):
    window.dark_action.trigger()
    window.colorblind_action.trigger()
    assert (window.appearance.theme, window.appearance.palette) == ("dark", "colorblind")
    window.close()
    again = make_window(qtbot, preferences)
    assert (again.appearance.theme, again.appearance.palette) == ("dark", "colorblind")
    assert again.dark_action.isChecked()
    again.dark_action.trigger()


def test_quit_closes_and_leaves_no_timer_running(window, qtbot):
    window.state.set_input(0, 1.0)
    window.training.play_action.trigger()
    assert window.training.is_playing
    window.quit_action.trigger()
    assert not window.isVisible()
    assert not window.training.is_playing
    # Lazy one-shot repaints may still be queued; they finish, and nothing keeps ticking.
    qtbot.waitUntil(lambda: not [t for t in window.findChildren(QTimer) if t.isActive()], timeout=2000)


def test_keyboard_r_rerolls_and_ctrl_q_quits(window, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.view.setFocus()
    before = window.state.network.seed
    QTest.keyClick(window.view, Qt.Key_R)
    assert window.state.network.seed != before
    QTest.keyClick(window.view, Qt.Key_Q, Qt.ControlModifier)
    assert not window.isVisible()


def test_closing_with_unsaved_changes_asks_and_cancel_keeps_the_window(window, qtbot):
    window.state.set_input(0, 2.5)
    window.state.flush()
    asked = []
    window.document._ask_save_changes = lambda: asked.append(1) or "cancel"
    window.close()
    assert asked and window.isVisible()


def test_a_dock_layout_saved_by_another_version_is_not_restored(qtbot, preferences):
    # An older layout knows none of the newer panels: restoring it would put them beside the others.
    old = make_window(qtbot, preferences)
    preferences.set_window_state(old.saveState())  # version 0, as before layouts had a version
    window = make_window(qtbot, preferences)
    assert not window.default_layout_applied
    window.show()
    qtbot.waitUntil(lambda: window.default_layout_applied)
    assert window.tabifiedDockWidgets(window.plot_dock) == [window.image_dock]
    window.close()
    again = make_window(qtbot, preferences)  # this version's own layout comes back
    assert again.default_layout_applied
