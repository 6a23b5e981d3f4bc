"""Colour maps and theme colours of the network view.

Weights use a diverging map centred on 0 (blue negative, grey 0, red positive; blue–orange in the
colour-blind palette). The zero colour is a grey that stays visible on both the light and the dark
background. Activations use the sequential viridis map. Faded colours are mixed with the background
rather than drawn translucent: opaque lines are drawn ten times faster by Qt's raster engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QImage

from nnviz.core.activations import Activation


@dataclass(frozen=True)
class ThemeColors:
    """Colours of one theme as ``#rrggbb`` strings (``#rrggbbaa`` where translucent)."""

    background: str
    foreground: str
    muted: str
    node_outline: str
    selection: str
    mark: str
    bias_fill: str
    series: dict
    """Plot colours by quantity: ``w``, ``z``, ``a``, ``curve``, ``derivative`` … (initialisation plots),
    ``f_prime`` and ``flat`` (the activation plot's f′ curve and flat shading), ``pinned``, ``marker``."""
    layer_colormap: str
    """The pyqtgraph colour map that gives each layer of the activation plot its hue."""


THEMES = {
    "light": ThemeColors(
        background="#ffffff", foreground="#202124", muted="#6b7078", node_outline="#3c4043", selection="#111111",
        mark="#d81b9c", bias_fill="#eef0f2", layer_colormap="PAL-relaxed",
        series={"pinned": "#808080", "w": "#6a51a3", "z": "#2171b5", "a": "#238b45", "curve": "#303030",
                "derivative": "#e6550d", "a_std": "#238b45", "mean_abs_derivative": "#e6550d",
                "grad_norm": "#cb181d", "marker": "#9e9e9e", "f_prime": "#7a7a7a", "flat": "#00000014"}),
    "dark": ThemeColors(
        background="#1b1d22", foreground="#e8eaed", muted="#9aa0a6", node_outline="#c9ccd1", selection="#ffffff",
        mark="#ff5fd2", bias_fill="#2d3038", layer_colormap="PAL-relaxed_bright",
        series={"pinned": "#a8a8a8", "w": "#b39ddb", "z": "#64b5f6", "a": "#81c784", "curve": "#e0e0e0",
                "derivative": "#ffab40", "a_std": "#81c784", "mean_abs_derivative": "#ffab40",
                "grad_norm": "#ef5350", "marker": "#777777", "f_prime": "#a8a8a8", "flat": "#ffffff1a"}),
}

# Evenly spaced from the negative end through zero to the positive end. On the dark background
# the strong colours are the bright ones, so the dark maps run straight from grey to the ends.
_WEIGHT_STOPS = {
    ("default", "light"): ("#1d4f91", "#5b9bd5", "#c4c7cc", "#ec8a6b", "#b8141f"),
    ("default", "dark"): ("#4f9dff", "#6f757f", "#ff5a4a"),
    ("colorblind", "light"): ("#224f9c", "#79a3d6", "#c4c7cc", "#f3ad62", "#d55e00"),
    ("colorblind", "dark"): ("#5aa0ff", "#6f757f", "#ff9d2e"),
}


def theme_colors(theme: str) -> ThemeColors:
    return THEMES[theme]


@cache  # a few palettes × themes; one map each, not a new one per picture
def weight_colormap(palette: str = "default", theme: str = "light") -> pg.ColorMap:
    """Diverging map over [0, 1]: 0 is −max|w|, 0.5 is a zero weight, 1 is +max|w| (shared: do not modify)."""
    stops = _WEIGHT_STOPS[(palette, theme)]
    return pg.ColorMap(np.linspace(0.0, 1.0, len(stops)), list(stops), name=f"weights-{palette}-{theme}")


def activation_colormap() -> pg.ColorMap:
    """Sequential map for node activations: dark purple low, yellow high (viridis)."""
    return pg.colormap.get("viridis")


def rgb(color: str) -> np.ndarray:
    """``#rrggbb`` as a float ``(3,)`` array in 0 … 255."""
    return np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def map_rgb(cmap: pg.ColorMap, positions) -> np.ndarray:
    """``(n, 3)`` float colours 0 … 255 of ``cmap`` at ``positions`` in [0, 1]."""
    return cmap.map(np.clip(np.asarray(positions, dtype=float), 0.0, 1.0), mode=pg.ColorMap.FLOAT)[:, :3] * 255


def fade(colors: np.ndarray, background: str, alpha) -> np.ndarray:
    """``colors`` ``(n, 3)`` mixed with ``background``: ``alpha`` 1 keeps the colour, 0 gives the background."""
    alpha = np.asarray(alpha, dtype=float).reshape(-1, 1)
    return colors * alpha + rgb(background) * (1.0 - alpha)


def text_colors(fills: np.ndarray) -> np.ndarray:
    """``(n,)`` bool: True where black text reads better than white on ``fills`` ``(n, 3)``."""
    luminance = fills @ np.array([0.299, 0.587, 0.114])
    return luminance > 140


@cache  # an Activation is immutable; asked a dozen times a frame
def activation_range(activation: Activation) -> tuple[float, float] | None:
    """``(low, high)`` of a bounded activation (σ: 0 … 1, tanh: −1 … 1); ``None`` for unbounded ones."""
    with np.errstate(over="ignore", invalid="ignore"):
        ends = activation.value(np.array([-1e3, 1e3]))
    if np.all(np.isfinite(ends)) and np.all(np.abs(ends) <= 10):
        return float(ends[0]), float(ends[1])
    return None


