"""The initialisation explorer's depth view: how the signal and the gradient change from layer to layer.

Two rows of plots against the layer index. Forward: std(z), std(a) with the mean of a (for activations
that are not centred on 0), mean |f′(z)|. Backward: the gradient per weight (RMS ∂E/∂w), the
gradient-to-weight ratio ‖∂E/∂W‖ / ‖W‖, and the whole-matrix norm ‖∂E/∂W‖, which grows with the layer's
size and is shown muted, for comparison only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg

from nnviz.core.stats import NetworkStats, is_centred

from ..colors import theme_colors
from .axes import snapped
from .curves import Curve
from .plots import ChangeCache, PlotStyle, make_plot, style_axes

LOG_SPAN = 100.0
"""The depth plots switch to a log y axis when the largest value is this many times the smallest."""
LOG_SNAP = 0.25
"""A log y span snaps outwards to this many decades (see ``_y_axis``)."""


@dataclass(frozen=True)
class DepthPlot:
    """One plot: the :class:`~nnviz.core.stats.LayerStats` attribute ``key`` by layer, solid, and an
    optional ``extra`` attribute dotted (``a_mean``: only at layers whose activation is not centred)."""

    key: str
    title: str
    tooltip: str
    colour: str
    extra: str | None = None


DEPTH_PLOTS = (
    (
        DepthPlot("z_std", "std(z)", "Spread of the pre-activations z = W·a + b per layer: what the weights do to "
                  "the signal. Falling towards 0: the signal vanishes; growing: it explodes.", "z"),
        DepthPlot("a_std", "std(a), mean(a) ┄", "Spread of the activations per layer (layer 0 is the input batch), "
                  "and dotted their mean where the activation is not centred on 0 (sigmoid around 0.5, ReLU ≥ 0). "
                  "A sigmoid's a spreads little even when z is healthy: judge depth effects by std(z).",
                  "a_std", extra="a_mean"),
        DepthPlot("mean_abs_derivative", "mean |f′(z)|", "How steep the activation is where the units sit. Near 0: "
                  "saturated or dead units pass no gradient back.", "mean_abs_derivative"),
    ),
    (
        DepthPlot("grad_rms", "RMS ∂E/∂w", "Gradient per weight, ‖∂E/∂W‖ / √(n_in·n_out): the step one weight takes "
                  "per unit of learning rate. Comparable across layers of any size; layer 1 more than 100× below "
                  "the output layer: vanishing gradients.", "grad_norm"),
        DepthPlot("grad_to_weight", "‖∂E/∂W‖/‖W‖", "Gradient-to-weight ratio: how far one step moves the weights "
                  "relative to their size, per unit of learning rate (learning rate × ratio ≈ 10⁻³ is the rule of "
                  "thumb).", "grad_norm"),
        DepthPlot("grad_norm", "‖∂E/∂W‖ raw", "The whole-matrix norm of the gradient. It adds up "
                  "n_in·n_out entries, so a wide layer looks large: compare layers by RMS ∂E/∂w instead.", "muted"),
    ),
)
"""The plots by row (forward, backward) and column."""

_PLOTS = [plot for row in DEPTH_PLOTS for plot in row]


class DepthView:
    """The :data:`DEPTH_PLOTS` against the layer index, with A dashed grey behind B."""

    def __init__(self, layout: pg.GraphicsLayout):
        self._layout = layout
        self.plots, self.current, self.pinned, self.extras, self.markers = [], [], [], [], []
        for row, plots in enumerate(DEPTH_PLOTS):
            for col, spec in enumerate(plots):
                plot = make_plot(spec.tooltip)
                layout.addItem(plot, row=row + 1, col=col)
                pinned = Curve(symbol_size=5)
                current = Curve(symbol_size=6)
                # B's and A's extra series (mean(a)), dotted; unused by plots without one.
                extras = (Curve(), Curve())
                marker = pg.InfiniteLine(angle=90, movable=False)
                plot.addItem(marker)
                for item in (*extras, pinned, current):
                    plot.addItem(item)
                self.plots.append(plot)
                self.current.append(current)
                self.pinned.append(pinned)
                self.extras.append(extras)
                self.markers.append(marker)
        # The legend gets a row of its own above the plots while A is pinned, so it never hides data.
        self.legend = pg.LegendItem(colCount=2, frame=False, horSpacing=24)
        # Samples for the legend only (never added to a plot); the point makes their symbol take its style.
        self._legend_current = pg.PlotDataItem([0], [0], symbol="o", symbolSize=6)
        self._legend_pinned = pg.PlotDataItem([0], [0], symbol="o", symbolSize=5)
        self._legend_shown = False
        self._style = PlotStyle(theme_colors("light"))
        self._cache = ChangeCache()

    def set_style(self, style: PlotStyle) -> None:
        self._style = style
        for spec, plot, current, pinned, (extra, pinned_extra), marker in zip(
                _PLOTS, self.plots, self.current, self.pinned, self.extras, self.markers):
            style_axes(plot, style)
            _style_series(current, style, spec.colour, pinned=False)
            _style_series(pinned, style, "pinned", pinned=True)
            extra.setPen(style.pen(spec.colour, 1.5, dotted=True))
            pinned_extra.setPen(style.pen("pinned", 1.2, dotted=True))
            marker.setPen(style.pen("marker", 1, dotted=True))
        self.plots[-2].setLabel("bottom", "layer", color=style.theme.muted)
        _style_series(self._legend_current, style, "foreground", pinned=False)
        _style_series(self._legend_pinned, style, "pinned", pinned=True)
        # Labels take their colour when added, so the entries are added anew for every style.
        self.legend.clear()
        self.legend.setLabelTextColor(style.theme.foreground)
        self.legend.setLabelTextSize(style.text_size(8))
        # Short: the legend's row is as wide as all three plots and must fit a 400 px dock.
        self.legend.addItem(self._legend_current, "B: current")
        self.legend.addItem(self._legend_pinned, "A: pinned")

    def update(self, stats: NetworkStats, pinned: NetworkStats | None, selected: int | None) -> None:
        """Draw B's (and A's) series; ``selected`` marks the layer whose histograms are shown."""
        x_max = max(len(stats.layers), 1 if pinned is None else len(pinned.layers))
        for spec, plot, current, old, extras, marker in zip(_PLOTS, self.plots, self.current, self.pinned,
                                                             self.extras, self.markers):
            shown = [stats] if pinned is None else [stats, pinned]
            lines = [_depth_series(s, spec.key) for s in shown]
            extra_lines = [_extra_series(s, spec.extra) for s in shown]
            values = np.concatenate([y for _, y in lines + extra_lines])
            # A mean(a) that is 0 or negative must not take the log scale from the spreads.
            log = _wants_log(np.concatenate([y for _, y in lines]), values)
            if log:  # drawn in decades (log10), on a linear axis whose ticks say 10ⁿ
                extra_lines = [(x[y > 0], y[y > 0]) for x, y in extra_lines]
                values = values[values > 0]
            for item in (current, old, *extras):
                item.set_log_y(log)
            current.setData(*lines[0])
            _set_data_unless_empty_again(extras[0], *extra_lines[0])  # most plots have no extra series
            if pinned is None:
                for item in (old, extras[1]):
                    if item.isVisible():  # the depth plots themselves are never hidden
                        item.setData([], [])
                        item.hide()
            else:
                old.setData(*lines[1])
                extras[1].setData(*extra_lines[1])
                old.show()
                extras[1].show()
            title_colour = self._style.theme.muted if spec.colour == "muted" else self._style.theme.foreground
            # No "(log)" in the title: the powers of ten on the axis say it, and the columns stay narrow.
            self._cache.set_title(plot, spec.title, color=title_colour,
                                  size=self._style.text_size(8.5))
            x_min = 0 if spec.key == "a_std" else 1
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
            self._layout.addItem(self.legend, row=0, col=0, colspan=len(DEPTH_PLOTS[0]))
        elif self._legend_shown and not show:
            self._layout.removeItem(self.legend)
        self._legend_shown = show

    def layer_at(self, scene_pos) -> int | None:
        """The layer index under a scene position inside one of the plots, or None."""
        for plot in self.plots:
            if plot.vb.sceneBoundingRect().contains(scene_pos):
                return int(round(plot.vb.mapSceneToView(scene_pos).x()))
        return None


def _set_data_unless_empty_again(item: Curve, x: np.ndarray, y: np.ndarray) -> None:
    if x.size or item.getData()[0].size:
        item.setData(x, y)


def _style_series(item: Curve | pg.PlotDataItem, style: PlotStyle, key: str, pinned: bool) -> None:
    """B: a solid line with filled dots in its colour; A: a dashed grey line with hollow dots."""
    colour = style.colour(key)
    item.setPen(style.pen(key, 1.5 if pinned else 2, dashed=pinned))
    item.setSymbolBrush(style.theme.background if pinned else colour)
    item.setSymbolPen(colour)
    item.setSymbolSize((5 if pinned else 6) * style.scale)


def _wants_log(main: np.ndarray, values: np.ndarray) -> bool:
    """Log y when the main series are positive and span more than :data:`LOG_SPAN` with the extras."""
    positive = values[values > 0]
    return bool(main.size and main.min() > 0 and positive.max() > LOG_SPAN * positive.min())


def _depth_series(stats: NetworkStats, key: str) -> tuple[np.ndarray, np.ndarray]:
    """x (layer indices) and y of one depth series; overflowed (non-finite) points are left out."""
    y = stats.series(key)
    x = np.arange(1, len(y) + 1, dtype=float)
    if key == "a_std":
        # The input batch as layer 0: where the signal starts from.
        x, y = np.concatenate([[0.0], x]), np.concatenate([[stats.input_std], y])
    finite = np.isfinite(y)
    return x[finite], y[finite]


def _extra_series(stats: NetworkStats, key: str | None) -> tuple[np.ndarray, np.ndarray]:
    """x and y of a dotted extra series: ``key`` at the layers whose activation is not centred."""
    if key is None:
        return np.empty(0), np.empty(0)
    y = stats.series(key)
    x = np.arange(1, len(y) + 1, dtype=float)
    keep = np.isfinite(y) & np.array([not is_centred(layer.activation) for layer in stats.layers], dtype=bool)
    return x[keep], y[keep]


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
    """The y span (before padding by 0.1) of a depth plot and its ticks (None: pyqtgraph's own); the span
    snaps outwards (see :func:`~nnviz.gui.init_explorer.axes.snapped`), to quarter decades on a log axis."""
    if not values.size:
        return (0.0, 1.0), None
    if log:
        lo, hi = snapped(np.log10(values.min()), np.log10(values.max()), LOG_SNAP)
        pad = 0.1 * (hi - lo)
        return (lo, hi), [_power_ticks(lo - pad, hi + pad)]
    lo, hi = min(0.0, values.min()), values.max()
    if not hi > lo:
        return (lo, lo + 1.0), None
    return snapped(lo, hi), None

