"""The initialisation explorer panel: live updates, presets, symmetry, compare, layer picker."""

import threading

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QSpinBox, QWidget

from nnviz.core import Network
from nnviz.core.presets import PRESETS
from nnviz.gui.appearance import Appearance
from nnviz.gui.colors import theme_colors
from nnviz.gui.init_explorer.explorer import MAX_LAYER_ROWS, InitExplorer
from nnviz.gui.state import NetworkState


@pytest.fixture
def state():
    return NetworkState(Network([2, 4, 2], seed=7))


@pytest.fixture
def panel(qtbot, state):
    widget = InitExplorer(state, Appearance())
    qtbot.addWidget(widget)
    widget.resize(480, 900)
    widget.show()
    qtbot.waitUntil(lambda: widget.stats is not None)
    return widget


def _settle(qtbot, state):
    """Let the state's coalesced signals and the panel's own deferred update run."""
    state.flush()
    qtbot.wait(1)  # one event-loop turn for zero-interval timers, not a timing assumption


def _choose_preset(panel, name):
    combo = panel.preset_combo
    combo.setCurrentIndex(combo.findText(name))


def test_widgets_are_named_and_default_to_1000_samples(panel):
    assert panel.objectName() == "initExplorer"
    spin = panel.findChild(QSpinBox, "sampleCount")
    assert (spin.value(), spin.minimum(), spin.maximum()) == (1000, 10, 100_000)
    for cls, name in ((QComboBox, "inputDistribution"), (QComboBox, "initPreset"), (QComboBox, "initLayer"),
                      (QLabel, "presetExplanation"), (QPushButton, "pinCompare"), (QPushButton, "clearCompare")):
        widget = panel.findChild(cls, name)
        assert widget is not None, name
        assert widget.toolTip() or cls is QLabel, name
    assert [a.text() for a in panel.actions()] == ["Pin as A", "Compare with a Fresh Initialisation",
                                                   "Clear comparison"]
    assert panel.stats.batch_size == 1000


def test_histograms_hold_every_sample(panel):
    row = panel.rows[0]
    layer = panel.stats.layers[0]
    for hist, size in ((row.w_hist, layer.weights.size), (row.z_hist, layer.z.size), (row.a_hist, layer.a.size)):
        edges, shares = hist.current.getData()
        assert shares.sum() == pytest.approx(1.0)  # shares of all values: counts / (batch × units)
        assert np.allclose(shares * size, np.round(shares * size))


def test_panel_follows_a_seed_change(qtbot, panel, state):
    before_w = panel.rows[0].w_hist.current.getData()[1].copy()
    before_std = panel.stats.layers[0].w_std
    rows_before = list(panel.rows)
    state.set_seed(state.network.seed + 1)
    qtbot.waitUntil(lambda: panel.stats.layers[0].w_std != before_std)
    assert not np.array_equal(panel.rows[0].w_hist.current.getData()[1], before_w)
    assert panel.rows == rows_before  # same layer count: the plot items are reused


def test_one_refresh_per_burst_of_changes(qtbot, panel, state, monkeypatch):
    calls = []
    original = panel._measuring._measure  # runs on the worker thread
    monkeypatch.setattr(panel._measuring, "_measure", lambda *args: (calls.append(1), original(*args))[1])
    state.set_init("he_normal")
    state.set_init_scale(2.0)
    state.set_activation("relu")
    state.set_seed(123)
    state.flush()
    qtbot.waitUntil(lambda: panel.stats.layers[0].activation == "relu")
    qtbot.wait(1)
    assert len(calls) == 1


def _held_measurements(panel, monkeypatch):
    """Make the panel's measurements wait on the worker thread until the returned event is set; returns the
    event and the list of threads they ran on."""
    release, threads = threading.Event(), []
    original = panel._measuring._measure

    def held(*args):
        threads.append(threading.current_thread())
        release.wait(10)
        return original(*args)

    monkeypatch.setattr(panel._measuring, "_measure", held)
    return release, threads


def test_statistics_are_measured_off_the_gui_thread_on_a_copy_of_the_weights(qtbot, panel, state, monkeypatch):
    release, threads = _held_measurements(panel, monkeypatch)
    state.set_seed(state.network.seed + 1)
    state.flush()
    qtbot.waitUntil(lambda: len(threads) == 1)
    measured = state.network.weights[0].copy()
    state.network.weights[0] += 1.0  # training goes on changing the weights in place meanwhile
    assert not panel.up_to_date
    release.set()
    qtbot.waitUntil(lambda: np.array_equal(panel.stats.layers[0].weights, measured))
    assert threads[0] is not threading.main_thread()


