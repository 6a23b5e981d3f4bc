"""Live training and test loss curves over the epochs."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from nnviz.core.training import History

from ..appearance import Appearance
from ..colors import theme_colors


class LossPlot(QWidget):
    """The loss after each epoch: training (solid) and test (dashed), linear or logarithmic y axis.

    Draw a :class:`~nnviz.core.training.History` with :meth:`set_history`; ``objectName`` ``lossPlot``,
    the log toggle is ``logLoss``. :meth:`set_chance` adds the chance baseline as a dotted line, and the
    label ``chanceLabel`` compares the loss before training with it.
    """

    def __init__(self, appearance: Appearance, parent=None):
        super().__init__(parent)
        self.setObjectName("lossPlot")
        self._appearance = appearance
        self.plot = pg.PlotWidget()
        self.plot.setMinimumHeight(140)
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        item = self.plot.getPlotItem()
        item.setLabel("bottom", "epoch")
        item.setLabel("left", "loss")
        item.showGrid(x=True, y=True, alpha=0.15)
        for name in ("left", "bottom"):
            item.getAxis(name).enableAutoSIPrefix(False)
        self._chance: float | None = None
        self._start_loss: float | None = None
        self._shown: tuple[History | None, int] = (None, 0)  # the history drawn and its length then
        self.chance_line = pg.InfiniteLine(angle=0, movable=False, label="chance",
                                           labelOpts={"position": 0.95, "anchors": [(1, 1), (1, 1)]})
        self.chance_line.hide()
        item.addItem(self.chance_line)
        self.chance_label = QLabel(objectName="chanceLabel", wordWrap=True)
        self.train_curve = item.plot(connect="finite")
        self.test_curve = item.plot(connect="finite")
        for curve in (self.train_curve, self.test_curve):
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
        self.log_toggle = QCheckBox("Logarithmic loss axis")
        self.log_toggle.setObjectName("logLoss")
        self.log_toggle.setToolTip("Show the loss on a log scale: slow late progress stays visible")
        self.log_toggle.toggled.connect(self._on_log_toggled)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.key = QLabel(objectName="lossKey")
        row = QHBoxLayout()
        row.addWidget(self.log_toggle)
        row.addStretch(1)
        row.addWidget(self.key)
        layout.addWidget(self.plot, 1)
        layout.addLayout(row)
        layout.addWidget(self.chance_label)
        appearance.changed.connect(self._apply_theme)
        self._apply_theme()

    def set_history(self, history: History) -> None:
        """Draw ``history`` (a trainer's grows by appending: drawn again only once it has grown)."""
        shown = (history, len(history.epoch))
        if self._shown[0] is shown[0] and self._shown[1] == shown[1]:
            return  # training publishes many pictures an epoch: the curves and axes keep theirs
        self._shown = shown
        epochs = np.asarray(history.epoch, dtype=float)
        # The epoch axis starts at 0 and spans at least 10 epochs, so that a new run does not look empty.
        last = epochs[-1] if len(epochs) else 0.0
        self.plot.getPlotItem().setXRange(0.0, max(10.0, last), padding=0.02)
        self.train_curve.setData(epochs, _positive(history.train_loss))
        if history.test_loss:
            self.test_curve.setData(epochs, _positive(history.test_loss))
        else:
            self.test_curve.setData([], [])
        self.test_curve.setVisible(bool(history.test_loss))
        # A line needs two points: before the first epoch, mark the starting loss with a dot.
        for curve in (self.train_curve, self.test_curve):
            curve.setSymbol("o" if len(epochs) == 1 else None)
        start = float(history.train_loss[0]) if history.train_loss else None
        if start != self._start_loss:
            self._start_loss = start
            self._show_chance()

    def set_chance(self, loss: float | None) -> None:
        """The loss of knowing nothing (:func:`~nnviz.core.baseline.chance_loss`); None hides the line."""
        self._chance = None if loss is None or not np.isfinite(loss) else float(loss)
        self._show_chance()

    def _show_chance(self) -> None:
        chance, start = self._chance, self._start_loss
        self.chance_line.setVisible(chance is not None and chance > 0)
        if chance is None:
            self.chance_label.setText("")
            return
        log = self.log_toggle.isChecked()
        if chance > 0:
            self.chance_line.setValue(np.log10(chance) if log else chance)
        self.chance_line.label.setFormat(f"chance {chance:.3g}")
        if start is None or not np.isfinite(start):
            self.chance_label.setText(f"Chance level (knowing nothing): loss {chance:.3g}.")
        elif start > 1.1 * chance:
            self.chance_label.setText(f"Before training the loss is {start:.3g}, worse than chance ({chance:.3g}): "
                                      "the outputs start confidently wrong; a smaller output-layer scale helps.")
        else:
            self.chance_label.setText(f"Before training: loss {start:.3g}; chance level {chance:.3g}.")

    def _on_log_toggled(self, on: bool) -> None:
        self.plot.getPlotItem().setLogMode(y=on)
        self._show_chance()  # the line's position is in the axis' own units

    def _apply_theme(self) -> None:
        colors = theme_colors(self._appearance.theme)
        self.plot.setBackground(colors.background)
        item = self.plot.getPlotItem()
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(colors.muted)
            axis.setTextPen(colors.foreground)
        # Training solid in the text colour, test dashed in the muted one: neither is a class colour.
        for curve, color, style in ((self.train_curve, colors.foreground, Qt.SolidLine),
                                    (self.test_curve, colors.muted, Qt.DashLine)):
            curve.setPen(pg.mkPen(color, width=2, style=style))
            curve.setSymbolBrush(color)
            curve.setSymbolPen(color)
            curve.setSymbolSize(6)
        self.chance_line.setPen(pg.mkPen(colors.muted, width=1, style=Qt.DotLine))
        self.chance_line.label.setColor(colors.muted)
        self.key.setText(f'<span style="color:{colors.foreground}">━━</span> training&nbsp;&nbsp;'
                         f'<span style="color:{colors.muted}">╍╍</span> test')


def _positive(values) -> np.ndarray:
    # A loss of exactly 0 has no logarithm: the smallest positive float keeps the log axis drawable.
    # A diverged (infinite) loss is left out of the curve.
    values = np.maximum(np.asarray(values, dtype=float), np.finfo(float).tiny)
    values[~np.isfinite(values)] = np.nan
    return values


def metrics_text(history: History) -> str:
    """The last epoch's loss (and accuracy, when classifying) on the training and, if any, the test data."""
    if not history.train_loss:
        return "Loss: measuring…"
    lines = [_pair("Loss", history.train_loss, history.test_loss, "{:.4g}")]
    if history.train_accuracy:
        lines.append(_pair("Accuracy", history.train_accuracy, history.test_accuracy, "{:.1%}"))
    return "\n".join(lines)


def _pair(what: str, train: list, test: list, number: str) -> str:
    text = f"{what}: training {number.format(train[-1])}"
    return text + (f" · test {number.format(test[-1])}" if test else "")
