"""The second process that draws the dense fans' pen numbers (:func:`nnviz.pen_canvas.serve`).

Pillow's line drawing holds the interpreter, so the fans of a training step cannot be drawn on a thread
beside the GUI thread; in a process of their own they can, on the machine's second core, while the GUI
thread chooses the next layer's strokes and draws the wide edges and the nodes. The largest fan's strokes are
worked out there too, from a copy of its weights (:func:`nnviz.fan_strokes.painted_fan`). One process serves
every view; it starts with the first dense fan on screen (that picture and the ones until it is ready
are drawn in the view's process, as are all if it fails) and ends with the application.

It is a plain ``python -c`` process talking over its standard streams, not a ``multiprocessing`` one:
a spawned process imports the program's main script again, which would open a second window from a
script without a ``__main__`` guard. The messages are a few bytes; the lines, weights and pictures go through
files both processes map (deleted once both have them), so that neither side ever waits for the other
to read a full pipe, and no thread of this process competes with the GUI thread for the interpreter.
Off POSIX (Windows), and in a frozen program, the fans are drawn in the view's process.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import mmap
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from nnviz.fan_strokes import FanGeometry
from nnviz.pen_canvas import fan_arrays, fan_layout, lines_view

START_TIMEOUT_S = 30.0
"""How long the process may take to start (the window's first pictures are drawn here meanwhile)."""
REPLY_TIMEOUT_S = 5.0
"""How long a picture may take before the process is given up and every fan is drawn here again."""


class _Fan:
    """This process's side of one fan: its two mapped files, and its last picture copied out."""

    def __init__(self):
        self.lines: mmap.mmap | None = None  # its data: lines, or weights and geometry
        self.picture: mmap.mmap | None = None
        self.waiting: int | None = None  # the ticket asked and not answered yet
        self.fresh = False  # the picture file holds a picture not copied out yet
        self.size = 0  # of the picture asked last
        self.copied: bytes | None = None


class RasterWorker:
    """Pictures of dense fans drawn in another process: :meth:`submit` (lines) or :meth:`submit_fan`
    (weights), then :meth:`collect` or :meth:`collect_fan`.

    For the GUI thread only. Once the process fails (it died, or did not answer within
    :data:`REPLY_TIMEOUT_S`), the submits return ``None`` and the collects too: the caller draws. A picture
    the process could not draw is collected as ``None`` too.
    """

    def __init__(self):
        self._process: subprocess.Popen | None = None
        self._requests = None  # multiprocessing connections to the process's input and from its output
        self._answers = None
        self._state = "idle"  # idle → starting → ready, or failed
        self._started = 0.0
        self._tickets = itertools.count()
        self._fans: dict[int, _Fan] = {}
        self._answered: dict[int, tuple] = {}  # ticket: (fan, measures, drawn), answered and not collected yet
        self._forgotten: set[int] = set()
        self._unmapped: dict[int, list[str]] = {}  # ticket: new files, until the process (which deletes them) answers
        self._dropped: list[int] = []  # fans let go, told to the process with the next request

    def is_ready(self) -> bool:
        """Whether pictures can be asked for now (the first call starts the process)."""
        if self._state == "idle":
            self._start()
        if self._state == "starting":
            if self._answers.poll():
                self._receive(0.0)
            elif time.monotonic() - self._started > START_TIMEOUT_S:
                self._fail("it did not start")
        return self._state == "ready"

    @property
    def failed(self) -> bool:
        """Whether the process was given up (or cannot run here): every fan is drawn in this process."""
        return self._state == "failed"

    def submit(self, fan: int, points: np.ndarray, ink: np.ndarray, width: int, height: int) -> int | None:
        """Ask for fan ``fan``'s picture (see :meth:`nnviz.pen_canvas.PenCanvas.draw`); a ticket for
        :meth:`collect`, or ``None`` while the process starts or once it failed."""

        def write(buffer) -> None:
            points_view, ink_view = lines_view(buffer, len(points))
            points_view[:] = points
            ink_view[:] = ink

        return self._ask("draw", fan, 33 * len(points), write, len(points), width, height)

    def submit_fan(self, fan: int, weights: np.ndarray, biases: np.ndarray | None, geometry: FanGeometry, k: int,
                   pixels_per_unit: float, matrix: np.ndarray, shift: np.ndarray, width: int,
                   height: int) -> int | None:
        """Ask for the picture of a dense fan of ``weights`` ``(n_out, n_in)`` and ``biases`` ``(n_out,)``, its
        lines worked out in the process (:func:`nnviz.fan_strokes.painted_fan`) and mapped to pixels by
        ``matrix`` ``(2, 2)`` and ``shift`` ``(2,)``; a ticket for :meth:`collect_fan`, or ``None``."""
        arrays = fan_arrays(weights, biases, geometry)

        def write(buffer) -> None:
            data = np.frombuffer(buffer, dtype=np.float64, count=sum(a.size for a in arrays))
            np.concatenate([a.ravel() for a in arrays], out=data)

        what = (fan_layout(biases, geometry), k, pixels_per_unit, tuple(np.ravel(matrix).tolist()),
                tuple(np.ravel(shift).tolist()))
        return self._ask("fan", fan, 8 * sum(a.size for a in arrays), write, what, width, height)

    def queued(self) -> int:
        """How many pictures asked for are not drawn yet (answers already in are taken in first)."""
        while self._state == "ready" and self._answers.poll():
            self._receive(0.0)
        return sum(state.waiting is not None for state in self._fans.values())

    def collect(self, ticket: int) -> bytes | None:
        """The picture asked for with ``ticket`` (waiting for it), or ``None`` if the process failed."""
        answer = self.collect_fan(ticket)
        return None if answer is None else answer[0]

    def collect_fan(self, ticket: int) -> tuple[bytes, tuple[float, float] | None] | None:
        """``(picture, measures)`` asked for with ``ticket`` (waiting for it), ``measures`` a fan's ``(top,
        floor)`` (see :class:`~nnviz.fan_strokes.PaintedFan`; ``None`` for lines); ``None`` if the process
        failed."""
        while ticket not in self._answered:
            if self._state != "ready" or not self._receive(REPLY_TIMEOUT_S):
                return None
        fan, measures, drawn = self._answered.pop(ticket)
        state = self._fans.get(fan)
        if state is None or not drawn:  # let go meanwhile, or the process could not draw it
            return None
        if state.fresh:
            state.copied, state.fresh = state.picture[:state.size], False
        return state.copied, measures

    def _ask(self, kind: str, fan: int, data_size: int, write, what, width: int, height: int) -> int | None:
        """Send request ``kind`` for ``fan`` (see :func:`nnviz.pen_canvas.serve`), its data (``data_size``
        bytes) put in place by ``write(buffer)``; its ticket, or ``None`` while the process starts or once it
        failed."""
        if not self.is_ready():
            return None
        state = self._fans.setdefault(fan, _Fan())
        while state.waiting is not None:  # its files are in use until then (rare: a forgotten picture)
            if not self._receive(REPLY_TIMEOUT_S):
                return None
        ticket = next(self._tickets)
        try:
            data_file = self._grow(state, "lines", data_size, ticket)
            picture_file = self._grow(state, "picture", width * height, ticket)
            write(state.lines)
            while self._dropped:
                self._requests.send(("drop", self._dropped.pop()))
            self._requests.send((kind, ticket, fan, data_file, picture_file, width, height, what))
        except (OSError, ValueError) as error:
            self._fail(f"cannot ask for a picture ({error})")
            return None
        state.waiting, state.size = ticket, width * height
        return ticket

    def forget(self, ticket: int) -> None:
        """The picture for ``ticket`` is not needed any more."""
        if self._answered.pop(ticket, None) is None:
            self._forgotten.add(ticket)

    def drop(self, fan: int) -> None:
        """Fan ``fan`` is not drawn any more: its pictures can go (told to the process with the next
        request: this may run from the garbage collector, in the middle of another call)."""
        state = self._fans.pop(fan, None)
        if state is None or self._state != "ready":
            return
        if state.waiting is not None:
            self._forgotten.add(state.waiting)
        self._answered = {ticket: answer for ticket, answer in self._answered.items() if answer[0] != fan}
        self._dropped.append(fan)

    def close(self) -> None:
        """End the process (the application ends it anyway: its input closes)."""
        self._fail(None)

    def _start(self) -> None:
        if os.name != "posix" or getattr(sys, "frozen", False):  # a frozen program is no ``python -c``
            self._state = "failed"
            return
        from multiprocessing.connection import Connection

        import nnviz

        # This nnviz, however this process found it (before the working folder, which might hold another).
        script = (f"import sys; sys.path.insert(0, {os.path.dirname(os.path.dirname(nnviz.__file__))!r}); "
                  "from nnviz.pen_canvas import serve_standard_streams; serve_standard_streams()")
        try:
            self._process = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE)
            self._requests = Connection(os.dup(self._process.stdin.fileno()), readable=False)
            self._answers = Connection(os.dup(self._process.stdout.fileno()), writable=False)
        except OSError as error:
            self._fail(f"cannot start ({error})")
            return
        finally:
            if self._process is not None:
                self._process.stdin.close()
                self._process.stdout.close()
        self._state, self._started = "starting", time.monotonic()
        atexit.register(self.close)  # no file left behind by a request still unanswered

    def _grow(self, state: _Fan, which: str, size: int, ticket: int) -> str | None:
        """A new file for ``state``'s lines or picture if the mapped one is smaller than ``size`` bytes
        (its path, for the process to map with request ``ticket``), else ``None``."""
        mapped = getattr(state, which)
        if mapped is not None and len(mapped) >= size:
            return None
        # In memory where the system has a memory file system; deleted once the process has mapped it.
        descriptor, path = tempfile.mkstemp(prefix="nnviz-fan-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
        self._unmapped.setdefault(ticket, []).append(path)
        capacity = max(size * 3 // 2, 4096)  # room to grow into
        try:
            # Space taken now: a full disk raises here, not as a fatal signal when a page is first written.
            if hasattr(os, "posix_fallocate"):
                os.posix_fallocate(descriptor, 0, capacity)
            else:
                os.write(descriptor, bytes(capacity))
            setattr(state, which, mmap.mmap(descriptor, capacity))
        finally:
            os.close(descriptor)
        if mapped is not None:
            mapped.close()
        return path

    def _receive(self, timeout: float) -> bool:
        """Take one answer in (waiting up to ``timeout`` s); False if there was none or the process failed."""
        try:
            if not self._answers.poll(timeout):
                if timeout > 0:
                    self._fail("it stopped answering")
                return False
            message = self._answers.recv()
        except (EOFError, OSError):
            self._fail("it ended")
            return False
        if message == "ready":
            self._state = "ready"
            return True
        ticket, fan, changed, measures = message
        self._unmapped.pop(ticket, None)  # mapped and deleted by the process before it answered
        state = self._fans.get(fan)
        if state is not None:
            state.waiting = None
            state.fresh = state.fresh or bool(changed)
        if ticket in self._forgotten:
            self._forgotten.discard(ticket)
        elif state is not None:
            self._answered[ticket] = (fan, measures, changed is not None)
        return True

    def _fail(self, why: str | None) -> None:
        """Give the process up: every fan is drawn in this process from now on."""
        if self._state == "failed":
            return
        if why is not None:
            print(f"nnviz: the process drawing dense fans failed: {why}; the window draws them", file=sys.stderr)
        self._state = "failed"
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            for connection in (self._requests, self._answers):
                if connection is not None:
                    connection.close()
        for path in itertools.chain.from_iterable(self._unmapped.values()):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        self._unmapped.clear()
        self._dropped.clear()
        self._fans.clear()
        self._answered.clear()
        self._forgotten.clear()


_shared: RasterWorker | None = None


def shared_worker() -> RasterWorker:
    """The one worker every view's fans use."""
    global _shared
    if _shared is None:
        _shared = RasterWorker()
    return _shared
