"""The window training as fast as it can: how many new pictures a second, and how long the GUI thread
is ever unable to answer.

A MainWindow at 1280×800 (off screen) trains 784-128-64-10 and 784-512-512-10 on 1,000 rows of random
784-pixel images for a few seconds, once with the initialisation explorer's tab raised (its statistics
follow the training) and once with its dock closed. Each case runs twice: once as the window runs, counting
its pictures, and once with a 1 ms heartbeat timer beside it, whose gaps between beats are the times a pen
stroke or a spin box would have waited. (A thousand timer events a second are not free: counted with the
heartbeat running, the pictures came ~10 % slower.) That run also times each event the event loop hands out
(``event p99``, ``event max``): a gap can hold several events back to back (a slice of batches, then the
view's refresh), an event is how long the GUI thread was busy at once. Targets (issue 13): ≥ 30 pictures a
second at 784-512-512-10, ticks ≤ 16 ms. Run ``python scripts/bench_window_training.py``.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

WIDTH, HEIGHT = 1280, 800
CASES = [(784, 128, 64, 10), (784, 512, 512, 10)]


def _timed_app():
    """The QApplication, made as one that times the events it hands out while ``timing`` is set (seconds, in
    ``events``; not those of the object ``unseen``, the heartbeat); events sent from within another are part
    of it. (A Python call an event, in every run: ~350 events a second, not measurable in the pictures.)"""
    from PySide6.QtWidgets import QApplication

    class TimedApplication(QApplication):
        def __init__(self, argv):
            super().__init__(argv)
            self.timing, self.events, self.unseen, self._depth = False, [], None, 0

        def notify(self, receiver, event):
            self._depth += 1
            start = time.perf_counter()
            try:
                return super().notify(receiver, event)
            finally:
                self._depth -= 1
                if self._depth == 0 and self.timing and receiver is not self.unseen:
                    self.events.append(time.perf_counter() - start)

    return QApplication.instance() or TimedApplication([])


def _train_in_window(sizes, explorer: bool, seconds: float, heartbeat: bool) -> dict:
    """Train at full speed for ``seconds``: ``{"pictures/s": …, "epochs": …}``, and with ``heartbeat`` the
    gaps between beats and the longest events (ms) instead."""
    from bench import window_training_on
    from PySide6.QtCore import Qt, QTimer

    app = _timed_app()
    window = window_training_on(sizes)
    if explorer:
        window.init_dock.raise_()
    else:
        window.init_dock.close()
    _run_for(app, 1.0)  # every panel built and up to date before the clock starts
    widest = window.view._edge_items[0]  # noqa: SLF001
    pictures = []
    cached_image = widest._cached_image  # noqa: SLF001

    def counting_cached_image(*args, **kwargs):  # a new picture of the widest layer's edges, made here or not
        before = widest._cache  # noqa: SLF001
        result = cached_image(*args, **kwargs)
        if widest._cache is not before:  # noqa: SLF001
            pictures.append(time.perf_counter())
        return result

    widest._cached_image = counting_cached_image  # noqa: SLF001
    beats = []
    heart = QTimer(interval=1, timerType=Qt.TimerType.PreciseTimer)
    heart.timeout.connect(lambda: beats.append(time.perf_counter()))
    runner = window.training_runner
    runner.speed = None
    if heartbeat:
        heart.start()
    app.events.clear()
    app.timing, app.unseen = heartbeat, heart
    runner.play()
    seconds = _run_for(app, seconds)
    runner.pause()
    app.timing = False
    heart.stop()
    gaps, events = 1e3 * np.diff(beats), 1e3 * np.array(app.events)
    epochs = window.training_runner.epoch
    window.document.maybe_save = lambda: True  # a benchmark is no one's work
    window.close()
    window.deleteLater()
    app.processEvents()
    if heartbeat:
        return {"gap p50": float(np.median(gaps)), "gap p99": float(np.percentile(gaps, 99)),
                "gap max": float(gaps.max()), "event p99": float(np.percentile(events, 99)),
                "event max": float(events.max())}
    return {"pictures/s": len(pictures) / seconds, "epochs": epochs}


def _run_for(app, seconds: float) -> float:
    """The application's own event loop for about ``seconds``: it waits for events without the interpreter, as
    the window does (a loop calling ``processEvents`` kept the interpreter from the explorer's statistics thread).
    Returns the seconds it ran (a coarse timer ends it up to 5 % early)."""
    from PySide6.QtCore import QTimer

    QTimer.singleShot(int(1e3 * seconds), lambda: app.exit(0))  # not quit(): it would close the window
    start = time.perf_counter()
    app.exec()
    return time.perf_counter() - start


def bench_window_training(seconds: float = 5.0) -> list[tuple]:
    rows = [("-".join(map(str, sizes)), "explorer shown" if explorer else "explorer closed",
             _train_in_window(sizes, explorer, seconds, False) | _train_in_window(sizes, explorer, seconds, True))
            for sizes in CASES for explorer in (True, False)]
    print(f"\nThe window training at full speed for {seconds:.0f} s ({WIDTH}×{HEIGHT}); GUI-thread gaps in ms")
    print(f"{'network':<16}{'':<17}{'pictures/s':>11}{'gap p50':>9}{'gap p99':>9}{'gap max':>9}{'event p99':>11}"
          f"{'event max':>11}{'epochs':>8}")
    for name, mode, r in rows:
        print(f"{name:<16}{mode:<17}{r['pictures/s']:>11.1f}{r['gap p50']:>9.1f}{r['gap p99']:>9.1f}"
              f"{r['gap max']:>9.1f}{r['event p99']:>11.1f}{r['event max']:>11.1f}{r['epochs']:>8}")
    return rows


if __name__ == "__main__":
    bench_window_training()
