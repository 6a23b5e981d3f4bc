"""The signal-propagation panel: the measured map, the theory over it, clicking sets the scale."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from nnviz.core import Network
from nnviz.core.propagation import order_to_chaos_boundary, propagation_map, propagation_theory, weight_scales
from nnviz.gui.appearance import Appearance
from nnviz.gui.propagation_view import MAP_SAMPLES, MIN_DEPTH, SCALES, PropagationMap
from nnviz.gui.state import NetworkState


@pytest.fixture
def view(qtbot):
    network = Network([2, 8, 8, 8, 1], activation="tanh", init="lecun_normal", seed=1)
    widget = PropagationMap(NetworkState(network), Appearance())
    qtbot.addWidget(widget)
    widget.resize(720, 360)
    widget.show()
    qtbot.waitUntil(lambda: widget.measured is not None, timeout=120_000)
    return widget


def test_the_map_is_the_measurement_with_the_theory_over_it(view):
    assert view.activation == "tanh"
    np.testing.assert_allclose(view.measured, propagation_map("tanh", SCALES, MIN_DEPTH, n_samples=MAP_SAMPLES))
    np.testing.assert_allclose(view.theory, propagation_theory("tanh", SCALES, MIN_DEPTH))
    assert view.boundary == pytest.approx(order_to_chaos_boundary("tanh"))
    assert view.boundary_line.isVisible() and view.boundary_line.value() == pytest.approx(view.boundary)
    x, y = view.marker.getData()
    assert x[0] == pytest.approx(np.median(weight_scales(view.state.network))) and y[0] == 3


def test_clicking_the_map_sets_the_initialisation_scale(view, qtbot):
    scene_pos = view.map_plot.vb.mapViewToScene(QPointF(2.0, 5.0))
    qtbot.mouseClick(view.view.viewport(), Qt.MouseButton.LeftButton, pos=view.view.mapFromScene(scene_pos))
    view.state.flush()
    assert view.current_scale() == pytest.approx(2.0, rel=0.02)
    unit = Network(view.state.network.layer_sizes, init="lecun_normal", seed=1)
    assert view.state.network.init_scale == pytest.approx(2.0 / np.median(weight_scales(unit)), rel=0.02)
    qtbot.waitUntil(lambda: view.marker.getData()[0][0] == pytest.approx(view.current_scale()))


def test_a_new_activation_measures_a_new_map(view, qtbot):
    view.state.set_activation("relu")
    qtbot.waitUntil(lambda: view.activation == "relu", timeout=120_000)
    assert view.boundary == pytest.approx(np.sqrt(2.0))
    np.testing.assert_allclose(view.theory, propagation_theory("relu", SCALES, MIN_DEPTH))


def test_an_activation_measured_before_shows_again_without_measuring(view, qtbot):
    """Maps are seeded, so a second panel on the same activation reuses the first one's measurement."""
    again = PropagationMap(NetworkState(view.state.network.copy()), Appearance())
    qtbot.addWidget(again)
    again.resize(720, 360)
    again.show()
    qtbot.waitUntil(lambda: again.measured is not None)
    assert again.measured is view.measured and not again.measured.flags.writeable
