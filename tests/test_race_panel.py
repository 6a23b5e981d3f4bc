"""The Initialisation race panel: runs in time slices to the end, Stop, results equal to the core race."""

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractSpinBox, QCheckBox, QPushButton

from nnviz.core import Network
from nnviz.core.baseline import chance_loss
from nnviz.core.race import race, race_verdict
from nnviz.gui.appearance import Appearance
from nnviz.gui.race.candidates import DEFAULT_CANDIDATES
from nnviz.gui.race.panel import BATCH_SIZE, RacePanel
from nnviz.gui.state import NetworkState
from nnviz.gui.training.data import TrainingData


@pytest.fixture
def panel(qtbot):
    network = Network([2, 4, 4, 1], activation="tanh", output_activation="sigmoid", seed=3, bias=True,
                      learning_rate=0.5)
    widget = RacePanel(NetworkState(network), TrainingData(), Appearance())
    qtbot.addWidget(widget)
    widget.resize(700, 900)
    widget.show()
    return widget


def click(qtbot, panel, name):
    qtbot.mouseClick(panel.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def test_the_race_runs_to_the_end_while_a_timer_keeps_firing(panel, qtbot):
    network_before = [w.copy() for w in panel.state.network.weights]
    panel.epochs.setValue(3)
    seen_running = []
    other = QTimer(interval=1, timeout=lambda: seen_running.append(panel.running))
    other.start()
    assert not panel.running and panel.results is None
    click(qtbot, panel, "raceStart")
    assert panel.running and panel.results is None
    qtbot.waitUntil(lambda: not panel.running, timeout=120_000)
    other.stop()
    assert True in seen_running  # the event loop kept turning while the race ran
    assert [e.epochs_done for e in panel.results] == [3, 3, 3, 3]
    # The same race run by the core in one go gives the same histories.
    data = panel.data
    expected = race(panel.state.network, list(DEFAULT_CANDIDATES), data.X_train, data.y_train, 3,
                    batch_size=BATCH_SIZE, X_test=data.X_test, y_test=data.y_test, classification=True)
    for got, want in zip(panel.results, expected):
        assert got.label == want.label
        np.testing.assert_allclose(got.history.train_loss, want.history.train_loss)
        np.testing.assert_allclose(got.grad_norm, want.grad_norm)
    baseline = chance_loss(panel.state.network, data.y_train, True)
    assert panel.verdict.text() == race_verdict(panel.results, baseline=baseline)
    for before, after in zip(network_before, panel.state.network.weights):
        np.testing.assert_array_equal(before, after)  # the network on screen is not trained
    assert panel.findChild(QPushButton, "raceStart").isEnabled()
    assert all("plane_image" in column for column in panel.plots.columns)  # 2-input data: planes at the end


def test_stop_ends_the_race_early_with_the_epochs_run_so_far(panel, qtbot):
    panel.epochs.setValue(10_000)
    click(qtbot, panel, "raceStart")
    qtbot.waitUntil(lambda: min(e.epochs_done for e in panel.race.entries) >= 1, timeout=120_000)
    click(qtbot, panel, "raceStop")
    assert not panel.running
    assert panel.results is not None and all(1 <= e.epochs_done < 10_000 for e in panel.results)
    done = [e.epochs_done for e in panel.results]
    qtbot.wait(50)  # events keep coming; the race does not go on
    assert [e.epochs_done for e in panel.results] == done
    assert not panel.findChild(QPushButton, "raceStop").isEnabled()


def test_unchecked_candidates_stay_out_and_two_always_remain(panel, qtbot):
    boxes = [panel.findChild(QCheckBox, f"raceUse{i}") for i in range(4)]
    boxes[0].setChecked(False)
    boxes[3].setChecked(False)
    assert not boxes[1].isEnabled() and not boxes[2].isEnabled()  # the last two cannot be unchecked
    panel.epochs.setValue(1)
    assert panel.start()
    qtbot.waitUntil(lambda: not panel.running, timeout=120_000)
    assert [e.label for e in panel.results] == ["Xavier/Glorot normal ×1", "He normal ×1"]
    assert len(panel.plots.columns) == 2


def test_a_network_that_does_not_fit_the_data_does_not_start(panel):
    panel.state.set_layer_sizes([3, 4, 1])
    assert not panel.start()
    assert not panel.running and panel.results is None
    assert "3" in panel.status.text() and "input" in panel.status.text()


def test_the_example_lecture_brings_the_race_and_the_propagation_map_to_the_front(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from nnviz.gui.main_window import MainWindow
    from nnviz.gui.preferences import Preferences

    window = MainWindow(preferences=Preferences(QSettings(str(tmp_path / "p.ini"), QSettings.IniFormat)))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.document.open_example_lecture()
    titles = [scene.title for scene in window.document.scenes]
    for title, panel in (("The initialisation race", window.race), ("Signal propagation: order and chaos",
                                                                     window.propagation)):
        window.document.show_scene(titles.index(title))
        qtbot.waitUntil(lambda panel=panel: not panel.visibleRegion().isEmpty())
        assert window.init_explorer.visibleRegion().isEmpty()  # its tab is behind now
    qtbot.waitUntil(lambda: window.propagation.measured is not None, timeout=120_000)
    assert window.propagation.activation == "tanh"
    window.document.maybe_save = lambda: True


@pytest.mark.parametrize(("name", "typed", "words"), [("raceEpochs", "99999", "10000 is the most epochs"),
                                                       ("raceScale0", "5000", "1000 is the largest scale")])
def test_a_value_typed_beyond_its_limit_is_refused_out_loud(panel, qtbot, name, typed, words):
    spin = panel.findChild(QAbstractSpinBox, name)
    before = spin.value()
    spin.setFocus()
    spin.selectAll()
    with qtbot.waitSignal(panel.state.message) as message:
        qtbot.keyClicks(spin, typed)
    assert message.args[0] == words
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert spin.value() == before