def test_changes_made_while_measuring_are_measured_next(qtbot, panel, state, monkeypatch):
    release, threads = _held_measurements(panel, monkeypatch)
    state.set_activation("tanh")
    state.flush()
    qtbot.waitUntil(lambda: len(threads) == 1)
    state.set_activation("relu")
    state.set_seed(5)
    state.flush()
    qtbot.wait(1)
    assert len(threads) == 1  # one measurement at a time
    release.set()
    qtbot.waitUntil(lambda: panel.up_to_date)
    assert len(threads) == 2
    assert panel.stats.layers[0].activation == "relu"
    assert panel.verdict is not None


def test_statistics_wait_for_the_picture(qtbot, panel, state, monkeypatch):
    # The network view paints a change first; the 1,000-sample statistics follow it.
    events = []

    class Picture(QWidget):
        def paintEvent(self, event):
            events.append("paint")

    picture = Picture()
    qtbot.addWidget(picture)
    picture.show()
    state.traceChanged.connect(picture.update)
    panel.paint_first = picture
    original = panel._start_measuring
    monkeypatch.setattr(panel, "_start_measuring", lambda: (events.append("stats"), original()))
    events.clear()
    state.set_activation("relu")
    state.flush()
    qtbot.waitUntil(lambda: panel.stats.layers[0].activation == "relu")
    assert events.index("paint") < events.index("stats")


def test_a_hidden_panel_waits_until_shown(qtbot, panel, state):
    panel.hide()
    stats = panel.stats
    state.set_activation("tanh")
    _settle(qtbot, state)
    assert panel.stats is stats
    panel.show()
    qtbot.waitUntil(lambda: panel.stats is not stats)
    assert panel.stats.layers[0].activation == "tanh"


def test_symmetric_units_are_signalled_even_while_hidden(qtbot, panel, state):
    panel.hide()
    with qtbot.waitSignal(panel.symmetricUnitsChanged) as blocker:
        state.set_init("zeros")
    assert blocker.args == [{1: [0, 1, 2, 3]}]


def test_huge_sample_counts_are_capped_and_said_so(qtbot, state):
    state.set_layer_sizes([784, 128, 64, 10])
    state.flush()
    panel = InitExplorer(state, Appearance())
    qtbot.addWidget(panel)
    panel.sample_count.setValue(100_000)
    panel.show()
    qtbot.waitUntil(lambda: panel.stats is not None)
    assert 1000 < panel.stats.batch_size < 100_000
    assert "Using" in panel.summary_label.text() and "100,000" in panel.summary_label.text()


def test_sample_count_and_distribution_change_the_batch(qtbot, panel, state):
    panel.sample_count.setValue(250)
    qtbot.waitUntil(lambda: panel.stats.batch_size == 250)
    panel.input_distribution.setCurrentIndex(panel.input_distribution.findData("current"))
    qtbot.waitUntil(lambda: abs(panel.stats.inputs.mean(axis=0)[0] - 3.0) < 0.05)
    state.set_input(0, -5.0)  # 'current input + noise' follows the input vector
    qtbot.waitUntil(lambda: abs(panel.stats.inputs.mean(axis=0)[0] + 5.0) < 0.05)


@pytest.mark.parametrize("name", list(PRESETS))
def test_each_preset_sets_what_it_says(qtbot, name):
    state = NetworkState(Network([3, 4, 5], seed=7))
    panel = InitExplorer(state, Appearance())
    qtbot.addWidget(panel)
    panel.show()
    _choose_preset(panel, name)
    _settle(qtbot, state)
    preset, net = PRESETS[name], state.network
    assert net.layer_sizes == (3, *[preset.hidden_width] * preset.hidden_layers, 5)
    assert (net.init, net.init_scale, net.activation, net.output_activation) == (
        preset.init, preset.init_scale, preset.activation, preset.output_activation)
    expected = Network(net.layer_sizes, init=preset.init, init_scale=preset.init_scale, seed=net.seed)
    for w, fresh in zip(net.weights, expected.weights):
        np.testing.assert_array_equal(w, fresh)  # all weights drawn anew for the preset's sizes
    assert panel.preset_explanation.text() == preset.explanation
    assert panel.preset_combo.currentText() == name
    qtbot.waitUntil(lambda: panel.stats is not None and len(panel.stats.layers) == preset.hidden_layers + 1)


