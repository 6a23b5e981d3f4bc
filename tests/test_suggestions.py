"""A network that learns the chosen data in one click, and a fixed seed at launch."""

import numpy as np
import pytest
from PySide6.QtWidgets import QPushButton

from nnviz.core import Network
from nnviz.core.datasets import DATASETS, is_classification, make_dataset, train_test_split
from nnviz.core.defaults import DEFAULT_SEED
from nnviz.core.suggestions import suggested_network
from nnviz.core.training import fit
from nnviz.gui.appearance import Appearance
from nnviz.gui.state import NetworkState
from nnviz.gui.training.data import TrainingData
from nnviz.gui.training.panel import TrainingPanel
from nnviz.gui.training.runner import TrainingRunner


@pytest.mark.parametrize("name", DATASETS)
def test_every_toy_set_has_a_suggestion_that_fits_it(name):
    settings = suggested_network(name)
    assert settings["layer_sizes"][0] == 2 and settings["layer_sizes"][-1] == 1 and settings["bias"]
    assert settings["output_activation"] == ("sigmoid" if is_classification(name) else "linear")
    Network(settings["layer_sizes"], activation=settings["activation"], init=settings["init"])  # valid


def test_the_xor_suggestion_learns_xor_where_the_defaults_do_not():
    X, y = make_dataset("xor", 200, 0.0, seed=3)
    X_train, y_train, X_test, y_test = train_test_split(X, y, 0.5, seed=3)
    s = suggested_network("xor")
    net = Network(s["layer_sizes"], activation=s["activation"], output_activation=s["output_activation"],
                  init=s["init"], bias=True, seed=DEFAULT_SEED, learning_rate=s["learning_rate"])
    history = fit(net, X_train, y_train, s["epochs"], momentum=s["momentum"], seed=0, X_test=X_test, y_test=y_test,
                  classification=True)
    assert history.test_accuracy[-1] >= 0.95


def test_other_data_need_to_say_what_they_are_and_get_a_generic_network():
    with pytest.raises(ValueError):
        suggested_network("my.csv")
    settings = suggested_network("my.csv", n_inputs=64, n_outputs=10, classification=True)
    assert settings["layer_sizes"][0] == 64 and settings["layer_sizes"][-1] == 10
    assert settings["output_activation"] == "softmax"


def test_one_click_sets_the_suggested_network_and_training_options(qtbot):
    state = NetworkState()
    data = TrainingData()
    panel = TrainingPanel(state, data, TrainingRunner(state, data), Appearance())
    qtbot.addWidget(panel)
    panel.dataset.setCurrentIndex(panel.dataset.findData("spiral"))
    button = panel.findChild(QPushButton, "suggestNetwork")
    assert "32-32" in button.toolTip()
    button.click()
    network = state.network
    assert network.layer_sizes == (2, 32, 32, 1)
    assert (network.activation, network.bias, network.learning_rate) == ("relu", True, 0.03)
    assert panel.momentum.value() == pytest.approx(0.9) and panel.runner.trainer.momentum == pytest.approx(0.9)


def test_the_window_starts_from_the_documented_seed_and_re_roll_leaves_it():
    first, second = NetworkState(), NetworkState()
    assert first.network.seed == second.network.seed == DEFAULT_SEED
    for a, b in zip(first.network.weights, second.network.weights):
        np.testing.assert_array_equal(a, b)
    assert first.reroll() != DEFAULT_SEED or first.reroll() != DEFAULT_SEED
