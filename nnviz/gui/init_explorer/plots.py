"""The pyqtgraph pieces of the initialisation explorer: one row of histograms per layer, and the depth view.

Both keep a fixed set of plot items and only change their data, so an update costs a few
``setData`` calls however often it runs. "B" is the current network, "A" the pinned one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from nnviz.core import get_activation
from nnviz.core.stats import LayerStats, NetworkStats, histogram, max_abs_derivative, shared_bins
from nnviz.core.verdicts import format_number

from ..colors import theme_colors

MAX_BINS = 40
CURVE_POINTS = 200
Z_MIN_RANGE = (-1.0, 1.0)
"""The z plots always show at least this much of the activation curve, so tiny z reads as 'near 0'."""
LOG_SPAN = 100.0
"""The depth plots switch to a log y axis when the largest value is this many times the smallest."""

_SERIES_COLOURS = {
    "light": {"pinned": "#808080", "w": "#6a51a3", "z": "#2171b5", "a": "#238b45", "curve": "#303030",
              "derivative": "#e6550d", "a_std": "#238b45", "mean_abs_derivative": "#e6550d", "grad_norm": "#cb181d",
              "marker": "#9e9e9e"},
    "dark": {"pinned": "#a8a8a8", "w": "#b39ddb", "z": "#64b5f6", "a": "#81c784", "curve": "#e0e0e0",
             "derivative": "#ffab40", "a_std": "#81c784", "mean_abs_derivative": "#ffab40", "grad_norm": "#ef5350",
             "marker": "#777777"},
}
THEMES = {
    name: {"background": theme_colors(name).background, "foreground": theme_colors(name).foreground,
           "muted": theme_colors(name).muted, "mark": theme_colors(name).mark, **series}
    for name, series in _SERIES_COLOURS.items()
}
"""Plot colours per theme: the app's background, text and mark colours plus one colour per quantity."""

DEPTH_SERIES = (
    ("a_std", "std(a)", "Spread of the activations per layer (layer 0 is the input batch). "
                        "Falling towards 0: the signal vanishes; growing: it explodes."),
    ("mean_abs_derivative", "mean |f′(z)|", "How steep the activation is where the units sit. Near 0: "
                                            "saturated or dead units pass no gradient back."),
    ("grad_norm", "‖∂E/∂W‖", "Size of the batch-mean gradient of each weight matrix at this initialisation. "
                             "Much smaller in the first layers than the last: vanishing gradients."),
)


def bin_count(n_values: int) -> int:
    """Fewer, wider bins for few values: 2√n, between 10 and ``MAX_BINS``."""
    return int(np.clip(2 * np.sqrt(n_values), 10, MAX_BINS))


@dataclass(frozen=True)
class PlotStyle:
    """Colours (one of :data:`THEMES`) and the presentation scale that fonts and lines grow with."""

    colours: dict
    scale: float = 1.0

    def pen(self, key: str, width: float, dashed: bool = False, dotted: bool = False):
        style = Qt.DashLine if dashed else (Qt.DotLine if dotted else Qt.SolidLine)
        return pg.mkPen(self.colours[key], width=width * self.scale, style=style)

    def text_size(self, points: float) -> str:
        return f"{points * self.scale:.1f}pt"

    def tick_font(self) -> QFont:
        font = QFont()
        font.setPointSizeF(7.5 * self.scale)
        return font


def _colour(hex_colour: str, alpha: int = 255):
    colour = pg.mkColor(hex_colour)
    colour.setAlpha(alpha)
    return colour


def _make_plot(tooltip: str) -> pg.PlotItem:
    plot = pg.PlotItem(enableMenu=False)  # also spares building the view box's context menu
    plot.hideButtons()
    plot.setMouseEnabled(x=False, y=False)
    plot.disableAutoRange()
    for axis in plot.axes.values():
        # No axis label shows a unit, so SI prefixes never apply; left on, every range change re-lays out
        # the (mostly hidden) label's HTML.
        axis["item"].enableAutoSIPrefix(False)
    plot.setToolTip(tooltip)
    return plot