def test_changing_a_setting_leaves_the_preset(qtbot, panel, state):
    _choose_preset(panel, "Xavier + tanh")
    _settle(qtbot, state)
    state.set_activation("relu")
    _settle(qtbot, state)
    assert panel.preset_combo.currentIndex() == 0
    assert "Pick a preset" in panel.preset_explanation.text()


def test_zero_init_names_and_signals_the_symmetric_units(qtbot, panel, state):
    with qtbot.waitSignal(panel.symmetricUnitsChanged) as blocker:
        _choose_preset(panel, "Zero init (symmetry)")
        _settle(qtbot, state)
    assert blocker.args == [{1: list(range(8)), 2: list(range(8))}]
    assert panel.symmetry_label.isVisible()
    assert "Layer 1: units 0–7 identical" in panel.symmetry_label.text()
    with qtbot.waitSignal(panel.symmetricUnitsChanged) as blocker:
        state.set_init("truncated_normal")
    assert blocker.args == [{}]
    assert not panel.symmetry_label.isVisible()


def test_compare_overlays_a_and_b(qtbot, panel, state):
    _choose_preset(panel, "Xavier + tanh")
    _settle(qtbot, state)
    panel.findChild(QPushButton, "pinCompare").click()
    qtbot.waitUntil(lambda: panel.pinned_stats is not None)
    state.set_init_scale(3.0)
    qtbot.waitUntil(lambda: panel.stats.layers[0].w_std > 2 * panel.pinned_stats.layers[0].w_std)
    np.testing.assert_array_equal(panel.stats.inputs, panel.pinned_stats.inputs)  # the same batch
    for current, pinned in zip(panel.depth.current, panel.depth.pinned):
        assert pinned.isVisible() and len(pinned.getData()[1]) == len(current.getData()[1]) > 0
        assert not np.allclose(pinned.getData()[1], current.getData()[1])
    assert panel.depth._legend_shown
    for hist in (panel.rows[0].w_hist, panel.rows[0].z_hist, panel.rows[0].a_hist):
        assert hist.pinned.isVisible() and hist.pinned.getData()[1].sum() == pytest.approx(1.0)
    assert "A: " in panel.compare_label.text()

    clear = panel.findChild(QPushButton, "clearCompare")
    assert clear.isEnabled()
    clear.click()
    qtbot.waitUntil(lambda: panel.pinned_stats is None and not panel.depth.pinned[0].isVisible())
    assert not panel.rows[0].w_hist.pinned.isVisible() and not clear.isEnabled()


def test_pinned_network_with_other_inputs_is_dropped_from_the_picture(qtbot, panel, state):
    panel.pin()
    qtbot.waitUntil(lambda: panel.pinned_stats is not None)
    state.set_layer_sizes([3, 4, 2])
    qtbot.waitUntil(lambda: panel.pinned_stats is None)
    assert "not shown" in panel.compare_label.text()


def test_deep_networks_get_a_layer_picker(qtbot, panel, state):
    state.set_hidden_layer_count(20)
    qtbot.waitUntil(lambda: len(panel.stats.layers) == 21)
    assert panel.layer_combo.isVisible() and panel.layer_combo.count() == 21
    assert len(panel.rows) == 1 and panel.shown_layers() == [1]
    panel.layer_combo.setCurrentIndex(20)
    qtbot.waitUntil(lambda: panel.shown_layers() == [21] and "Layer 21" in panel.rows[0].header.text)
    assert panel.depth.markers[0].value() == 21
    assert len(panel.depth.current[2].getData()[1]) == 21  # the depth view has every layer
    state.set_hidden_layer_count(2)
    qtbot.waitUntil(lambda: len(panel.rows) == 3)
    assert not panel.layer_combo.isVisible() and MAX_LAYER_ROWS >= 3


def test_dark_theme_and_presentation_scale_restyle_the_plots(qtbot, state):
    appearance = Appearance()
    panel = InitExplorer(state, appearance)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.stats is not None)
    appearance.set(theme="dark", scale=2.0)
    dark = theme_colors("dark").background
    qtbot.waitUntil(lambda: panel.depth_view.backgroundBrush().color().name() == dark)
    assert panel.layers_view.backgroundBrush().color().name() == dark
    assert panel.layers_view.minimumHeight() >= 2 * 2 * 150