def value_span(values: np.ndarray) -> tuple[float, float]:
    """``(low, high)`` of the finite ``values`` with 0 included."""
    finite = values[np.isfinite(values)]
    if not finite.size:
        return 0.0, 0.0
    return min(0.0, float(finite.min())), max(0.0, float(finite.max()))


def shared_activation_range(network) -> tuple[float, float] | None:
    """The range of the computed layers' activation when they share one bounded activation, else None."""
    ranges = {activation_range(network.activation_of(layer)) for layer in range(1, len(network.layer_sizes))}
    return ranges.pop() if len(ranges) == 1 else None


def input_range(network, inputs: np.ndarray) -> tuple[float, float]:
    """The span input nodes are coloured over: the activations' range when the inputs lie inside it
    (x = 0.5 then looks like a = 0.5), otherwise the inputs' own span with 0 included."""
    shared, span = shared_activation_range(network), value_span(np.asarray(inputs, dtype=float))
    if shared is not None and shared[0] <= span[0] and span[1] <= shared[1]:
        return shared
    return span


def normalise_activations(values: np.ndarray, activation: Activation | None,
                          span: tuple[float, float] | None = None) -> np.ndarray:
    """Positions in [0, 1] on the activation map for one layer's ``(n,)`` values.

    ``span`` (low, high) if given; else a bounded activation's own range, so that 0.9 looks the same
    in every layer and for every input; else (no activation, or an unbounded one) the layer's own span
    with 0 included. Non-finite values (a diverged network) map to the ends, nan to the low end.
    """
    bounds = span or (activation_range(activation) if activation is not None else None)
    low, high = bounds if bounds is not None else value_span(values)
    if high - low <= 1e-12:
        return np.full(values.shape, 0.5)
    with np.errstate(invalid="ignore", over="ignore"):
        levels = (values - low) / (high - low)
    return np.nan_to_num(np.clip(levels, 0.0, 1.0), nan=0.0)


# pyqtgraph's scatter plots cache one marker picture per pen and brush *object* and never empty that
# cache, so markers must reuse one pen and one brush per colour rather than make new ones each update.
@lru_cache(maxsize=1024)
def _marker_pen(rgba: int, width: float):
    return pg.mkPen(QColor.fromRgba(rgba), width=width)


@lru_cache(maxsize=1024)
def _marker_brush(rgba: int):
    return pg.mkBrush(QColor.fromRgba(rgba))


def marker_pen(color, width: float = 1.0):
    """A shared pen for scatter markers (see above); ``color`` is anything QColor accepts."""
    return _marker_pen(QColor(color).rgba(), float(width))


def marker_brush(color):
    """A shared brush for scatter markers (see above); ``color`` is anything QColor accepts."""
    return _marker_brush(QColor(color).rgba())


# -- the input plane (decision boundary, node thumbnails) -----------------------------------------
CATEGORICAL = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
               "#7f7f7f", "#bcbd22")
HEATMAP_STRENGTH = 0.6  # the plane is paler than the points so that they stay readable


def class_colors(palette: str = "default", theme: str = "light") -> tuple[str, str]:
    """``(class B, class A)``: the negative and positive ends of the edge colours (blue, red)."""
    ends = map_rgb(weight_colormap(palette, theme), [0.0, 1.0])
    return tuple(pg.mkColor(*np.rint(c).astype(int)).name() for c in ends)


def plane_colormap(palette: str = "default", theme: str = "light", strength: float = 1.0) -> pg.ColorMap:
    """Diverging map over [0, 1] for values −1 … 1: the edge colours' ends (blue, red; blue, orange
    in the colour-blind palette) through the background at 0. ``strength`` < 1 pales the ends."""
    background = rgb(theme_colors(theme).background)
    ends = fade(map_rgb(weight_colormap(palette, theme), [0.0, 1.0]), theme_colors(theme).background, strength)
    return pg.ColorMap([0.0, 0.5, 1.0], np.rint([ends[0], background, ends[1]]).astype(np.uint8))


def node_image(values: np.ndarray, palette: str = "default", theme: str = "light") -> QImage:
    """A ``(res, res)`` array in [−1, 1] (row 0 = bottom of the plane) as a QImage, top row first."""
    lut = plane_colormap(palette, theme).getLookupTable(nPts=256, alpha=False)
    index = np.clip(np.rint((np.asarray(values)[::-1] + 1.0) * 127.5), 0, 255).astype(np.uint8)
    rgb_rows = np.ascontiguousarray(lut[index])
    height, width = index.shape
    return QImage(rgb_rows.data, width, height, 3 * width, QImage.Format_RGB888).copy()


def unit_range(values: np.ndarray, activation: Activation | None) -> np.ndarray:
    """A neuron's values mapped to [−1, 1]: a bounded activation by its range (sigmoid 0 … 1 → −1 … 1,
    tanh as it is), the input and unbounded activations divided by their largest |value|."""
    bounds = activation_range(activation) if activation is not None else None
    if bounds is not None:
        low, high = bounds
        return np.clip((values - low) / (high - low) * 2.0 - 1.0, -1.0, 1.0)
    peak = float(np.max(np.abs(values))) if values.size else 0.0
    return values / peak if peak > 0 and np.isfinite(peak) else np.zeros_like(values)


SERIES_ORDER = ("z", "derivative", "a", "w")
"""Theme series that read as four distinct hues (blue, orange, green, purple): overlaid candidates."""


def series_colors(theme: str, count: int) -> list[str]:
    """``count`` distinct colours (at most 4) for overlaid series, e.g. the candidates of a race."""
    series = theme_colors(theme).series
    return [series[SERIES_ORDER[i % len(SERIES_ORDER)]] for i in range(count)]
