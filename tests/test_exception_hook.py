"""The exception hook: an error inside a slot is logged, a recovery copy is saved, one dialog is shown
per burst, and the app carries on with its state intact.

pytest-qt would turn an exception inside a slot into a test failure; these tests switch that off
(``qt_no_exception_capture``) because catching such exceptions is the hook's job.
"""

import logging
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from nnviz.core import Network, load_network
from nnviz.gui import errors
from nnviz.gui.errors import ExceptionHook, install_exception_hook
from nnviz.gui.state import NetworkState

pytestmark = pytest.mark.qt_no_exception_capture


class Window(QWidget):
    """Stands in for the main window: the hook needs only its ``state``."""

    def __init__(self, state):
        super().__init__()
        self.state = state


class Emitter(QObject):
    fired = Signal()


def broken():
    raise RuntimeError("the slot broke")


@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    """Where QStandardPaths puts nnviz's data (and so the recovery copies) during the test."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def window(qtbot, data_folder):
    window = Window(NetworkState(Network([2, 4, 2], seed=3, bias=True), inputs=[0.5, -1.0]))
    qtbot.addWidget(window)
    return window


@pytest.fixture
def dialogs(monkeypatch):
    """The dialogs the hook shows, as (summary, details, recovery path) — recorded, not opened."""
    shown = []
    monkeypatch.setattr(ExceptionHook, "show_dialog",
                        lambda self, summary, details, recovery: shown.append((summary, details, recovery)))
    return shown


@pytest.fixture
def hook(window, dialogs):
    previous = sys.excepthook
    hook = install_exception_hook(window)
    assert sys.excepthook == hook._hook
    yield hook
    hook.uninstall()
    assert sys.excepthook is previous


def turn_over(qtbot, turns=3):
    """Let the event loop run a few turns (each turn's zero timers, the hook's report included)."""
    done = []

    def step(n):
        if n:
            QTimer.singleShot(0, lambda: step(n - 1))
        else:
            done.append(True)

    step(turns)
    qtbot.waitUntil(lambda: bool(done))


def test_an_error_in_a_timer_slot_is_caught_logged_saved_and_shown(hook, window, dialogs, data_folder, qtbot,
                                                                    caplog):
    with caplog.at_level(logging.ERROR, logger="nnviz"), qtbot.waitSignal(hook.errorOccurred) as signal:
        QTimer.singleShot(0, broken)
    assert signal.args == ["RuntimeError: the slot broke"]
    qtbot.waitUntil(lambda: len(dialogs) > 0)
    assert hook.count == 1
    summary, details, recovery = dialogs[0]
    assert summary == "RuntimeError: the slot broke"
    assert "Traceback" in details and "in broken" in details
    assert any("the slot broke" in r.getMessage() and "Traceback" in r.getMessage() for r in caplog.records)

    assert recovery is not None and data_folder in recovery.parents and recovery.name.startswith("recovery-")
    saved = load_network(recovery)
    assert saved.layer_sizes == window.state.network.layer_sizes
    for a, b in zip(saved.weights + saved.biases, window.state.network.weights + window.state.network.biases):
        np.testing.assert_array_equal(a, b)


def test_an_error_in_a_slot_of_a_signal_is_caught_and_the_other_slots_still_run(hook, window, dialogs, qtbot):
    state = window.state
    updated = []
    state.traceChanged.connect(broken)  # a view whose update is broken…
    state.traceChanged.connect(lambda: updated.append(state.trace.output.copy()))  # …and one that works
    with qtbot.waitSignal(state.traceChanged):
        state.set_input(0, 2.0)
    qtbot.waitUntil(lambda: len(dialogs) > 0)
    assert hook.count == 1
    assert len(updated) == 1
    np.testing.assert_array_equal(updated[0], state.network.forward([2.0, -1.0]).output)


def test_the_state_still_works_after_an_error(hook, window, dialogs, qtbot):
    QTimer.singleShot(0, broken)
    qtbot.waitUntil(lambda: len(dialogs) > 0)
    state = window.state
    count = state.recompute_count
    with qtbot.waitSignal(state.traceChanged):
        state.set_input(1, 4.0)
        state.set_weight(0, 2, 1, -0.75)
    assert state.recompute_count == count + 1
    np.testing.assert_array_equal(state.trace.output, state.network.forward([0.5, 4.0]).output)


@pytest.mark.parametrize("burst", ["timers", "emits"])
def test_a_burst_of_a_hundred_errors_shows_one_dialog(hook, dialogs, qtbot, burst):
    emitter = Emitter()
    emitter.fired.connect(broken)
    if burst == "timers":
        for _ in range(100):
            QTimer.singleShot(0, broken)
    else:
        QTimer.singleShot(0, lambda: [emitter.fired.emit() for _ in range(100)])
    qtbot.waitUntil(lambda: hook.count == 100 and len(dialogs) > 0)
    turn_over(qtbot)
    assert hook.count == 100
    assert len(dialogs) == 1

    QTimer.singleShot(0, broken)  # a later error is a new burst: it is reported again
    qtbot.waitUntil(lambda: len(dialogs) == 2)
    assert hook.count == 101


def test_errors_while_the_dialog_is_open_do_not_stack_dialogs(hook, dialogs, qtbot, monkeypatch):
    emitter = Emitter()
    emitter.fired.connect(broken)

    def show_dialog(self, summary, details, recovery):
        dialogs.append(summary)
        for _ in range(5):  # a repaint failing over and over under the open dialog
            emitter.fired.emit()

    monkeypatch.setattr(ExceptionHook, "show_dialog", show_dialog)
    QTimer.singleShot(0, broken)
    qtbot.waitUntil(lambda: len(dialogs) > 0)
    turn_over(qtbot)
    assert hook.count == 6
    assert len(dialogs) == 1


def test_a_failing_dialog_does_not_report_itself_forever(hook, qtbot, monkeypatch, caplog):
    attempts = []

    def show_dialog(self, summary, details, recovery):
        attempts.append(summary)
        raise RuntimeError("the dialog broke too")

    monkeypatch.setattr(ExceptionHook, "show_dialog", show_dialog)
    with caplog.at_level(logging.ERROR, logger="nnviz"):
        QTimer.singleShot(0, broken)
        qtbot.waitUntil(lambda: len(attempts) > 0)
        turn_over(qtbot, 10)
    assert len(attempts) == 1
    assert hook.count == 1
    assert any("the dialog broke too" in r.getMessage() or (r.exc_info and "the dialog broke too" in
               str(r.exc_info[1])) for r in caplog.records)


def test_a_failing_recovery_copy_is_logged_and_the_dialog_still_shown(hook, dialogs, qtbot, monkeypatch, caplog):
    def refuse(network, path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(errors, "save_network", refuse)
    with caplog.at_level(logging.ERROR, logger="nnviz"):
        QTimer.singleShot(0, broken)
        qtbot.waitUntil(lambda: len(dialogs) > 0)
    assert dialogs[0][2] is None
    assert any("recovery copy" in r.getMessage() for r in caplog.records)


def test_an_exception_that_cannot_describe_itself_is_still_reported(hook, dialogs, qtbot):
    class Mute(Exception):
        def __str__(self):
            raise ValueError("no words")

    def mute():
        raise Mute()

    QTimer.singleShot(0, mute)
    qtbot.waitUntil(lambda: len(dialogs) > 0)
    assert hook.count == 1
    assert dialogs[0][0].startswith("Mute")


def test_keyboard_interrupt_goes_to_the_previous_hook(window, dialogs, monkeypatch):
    passed_on = []
    monkeypatch.setattr(sys, "excepthook", lambda *args: passed_on.append(args[0]))
    hook = install_exception_hook(window)
    try:
        sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
    finally:
        hook.uninstall()
    assert passed_on == [KeyboardInterrupt]
    assert hook.count == 0 and dialogs == []


def test_the_hook_is_removed_with_its_window(qtbot, data_folder):
    previous = sys.excepthook
    window = Window(NetworkState(Network([2, 2], seed=1)))
    install_exception_hook(window)
    assert sys.excepthook is not previous
    shiboken6.delete(window)
    assert sys.excepthook is previous


@pytest.mark.parametrize("choice", ["Save As…", "Continue"])
def test_the_dialog_names_the_error_and_the_copy_and_offers_save_as(window, qtbot, choice):
    saved, seen = [], []
    window.document = SimpleNamespace(save_as=lambda: saved.append(True))
    hook = ExceptionHook(window)

    def answer():
        box = QApplication.activeModalWidget()
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == choice).click()

    QTimer.singleShot(0, answer)
    hook.show_dialog("RuntimeError: the slot broke", "Traceback …", Path("/data/recovery-1.json"))
    assert "RuntimeError: the slot broke" in seen[0] and "/data/recovery-1.json" in seen[0]
    assert saved == ([True] if choice == "Save As…" else [])
