"""The confusion matrix of a classifier on the test or the training split, with accuracy per class."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from nnviz.core.metrics import accuracy, confusion_matrix, per_class_accuracy
from nnviz.core.targets import predict_labels, true_labels

from ..appearance import Appearance
from ..colors import class_colors, fade, rgb, text_colors, theme_colors
from ..deferred import DeferredRefresh

SPLITS = (("test", "Test data"), ("train", "Training data"))


class ConfusionMatrix(QWidget):
    """Counts of (true class, predicted class) for the state's network on ``data``; live while training.

    ``matrix`` is the ``(k, k)`` count array shown (None when the data are not classes or the network does
    not fit them), ``split`` ``"test"`` (the default) or ``"train"``. Object names: ``confusionSplit``
    (the split combo), ``confusionAccuracy``.
    """

    def __init__(self, state, data, appearance: Appearance, parent=None):
        super().__init__(parent)
        self.setObjectName("confusionMatrix")
        self._state = state
        self._data = data
        self._appearance = appearance
        self.matrix: np.ndarray | None = None
        self.split_combo = QComboBox(objectName="confusionSplit")
        for key, text in SPLITS:
            self.split_combo.addItem(text, key)
        self.split_combo.setToolTip("Count the test data (not trained on) or the training data")
        self.split_combo.currentIndexChanged.connect(lambda: self._refresh.mark("all"))
        self.accuracy = QLabel(objectName="confusionAccuracy", wordWrap=True)
        self.grid = _Grid(self)
        self.unavailable = QLabel(objectName="confusionUnavailable", wordWrap=True, alignment=Qt.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self.unavailable)
        top = QHBoxLayout()
        top.addWidget(QLabel("Count"))
        top.addWidget(self.split_combo, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.accuracy)
        self._refresh = DeferredRefresh(self, self._bring_up_to_date, ("all",), skip_hidden=True)
        for signal in (state.structureChanged, state.settingsChanged, state.weightsChanged, data.changed,
                       appearance.changed):
            signal.connect(lambda *_: self._refresh.mark("all"))

    @property
    def split(self) -> str:
        return self.split_combo.currentData()

    def set_split(self, split: str) -> None:
        self.split_combo.setCurrentIndex(self.split_combo.findData(split))

    def refresh_now(self) -> None:
        """Count at once (normally the next event-loop turn does)."""
        self._refresh.mark("all")
        self._refresh.run()

    def _bring_up_to_date(self, _stale) -> None:
        data, net = self._data, self._state.network
        X, y = (data.X_test, data.y_test) if self.split == "test" else (data.X_train, data.y_train)
        problem = None
        if not data.classification:
            problem = f"The {data.display_name} data are a regression: there are no classes to confuse."
        elif data.fit_problem(net.layer_sizes):
            problem = data.fit_problem(net.layer_sizes)
        elif len(y) == 0:
            problem = "There are no test data: lower the training share in Training."
        self.matrix = None
        if problem is None:
            with np.errstate(all="ignore"):
                predicted = predict_labels(net, X)
            self.matrix = confusion_matrix(true_labels(y), predicted, data.n_classes)
        self.stack.setCurrentIndex(1 if problem else 0)
        self.unavailable.setText(problem or "")
        if self.matrix is None:
            self.accuracy.setText("")
        else:
            per_class = per_class_accuracy(self.matrix)
            shown = " · ".join(f"{data.class_name(i)}: {a:.0%}" for i, a in enumerate(per_class) if np.isfinite(a))
            self.accuracy.setText(f"<b>Accuracy {accuracy(true_labels(y), predicted):.1%}</b> on {len(y):,} "
                                  f"{'test' if self.split == 'test' else 'training'} samples.<br>Per class: {shown}")
        self.grid.update()


class _Grid(QWidget):
    """Rows: true class; columns: predicted class. A cell's shade is its share of the row."""

    def __init__(self, owner: ConfusionMatrix):
        super().__init__()
        self.setObjectName("confusionGrid")
        self.setMinimumSize(160, 160)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self._owner = owner

    def paintEvent(self, event) -> None:
        matrix = self._owner.matrix
        if matrix is None:
            return
        look = self._owner._appearance
        colors = theme_colors(look.theme)
        data = self._owner._data
        k = len(matrix)
        names = [data.class_name(i) for i in range(k)]
        painter = QPainter(self)
        metrics = painter.fontMetrics()
        label_w = max(metrics.horizontalAdvance(n) for n in names) + 8
        head = metrics.height() * 2 + 4
        cell = max(4.0, min((self.width() - label_w) / k, (self.height() - head) / k))
        totals = matrix.sum(axis=1, keepdims=True)
        share = np.divide(matrix, totals, out=np.zeros(matrix.shape), where=totals > 0)
        fills = fade(np.tile(rgb(class_colors(look.palette, look.theme)[1]), (k * k, 1)), colors.background,
                     share.ravel())
        dark_text = text_colors(fills)
        painter.setPen(QColor(colors.muted))
        painter.drawText(QRectF(label_w, 0, cell * k, metrics.height()), Qt.AlignCenter, "predicted →")
        painter.drawText(QRectF(0, 0, label_w, head), Qt.AlignRight | Qt.AlignBottom, "true ↓ ")
        for i in range(k):
            painter.setPen(QColor(colors.foreground))
            painter.drawText(QRectF(label_w + i * cell, metrics.height() + 2, cell, metrics.height()),
                             Qt.AlignCenter, metrics.elidedText(names[i], Qt.ElideRight, int(cell)))
            painter.drawText(QRectF(0, head + i * cell, label_w - 6, cell), Qt.AlignRight | Qt.AlignVCenter, names[i])
            for j in range(k):
                index = i * k + j
                rect = QRectF(label_w + j * cell, head + i * cell, cell - 1, cell - 1)
                painter.fillRect(rect, QColor(*np.rint(fills[index]).astype(int)))
                if cell >= metrics.horizontalAdvance(str(matrix[i, j])) + 2:
                    painter.setPen(QColor("#000000" if dark_text[index] else "#ffffff"))
                    painter.drawText(rect, Qt.AlignCenter, str(matrix[i, j]))
        painter.end()
