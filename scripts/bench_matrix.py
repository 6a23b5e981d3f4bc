"""Benchmark of the weight-matrix view: the network view's updates with big layers drawn as heatmaps.

Same updates as the view section of ``scripts/bench.py`` (1280×800, median ms): an input change
(target ≤ 16 ms: no heatmap is rebuilt), one weight edit (one layer's array → QImage), a training
step (every layer's), and a zoom step (each heatmap scaled once to the new size).
"""

from __future__ import annotations

import numpy as np

CASES = [(784, 128, 64, 10), (784, 512, 512, 10)]
WIDTH, HEIGHT = 1280, 800


def _time_case(sizes, image, repeats: int) -> tuple:
    """One row: ``sizes``, the layers drawn as matrices, and the median ms of each update."""
    from bench import _median_ms
    from PySide6.QtWidgets import QWidget

    from nnviz.core import Network
    from nnviz.gui.appearance import MATRIX_ABOVE, Appearance
    from nnviz.gui.network_view import NetworkView
    from nnviz.gui.state import NetworkState

    state = NetworkState(Network(list(sizes), seed=0, bias=True), inputs=np.random.default_rng(0).random(sizes[0]))
    look = Appearance()
    look.set(matrix_above=MATRIX_ABOVE)
    view = NetworkView(state, look)
    view.resize(WIDTH, HEIGHT)
    view.show()
    values = iter(np.linspace(0.0, 1.0, 10_000))
    zooms = iter(np.tile([1.02, 1 / 1.02], 10_000))

    def repaint():
        QWidget.render(view.viewport(), image)

    def input_update():
        state.set_input(0, next(values))
        state.flush()
        repaint()

    def weight_edit():  # into the biggest heatmap
        state.set_weight(0, 0, 0, next(values))
        state.flush()
        repaint()

    def training_step():  # every weight and bias moves
        for w, b in zip(state.network.weights, state.network.biases):
            w *= 1.0001
            b *= 1.0001
        state.notify_weights_changed()
        state.flush()
        repaint()

    def zoom_step():
        factor = next(zooms)
        view._viewbox.scaleBy((factor, factor))
        repaint()

    repaint()
    input_update()  # warm-up
    timings = [_median_ms(run, repeats) for run in (input_update, weight_edit, training_step, zoom_step)]
    row = ("-".join(map(str, sizes)), sorted(view._matrices.items), *timings)
    view.close()
    view.deleteLater()
    return row


def bench_matrix() -> list[tuple]:
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    from nnviz.gui.appearance import MATRIX_ABOVE

    app = QApplication.instance() or QApplication([])
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32_Premultiplied)
    repeats = 20
    rows = []
    for sizes in CASES:
        rows.append(_time_case(sizes, image, repeats))
        app.processEvents()
    print(f"\nWeight matrices (layers above {MATRIX_ABOVE:,} edges) at {WIDTH}×{HEIGHT}: median ms over {repeats} runs")
    print(f"{'network':<18}{'matrices':<10}{'input':>8}{'edit':>8}{'train':>8}{'zoom':>8}")
    for name, layers, *times in rows:
        print(f"{name:<18}{str(layers):<10}" + "".join(f"{t:8.2f}" for t in times))
    return rows
