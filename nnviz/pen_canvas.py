"""Dense fans' 1 px lines as pen numbers, drawn with Pillow, here or in a process of their own.

numpy and Pillow only, no Qt: the network view's process starts :func:`serve_standard_streams` in a
second process (``gui/network_view/raster_worker.py``), which draws the dense fans while the GUI thread
draws everything else. A thread could not: Pillow's line drawing holds the interpreter.

Pillow's Bresenham step sets a line's pixels five times faster than Qt's raster engine spans a
diagonal line. Later lines cover earlier ones, as with ``QPainter.drawLines``. A picture is one byte a
pixel, pen + 1 (0 where no line is); the view colours it through a colour table.
"""

from __future__ import annotations

import mmap
import os

import numpy as np

from nnviz.fan_strokes import LEVELS, FanGeometry, device_points, painted_fan

MAX_PENS = 255
"""Pens one picture can hold: pen numbers are bytes, and 0 is where no line is."""

KEPT_STAGES = (0.25, 0.5, 0.75)
"""Where, as fractions of its lines, a :class:`PenCanvas` keeps its picture half drawn: an edit moves
lines from somewhere in the order on, and the picture is drawn again from the last stage before it."""


def pen_ink(pen: np.ndarray, n_pens: int) -> np.ndarray:
    """``(m,)`` uint8 bytes the lines of pens ``pen`` ``(m,)`` (of ``n_pens`` ≤ :data:`MAX_PENS`) are drawn
    with: pen + 1."""
    if n_pens > MAX_PENS:
        raise ValueError(f"at most {MAX_PENS} pens fit one picture, got {n_pens}")
    return (np.asarray(pen) + 1).astype(np.uint8)


class PenCanvas:
    """The pictures of one dense fan, which change a little at a time (an edited edge).

    It keeps the lines it drew and copies of its picture at :data:`KEPT_STAGES`: a new picture is drawn
    again only from the first line that differs (from the last kept stage before it). Every picture has
    the pixels a new ``PenCanvas`` draws from scratch.
    """

    def __init__(self):
        self._points = np.empty((0, 4))
        self._ink = np.empty(0, dtype=np.uint8)
        self._canvas = None  # Pillow "L" image: the ink of lines [0, len(self._ink)), 0 elsewhere
        self._stages: list[tuple[int, object]] = []  # (lines drawn, copy of the canvas then), ascending
        self._bytes: bytes | None = None  # the canvas's pixels, until it changes

    def draw(self, points: np.ndarray, ink: np.ndarray, width: int, height: int) -> bytes:
        """``width`` × ``height`` bytes, row by row: the lines ``points`` ``(m, 4)`` x0, y0, x1, y1 in pixels
        drawn 1 px wide and aliased in order, line i as byte ``ink[i]`` ``(m,)`` uint8 (1…255), 0 where no
        line is. The same bytes object as the last call's when nothing changed."""
        from PIL import Image, ImageDraw  # only once a dense fan is drawn

        if self._canvas is None or self._canvas.size != (width, height):
            self._canvas, self._stages, self._bytes = Image.new("L", (width, height), 0), [], None
            self._points, self._ink = self._points[:0], self._ink[:0]
        n = min(len(ink), len(self._ink))
        differs = (self._ink[:n] != ink[:n]) | (self._points[:n] != points[:n]).any(axis=1)
        start = int(np.argmax(differs)) if differs.any() else n
        if start < len(self._ink):  # back to the last stage kept before the change
            self._stages = [(kept, stage) for kept, stage in self._stages if kept <= start]
            start, stage = self._stages[-1] if self._stages else (0, None)
            self._canvas = stage.copy() if stage is not None else Image.new("L", (width, height), 0)
        if start < len(ink) or len(ink) < len(self._ink):
            self._draw_from(ImageDraw.Draw(self._canvas).draw, points, ink, start)
            self._points, self._ink, self._bytes = np.array(points, dtype=float), np.array(ink, np.uint8), None
        if self._bytes is None:
            self._bytes = self._canvas.tobytes()
        return self._bytes

    def _draw_from(self, draw, points: np.ndarray, ink: np.ndarray, start: int) -> None:
        """Lines ``start:`` onto the canvas, keeping copies at the stages passed on the way."""
        stops = sorted({int(len(ink) * f) for f in KEPT_STAGES if int(len(ink) * f) > start} | {len(ink)})
        for stop in stops:
            for segment, value in zip(points[start:stop].tolist(), ink[start:stop].tolist()):
                draw.draw_lines(segment, value, 1)
            if stop < len(ink):
                self._stages.append((stop, self._canvas.copy()))
            start = stop


