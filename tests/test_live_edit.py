"""Changing the network while training plays ("add neurons and watch"): one consistent step, no error.

The state changes the network at once and signals a turn later; training publishes weights every few
milliseconds, so a view refresh or a training batch can come in between. Both must follow the network
as it is, not as the last signal described it.
"""

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QSpinBox

from nnviz.core import Network
from nnviz.gui.appearance import Appearance
from nnviz.gui.main_window import MainWindow
from nnviz.gui.network_view import NetworkView
from nnviz.gui.preferences import Preferences
from nnviz.gui.state import NetworkState
from nnviz.gui.training.data import TrainingData
from nnviz.gui.training.runner import TrainingRunner


@pytest.fixture
def window(qtbot, tmp_path):
    w = MainWindow(preferences=Preferences(QSettings(str(tmp_path / "preferences.ini"), QSettings.IniFormat)))
    w.document._ask_save_changes = lambda: "discard"
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def turns(qtbot, n=8):
    for _ in range(n):
        qtbot.wait(1)


def test_growing_layers_while_training_plays_keeps_training_and_raises_nothing(window, qtbot):
    runner = window.training.runner
    runner.speed = None
    runner.play()
    turns(qtbot)
    layer_size = window.controls.findChild(QSpinBox, "layerSize_1")
    hidden_layers = window.controls.findChild(QSpinBox, "hiddenLayers")
    for _ in range(3):
        layer_size.setValue(layer_size.value() + 1)  # pytest-qt fails the test on an error in any slot
        turns(qtbot)
        hidden_layers.setValue(hidden_layers.value() + 1)
        turns(qtbot)
    assert runner.is_playing
    assert window.state.network.layer_sizes == (2, 7, 5, 5, 5, 2)
    assert runner.trainer.network is window.state.network
    shapes = [w.shape for w in window.state.network.weights]
    assert shapes == [(7, 2), (5, 7), (5, 5), (5, 5), (2, 5)]


def test_a_repaint_between_a_resize_and_its_signal_draws_the_new_structure(qtbot):
    state = NetworkState(Network([2, 4, 2], seed=1))
    view = NetworkView(state, Appearance())
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.show()
    qtbot.waitExposed(view)
    state.notify_weights_changed()
    state.flush()  # the view now has a refresh for the edges pending, as while training plays
    state.set_layer_size(1, 6)  # its structureChanged comes a turn later
    view.grab()  # paints now, before the state's signals
    assert view.hit_test(view.node_scene_pos(1, 5)) == ("node", 1, 5)


def test_a_training_batch_right_after_a_resize_starts_the_new_network_s_history(qtbot):
    state = NetworkState(Network([2, 4, 2], seed=1))
    runner = TrainingRunner(state, TrainingData())
    runner.play()
    before = runner.trainer
    state.set_layer_size(1, 9)
    runner._tick()  # the timer tick that can run before the state's signals
    assert runner.is_playing and runner.trainer is not before  # the loss curve restarts with the resize
    assert runner.trainer.network.layer_sizes == (2, 9, 2)
    assert all(np.isfinite(w).all() for w in state.network.weights)
    runner.pause()


@pytest.mark.qt_no_exception_capture
def test_an_unexpected_error_pauses_training_and_the_report_comes_after_the_tick(window, qtbot, monkeypatch):
    from nnviz.gui.errors import ExceptionHook, install_exception_hook

    reports = []
    monkeypatch.setattr(ExceptionHook, "show_dialog", lambda self, summary, details, recovery: reports.append(
        (summary, window.training.runner.is_playing)))
    monkeypatch.setattr(ExceptionHook, "save_recovery_copy", lambda self: None)
    hook = install_exception_hook(window)
    runner = window.training.runner
    runner.play()

    def broken(*_args):
        raise RuntimeError("a view broke")

    runner.progressed.connect(broken)
    try:
        qtbot.waitUntil(lambda: bool(reports))
    finally:
        runner.progressed.disconnect(broken)
        hook.uninstall()
    assert reports[0] == ("RuntimeError: a view broke", False)  # paused before the dialog opened
    assert not runner.is_playing
