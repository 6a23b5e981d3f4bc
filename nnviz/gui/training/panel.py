"""The Training panel: data, hyper-parameters, speed, Play/Pause/Step/Reset and the loss curves.

The loop itself (time slices, what restarts what) is :class:`~nnviz.gui.training.runner.TrainingRunner`.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnviz.core import new_seed
from nnviz.core.baseline import chance_loss
from nnviz.core.datasets import DATASETS, DatasetError
from nnviz.core.suggestions import describe_suggestion
from nnviz.core.training import History, Trainer

from ..appearance import Appearance
from ..limited_spin import LimitedDoubleSpinBox, LimitedSpinBox
from ..preferences import Preferences
from ..quiet import show_checked, show_value
from ..spin_boxes import CompactSpinBox
from ..verdict_label import VerdictLabel
from .data import TrainingData
from .dataset_picker import DatasetPicker
from .loss_plot import LossPlot, metrics_text
from .runner import TrainingRunner

SPEEDS = ((1, "1 epoch/s"), (3, "3 epochs/s"), (10, "10 epochs/s"), (30, "30 epochs/s"), (100, "100 epochs/s"),
          (300, "300 epochs/s"), (None, "As fast as possible"))
DEFAULT_SPEED = 100


class TrainingPanel(QWidget):
    """Train the state's network on a data set and watch it happen.

    ``data`` is the :class:`~nnviz.gui.training.data.TrainingData` (also the decision boundary's source),
    ``runner`` the :class:`~nnviz.gui.training.runner.TrainingRunner` (its signals ``playingChanged``,
    ``progressed``, ``trainerChanged``, ``stopped`` tell what training does). Menu actions:
    ``play_action`` (Space), ``step_action``, ``reset_action`` for a Train menu and ``load_csv_action`` for
    the File menu; see :meth:`menu_actions`. ``preferences`` (optional) remember the CSV folder.
    """

    def __init__(self, state, data: TrainingData, runner: TrainingRunner, appearance: Appearance, parent=None, *,
                 preferences: Preferences | None = None):
        super().__init__(parent)
        self.setObjectName("trainingPanel")
        self.state = state
        self._preferences = preferences
        self.data = data
        self.runner = runner
        self._build_actions()
        self._build_widgets(appearance)
        self.runner.playingChanged.connect(self._on_playing_changed)
        self.runner.progressed.connect(self._show_progress)
        self.runner.trainerChanged.connect(self._on_trainer_changed)
        self.runner.stopped.connect(self._on_stopped)
        self.data.changed.connect(self._show_data)
        state.settingsChanged.connect(self._sync_learning_rate)
        self._sync_learning_rate()
        self._show_data()
        self._on_trainer_changed()
        self._show_progress()

    # -- construction -------------------------------------------------------------------------------
    def _build_actions(self) -> None:
        style = self.style()
        self.play_action = QAction(style.standardIcon(QStyle.SP_MediaPlay), "&Play", self)
        self.play_action.setObjectName("playAction")
        self.play_action.setCheckable(True)
        self.play_action.setShortcut(QKeySequence(Qt.Key_Space))
        self.play_action.setStatusTip("Start or pause training (Space)")
        self.play_action.toggled.connect(self._on_play_toggled)
        self.step_action = QAction(style.standardIcon(QStyle.SP_MediaSkipForward), "&Step One Epoch", self)
        self.step_action.setObjectName("stepAction")
        self.step_action.setStatusTip("Train to the end of the current epoch, then pause")
        self.step_action.triggered.connect(self.step)
        self.reset_action = QAction(style.standardIcon(QStyle.SP_BrowserReload), "&Reset Training", self)
        self.reset_action.setObjectName("resetAction")
        self.reset_action.setStatusTip("Re-initialise the weights from the current seed and start at epoch 0")
        self.reset_action.triggered.connect(self.reset)
        self.load_csv_action = QAction("Load &CSV…", self)
        self.load_csv_action.setObjectName("loadCsvAction")
        self.load_csv_action.setStatusTip(
            "Train on your own data: numeric input columns and a last label/target column")
        self.load_csv_action.triggered.connect(self._choose_csv)
        for action in (self.play_action, self.step_action, self.reset_action, self.load_csv_action):
            self.addAction(action)  # so that Space works even before the lead puts them in menus

    def menu_actions(self) -> dict[str, list[QAction]]:
        """The actions by the menu they belong in."""
        return {"Train": [self.play_action, self.step_action, self.reset_action], "File": [self.load_csv_action]}

    def _limited(self, spin):
        """``spin`` with its refusals ("0.99 is the largest momentum") sent to the status bar."""
        spin.refused.connect(self.state.message)
        return spin

    def _build_widgets(self, appearance) -> None:
        self.dataset = DatasetPicker(self.data)
        self.dataset.loading.connect(lambda text: self.data_info.setText(text))
        self.dataset.loaded.connect(self.state.message.emit)
        self.dataset.failed.connect(self._on_load_failed)
        self.dataset.csvReading.connect(lambda reading: self.load_csv_action.setEnabled(not reading))
        self.regenerate = QToolButton(objectName="regenerate")
        self.regenerate.setIcon(self.style().standardIcon(QStyle.SP_BrowserReload))
        self.regenerate.setToolTip("Draw new points and a new training/test split (new data seed)")
        self.regenerate.clicked.connect(lambda: self.data.set_seed(new_seed()))
        self.noise = self._limited(LimitedSpinBox("noise_percent", objectName="noise", suffix=" %", singleStep=5))
        self.noise.setToolTip("Gaussian noise added to the points (to the targets for regression)")
        self.noise.valueChanged.connect(lambda v: self.data.set_noise(v / 50.0))
        self.train_share = self._limited(LimitedSpinBox("train_percent", objectName="trainShare", suffix=" %",
                                                        singleStep=10))
        self.train_share.setValue(round(100 * self.data.train_share))
        self.train_share.setToolTip("Share of the points used for training; the rest tests generalisation")
        self.train_share.valueChanged.connect(lambda v: self.data.set_train_share(v / 100.0))
        self.data_info = QLabel(objectName="dataInfo", wordWrap=True)
        self.mismatch = QLabel(objectName="mismatch", wordWrap=True)
        self.mismatch.setStyleSheet("color: #c0392b;")
        self.match_network = QPushButton("Match Network to Data", objectName="matchNetwork")
        self.match_network.setToolTip("Set the input and output layers to what the data need (several classes: "
                                      "softmax and cross-entropy); the hidden layers stay")
        self.match_network.clicked.connect(self.match_network_to_data)
        self.suggest_network = QPushButton("Use a Network That Learns This", objectName="suggestNetwork")
        self.suggest_network.clicked.connect(self.use_suggested_network)
        self.hint = QLabel(objectName="trainingHint", wordWrap=True)
        self.hint.setStyleSheet("color: palette(placeholder-text);")

        row = QHBoxLayout()
        row.addWidget(self.dataset, 1)
        row.addWidget(self.regenerate)
        data_form = QFormLayout()
        data_form.addRow("Data set", row)
        data_form.addRow("Noise", self.noise)
        data_form.addRow("Training share", self.train_share)
        data_box = QGroupBox("Data")
        data_layout = QVBoxLayout(data_box)
        data_layout.addLayout(data_form)
        for widget in (self.data_info, self.mismatch, self.match_network, self.suggest_network, self.hint):
            data_layout.addWidget(widget)

        self.learning_rate = self._limited(CompactSpinBox("learning_rate", objectName="learningRate", decimals=6))
        self.learning_rate.setStepType(QDoubleSpinBox.AdaptiveDecimalStepType)
        self.learning_rate.setToolTip("Step size of gradient descent (the network's learning rate)")
        self.learning_rate.valueChanged.connect(self._on_learning_rate_edited)
        self.batch_size = self._limited(LimitedSpinBox("batch_size", objectName="batchSize", value=10))
        self.batch_size.setToolTip("Samples per gradient step; the gradient is averaged over the batch")
        self.batch_size.valueChanged.connect(lambda v: self.runner.set_option("batch_size", v))
        self.l2 = self._limited(CompactSpinBox("l2", objectName="l2", decimals=6))
        self.l2.setStepType(QDoubleSpinBox.AdaptiveDecimalStepType)
        self.l2.setSingleStep(0.001)
        self.l2.setToolTip("L2 regularisation: each step also pulls every weight towards 0 by lr · L2 · w")
        self.l2.valueChanged.connect(lambda v: self.runner.set_option("l2", v))
        self.momentum = self._limited(LimitedDoubleSpinBox("momentum", objectName="momentum", decimals=2,
                                                           singleStep=0.1))
        self.momentum.setToolTip("Momentum: the share of the previous step carried into the next (0 = plain SGD)")
        self.momentum.valueChanged.connect(lambda v: self.runner.set_option("momentum", v))
        train_form = QFormLayout()
        train_form.addRow("Learning rate", self.learning_rate)
        train_form.addRow("Batch size", self.batch_size)
        train_form.addRow("L2 penalty", self.l2)
        train_form.addRow("Momentum", self.momentum)
        self.speed = QComboBox(objectName="speed")
        self.speed.setToolTip("At most this many epochs a second, slow enough to watch the boundary move")
        for value, text in SPEEDS:
            self.speed.addItem(text, value)
        self.speed.currentIndexChanged.connect(self._on_speed_chosen)
        self.speed.setCurrentIndex(self.speed.findData(DEFAULT_SPEED))
        train_form.addRow("Speed", self.speed)

        self.play_pause = QPushButton(objectName="playPause")
        self.play_pause.setToolTip("Start or pause training (Space)")
        self.play_pause.clicked.connect(self.play_action.trigger)
        self.step_button = QPushButton(self.step_action.icon(), "Step", objectName="step")
        self.step_button.setToolTip(self.step_action.statusTip())
        self.step_button.clicked.connect(self.step)
        self.reset_button = QPushButton(self.reset_action.icon(), "Reset", objectName="reset")
        self.reset_button.setToolTip(self.reset_action.statusTip())
        self.reset_button.clicked.connect(self.reset)
        buttons = QHBoxLayout()
        for button in (self.play_pause, self.step_button, self.reset_button):
            buttons.addWidget(button)
        self.epoch_label = QLabel(objectName="epochLabel")
        font = self.epoch_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.epoch_label.setFont(font)
        self.epoch_label.setToolTip("Epochs trained: one epoch shows every training point once")
        self.metrics = QLabel(objectName="trainingMetrics", wordWrap=True)
        self.problem = QLabel(objectName="trainingProblem", wordWrap=True)
        self.problem.setStyleSheet("color: #c0392b;")
        self.problem.hide()
        self.verdict_label = VerdictLabel("These weights: ", objectName="trainingVerdict")
        self.loss_plot = LossPlot(appearance)

        train_box = QGroupBox("Training")
        train_layout = QVBoxLayout(train_box)
        train_layout.addLayout(train_form)
        train_layout.addWidget(self.verdict_label)
        train_layout.addLayout(buttons)
        train_layout.addWidget(self.epoch_label)
        train_layout.addWidget(self.metrics)
        train_layout.addWidget(self.problem)
        train_layout.addWidget(self.loss_plot, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(data_box)
        layout.addWidget(train_box, 1)
        self._on_playing_changed(False)

    # -- reading ------------------------------------------------------------------------------------
    @property
    def trainer(self) -> Trainer | None:
        """The running optimiser, or None while the network does not fit the data."""
        return self.runner.trainer

    @property
    def epoch(self) -> int:
        return self.runner.epoch

    @property
    def is_playing(self) -> bool:
        return self.runner.is_playing

    # -- commands -----------------------------------------------------------------------------------
    def play(self) -> None:
        self.runner.play()

    def pause(self) -> None:
        self.runner.pause()

    def step(self) -> None:
        """Train to the end of the current epoch (the counter goes up by exactly one), then pause."""
        self.runner.step()

    def reset(self) -> None:
        """Pause, re-initialise the weights from the current seed and start again at epoch 0."""
        self.runner.reset()

    def load_csv(self, path) -> bool:
        """Train on the CSV file at ``path``; a bad file shows its error and changes nothing."""
        QGuiApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            self.data.load_csv(path)
        except DatasetError as error:
            QGuiApplication.restoreOverrideCursor()
            self._show_error("Cannot load the CSV file", str(error))
            return False
        QGuiApplication.restoreOverrideCursor()
        rows = len(self.data.y_train) + len(self.data.y_test)
        self.state.message.emit(f"Loaded {self.data.display_name}: {rows} rows")
        return True

    def match_network_to_data(self) -> None:
        """Make the network fit the data, keeping its hidden layers (see ``TrainingData.matching_settings``)."""
        try:
            self.state.configure(**self.data.matching_settings(self.state.network))
        except ValueError as error:
            self._show_error("Cannot match the network to the data", str(error))

    def use_suggested_network(self) -> None:
        """Set sizes, activation, initialiser, biases, learning rate and momentum to the data's
        :meth:`~nnviz.gui.training.data.TrainingData.suggested_network`."""
        settings = self.data.suggested_network()
        state = self.state
        self.runner.pause()
        try:
            state.configure(**{key: settings[key] for key in (
                "layer_sizes", "activation", "output_activation", "init", "bias", "learning_rate")},
                loss="cross_entropy" if settings["output_activation"] == "softmax" else "mse")
        except ValueError as error:
            self._show_error("Cannot use the suggested network", str(error))
            return
        self.momentum.setValue(settings["momentum"])  # through the box, so that it shows the value
        self._sync_learning_rate()
        state.message.emit(f"{self.data.display_name}: {describe_suggestion(settings)}; "
                           f"press Play, it learns in about {settings['epochs']} epochs")

    def _update_suggestion_tip(self) -> None:
        settings = self.data.suggested_network()
        self.suggest_network.setToolTip(f"Set {describe_suggestion(settings)}: it learns {self.data.display_name} "
                                       f"in about {settings['epochs']} epochs")

    # -- showing the runner's state -----------------------------------------------------------------
    def _on_play_toggled(self, on: bool) -> None:
        self.runner.set_playing(on)
        if self.runner.is_playing != on:  # refused: the network does not fit the data
            self._on_playing_changed(self.runner.is_playing)

    def _on_playing_changed(self, on: bool) -> None:
        show_checked(self.play_action, on)
        icon = self.style().standardIcon(QStyle.SP_MediaPause if on else QStyle.SP_MediaPlay)
        self.play_pause.setIcon(icon)
        self.play_pause.setText("Pause" if on else "Play")
        self.play_action.setIcon(icon)
        self.play_action.setText("&Pause" if on else "&Play")
        if on:
            self.problem.hide()

    def _on_trainer_changed(self) -> None:
        problem = self.runner.fit_problem
        self.mismatch.setText(problem or "")
        self.mismatch.setVisible(bool(problem))
        self.match_network.setVisible(bool(problem))
        self.problem.hide()
        self.loss_plot.set_chance(None if problem else chance_loss(self.state.network, self.data.y_train,
                                                                   self.data.classification))
        hints = self.data.hints(self.state.network)
        self.hint.setText("Tip: " + " ".join(hints) if hints else "")
        self.hint.setVisible(bool(hints))
        for widget in (self.play_action, self.step_action, self.play_pause, self.step_button):
            widget.setEnabled(problem is None)

    def _on_stopped(self, problem: str) -> None:
        self.problem.setText(problem)
        self.problem.show()

    def _show_progress(self) -> None:
        trainer = self.runner.trainer
        self.epoch_label.setText(f"Epoch {self.epoch:,}")
        if trainer is None:
            self.metrics.setText("")
            self.loss_plot.set_history(History())
            return
        self.metrics.setText(metrics_text(trainer.history))
        self.loss_plot.set_history(trainer.history)

    def _show_data(self, *_) -> None:
        data = self.data
        self.dataset.show_data()
        self.noise.setEnabled(data.name in DATASETS)
        self._update_suggestion_tip()
        n_train, n_test = len(data.y_train), len(data.y_test)
        kind = f"{data.n_classes} classes" if data.classification else "regression"
        self.data_info.setText(f"{n_train} training and {n_test} test points · {data.n_inputs} inputs · {kind}")

    # -- settings -----------------------------------------------------------------------------------
    def _on_learning_rate_edited(self, value: float) -> None:
        try:
            self.state.set_learning_rate(value)
        except ValueError as error:
            self.state.message.emit(str(error))

    def _sync_learning_rate(self) -> None:
        show_value(self.learning_rate, self.state.network.learning_rate)

    def _on_speed_chosen(self, index: int) -> None:
        self.runner.speed = self.speed.itemData(index)

    # -- files and bundled data sets -----------------------------------------------------------------
    def load_csv_in_background(self, path) -> None:
        """Read ``path`` on a worker thread (a big file takes seconds), then switch to it; a bad file shows
        its error and changes nothing. Load CSV… is disabled meanwhile."""
        self.dataset.load_csv_in_background(path)

    def _on_load_failed(self, title: str, text: str) -> None:
        self._show_data()
        self._show_error(title, text)

    def _choose_csv(self) -> None:
        path = self._ask_csv_path()
        if path:
            if self._preferences is not None:
                self._preferences.set_last_folder(path)
            self.load_csv_in_background(path)

    def _ask_csv_path(self) -> str:
        start = self._preferences.last_folder() if self._preferences is not None else os.path.expanduser("~")
        path, _ = QFileDialog.getOpenFileName(self, "Load CSV Data", start,
                                              "CSV files (*.csv *.tsv *.txt);;All files (*)")
        return path

    def _show_error(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

