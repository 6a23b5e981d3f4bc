"""Benchmark of the initialisation explorer: statistics alone, and the whole panel update.

Target: 1,000 samples through 784-128-64-10 and through 20 hidden layers × 64 in well under 50 ms,
statistics and histogram update together, so the panel keeps up with a spinbox arrow held down.
Run ``python scripts/bench_stats.py``; ``scripts/bench.py`` calls :func:`bench_stats`.
"""

from __future__ import annotations

import os
import time

import numpy as np

N_SAMPLES = 1000
REPEATS = 15
CASES = {
    "784-128-64-10": [784, 128, 64, 10],
    "784-64×20-10": [784, *[64] * 20, 10],
    "2-64×20-2": [2, *[64] * 20, 2],
}


def _time_ms(run, repeats=REPEATS) -> tuple[float, float]:
    """(median, best) of ``repeats`` runs in ms; the best is what an idle machine would see."""
    run()  # warm-up: first-call caches, lazy imports
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times)), 1e3 * float(np.min(times))


def bench_stats() -> list[tuple]:
    """Print a table of times (ms, median / best) and return its rows ``(case, stats, panel, panel + compare)``,
    each time a ``(median, best)`` pair."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from nnviz.core import Network
    from nnviz.core.stats import layer_statistics, sample_inputs
    from nnviz.gui.appearance import Appearance
    from nnviz.gui.init_explorer.explorer import InitExplorer
    from nnviz.gui.state import NetworkState

    app = QApplication.instance() or QApplication([])
    rows = []
    for name, sizes in CASES.items():
        network = Network(sizes, activation="tanh", init="xavier_uniform", seed=1)
        batch = sample_inputs(sizes[0], N_SAMPLES, "normal", seed=0)
        stats_ms = _time_ms(lambda network=network, batch=batch: layer_statistics(network, batch, seed=1))

        state = NetworkState(network.copy())
        panel = InitExplorer(state, Appearance())
        panel.resize(480, 900)
        panel.show()
        app.processEvents()
        panel_ms = _time_ms(panel.refresh)
        panel.pin()
        state.set_init("he_normal")
        state.flush()
        app.processEvents()
        compare_ms = _time_ms(panel.refresh)
        panel.close()
        panel.deleteLater()
        app.processEvents()
        rows.append((name, stats_ms, panel_ms, compare_ms))

    print(f"Initialisation explorer, {N_SAMPLES} samples: ms, median / best of {REPEATS} (target well under 50)")
    print(f"{'network':<16}{'statistics':>14}{'panel update':>16}{'with A pinned':>16}")
    for name, *times in rows:
        print(f"{name:<16}" + "".join(f"{f'{median:.1f} / {best:.1f}':>{width}}"
                                      for (median, best), width in zip(times, (14, 16, 16))))
    return rows


if __name__ == "__main__":
    bench_stats()
