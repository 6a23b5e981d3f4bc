"""Runs training on the GUI thread in time slices, so that the window never freezes.

A timer runs mini-batches for at most ``SLICE_SECONDS`` per tick (at least one; no batch is started that
would end past it), then returns to the event loop. The loss and accuracy at an epoch's end, and those of
the starting weights when a trainer is made (paused too), are measured on a copy of the weights in chunks
of rows over the next ticks (before any more batches), so that no tick measures the whole data set;
pausing finishes the measurement at once, and a step ends only once its epoch is in the history.
The weights change in place; the views are told (``state.notify_weights_changed``) at most
``DISPLAY_HZ`` times a second, and the next batches wait until ``paint_first`` (the network view) has
painted them: otherwise a batch would run between each step of bringing the picture up to date, and
the picture would follow every other publication. An optional speed limit (epochs per second) keeps training slow
enough to watch.

What restarts what:

- ``reset`` re-initialises the weights from the current seed, pauses, and starts again at epoch 0.
- New data (data set, noise, training share, data seed) restart the epoch counter, the loss curves
  and the momentum but keep the weights, and training keeps playing: the same network meets new data.
- A change of structure, any layer's activation, loss, initialiser, seed or bias does the same (the weights are
  whatever that change left). A network that no longer fits the data (input or output size) pauses
  training; ``fit_problem`` says why.
- Points added to the data join the running training set without restarting anything.
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from nnviz.core.training import Trainer, TrainingDiverged

from ..deferred import DeferredRefresh

SLICE_SECONDS = 0.015
DISPLAY_HZ = 30
FRAME_SLACK = 0.75
"""A tick publishes once this share of a display frame has passed since the last publication: a tick plus
the view's repaint take about one frame, and waiting for the whole frame would skip every other one."""


