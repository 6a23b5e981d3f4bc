"""Which data set sample is on the network's inputs, and whether the inputs form an image."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QObject, Signal

MIN_IMAGE_SIDE = 4
"""Square input sizes from 4 × 4 = 16 up are drawn as images even without an image data set."""


def input_image_shape(n_inputs: int, data) -> tuple[int, int] | None:
    """``(rows, columns)`` when ``n_inputs`` inputs form an image: the data's image shape when the data fit
    the input layer, else a square of at least :data:`MIN_IMAGE_SIDE` (64 → 8 × 8, 784 → 28 × 28)."""
    if data.image_shape is not None and data.n_inputs == n_inputs:
        return tuple(data.image_shape)
    side = math.isqrt(n_inputs)
    return (side, side) if side * side == n_inputs and side >= MIN_IMAGE_SIDE else None


class ShownSample(QObject):
    """The data set sample last put on the state's inputs, and its true label while the inputs still show it.

    ``state`` is the :class:`~nnviz.gui.state.NetworkState`, ``data`` the
    :class:`~nnviz.gui.training.data.TrainingData`. Painting, typing or new data end the sample: the label
    is only true for exactly the sample's inputs.

    Signals: ``changed()``: a sample was shown, or the inputs or data no longer show it.
    """

    changed = Signal()

    def __init__(self, state, data, parent=None):
        super().__init__(parent)
        self._state = state
        self._data = data
        self._index: int | None = None
        self._inputs: np.ndarray | None = None
        self._label: int | None = None
        state.inputChanged.connect(self._check)
        state.structureChanged.connect(self._check)
        data.changed.connect(self._forget)

    @property
    def index(self) -> int | None:
        """The index of the sample on the inputs (in the data set's own order), or None."""
        return self._index

    @property
    def label(self) -> int | None:
        """The true class of the sample on the inputs, or None (no sample, or regression data)."""
        return self._label

    @property
    def available(self) -> bool:
        """True when the data's samples fit the network's input layer."""
        return self._data.n_inputs == self._state.n_inputs and self._data.n_samples > 0

    def show(self, index: int) -> None:
        """Put sample ``index`` of the data on the inputs; ``ValueError`` if it does not exist or fit."""
        if not self.available:
            raise ValueError(f"the {self._data.display_name} samples have {self._data.n_inputs} inputs, "
                             f"the network has {self._state.n_inputs}")
        index = int(index)
        if not 0 <= index < self._data.n_samples:
            raise ValueError(f"sample {index} does not exist; the data have {self._data.n_samples:,}")
        x, y = self._data.sample(index)
        self._state.set_inputs(x)
        self._index, self._inputs = index, np.array(self._state.inputs)
        self._label = int(y) if self._data.classification else None
        self.changed.emit()

    def _check(self) -> None:
        if self._inputs is not None and not (self._inputs.shape == self._state.inputs.shape
                                             and np.array_equal(self._inputs, self._state.inputs)):
            self._forget()

    def _forget(self, *_) -> None:
        if self._index is not None:
            self._index = self._inputs = self._label = None
            self.changed.emit()
