"""nnviz benchmarks, one section per part of the app; run ``.venv/bin/python scripts/bench.py``.

``--only view`` (or ``--only view,stats``) runs some sections. To add a section, write a function
that prints its table and add it to ``SECTIONS``.

View targets (repaint into 1280×800, default level of detail): an input change ≤ 16 ms; a training step
(every weight moved) ≤ 16 ms at 784-128-64-10 and ≤ 25 ms at 784-512-512-10, ≥ 80× faster than matplotlib
drawing the same edges; one weight edited ≤ 8 ms; zoom ≤ 33 ms; a new structure ≤ 60 ms to the first frame.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

VIEW_CASES = [(2, 4, 2), (8, 16, 16, 4), (64, 64, 64, 10), (784, 128, 64, 10), (784, 512, 512, 10)]
WIDTH, HEIGHT = 1280, 800


def _median_ms(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def _app():
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def fresh_window():
    """A shown 1280×800 MainWindow with empty preferences of its own, as at a first launch (the user's own
    settings are never read or written)."""
    from PySide6.QtCore import QSettings

    from nnviz.gui.main_window import MainWindow
    from nnviz.gui.preferences import Preferences

    _app()
    path = os.path.join(tempfile.mkdtemp(prefix="nnviz-bench-"), "preferences.ini")
    window = MainWindow(preferences=Preferences(QSettings(path, QSettings.IniFormat)))
    window.resize(WIDTH, HEIGHT)
    window.show()
    return window


def wait_for_fan_worker() -> None:
    """Until the process drawing dense fans (``raster_worker``) is ready, as a second after launch:
    the figures are those of a window in use, not of its first pictures."""
    from nnviz.gui.network_view.raster_worker import shared_worker

    deadline = time.perf_counter() + 30
    while not shared_worker().is_ready() and not shared_worker().failed and time.perf_counter() < deadline:
        _app().processEvents()
        time.sleep(0.01)


def window_training_on(sizes):
    """:func:`fresh_window` on a network of ``sizes`` with 1,000 rows of random data it fits (a digits-sized
    problem when ``sizes[0]`` is 784), so that the trainer follows every change as in real use."""
    window = fresh_window()
    rng = np.random.default_rng(0)
    window.training_data.set_csv("random.csv", rng.random((1000, sizes[0])), rng.integers(0, sizes[-1], 1000))
    window.state.set_layer_sizes(list(sizes))
    window.training.match_network_to_data()
    wait_for_fan_worker()
    return window


def _shown_view(sizes, seed=0):
    """A NetworkView of ``sizes`` shown off-screen at 1280×800, and its state."""
    from nnviz.core import Network
    from nnviz.gui.appearance import Appearance
    from nnviz.gui.network_view import NetworkView
    from nnviz.gui.state import NetworkState

    rng = np.random.default_rng(seed)
    state = NetworkState(Network(list(sizes), seed=seed), inputs=rng.random(sizes[0]))
    view = NetworkView(state, Appearance())
    view.resize(WIDTH, HEIGHT)
    view.show()
    return state, view


def _wait_exposed(view) -> None:
    """Until ``view`` is on screen, as in use: it then asks for its dense fans before it paints them."""
    deadline = time.perf_counter() + 10
    while not view.windowHandle().isExposed() and time.perf_counter() < deadline:
        _app().processEvents()


def _view_in_use(sizes, image):
    """:func:`_shown_view` painted once, on screen, with the raster worker ready: as a view in use."""
    state, view = _shown_view(sizes)
    _repaint(view, image)
    _wait_exposed(view)
    wait_for_fan_worker()
    return state, view


def _repaint(view, image) -> None:
    """Paint the view's viewport into ``image`` exactly as on screen (scene render, caches included).

    The view applies pending changes right before it paints, so this is the whole update; events are
    not processed here, or the shown widget would paint a second time.
    """
    from PySide6.QtWidgets import QWidget

    QWidget.render(view.viewport(), image)


def _painted_batches(view, pixels_per_unit: float) -> list:
    """The line batches the view paints at this zoom (a dense fan paints only its strongest lines)."""
    return [batch for item in view._edge_items for batch in item._batches_at(pixels_per_unit)]


def _matplotlib_ms(batches, repeats: int) -> float:
    """``batches`` (same lines, same colours) as one LineCollection on a 1280×800 Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    segments = np.concatenate([batch.lines.reshape(-1, 2, 2) for batch in batches])
    colors = np.concatenate([np.repeat([np.array(batch.color) / 255], len(batch.lines), axis=0)
                             for batch in batches])
    figure = Figure(figsize=(WIDTH / 100, HEIGHT / 100), dpi=100)
    canvas = FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_axis_off()
    axes.add_collection(LineCollection(segments, colors=colors, linewidths=1.0, antialiased=len(segments) < 2000))
    axes.autoscale_view()
    return _median_ms(canvas.draw, repeats)