def test_changing_the_layer_count_reuses_the_plots(qtbot, panel, state):
    def plot_items():
        return {item for item in panel.layers_view.scene().items() if isinstance(item, pg.PlotItem)}

    def cycle():
        for count in (1, 2, 3, 4, 5, 4, 3, 2, 1, 5):
            state.set_hidden_layer_count(count)
            qtbot.waitUntil(lambda count=count: len(panel.rows) == count + 1)

    cycle()
    made = plot_items()  # a set of the items themselves: they stay alive, so none is mistaken for a new one
    rows = list(panel.rows)
    cycle()
    assert plot_items() == made and panel.rows == rows
    state.set_hidden_layer_count(1)
    qtbot.waitUntil(lambda: len(panel.rows) == 2)
    assert plot_items() == made
    shown = {plot for plot in made if plot.isVisible()}
    assert shown == {plot for row in panel.rows for plot in row.plots}  # the spare rows are hidden
    assert "Layer 2" in panel.rows[1].header.text and "output" in panel.rows[1].header.text


def test_rows_hidden_during_a_restyle_come_back_in_the_new_style(qtbot, state):
    appearance = Appearance()
    panel = InitExplorer(state, appearance)
    qtbot.addWidget(panel)
    panel.resize(480, 900)
    panel.show()
    for count in (3, 1):
        state.set_hidden_layer_count(count)
        qtbot.waitUntil(lambda count=count: panel.stats is not None and len(panel.rows) == count + 1)
    appearance.set(scale=1.5)
    state.set_hidden_layer_count(3)
    qtbot.waitUntil(lambda: len(panel.rows) == 4)
    axes = [plot.getAxis("bottom") for row in panel.rows for plot in row.plots]
    assert {axis.style["tickFont"].pointSizeF() for axis in axes} == {7.5 * 1.5}
    heights = {round(axis.geometry().height()) for axis in axes}
    assert len(heights) == 1 and heights.pop() > 0  # every row has its tick labels, not a squashed axis


def test_plots_hold_their_axes_while_the_weights_drift_a_little(qtbot, panel, state):
    # Training moves the statistics a little every update: axes that followed them exactly would lay out
    # their labels again each time and jitter.
    def ranges():
        plots = [*panel.depth.plots, *(plot for row in panel.rows for plot in row.plots)]
        return [np.array(plot.vb.viewRange()) for plot in plots]

    before, stats = ranges(), panel.stats
    for weights in state.network.weights:
        weights *= 1.002
    state.notify_weights_changed()
    state.flush()
    qtbot.waitUntil(lambda: panel.stats is not stats and panel.up_to_date)
    assert panel.stats.layers[0].z_std != stats.layers[0].z_std
    for now, then in zip(ranges(), before):
        np.testing.assert_array_equal(now, then)
    for plot, series in zip(panel.depth.plots, panel.depth.current):
        (x_lo, x_hi), (y_lo, y_hi) = plot.vb.viewRange()
        x, y = series.getData()  # in the plot's units (log10 on a log axis)
        assert x_lo <= x.min() and x.max() <= x_hi and y_lo <= y.min() and y.max() <= y_hi


def test_a_failed_measurement_is_reported_and_the_changes_after_it_are_still_measured(qtbot, panel, state,
                                                                                       monkeypatch):
    original, release, calls = panel._measuring._measure, threading.Event(), []

    def failing_once(*args):
        calls.append(1)
        if len(calls) == 1:
            release.wait(10)
            raise RuntimeError("the measurement failed")
        return original(*args)

    monkeypatch.setattr(panel._measuring, "_measure", failing_once)
    with qtbot.capture_exceptions() as errors:
        state.set_activation("tanh")
        state.flush()
        qtbot.waitUntil(lambda: len(calls) == 1)
        state.set_activation("relu")  # while the failing one runs
        state.flush()
        release.set()
        qtbot.waitUntil(lambda: panel.up_to_date and panel.stats.layers[0].activation == "relu")
    assert [str(error) for _, error, _ in errors] == ["the measurement failed"]
    assert panel.verdict is not None


def test_a_new_a_pinned_while_measuring_never_shows_the_old_a(qtbot, panel, state, monkeypatch):
    panel.pin(caption="A: first")
    qtbot.waitUntil(lambda: panel.pinned_stats is not None and panel.up_to_date)
    first = panel.pinned_stats
    release, threads = _held_measurements(panel, monkeypatch)
    state.set_seed(state.network.seed + 1)
    state.flush()
    qtbot.waitUntil(lambda: len(threads) == 1)
    state.set_init_scale(3.0)
    panel.pin(caption="A: second")  # while the first A's measurement runs
    shown = []
    monkeypatch.setattr(panel, "_draw", lambda original=panel._draw: (shown.append(panel.pinned_stats), original()))
    release.set()
    qtbot.waitUntil(lambda: panel.up_to_date and panel.pinned_stats is not None)
    assert all(pinned is not first for pinned in shown) and panel.compare_label.text() == "A: second"
