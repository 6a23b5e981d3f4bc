"""One job at a time on a worker thread, its result handed back on the GUI thread (files, bundled data sets,
the explorer's statistics)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import QObject, QTimer

POLL_MS = 30


class BackgroundJob(QObject):
    """Runs ``function(*args)`` on its own worker thread; when it ends, ``done(future)`` runs on the GUI thread
    (``future.result()`` gives the value or raises the error), within ``poll_ms``. The thread starts with the
    first job."""

    def __init__(self, parent: QObject, thread_name: str, poll_ms: int = POLL_MS):
        super().__init__(parent)
        self._thread_name = thread_name
        self._executor: ThreadPoolExecutor | None = None
        self._job: tuple[Future, Callable[[Future], None]] | None = None
        self._poll = QTimer(self, interval=poll_ms, timeout=self._check)

    @property
    def busy(self) -> bool:
        return self._job is not None

    def start(self, function, *args, done: Callable[[Future], None]) -> None:
        """Start a job; a job still running is forgotten (its result is never handed back)."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self._thread_name)
        self._job = (self._executor.submit(function, *args), done)
        self._poll.start()

    def forget(self, wait: bool = False) -> None:
        """Never hand back the running job's result (a newer choice replaced it); with ``wait``, return only
        once it has ended (it may be using what it was given)."""
        if wait and self._job is not None:
            self._job[0].exception()  # waits, and never raises
        self._job = None
        self._poll.stop()

    def _check(self) -> None:
        future, done = self._job
        if future.done():
            self.forget()
            done(future)
