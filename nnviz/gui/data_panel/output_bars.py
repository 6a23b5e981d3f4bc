"""The output layer as a bar chart: probabilities for a softmax output, labelled with the class names."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..appearance import Appearance
from ..colors import class_colors, theme_colors
from .sample import ShownSample

MAX_BARS = 20
"""More output units than this: the largest ones are shown."""
ROW_PX = 18
_LABEL_ALIGN = Qt.AlignRight | Qt.AlignVCenter
_VALUE_ALIGN = Qt.AlignLeft | Qt.AlignVCenter


class OutputBars(QWidget):
    """One horizontal bar per output unit, the predicted class highlighted and the true one marked.

    Reads ``state.trace`` (redrawn after every forward pass); class names come from the data when the data
    fit the output layer. ``sample`` (:class:`~nnviz.gui.data_panel.sample.ShownSample`) gives the true class.
    """

    def __init__(self, state, data, sample: ShownSample, appearance: Appearance, parent=None):
        super().__init__(parent)
        self.setObjectName("outputBars")
        self.setMinimumSize(80, 60)  # a small screen squeezes it first
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self._state = state
        self._data = data
        self._sample = sample
        self._appearance = appearance
        for signal in (state.traceChanged, data.changed, sample.changed, appearance.changed):
            signal.connect(self.update)

    # -- what is shown ------------------------------------------------------------------------------------
    @property
    def is_probability(self) -> bool:
        """True when the outputs are probabilities (a softmax output layer)."""
        return self._state.network.output_activation == "softmax"

    def bars(self) -> list[tuple[int, str, float]]:
        """``(unit, label, value)`` of every bar shown, in unit order (the :data:`MAX_BARS` largest)."""
        output = np.asarray(self._state.trace.output, dtype=float)
        units = np.arange(len(output))
        if len(output) > MAX_BARS:
            units = np.sort(np.argsort(-np.nan_to_num(output, nan=-np.inf))[:MAX_BARS])
        names_fit = self._data.classification and self._data.n_classes == len(output)
        return [(int(u), self._data.class_name(int(u)) if names_fit else str(int(u)), float(output[u]))
                for u in units]

    @property
    def predicted(self) -> int | None:
        """The unit with the largest output (None for a single output unit: it is not a choice)."""
        output = self._state.trace.output
        return int(np.nanargmax(output)) if len(output) > 1 and np.any(np.isfinite(output)) else None

    @property
    def true_unit(self) -> int | None:
        """The true class of the sample on the inputs, when it names an output unit."""
        label = self._sample.label
        return label if label is not None and label < self._state.network.layer_sizes[-1] else None

    # -- drawing ------------------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        look = self._appearance
        colors = theme_colors(look.theme)
        highlight = QColor(class_colors(look.palette, look.theme)[1])
        muted, foreground = QColor(colors.muted), QColor(colors.foreground)
        bars = self.bars()
        values = np.array([v for _, _, v in bars])
        finite = values[np.isfinite(values)]
        low = min(0.0, float(finite.min())) if finite.size else 0.0
        high = 1.0 if self.is_probability else max(1e-12, float(finite.max()) if finite.size else 1.0)
        predicted, true = self.predicted, self.true_unit
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        metrics = painter.fontMetrics()
        title = "Probabilities (softmax)" if self.is_probability else \
            f"Outputs ({self._state.network.output_activation})"
        if true is not None:
            title += " · dashed: true class"
        painter.setPen(muted)
        painter.drawText(QRectF(4, 0, self.width() - 8, metrics.height() + 4), Qt.AlignLeft | Qt.AlignVCenter,
                         metrics.elidedText(title, Qt.ElideRight, self.width() - 8))
        top = metrics.height() + 6
        row = min(max(ROW_PX, metrics.height() + 2), (self.height() - top) / max(1, len(bars)))
        label_w = max(metrics.horizontalAdvance(label) for _, label, _ in bars) + 12
        value_w = metrics.horizontalAdvance("−0.000") + 8
        width = max(10.0, self.width() - label_w - value_w - 8)
        zero_x = label_w + width * (-low / (high - low))
        lengths = width * np.nan_to_num(values) / (high - low)
        regular = painter.font()
        bold = QFont(regular)
        bold.setBold(True)
        for i, (unit, label, value) in enumerate(bars):
            y = top + i * row
            bar = QRectF(zero_x, y + 2, float(lengths[i]), row - 4).normalized()
            painter.fillRect(bar, highlight if unit == predicted else muted)
            painter.setPen(foreground)
            painter.setFont(bold if unit == predicted else regular)
            painter.drawText(QRectF(0, y, label_w - 6, row), _LABEL_ALIGN, label)
            painter.drawText(QRectF(label_w + width + 6, y, value_w, row), _VALUE_ALIGN,
                             f"{value:.3f}" if abs(value) < 1000 else f"{value:.2g}")
            if unit == true:
                painter.setPen(QPen(foreground, 1.5, Qt.DashLine))
                painter.setBrush(Qt.NoBrush)
                painter.drawRect(QRectF(label_w - 2, y + 1, width + 4, row - 2))
        painter.end()
