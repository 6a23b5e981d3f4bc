"""Benchmark of the initialisation core: the race, signal propagation and the Jacobian.

What the window needs: a race of 4 candidates on a small set finishes in about a second; one race
step of one mini-batch per candidate stays well under the 15 ms training slice even at
784-128-64-10 (the end-of-epoch measurement is the costly part); the propagation map of 40 scales ×
20 layers and a boundary take a fraction of a second (the boundary is cached per activation).
Run ``python scripts/bench_init.py``; ``scripts/bench.py --only init`` calls :func:`bench_init`.
One BLAS thread, as the app sets it: with threads on a busy 2-core machine one race batch at
784-128-64-10 took 300 ms instead of 9 ms (run bench.py with ``OPENBLAS_NUM_THREADS=1``).

Measured (2 shared cores, 1 BLAS thread): race spiral 1.2 s; one batch × 4 at 784-128-64-10 8.6 ms,
an epoch of 1000 rows × 4 1.6 s; propagation map 0.47 s; theory 6 ms; boundary 0.4 s; Jacobian
singular values at 784-128-64-10 0.5 ms.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads BLAS, as nnviz.app does

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CANDIDATES = [{"init": "truncated_normal"}, {"init": "xavier_normal"}, {"init": "he_normal", "activation": "relu"},
              {"init": "normal", "init_scale": 0.05, "label": "too small"}]


def _seconds(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _median_ms(run, repeats: int) -> float:
    return 1e3 * float(np.median([_seconds(run) for _ in range(repeats)]))


def bench_init() -> list[tuple]:
    from nnviz.core import Network, Race, jacobian_singular_values, make_dataset, propagation_map, race
    from nnviz.core.propagation import _boundary, propagation_theory

    rows = []
    X, y = make_dataset("spiral", 200, seed=1)
    spiral = Network([2, 8, 8, 1], activation="tanh", seed=1, bias=True)
    rows.append(("race spiral 2-8-8-1, 4 × 30 epochs", "s", _seconds(lambda: race(spiral, CANDIDATES, X, y, 30))))

    rng = np.random.default_rng(0)
    X_big, y_big = rng.standard_normal((1000, 784)), rng.integers(0, 10, 1000).astype(float)
    big = Network([784, 128, 64, 10], activation="tanh", seed=1)
    run = Race(big, CANDIDATES, X_big, y_big, 2)
    rows.append(("race 784-128-64-10: 1 batch × 4 candidates", "ms", _median_ms(lambda: run.step_batches(1), 20)))
    rows.append(("race 784-128-64-10: 1 epoch of 1000 rows × 4", "s",
                 _seconds(lambda: run.step_batches(run.batches_per_epoch))))

    scales = np.linspace(0.1, 4.0, 40)
    rows.append(("propagation_map tanh 40 σ × 20 layers", "s", _seconds(lambda: propagation_map("tanh", scales, 20))))
    rows.append(("propagation_theory tanh 40 σ × 20 layers", "ms",
                 _median_ms(lambda: propagation_theory("tanh", scales, 20), 5)))
    _boundary.cache_clear()
    rows.append(("order_to_chaos_boundary sigmoid (uncached)", "s", _seconds(lambda: _boundary("sigmoid"))))
    x = rng.standard_normal(784)
    rows.append(("jacobian singular values 784-128-64-10", "ms",
                 _median_ms(lambda: jacobian_singular_values(big, x), 5)))

    print("\n== initialisation core ==")
    for name, unit, value in rows:
        print(f"{name:48s} {value:8.3f} {unit}")
    return rows


if __name__ == "__main__":
    bench_init()
