"""The initialisation explorer's Jacobian plot and the Training panel's chance baseline."""

import numpy as np
import pytest

from nnviz.core import Network
from nnviz.core.training import History
from nnviz.gui.appearance import Appearance
from nnviz.gui.init_explorer.explorer import InitExplorer
from nnviz.gui.init_explorer.jacobian_view import JacobianView
from nnviz.gui.state import NetworkState
from nnviz.gui.training.loss_plot import LossPlot


def finite_difference_singular_values(network, x, step=1e-6):
    columns = []
    for i in range(len(x)):
        dx = np.zeros_like(x)
        dx[i] = step
        columns.append((network.forward(x + dx).output - network.forward(x - dx).output) / (2 * step))
    return np.linalg.svd(np.column_stack(columns), compute_uv=False)


def test_the_explorer_shows_the_jacobian_singular_values_and_follows_the_input(qtbot):
    network = Network([3, 5, 4, 2], activation="tanh", output_activation="sigmoid", seed=4)
    state = NetworkState(network, np.array([0.2, -0.1, 0.4]))
    explorer = InitExplorer(state, Appearance())
    qtbot.addWidget(explorer)
    explorer.show()
    view = explorer.findChild(JacobianView, "jacobianView")
    qtbot.waitUntil(lambda: view.values is not None)
    np.testing.assert_allclose(view.values, finite_difference_singular_values(network, state.inputs), rtol=1e-5)
    before = view.values.copy()
    state.set_inputs([2.0, 1.5, -3.0])
    qtbot.waitUntil(lambda: not np.allclose(view.values, before))
    np.testing.assert_allclose(view.values, finite_difference_singular_values(network, state.inputs), rtol=1e-5)
    assert np.all(np.diff(view.values) <= 0)  # sorted, largest first


def test_orthogonal_tanh_is_near_isometry_and_normal_relu_is_not(qtbot):
    spreads = {}
    for activation, init in (("tanh", "orthogonal"), ("relu", "normal")):
        network = Network([8] * 6, activation=activation, output_activation=activation, init=init, seed=2)
        view = JacobianView(NetworkState(network, np.full(8, 0.01)), Appearance())
        qtbot.addWidget(view)
        view.refresh()
        spreads[init] = view.values.max() / max(view.values.min(), 1e-300)
    assert spreads["orthogonal"] < 1.5 < spreads["normal"]


def test_the_loss_plot_compares_the_first_loss_with_chance(qtbot):
    plot = LossPlot(Appearance())
    qtbot.addWidget(plot)
    plot.set_chance(np.log(2.0))
    plot.set_history(History(epoch=[0], train_loss=[3.0]))
    assert plot.chance_line.isVisible() and plot.chance_line.value() == pytest.approx(np.log(2.0))
    assert "worse than chance" in plot.chance_label.text()
    plot.log_toggle.setChecked(True)
    assert plot.chance_line.value() == pytest.approx(np.log10(np.log(2.0)))
    plot.set_history(History(epoch=[0], train_loss=[0.5]))
    assert "worse" not in plot.chance_label.text() and "0.693" in plot.chance_label.text()
    plot.set_chance(None)
    assert not plot.chance_line.isVisible()


def test_the_loss_plot_draws_a_growing_history_again_only_when_it_grew(qtbot, monkeypatch):
    plot = LossPlot(Appearance())
    qtbot.addWidget(plot)
    history = History(epoch=[0], train_loss=[3.0])
    plot.set_history(history)
    drawn = []
    set_data = plot.train_curve.setData
    monkeypatch.setattr(plot.train_curve, "setData", lambda *args, **kw: (drawn.append(1), set_data(*args, **kw)))
    plot.set_history(history)  # published again within the epoch: nothing new to draw
    assert drawn == []
    history.epoch.append(1)
    history.train_loss.append(2.0)
    plot.set_history(history)
    assert drawn == [1] and list(plot.train_curve.getData()[1]) == [3.0, 2.0]
    plot.set_history(History(epoch=[0], train_loss=[5.0]))  # a restart: a new history of the same length
    assert list(plot.train_curve.getData()[1]) == [5.0]