class TrainingRunner(QObject):
    """Trains ``state.network`` on a :class:`~nnviz.gui.training.data.TrainingData` in time slices.

    Signals:

    - ``playingChanged(bool)``: training started or paused.
    - ``progressed()``: the epoch counter or the history moved on (at most at display rate).
    - ``trainerChanged()``: the history restarted, or the network started or stopped fitting the data.
    - ``stopped(str)``: training stopped by itself; the text says why and what to do.
    """

    playingChanged = Signal(bool)
    progressed = Signal()
    trainerChanged = Signal()
    stopped = Signal(str)

    def __init__(self, state, data, parent=None):
        super().__init__(parent)
        self.state = state
        self.data = data
        self._options = {"batch_size": 10, "l2": 0.0, "momentum": 0.0}
        self._speed: float | None = None
        self._trainer: Trainer | None = None
        self._model_key = None
        self._playing = False
        self._stop_at_epoch: int | None = None
        self._credit = 0.0  # batches the speed limit allows now
        self._last_tick = 0.0
        self._last_publish = 0.0
        self._weights_dirty = False
        self._history_dirty = False  # a measurement completed since the last publication
        self.fit_problem: str | None = None
        """Why the network cannot train on the data (None when it can)."""
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self.paint_first: QWidget | None = None
        """The widget that paints a publication before more batches run (the network view's viewport)."""
        self._after_paint = DeferredRefresh(self, lambda _parts: self._resume())
        state.structureChanged.connect(self._on_model_changed)
        state.settingsChanged.connect(self._on_model_changed)
        data.changed.connect(self._on_data_changed)
        self.rebuild()

    # -- reading ------------------------------------------------------------------------------------
    @property
    def trainer(self) -> Trainer | None:
        """The optimiser, or None while the network does not fit the data."""
        return self._trainer

    @property
    def epoch(self) -> int:
        return self._trainer.epoch if self._trainer is not None else 0

    @property
    def is_playing(self) -> bool:
        return self._playing

    @property
    def is_busy(self) -> bool:
        """True while playing or finishing a step."""
        return self._timer.isActive() and (self._playing or self._stop_at_epoch is not None)

    # -- options ------------------------------------------------------------------------------------
    def set_option(self, name: str, value) -> None:
        """Set ``batch_size``, ``l2`` or ``momentum``; takes effect from the next batch."""
        if name not in self._options:
            raise ValueError(f"unknown training option {name!r}")
        if self._trainer is not None:
            setattr(self._trainer, name, value)  # validates
        self._options[name] = value

    @property
    def speed(self) -> float | None:
        """The speed limit in epochs per second; None trains as fast as the machine allows."""
        return self._speed

    @speed.setter
    def speed(self, epochs_per_second: float | None) -> None:
        if epochs_per_second is not None and not (math.isfinite(epochs_per_second) and epochs_per_second > 0):
            raise ValueError(f"speed must be a positive number of epochs per second, got {epochs_per_second!r}")
        self._speed = epochs_per_second
        self._credit = 0.0
        self._last_tick = time.perf_counter()
        if self._stop_at_epoch is None:
            self._timer.setInterval(self._play_interval())

    # -- commands -----------------------------------------------------------------------------------
    def set_playing(self, on: bool) -> None:
        on = bool(on) and self._trainer is not None
        running = self._playing or self._stop_at_epoch is not None
        self._stop_at_epoch = None
        if on:
            self._credit = 0.0
            self._last_tick = time.perf_counter()
            self._timer.setInterval(self._play_interval())
            self._timer.start()
        elif running:  # paused already, only the starting loss may be pending: its ticks go on
            self._timer.stop()
            self._finish_evaluation()
            self._publish(force=True)
        if on != self._playing:
            self._playing = on
            self.playingChanged.emit(on)

    def play(self) -> None:
        self.set_playing(True)

    def pause(self) -> None:
        self.set_playing(False)

    def step(self) -> None:
        """Pause, then train to the end of the current epoch at full speed: the counter goes up by one."""
        if self._trainer is None:
            return
        target = (self._stop_at_epoch or self._trainer.epoch) + 1
        self.pause()
        self._stop_at_epoch = target
        self._timer.setInterval(0)
        self._timer.start()

    def reset(self) -> None:
        """Pause, re-initialise the weights from the current seed and start again at epoch 0."""
        self.pause()
        self.state.reinitialize()
        self.rebuild()

    def rebuild(self) -> None:
        """A new trainer for the current network and data (epoch 0), or none if they do not fit."""
        self._model_key = self._current_model_key()
        self._stop_at_epoch = None
        self.fit_problem = self.data.fit_problem(self.state.network.layer_sizes)
        if self.fit_problem:
            self._trainer = None
            self.pause()
        else:
            data = self.data
            self._trainer = Trainer(self.state.network, data.X_train, data.y_train, X_test=data.X_test,
                                    y_test=data.y_test, classification=data.classification, defer_evaluation=True,
                                    **self._options)
            if not self._playing:  # paused: the starting loss is measured over the ticks after the picture
                self._timer.stop()
                self._timer.setInterval(0)
                self._after_paint.stale.add("measure")
                self._after_paint.mark_after_paint(self.paint_first)
        self.trainerChanged.emit()
        self.progressed.emit()

    # -- the loop -----------------------------------------------------------------------------------
    def _play_interval(self) -> int:
        # Unlimited: yield to the event loop and come straight back. Limited: a few ms between ticks
        # spreads the batches evenly without spinning.
        return 0 if self._speed is None else 4

    def _tick(self) -> None:
        try:
            self._train_slice()
        except Exception:
            # Not one more tick under the error report; the hook shows it once back in the event loop.
            self.pause()
            raise

    def _train_slice(self) -> None:
        if self._current_model_key() != self._model_key:
            # The network changed in this turn and its signals are still pending: follow it now,
            # before a batch meets weights of the new shape with the old trainer.
            self.rebuild()
        trainer = self._trainer
        if trainer is None:
            self.pause()
            return
        now = time.perf_counter()
        deadline = now + SLICE_SECONDS
        stepping = self._stop_at_epoch is not None
        paused = not (self._playing or stepping)  # only measuring (the starting loss)
        allowance = 0 if paused else math.inf
        if not (stepping or paused) and self._speed is not None:
            per_second = self._speed * trainer.batches_per_epoch
            # Credit for at most one display frame, so that a stall is not followed by a burst.
            self._credit = min(self._credit + (now - self._last_tick) * per_second, per_second / DISPLAY_HZ + 1)
            self._last_tick = now
            allowance = int(self._credit)
        ran = 0
        # The slowest batch and measured chunk so far: one more that would end past the deadline waits.
        longest = {True: 0.0, False: 0.0}
        try:
            while True:
                measuring = trainer.evaluation_pending
                if not measuring and ran >= allowance:
                    break
                started = time.perf_counter()
                if measuring:
                    self._history_dirty |= trainer.evaluate_pending(trainer.evaluation_chunk_rows)
                else:
                    trainer.step_batches(1)
                    ran += 1
                if stepping and trainer.epoch >= self._stop_at_epoch and not trainer.evaluation_pending:
                    self._stop_at_epoch = None
                    self._timer.stop()
                    break
                finished = time.perf_counter()
                longest[measuring] = max(longest[measuring], finished - started)
                if finished + longest[trainer.evaluation_pending] >= deadline:
                    break
        except TrainingDiverged:
            self._halt("Training stopped: the weights grew without bound. Lower the learning rate and press Reset.")
        except ValueError as error:  # the network was changed so that it no longer fits the data
            self._halt(f"Training stopped: {error}.")
        if not stepping and self._speed is not None:
            self._credit -= ran
        if paused and not trainer.evaluation_pending:
            self._timer.stop()
        self._weights_dirty |= ran > 0
        self._publish(force=not self._timer.isActive())

    def _halt(self, problem: str) -> None:
        self._stop_at_epoch = None
        self._weights_dirty = True
        self.pause()
        self.state.message.emit(problem)
        self.stopped.emit(problem)

    def _finish_evaluation(self) -> None:
        """Complete a pending measurement now, so that a paused history shows the last epoch."""
        trainer = self._trainer
        if trainer is None or not trainer.evaluation_pending:
            return
        self._history_dirty = True
        try:
            trainer.evaluate_pending()
        except TrainingDiverged:
            problem = "Training stopped: the loss is no longer finite. Lower the learning rate and press Reset."
            self.state.message.emit(problem)
            self.stopped.emit(problem)

    def _publish(self, force: bool = False) -> None:
        now = time.perf_counter()
        if not (self._weights_dirty or self._history_dirty) or (
                not force and now - self._last_publish < FRAME_SLACK / DISPLAY_HZ):
            return
        self._last_publish = now
        self._history_dirty = False
        weights_changed, self._weights_dirty = self._weights_dirty, False
        if weights_changed:
            self.state.notify_weights_changed()
        self.progressed.emit()
        view = self.paint_first
        if weights_changed and self._playing and self._timer.isActive() and self._stop_at_epoch is None \
                and view is not None and view.isVisible():
            self._timer.stop()
            self._after_paint.stale.add("batches")
            self._after_paint.mark_after_paint(view)

    def _resume(self) -> None:
        trainer = self._trainer
        measuring = not self._playing and trainer is not None and trainer.evaluation_pending
        if (self._playing or measuring) and self._stop_at_epoch is None and not self._timer.isActive():
            self._timer.start()

    # -- following the model and the data -----------------------------------------------------------
    def _current_model_key(self) -> tuple:
        net = self.state.network
        return (id(net), net.layer_sizes, tuple(net.activations), net.loss, net.init, net.init_scale, net.seed,
                net.bias)

    def _on_model_changed(self) -> None:
        if self._current_model_key() != self._model_key:
            self.rebuild()

    def _on_data_changed(self, replaced: bool) -> None:
        if replaced or self._trainer is None:
            self.rebuild()
            return
        data = self.data
        self._trainer.set_data(data.X_train, data.y_train, data.X_test, data.y_test, data.classification)
        self.progressed.emit()
