"""The activation functions and their derivatives, with every neuron of the forward pass on its curve."""

from __future__ import annotations

import functools

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from nnviz.core.activations import get_activation
from nnviz.core.verdicts import flat_units_sentence

from .appearance import Appearance
from .colors import ThemeColors, marker_brush, marker_pen, theme_colors
from .deferred import DeferredRefresh
from .layer_names import layer_title

Z_RANGES = (6.0, 10.0, 20.0, 50.0, 100.0)
"""Half-widths the z axis can take: the smallest that holds every neuron's z; beyond the last,
neurons are off the plot (and counted below it)."""
CURVE_POINTS = 801
"""Odd, so that z = 0 (the kink of ReLU) is a sample."""
FLAT_FRACTION = 0.1
"""Where |f′| is below this fraction of its peak the curve is shaded "flat": neurons there barely learn."""
MARKER_SIZE = 7
QUALITATIVE_LAYERS = 9
"""Up to this many layers get evenly spaced hues; more get a gradient from the first to the last."""
MAX_LEGEND_LAYERS = 8
"""With more layers the legend names only the first and last hidden layer and the output."""
LEGEND_ENTRY_WIDTH = 105
"""Room per legend entry: the legend has as many columns as fit."""
SIDE_BY_SIDE_ASPECT = 1.0
"""Two plots go side by side when the widget is at least this many times wider than high, else stacked."""
SIDE_BY_SIDE_MIN_WIDTH = 400
"""…and at least this wide, so that each plot has room for its formula."""
LEGEND_BESIDE_ASPECT = 1.4
"""The legend goes beside the plots when the widget is at least this many times wider than high."""
_PEAK_GRID = np.linspace(-6.0, 6.0, 1201)

def z_half_width(z: np.ndarray) -> float:
    """The smallest of :data:`Z_RANGES` that holds every ``z`` with a little room, else the largest."""
    extent = float(np.max(np.abs(z))) * 1.05 if z.size else 0.0
    return next((r for r in Z_RANGES if r >= extent), Z_RANGES[-1])


@functools.cache
def flat_threshold(name: str) -> float:
    """|f′| below this counts as flat: :data:`FLAT_FRACTION` of the peak of |f′| over z in [−6, 6]."""
    return FLAT_FRACTION * float(np.max(np.abs(get_activation(name).curve_derivative(_PEAK_GRID))))


class _FunctionPlot:
    """One PlotItem: an activation's f and f′, its flat regions, and the scatters of the layers using it."""

    def __init__(self):
        self.plot = pg.PlotItem()
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.plot.setLabel("left", "f(z)")
        self.regions: list[pg.LinearRegionItem] = []
        self.f_curve = self.plot.plot()
        self.df_curve = self.plot.plot()
        self.scatters: list[pg.ScatterPlotItem] = []
        self.curve_key = None
        self.title = ""
        self.role = ""
        self.title_size = "10pt"

    def show(self, activation, role: str, layers: list[int], names, trace, theme) -> int:
        """Draw ``activation`` with the neurons of ``layers`` (1 … L−1), whose scatters must be in
        ``self.scatters``, in that order; returns how many neurons are beyond the z axis."""
        scatters = self.scatters
        z_all = np.concatenate([trace.pre[layer - 1] for layer in layers])
        half_width = z_half_width(z_all)
        if self.curve_key != (activation.name, half_width, theme):
            self.curve_key = (activation.name, half_width, theme)
            self._draw_curves(activation, half_width, theme)
        # The role goes under the axis: a longer title would not fit a narrow dock.
        if activation.formula != self.title:
            self.title = activation.formula
            self.plot.setTitle(self.title, color=theme.foreground, size=self.title_size)
        if role != self.role:
            self.role = role
            self.plot.setLabel("bottom", f"z ({role})")
        for layer, scatter, name in zip(layers, scatters, names):
            z = trace.pre[layer - 1]
            scatter.setData(z, trace.post[layer], data=np.arange(z.size), tip=_tip(name))
        return int(np.count_nonzero(np.abs(z_all) > half_width))

    def _draw_curves(self, activation, half_width: float, theme) -> None:
        z = np.linspace(-half_width, half_width, CURVE_POINTS)
        threshold = flat_threshold(activation.name)
        f, df = activation.curve(z), activation.curve_derivative(z)  # elementwise even for softmax
        self.f_curve.setData(z, f)
        self.df_curve.setData(z, df)
        # Shade each run of samples where the function is flat.
        flat = np.abs(df) < threshold
        edges = np.flatnonzero(np.diff(np.concatenate([[0], flat.astype(np.int8), [0]])))
        runs = [(z[a], z[b - 1]) for a, b in zip(edges[::2], edges[1::2]) if b - a > 1]
        while len(self.regions) < len(runs):
            region = pg.LinearRegionItem(movable=False, pen=pg.mkPen(None))
            region.setZValue(-10)
            self.plot.addItem(region, ignoreBounds=True)
            self.regions.append(region)
        for i, region in enumerate(self.regions):
            region.setVisible(i < len(runs))
            if i < len(runs):
                region.setRegion(runs[i])
                region.setBrush(pg.mkBrush(theme.series["flat"]))
        low, high = min(f.min(), df.min(), 0.0), max(f.max(), df.max(), 1.0)
        self.plot.setXRange(-half_width, half_width, padding=0)
        self.plot.setYRange(low, high, padding=0.06)

    def style(self, theme, scale: float) -> None:
        foreground, derivative = theme.foreground, theme.series["f_prime"]
        font = QFont()
        font.setPointSizeF(font.pointSizeF() * scale)
        for name in ("bottom", "left"):
            axis = self.plot.getAxis(name)
            axis.setPen(foreground)
            axis.setTextPen(foreground)
            axis.setStyle(tickFont=font)
            axis.label.setFont(font)
        self.f_curve.setPen(pg.mkPen(foreground, width=2 * scale))
        self.df_curve.setPen(pg.mkPen(derivative, width=1.5 * scale, style=Qt.PenStyle.DashLine))
        self.title_size = f"{10 * scale:g}pt"
        self.plot.setTitle(self.title, color=foreground, size=self.title_size)
        self.curve_key = None


