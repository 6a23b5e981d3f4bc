"""Trained models in the window and on the command line: every real model file opens (File → Open, drop,
``nnviz render --open``), the activation dialog, failures that change nothing, Save, Export Model, Copy as
PyTorch / Keras, and the explorer's comparison with a fresh initialisation."""

import json

import numpy as np
import pytest
from model_files import MODELS, needs_models, reference_forward, torch_zip
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QLabel, QPushButton

from nnviz.core import ACTIVATIONS, Network
from nnviz.core.documents import read_any
from nnviz.core.models import read_model
from nnviz.gui.main_window import MainWindow
from nnviz.gui.preferences import Preferences
from nnviz.render import render_main


def manifest():
    return json.loads((MODELS / "manifest.json").read_text()) if MODELS else {}


def model_cases():
    return [pytest.param(entry, id=name) for name, entry in manifest().items()]


def framework_activations(entry):
    """The hidden and output activation the manifest says the framework used (a file may not store them)."""
    if entry.get("activation") not in ACTIVATIONS:  # plain.npz: "not stored (the user chooses)"
        return "relu", "linear"
    return entry["activation"], entry["output"].split()[0]


@pytest.fixture
def window(qtbot, tmp_path):
    preferences = Preferences(QSettings(str(tmp_path / "preferences.ini"), QSettings.IniFormat))
    w = MainWindow(Network([2, 3, 2], seed=1), [3.0, 4.0], preferences=preferences)
    w.document._ask_save_changes = lambda: "discard"
    w.errors = []
    w.document._show_error = lambda title, text: w.errors.append(text)
    qtbot.addWidget(w)
    return w


def snapshot(window):
    """Everything an open that fails must leave as it was."""
    net = window.state.network
    return (net.layer_sizes, [w.copy() for w in net.weights], window.windowTitle(), window.document.path,
            window.document.is_modified, window.document.source, window.state.inputs.tolist())


def assert_same(before, after):
    assert before[0] == after[0] and before[2:] == after[2:]
    for a, b in zip(before[1], after[1]):
        np.testing.assert_array_equal(a, b)


@needs_models
@pytest.mark.parametrize("entry", model_cases())
def test_every_real_model_opens_in_the_window_and_runs_like_its_framework(window, entry):
    path = MODELS / entry["file"]
    hidden, output = framework_activations(entry)
    asked = []
    window.document._ask_activations = lambda name, source: asked.append(name) or (hidden, output)
    assert window.document.open_path(path)
    net = window.state.network
    assert list(net.layer_sizes) == entry["layers"] if "layers" in entry else net.layer_sizes[0] > 0
    assert asked == ([] if read_model(path).stores_activations else [path.name])
    assert window.windowTitle() == f"{path.name}[*] — nnviz" and not window.document.is_modified
    source_label = window.findChild(QLabel, "sourceLabel")
    assert source_label.text() == f"From {read_model(path).source}" and not source_label.isHidden()
    assert window.preferences.recent_files()[0] == str(path.absolute())
    if "inputs" in entry:
        x = np.load(MODELS / entry["inputs"])[0].astype(float)
        window.state.set_inputs(x)
        window.state.flush()
        np.testing.assert_allclose(window.state.trace.output, np.load(MODELS / entry["outputs"])[0],
                                   rtol=1e-4, atol=1e-5)


@needs_models
@pytest.mark.parametrize("entry", model_cases())
def test_every_real_model_renders_from_the_command_line(tmp_path, entry):
    out = tmp_path / "model.png"
    hidden, output = framework_activations(entry)
    flags = [] if read_model(MODELS / entry["file"]).stores_activations else [
        "--activation", hidden, "--output-activation", output]
    assert render_main(["--open", str(MODELS / entry["file"]), "-o", str(out), "--size", "320x200", *flags]) == 0
    assert QImage(str(out)).size().toTuple() == (320, 200)


def non_mlp(tmp_path):
    path = tmp_path / "conv.pt"
    rng = np.random.default_rng(0)
    path.write_bytes(torch_zip({"conv.weight": rng.normal(size=(4, 1, 3, 3)), "fc.weight": rng.normal(size=(2, 4))}))
    return path


def test_a_non_mlp_or_random_bytes_shows_the_error_and_changes_nothing(window, tmp_path):
    window.state.set_weight(0, 0, 0, 0.5)
    window.state.flush()
    window.document.save_to(tmp_path / "mine.json")
    random_file = tmp_path / "random.onnx"
    random_file.write_bytes(np.random.default_rng(1).bytes(3000))
    for path, message in ((non_mlp(tmp_path), "Conv2d"), (random_file, "random.onnx")):
        before = snapshot(window)
        assert not window.document.open_path(path)
        assert message in window.errors[-1] and path.name in window.errors[-1]
        assert_same(before, snapshot(window))


