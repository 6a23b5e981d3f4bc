"""Benchmark of the initialisation explorer: statistics alone, and the whole panel update.

Target (issue 13): a panel update — the statistics of 1,000 samples, the verdict, the depth view and the
histograms redrawn after a weight change — in ≤ 16 ms at 784-128-64-10 and ≤ 25 ms at 784-64×20-10.
"panel update" runs it all on one thread (``InitExplorer.refresh``); in the window the statistics and the
histogram bars are measured on a worker thread, and "GUI thread" is the CPU time left on the GUI thread
(copying the network, drawing the plots).
Every timed update follows a change of all weights (±1 %, as a training step makes), so titles, ranges
and curves really change. Times are the wall clock and the GUI thread's CPU time; on a shared machine
the CPU time is the steadier of the two. Run ``python scripts/bench_stats.py``; ``scripts/bench.py``
calls :func:`bench_stats`.
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads BLAS, as nnviz.app does

import numpy as np  # noqa: E402

N_SAMPLES = 1000
REPEATS = 15
CASES = {
    "784-128-64-10": [784, 128, 64, 10],
    "784-64×20-10": [784, *[64] * 20, 10],
    "2-64×20-2": [2, *[64] * 20, 2],
}


def _time_ms(run, change, repeats=REPEATS) -> tuple[float, float, float]:
    """(median wall, best wall, median CPU) of ``repeats`` runs in ms, ``change()`` untimed before each."""
    change()
    run()  # warm-up: first-call caches, lazy imports
    walls, cpus = [], []
    for _ in range(repeats):
        change()
        start, cpu = time.perf_counter(), time.thread_time()
        run()
        walls.append(time.perf_counter() - start)
        cpus.append(time.thread_time() - cpu)
    return 1e3 * float(np.median(walls)), 1e3 * float(np.min(walls)), 1e3 * float(np.median(cpus))


def _nudge(network):
    """A change of every weight by ±1 %, alternating, as a training step would make."""
    sign = [1.0]

    def change():
        sign[0] = -sign[0]
        for w in network.weights:
            w *= 1.0 + 0.01 * sign[0]
    return change


def bench_stats() -> list[tuple]:
    """Print a table of times and return its rows ``(case, stats, panel, panel + compare, GUI thread)``, each
    time a ``(median wall, best wall, median CPU)`` triple in ms."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from nnviz.core import Network
    from nnviz.core.scratch import Scratch
    from nnviz.core.stats import layer_statistics, sample_inputs
    from nnviz.gui.appearance import Appearance
    from nnviz.gui.init_explorer.explorer import InitExplorer
    from nnviz.gui.init_explorer.measuring import STATS_DTYPE
    from nnviz.gui.state import NetworkState

    app = QApplication.instance() or QApplication([])
    rows = []
    for name, sizes in CASES.items():
        network = Network(sizes, activation="tanh", init="xavier_uniform", seed=1)
        batch = sample_inputs(sizes[0], N_SAMPLES, "normal", seed=0)
        scratch = Scratch()  # as the explorer runs them
        stats_ms = _time_ms(lambda network=network, batch=batch, scratch=scratch: layer_statistics(
            network, batch, seed=1, dtype=STATS_DTYPE, scratch=scratch), _nudge(network))

        state = NetworkState(network.copy())
        panel = InitExplorer(state, Appearance())
        panel.resize(480, 900)
        panel.show()
        app.processEvents()
        panel_ms = _time_ms(panel.refresh, _nudge(state.network))

        def as_in_the_window(panel=panel):
            panel._start_measuring()  # noqa: SLF001
            job = panel._measuring._job  # noqa: SLF001
            future = job._job[0]  # noqa: SLF001
            future.exception()  # waits for the worker, without CPU
            job._on_finished(future)  # noqa: SLF001 (what the queued signal does next: the panel draws it)

        gui_ms = _time_ms(as_in_the_window, _nudge(state.network))
        panel.pin()
        state.set_init("he_normal")
        state.flush()
        app.processEvents()
        compare_ms = _time_ms(panel.refresh, _nudge(state.network))
        panel.close()
        panel.deleteLater()
        app.processEvents()
        rows.append((name, stats_ms, panel_ms, compare_ms, gui_ms))

    print(f"Initialisation explorer, {N_SAMPLES} samples, after a change of every weight: ms, median / best wall "
          f"(median CPU) of {REPEATS}; target ≤ 16 at 784-128-64-10, ≤ 25 at 784-64×20-10")
    print(f"{'network':<16}{'statistics':>24}{'panel update':>24}{'with A pinned':>24}{'GUI thread CPU':>16}")
    for name, *times, gui in rows:
        print(f"{name:<16}" + "".join(f"{f'{wall:.1f} / {best:.1f} ({cpu:.1f})':>24}" for wall, best, cpu in times)
              + f"{gui[2]:>16.1f}")
    return rows


if __name__ == "__main__":
    bench_stats()