CLIP_MARGIN_PX = 16.0
"""How far outside the picture :func:`visible_parts` cuts lines: a cut moves a line's path by at most a
pixel, out there where it is not seen."""


def visible_parts(points: np.ndarray, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """``(parts (k, 4), kept (m,) bool)``: the parts of lines ``points`` ``(m, 4)`` x0, y0, x1, y1 inside a
    ``width`` × ``height`` picture (and :data:`CLIP_MARGIN_PX` around it), for the lines ``kept``, in order.

    Pillow steps along a whole line, also where it is off the picture: zoomed far in, a fan's lines are
    thousands of pixels long and most of them miss the picture (a 100× zoom took seconds).
    """
    x0, y0, x1, y1 = points.T
    dx, dy = x1 - x0, y1 - y0
    enter, leave = np.zeros(len(points)), np.ones(len(points))  # Liang–Barsky: t along the line
    low, high = -CLIP_MARGIN_PX, (width + CLIP_MARGIN_PX, height + CLIP_MARGIN_PX)
    with np.errstate(divide="ignore", invalid="ignore"):
        for step, room in ((-dx, x0 - low), (dx, high[0] - x0), (-dy, y0 - low), (dy, high[1] - y0)):
            t = room / step
            enter = np.where(step < 0, np.maximum(enter, t), enter)
            leave = np.where(step > 0, np.minimum(leave, t), leave)
            leave = np.where((step == 0) & (room < 0), -1.0, leave)  # parallel to that edge, outside it
    kept = enter <= leave
    if kept.all() and not enter.any() and (leave == 1.0).all():
        return points, kept  # all inside: as given
    original, enter, leave = points[kept], enter[kept], leave[kept]
    parts, delta = original.copy(), np.stack([dx[kept], dy[kept]], axis=1)
    cut = enter > 0  # only the ends that were cut move: a line inside stays exactly as given
    parts[cut, :2] += enter[cut, None] * delta[cut]
    cut = leave < 1
    parts[cut, 2:] = original[cut, :2] + leave[cut, None] * delta[cut]
    return parts, kept


def lines_view(buffer, m: int) -> tuple[np.ndarray, np.ndarray]:
    """``(points (m, 4) float64, ink (m,) uint8)`` laid out one after the other in ``buffer``."""
    points = np.frombuffer(buffer, dtype=np.float64, count=4 * m).reshape(m, 4)
    return points, np.frombuffer(buffer, dtype=np.uint8, count=m, offset=32 * m)


def fan_arrays(weights: np.ndarray, biases: np.ndarray | None, geometry: FanGeometry) -> list[np.ndarray]:
    """The float arrays of a fan's data file, in order (see :func:`fan_view`)."""
    return [weights, *(() if biases is None else (biases,)), geometry.ys_in, geometry.ys_out]


def fan_layout(biases: np.ndarray | None, geometry: FanGeometry) -> tuple:
    """What :func:`fan_view` needs besides the data: ``(shape, has biases, x, radii, bias unit)``."""
    return geometry.shape, biases is not None, geometry.x, geometry.radii, geometry.bias


def fan_view(buffer, layout: tuple) -> tuple[np.ndarray, np.ndarray | None, FanGeometry]:
    """``(weights (n_out, n_in), biases (n_out,) or None, geometry)`` read from ``buffer`` holding
    :func:`fan_arrays`, of :func:`fan_layout` ``layout`` (the arrays are views of ``buffer``)."""
    (n_out, n_in), has_biases, x, radii, bias = layout
    sizes = [n_out * n_in, *((n_out,) if has_biases else ()), n_in, n_out]
    data = np.frombuffer(buffer, dtype=np.float64, count=sum(sizes))
    parts = np.split(data, np.cumsum(sizes)[:-1])
    weights, ys_in, ys_out = parts[0].reshape(n_out, n_in), parts[-2], parts[-1]
    geometry = FanGeometry(tuple(x), ys_in, ys_out, tuple(radii), None if bias is None else tuple(bias), (n_out, n_in))
    return weights, parts[1] if has_biases else None, geometry


def map_file(path: str) -> mmap.mmap:
    """The whole file ``path`` mapped for reading and writing, shared with the process that made it, which
    mapped it first; the file is deleted (both mappings stay), so that none is left behind by a crash."""
    descriptor = os.open(path, os.O_RDWR)
    try:
        return mmap.mmap(descriptor, os.fstat(descriptor).st_size)
    finally:
        os.close(descriptor)
        os.unlink(path)


def serve(requests, answers) -> None:
    """Draw what ``requests`` (a ``multiprocessing`` connection) asks until it closes; answer on ``answers``
    (which may be the same duplex connection).

    Sends ``"ready"`` first. Requests: ``(kind, ticket, fan, data file, picture file, width, height,
    what)``: the picture (``width`` × ``height`` bytes, see :meth:`PenCanvas.draw`) is written into the
    picture file mapped for that fan, from what its data file holds; a file named anew (not ``None``) is
    mapped (:func:`map_file`) first, and the one it replaces let go. Kind ``"draw"``: ``what`` lines
    (:func:`lines_view`). Kind ``"fan"``: the fan's weights, ``what`` is ``(layout, k, pixels per unit,
    matrix (4,), shift (2,))`` (see :func:`fan_view` and :func:`~nnviz.fan_strokes.painted_fan`). Answered
    ``(ticket, fan, changed, measures)``: ``changed`` False when the picture is the fan's last one,
    ``measures`` the fan's ``(top, floor)`` (see :class:`~nnviz.fan_strokes.PaintedFan`; ``None`` for
    lines); ``changed`` ``None`` when the picture could not be drawn (the view then draws it).
    ``("drop", fan)`` lets a fan go, unanswered. Each fan has its own :class:`PenCanvas`.
    """
    from PIL import Image  # noqa: F401  (loaded before "ready": the first picture must not wait for it)

    fans: dict[int, list] = {}  # fan: [canvas, data map, picture map, last picture, strongest weights kept]
    failed = False
    answers.send("ready")
    while True:
        try:
            request = requests.recv()
        except (EOFError, OSError):  # the view's process is gone
            return
        if request[0] == "drop":
            fans.pop(request[1], None)
            continue
        kind, ticket, fan, data_file, picture_file, width, height, what = request
        state = fans.setdefault(fan, [PenCanvas(), None, None, None, None])
        if data_file is not None:
            state[1] = map_file(data_file)
        if picture_file is not None:
            state[2], state[3] = map_file(picture_file), None
        try:
            picture, measures = _draw_request(state, kind, what, width, height)
        except Exception:  # noqa: BLE001 - a bug here must not end the worker: that picture is drawn in the view
            if not failed:  # told once (the window's terminal): every later picture may fail alike
                import traceback

                traceback.print_exc()
                failed = True
            state[0], state[3], state[4] = PenCanvas(), None, None
            answers.send((ticket, fan, None, None))
            continue
        changed = picture is not state[3]
        if changed:
            state[2][:len(picture)] = picture
            state[3] = picture
        answers.send((ticket, fan, changed, measures))


def _draw_request(state: list, kind: str, what, width: int, height: int) -> tuple[bytes, tuple | None]:
    """The picture of request ``kind`` for a fan's ``state`` (see :func:`serve`) and its measures."""
    if kind != "fan":
        return state[0].draw(*lines_view(state[1], what), width, height), None
    weights, biases, geometry = fan_view(state[1], what[0])
    k, pixels_per_unit, matrix, shift = what[1:]
    previous = state[4][1] if state[4] is not None and state[4][0] == geometry.shape else None
    fan_lines = painted_fan(weights, biases, k, geometry, pixels_per_unit, previous)
    state[4] = (geometry.shape, fan_lines.kept)
    points, visible = visible_parts(device_points(fan_lines.lines, np.reshape(matrix, (2, 2)), np.asarray(shift)),
                                    width, height)
    ink = pen_ink(fan_lines.pen[visible], 2 * LEVELS)
    return state[0].draw(points, ink, width, height), (fan_lines.top, fan_lines.floor)


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