def test_a_non_mlp_ends_the_command_line_with_its_message_and_exit_code_2(tmp_path, capsys):
    assert render_main(["--open", str(non_mlp(tmp_path)), "-o", str(tmp_path / "x.png")]) == 2
    assert "conv.pt: Conv2d" in capsys.readouterr().err and not (tmp_path / "x.png").exists()


def test_activation_flags_apply_to_model_files_only(tmp_path, capsys):
    np.savez(tmp_path / "plain.npz", W0=np.ones((3, 2)), b0=np.zeros(3), W1=np.ones((1, 3)), b1=np.zeros(1))
    from nnviz.app import build_parser
    from nnviz.cli import network_from_args

    parser = build_parser()
    args = parser.parse_args(["--open", str(tmp_path / "plain.npz"), "--activation", "tanh",
                              "--output-activation", "sigmoid"])
    net, _inputs, opened = network_from_args(parser, args)
    assert (net.activation, net.output_activation, opened.kind, opened.needs_activations) == (
        "tanh", "sigmoid", "model", True)
    assert opened.source == "numpy npz, 2 layers"
    from nnviz.core.scenes import save_state

    save_state(tmp_path / "net.json", Network([2, 2], seed=1), [1.0, 2.0])
    with pytest.raises(SystemExit) as e:
        network_from_args(parser, parser.parse_args(["--open", str(tmp_path / "net.json"), "--activation", "tanh"]))
    assert e.value.code == 2 and "applies to model files only" in capsys.readouterr().err


def drive_activation_dialog(window, hidden, output, accept=True):
    """Answer the activation dialog once it is up (it runs its own event loop, so a timer reaches it)."""
    seen = []

    def answer():
        dialog = next((d for d in window.findChildren(QDialog, "activationDialog") if d.isVisible()), None)
        if dialog is None:
            QTimer.singleShot(10, answer)
            return
        seen.append((dialog.findChild(QComboBox, "hiddenActivation").currentData(),
                     dialog.findChild(QComboBox, "outputActivation").currentData()))
        for name, value in (("hiddenActivation", hidden), ("outputActivation", output)):
            combo = dialog.findChild(QComboBox, name)
            combo.setCurrentIndex(combo.findData(value))
        dialog.accept() if accept else dialog.reject()

    QTimer.singleShot(0, answer)
    return seen


def test_a_file_without_activations_asks_for_them_with_relu_and_linear_first(window, tmp_path):
    rng = np.random.default_rng(2)
    weights = [rng.normal(size=(4, 3)), rng.normal(size=(2, 4))]
    biases = [rng.normal(size=4), rng.normal(size=2)]
    path = tmp_path / "weights.npz"
    np.savez(path, W0=weights[0], b0=biases[0], W1=weights[1], b1=biases[1])
    seen = drive_activation_dialog(window, "tanh", "sigmoid")
    assert window.document.open_path(path)
    assert seen == [("relu", "linear")]
    net = window.state.network
    assert (net.activation, net.output_activation) == ("tanh", "sigmoid")
    window.state.set_inputs([0.5, -1.0, 2.0])
    window.state.flush()
    np.testing.assert_allclose(window.state.trace.output,
                               reference_forward(weights, biases, ["tanh", "sigmoid"], [0.5, -1.0, 2.0]))

    before = snapshot(window)
    drive_activation_dialog(window, "tanh", "linear", accept=False)
    assert not window.document.open_path(path)  # cancelled: nothing changes
    assert_same(before, snapshot(window))


