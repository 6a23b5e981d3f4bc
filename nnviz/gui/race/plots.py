"""The race's small multiples: one column per candidate, one row per quantity, epochs on every x axis.

Row 0 is one wide plot with every candidate's loss (training solid, test dashed) and the chance level.
Below it, per candidate: ‖∂E/∂W‖ as a layer × epoch heatmap (log₁₀, one colour scale for all), the
update-to-weight ratio per layer (log axis, the 1e-3 rule-of-thumb band shaded), the saturated share
per hidden layer, and at the end, for 2-input data, the decision plane. Lines of one candidate share
its colour; earlier layers are paler.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from nnviz.core.grids import predict_grid
from nnviz.core.targets import class_levels

from ..colors import CATEGORICAL, activation_colormap, fade, plane_colormap, rgb, series_colors, theme_colors

RATIO_BAND = (10 ** -3.5, 10 ** -2.5)
"""Update-to-weight ratios around the 1e-3 rule of thumb: much lower learns slowly, much higher is unstable."""
PLANE_RESOLUTION = 60
ROW_TITLES = ("layer · log₁₀‖∂E/∂W‖", "‖ΔW‖ / ‖W‖", "saturated")
ROW_TIPS = (
    "Gradient size of each weight layer at the start of each epoch (layer 1 at the bottom). A dark bottom "
    "and a bright top: the gradient vanishes on its way back.",
    "‖ΔW‖ / ‖W‖ per epoch and layer. The shaded band is the ~1e-3 rule of thumb; far below it a layer "
    "barely moves, far above it training is unstable.",
    "Share of saturated (or dead, for ReLU) hidden units on the training set, one line per hidden layer.",
)


def _plot() -> pg.PlotItem:
    plot = pg.PlotItem(enableMenu=False)
    plot.hideButtons()
    plot.setMouseEnabled(x=False, y=False)
    for axis in ("left", "bottom"):
        plot.getAxis(axis).enableAutoSIPrefix(False)
    return plot


class RacePlots:
    """The plots of one race on a ``pg.GraphicsLayout``; :meth:`build` for the candidates, :meth:`update`
    for their entries (:class:`~nnviz.core.race.RaceEntry`), :meth:`show_planes` at the end."""

    def __init__(self, layout: pg.GraphicsLayout):
        self._layout = layout
        self._theme = "light"
        self.loss_plot: pg.PlotItem | None = None
        self.columns: list[dict] = []
        self._chance_line: pg.InfiniteLine | None = None

    # -- building -----------------------------------------------------------------------------------
    def build(self, labels: list[str], n_layers: int, planes: bool, theme: str) -> None:
        """New plots for candidates ``labels`` of a network with ``n_layers`` weight layers."""
        self._layout.clear()
        self._theme = theme
        colors = theme_colors(theme)
        self.loss_plot = _plot()
        self.loss_plot.setLabel("left", "loss")
        self.loss_plot.setLogMode(y=True)
        self.loss_plot.setToolTip("Loss after each epoch: training solid, test dashed; dotted: chance level")
        self._layout.addItem(self.loss_plot, row=0, col=0, colspan=len(labels))
        self._chance_line = pg.InfiniteLine(angle=0, movable=False, pen=pg.mkPen(colors.muted, style=Qt.DotLine))
        self._chance_line.hide()
        self.loss_plot.addItem(self._chance_line)
        self.columns = []
        for col, (label, color) in enumerate(zip(labels, series_colors(theme, len(labels)))):
            column = {"color": color, "train": self.loss_plot.plot(pen=pg.mkPen(color, width=2), connect="finite"),
                      "test": self.loss_plot.plot(pen=pg.mkPen(color, width=1.5, style=Qt.DashLine),
                                                  connect="finite")}
            grad = _plot()
            grad.setTitle(label, color=color, size="9pt")
            column["grad_image"] = pg.ImageItem(axisOrder="col-major")
            column["grad_image"].setColorMap(activation_colormap())
            grad.addItem(column["grad_image"])
            ratio = _plot()
            ratio.setLogMode(y=True)
            band = pg.LinearRegionItem(np.log10(RATIO_BAND), orientation="horizontal", movable=False,
                                       brush=pg.mkBrush(pg.mkColor(colors.muted).lighter(130).name() + "40"),
                                       pen=pg.mkPen(None))
            ratio.addItem(band)
            ratio.addItem(pg.InfiniteLine(-3.0, angle=0, pen=pg.mkPen(colors.muted, style=Qt.DashLine)))
            saturation = _plot()
            saturation.setYRange(0.0, 1.0, padding=0.05)
            hidden = max(n_layers - 1, 0)
            column["ratio"] = [ratio.plot(pen=self._layer_pen(color, k, n_layers), connect="finite")
                               for k in range(n_layers)]
            column["saturation"] = [saturation.plot(pen=self._layer_pen(color, k, hidden), connect="finite")
                                    for k in range(hidden)]
            for row, plot in enumerate((grad, ratio, saturation), start=1):
                self._layout.addItem(plot, row=row, col=col)
                plot.setToolTip(ROW_TIPS[row - 1])
                if col == 0:
                    plot.setLabel("left", ROW_TITLES[row - 1])
            if self.columns:  # one y scale per row
                for key, plot in (("grad_plot", grad), ("ratio_plot", ratio), ("saturation_plot", saturation)):
                    plot.setYLink(self.columns[0][key])
            column.update(grad_plot=grad, ratio_plot=ratio, saturation_plot=saturation)
            if planes:
                plane = _plot()
                plane.setAspectLocked(True)
                plane.hideAxis("left")
                plane.hideAxis("bottom")
                column["plane_image"] = pg.ImageItem(axisOrder="row-major")
                plane.addItem(column["plane_image"])
                column["plane_points"] = pg.ScatterPlotItem(size=4, pen=pg.mkPen(colors.background, width=0.5))
                plane.addItem(column["plane_points"])
                self._layout.addItem(plane, row=4, col=col)
                column["plane_plot"] = plane
            self.columns.append(column)
        self.columns[-1]["saturation_plot"].setLabel("bottom", "epoch")
        self._style_axes(colors)
        for plot in [self.loss_plot] + [c["ratio_plot"] for c in self.columns]:
            plot.getAxis("left").setTickSpacing(1.0, 1.0)  # log axes: one label per decade
        for column in self.columns:
            column["grad_plot"].getAxis("left").setTicks([[(k + 0.5, str(k + 1)) for k in range(n_layers)]])

    def _layer_pen(self, color: str, layer: int, n_layers: int):
        """Layer ``layer`` of ``n_layers`` in the candidate's colour, paler towards the input."""
        alpha = 1.0 if n_layers <= 1 else 0.3 + 0.7 * layer / (n_layers - 1)
        mixed = fade(rgb(color)[None, :], theme_colors(self._theme).background, alpha)[0]
        return pg.mkPen(pg.mkColor(*np.rint(mixed).astype(int)), width=1.5)

    def _style_axes(self, colors) -> None:
        plots = [self.loss_plot] + [c[k] for c in self.columns for k in ("grad_plot", "ratio_plot",
                                                                          "saturation_plot")]
        for plot in plots:
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                axis.setPen(colors.muted)
                axis.setTextPen(colors.foreground)
                axis.setStyle(maxTextLevel=0)  # major ticks only: minor labels of a log axis overlap

    # -- drawing ------------------------------------------------------------------------------------
    def set_chance(self, loss: float | None) -> None:
        """The chance-level loss as a dotted line on the loss plot (None hides it)."""
        if self._chance_line is None:
            return
        ok = loss is not None and np.isfinite(loss) and loss > 0
        self._chance_line.setVisible(bool(ok))
        if ok:
            self._chance_line.setValue(np.log10(loss))

    def update(self, entries, epochs: int) -> None:
        """Draw what ``entries`` hold so far; the x axes span 0 … ``epochs``."""
        # Synchronised: every plot spans the same epochs (not linked: the loss plot is wider).
        for plot in [self.loss_plot] + [c[k] for c in self.columns for k in ("grad_plot", "ratio_plot",
                                                                              "saturation_plot")]:
            plot.setXRange(0.0, float(epochs), padding=0.02)
        grads = [np.log10(np.where(e.grad_norm > 0, e.grad_norm, np.nan)) for e in entries]
        finite = np.concatenate([g[np.isfinite(g)] for g in grads]) if grads else np.empty(0)
        levels = (float(finite.min()), float(finite.max()) + 1e-9) if finite.size else (0.0, 1.0)
        ratios = []
        for entry, column, grad in zip(entries, self.columns, grads):
            history = entry.history
            column["train"].setData(history.epoch, _positive(history.train_loss))
            column["test"].setData(history.epoch if history.test_loss else [], _positive(history.test_loss))
            # Epoch e's gradient is measured at its start: its cell spans e … e + 1.
            column["grad_image"].setImage(np.nan_to_num(grad, nan=levels[0]), levels=levels, autoLevels=False)
            column["grad_plot"].setYRange(0, grad.shape[1], padding=0.02)
            done = entry.epochs_done
            epochs_axis = np.arange(1, done + 1)
            for layer, curve in enumerate(column["ratio"]):
                values = _positive(entry.update_ratio[:done, layer])
                curve.setData(epochs_axis, values)
                ratios.append(values)
            for layer, curve in enumerate(column["saturation"]):
                curve.setData(np.arange(done + 1), entry.saturation[:done + 1, layer])
        finite = np.concatenate(ratios) if ratios else np.empty(0)
        finite = finite[np.isfinite(finite)]
        low, high = (np.log10(finite.min()), np.log10(finite.max())) if finite.size else (-4.0, -2.0)
        self.columns[0]["ratio_plot"].setYRange(min(low, -3.5), max(high, -2.5), padding=0.05)
        self.grad_levels = levels

    def show_planes(self, entries, X, y, bounds, classification: bool, palette: str) -> None:
        """Each trained candidate's output over the input plane, with the training points."""
        for entry, column in zip(entries, self.columns):
            if "plane_image" not in column:
                continue
            grid = predict_grid(entry.network, bounds, PLANE_RESOLUTION)
            image = column["plane_image"]
            if len(grid) <= 2:
                lo, hi = class_levels(entry.network) if classification else (float(np.min(y)), float(np.max(y)))
                values = grid[-1] - grid[0] if len(grid) == 2 else grid[0]
                levels = (lo - hi, hi - lo) if len(grid) == 2 else (lo, hi)
                image.setColorMap(plane_colormap(palette, self._theme, 0.6))
                image.setImage(np.nan_to_num(values), levels=levels, autoLevels=False)
            else:
                colours = np.array([pg.mkColor(CATEGORICAL[k % len(CATEGORICAL)]).getRgb()[:3]
                                    for k in range(len(grid))], dtype=np.uint8)
                image.setLookupTable(None)
                image.setImage(colours[np.argmax(np.nan_to_num(grid), axis=0)], autoLevels=False, levels=(0, 255))
            x_min, x_max, y_min, y_max = bounds
            image.setRect(x_min, y_min, x_max - x_min, y_max - y_min)
            if classification:
                brushes = [pg.mkBrush(CATEGORICAL[int(label) % len(CATEGORICAL)]) for label in y]
                column["plane_points"].setData(X[:, 0], X[:, 1], brush=brushes)
            column["plane_plot"].setRange(xRange=(x_min, x_max), yRange=(y_min, y_max), padding=0)


def _positive(values) -> np.ndarray:
    """Values for a log axis: non-positive and non-finite ones are left out (NaN)."""
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values) & (values > 0), values, np.nan)