def _style_axes(plot: pg.PlotItem, style: PlotStyle) -> None:
    font = style.tick_font()
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(style.colours["muted"])
        axis.setTextPen(style.colours["foreground"])
        # Labels on major ticks only: the plots are narrow and crowded labels overlap.
        axis.setStyle(tickFont=font, tickLength=int(-4 * style.scale), maxTextLevel=0)


def _line(**options) -> pg.PlotDataItem:
    # The y range always holds the data, so pyqtgraph's clipping of far-off values is never needed; left
    # on, it recomputes every line on every range change.
    return pg.PlotDataItem(dynamicRangeLimit=None, **options)


def _padded(span, padding: float) -> tuple[float, float]:
    lo, hi = span
    pad = padding * (hi - lo)
    return float(lo - pad), float(hi + pad)


class ChangeCache:
    """Sets titles, labels, view ranges, log modes and ticks only when they differ from the last ones set.

    Re-laying out text and re-ranging a view box are the slow parts of an update; the items live as long
    as the cache's owner, so they are told apart by ``id``.
    """

    def __init__(self):
        self._last: dict = {}

    def _changed(self, item, what: str, value) -> bool:
        key = (id(item), what)
        changed = key not in self._last or self._last[key] != value
        self._last[key] = value
        return changed

    def set_title(self, plot: pg.PlotItem, text: str, **style) -> None:
        if self._changed(plot, "title", (text, style)):
            plot.setTitle(text, **style)

    def set_text(self, label: pg.LabelItem, text: str, **style) -> None:
        if self._changed(label, "text", (text, style)):
            label.setText(text, **style)

    def set_range(self, plot: pg.PlotItem, x_span, y_span, x_padding: float, y_padding: float) -> None:
        """``setXRange`` and ``setYRange`` with these paddings, in one view-box update."""
        x_range, y_range = _padded(x_span, x_padding), _padded(y_span, y_padding)
        if self._changed(plot, "range", (x_range, y_range)):
            plot.setRange(xRange=x_range, yRange=y_range, padding=0)

    def set_log_y(self, plot: pg.PlotItem, log: bool) -> None:
        if self._changed(plot, "log", log):
            plot.setLogMode(x=False, y=log)
            self._last.pop((id(plot), "range"), None)  # a new log mode turns auto-range back on

    def set_ticks(self, axis: pg.AxisItem, ticks: list | None) -> None:
        if self._changed(axis, "ticks", ticks):
            axis.setTicks(ticks)


class HistogramPair:
    """A filled step histogram for B and an outline for the pinned A, in one plot."""

    def __init__(self, plot: pg.PlotItem, key: str):
        self.key = key
        self.pinned = _line(stepMode="center")
        self.current = _line(stepMode="center", fillLevel=0)
        plot.addItem(self.current)
        plot.addItem(self.pinned)
        self._pinned_shown = True

    def set_style(self, style: PlotStyle) -> None:
        self.current.setPen(style.pen(self.key, 1.2))
        self.current.setBrush(_colour(style.colours[self.key], 90))
        self.pinned.setPen(style.pen("pinned", 1.6))

    def set_data(self, edges, current, pinned=None) -> float:
        """Draw the value arrays as shares of their count in ``edges``; returns the tallest share."""
        counts = histogram(current, edges) / max(current.size, 1)
        self.current.setData(edges, counts)
        top = counts.max(initial=0.0)
        if pinned is None:
            if self._pinned_shown:
                self.pinned.setData([], [])
                self.pinned.hide()
        else:
            pinned_counts = histogram(pinned, edges) / max(pinned.size, 1)
            self.pinned.setData(edges, pinned_counts)
            self.pinned.show()
            top = max(top, pinned_counts.max(initial=0.0))
        self._pinned_shown = pinned is not None
        return top


