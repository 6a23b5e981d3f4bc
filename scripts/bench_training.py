"""Benchmark of training: epochs per second in the core, and how long the GUI loop holds the event loop.

Targets: the spiral set on 2-8-8-1 trains at hundreds of epochs a second; no training tick (batches,
end-of-epoch evaluation, publishing) holds the event loop much beyond ``SLICE_SECONDS`` (15 ms), even
for 784-128-64-10 on 5,000 rows; the decision boundary and the neuron thumbnails redraw in a few ms; the
whole window training the digits at full speed keeps ticks ≤ ~16 ms and answers a pen stroke within a frame.
Run ``python scripts/bench_training.py`` (``--digits``: only the digits window); ``scripts/bench.py`` may
call :func:`bench_training`.

OpenBLAS threads hurt here: batches of 10 rows are too small to share, and on a busy 2-core machine a
threaded 10 × 784 by 784 × 128 product took 1–2.6 ms against 0.1 ms with one thread. Compare
``OPENBLAS_NUM_THREADS=1 python scripts/bench_training.py`` with the default.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

CORE_CASES = {
    "spiral 2-8-8-1": ([2, 8, 8, 1], "spiral"),
    "xor 2-4-1": ([2, 4, 1], "xor"),
    "spiral 2-64-64-64-1": ([2, 64, 64, 64, 1], "spiral"),
}


def timing_ticks(runner) -> list[float]:
    """The list that every later tick of ``runner``'s timer appends its duration (s) to, as the event loop
    sees it."""
    ticks = []
    tick = runner._tick  # noqa: SLF001

    def timed_tick():
        start = time.perf_counter()
        tick()
        ticks.append(time.perf_counter() - start)

    runner._timer.timeout.disconnect()  # noqa: SLF001
    runner._timer.timeout.connect(timed_tick)  # noqa: SLF001
    return ticks


def _core_rows() -> list[tuple]:
    from nnviz.core import Network
    from nnviz.core.datasets import make_dataset, train_test_split
    from nnviz.core.training import Trainer

    rows = []
    for case, (sizes, name) in CORE_CASES.items():
        X, y = make_dataset(name, 200, seed=1)
        X_train, y_train, X_test, y_test = train_test_split(X, y, 0.5, seed=1)
        trainer = Trainer(Network(sizes, activation="tanh", seed=1, bias=True), X_train, y_train,
                          X_test=X_test, y_test=y_test, momentum=0.9)
        start = time.perf_counter()
        for _ in range(200):
            trainer.step_epoch()
        rows.append((case, 200 / (time.perf_counter() - start)))
    return rows


def _gui_rows() -> list[tuple]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from nnviz.core import Network
    from nnviz.gui.appearance import Appearance
    from nnviz.gui.state import NetworkState
    from nnviz.gui.training import runner as training_runner
    from nnviz.gui.training.data import TrainingData
    from nnviz.gui.training.decision_boundary import DecisionBoundary
    from nnviz.gui.training.panel import TrainingPanel

    app = QApplication.instance() or QApplication([])
    rows = []
    for case, sizes, rows_of_data in (("spiral 2-8-8-1", [2, 8, 8, 1], None),
                                      ("784-128-64-10 × 5000 rows", [784, 128, 64, 10], 5000)):
        state = NetworkState(Network(sizes, activation="tanh", seed=1, bias=True))
        data, appearance = TrainingData(), Appearance()
        panel = TrainingPanel(state, data, training_runner.TrainingRunner(state, data), appearance)
        panel.speed.setCurrentIndex(panel.speed.count() - 1)
        if rows_of_data is None:
            panel.dataset.setCurrentIndex(panel.dataset.findData("spiral"))
        else:
            rng = np.random.default_rng(0)
            X = rng.normal(size=(rows_of_data, 784))
            y = rng.integers(0, 10, rows_of_data)
            path = os.path.join(os.environ.get("TMPDIR", "/tmp"), "nnviz_bench_training.csv")
            np.savetxt(path, np.column_stack([X, y]), delimiter=",", fmt="%.4g")
            start = time.perf_counter()
            panel.load_csv(path)
            rows.append((f"{case}: load CSV (s)", time.perf_counter() - start))
        runner = panel.runner
        ticks = timing_ticks(runner)
        runner.play()
        end = time.perf_counter() + 3.0
        while time.perf_counter() < end:
            app.processEvents()
        runner.pause()
        rows.append((f"{case}: epochs in 3 s", runner.epoch))
        rows.append((f"{case}: median tick (ms)", 1e3 * float(np.median(ticks))))
        rows.append((f"{case}: longest tick (ms)", 1e3 * max(ticks)))
        rows.append((f"{case}: slice budget (ms)", 1e3 * training_runner.SLICE_SECONDS))
        if sizes[0] == 2:
            boundary = DecisionBoundary(state, data, appearance)
            boundary.show()
            boundary.neuron_thumbnails.setChecked(True)
            times = []
            for _ in range(20):
                start = time.perf_counter()
                boundary._refresh.mark("plane")  # noqa: SLF001 - as after a weight change
                boundary._refresh.run()  # noqa: SLF001
                times.append(time.perf_counter() - start)
            rows.append((f"{case}: boundary + thumbnails redraw (ms)", 1e3 * float(np.median(times))))
            boundary.close()
        panel.close()
    return rows


DIGITS_CASES = (("fields_dock", True), ("confusion_dock", True), ("fields_dock", False))
"""(the dock on screen beside the input image, training or not)"""


def _digits_window_rows(seconds: float = 4.0, cases=DIGITS_CASES) -> list[tuple]:
    """The whole window training the digits (64-32-10 ReLU, softmax + cross-entropy) as fast as it can while
    a pen strokes the input image every 16 ms: tick lengths, event-loop turns, and stroke-to-output latency.
    With the receptive fields on screen, with the confusion matrix, and drawing only (training paused)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from bench import fresh_window
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication


    app = QApplication.instance() or QApplication([])
    rows = []
    for shown, training in cases:
        window = fresh_window()
        window.training_data.set_dataset("digits")
        window.state.set_layer_sizes([64, 32, 10])
        window.state.set_activation("relu")
        window.state.set_bias(True)
        window.training.match_network_to_data()
        for _ in range(5):
            app.processEvents()
        getattr(window, shown).raise_()
        window.image_dock.raise_()
        panel, runner, canvas = window.training, window.training_runner, window.image_input.canvas
        panel.batch_size.setValue(32)
        panel.momentum.setValue(0.9)
        runner.speed = None
        ticks = timing_ticks(runner)
        turns, latencies = [], []
        traced = []
        window.state.traceChanged.connect(lambda traced=traced: traced.append(time.perf_counter()))

        def pen(kind, x, y, canvas=canvas):
            button = Qt.NoButton if kind == QEvent.MouseButtonRelease else Qt.LeftButton
            event = QMouseEvent(kind, QPointF(x, y), QPointF(x, y), Qt.LeftButton, button, Qt.NoModifier)
            QApplication.sendEvent(canvas, event)

        rect = canvas.image_rect()
        if training:
            runner.play()
        pen(QEvent.MouseButtonPress, rect.left() + 5, rect.center().y())
        end = start = time.perf_counter()
        end = start + seconds
        next_stroke, step = start, 0
        while (now := time.perf_counter()) < end:
            if now >= next_stroke:  # the pen moves every 16 ms, back and forth across the image
                step += 1
                x = rect.left() + rect.width() * (0.5 + 0.45 * np.sin(step / 10))
                y = rect.top() + rect.height() * (0.5 + 0.4 * np.cos(step / 7))
                sent, before = time.perf_counter(), len(traced)
                pen(QEvent.MouseMove, x, y)
                while len(traced) == before and time.perf_counter() - sent < 1.0:
                    turn = time.perf_counter()
                    app.processEvents()
                    turns.append(time.perf_counter() - turn)
                latencies.append(traced[before] - sent if len(traced) > before else 1.0)
                next_stroke += 0.016
            else:
                turn = time.perf_counter()
                app.processEvents()
                turns.append(time.perf_counter() - turn)
        pen(QEvent.MouseButtonRelease, rect.center().x(), rect.center().y())
        runner.pause()
        case = f"digits window ({shown.split('_')[0]} shown{'' if training else ', paused'})"
        rows.append((f"{case}: epochs in {seconds:g} s", runner.epoch))
        if ticks:
            rows.append((f"{case}: median tick (ms)", 1e3 * float(np.median(ticks))))
            rows.append((f"{case}: longest tick (ms)", 1e3 * max(ticks)))
        rows.append((f"{case}: 99th pct event-loop turn (ms)", 1e3 * float(np.percentile(turns, 99))))
        rows.append((f"{case}: longest event-loop turn (ms)", 1e3 * max(turns)))
        rows.append((f"{case}: median stroke → outputs (ms)", 1e3 * float(np.median(latencies))))
        rows.append((f"{case}: longest stroke → outputs (ms)", 1e3 * max(latencies)))
        rows.append((f"{case}: strokes", len(latencies)))
        window.document.maybe_save = lambda: True  # nothing to ask: a benchmark is no one's work
        window.close()
        window.deleteLater()
    return rows


def bench_training() -> list[tuple]:
    rows = ([(f"core {case}: epochs/s", value) for case, value in _core_rows()] + _gui_rows()
            + _digits_window_rows())
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value:10.1f}")
    return rows


if __name__ == "__main__":
    if sys.argv[1:] == ["--digits"]:
        for name, value in _digits_window_rows():
            print(f"{name:<60}  {value:10.1f}")
    else:
        bench_training()
