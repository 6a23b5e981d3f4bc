"""ActivationPlot: each neuron sits at (z, f(z)) of the current trace; curves follow the activation."""

import numpy as np
import pytest

from nnviz.core import Network
from nnviz.core.activations import get_activation
from nnviz.gui.activation_plot import Z_RANGES, ActivationPlot, flat_threshold
from nnviz.gui.appearance import Appearance
from nnviz.gui.state import NetworkState


@pytest.fixture
def state():
    return NetworkState(Network([3, 5, 4, 2], seed=3), inputs=[0.5, -1.0, 2.0])


@pytest.fixture
def plot(qtbot, state):
    plot = ActivationPlot(state, Appearance())
    qtbot.addWidget(plot)
    plot.resize(600, 360)
    plot.show()
    return plot


def assert_markers_match_trace(plot, state, qtbot=None):
    if qtbot is not None:  # the markers follow a change on the next event-loop turns
        qtbot.waitUntil(plot.is_up_to_date)
    trace = state.trace
    for layer in range(1, len(state.network.layer_sizes)):
        x, y = plot.layer_scatter(layer).getData()
        assert np.array_equal(x, trace.pre[layer - 1])
        assert np.array_equal(y, trace.post[layer])


def assert_curve_is(curve, activation_name, derivative=False):
    x, y = curve.getData()
    activation = get_activation(activation_name)
    assert np.allclose(y, activation.derivative(x) if derivative else activation.value(x))


def test_markers_are_the_trace_of_every_layer(plot, state, qtbot):
    assert plot.objectName() == "activationPlot"
    assert_markers_match_trace(plot, state, qtbot)
    with qtbot.waitSignal(state.traceChanged):
        state.set_input(1, 0.25)
    qtbot.waitUntil(plot.is_up_to_date)
    assert_markers_match_trace(plot, state, qtbot)


def test_one_scatter_item_per_layer(plot, state, qtbot):
    with qtbot.waitSignal(state.traceChanged):
        state.set_layer_sizes([50, 300, 2])
    qtbot.waitUntil(plot.is_up_to_date)
    scatters = [item for p in plot.function_plots() for item in p.items if item in plot._scatters]
    assert len(scatters) == 2
    assert len(plot.layer_scatter(1).getData()[0]) == 300
    assert_markers_match_trace(plot, state, qtbot)
    with qtbot.waitSignal(state.traceChanged):
        state.set_layer_sizes([50, 20, 20, 20, 2])
    qtbot.waitUntil(plot.is_up_to_date)
    assert_markers_match_trace(plot, state, qtbot)


def test_curves_follow_the_activations(plot, state, qtbot):
    assert len(plot.function_plots()) == 1
    f_curve, df_curve = plot.curves(0)
    assert_curve_is(f_curve, "sigmoid")
    assert_curve_is(df_curve, "sigmoid", derivative=True)

    with qtbot.waitSignal(state.traceChanged):
        state.set_output_activation("tanh")
    qtbot.waitUntil(plot.is_up_to_date)
    assert len(plot.function_plots()) == 2
    assert_curve_is(plot.curves(0)[0], "sigmoid")
    assert_curve_is(plot.curves(1)[0], "tanh")
    assert_curve_is(plot.curves(1)[1], "tanh", derivative=True)
    output_scatter = plot.layer_scatter(3)
    assert output_scatter in plot.function_plots()[1].items
    assert output_scatter not in plot.function_plots()[0].items
    assert_markers_match_trace(plot, state, qtbot)

    with qtbot.waitSignal(state.traceChanged):
        state.set_activation("tanh")
    qtbot.waitUntil(plot.is_up_to_date)
    assert len(plot.function_plots()) == 1
    assert_curve_is(plot.curves(0)[0], "tanh")
    assert all(plot.layer_scatter(layer) in plot.function_plots()[0].items for layer in (1, 2, 3))
    assert "tanh" in plot.function_plots()[0].titleLabel.text


def test_z_axis_widens_to_hold_every_neuron_up_to_a_cap(plot, state, qtbot):
    assert plot.curves(0)[0].getData()[0].max() == Z_RANGES[0]
    with qtbot.waitSignal(state.traceChanged):
        state.set_network(Network([1, 3, 1], activation="linear", init="constant", seed=1), inputs=[15.0])
    qtbot.waitUntil(plot.is_up_to_date)
    z_max = np.abs(np.concatenate(state.trace.pre)).max()
    x = plot.curves(0)[0].getData()[0]
    assert x.min() <= -z_max and x.max() >= z_max and x.max() in Z_RANGES
    with qtbot.waitSignal(state.traceChanged):
        state.set_inputs([900.0])
    qtbot.waitUntil(plot.is_up_to_date)
    assert plot.curves(0)[0].getData()[0].max() == Z_RANGES[-1]
    assert "beyond the z axis" in plot._summary.text()
    assert_markers_match_trace(plot, state, qtbot)


def test_summary_counts_flat_neurons(plot, state, qtbot):
    with qtbot.waitSignal(state.traceChanged):
        state.set_activation("relu")
    qtbot.waitUntil(plot.is_up_to_date)
    hidden_z = np.concatenate(state.trace.pre[:-1])
    flat = np.count_nonzero(np.abs(get_activation("relu").derivative(hidden_z)) < flat_threshold("relu"))
    assert f"{flat} of {hidden_z.size} hidden" in plot._summary.text()


def test_dark_theme(qtbot, state):
    appearance = Appearance()
    plot = ActivationPlot(state, appearance)
    qtbot.addWidget(plot)
    appearance.set(theme="dark")
    assert plot._graphics.backgroundBrush().color().lightness() < 60
    assert_markers_match_trace(plot, state, qtbot)


def test_the_legend_goes_beside_the_plots_in_a_short_wide_panel(plot, qtbot):
    """A short wide dock: under the plots, the legend would squash them to a strip. (The plot alone: in the
    window, the dock's layout gives a resized plot its own size back on a later turn.)"""
    qtbot.waitExposed(plot)
    plot.resize(600, 220)
    plot._on_trace_changed()
    assert plot._arrangement[2]
    plot.resize(300, 400)
    plot._on_trace_changed()
    assert not plot._arrangement[2]