class LayerRow:
    """One layer: a header, then histograms of W, of z over f and f′, and of a."""

    def __init__(self, layout: pg.GraphicsLayout, row: int):
        self.header = pg.LabelItem(justify="left")
        layout.addItem(self.header, row=row, col=0, colspan=3)
        self.w_plot = _make_plot("Distribution of this layer's weights W.")
        self.z_plot = _make_plot(
            "Distribution of z = W·x (+ b) over the activation f (solid) and its slope f′ (dashed), both rescaled "
            "to the plot height. Mass on the flat parts of f means saturated units: f′ ≈ 0 and no gradient.")
        self.a_plot = _make_plot("Distribution of the activations a = f(z) that this layer passes on.")
        self.plots = (self.w_plot, self.z_plot, self.a_plot)
        for col, plot in enumerate(self.plots):
            layout.addItem(plot, row=row + 1, col=col)
            plot.hideAxis("left")
        self.w_hist = HistogramPair(self.w_plot, "w")
        self.z_hist = HistogramPair(self.z_plot, "z")
        self.a_hist = HistogramPair(self.a_plot, "a")
        self.curve = _line()
        self.derivative = _line()
        self.z_plot.addItem(self.curve)
        self.z_plot.addItem(self.derivative)
        self.curve.setZValue(10)
        self.derivative.setZValue(10)
        self._style: PlotStyle | None = None
        self._cache = ChangeCache()
        self._grid = layout.layout
        self._cells = [(self.header, row, 0, 3), *((plot, row + 1, col, 1) for col, plot in enumerate(self.plots))]
        self._in_grid = True

    def set_visible(self, visible: bool) -> None:
        """Put the row back in its cells, or take it out of the grid and hide it (keeping its plots).

        Taken out, not just hidden: the grid shares out the column widths among hidden items too. This
        goes through the Qt grid, behind pyqtgraph's back, so the layout must never be ``clear()``-ed.
        """
        if visible == self._in_grid:
            return
        for item, row, col, colspan in self._cells:
            if visible:
                self._grid.addItem(item, row, col, 1, colspan)
            else:
                self._grid.removeItem(item)
            item.setVisible(visible)
        self._in_grid = visible

    def set_style(self, style: PlotStyle) -> None:
        """Style the shown row (if ``style`` is new): axes styled while hidden size themselves to nothing."""
        if style == self._style:
            return
        self._style = style
        for plot in self.plots:
            _style_axes(plot, style)
        for hist in (self.w_hist, self.z_hist, self.a_hist):
            hist.set_style(style)
        self.curve.setPen(style.pen("curve", 1.5))
        self.derivative.setPen(style.pen("derivative", 1.5, dashed=True))

    def update(self, layer: LayerStats, pinned: LayerStats | None, n_layers: int) -> None:
        """Show ``layer`` (B) and, if given, the same layer of the pinned network (A) on shared bins."""
        text_style = {"color": self._style.colours["foreground"], "size": self._style.text_size(8.5)}
        role = "output" if layer.layer == n_layers else "hidden"
        act = get_activation(layer.activation)
        self._cache.set_text(
            self.header, f"<b>Layer {layer.layer}</b> · {role} · {act.display_name} · {layer.n_in} → {layer.n_out}",
            **text_style)
        for plot, key, hist, current, old in (
            (self.w_plot, "w", self.w_hist, layer.weights, None if pinned is None else pinned.weights),
            (self.z_plot, "z", self.z_hist, layer.z, None if pinned is None else pinned.z),
            (self.a_plot, "a", self.a_hist, layer.a, None if pinned is None else pinned.a),
        ):
            arrays = [current] if old is None else [current, old]
            edges = shared_bins(arrays, bin_count(current.size), include=Z_MIN_RANGE if key == "z" else None)
            top = hist.set_data(edges, current, old)
            self._cache.set_range(plot, (edges[0], edges[-1]), (0.0, (top or 1.0) * 1.12), 0.02, 0.0)
            if key == "z":
                self._draw_curves(act, edges[0], edges[-1], top or 1.0)
        inactive = f"{100 * layer.inactive_fraction:.0f}% {'saturated' if layer.saturates else 'dead'}"
        self._cache.set_title(self.w_plot, self._title("W", layer, pinned, "w_std"), **text_style)
        self._cache.set_title(self.z_plot, f"{self._title('z', layer, pinned, 'z_std')} · {inactive}", **text_style)
        self._cache.set_title(self.a_plot, self._title("a", layer, pinned, "a_std"), **text_style)

    def _title(self, symbol: str, layer: LayerStats, pinned: LayerStats | None, std: str) -> str:
        text = f"{symbol}  σ {format_number(getattr(layer, std))}"
        if pinned is not None:
            text += (f" <span style='color:{self._style.colours['pinned']}'>"
                     f"(A {format_number(getattr(pinned, std))})</span>")
        return text

    def _draw_curves(self, act, lo: float, hi: float, top: float) -> None:
        # f and f′ are rescaled to the histogram's height: the shapes matter, not the units.
        z = np.linspace(lo, hi, CURVE_POINTS)
        f = act.curve(z)  # elementwise even for softmax
        span = f.max() - f.min()
        self.curve.setData(z, top * ((f - f.min()) / span if span > 0 else np.full_like(z, 0.5)))
        self.derivative.setData(z, top * np.abs(act.curve_derivative(z)) / max_abs_derivative(act.name))