class ActivationPlot(QWidget):
    """The hidden and output activations f(z) and f′(z), with one marker per neuron at (z, f(z)).

    Each layer's neurons are one scatter, coloured by layer, so that it is plain which neurons sit
    on a flat (saturated or switched-off) part of their curve. When the output layer uses the
    hidden layers' activation there is one plot; otherwise two, side by side or stacked,
    whichever suits the widget's shape. Redrawn after ``state.traceChanged`` once ``paint_first``
    (the network view) has painted the change, and only while on screen (a hidden tab catches up
    when shown); curves are recomputed only when the activation or the z range changes.
    """

    def __init__(self, state, appearance: Appearance, parent=None):
        super().__init__(parent)
        self.setObjectName("activationPlot")
        self.setToolTip("Each marker is one neuron at (z, f(z)) for the current input. Shaded: the "
                        "flat part of f, where f′ is small and the neuron learns slowly.")
        self._state = state
        self._appearance = appearance
        self._graphics = pg.GraphicsLayoutWidget()
        self._graphics.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._plots = [_FunctionPlot(), _FunctionPlot()]
        # One legend under the plots for both: inside a plot it would hide neurons.
        self._legend = pg.LegendItem(verSpacing=-6)
        self._legend.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # compact, centred
        self._legend_key = None
        self._arrangement = None
        self._scatters: list[pg.ScatterPlotItem] = []
        self._summary = QLabel(objectName="activationSummary")
        self._summary.setWordWrap(True)
        self._summary.setToolTip(f"A neuron is flat where |f′(z)| is below {FLAT_FRACTION:.0%} of its "
                                 "peak: its weights barely change in training.")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self._graphics, 1)
        layout.addWidget(self._summary)
        self.setMinimumSize(260, 200)
        self._graphics.installEventFilter(self)

        self.paint_first: QWidget | None = None  # a view whose picture of a change comes before the markers
        self._refresh = DeferredRefresh(self, lambda _parts: self._on_trace_changed(), skip_hidden=True)
        state.traceChanged.connect(self._mark_stale)
        appearance.changed.connect(self._on_appearance_changed)
        self._on_appearance_changed()

    def sizeHint(self):
        return QSize(480, 300)

    # -- for callers and tests ---------------------------------------------------------------------
    def layer_scatter(self, layer: int) -> pg.ScatterPlotItem:
        """The scatter of layer ``layer`` (1 … L−1): x is z, y is f(z), one point per neuron."""
        return self._scatters[layer - 1]

    def function_plots(self) -> list[pg.PlotItem]:
        """The plots on show: one, or two when the output activation differs from the hidden one."""
        return [p.plot for p in self._plots[: self._arrangement[0]]]

    def curves(self, index: int = 0) -> tuple[pg.PlotDataItem, pg.PlotDataItem]:
        """The f and f′ curves of plot ``index`` (0: hidden, or shared; 1: output)."""
        return self._plots[index].f_curve, self._plots[index].df_curve

    # -- drawing ---------------------------------------------------------------------------------------
    def _theme(self) -> ThemeColors:
        return theme_colors(self._appearance.theme)

    def _on_appearance_changed(self) -> None:
        theme = self._theme()
        self._graphics.setBackground(theme.background)
        for function_plot in self._plots:
            function_plot.style(theme, self._appearance.scale)
        self._colour_scatters()
        self._legend.setLabelTextColor(theme.foreground)
        self._legend_key = None
        self._on_trace_changed()

    def _colour_scatters(self) -> None:
        """Layer colours from a cyclic qualitative map; the output layer's markers are also diamonds."""
        count = len(self._scatters)
        if count <= QUALITATIVE_LAYERS:
            # Fixed places on the wheel: a layer keeps its colour when layers come and go, and each
            # scatter's symbol cache (pyqtgraph never empties it) holds one or two styles, not one per count.
            positions = np.arange(count) / QUALITATIVE_LAYERS
        else:
            # Hidden layers as a gradient, stopping short of the output's hue and of the wrap to the start.
            positions = np.append(np.linspace(0.0, 0.68, count - 1), 0.8)
        colours = pg.colormap.get(self._theme().layer_colormap).map(positions, mode="qcolor")
        for index, (scatter, colour) in enumerate(zip(self._scatters, colours)):
            is_output = index == count - 1
            scatter.setSymbol("d" if is_output else "o")
            scatter.setZValue(11 if is_output else 10)
            scatter.setSize(MARKER_SIZE * self._appearance.scale * (1.3 if is_output else 1.0))
            scatter.setBrush(marker_brush(colour))
            scatter.setPen(marker_pen(colour.darker(160)))

    def _fit_scatters(self, count: int) -> None:
        if len(self._scatters) == count:
            return
        while len(self._scatters) < count:
            scatter = pg.ScatterPlotItem(hoverable=True, tip=None)
            self._scatters.append(scatter)
        while len(self._scatters) > count:
            scatter = self._scatters.pop()
            for function_plot in self._plots:
                if scatter in function_plot.scatters:
                    function_plot.plot.removeItem(scatter)
                    function_plot.scatters = [s for s in function_plot.scatters if s is not scatter]
        self._colour_scatters()

    def is_up_to_date(self) -> bool:
        """Whether the markers show the current trace (they follow it on the next event-loop turns)."""
        return not self._refresh.stale

    def _mark_stale(self) -> None:
        self._refresh.stale.add("trace")
        if self.paint_first is not None:
            self._refresh.mark_after_paint(self.paint_first)
        else:
            self._refresh.mark("trace")

    def _on_trace_changed(self) -> None:
        self._refresh.stale.discard("trace")
        network, trace = self._state.network, self._state.trace
        n_layers = len(network.layer_sizes)
        self._fit_scatters(n_layers - 1)
        hidden, output = network.activation_of(1), network.activation_of(n_layers - 1)
        if n_layers == 2 or hidden.name == output.name:
            groups = [(output, "all layers" if n_layers > 2 else "output layer", list(range(1, n_layers)))]
        else:
            groups = [(hidden, "hidden layers", list(range(1, n_layers - 1))),
                      (output, "output layer", [n_layers - 1])]
        self._arrange(len(groups))
        self._assign_scatters([[self._scatters[i - 1] for i in layers] for _, _, layers in groups])
        theme = self._theme()
        off_plot = sum(
            function_plot.show(activation, role, layers, [layer_title(i, n_layers) for i in layers], trace, theme)
            for function_plot, (activation, role, layers) in zip(self._plots, groups))
        self._summary.setText(self._summary_text(network, trace, off_plot))
        symbol = groups[0][0].symbol if len(groups) == 1 else "f"
        names = [layer_title(i, n_layers) for i in range(1, n_layers)]
        if (symbol, names, theme) != self._legend_key:
            self._legend_key = (symbol, names, theme)
            self._fill_legend(symbol, names)

    def _fill_legend(self, symbol: str, names: list[str]) -> None:
        self._legend.clear()
        f_curve, df_curve = self.curves(0)
        self._legend.addItem(f_curve, f"{symbol}(z)")
        self._legend.addItem(df_curve, f"{symbol}′(z)")
        entries = list(zip(self._scatters, names))
        if len(entries) > MAX_LEGEND_LAYERS:
            entries = [entries[0], entries[-2], entries[-1]]
        for scatter, name in entries:
            self._legend.addItem(scatter, name)
        self._fit_legend_columns()

    def _fit_legend_columns(self, width: int | None = None) -> None:
        width = self._graphics.width() if width is None else width
        columns = 1 if self._legend_beside() else max(1, min(len(self._legend.items), width // LEGEND_ENTRY_WIDTH))
        if columns != self._legend.columnCount:
            self._legend.setColumnCount(columns)

    @staticmethod
    def _summary_text(network, trace, off_plot: int) -> str:
        n_layers = len(network.layer_sizes)
        counts = []
        for role, layers in (("hidden", range(1, n_layers - 1)), ("output", [n_layers - 1])):
            if not layers:
                continue
            activation = network.activation_of(layers[0])
            z = np.concatenate([trace.pre[layer - 1] for layer in layers])
            flat = np.count_nonzero(np.abs(activation.derivative(z)) < flat_threshold(activation.name))
            counts.append((role, int(flat), int(z.size), activation.saturates))
        text = flat_units_sentence(counts)  # one verdict, worded in the core beside the explorer's
        if off_plot:
            text += f" {off_plot} beyond the z axis."
        return text

    def _assign_scatters(self, wanted: list[list]) -> None:
        """Put each layer's scatter in the plot of its activation: all removals first, as an item
        can be in one plot only."""
        wanted = wanted + [[]] * (len(self._plots) - len(wanted))
        for function_plot, scatters in zip(self._plots, wanted):
            for scatter in function_plot.scatters:
                if scatter not in scatters:
                    function_plot.plot.removeItem(scatter)
        for function_plot, scatters in zip(self._plots, wanted):
            for scatter in scatters:
                if scatter not in function_plot.scatters:
                    function_plot.plot.addItem(scatter)
            function_plot.scatters = scatters

    def _legend_beside(self) -> bool:
        # A short wide dock: the legend beside the plots, or under them it squashes them to a strip.
        return self.width() >= LEGEND_BESIDE_ASPECT * self.height()

    def _arrange(self, count: int) -> None:
        # Side by side only when each plot still has room for its title (a formula).
        side_by_side = self.width() >= max(SIDE_BY_SIDE_ASPECT * self.height(), SIDE_BY_SIDE_MIN_WIDTH)
        beside = self._legend_beside()
        arrangement = (count, side_by_side, beside)
        if arrangement == self._arrangement:
            return
        self._arrangement = arrangement
        layout = self._graphics.ci
        layout.clear()
        for i, function_plot in enumerate(self._plots[:count]):
            layout.addItem(function_plot.plot, row=0 if side_by_side else i, col=i if side_by_side else 0)
        if beside:
            layout.addItem(self._legend, row=0, col=count if side_by_side else 1, rowspan=1 if side_by_side else count)
            layout.layout.setAlignment(self._legend, Qt.AlignmentFlag.AlignVCenter)
        else:
            layout.addItem(self._legend, row=1 if side_by_side else count, col=0, colspan=2 if side_by_side else 1)
            layout.layout.setAlignment(self._legend, Qt.AlignmentFlag.AlignHCenter)

    def eventFilter(self, watched, event):
        # Before the graphics view lays out its plots, so that the layout's minimum width (the legend's
        # columns) already suits the new width.
        if watched is self._graphics and event.type() == QEvent.Type.Resize and self._arrangement:
            self._arrange(self._arrangement[0])
            self._fit_legend_columns(event.size().width())
        return False


def _tip(layer_name: str):
    def tip(x, y, data):
        return f"{layer_name}, neuron {data + 1}\nz = {x:.4g}\nf(z) = {y:.4g}"
    return tip