def test_dropping_a_file_on_the_window_opens_it(window, qtbot, tmp_path):
    path = tmp_path / "dropped.npz"
    np.savez(path, W0=np.ones((5, 3)), b0=np.zeros(5), W1=np.ones((1, 5)), b1=np.zeros(1))
    window.document._ask_activations = lambda name, source: ("relu", "linear")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(QPoint(50, 50), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(50, 50), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(window, drop)
    qtbot.waitUntil(lambda: window.state.network.layer_sizes == (3, 5, 1))
    assert window.document.path == path

    text = QMimeData()
    text.setText("not a file")
    refused = QDragEnterEvent(QPoint(50, 50), Qt.CopyAction, text, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(window, refused)
    assert not refused.isAccepted()


def open_small_model(window, tmp_path):
    path = tmp_path / "small.npz"
    rng = np.random.default_rng(3)
    np.savez(path, W0=rng.normal(size=(4, 2)), b0=rng.normal(size=4), W1=rng.normal(size=(3, 4)),
             b1=rng.normal(size=3), activations=np.array(["tanh", "softmax"]))
    assert window.document.open_path(path)
    return path


def test_edits_are_changes_and_save_writes_json_beside_the_model(window, tmp_path):
    path = open_small_model(window, tmp_path)
    model_bytes = path.read_bytes()
    window.state.set_weight(0, 1, 0, 2.5)
    window.state.flush()
    assert window.document.is_modified and window.isWindowModified()
    asked = []
    window.document._ask_save_path = lambda caption, filters, suggested: asked.append(suggested) or str(
        tmp_path / "small.json")
    assert window.document.save()
    assert asked and asked[0].endswith("small.json")
    assert path.read_bytes() == model_bytes
    saved = read_any(tmp_path / "small.json")
    assert saved.kind == "network" and saved.network.weights[0][1, 0] == 2.5
    assert saved.network.output_activation == "softmax"
    assert window.document.path == tmp_path / "small.json" and not window.document.is_modified
    assert window.document.source == "" and window.findChild(QLabel, "sourceLabel").isHidden()


@pytest.mark.parametrize("suffix", [".onnx", ".safetensors", ".npz"])
def test_export_model_round_trips(window, tmp_path, suffix):
    open_small_model(window, tmp_path)
    window.state.set_weight(1, 2, 3, -1.25)
    out = tmp_path / f"exported{suffix}"
    window.document._ask_save_path = lambda caption, filters, suggested: str(out)
    window.document.export_model_action.trigger()
    model = read_model(out)
    net = window.state.network
    for mine, theirs in zip(net.weights, model.weights):
        np.testing.assert_allclose(theirs, mine, rtol=1e-6)
    for mine, theirs in zip(net.biases, model.biases):
        np.testing.assert_allclose(theirs, mine, rtol=1e-6)
    assert model.activations in (None, ("tanh", "softmax"))
    assert not window.errors


def test_copy_as_pytorch_and_keras_put_code_on_the_clipboard(window, tmp_path):
    open_small_model(window, tmp_path)
    for action, word in ((window.document.copy_pytorch_action, "torch"), (window.document.copy_keras_action,
                                                                         "keras")):
        QGuiApplication.clipboard().clear()
        action.trigger()
        text = QGuiApplication.clipboard().text()
        assert word in text and text.count("\n") > 3
    titles = [a.text().replace("&", "") for a in window.file_menu.actions()]
    assert {"Export Model…", "Copy as PyTorch", "Copy as Keras", "Copy as Python"} <= set(titles)


def test_compare_with_a_fresh_initialisation_pins_the_trained_weights(window, qtbot, tmp_path):
    open_small_model(window, tmp_path)
    explorer = window.init_explorer
    explorer.show()
    window.state.set_init("he_normal")  # the scheme for B; choosing it redraws, so "train" afterwards
    window.state.set_weight(0, 0, 0, 9.0)
    trained = [w.copy() for w in window.state.network.weights]
    explorer.findChild(QPushButton, "compareFresh").click()
    explorer.refresh()
    net = window.state.network
    fresh = Network(net.layer_sizes, activation=net.activation, output_activation=net.output_activation,
                    init="he_normal", seed=net.seed, bias=net.bias)
    for drawn, expected, old in zip(net.weights, fresh.weights, trained):
        np.testing.assert_array_equal(drawn, expected)
        assert not np.array_equal(drawn, old)
    for layer, old in zip(explorer.pinned_stats.layers, trained):
        assert layer.w_std == pytest.approx(np.std(old))
    assert "trained" in explorer.compare_label.text()


def test_file_open_lists_model_formats_beside_nnviz_files(window, tmp_path):
    path = open_small_model(window, tmp_path)
    asked = []
    window.document._ask_open_path = lambda caption, filters: asked.append(filters) or str(path)
    assert window.document.open_action.trigger() is None and asked
    first = asked[0].split(";;")[0]
    for pattern in ("*.json", "*.onnx", "*.pt", "*.pth", "*.safetensors", "*.keras", "*.h5", "*.joblib", "*.npz"):
        assert pattern in first.split("(")[1].rstrip(")").split()


def test_a_model_opened_from_the_command_line_is_saved_as_json_too(window, tmp_path):
    path = open_small_model(window, tmp_path)
    window.document.new()
    window.document.adopt_path(path, source="numpy npz from nnviz, 2 layers")
    assert window.findChild(QLabel, "sourceLabel").text() == "From numpy npz from nnviz, 2 layers"
    asked = []
    window.document._ask_save_path = lambda caption, filters, suggested: asked.append(suggested)
    assert not window.document.save() and asked[0].endswith("small.json")


@needs_models
def test_nnviz_open_a_model_paints_the_window(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "nnviz", "--open", str(MODELS / "torch_mlp.onnx"),
                             "--quit-after-paint"], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert "painted" in result.stdout


def test_an_imported_model_draws_big_layers_as_weight_matrices(window, tmp_path):
    from nnviz.core import export_model
    from nnviz.gui.appearance import MATRIX_ABOVE

    path = tmp_path / "big.safetensors"
    export_model(Network([784, 32, 10], activation="relu", seed=1), path)
    assert window.appearance.matrix_above is None
    window.document.open_path(path)
    assert window.appearance.matrix_above == MATRIX_ABOVE
    assert window.state.network.layer_sizes == (784, 32, 10)
