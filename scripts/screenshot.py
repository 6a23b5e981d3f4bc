"""Save PNG screenshots of the main window for the README (runs offscreen, no display needed).

    .venv/bin/python scripts/screenshot.py [--out resources/screenshots] [--only window-weight-matrices]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from nnviz.core import Network  # noqa: E402
from nnviz.gui.main_window import MainWindow  # noqa: E402
from nnviz.gui.preferences import Preferences  # noqa: E402


def presentation_dark(window) -> None:
    """After the window is shown, as a user presses Ctrl+P: presentation mode sizes its docks to the window."""
    window.dark_action.trigger()
    window.document.open_example_lecture()
    window.document.show_scene(2)  # "Deep sigmoid: vanishing"
    window.presentation_action.trigger()


def race_lecture(window) -> None:
    window.document.open_example_lecture()
    titles = [scene.title for scene in window.document.scenes]
    window.document.show_scene(titles.index("The initialisation race"))


def run_race(window) -> None:
    """After the window is shown: widen the race's tab, run the race to the end."""
    window.resizeDocks([window.race_dock], [820], Qt.Horizontal)
    window.race.start()
    while window.race.running:
        QApplication.processEvents()


def deep_sigmoid(window) -> None:
    window.init_explorer.apply_preset("Deep sigmoid (vanishing)")


SPIRAL_EPOCHS = 600


def spiral_learned(window) -> None:
    """The spiral with the network the Training panel suggests, trained for ``SPIRAL_EPOCHS`` epochs
    (the README states these settings)."""
    panel = window.training
    panel.dataset.setCurrentIndex(panel.dataset.findData("spiral"))
    panel.use_suggested_network()
    window.state.flush()
    trainer = window.training_runner.trainer
    for _ in range(SPIRAL_EPOCHS):
        trainer.step_epoch()
    window.state.notify_weights_changed()
    window.training_runner.progressed.emit()
    window.boundary_dock.raise_()


def drawn_digit(window) -> None:
    """The example lecture's Digits scene with a 7 drawn on the input image (the brush the mouse uses)."""
    import numpy as np

    from nnviz.gui.data_panel.image_input import BRUSH_SIGMAS_PER_SIDE, brush_stroke

    window.document.open_example_lecture()
    window.document.show_scene(4)  # "Digits"
    window.training_data.set_dataset("digits")
    image, sigma = np.zeros((8, 8)), 8 / BRUSH_SIGMAS_PER_SIDE
    for start, end in (((1.5, 1.2), (6.6, 1.2)), ((6.6, 1.2), (4.4, 4.6)), ((4.4, 4.6), (3.4, 7.2)),
                       ((3.0, 4.2), (6.0, 4.2))):
        image = brush_stroke(image, start, end, sigma)
    window.state.set_inputs(image.ravel())
    window.image_dock.raise_()
    window.fields_dock.raise_()


MODELS = next((p for p in (Path(__file__).resolve().parents[2] / "shared" / "models", Path("/work/shared/models"))
               if (p / "torch_mlp.onnx").is_file()), None)
"""The real model files of the import tests (PyTorch's ONNX export of a 4-10-6-3 ReLU classifier)."""


def trained_onnx(window) -> None:
    """A PyTorch network exported to ONNX, opened like File → Open, on the first of its test inputs."""
    import numpy as np

    window.document.open_path(MODELS / "torch_mlp.onnx")
    window.state.set_inputs(np.load(MODELS / "torch_mlp_onnx.inputs.npy")[0].astype(float))


def digits_network():
    """64-128-64-10 ReLU trained 15 epochs on the bundled 8 × 8 digits, and one standardised digit."""
    from nnviz.core import fit
    from nnviz.core.datasets import load_dataset

    digits = load_dataset("digits")
    mean, std = digits.X.mean(axis=0), digits.X.std(axis=0)
    std[std == 0] = 1.0
    X = (digits.X - mean) / std
    network = Network([64, 128, 64, 10], activation="relu", output_activation="softmax", loss="cross_entropy",
                      init="he_normal", seed=2, bias=True)
    fit(network, X, digits.y, 15, batch_size=16, learning_rate=0.01, momentum=0.5, seed=2)
    return network, X[0]


def weight_matrices(window) -> None:
    window.appearance.set(matrix_above=1000, per_layer_colors=True)
    for dock in (window.init_dock, window.training_dock, window.boundary_dock):
        dock.hide()  # room for the graph
    busiest = int(window.state.trace.post[2].argmax())
    window.view.select_node(2, busiest)  # its row in the second matrix, its edges to the outputs


SHOTS = {
    "window-default": dict(network=None, inputs=None),
    "init-deep-sigmoid": dict(setup=deep_sigmoid),
    "training-spiral": dict(setup=spiral_learned),
    "window-784-128-64-10": dict(network=Network([784, 128, 64, 10], seed=3), inputs=None),
    "window-digits": dict(setup=drawn_digit),
    "model-torch-onnx": dict(setup=trained_onnx),
    "window-weight-matrices": dict(network=digits_network, setup=weight_matrices),
    "race-xor": dict(setup=race_lecture, after_show=run_race, size=(1440, 960)),
    "window-presentation-dark": dict(after_show=presentation_dark),  # last: the dark theme stays on the application
}


def settle(app, window) -> None:
    window.state.flush()
    for _ in range(5):
        app.processEvents()
    # The explorer measures on a worker thread: its plots are drawn once the measurement is in.
    explorer, deadline = window.init_explorer, time.monotonic() + 30
    while (not explorer.up_to_date and explorer.isVisible() and not explorer.visibleRegion().isEmpty()
           and time.monotonic() < deadline):
        app.processEvents()
        time.sleep(0.001)
    for _ in range(3):
        app.processEvents()


def shoot(app, name, out: Path, network=None, inputs=None, setup=None, after_show=None, size=(1280, 800)) -> Path:
    # A throw-away preferences file: the picture must not depend on the developer's saved layout.
    preferences = Preferences(QSettings(str(out / ".screenshot-preferences.ini"), QSettings.IniFormat))
    preferences.qsettings.clear()
    if callable(network):  # made only when this shot is taken
        network, inputs = network()
    window = MainWindow(network, inputs, preferences=preferences)
    window.resize(*size)
    if setup:
        setup(window)
    window.show()
    settle(app, window)
    if after_show:
        after_show(window)
        settle(app, window)
    window.view.fit()
    settle(app, window)
    path = out / f"{name}.png"
    window.grab().save(str(path))
    window.document.maybe_save = lambda: True  # nothing to ask: the shot is not a user's work
    window.close()
    window.deleteLater()
    (out / ".screenshot-preferences.ini").unlink(missing_ok=True)
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_out = Path(__file__).resolve().parent.parent / "resources" / "screenshots"
    parser.add_argument("--out", type=Path, default=default_out)
    parser.add_argument("--only", choices=list(SHOTS), nargs="+", help="take only these shots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    for name, kwargs in SHOTS.items():
        if args.only and name not in args.only:
            continue
        if kwargs.get("setup") is trained_onnx and MODELS is None:
            print(f"skipped {name}: the model files of the tests are not here", file=sys.stderr)
            continue
        print(shoot(app, name, args.out, **kwargs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
