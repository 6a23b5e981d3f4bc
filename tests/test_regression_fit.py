"""Regression data are drawn as a fit: the network's curve over the targets, contour lines on the surface."""

import numpy as np

from nnviz.core import Network
from nnviz.gui.appearance import Appearance
from nnviz.gui.state import NetworkState
from nnviz.gui.training.data import TrainingData
from nnviz.gui.training.decision_boundary import DecisionBoundary


def test_regression_shows_the_fit_curve_and_classification_does_not(qtbot):
    state = NetworkState(Network([2, 5, 1], activation="tanh", output_activation="linear", bias=True, seed=2))
    data = TrainingData()
    boundary = DecisionBoundary(state, data, Appearance())
    qtbot.addWidget(boundary)
    boundary.resize(400, 700)
    boundary.show()
    qtbot.waitExposed(boundary)
    data.set_dataset("sine")
    qtbot.waitUntil(lambda: boundary.fit_plot.isVisible() and boundary.fit_curve.getData()[0] is not None)
    x, y = boundary.fit_curve.getData()
    expected = np.tanh(np.column_stack([x, np.zeros_like(x)]) @ state.network.weights[0].T + state.network.biases[0])
    expected = expected @ state.network.weights[1].T + state.network.biases[1]  # by hand: tanh, then linear
    np.testing.assert_allclose(y, expected[:, 0], rtol=1e-12, atol=1e-12)
    assert all(contour.isVisible() for contour in boundary.contours)
    data.set_dataset("xor")
    qtbot.waitUntil(lambda: not boundary.fit_plot.isVisible())
    assert not any(contour.isVisible() for contour in boundary.contours)
