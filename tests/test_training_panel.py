"""Tests for the Training panel, its data and the decision boundary view."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from settling import settle

from nnviz.core import Network, get_activation
from nnviz.core.grids import neuron_grids, predict_grid
from nnviz.gui.appearance import Appearance
from nnviz.gui.colors import node_image, unit_range
from nnviz.gui.state import NetworkState
from nnviz.gui.training import runner as training_runner
from nnviz.gui.training.data import CSV, TrainingData
from nnviz.gui.training.decision_boundary import RESOLUTION, DecisionBoundary
from nnviz.gui.training.panel import TrainingPanel
from nnviz.gui.training.runner import TrainingRunner


@pytest.fixture
def state():
    return NetworkState(Network([2, 4, 1], activation="tanh", seed=11, bias=True, learning_rate=0.1))


@pytest.fixture
def appearance():
    return Appearance()


@pytest.fixture
def panel(qtbot, state, appearance):
    data = TrainingData()
    widget = TrainingPanel(state, data, TrainingRunner(state, data), appearance)
    widget.speed.setCurrentIndex(widget.speed.count() - 1)  # as fast as possible
    assert widget.runner.speed is None
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.trainer is None or not widget.trainer.evaluation_pending)  # the starting loss
    yield widget
    widget.pause()  # a test that failed while playing must not train on in the tests after it


@pytest.fixture
def boundary(qtbot, state, panel, appearance):
    widget = DecisionBoundary(state, panel.data, appearance)
    qtbot.addWidget(widget)
    widget.resize(400, 460)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- the data


def test_training_data_defaults_and_changes(qtbot):
    data = TrainingData()
    assert data.name == "xor" and data.classification and data.n_classes == 2
    assert len(data.y_train) == len(data.y_test) == 100
    assert data.bounds == (-1.2, 1.2, -1.2, 1.2)
    with qtbot.waitSignal(data.changed) as blocker:
        data.set_train_share(0.8)
    assert blocker.args == [True] and len(data.y_train) == 160
    data.set_dataset("sine")
    assert not data.classification and data.n_classes == 0
    with pytest.raises(ValueError):
        data.add_point(0.0, 0.0, 1)
    with pytest.raises(ValueError):
        data.set_dataset(CSV)  # nothing loaded yet


def test_added_points_join_the_training_set_until_the_data_are_replaced(qtbot):
    data = TrainingData()
    with qtbot.waitSignal(data.changed) as blocker:
        data.add_point(0.3, -0.2, 1)
    assert blocker.args == [False]
    np.testing.assert_array_equal(data.X_train[-1], [0.3, -0.2])
    assert data.y_train[-1] == 1 and len(data.y_train) == 101
    data.set_noise(0.2)
    assert len(data.y_train) == 100


# ---------------------------------------------------------------- the panel


def test_panel_has_its_controls_and_actions(panel):
    for name in ("dataset", "noise", "trainShare", "batchSize", "learningRate", "l2", "momentum", "playPause",
                 "step", "reset", "epochLabel", "matchNetwork", "lossPlot", "logLoss"):
        assert panel.findChild(object, name) is not None, name
    assert panel.objectName() == "trainingPanel"
    assert panel.play_action.shortcut() == QKeySequence(Qt.Key_Space)
    menus = panel.menu_actions()
    assert panel.play_action in menus["Train"] and menus["File"] == [panel.load_csv_action]
    assert [panel.dataset.itemData(i) for i in range(panel.dataset.count())] == [
        "xor", "circle", "gauss", "spiral", "plane", "sine", None, "digits", "iris", "wine", "breast_cancer"]
    assert panel.epoch_label.text() == "Epoch 0"


def test_training_runs_in_slices_while_the_event_loop_keeps_turning(qtbot, panel, state, monkeypatch):
    monkeypatch.setattr(training_runner, "SLICE_SECONDS", 0.001)
    seen_epochs = []
    other = QTimer()
    other.setInterval(0)
    other.timeout.connect(lambda: seen_epochs.append(panel.epoch))
    other.start()
    start_loss = panel.trainer.history.train_loss[0]
    panel.play()
    assert panel.is_playing and panel.play_pause.text() == "Pause"
    qtbot.waitUntil(lambda: panel.epoch >= 40, timeout=20_000)
    panel.pause()
    other.stop()
    assert len(seen_epochs) > 10
    assert len(set(seen_epochs)) > 5  # the other timer saw training progress between its slices
    assert panel.trainer.history.train_loss[-1] < start_loss
    assert panel.epoch_label.text() == f"Epoch {panel.epoch}"
    settle(state, qtbot)  # the views follow the trained weights
    np.testing.assert_allclose(state.trace.output, state.network.forward(state.inputs).output)


def test_play_notifies_the_views_of_the_new_weights(qtbot, panel, state):
    before = state.network.weights[0].copy()
    with qtbot.waitSignal(state.weightsChanged, timeout=5000):
        panel.play()
        qtbot.waitUntil(lambda: panel.epoch >= 2)
        panel.pause()
    assert not np.array_equal(before, state.network.weights[0])


def test_step_advances_exactly_one_epoch(qtbot, panel):
    panel.step()
    qtbot.waitUntil(lambda: not panel.runner.is_busy)
    assert panel.epoch == 1 and not panel.is_playing
    panel.step_button.click()
    qtbot.waitUntil(lambda: not panel.runner.is_busy)
    assert panel.epoch == 2
    panel.trainer.step_batches(3)  # paused in the middle of an epoch: Step finishes that epoch
    panel.step()
    qtbot.waitUntil(lambda: not panel.runner.is_busy)
    assert panel.epoch == 3 and panel.trainer.epoch_progress == 0
    assert panel.trainer.history.epoch == [0, 1, 2, 3]


def test_reset_restores_the_initial_weights(qtbot, panel, state):
    initial = [w.copy() for w in state.network.weights]
    panel.play()
    qtbot.waitUntil(lambda: panel.epoch >= 3)
    assert not np.array_equal(initial[0], state.network.weights[0])
    panel.reset_button.click()
    assert not panel.is_playing and panel.epoch == 0 and panel.metrics.text() == "Loss: measuring…"
    qtbot.waitUntil(lambda: len(panel.trainer.history) == 1)  # the starting loss, measured over the next ticks
    assert panel.metrics.text().startswith("Loss: training")
    for w, w0 in zip(state.network.weights, initial):
        assert np.array_equal(w, w0)
    assert panel.epoch_label.text() == "Epoch 0"


def test_reset_while_playing_pauses(qtbot, panel):
    panel.play()
    qtbot.waitUntil(lambda: panel.epoch >= 1)
    panel.reset_action.trigger()
    assert not panel.is_playing and not panel.play_action.isChecked() and panel.epoch == 0
    assert panel.play_pause.text() == "Play"


def test_hyper_parameters_reach_the_trainer_and_the_state(qtbot, panel, state):
    panel.batch_size.setValue(25)
    panel.l2.setValue(0.01)
    panel.momentum.setValue(0.5)
    assert (panel.trainer.batch_size, panel.trainer.l2, panel.trainer.momentum) == (25, 0.01, 0.5)
    panel.learning_rate.setValue(0.3)
    assert state.network.learning_rate == 0.3
    state.set_learning_rate(0.02)
    settle(state, qtbot)
    assert panel.learning_rate.value() == 0.02
    assert panel.learning_rate.text() == "0.02"


def test_changing_the_data_restarts_the_curve_and_keeps_playing(qtbot, panel, state):
    panel.play()
    qtbot.waitUntil(lambda: panel.epoch >= 2)
    weights = state.network.weights[0].copy()
    panel.pause()
    panel.play()
    panel.dataset.setCurrentIndex(panel.dataset.findData("circle"))
    assert panel.data.name == "circle" and panel.is_playing and panel.trainer.epoch == 0
    panel.pause()  # finishes measuring the starting loss
    assert panel.trainer.history.epoch == [0]
    assert weights.shape == state.network.weights[0].shape


def test_changing_the_structure_while_playing_restarts_and_keeps_playing(qtbot, panel, state):
    panel.play()
    qtbot.waitUntil(lambda: panel.epoch >= 2)
    state.set_layer_size(1, 6)
    settle(state, qtbot)
    assert panel.is_playing and panel.trainer.network is state.network
    qtbot.waitUntil(lambda: panel.epoch >= 1)
    assert panel.trainer.history.epoch[0] == 0
    panel.pause()


def test_a_network_that_does_not_fit_pauses_and_can_be_matched(qtbot, panel, state):
    panel.play()
    state.set_layer_sizes([3, 4, 1])
    settle(state, qtbot)
    assert not panel.is_playing and panel.trainer is None
    assert panel.mismatch.isVisible() and panel.match_network.isVisible()
    assert "2 inputs" in panel.mismatch.text() and "3" in panel.mismatch.text()
    assert not panel.play_pause.isEnabled()
    panel.match_network.click()
    settle(state, qtbot)
    assert state.network.layer_sizes == (2, 4, 1)
    assert panel.trainer is not None and not panel.mismatch.isVisible()


def test_output_size_must_fit_the_task(qtbot, panel, state):
    panel.dataset.setCurrentIndex(panel.dataset.findData("plane"))
    state.set_layer_sizes([2, 4, 2])  # regression with two output units
    settle(state, qtbot)
    assert panel.trainer is None and "1 output unit" in panel.mismatch.text()
    panel.match_network_to_data()
    settle(state, qtbot)
    assert state.network.layer_sizes == (2, 4, 1)
    panel.dataset.setCurrentIndex(panel.dataset.findData("xor"))
    state.set_layer_sizes([2, 4, 2])  # two classes: one-hot with two units is fine
    settle(state, qtbot)
    assert panel.trainer is not None


def test_divergence_pauses_with_an_explanation(qtbot, state, panel):
    state.set_network(Network([2, 1], activation="linear", seed=1, learning_rate=10.0))
    panel.dataset.setCurrentIndex(panel.dataset.findData("plane"))
    settle(state, qtbot)
    messages = []
    state.message.connect(messages.append)
    panel.play()
    qtbot.waitUntil(lambda: not panel.is_playing, timeout=10_000)
    assert panel.problem.isVisible() and "learning rate" in panel.problem.text()
    assert messages and all(np.isfinite(w).all() for w in state.network.weights)


def test_hint_when_biases_are_off(qtbot, panel, state):
    assert not panel.hint.isVisible()
    state.set_bias(False)
    settle(state, qtbot)
    assert panel.hint.isVisible() and "Biases are off" in panel.hint.text()


def test_space_toggles_play(qtbot, panel):
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    QTest.keyClick(panel, Qt.Key_Space)
    assert panel.is_playing
    QTest.keyClick(panel, Qt.Key_Space)
    assert not panel.is_playing


def test_the_speed_limit_spreads_epochs_over_time(qtbot, panel, monkeypatch):
    clock = [64.0]  # binary fractions throughout, so that the credit sums are exact
    monkeypatch.setattr(training_runner.time, "perf_counter", lambda: clock[0])
    runner = panel.runner
    runner.speed = 12.8  # 12.8 epochs/s of 10 batches: 128 batches a second
    runner.play()
    runner._timer.stop()  # noqa: SLF001 - drive the ticks by hand with the fake clock
    for _ in range(5):
        clock[0] += 1 / 64  # 2 batches' worth
        runner._tick()  # noqa: SLF001
    assert runner.epoch == 1 and runner.trainer.epoch_progress == 0
    runner._tick()  # noqa: SLF001 - no time passed, no batch
    assert runner.trainer.epoch_progress == 0
    clock[0] += 10.0  # a long stall earns one display frame's worth (128/30 + 1 batches), not 128 epochs
    runner._tick()  # noqa: SLF001
    assert runner.epoch == 1 and runner.trainer.epoch_progress == pytest.approx(0.5)
    runner.pause()


def test_the_speed_control_sets_the_limit(panel):
    panel.speed.setCurrentIndex(panel.speed.findData(30))
    assert panel.runner.speed == 30


# ---------------------------------------------------------------- CSV files


def test_a_malformed_csv_shows_its_error_and_changes_nothing(tmp_path, panel, monkeypatch):
    errors = []
    monkeypatch.setattr(panel, "_show_error", lambda title, text: errors.append(text))
    before_X, before_y = panel.data.X_train.copy(), panel.data.y_train.copy()
    bad = write(tmp_path, "bad.csv", "x1,x2,label\n0.1,0.2,1\n0.3,oops,0\n")
    assert panel.load_csv(bad) is False
    assert errors and "line 3" in errors[0]
    assert panel.data.name == "xor" and panel.dataset.currentData() == "xor"
    np.testing.assert_array_equal(panel.data.X_train, before_X)
    np.testing.assert_array_equal(panel.data.y_train, before_y)
    assert panel.trainer is not None


def test_load_csv_action_loads_a_file_and_offers_to_match_the_network(qtbot, tmp_path, panel, state, monkeypatch):
    rows = "\n".join(f"{i % 3},{i % 5},{i % 7},{i % 2}" for i in range(20))
    good = write(tmp_path, "mine.csv", "a,b,c,label\n" + rows + "\n")
    monkeypatch.setattr(panel, "_ask_csv_path", lambda: str(good))
    panel.load_csv_action.trigger()  # reads on a worker thread
    assert not panel.load_csv_action.isEnabled() and "Reading mine.csv" in panel.data_info.text()
    qtbot.waitUntil(lambda: panel.data.name == CSV)
    assert panel.load_csv_action.isEnabled()
    assert panel.data.name == CSV and panel.data.n_inputs == 3 and panel.data.classification
    assert panel.dataset.currentData() == CSV and "mine.csv" in panel.dataset.currentText()
    assert not panel.noise.isEnabled()
    assert panel.trainer is None and "3 inputs" in panel.mismatch.text()
    panel.match_network.click()
    settle(state, qtbot)
    assert state.network.layer_sizes == (3, 4, 1) and panel.trainer is not None
    panel.dataset.setCurrentIndex(panel.dataset.findData("spiral"))  # the CSV stays on the list
    assert panel.dataset.findData(CSV) >= 0 and panel.data.n_inputs == 2


def test_a_bad_file_read_in_the_background_changes_nothing(qtbot, tmp_path, panel, monkeypatch):
    errors = []
    monkeypatch.setattr(panel, "_show_error", lambda title, text: errors.append(text))
    monkeypatch.setattr(panel, "_ask_csv_path", lambda: str(tmp_path / "missing.csv"))
    panel.load_csv_action.trigger()
    qtbot.waitUntil(lambda: bool(errors))
    assert "file not found" in errors[0] and panel.data.name == "xor"
    assert panel.load_csv_action.isEnabled() and "Reading" not in panel.data_info.text()


# ---------------------------------------------------------------- the decision boundary


def test_the_heatmap_equals_predict_grid(qtbot, boundary, state, panel):
    settle(state, qtbot)
    expected = predict_grid(state.network, panel.data.bounds, RESOLUTION)[0]
    np.testing.assert_array_equal(boundary.heatmap.image, expected)
    assert tuple(boundary.heatmap.levels) == (-1.0, 1.0)  # tanh output: class levels −1 … 1
    panel.step()
    qtbot.waitUntil(lambda: panel.epoch == 1)
    settle(state, qtbot)
    np.testing.assert_array_equal(boundary.heatmap.image,
                                  predict_grid(state.network, panel.data.bounds, RESOLUTION)[0])


def test_two_output_units_show_the_difference(qtbot, boundary, state, panel):
    state.set_layer_sizes([2, 4, 2])
    settle(state, qtbot)
    grid = predict_grid(state.network, panel.data.bounds, RESOLUTION)
    np.testing.assert_allclose(boundary.heatmap.image, grid[1] - grid[0])


def test_training_and_test_points_are_drawn(qtbot, boundary, state, panel):
    settle(state, qtbot)
    assert len(boundary.train_points.data) == len(panel.data.y_train)
    assert len(boundary.test_points.data) == len(panel.data.y_test)
    boundary.show_test_data.setChecked(False)
    settle(state, qtbot)
    assert not boundary.test_points.isVisible()


def test_discretise_shows_only_the_two_class_levels(qtbot, boundary, state):
    boundary.discretize.setChecked(True)
    settle(state, qtbot)
    assert set(np.unique(boundary.heatmap.image)) <= {-1.0, 1.0}


def test_without_test_data_there_is_no_test_curve_or_points(qtbot, boundary, state, panel):
    panel.train_share.setValue(100)
    settle(state, qtbot)
    assert len(panel.data.y_test) == 0 and panel.trainer.history.test_loss == []
    assert not panel.loss_plot.test_curve.isVisible() and not boundary.test_points.isVisible()
    qtbot.waitUntil(lambda: "Loss: training" in panel.metrics.text())  # the new starting loss, measured
    assert "test" not in panel.metrics.text()


def test_clicking_the_plane_adds_points(qtbot, boundary, state, panel):
    settle(state, qtbot)
    view = boundary.plot.getViewBox()
    n = len(panel.data.y_train)
    assert boundary.add_point_at(view.mapViewToScene(QPointF(0.5, -0.25)))
    assert boundary.add_point_at(view.mapViewToScene(QPointF(-0.5, 0.75)), class_b=True)
    np.testing.assert_allclose(panel.data.X_train[-2:], [[0.5, -0.25], [-0.5, 0.75]], atol=1e-9)
    np.testing.assert_array_equal(panel.data.y_train[-2:], [1, 0])
    assert not boundary.add_point_at(view.mapViewToScene(QPointF(5.0, 0.0)))  # off the plane
    assert len(panel.data.y_train) == n + 2 and len(panel.trainer.y) == n + 2
    # A real mouse click, with Shift for class B.
    widget_pos = boundary.plot.mapFromScene(view.mapViewToScene(QPointF(0.25, 0.25)))
    QTest.mouseClick(boundary.plot.viewport(), Qt.LeftButton, Qt.ShiftModifier, widget_pos)
    assert len(panel.data.y_train) == n + 3 and panel.data.y_train[-1] == 0
    np.testing.assert_allclose(panel.data.X_train[-1], [0.25, 0.25], atol=0.02)


def test_the_plane_needs_two_inputs(qtbot, boundary, state):
    state.set_layer_sizes([3, 4, 1])
    settle(state, qtbot)
    assert not boundary.available and boundary.stack.currentIndex() == 1
    assert "2-input" in boundary.unavailable.text()


def test_neuron_thumbnails(qtbot, boundary, state):
    with qtbot.waitSignal(boundary.nodeImagesChanged) as blocker:
        boundary.neuron_thumbnails.setChecked(True)
    images = blocker.args[0]
    assert set(images) == {(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (1, 3), (2, 0)}
    assert all(a.shape == (32, 32) and a.min() >= -1 and a.max() <= 1 for a in images.values())
    # The thumbnails are a 32 × 32 grid of the plane; tanh units are shown as they are.
    bounds = boundary.data.bounds
    np.testing.assert_allclose(images[(1, 2)], neuron_grids(state.network, bounds, 32)[1][2], atol=1e-12)
    settle(state, qtbot)
    np.testing.assert_array_equal(boundary.heatmap.image, predict_grid(state.network, bounds, RESOLUTION)[0])
    with qtbot.waitSignal(boundary.nodeImagesChanged) as blocker:
        state.set_weight(0, 0, 0, 2.0)
    assert not np.array_equal(blocker.args[0][(1, 0)], images[(1, 0)])
    with qtbot.waitSignal(boundary.nodeImagesChanged) as blocker:
        boundary.neuron_thumbnails.setChecked(False)
    assert blocker.args[0] == {}


def test_unit_range_and_node_image():
    np.testing.assert_allclose(unit_range(np.array([0.0, 0.5, 1.0]), get_activation("sigmoid")), [-1, 0, 1])
    np.testing.assert_allclose(unit_range(np.array([-4.0, 2.0]), get_activation("relu")), [-1, 0.5])
    np.testing.assert_array_equal(unit_range(np.zeros(3), get_activation("linear")), np.zeros(3))
    values = np.array([[-1.0, -1.0], [1.0, 1.0]])  # bottom row blue, top row red
    image = node_image(values)
    assert image.width() == image.height() == 2
    top, bottom = image.pixelColor(0, 0), image.pixelColor(0, 1)
    assert top.red() > top.blue() and bottom.blue() > bottom.red()


def test_playing_waits_for_the_view_to_paint_each_publication(qtbot):
    """Frame pacing: after the weights are published no batch runs until the view has painted them."""
    from PySide6.QtWidgets import QWidget

    class View(QWidget):
        paints = 0

        def paintEvent(self, event):
            View.paints += 1

    state = NetworkState(Network([2, 4, 1], seed=1))
    runner = TrainingRunner(state, TrainingData())
    view = View()
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: View.paints > 0)
    runner.paint_first = view
    published = []
    runner.progressed.connect(lambda: published.append(runner.trainer.epoch))
    runner.play()
    qtbot.waitUntil(lambda: len(published) == 1)
    for _ in range(5):
        QTest.qWait(1)  # turns of the event loop, no paint: no batch runs
    assert runner.is_playing and not runner._timer.isActive() and len(published) == 1  # noqa: SLF001
    for count in (2, 3):
        view.update()  # each paint lets the next publication through
        qtbot.waitUntil(lambda count=count: len(published) == count)
    runner.pause()
    unseen = TrainingRunner(NetworkState(Network([2, 4, 1], seed=1)), TrainingData())
    unseen.paint_first = QWidget()  # never shown: nothing to wait for
    unseen.play()
    qtbot.waitSignal(unseen.progressed).wait()
    qtbot.waitSignal(unseen.progressed).wait()
    unseen.pause()
