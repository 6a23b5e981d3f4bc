"""Tests for measuring an epoch's loss a chunk at a time (Trainer(defer_evaluation=True)) and for the
training runner spreading that measurement over its ticks."""

import numpy as np
import pytest
from settling import settle

from nnviz.core import Network
from nnviz.core import evaluation as evaluation_module
from nnviz.core.datasets import make_dataset, train_test_split
from nnviz.core.training import Trainer, TrainingDiverged
from nnviz.gui.state import NetworkState
from nnviz.gui.training import runner as training_runner
from nnviz.gui.training.data import TrainingData
from nnviz.gui.training.runner import TrainingRunner


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    """Chunks of the fewest rows (32), so that these small networks take several chunks an epoch."""
    monkeypatch.setattr(evaluation_module, "EVAL_CHUNK_WORK", 1)


def _problem(classification: bool):
    X, y = make_dataset("spiral" if classification else "sine", n_samples=150, noise=0.1, seed=3)
    return train_test_split(X, y, test_ratio=0.3, seed=4)


def _trainers(classification: bool, with_test: bool):
    X, y, X_test, y_test = _problem(classification)
    test = {"X_test": X_test, "y_test": y_test} if with_test else {}
    made = []
    for defer in (False, True):
        net = Network([X.shape[1], 6, 5, 1], activation="tanh", seed=7, learning_rate=0.05)
        made.append(Trainer(net, X, y, batch_size=8, momentum=0.5, l2=1e-3, classification=classification,
                            defer_evaluation=defer, **test))
    return made


def _assert_same_history(deferred, synchronous):
    """The same entries; losses up to float rounding (chunks that split differently sum in another order)."""
    assert deferred.history.epoch == synchronous.history.epoch
    for name in ("train_loss", "test_loss"):
        np.testing.assert_allclose(getattr(deferred.history, name), getattr(synchronous.history, name),
                                   rtol=1e-12)
    for name in ("train_accuracy", "test_accuracy"):
        assert getattr(deferred.history, name) == getattr(synchronous.history, name)


@pytest.mark.parametrize(("classification", "with_test"), [(True, True), (False, True), (True, False)])
@pytest.mark.parametrize("budget", [None, 7])
def test_a_deferred_history_equals_the_synchronous_one(classification, with_test, budget):
    synchronous, deferred = _trainers(classification, with_test)
    budget = deferred.evaluation_chunk_rows if budget is None else budget
    for _ in range(5):
        synchronous.step_epoch()
    measured_while_training = 0
    while deferred.epoch < 5 or deferred.evaluation_pending:
        if deferred.evaluation_pending:
            deferred.evaluate_pending(budget)  # a chunk, then more batches on the moving weights
            measured_while_training += 1
        if deferred.epoch < 5:
            deferred.step_batches(1)
    assert measured_while_training > 5
    _assert_same_history(deferred, synchronous)
    for mine, theirs in zip(deferred.network.weights, synchronous.network.weights):
        np.testing.assert_array_equal(mine, theirs)  # measuring does not touch training


def test_the_entry_waits_for_its_measurement_and_a_new_epoch_end_finishes_it():
    synchronous, deferred = _trainers(True, True)
    batches = deferred.batches_per_epoch
    deferred.step_batches(batches)
    assert deferred.epoch == 1 and deferred.evaluation_pending and deferred.history.epoch == [0]
    assert not deferred.evaluate_pending(deferred.evaluation_chunk_rows)  # one chunk is not the whole set
    deferred.step_batches(batches)  # epoch 2 ends: epoch 1 is measured first
    assert deferred.history.epoch == [0, 1] and deferred.evaluation_pending
    assert deferred.evaluate_pending()
    synchronous.step_epoch()
    synchronous.step_epoch()
    _assert_same_history(deferred, synchronous)


def test_step_epoch_records_its_epoch_and_restart_measures_the_starting_weights_instead():
    synchronous, deferred = _trainers(True, True)
    deferred.step_epoch()
    assert deferred.history.epoch == [0, 1] and not deferred.evaluation_pending
    deferred.step_batches(deferred.batches_per_epoch)
    assert deferred.evaluation_pending
    deferred.restart()
    assert deferred.history.epoch == [] and deferred.evaluation_pending  # the starting loss, not epoch 2's
    assert deferred.evaluate_pending()
    synchronous.step_epoch()
    synchronous.step_epoch()
    synchronous.restart()
    _assert_same_history(deferred, synchronous)


def test_a_new_trainer_measures_its_starting_loss_later_on_a_copy_of_the_weights():
    synchronous, deferred = _trainers(False, True)
    assert deferred.history.epoch == [] and deferred.evaluation_pending
    assert not deferred.evaluate_pending(deferred.evaluation_chunk_rows)  # a chunk at a time
    deferred.step_batches(3)  # training goes on meanwhile; epoch 0 is the weights it started from
    deferred.evaluate_pending()
    assert deferred.history.epoch == [0]
    _assert_same_history(deferred, synchronous)


def test_a_starting_loss_that_is_not_finite_is_recorded_not_raised():
    net = Network([1, 1], activation="linear", bias=False, seed=1, learning_rate=1e-300)
    net.weights[0][...] = 1e160  # squares to an infinite loss
    deferred = Trainer(net, [[1.0]], [0.0], batch_size=1, classification=False, defer_evaluation=True)
    assert deferred.evaluate_pending()
    assert deferred.history.epoch == [0] and np.isinf(deferred.history.train_loss[0])


