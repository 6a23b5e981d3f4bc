"""One job at a time on a worker thread, its result handed back on the GUI thread (files, bundled data sets,
the explorer's statistics)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import QObject, Qt, Signal


class BackgroundJob(QObject):
    """Runs ``function(*args)`` on its own worker thread; when it ends, ``done(future)`` runs on the GUI thread
    (``future.result()`` gives the value or raises the error) on the event loop's next turn. The thread starts
    with the first job.

    Signals:
        _finished(Future): a job ended (sent from the worker thread; received queued, on this object's thread).
    """

    _finished = Signal(object)

    def __init__(self, parent: QObject, thread_name: str):
        super().__init__(parent)
        self._thread_name = thread_name
        self._executor: ThreadPoolExecutor | None = None
        self._job: tuple[Future, Callable[[Future], None]] | None = None
        # Queued even when a job ends before it is watched: done() never runs inside start().
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        return self._job is not None

    def start(self, function, *args, done: Callable[[Future], None]) -> None:
        """Start a job; a job still running is forgotten (its result is never handed back)."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self._thread_name)
        future = self._executor.submit(function, *args)
        self._job = (future, done)
        future.add_done_callback(self._announce)

    def forget(self, wait: bool = False) -> None:
        """Never hand back the running job's result (a newer choice replaced it); with ``wait``, return only
        once it has ended (it may be using what it was given)."""
        if wait and self._job is not None:
            self._job[0].exception()  # waits, and never raises
        self._job = None

    def _announce(self, future: Future) -> None:
        # On the worker thread: the GUI thread hears of it without looking (no polling timer).
        with contextlib.suppress(RuntimeError):  # this object was deleted meanwhile: no one to tell
            self._finished.emit(future)

    def _on_finished(self, future: Future) -> None:
        if self._job is None or self._job[0] is not future:  # forgotten, or replaced by a newer job
            return
        done = self._job[1]
        self._job = None
        done(future)
