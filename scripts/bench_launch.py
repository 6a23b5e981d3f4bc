"""Launch time: process start to the first painted window, against the import floor measured in the same run.

Run ``.venv/bin/python scripts/bench_launch.py`` (offscreen) or through ``scripts/bench.py --only launch``.
The floor is a process that imports what nnviz cannot start without (PySide6.QtWidgets, numpy and
scipy.special) and paints a bare window; "+ pyqtgraph" imports pyqtgraph too (the network view is a pyqtgraph
view). nnviz is timed twice: the first launch (no saved settings: every panel is built before the first paint,
so the default dock sizes fit them) and a usual one (a saved dock layout: the panels are built just after the
first paint). Target: the usual launch within 0.1 s of the floor.

nnviz's modules are byte-compiled first, as after any earlier run (Python does it on the first import, and
pip when it installs the wheel): where ``PYTHONDONTWRITEBYTECODE`` is set, as on some CI machines, every
launch would otherwise compile them again (0.2–0.3 s here).
"""

from __future__ import annotations

import compileall
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

import nnviz

CASES = [(8, 16, 16, 4), (784, 128, 64, 10)]
REPEATS = 7

_PAINT_BARE_WINDOW = """
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
FLOOR = "import PySide6.QtWidgets, numpy, scipy.special\n" + _PAINT_BARE_WINDOW
FLOOR_PYQTGRAPH = "import PySide6.QtWidgets, numpy, scipy.special, pyqtgraph\n" + _PAINT_BARE_WINDOW

# A window opened and closed as a user would: it saves its dock layout, as after any earlier session.
SAVE_LAYOUT = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([]); app.setOrganizationName("nnviz"); app.setApplicationName("nnviz")
from nnviz.gui.main_window import MainWindow
w = MainWindow(); w.show(); QTimer.singleShot(300, w.close); QTimer.singleShot(400, app.quit); app.exec()
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


def _nnviz(sizes) -> list[str]:
    return [sys.executable, "-m", "nnviz", "--layers", *map(str, sizes), "--seed", "1",
            "--inputs", *["0.5"] * sizes[0], "--quit-after-paint"]


def bench_launch() -> list[tuple]:
    """Rows ``(network, first launch s, usual launch s, floor s, floor + pyqtgraph s)``: medians, the
    measurements of all columns interleaved so that a change in machine load affects them alike."""
    compileall.compile_dir(os.path.dirname(nnviz.__file__), quiet=1)
    base = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    with tempfile.TemporaryDirectory(prefix="nnviz-launch-") as folder:
        fresh = {**base, "XDG_CONFIG_HOME": os.path.join(folder, "fresh")}
        saved = {**base, "XDG_CONFIG_HOME": os.path.join(folder, "saved")}
        subprocess.run([sys.executable, "-c", SAVE_LAYOUT], env=saved, check=True, capture_output=True, timeout=120)
        commands = {"floor": ([sys.executable, "-c", FLOOR], base),
                    "pyqtgraph": ([sys.executable, "-c", FLOOR_PYQTGRAPH], base)}
        for sizes in CASES:
            commands[("first", sizes)] = (_nnviz(sizes), fresh)
            commands[("usual", sizes)] = (_nnviz(sizes), saved)
        times: dict = {key: [] for key in commands}
        for _ in range(REPEATS):
            for key, (cmd, env) in commands.items():
                times[key].append(_time_to_paint(cmd, env))
    median = {key: float(np.median(values)) for key, values in times.items()}
    floor, with_pyqtgraph = median["floor"], median["pyqtgraph"]
    print(f"\nLaunch to first painted window (median of {REPEATS}, platform {base['QT_QPA_PLATFORM']}); "
          f"floor (PySide6.QtWidgets + numpy + scipy.special + a bare window) {floor:.2f} s, "
          f"with pyqtgraph {with_pyqtgraph:.2f} s")
    print(f"{'network':>18} | {'first launch s':>14} | {'usual launch s':>14} | {'usual - floor s':>15}")
    print(f"{'-' * 18}-+-{'-' * 14}-+-{'-' * 14}-+-{'-' * 15}")
    rows = []
    for sizes in CASES:
        first, usual = median[("first", sizes)], median[("usual", sizes)]
        rows.append(("-".join(map(str, sizes)), first, usual, floor, with_pyqtgraph))
        print(f"{rows[-1][0]:>18} | {first:14.2f} | {usual:14.2f} | {usual - floor:15.2f}")
    return rows


if __name__ == "__main__":
    bench_launch()
