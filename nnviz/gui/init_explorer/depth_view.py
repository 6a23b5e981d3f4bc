"""The initialisation explorer's depth view: std(a), mean |f′(z)| and ‖∂E/∂W‖ against the layer index."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from nnviz.core.stats import NetworkStats

from ..colors import theme_colors
from .plots import ChangeCache, PlotStyle, line, make_plot, style_axes

LOG_SPAN = 100.0
"""The depth plots switch to a log y axis when the largest value is this many times the smallest."""

DEPTH_SERIES = (
    ("a_std", "std(a)", "Spread of the activations per layer (layer 0 is the input batch). "
                        "Falling towards 0: the signal vanishes; growing: it explodes."),
    ("mean_abs_derivative", "mean |f′(z)|", "How steep the activation is where the units sit. Near 0: "
                                            "saturated or dead units pass no gradient back."),
    ("grad_norm", "‖∂E/∂W‖", "Size of the batch-mean gradient of each weight matrix at this initialisation. "
                             "Much smaller in the first layers than the last: vanishing gradients."),
)


class DepthView:
    """std(a), mean |f′(z)| and ‖∂E/∂W‖ against the layer index, with A dashed behind B."""

    def __init__(self, layout: pg.GraphicsLayout):
        self._layout = layout
        self.plots, self.current, self.pinned, self.markers = [], [], [], []
        for col, (_, _, tooltip) in enumerate(DEPTH_SERIES):
            plot = make_plot(tooltip)
            layout.addItem(plot, row=1, col=col)
            pinned = line(symbol="o", symbolSize=5)
            current = line(symbol="o", symbolSize=6)
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
        self._style = PlotStyle(theme_colors("light"))
        self._cache = ChangeCache()

    def set_style(self, style: PlotStyle) -> None:
        self._style = style
        for (key, _, _), plot, current, pinned, marker in zip(DEPTH_SERIES, self.plots, self.current, self.pinned,
                                                               self.markers):
            style_axes(plot, style)
            _style_series(current, style, key, pinned=False)
            _style_series(pinned, style, "pinned", pinned=True)
            marker.setPen(style.pen("marker", 1, dotted=True))
        self.plots[1].setLabel("bottom", "layer", color=style.theme.muted)
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
        title_style = {"color": self._style.theme.foreground, "size": self._style.text_size(8.5)}
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
    colour = style.colour(key)
    item.setPen(style.pen(key, 1.5 if pinned else 2, dashed=pinned))
    item.setSymbolBrush(style.theme.background if pinned else colour)
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