def test_the_snapshot_is_what_is_measured_and_its_arrays_are_reused():
    synchronous, deferred = _trainers(False, True)
    deferred.step_batches(deferred.batches_per_epoch)
    snapshot = deferred._snapshot  # noqa: SLF001
    arrays = [id(a) for a in snapshot.weights + snapshot.biases]
    for w in deferred.network.weights:
        w[...] = 0.0  # an edit after the epoch's end does not reach its measurement
    deferred.evaluate_pending()
    synchronous.step_epoch()
    _assert_same_history(deferred, synchronous)
    deferred.step_batches(deferred.batches_per_epoch)
    assert deferred._snapshot is snapshot  # noqa: SLF001
    assert [id(a) for a in snapshot.weights + snapshot.biases] == arrays
    np.testing.assert_array_equal(snapshot.weights[0], deferred.network.weights[0])


def test_a_loss_that_is_not_finite_is_reported_when_its_measurement_completes():
    # Weights of 1e160 keep every step finite but square to an infinite loss.
    def make(defer):
        net = Network([1, 1], activation="linear", bias=False, seed=1, learning_rate=1e-300)
        net.weights[0][...] = 1e160
        return Trainer(net, [[1.0]], [0.0], batch_size=1, classification=False, defer_evaluation=defer)

    with pytest.raises(TrainingDiverged):
        make(False).step_batches(1)
    deferred = make(True)
    assert deferred.step_batches(1) == 1 and deferred.evaluation_pending
    with pytest.raises(TrainingDiverged):
        deferred.evaluate_pending()
    assert deferred.history.epoch == [0, 1] and np.isinf(deferred.history.train_loss[-1])


# ---------------------------------------------------------------- the runner


@pytest.fixture
def runner(qtbot):
    state = NetworkState(Network([2, 4, 1], activation="tanh", seed=11, bias=True, learning_rate=0.1))
    runner = TrainingRunner(state, TrainingData())
    runner.speed = None
    yield runner
    runner.pause()


def test_the_runner_measures_in_chunks_between_ticks(qtbot, runner, monkeypatch):
    monkeypatch.setattr(training_runner, "SLICE_SECONDS", 0.0)  # each tick: one batch or one chunk
    measured = []  # rows measured by each call
    advance = evaluation_module.Evaluation.advance

    def recording_advance(self, max_rows=None):
        rows = advance(self, max_rows)
        measured.append(rows)
        return rows

    monkeypatch.setattr(evaluation_module.Evaluation, "advance", recording_advance)
    ticks, train_slice = [], runner._train_slice  # noqa: SLF001

    def recording_slice():
        before = len(measured)
        train_slice()
        ticks.append(sum(measured[before:]))

    monkeypatch.setattr(runner, "_train_slice", recording_slice)
    runner.play()
    qtbot.waitUntil(lambda: len(runner.trainer.history) >= 4, timeout=20_000)
    runner.pause()
    chunk = runner.trainer.evaluation_chunk_rows
    assert chunk < len(runner.data.X_train)  # so an epoch's measurement takes several ticks
    assert max(ticks) == chunk and sum(1 for rows in ticks if rows) >= 3 * 2
    assert runner.trainer.history.epoch == list(range(runner.epoch + 1))


def test_pause_completes_a_pending_measurement(qtbot, runner):
    trainer = runner.trainer
    trainer.step_batches(trainer.batches_per_epoch)
    assert trainer.evaluation_pending
    with qtbot.waitSignal(runner.progressed):
        runner.pause()
    assert not trainer.evaluation_pending and trainer.history.epoch == [0, 1]


def test_a_structure_change_drops_a_pending_measurement(qtbot, runner):
    runner.trainer.step_batches(runner.trainer.batches_per_epoch)
    assert runner.trainer.evaluation_pending
    runner.state.set_layer_size(1, 6)
    settle(runner.state, qtbot)
    assert runner.trainer.network is runner.state.network and runner.trainer.epoch == 0
    qtbot.waitUntil(lambda: runner.trainer.history.epoch == [0])  # the new starting loss, not the old epoch 1
    assert not runner.trainer.evaluation_pending
    runner.step()
    qtbot.waitUntil(lambda: not runner.is_busy)
    assert runner.epoch == 1 and runner.trainer.history.epoch == [0, 1]


def test_a_new_trainer_measures_its_starting_loss_over_ticks_while_paused(qtbot, runner, monkeypatch):
    monkeypatch.setattr(training_runner, "SLICE_SECONDS", 0.0)  # each tick: one chunk
    ticks, train_slice = [], runner._train_slice  # noqa: SLF001
    monkeypatch.setattr(runner, "_train_slice", lambda: (ticks.append(1), train_slice()))
    weights = [w.copy() for w in runner.state.network.weights]
    runner.rebuild()
    assert runner.trainer.history.epoch == [] and runner.trainer.evaluation_pending
    assert not runner.is_busy and not runner.is_playing
    with qtbot.waitSignal(runner.progressed):
        qtbot.waitUntil(lambda: not runner.trainer.evaluation_pending)
    assert runner.trainer.history.epoch == [0] and runner.epoch == 0 and len(ticks) > 1
    for now, before in zip(runner.state.network.weights, weights):
        np.testing.assert_array_equal(now, before)  # measured, not trained


def test_pausing_a_paused_runner_leaves_the_starting_loss_to_the_ticks(qtbot, runner, monkeypatch):
    measured_at_once = []
    monkeypatch.setattr(runner.trainer.__class__, "evaluate_pending",
                        lambda self, max_rows=None, original=Trainer.evaluate_pending: (
                            measured_at_once.append(max_rows is None), original(self, max_rows))[1])
    runner.rebuild()
    runner.pause()  # Reset, a suggested network, closing the window: all pause first
    assert runner.trainer.evaluation_pending and runner.trainer.history.epoch == []
    qtbot.waitUntil(lambda: runner.trainer.history.epoch == [0])
    assert measured_at_once and not any(measured_at_once)  # chunks over ticks, never the whole set at once
