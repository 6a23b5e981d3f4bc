"""Benchmark of the network view's work before rasterising: choosing the drawn edges, their order and pens.

The same changes as the view section of ``scripts/bench.py`` (a drawn weight of the first layer
nudged by 5 %, every weight and bias moved a little, a new view), timed only while the view brings
its edge layers up to date (``_rebuild_edges``), not while it paints. Median thread CPU ms, which a
busy machine inflates much less than wall time.
"""

from __future__ import annotations

import time

import numpy as np

CASES = [(64, 64, 64, 10), (784, 128, 64, 10), (784, 512, 512, 10)]


def _cpu_ms(run, repeats: int) -> float:
    """Median thread CPU ms of ``run()``, which returns the CPU seconds of the part it times."""
    for _ in range(3):
        run()
    return 1e3 * float(np.median([run() for _ in range(repeats)]))


def _time_case(sizes, repeats: int) -> tuple:
    from bench import _app, _shown_view, training_steps

    state, view = _shown_view(sizes)
    view._up_to_date()

    def rebuild() -> float:
        start = time.thread_time()
        view._rebuild_edges(view.colour_limits(), ask=False)
        return time.thread_time() - start

    drawn = view._edge_items[0].edges
    middle = int(np.flatnonzero(drawn.frm >= 0)[len(drawn) // 2])
    to, frm, value = int(drawn.to[middle]), int(drawn.frm[middle]), float(drawn.values[middle])
    nudges = iter(np.tile([1.05, 1.0], 10_000))

    def weight_edit() -> float:
        state.set_weight(0, to, frm, value * next(nudges))
        state.flush()
        return rebuild()

    training_step = training_steps(state)

    def all_weights() -> float:
        training_step()
        return rebuild()

    def from_scratch() -> float:
        view._drawn.clear()  # what a new view or a new structure computes
        return rebuild()

    timings = [_cpu_ms(run, repeats) for run in (weight_edit, all_weights, from_scratch)]
    view._up_to_date()
    view.close()
    view.deleteLater()
    _app().processEvents()
    return ("-".join(map(str, sizes)), *timings)


def bench_strokes() -> list[tuple]:
    """Time the edge bookkeeping per network size; print a table and return its rows."""
    from bench import _app

    _app()
    repeats = 30
    rows = [_time_case(sizes, repeats) for sizes in CASES]
    print(f"\nNetwork view edges before rasterising: median thread CPU ms over {repeats} runs")
    print("{:<16}{:>8}{:>8}{:>9}".format("network", "edit", "all w", "scratch"))
    for name, edit, every, scratch in rows:
        print(f"{name:<16}{edit:>8.2f}{every:>8.2f}{scratch:>9.2f}")
    print("edit: a drawn weight of the first layer nudged by 5 %; all w: every weight and bias moved a little;\n"
          "scratch: every layer's edges chosen, ordered and given pens anew. Target: a small share of the\n"
          "view section's edit (≤ 8 ms) and all w (≤ 16 / 25 ms), which also paint.")
    return rows