class DepthView:
    """std(a), mean |f′(z)| and ‖∂E/∂W‖ against the layer index, with A dashed behind B."""

    def __init__(self, layout: pg.GraphicsLayout):
        self._layout = layout
        self.plots, self.current, self.pinned, self.markers = [], [], [], []
        for col, (_, _, tooltip) in enumerate(DEPTH_SERIES):
            plot = _make_plot(tooltip)
            layout.addItem(plot, row=1, col=col)
            pinned = _line(symbol="o", symbolSize=5)
            current = _line(symbol="o", symbolSize=6)
            marker = pg.InfiniteLine(angle=90, movable=False)
            plot.addItem(marker)
            plot.addItem(pinned)
            plot.addItem(current)
            self.plots.append(plot)
            self.current.append(current)
            self.pinned.append(pinned)
            self.markers.append(marker)
        # The legend gets a row of its own above the plots while A is pinned, so it never hides data.
        self.legend = pg.LegendItem(colCount=2, frame=False, horSpacing=24)
        # Samples for the legend only (never added to a plot); the point makes their symbol take its style.
        self._legend_current = pg.PlotDataItem([0], [0], symbol="o", symbolSize=6)
        self._legend_pinned = pg.PlotDataItem([0], [0], symbol="o", symbolSize=5)
        self._legend_shown = False
        self._style = PlotStyle(THEMES["light"])
        self._cache = ChangeCache()

    def set_style(self, style: PlotStyle) -> None:
        self._style = style
        colours = style.colours
        for (key, _, _), plot, current, pinned, marker in zip(DEPTH_SERIES, self.plots, self.current, self.pinned,
                                                               self.markers):
            _style_axes(plot, style)
            _style_series(current, style, key, pinned=False)
            _style_series(pinned, style, "pinned", pinned=True)
            marker.setPen(style.pen("marker", 1, dotted=True))
        self.plots[1].setLabel("bottom", "layer", color=colours["muted"])
        _style_series(self._legend_current, style, "foreground", pinned=False)
        _style_series(self._legend_pinned, style, "pinned", pinned=True)
        # Labels take their colour when added, so the entries are added anew for every style.
        self.legend.clear()
        self.legend.setLabelTextColor(colours["foreground"])
        self.legend.setLabelTextSize(style.text_size(8))
        self.legend.addItem(self._legend_current, "B: current (coloured)")
        self.legend.addItem(self._legend_pinned, "A: pinned (grey, dashed)")

    def update(self, stats: NetworkStats, pinned: NetworkStats | None, selected: int | None) -> None:
        """Draw B's (and A's) series; ``selected`` marks the layer whose histograms are shown."""
        title_style = {"color": self._style.colours["foreground"], "size": self._style.text_size(8.5)}
        for (key, title, _), plot, current, old, marker in zip(DEPTH_SERIES, self.plots, self.current,
                                                                self.pinned, self.markers):
            x, y = _depth_series(stats, key)
            series = [y]
            current.setData(x, y)
            if pinned is None:
                if old.isVisible():  # the depth plots themselves are never hidden
                    old.setData([], [])
                    old.hide()
            else:
                px, py = _depth_series(pinned, key)
                old.setData(px, py)
                old.show()
                series.append(py)
            values = np.concatenate(series)
            log = bool(values.size and values.min() > 0 and values.max() > LOG_SPAN * values.min())
            self._cache.set_log_y(plot, log)
            self._cache.set_title(plot, title + (" (log)" if log else ""), **title_style)
            x_max = max(len(stats.layers), 1 if pinned is None else len(pinned.layers))
            x_min = 0 if key == "a_std" else 1
            self._cache.set_ticks(plot.getAxis("bottom"), [_layer_ticks(x_min, x_max)])
            y_span, y_ticks = _y_axis(values, log)
            self._cache.set_ticks(plot.getAxis("left"), y_ticks)
            self._cache.set_range(plot, (x_min, x_max), y_span, 0.06, 0.1)
            marker.setVisible(selected is not None)
            if selected is not None:
                marker.setValue(selected)
        self._show_legend(pinned is not None)

    def _show_legend(self, show: bool) -> None:
        if show and not self._legend_shown:
            self._layout.addItem(self.legend, row=0, col=0, colspan=3)
        elif self._legend_shown and not show:
            self._layout.removeItem(self.legend)
        self._legend_shown = show

    def layer_at(self, scene_pos) -> int | None:
        """The layer index under a scene position inside one of the plots, or None."""
        for plot in self.plots:
            if plot.vb.sceneBoundingRect().contains(scene_pos):
                return int(round(plot.vb.mapSceneToView(scene_pos).x()))
        return None


