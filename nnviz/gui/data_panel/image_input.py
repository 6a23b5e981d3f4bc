"""The inputs as a greyscale image the user paints: left button inks with a soft brush, right button erases.

Every stroke goes straight to ``state.set_inputs``; the state runs one forward pass per event-loop turn,
so the outputs follow the pen live. ``sampleIndex`` puts a data set sample on the inputs instead.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSignalBlocker, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..limited_spin import LimitedSpinBox
from .sample import ShownSample, input_image_shape

INK_STRENGTH = 0.8
"""How much of the way to full ink (1) one stroke piece goes at the brush centre."""
BRUSH_SIGMAS_PER_SIDE = 14.0
"""The brush's Gaussian σ is the image's longer side over this: 0.6 pixel at 8 × 8, 2 pixels at 28 × 28."""
GRID_MIN_CELL_PX = 14
"""Cell borders are drawn when a cell is at least this many screen pixels wide."""


def brush_stroke(image: np.ndarray, start, end, sigma: float, erase: bool = False) -> np.ndarray:
    """``image`` ``(rows, columns)`` after a soft stroke from ``start`` to ``end`` (``(x, y)`` in pixel units,
    pixel ``[r, c]`` centred at ``(c + 0.5, r + 0.5)``).

    The stroke's strength at a pixel is the largest Gaussian ``exp(−d² / 2σ²)`` of stamps placed every σ/2
    along the line. Inking moves a value towards 1 by ``INK_STRENGTH`` times that strength (values above 1
    stay); erasing moves it towards 0 by the full strength.
    """
    rows, columns = image.shape
    (x0, y0), (x1, y1) = start, end
    steps = max(1, math.ceil(math.hypot(x1 - x0, y1 - y0) / (0.5 * sigma)))
    t = np.linspace(0.0, 1.0, steps + 1)
    stamps_x, stamps_y = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
    centres_y, centres_x = np.mgrid[0:rows, 0:columns] + 0.5
    d2 = (centres_x[..., None] - stamps_x) ** 2 + (centres_y[..., None] - stamps_y) ** 2
    strength = np.exp(-d2.min(axis=-1) / (2.0 * sigma * sigma))
    if erase:
        return image * (1.0 - strength)
    return np.maximum(image, image + (1.0 - image) * INK_STRENGTH * strength)


class PaintCanvas(QWidget):
    """Draws ``state.inputs`` as an image (0 paper white, 1 full ink) and paints on it with the mouse."""

    def __init__(self, state, shape_of, parent=None):
        super().__init__(parent)
        self.setObjectName("inputImage")
        self.setMinimumSize(120, 120)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setCursor(Qt.CrossCursor)
        self.setToolTip("Left button: draw · right button: erase")
        self._state = state
        self._shape_of = shape_of
        self._last: tuple[float, float] | None = None
        self._erasing = False

    def image_rect(self) -> QRectF:
        """Where the image is drawn: as large as fits, square pixels, centred."""
        rows, columns = self._shape_of()
        cell = min(self.width() / columns, self.height() / rows)
        return QRectF((self.width() - cell * columns) / 2, (self.height() - cell * rows) / 2,
                      cell * columns, cell * rows)

    def pixel_position(self, pos: QPointF) -> tuple[float, float]:
        """The widget position ``pos`` in image pixel units ``(x, y)``."""
        rect = self.image_rect()
        rows, columns = self._shape_of()
        return (pos.x() - rect.left()) * columns / rect.width(), (pos.y() - rect.top()) * rows / rect.height()

    def mousePressEvent(self, event) -> None:
        if event.button() not in (Qt.LeftButton, Qt.RightButton):
            return
        self._erasing = event.button() == Qt.RightButton
        self._last = self.pixel_position(event.position())
        self._stroke(self._last)

    def mouseMoveEvent(self, event) -> None:
        if self._last is not None:
            self._stroke(self.pixel_position(event.position()))

    def mouseReleaseEvent(self, event) -> None:
        self._last = None

    def _stroke(self, to: tuple[float, float]) -> None:
        rows, columns = self._shape_of()
        image = np.asarray(self._state.inputs, dtype=float).reshape(rows, columns)
        sigma = max(rows, columns) / BRUSH_SIGMAS_PER_SIDE
        self._state.set_inputs(brush_stroke(image, self._last, to, sigma, self._erasing).ravel())
        self._last = to

    def paintEvent(self, event) -> None:
        rows, columns = self._shape_of()
        levels = np.clip(np.asarray(self._state.inputs, dtype=float), 0.0, 1.0).reshape(rows, columns)
        grey = np.ascontiguousarray(np.rint(255.0 * (1.0 - levels)).astype(np.uint8))
        image = QImage(grey.data, columns, rows, columns, QImage.Format_Grayscale8)
        rect = self.image_rect()
        painter = QPainter(self)
        painter.drawImage(rect, image)  # nearest neighbour: every input is one crisp square
        if rect.width() / columns >= GRID_MIN_CELL_PX:
            painter.setPen(QPen(QColor(0, 0, 0, 28), 0))
            for c in range(1, columns):
                x = rect.left() + c * rect.width() / columns
                painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
            for r in range(1, rows):
                y = rect.top() + r * rect.height() / rows
                painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        painter.setPen(QPen(self.palette().mid().color(), 1))
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        painter.end()


class ImageInput(QWidget):
    """The inputs as a paintable image, with Clear and a data set sample picker.

    Shown for image data (``data.image_shape``) and square input sizes (64, 784, …); otherwise it says why
    not. ``sample`` is the :class:`~nnviz.gui.data_panel.sample.ShownSample` that also tells the output bars
    the true class. Object names: ``inputImage`` (the canvas), ``clearInput``, ``sampleIndex``, ``showSample``,
    ``trueLabel``.
    """

    def __init__(self, state, data, sample: ShownSample, parent=None):
        super().__init__(parent)
        self.setObjectName("imageInputPanel")
        self._state = state
        self._data = data
        self._sample = sample
        self.canvas = PaintCanvas(state, lambda: self.image_shape or (1, state.n_inputs))
        self.clear_button = QPushButton("Clear", objectName="clearInput")
        self.clear_button.setToolTip("Set every input to 0 (a blank page)")
        self.clear_button.clicked.connect(lambda: state.set_inputs(np.zeros(state.n_inputs)))
        self.sample_index = LimitedSpinBox("sample_index", objectName="sampleIndex", keyboardTracking=False)
        self.sample_index.refused.connect(state.message)
        self.sample_index.setMaximum(0)  # the data set's last sample once there is one (its width sizes the box)
        self.sample_index.setToolTip("Put this sample of the data set on the inputs")
        self.sample_index.valueChanged.connect(self._show_sample)
        self.show_sample = QToolButton(objectName="showSample", text="Show")
        self.show_sample.setToolTip("Put the chosen sample on the inputs again (after drawing over it)")
        self.show_sample.clicked.connect(lambda: self._show_sample(self.sample_index.value()))
        self.true_label = QLabel(objectName="trueLabel", wordWrap=True)
        self.unavailable = QLabel(objectName="imageInputUnavailable", wordWrap=True, alignment=Qt.AlignCenter)

        row = QHBoxLayout()
        row.addWidget(QLabel("Sample"))
        row.addWidget(self.sample_index)
        row.addWidget(self.show_sample)
        row.addStretch(1)
        row.addWidget(self.clear_button)
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.canvas, 1)
        column.addLayout(row)
        column.addWidget(self.true_label)
        self.stack = QStackedWidget()
        self.stack.addWidget(page)
        self.stack.addWidget(self.unavailable)
        QVBoxLayout(self).addWidget(self.stack)

        state.inputChanged.connect(self.canvas.update)
        state.structureChanged.connect(self._sync)
        data.changed.connect(self._sync)
        sample.changed.connect(self._show_label)
        self._sync()

    @property
    def image_shape(self) -> tuple[int, int] | None:
        """``(rows, columns)`` of the input image, or None when the inputs are not one."""
        return input_image_shape(self._state.n_inputs, self._data)

    def _sync(self, *_) -> None:
        shape = self.image_shape
        self.stack.setCurrentIndex(0 if shape else 1)
        if shape is None:
            n = self._state.n_inputs
            self.unavailable.setText(f"The network's {n} input{'s' * (n != 1)} are not an image. Images come "
                                     "from image data (Digits) or square input sizes such as 64 or 784.")
        available = self._sample.available
        for widget in (self.sample_index, self.show_sample):
            widget.setEnabled(available)
        with QSignalBlocker(self.sample_index):  # a lower maximum clamps the value: that is no choice of a sample
            self.sample_index.setMaximum(max(0, self._data.n_samples - 1) if available else 0)
        self.canvas.update()
        self._show_label()

    def _show_sample(self, index: int) -> None:
        try:
            self._sample.show(index)
        except ValueError as error:
            self._state.message.emit(str(error))

    def _show_label(self) -> None:
        sample, data = self._sample, self._data
        if sample.index is None:
            text = ("Your drawing. " if self.image_shape else "") + (
                f"Pick a sample of the {data.display_name} data above." if sample.available else
                f"The {data.display_name} data do not fit the input layer (Match Network to Data in Training).")
        elif sample.label is None:
            text = f"Sample {sample.index:,} of the {data.display_name} data."
        else:
            text = f"Sample {sample.index:,} of the {data.display_name} data · true class: " \
                   f"<b>{data.class_name(sample.label)}</b>"
        self.true_label.setText(text)
