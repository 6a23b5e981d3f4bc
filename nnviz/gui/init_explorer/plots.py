"""The pyqtgraph pieces of the initialisation explorer: one row of histograms per layer, and their style.

The rows (and the depth view) keep a fixed set of plot items and only change their data, so an update
costs a few ``setData`` calls however often it runs. "B" is the current network, "A" the pinned one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from nnviz.core import get_activation
from nnviz.core.stats import LayerStats, max_abs_derivative
from nnviz.core.verdicts import format_number

from ..colors import ThemeColors
from .axes import Bars, snapped, sparse_ticks
from .curves import EMPTY, Curve

CURVE_POINTS = 200
ROW_HEIGHT = 150


@dataclass(frozen=True)
class PlotStyle:
    """The theme's colours and the presentation scale that fonts and lines grow with."""

    theme: ThemeColors
    scale: float = 1.0

    def colour(self, key: str) -> str:
        """A plot series' colour, or the theme's own (``foreground``, ``muted`` …)."""
        return self.theme.series[key] if key in self.theme.series else getattr(self.theme, key)

    def pen(self, key: str, width: float, dashed: bool = False, dotted: bool = False):
        style = Qt.DashLine if dashed else (Qt.DotLine if dotted else Qt.SolidLine)
        return pg.mkPen(self.colour(key), width=width * self.scale, style=style)

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


def make_plot(tooltip: str) -> pg.PlotItem:
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


def style_axes(plot: pg.PlotItem, style: PlotStyle) -> None:
    font = style.tick_font()
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(style.theme.muted)
        axis.setTextPen(style.theme.foreground)
        # Labels on major ticks only: the plots are narrow and crowded labels overlap.
        axis.setStyle(tickFont=font, tickLength=int(-4 * style.scale), maxTextLevel=0)


def _padded(span, padding: float) -> tuple[float, float]:
    lo, hi = span
    pad = padding * (hi - lo)
    return float(lo - pad), float(hi + pad)


class ChangeCache:
    """Sets titles, labels, view ranges and ticks only when they differ from the last ones set.

    Re-laying out text and re-ranging a view box are the slow parts of an update; the items live as long
    as the cache's owner, so they are told apart by ``id``.
    """

    def __init__(self):
        self._last: dict = {}

    def changed(self, item, what: str, value) -> bool:
        """Whether ``value`` differs from the last ``what`` of ``item`` (and remember it)."""
        key = (id(item), what)
        changed = key not in self._last or self._last[key] != value
        self._last[key] = value
        return changed

    def set_title(self, plot: pg.PlotItem, text: str, **style) -> None:
        if self.changed(plot, "title", (text, style)):
            plot.setTitle(text, **style)

    def set_text(self, label: pg.LabelItem, text: str, **style) -> None:
        if self.changed(label, "text", (text, style)):
            label.setText(text, **style)

    def set_range(self, plot: pg.PlotItem, x_span, y_span, x_padding: float, y_padding: float) -> None:
        """``setXRange`` and ``setYRange`` with these paddings, in one view-box update."""
        x_range, y_range = _padded(x_span, x_padding), _padded(y_span, y_padding)
        if self.changed(plot, "range", (x_range, y_range)):
            plot.setRange(xRange=x_range, yRange=y_range, padding=0)

    def set_ticks(self, axis: pg.AxisItem, ticks: list | None) -> None:
        if self.changed(axis, "ticks", ticks):
            axis.setTicks(ticks)


class HistogramPair:
    """A filled step histogram for B and an outline for the pinned A, in one plot."""

    def __init__(self, plot: pg.PlotItem, key: str):
        self.key = key
        self.pinned = Curve(step=True)
        self.current = Curve(step=True, fill_level=0.0)
        plot.addItem(self.current)
        plot.addItem(self.pinned)
        self._pinned_shown = True

    def set_style(self, style: PlotStyle) -> None:
        self.current.setPen(style.pen(self.key, 1.2))
        self.current.setBrush(_colour(style.theme.series[self.key], 90))
        self.pinned.setPen(style.pen("pinned", 1.6))

    def set_data(self, bars: Bars) -> None:
        """Draw the shares of ``bars``: B filled, A (if any) outlined."""
        self.current.setData(bars.edges, bars.current)
        if bars.pinned is None:
            if self._pinned_shown:
                self.pinned.setData(EMPTY, EMPTY)
                self.pinned.hide()
        else:
            self.pinned.setData(bars.edges, bars.pinned)
            self.pinned.show()
        self._pinned_shown = bars.pinned is not None


