"""The "Initialisation race" panel: copies of the network, initialised differently, trained side by side.

The race (:class:`~nnviz.core.race.Race`) trains on the GUI thread in time slices of at most
``SLICE_SECONDS``, like the Training panel, so the window never freezes; the plots redraw at most
``DRAW_HZ`` times a second. The network on screen is never changed: every candidate is a copy.
"""

from __future__ import annotations

import time

import pyqtgraph as pg
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from nnviz.core.baseline import chance_loss
from nnviz.core.race import Race, RaceEntry, race_verdict

from ..appearance import Appearance
from ..colors import series_colors, theme_colors
from ..limited_spin import LimitedSpinBox
from ..training.data import TrainingData
from .candidates import CandidateRows
from .plots import RacePlots

SLICE_SECONDS = 0.015
DRAW_HZ = 10
DEFAULT_EPOCHS = 30
BATCH_SIZE = 10


class RacePanel(QWidget):
    """Race 2–4 initialisations of the state's network on ``data`` (the Training panel's data).

    ``raceStart`` starts a race, ``raceStop`` ends it early. ``running`` is True from the moment a race
    starts until it ends (finished or stopped); ``results`` is the list of
    :class:`~nnviz.core.race.RaceEntry` once it has ended (the epochs run so far if stopped), None before
    and while it runs. ``finished`` is emitted when a race ends.
    """

    finished = Signal()

    def __init__(self, state, data: TrainingData, appearance: Appearance, parent=None):
        super().__init__(parent)
        self.setObjectName("initRace")
        self.state = state
        self.data = data
        self._appearance = appearance
        self.race: Race | None = None
        self.results: list[RaceEntry] | None = None
        self._chance: float | None = None
        self._plane_data = None  # (X, y, bounds, classification) the race ran on, for 2-input data
        self._last_draw = 0.0
        self._timer = QTimer(self, interval=0)
        self._timer.timeout.connect(self._tick)
        self._build()
        appearance.changed.connect(self._apply_theme)
        self._apply_theme()

    def _build(self) -> None:
        self.candidate_rows = CandidateRows()
        self.candidate_rows.refused.connect(self.state.message)
        self.epochs = LimitedSpinBox("epochs", objectName="raceEpochs", value=DEFAULT_EPOCHS,
                                     toolTip="How many epochs every candidate trains")
        self.epochs.refused.connect(self.state.message)
        self.start_button = QPushButton("Start race", objectName="raceStart", clicked=self.start,
                                        toolTip="Train a copy of the network per candidate on the Training "
                                                "panel's data, same batches in the same order")
        self.stop_button = QPushButton("Stop", objectName="raceStop", clicked=self.stop, enabled=False)
        self.status = QLabel(objectName="raceStatus", wordWrap=True)
        self.verdict = QLabel(objectName="raceVerdict", wordWrap=True)
        font = self.verdict.font()
        font.setBold(True)
        self.verdict.setFont(font)
        self.key = QLabel(objectName="raceKey", wordWrap=True)
        self.plots_view = pg.GraphicsLayoutWidget()
        self.plots_view.setObjectName("racePlots")
        self.plots_view.setMinimumHeight(260)
        self.plots = RacePlots(self.plots_view.ci)

        setup = QGroupBox("Candidates")
        form = QFormLayout(setup)
        form.addRow(self.candidate_rows)
        form.addRow("Epochs", self.epochs)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        form.addRow(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(setup)
        for widget in (self.status, self.verdict, self.key):
            layout.addWidget(widget)
        layout.addWidget(self.plots_view, 1)
        self.status.setText("Same data, same batches, same order: only the initialisation differs.")

    # -- reading ------------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.race is not None and self.results is None

    # -- commands -----------------------------------------------------------------------------------
    def start(self) -> bool:
        """Start a race of the checked candidates; False (with the reason shown) if it cannot start."""
        self.stop()
        network, data = self.state.network, self.data
        problem = data.fit_problem(network.layer_sizes)
        if problem:
            self.status.setText(problem)
            return False
        candidates = self.candidate_rows.candidates()
        try:
            self.race = Race(network, candidates, data.X_train, data.y_train, self.epochs.value(),
                             batch_size=BATCH_SIZE, X_test=data.X_test if len(data.y_test) else None,
                             y_test=data.y_test if len(data.y_test) else None, classification=data.classification)
            self._chance = chance_loss(network, data.y_train, data.classification)
        except ValueError as error:
            self.race = None
            self.status.setText(f"Cannot start the race: {error}.")
            return False
        self.results = None
        self.verdict.setText("")
        planes = data.n_inputs == 2 and data.bounds is not None
        self._plane_data = (data.X_train, data.y_train, data.bounds, data.classification) if planes else None
        self._build_plots()
        self.status.setText(f"Racing {len(candidates)} candidates for {self.race.epochs} epochs on "
                            f"{data.display_name} (learning rate {network.learning_rate:g}, batch {BATCH_SIZE}) …")
        self.start_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self._draw()
        self._timer.start()
        return True

    def stop(self) -> None:
        """End a running race now; ``results`` then hold the epochs run so far."""
        if self.running:
            self._end(stopped=True)

    # -- the loop -----------------------------------------------------------------------------------
    def _tick(self) -> None:
        race = self.race
        deadline = time.perf_counter() + SLICE_SECONDS
        while not race.finished and time.perf_counter() < deadline:
            race.step_batches(1)
        if race.finished:
            self._end(stopped=False)
        elif time.perf_counter() - self._last_draw >= 1.0 / DRAW_HZ:
            self._draw()

    def _end(self, stopped: bool) -> None:
        self._timer.stop()
        self.results = list(self.race.entries)
        self.start_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        self._draw()
        self._show_planes()
        done = min(e.epochs_done for e in self.results)
        self.status.setText(f"Stopped after {done} epoch{'s' * (done != 1)}." if stopped else
                            f"Finished {self.race.epochs} epochs (dotted: chance loss {self._chance:.3g}).")
        self.verdict.setText(race_verdict(self.results, baseline=self._chance))
        self.finished.emit()

    def _draw(self) -> None:
        self._last_draw = time.perf_counter()
        self.plots.update(self.race.entries, self.race.epochs)

    # -- appearance ---------------------------------------------------------------------------------
    def _show_key(self) -> None:
        if self.race is None:
            self.key.setText("")
            return
        colors = series_colors(self._appearance.theme, len(self.race.entries))
        swatches = " &nbsp; ".join(f'<span style="color:{c}">━━</span> {e.label}'
                                   for c, e in zip(colors, self.race.entries))
        self.key.setText(f"{swatches}<br><small>Loss: training solid, test dashed. Paler lines: layers nearer "
                         "the input. Band: update/weight ≈ 1e-3.</small>")

    def _build_plots(self) -> None:
        self.plots.build([e.label for e in self.race.entries], len(self.race.entries[0].network.weights),
                         self._plane_data is not None, self._appearance.theme)
        self.plots.set_chance(self._chance)
        self._show_key()

    def _show_planes(self) -> None:
        if self._plane_data is not None and self.results is not None:
            self.plots.show_planes(self.results, *self._plane_data, self._appearance.palette)

    def _apply_theme(self) -> None:
        self.plots_view.setBackground(theme_colors(self._appearance.theme).background)
        if self.race is not None:
            # Colours are set when the plots are built: build them anew and draw what there is.
            self._build_plots()
            self._draw()
            self._show_planes()


