"""File › Export Animation: the options dialog and the run with a progress dialog that can cancel.

Frames are drawn off-screen a slice at a time from a zero-interval timer, so the window keeps
answering; cancelling stops at the next slice and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.animation import KINDS, matching_dataset, sequence
from nnviz.core.datasets import BUNDLED_DATASETS, DATASETS
from nnviz.gui.document.animation import FILTER, AnimationExport
from nnviz.gui.limited_spin import LimitedDoubleSpinBox, LimitedSpinBox

KIND_NAMES = {"training": "Training (epochs a → b)", "reroll": "Re-roll (one frame per seed)",
              "scenes": "Lecture scenes (one frame each)"}
FRAMES_PER_SLICE = 1
"""Frames drawn per timer tick: one frame of a big network takes ~0.1 s, short enough to stay responsive."""


@dataclass(frozen=True)
class AnimationRequest:
    """What the dialog asks for: the ``kind`` (see :data:`~nnviz.core.animation.KINDS`), the epochs
    ``start`` → ``stop``, ``frames`` (training and re-roll), the toy ``dataset``, ``fps`` and the size."""

    kind: str = "training"
    start: int = 0
    stop: int = 100
    frames: int = 60
    dataset: str = "xor"
    fps: float = 12.0
    width: int = 960
    height: int = 540


class AnimationDialog(QDialog):
    """Asks what to animate; ``request()`` holds the answer after ``exec()`` returns ``Accepted``.

    ``layer_sizes`` decide whether the network can train on the toy sets (two inputs), ``has_scenes``
    whether a lecture is open to step through.
    """

    def __init__(self, layer_sizes, has_scenes: bool, initial: AnimationRequest | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("animationDialog")
        self.setWindowTitle("Export Animation — nnviz")
        initial = initial or AnimationRequest()
        try:
            trainable, why = matching_dataset(layer_sizes), ""
        except ValueError as e:
            trainable, why = None, f"Training needs a network a data set fits: {e}."
        self.kind_combo = QComboBox(objectName="animationKind")
        for kind in KINDS:
            self.kind_combo.addItem(KIND_NAMES[kind], kind)
        model = self.kind_combo.model()
        model.item(KINDS.index("training")).setEnabled(trainable is not None)
        model.item(KINDS.index("scenes")).setEnabled(has_scenes)
        self.start_spin = LimitedSpinBox("animation_epoch", objectName="animationStart",
                                         toolTip="The first epoch shown")
        self.stop_spin = LimitedSpinBox("animation_epoch", objectName="animationStop", toolTip="The last epoch shown")
        self.stop_spin.setMinimum(1)
        self.frames_spin = LimitedSpinBox("frames", objectName="animationFrames",
                                          toolTip="How many pictures (epochs evenly spaced, or seeds)")
        self.dataset_combo = QComboBox(objectName="animationDataset")
        self.dataset_combo.addItems([*DATASETS, *BUNDLED_DATASETS])
        self.dataset_combo.setToolTip("The toy data set the network learns (a copy: your network is not changed)")
        self.fps_spin = LimitedDoubleSpinBox("frame_rate", objectName="animationFps")
        self.fps_spin.setDecimals(1)
        self.fps_spin.setSuffix(" frames/s")
        self.width_spin = LimitedSpinBox("image_side", objectName="animationWidth", toolTip="Width in pixels")
        self.height_spin = LimitedSpinBox("image_side", objectName="animationHeight", toolTip="Height in pixels")
        for spin in (self.width_spin, self.height_spin):
            spin.setSuffix(" px")
        self.note_label = QLabel(why, objectName="animationNote")
        self.note_label.setWordWrap(True)

        epochs_row, size_row = QHBoxLayout(), QHBoxLayout()
        for row, widgets in ((epochs_row, (self.start_spin, QLabel("→"), self.stop_spin)),
                             (size_row, (self.width_spin, QLabel("×"), self.height_spin))):
            for widget in widgets:
                row.addWidget(widget)
            row.addStretch(1)
        form = QFormLayout()
        form.addRow("&Animate:", self.kind_combo)
        form.addRow("Epochs:", epochs_row)
        form.addRow("&Data set:", self.dataset_combo)
        form.addRow("F&rames:", self.frames_spin)
        form.addRow("&Speed:", self.fps_spin)
        form.addRow("Size:", size_row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("&Export…")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note_label)
        layout.addWidget(self.buttons)

        kind = initial.kind if model.item(KINDS.index(initial.kind)).isEnabled() else "reroll"
        self.kind_combo.setCurrentIndex(KINDS.index(kind))
        self.start_spin.setValue(initial.start)
        self.stop_spin.setValue(initial.stop)
        self.frames_spin.setValue(initial.frames)
        self.dataset_combo.setCurrentText(trainable if trainable and trainable != "xor" else initial.dataset)
        self.fps_spin.setValue(initial.fps)
        self.width_spin.setValue(initial.width)
        self.height_spin.setValue(initial.height)
        self.kind_combo.currentIndexChanged.connect(self._update_enabled)
        for spin in (self.start_spin, self.stop_spin):
            spin.valueChanged.connect(self._update_enabled)
        self._update_enabled()

    def request(self) -> AnimationRequest:
        return AnimationRequest(self.kind_combo.currentData(), self.start_spin.value(), self.stop_spin.value(),
                                self.frames_spin.value(), self.dataset_combo.currentText(), self.fps_spin.value(),
                                self.width_spin.value(), self.height_spin.value())

    @Slot()
    def _update_enabled(self) -> None:
        kind = self.kind_combo.currentData()
        for widget in (self.start_spin, self.stop_spin, self.dataset_combo):
            widget.setEnabled(kind == "training")
        self.frames_spin.setEnabled(kind != "scenes")
        valid = kind != "training" or self.start_spin.value() < self.stop_spin.value()
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(valid)


class AnimationRun(QObject):
    """Draws ``export`` a slice per event-loop turn under a progress dialog on ``parent``.

    ``finished(bool written, str message)``: the file is written, or the run was cancelled or
    failed (the message says which; nothing was written then).
    """

    finished = Signal(bool, str)

    def __init__(self, export: AnimationExport, parent: QWidget | None = None):
        super().__init__(parent)
        self.export = export
        self.progress = QProgressDialog("Drawing the animation…", "Cancel", 0, export.total, parent)
        self.progress.setObjectName("animationProgress")
        self.progress.setWindowTitle("Export Animation — nnviz")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(300)
        self.progress.canceled.connect(self.cancel)
        self._timer = QTimer(self, interval=0)
        self._timer.timeout.connect(self._step)

    def start(self) -> None:
        self.progress.setValue(0)
        self._timer.start()

    @Slot()
    def cancel(self) -> None:
        if self._timer.isActive():
            self._stop(False, "Export cancelled; no file written")

    @Slot()
    def _step(self) -> None:
        try:
            done = self.export.step(FRAMES_PER_SLICE)
        except (OSError, ValueError) as e:
            self._stop(False, str(e))
            return
        if done:
            self._stop(True, f"Exported {self.export.drawn} frames to {self.export.path}")
            return
        self.progress.setLabelText(f"Drawing frame {self.export.drawn + 1} of {self.export.total}…")
        self.progress.setValue(self.export.drawn)

    def _stop(self, written: bool, message: str) -> None:
        self._timer.stop()
        self.progress.canceled.disconnect(self.cancel)
        self.progress.reset()
        self.progress.hide()
        self.finished.emit(written, message)


def start_animation(request: AnimationRequest, path, network, inputs, scenes, appearance,
                    parent: QWidget | None = None) -> AnimationRun:
    """Start drawing ``request`` of ``network`` (a copy is animated) to ``path``; connect to the
    run's ``finished``. Raises ``ValueError`` at once for what cannot be animated or written so."""
    frames, count = sequence(request.kind, network.copy(), inputs, epochs=(request.start, request.stop),
                             frames=request.frames, dataset=request.dataset, scenes=scenes)
    export = AnimationExport(frames, count, path, request.width, request.height, request.fps, appearance)
    run = AnimationRun(export, parent)
    run.start()
    return run


class AnimationExportMixin:
    """File › Export Animation for the document: needs ``_state``, ``_appearance``, ``_window``,
    ``scenes``, ``message``, ``_ask_save_path``, ``_show_error`` and ``_suggested_name``."""

    _animation_request: AnimationRequest | None = None
    _animation_run: AnimationRun | None = None

    def _ask_animation(self) -> AnimationRequest | None:
        dialog = AnimationDialog(self._state.network.layer_sizes, bool(self.scenes), self._animation_request,
                                 self._window)
        return dialog.request() if dialog.exec() == AnimationDialog.Accepted else None

    @Slot()
    def export_animation(self) -> bool:
        """Ask what to animate and where; the frames are then drawn under a progress dialog."""
        request = self._ask_animation()
        path = request and self._ask_save_path("Export Animation", FILTER, self._suggested_name(".gif"))
        if not path:
            return False
        self._animation_request = request
        try:
            self._animation_run = start_animation(request, path, self._state.network, self._state.inputs,
                                                  self.scenes, self._appearance, self._window)
        except ValueError as e:
            self._show_error("Could Not Export Animation", str(e))
            return False
        self._animation_run.finished.connect(lambda _written, text: self.message.emit(text))
        return True
