"""One verdict everywhere: the explorer, the status bar and the training panel show the same judgement,
and the depth view plots the size-free quantities it is based on."""

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from nnviz.core import Network
from nnviz.core.presets import PRESETS
from nnviz.core.stats import layer_statistics, sample_inputs
from nnviz.core.verdicts import diagnose
from nnviz.gui.appearance import Appearance
from nnviz.gui.init_explorer.batch import BATCH_SEED
from nnviz.gui.init_explorer.depth_view import DEPTH_PLOTS
from nnviz.gui.init_explorer.explorer import InitExplorer
from nnviz.gui.main_window import MainWindow
from nnviz.gui.preferences import Preferences
from nnviz.gui.state import NetworkState

PLOT_KEYS = [plot.key for row in DEPTH_PLOTS for plot in row]


@pytest.fixture
def window(qtbot, tmp_path):
    preferences = Preferences(QSettings(str(tmp_path / "preferences.ini"), QSettings.IniFormat))
    w = MainWindow(preferences=preferences)
    w.document._ask_save_changes = lambda: "discard"  # a modal prompt would block the test run
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.init_explorer.verdict is not None)
    return w


def _expected_verdict(network):
    """diagnose() on the explorer's own batch, computed here without the GUI."""
    batch = sample_inputs(network.layer_sizes[0], 1000, "normal", seed=BATCH_SEED)
    return diagnose(layer_statistics(network, batch, seed=BATCH_SEED + 1))


def _shown_verdicts(window):
    return window.verdict_label.text(), window.training.verdict_label.text(), window.init_explorer.summary_label.text()


@pytest.mark.parametrize("name", ["He + ReLU", "Deep sigmoid (vanishing)", "Too small", "Too large",
                                  "Xavier + tanh", "Zero init (symmetry)"])
def test_status_bar_training_panel_and_explorer_agree(qtbot, window, name):
    explorer = window.init_explorer
    explorer.apply_preset(name)
    window.state.flush()  # the state's signals now; the explorer's statistics follow the picture
    assert PRESETS[name].matches(window.state.network)
    qtbot.waitUntil(lambda: explorer.up_to_date)
    np.testing.assert_array_equal(explorer.stats.layers[0].weights, window.state.network.weights[0])
    verdict = explorer.verdict
    assert verdict == _expected_verdict(window.state.network)
    status, training, summary = _shown_verdicts(window)
    mark = "✓" if verdict.healthy else "⚠"
    assert status == f"Weights: {mark} {verdict.headline}"
    assert training == f"These weights: {mark} {verdict.headline}"
    assert summary.startswith(f"<b>{verdict.headline}.</b>")


def test_he_relu_is_healthy_in_the_status_bar_training_panel_and_explorer(qtbot, window):
    window.init_explorer.apply_preset("He + ReLU")
    window.state.flush()
    qtbot.waitUntil(lambda: window.init_explorer.up_to_date)
    assert window.init_explorer.stats.layers[0].activation == "relu"
    status, training, summary = _shown_verdicts(window)
    assert status == "Weights: ✓ Healthy start" and "Healthy start" in training and "Healthy start" in summary


def test_a_closed_explorer_still_gives_the_verdict_once_changes_stop(qtbot, window):
    window.init_dock.hide()  # the user closed the Initialisation panel
    assert not window.init_explorer.isVisible()
    window.state.set_activation("tanh")
    window.state.flush()
    assert window.verdict_label.text() == "Weights: …"  # out of date until the changes stop
    assert window.training.verdict_label.text() == "These weights: …"
    with qtbot.waitSignal(window.init_explorer.verdictChanged, check_params_cb=lambda v: v is not None):
        pass
    expected = _expected_verdict(window.state.network)
    assert window.init_explorer.verdict == expected
    assert window.training.verdict_label.text().endswith(expected.headline)
    assert window.training.verdict_label.toolTip().startswith(expected.text)


@pytest.fixture
def panel(qtbot):
    state = NetworkState(Network([784, 128, 64, 10], activation="sigmoid", init="truncated_normal", seed=3))
    widget = InitExplorer(state, Appearance())
    qtbot.addWidget(widget)
    widget.resize(420, 900)
    widget.show()
    qtbot.waitUntil(lambda: widget.stats is not None)
    return widget


def test_depth_view_plots_z_a_and_size_free_gradients(panel):
    stats = panel.stats
    assert PLOT_KEYS == ["z_std", "a_std", "mean_abs_derivative", "grad_rms", "grad_to_weight", "grad_norm"]
    for key, current in zip(PLOT_KEYS, panel.depth.current):
        x, y = current.getOriginalDataset()  # getData() is in log10 units on log axes
        expected = stats.series(key)
        if key == "a_std":
            expected = np.concatenate([[stats.input_std], expected])
        np.testing.assert_allclose(y, expected, rtol=1e-12)
    # RMS per weight by hand: the plotted gradient falls ~1000× from the output layer to layer 1.
    rms = [np.linalg.norm(w) / np.sqrt(w.size) for w in _batch_mean_gradients(panel)]
    # The explorer's products are float32 (STATS_DTYPE): equal to this float64 reference to 1e-6.
    np.testing.assert_allclose(panel.depth.current[3].getOriginalDataset()[1], rms, rtol=1e-6)
    assert rms[-1] / rms[0] > 500
    assert "Vanishing gradients" in panel.summary_label.text()


def _batch_mean_gradients(panel):
    stats = panel.stats
    d_w, _ = panel._state.network.gradients(stats.inputs, stats.targets)
    return [g / stats.batch_size for g in d_w]


def test_mean_of_a_is_drawn_for_activations_not_centred_on_zero(qtbot, panel):
    mean_line = panel.depth.extras[PLOT_KEYS.index("a_std")][0]
    x, y = mean_line.getOriginalDataset()
    np.testing.assert_array_equal(x, [1, 2, 3])  # sigmoid everywhere
    np.testing.assert_allclose(y, panel.stats.series("a_mean"))
    panel._state.set_activation("tanh")  # hidden layers centred; the sigmoid output is not
    panel._state.set_output_activation("sigmoid")
    qtbot.waitUntil(lambda: panel.stats.layers[0].activation == "tanh")
    x, y = mean_line.getOriginalDataset()
    np.testing.assert_array_equal(x, [3])
    assert y[0] == pytest.approx(panel.stats.layers[-1].a_mean)


def test_a_panel_that_is_never_shown_still_gives_its_verdict(qtbot):
    state = NetworkState(PRESETS["Deep sigmoid (vanishing)"].network(2, 2, seed=1))
    widget = InitExplorer(state, Appearance())
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.verdictChanged, check_params_cb=lambda v: v is not None):
        pass
    assert widget.verdict.kinds == ("vanishing",) and not widget.isVisible()
