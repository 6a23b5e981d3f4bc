"""Launch time: process start to the first painted window, against a bare PySide6 window.

Run ``.venv/bin/python scripts/bench_launch.py`` (offscreen) or through ``scripts/bench.py --only launch``.
Target: ≤ 0.8 s to the first painted window.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np

CASES = [(8, 16, 16, 4), (784, 128, 64, 10)]
REPEATS = 7

# The same process start and Qt start-up, with nothing of nnviz: the floor launch time is measured against.
BARE_WINDOW = """
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1280, 800)
class F(QObject):
    def eventFilter(self, o, e):
        if e.type() == QEvent.Paint:
            print("painted", flush=True); QTimer.singleShot(0, app.quit)
        return False
f = F(); w.installEventFilter(f); w.show(); app.exec()
"""


def _time_to_paint(cmd, env) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    for line in proc.stdout:
        if line.strip() == "painted":
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError(f"{cmd} never painted")
    proc.wait(timeout=30)
    return elapsed


def bench_launch() -> list[tuple]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    bare = float(np.median([_time_to_paint([sys.executable, "-c", BARE_WINDOW], env) for _ in range(REPEATS)]))
    print(f"\nLaunch to first painted window (median of {REPEATS}, platform {env['QT_QPA_PLATFORM']})")
    print(f"{'network':>18} | {'nnviz s':>8} | {'bare Qt window s':>16} | {'ratio':>6}")
    print(f"{'-' * 18}-+-{'-' * 8}-+-{'-' * 16}-+-{'-' * 6}")
    rows = []
    for sizes in CASES:
        cmd = [sys.executable, "-m", "nnviz", "--layers", *map(str, sizes), "--seed", "1",
               "--inputs", *["0.5"] * sizes[0], "--quit-after-paint"]
        t = float(np.median([_time_to_paint(cmd, env) for _ in range(REPEATS)]))
        rows.append(("-".join(map(str, sizes)), t, bare))
        print(f"{rows[-1][0]:>18} | {t:8.2f} | {bare:16.2f} | {t / bare:6.1f}")
    return rows


if __name__ == "__main__":
    bench_launch()
