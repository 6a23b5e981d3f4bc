"""One job at a time on a worker thread, its result handed back on the GUI thread (files, bundled data sets,
the explorer's statistics)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import QObject, Qt, Signal


class _Relay(QObject):
    """Tells the GUI thread a job ended. One for all jobs, never deleted: a worker thread sends through it,
    and a signal may be sent from any thread by a live sender, while sending through the job's own object
    raced with its deletion when its window closed (a crash). Qt drops what it queued for a job deleted since.

    Signals:
        finished(Future): a job ended (sent from its worker thread).
    """

    finished = Signal(object)


_relay: _Relay | None = None


def _the_relay() -> _Relay:
    global _relay
    if _relay is None:  # made on the GUI thread, by the first job
        _relay = _Relay()
    return _relay


class BackgroundJob(QObject):
    """Runs ``function(*args)`` on its own worker thread; when it ends, ``done(future)`` runs on the GUI thread
    (``future.result()`` gives the value or raises the error) on the event loop's next turn. The thread starts
    with the first job."""

    def __init__(self, parent: QObject, thread_name: str):
        super().__init__(parent)
        self._thread_name = thread_name
        self._executor: ThreadPoolExecutor | None = None
        self._job: tuple[Future, Callable[[Future], None]] | None = None
        # Queued even when a job ends before it is watched: done() never runs inside start().
        _the_relay().finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        return self._job is not None

    def start(self, function, *args, done: Callable[[Future], None]) -> None:
        """Start a job; a job still running is forgotten (its result is never handed back)."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self._thread_name)
        future = self._executor.submit(function, *args)
        self._job = (future, done)
        # On the worker thread: the GUI thread hears of it without looking (no polling timer).
        future.add_done_callback(_the_relay().finished.emit)

    def forget(self, wait: bool = False) -> None:
        """Never hand back the running job's result (a newer choice replaced it); with ``wait``, return only
        once it has ended (it may be using what it was given)."""
        if wait and self._job is not None:
            self._job[0].exception()  # waits, and never raises
        self._job = None

    def _on_finished(self, future: Future) -> None:
        if self._job is None or self._job[0] is not future:  # another job's, forgotten, or replaced by a newer one
            return
        done = self._job[1]
        self._job = None
        done(future)