def _style_series(item: pg.PlotDataItem, style: PlotStyle, key: str, pinned: bool) -> None:
    """B: a solid line with filled dots in its colour; A: a dashed grey line with hollow dots."""
    colour = style.colours[key]
    item.setPen(style.pen(key, 1.5 if pinned else 2, dashed=pinned))
    item.setSymbolBrush(style.colours["background"] if pinned else colour)
    item.setSymbolPen(colour)
    item.setSymbolSize((5 if pinned else 6) * style.scale)


def _depth_series(stats: NetworkStats, key: str) -> tuple[np.ndarray, np.ndarray]:
    """x (layer indices) and y of one depth series; overflowed (non-finite) points are left out."""
    y = stats.series(key)
    x = np.arange(1, len(y) + 1, dtype=float)
    if key == "a_std":
        # The input batch as layer 0: where the signal starts from.
        x, y = np.concatenate([[0.0], x]), np.concatenate([[stats.input_std], y])
    finite = np.isfinite(y)
    return x[finite], y[finite]


def _layer_ticks(first: int, last: int) -> list:
    step = 1 if last - first <= 8 else (2 if last - first <= 16 else 5)
    return [(k, str(k)) for k in range(first, last + 1) if k % step == 0]


def _power_ticks(lo: float, hi: float) -> list:
    """Ticks at the powers of ten within ``[lo, hi]`` (log10 units), at most about six of them."""
    exponents = np.arange(np.ceil(lo), np.floor(hi) + 1).astype(int)
    step = max(1, int(np.ceil(len(exponents) / 6)))
    return [(float(e), "10" + str(e).translate(_SUPERSCRIPTS) if e not in (0, 1) else str(10**e))
            for e in exponents if e % step == 0]


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _y_axis(values: np.ndarray, log: bool) -> tuple[tuple[float, float], list | None]:
    """The y span (before padding by 0.1) of a depth plot and its ticks (None: pyqtgraph's own)."""
    if not values.size:
        return (0.0, 1.0), None
    if log:
        lo, hi = np.log10(values.min()), np.log10(values.max())
        pad = 0.1 * (hi - lo)
        return (lo, hi), [_power_ticks(lo - pad, hi + pad)]
    lo, hi = min(0.0, values.min()), values.max()
    return (lo, hi if hi > lo else lo + 1.0), None
