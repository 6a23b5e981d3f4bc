"""An exception hook for the GUI: an error inside a slot is logged and shown, and the work is kept.

PySide6 hands an exception raised in a slot to ``sys.excepthook`` and carries on, so the window stays
usable; this hook makes sure the user hears of it (once per burst, not once per repaint) and that a
copy of the network is saved before anything else can go wrong.
"""

from __future__ import annotations

import logging
import sys
import time
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from nnviz.core.fileio import save_network

log = logging.getLogger("nnviz")


class ExceptionHook(QObject):
    """Replaces ``sys.excepthook`` while installed.

    Signals:
        errorOccurred(str): the one-line summary of each caught exception.
    """

    errorOccurred = Signal(str)

    def __init__(self, window, parent=None):
        super().__init__(parent or window)
        self._window = window
        self._previous = None
        self._dialog_open = False
        self.count = 0
        """How many exceptions were caught."""

    def install(self) -> None:
        self._previous = sys.excepthook
        sys.excepthook = self._hook

    def uninstall(self) -> None:
        if self._previous is not None and sys.excepthook == self._hook:
            sys.excepthook = self._previous
        self._previous = None

    def _hook(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            (self._previous or sys.__excepthook__)(exc_type, exc, tb)
            return
        self.count += 1
        summary = f"{exc_type.__name__}: {_describe(exc)}"
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unexpected error\n%s", details)
        self.errorOccurred.emit(summary)
        if self._dialog_open:
            return  # one dialog for a burst: a failing paint slot must not stack hundreds
        self._dialog_open = True
        # Not from inside the failing slot: show it once control is back in the event loop.
        QTimer.singleShot(0, lambda: self._report(summary, details))

    def _report(self, summary: str, details: str) -> None:
        try:
            recovery = self.save_recovery_copy()
            self.show_dialog(summary, details, recovery)
        except Exception:  # noqa: BLE001 - raised from here it would come back to the hook: a report loop
            log.exception("could not report the error")
        finally:
            self._dialog_open = False

    def save_recovery_copy(self) -> Path | None:
        """Save the current network beside nnviz's data; returns the path, or None if that failed too."""
        folder = Path(QStandardPaths.writableLocation(QStandardPaths.AppDataLocation) or Path.home() / ".nnviz")
        path = folder / f"recovery-{time.strftime('%Y%m%d-%H%M%S')}.json"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            save_network(self._window.state.network, path)
        except Exception:  # noqa: BLE001 - the report must still reach the user
            log.exception("could not save a recovery copy")
            return None
        return path

    def show_dialog(self, summary: str, details: str, recovery: Path | None) -> None:
        """Tell the user; offer Save As… so the work is kept where they want it."""
        box = QMessageBox(self._window)
        box.setIcon(QMessageBox.Warning)
        box.setWindowTitle("Unexpected error — nnviz")
        kept = f"A copy of your network was saved to {recovery}." if recovery else "No recovery copy could be saved."
        box.setText(f"Something went wrong, but nnviz is still running.\n\n{summary}\n\n{kept}")
        box.setDetailedText(details)
        save = box.addButton("Save As…", QMessageBox.AcceptRole)
        box.addButton("Continue", QMessageBox.RejectRole)
        box.exec()
        document = getattr(self._window, "document", None)
        if box.clickedButton() is save and document is not None:
            document.save_as()


def _describe(exc) -> str:
    try:
        return str(exc)
    except Exception:  # noqa: BLE001 - an exception whose str() fails must still be reported
        return "(no description)"


def install_exception_hook(window) -> ExceptionHook:
    hook = ExceptionHook(window)
    hook.install()
    # The runner, not the training panel: the panel may not be built yet (it comes after the first paint).
    runner = getattr(window, "training_runner", None)
    if runner is not None:  # no more training ticks under the report: the class reads it first
        hook.errorOccurred.connect(runner.pause)
    window.destroyed.connect(hook.uninstall)
    return hook
