"""The raster worker's side: a process, started by ``network_view/raster_worker.py``, that draws fans' pictures.

It draws a dense fan's 1 px lines as pen numbers (:class:`nnviz.pen_canvas.PenCanvas`, numpy and Pillow),
and, once asked to load Qt, a smaller fan's wide antialiased lines as strips
(:func:`nnviz.gui.wide_lines.strip_picture`). Nothing here imports Qt or pyqtgraph before that: the
process is ready for the dense fans a tenth of a second after it starts, and takes Qt's memory only
when a window has strips worth drawing here.
"""

from __future__ import annotations

import os

import numpy as np

from nnviz.pen_canvas import PenCanvas, lines_view, map_file

_application = None
"""This process's QGuiApplication, once strips are loaded (pixmaps need one)."""


class _StripCanvas:
    """The last strip picture of one fan, drawn again only when its lines, pens or size change."""

    def __init__(self):
        self._drawn: tuple | None = None
        self._picture: bytes | None = None

    def draw(self, points: np.ndarray, pen: np.ndarray, colors: np.ndarray, widths: np.ndarray, width: int,
             height: int) -> bytes:
        from nnviz.gui.wide_lines import strip_picture  # loaded by the "load strips" request

        drawn = (points.tobytes(), pen.tobytes(), colors.tobytes(), widths.tobytes(), width, height)
        if drawn != self._drawn:
            self._picture = strip_picture(points, pen, colors, widths, width, height)
            self._drawn = drawn
        return self._picture


def _load_strips() -> str | None:
    """Load Qt for strips, drawing off screen; why it failed, or ``None``."""
    global _application
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # this process never shows a window
    try:
        from PySide6.QtGui import QGuiApplication

        import nnviz.gui.wide_lines  # noqa: F401

        _application = QGuiApplication.instance() or QGuiApplication(["nnviz-raster"])
    except Exception as error:  # noqa: BLE001  (any failure: the view draws its strips itself)
        return f"{type(error).__name__}: {error}"
    return None


def serve(requests, answers) -> None:
    """Draw what ``requests`` (a ``multiprocessing`` connection) asks until it closes; answer on ``answers``
    (which may be the same duplex connection).

    Sends ``"ready"`` first. Requests:

    - ``("pens", ticket, fan, lines file, m, picture file, width, height)``: the m lines and their ink
      (:func:`~nnviz.pen_canvas.lines_view`) are read from the file mapped for that fan, and the picture
      (``width`` × ``height`` bytes, see :meth:`~nnviz.pen_canvas.PenCanvas.draw`) written into the other;
    - ``("strips", ticket, fan, lines file, m, picture file, width, height, colors, widths)``: the same
      with pen indices for ink and pens ``colors`` ``(p, 3)`` and ``widths`` ``(p,)``, the picture
      ``width`` × ``height`` × 4 bytes (see :func:`~nnviz.gui.wide_lines.strip_picture`); only after
      ``("load strips",)``, answered ``("strips", None)``, or ``("strips", why)`` if Qt cannot be loaded.

    A file named anew (not ``None``) is mapped (:func:`~nnviz.pen_canvas.map_file`) first, and the one it
    replaces let go. Answered ``(ticket, fan, changed)``, ``changed`` False when the picture is the fan's
    last one. ``("drop", fan)`` lets a fan go, unanswered.
    """
    from PIL import Image  # noqa: F401  (loaded before "ready": the first picture must not wait for it)

    fans: dict[int, list] = {}  # fan: [canvas, lines map, picture map, last picture]
    answers.send("ready")
    while True:
        try:
            request = requests.recv()
        except (EOFError, OSError):  # the view's process is gone
            return
        kind = request[0]
        if kind == "drop":
            fans.pop(request[1], None)
            continue
        if kind == "load strips":
            answers.send(("strips", _load_strips()))
            continue
        ticket, fan, lines_file, m, picture_file, width, height, *pens = request[1:]
        canvas_type = PenCanvas if kind == "pens" else _StripCanvas
        state = fans.setdefault(fan, [canvas_type(), None, None, None])
        if not isinstance(state[0], canvas_type):  # the fan changed kind (a new layer size)
            state[0], state[3] = canvas_type(), None
        if lines_file is not None:
            state[1] = map_file(lines_file)
        if picture_file is not None:
            state[2], state[3] = map_file(picture_file), None
        picture = state[0].draw(*lines_view(state[1], m), *pens, width, height)
        changed = picture is not state[3]
        if changed:
            state[2][:len(picture)] = picture
            state[3] = picture
        answers.send((ticket, fan, changed))


def serve_standard_streams() -> None:
    """:func:`serve` on this process's standard input and output (POSIX), as the raster worker starts it.

    Ctrl+C in the terminal reaches every process of the window's group: this one ends when its input
    closes instead, with the window's process.
    """
    import signal
    from multiprocessing.connection import Connection

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    requests, answers = Connection(os.dup(0), writable=False), Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # a stray print goes to the terminal, not into the answers
    serve(requests, answers)