class LayerRow:
    """One layer: a header, then histograms of W, of z over f and f′, and of a."""

    def __init__(self, layout: pg.GraphicsLayout, row: int):
        self.header = pg.LabelItem(justify="left")
        layout.addItem(self.header, row=row, col=0, colspan=3)
        self.w_plot = make_plot("Distribution of this layer's weights W.")
        self.z_plot = make_plot(
            "Distribution of z = W·x (+ b) over the activation f (solid) and its slope f′ (dashed), both rescaled "
            "to the plot height. Mass on the flat parts of f means saturated units: f′ ≈ 0 and no gradient.")
        self.a_plot = make_plot("Distribution of the activations a = f(z) that this layer passes on.")
        self.plots = (self.w_plot, self.z_plot, self.a_plot)
        for col, plot in enumerate(self.plots):
            layout.addItem(plot, row=row + 1, col=col)
            plot.hideAxis("left")
        self.w_hist = HistogramPair(self.w_plot, "w")
        self.z_hist = HistogramPair(self.z_plot, "z")
        self.a_hist = HistogramPair(self.a_plot, "a")
        self.curve = Curve()
        self.derivative = Curve()
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
            style_axes(plot, style)
        for hist in (self.w_hist, self.z_hist, self.a_hist):
            hist.set_style(style)
        self.curve.setPen(style.pen("curve", 1.5))
        self.derivative.setPen(style.pen("derivative", 1.5, dashed=True))

    def update(self, layer: LayerStats, pinned: LayerStats | None, n_layers: int, bars: dict[str, Bars]) -> None:
        """Show ``layer`` (B) and, if given, the same layer of the pinned network (A) as ``bars`` (see
        :func:`~nnviz.gui.init_explorer.axes.histogram_table`)."""
        text_style = {"color": self._style.theme.foreground, "size": self._style.text_size(8.5)}
        role = "output" if layer.layer == n_layers else "hidden"
        act = get_activation(layer.activation)
        legend = (f"<span style='color:{self._style.colour('curve')}'>━ f</span>&nbsp;"
                  f"<span style='color:{self._style.colour('derivative')}'>╍ f′</span>")  # the curves over z
        self._cache.set_text(
            self.header, f"<b>Layer {layer.layer}</b> · {role} · {act.display_name} · {layer.n_in} → {layer.n_out}"
                         f" &nbsp; {legend}", **text_style)
        for plot, hist in zip(self.plots, (self.w_hist, self.z_hist, self.a_hist)):
            shown = bars[hist.key]
            edges, top = shown.edges, shown.top or 1.0
            hist.set_data(shown)
            self._cache.set_range(plot, (edges[0], edges[-1]), snapped(0.0, top * 1.12), 0.02, 0.0)
            self._cache.set_ticks(plot.getAxis("bottom"), [sparse_ticks(edges[0], edges[-1])])
            if hist.key == "z":
                self._draw_curves(act, edges[0], edges[-1], top)
        inactive = f"{100 * layer.inactive_fraction:.0f}% {'saturated' if layer.saturates else 'dead'}"
        self._cache.set_title(self.w_plot, self._title("W", layer, pinned, "w_std"), **text_style)
        self._cache.set_title(self.z_plot, self._title("z", layer, pinned, "z_std", f" · {inactive}"), **text_style)
        self._cache.set_title(self.a_plot, self._title("a", layer, pinned, "a_std"), **text_style)

    def _title(self, symbol: str, layer: LayerStats, pinned: LayerStats | None, std: str, extra: str = "") -> str:
        # A's value on a line of its own: on one line the three titles are wider than a 400 px dock.
        text = f"{symbol}  σ {format_number(getattr(layer, std))}{extra}"
        if pinned is not None:
            text += (f"<br><span style='color:{self._style.theme.series['pinned']}'>"
                     f"A σ {format_number(getattr(pinned, std))}</span>")
        return text

    def _draw_curves(self, act, lo: float, hi: float, top: float) -> None:
        # f and f′ are rescaled to the histogram's height: the shapes matter, not the units.
        z = np.linspace(lo, hi, CURVE_POINTS)
        f = act.curve(z)  # elementwise even for softmax
        span = f.max() - f.min()
        self.curve.setData(z, top * ((f - f.min()) / span if span > 0 else np.full_like(z, 0.5)))
        self.derivative.setData(z, top * np.abs(act.curve_derivative(z)) / max_abs_derivative(act.name))


class LayerRows:
    """The histogram rows of ``view`` (a GraphicsLayoutWidget), the first ``count`` shown. Made when first
    needed, then kept and reused: making one (3 PlotItems) takes ~30 ms."""

    def __init__(self, view: pg.GraphicsLayoutWidget):
        self._view = view
        self._pool: list[LayerRow] = []
        self.count = 0

    @property
    def shown(self) -> list[LayerRow]:
        return self._pool[: self.count]

    def set_count(self, count: int, style: PlotStyle) -> None:
        if count == self.count:
            return
        while len(self._pool) < count:
            self._pool.append(LayerRow(self._view.ci, 2 * len(self._pool)))
        for k, row in enumerate(self._pool):
            row.set_visible(k < count)
        self.count = count
        for row in self.shown:
            row.set_style(style)  # a no-op unless the row is new or was hidden when the appearance changed
        self.fit_height(style.scale)

    def fit_height(self, scale: float) -> None:
        # Rows may grow a little with the panel, not into one giant histogram.
        height = self.count * ROW_HEIGHT * scale
        self._view.setMinimumHeight(int(height))
        stretch = 2.5 if self.count == 1 else 1.6
        self._view.setMaximumHeight(int(stretch * height) if self.count else 16_777_215)