def training_steps(state, flush: bool = True):
    """A function that does what a training step does to ``state``: every weight and bias moves a little,
    and the change is sent (at once, or with ``flush=False`` on the next event-loop turn, as the window
    does). The moves are drawn beforehand (making 400,000 random numbers is not the view's time) and
    applied forth and back."""
    steps = np.random.default_rng(1)
    moves = [(0.01 * steps.standard_normal(weights.shape) * np.abs(weights).mean(),
              0.001 * steps.standard_normal(biases.shape))
             for weights, biases in zip(state.network.weights, state.network.biases)]
    direction = iter(np.tile([-1.0, 1.0], 10_000))

    def step():
        sign = next(direction)
        for weights, biases, (weight_move, bias_move) in zip(state.network.weights, state.network.biases, moves):
            weights += sign * weight_move
            biases += sign * bias_move
        state.notify_weights_changed()
        if flush:
            state.flush()

    return step


def _time_view_case(sizes, image, repeats: int) -> tuple:
    """One row of the view table for a network of ``sizes``."""

    def first_build():
        state, view = _shown_view(sizes)
        _repaint(view, image)
        view.close()
        view.deleteLater()

    build = _median_ms(first_build, repeats)
    _app().processEvents()
    state, view = _view_in_use(sizes, image)
    values = iter(np.linspace(0.0, 1.0, 10_000))
    zooms = iter(np.tile([1.02, 1 / 1.02], 10_000))

    def input_update():
        state.set_input(0, next(values))
        state.flush()
        _repaint(view, image)

    # An edge the user sees (kept, mid-strength) of the widest weight layer, the costliest to redraw,
    # nudged up and back as the arrow keys do.
    drawn = view._edge_items[0].edges
    middle = int(np.flatnonzero(drawn.frm >= 0)[len(drawn) // 2])
    edited = (int(drawn.to[middle]), int(drawn.frm[middle]), float(drawn.values[middle]))
    nudges = iter(np.tile([1.05, 1.0], 10_000))

    def weight_edit():
        to, frm, value = edited
        state.set_weight(0, to, frm, value * next(nudges))
        state.flush()
        _repaint(view, image)

    training_step = training_steps(state)

    def all_weights():
        training_step()
        _repaint(view, image)

    def zoom_step():
        factor = next(zooms)
        view._viewbox.scaleBy((factor, factor))
        _repaint(view, image)

    input_update()  # warm-up
    timings = [_median_ms(run, repeats) for run in (input_update, weight_edit, all_weights, zoom_step)]
    kept = [batch for item in view._edge_items for batch in item._batches]
    painted = _painted_batches(view, 1.0 / view._viewbox.viewPixelSize()[0])
    n_kept, n_painted = (sum(len(batch.lines) for batch in batches) for batches in (kept, painted))
    mpl_repeats = 3 if n_kept > 5000 else repeats
    mpl_kept, mpl_painted = _matplotlib_ms(kept, mpl_repeats), _matplotlib_ms(painted, mpl_repeats)
    view.close()
    view.deleteLater()
    _app().processEvents()
    return ("-".join(map(str, sizes)), state.network.n_weights, n_kept, n_painted, *timings, build,
            mpl_kept, mpl_painted)


ZOOMED_CASES = [(784, 128, 64, 10), (784, 512, 512, 10)]
ZOOMS = (1.0, 1.5, 2.0, 3.0, 5.0, 10.0)


def _time_zoomed_case(sizes, image, repeats: int) -> list[tuple]:
    """Rows ``(network, zoom, step ms, pan ms, zoom step ms)`` of :func:`bench_zoomed` for a network of ``sizes``."""
    state, view = _view_in_use(sizes, image)
    training_step = training_steps(state)
    pans = iter(np.tile([12.0, -12.0], 10_000))
    zooms = iter(np.tile([1.05, 1 / 1.05], 10_000))

    def step():
        training_step()
        _repaint(view, image)

    def pan():
        view._viewbox.translateBy((next(pans) * view._viewbox.viewPixelSize()[0], 0.0))
        _repaint(view, image)

    def zoom_step():
        factor = next(zooms)
        view._viewbox.scaleBy((factor, factor))
        _repaint(view, image)

    rows, shown = [], 1.0
    for zoom in ZOOMS:
        view._viewbox.scaleBy((shown / zoom, shown / zoom))
        shown = zoom
        _repaint(view, image)
        step()  # warm-up
        rows.append(("-".join(map(str, sizes)), zoom, _median_ms(step, repeats), _median_ms(pan, repeats),
                     _median_ms(zoom_step, repeats)))
    view.close()
    view.deleteLater()
    _app().processEvents()
    return rows


def bench_zoomed(repeats: int = 10) -> list[tuple]:
    """A training step's repaint, a pan by whole pixels and a step of the wheel's zoom, zoomed in around the
    view's centre; print a table and return its rows ``(network, zoom, step ms, pan ms, zoom step ms)``."""
    from PySide6.QtGui import QImage

    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32_Premultiplied)
    rows = [row for sizes in ZOOMED_CASES for row in _time_zoomed_case(sizes, image, repeats)]
    print(f"\nZoomed in at {WIDTH}×{HEIGHT}: median ms over {repeats} runs")
    print(f"{'network':<16}{'zoom':>6}{'step':>8}{'pan':>8}{'zoom ±5%':>10}")
    for name, zoom, step_ms, pan_ms, zoom_ms in rows:
        print(f"{name:<16}{zoom:>5g}×{step_ms:>8.1f}{pan_ms:>8.1f}{zoom_ms:>10.1f}")
    print("step: every weight moved (a training step), repainted; pan: 12 px sideways, repainted; zoom ±5%: "
          "the next\nzoom in or out (target ≤ 33 ms), repainted.")
    return rows


def bench_view() -> list[tuple]:
    """Time the network view per network size; print a table and return its rows."""
    from PySide6.QtGui import QImage

    _app()
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32_Premultiplied)
    repeats = 20
    rows = [_time_view_case(sizes, image, repeats) for sizes in VIEW_CASES]
    print(f"\nNetwork view at {WIDTH}×{HEIGHT}: median ms over {repeats} runs (matplotlib: 3 runs above 5000 lines)")
    header = ("network", "weights", "kept", "painted", "input", "edit", "all w", "zoom", "build", "mpl kept",
              "mpl paint", "mpl/all w", "mpl/zoom", "mpl/input")
    print("{:<16}{:>8}{:>7}{:>9}{:>8}{:>7}{:>7}{:>7}{:>7}{:>10}{:>10}{:>10}{:>10}{:>10}".format(*header))
    for name, n_weights, n_kept, n_painted, update, edit, every, zoom, build, mpl_kept, mpl_painted in rows:
        print(f"{name:<16}{n_weights:>8}{n_kept:>7}{n_painted:>9}{update:>8.1f}{edit:>7.1f}{every:>7.1f}"
              f"{zoom:>7.1f}{build:>7.1f}{mpl_kept:>10.1f}{mpl_painted:>10.1f}{mpl_kept / every:>9.1f}×"
              f"{mpl_kept / zoom:>9.1f}×{mpl_kept / update:>9.1f}×")
    print("kept: edges after the level of detail (hover-able); painted: lines a dense fan really paints at this "
          "size.\ninput: set_input → forward → recolour → repaint (edges from cache);\nedit: a drawn weight of the "
          "first layer nudged by 5 %;\nall w: every weight and bias moved a little (a training step); zoom: all edges "
          "redrawn at a new scale;\nbuild: new view to first frame.\nmpl kept / mpl paint: the same kept / painted "
          "lines and colours as a LineCollection, canvas.draw() on Agg.\nmpl/all w, mpl/zoom and mpl/input: "
          "how many "
          "times faster than matplotlib a training step's repaint, a full redraw and an interactive update are.")
    bench_zoomed()
    return rows


def bench_stats_section():
    from bench_stats import bench_stats

    return bench_stats()


def bench_training_section():
    from bench_training import bench_training

    return bench_training()


def bench_digits_section():
    from bench_digits import bench_digits

    return bench_digits()


def bench_init_section():
    from bench_init import bench_init

    return bench_init()


def bench_launch_section():
    from bench_launch import bench_launch

    return bench_launch()


def bench_matrix_section():
    from bench_matrix import bench_matrix

    return bench_matrix()


def bench_strokes_section():
    from bench_strokes import bench_strokes

    return bench_strokes()


def bench_window_section():
    from bench_window import bench_window

    return bench_window()  # last: it wraps the view's paint and the deferred refreshes to time them


SECTIONS = {"view": bench_view, "stats": bench_stats_section, "training": bench_training_section,
            "digits": bench_digits_section, "init": bench_init_section, "launch": bench_launch_section,
            "matrix": bench_matrix_section, "strokes": bench_strokes_section, "window": bench_window_section}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections to run (default: all of {', '.join(SECTIONS)})")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    for name in chosen:
        SECTIONS[name]()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
