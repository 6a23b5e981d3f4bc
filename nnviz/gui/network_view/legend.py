"""The legend strip under the network: the activation scale and the weight scale (±max|w|)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPaintEngine, QPainter, QTransform

from nnviz.core import Network
from nnviz.gui.colors import (
    ThemeColors,
    activation_colormap,
    input_range,
    map_rgb,
    shared_activation_range,
    theme_colors,
    weight_colormap,
)
from nnviz.gui.network_view.drawing import (
    ColorBar as BarShape,
)
from nnviz.gui.network_view.drawing import (
    Polyline,
    Text,
    centred_baseline,
    hex_color,
    paint_drawing,
    text_width,
)
from nnviz.gui.network_view.edge_picture import color_limits
from nnviz.gui.network_view.weight_scale import legend_labels, scale_mode

HEIGHT_PX = 34.0
"""Height of a one-row legend at scale 1; two rows take ``TWO_ROWS_PX`` (times the shrink factor)."""
TWO_ROWS_PX = 58.0
BARS_PX = (90.0, 180.0)
"""Natural length of the activation and the weight bar at scale 1."""
MIN_BARS_PX = (44.0, 72.0)
"""Shortest bars before the legend breaks into two rows or shrinks."""
GROUP_GAP_PX = 36.0
SIDE_PX = 8.0
"""Room kept free at both ends of the strip."""
STOPS = 24
"""Colour stops of a gradient bar: smooth enough, and an SVG stays small."""


@dataclass(frozen=True)
class Legend:
    """What the strip says: the two colour maps and the labels at their ends. ``activation_note``
    tells the inputs' own span when they are coloured over it (empty otherwise)."""

    weight_map: pg.ColorMap
    weight_title: str
    weight_low: str
    weight_high: str
    activation_map: pg.ColorMap
    activation_low: str
    activation_high: str
    theme: ThemeColors
    scale: float = 1.0
    activation_note: str = ""
    weight_note: str = ""


@dataclass(frozen=True)
class LegendLayout:
    """How the legend fits a width: one or two ``rows``, bar lengths and a shrink ``factor`` (≤ 1)
    applied to text and bars (pixels at the legend's scale)."""

    rows: int
    bars: tuple[float, float]
    factor: float

    def height(self, scale: float) -> float:
        return (HEIGHT_PX if self.rows == 1 else max(HEIGHT_PX, TWO_ROWS_PX * self.factor)) * scale


def _groups(legend: Legend) -> list[tuple[str, str, str, str, pg.ColorMap]]:
    """(title, low, high, note, colour map) of the activation and the weight scale."""
    return [("Activation", legend.activation_low, legend.activation_high, legend.activation_note,
             legend.activation_map),
            (legend.weight_title, legend.weight_low, legend.weight_high, legend.weight_note, legend.weight_map)]


def _text_widths(legend: Legend, scale: float) -> list[float]:
    """Width of each group without its bar, at ``scale``: texts and the gaps between the parts."""
    title_px, label_px = 12 * scale, 11.5 * scale
    pad = 6 * scale
    widths = []
    for title, low, high, note, _ in _groups(legend):
        texts = text_width(low, label_px) + text_width(high, label_px)
        if note:
            texts += text_width(note, label_px) + 2 * pad
        widths.append(text_width(title, title_px, True) + texts + 3 * pad)
    return widths


def legend_layout(legend: Legend, width: float, height: float = float("inf")) -> LegendLayout:
    """The largest arrangement of ``legend`` that fits ``width`` pixels: one row, then one row with
    shorter bars, then two rows (activation above weight), then two rows shrunk to fit; shrunk
    further if ``height`` is less than it needs (a strip not yet grown to its new height)."""
    s = legend.scale
    room = max(width - 2 * SIDE_PX * s, 1.0)
    text = _text_widths(legend, s)
    natural, shortest = [b * s for b in BARS_PX], [b * s for b in MIN_BARS_PX]
    for rows in (1, 2):
        def needed(bars, rows=rows):
            groups = [t + b for t, b in zip(text, bars)]
            return sum(groups) + GROUP_GAP_PX * s if rows == 1 else max(groups)
        if needed(natural) <= room:
            arrangement = LegendLayout(rows, tuple(natural), 1.0)
            break
        if needed(shortest) <= room:
            # Bars share what the text leaves, in proportion to their natural lengths.
            t = (room - needed(shortest)) / (needed(natural) - needed(shortest))
            arrangement = LegendLayout(rows, tuple(a + t * (b - a) for a, b in zip(shortest, natural)), 1.0)
            break
    else:
        factor = room / max(t + b for t, b in zip(text, shortest))
        for _ in range(3):  # fonts come in whole pixels: make sure the rounded sizes fit too
            widest = max(t + b * factor for t, b in zip(_text_widths(legend, s * factor), shortest))
            if widest <= room:
                break
            factor *= room / widest
        arrangement = LegendLayout(2, tuple(b * factor for b in shortest), factor)
    if arrangement.rows == 2 and TWO_ROWS_PX * arrangement.factor * s > height:
        shrink = height / (TWO_ROWS_PX * arrangement.factor * s)
        arrangement = LegendLayout(2, tuple(b * shrink for b in arrangement.bars), arrangement.factor * shrink)
    return arrangement


def legend_height(legend: Legend, width: float) -> float:
    """Height in pixels the legend needs at ``width`` (two rows when one does not fit)."""
    return legend_layout(legend, width).height(legend.scale)


def legend_drawing(rect: QRectF, legend: Legend) -> list:
    """The shapes of ``legend`` centred in ``rect`` (device pixels): ``Activation 0 ▭ 1   Weight −m ▭ +m``,
    on two rows or smaller when ``rect`` is too narrow for one (see :func:`legend_layout`)."""
    arrangement = legend_layout(legend, rect.width(), rect.height())
    s = legend.scale * arrangement.factor
    title_px, label_px = max(1, round(12 * s)), max(1, round(11.5 * s))
    pad, group_gap = 6 * s, GROUP_GAP_PX * s
    groups = [(*group, bar) for group, bar in zip(_groups(legend), arrangement.bars)]
    widths = [w + bar for w, bar in zip(_text_widths(legend, s), arrangement.bars)]
    if arrangement.rows == 1:
        rows = [(groups, sum(widths) + group_gap, rect.center().y())]
    else:
        pitch = (TWO_ROWS_PX - 10) / 2 * s
        rows = [([group], w, rect.center().y() + (i - 0.5) * pitch) for i, (group, w) in enumerate(zip(groups, widths))]
    shapes = []

    def text(x: float, cy: float, words: str, px: float, bold: bool, color: str) -> float:
        shapes.append(Text(x, centred_baseline(cy, px, bold), words, px, color, bold))
        return x + text_width(words, px, bold)

    theme = legend.theme
    for row, row_width, cy in rows:
        x = rect.center().x() - row_width / 2
        for title, low, high, note, cmap, bar in row:
            x = text(x, cy, title, title_px, True, theme.foreground) + pad
            x = text(x, cy, low, label_px, False, theme.muted) + pad
            stops = tuple((float(p), hex_color(c)) for p, c in zip(np.linspace(0, 1, STOPS),
                                                                    map_rgb(cmap, np.linspace(0, 1, STOPS))))
            shapes.append(BarShape((x, cy - 5 * s, bar, 10 * s), stops, theme.muted, 2 * s))
            if cmap is legend.weight_map:  # mark zero, the centre of the diverging map
                mid = x + bar / 2
                shapes.append(Polyline(np.array([[mid, cy - 8 * s], [mid, cy + 8 * s]]), theme.foreground, 1.2 * s))
            x = text(x + bar + pad, cy, high, label_px, False, theme.muted)
            if note:
                x = text(x + 2 * pad, cy, note, label_px, False, theme.muted)
            x += group_gap
    return shapes


def paint_legend(painter: QPainter, rect: QRectF, legend: Legend) -> None:
    """Draw ``legend`` centred in ``rect`` (device pixels); see :func:`legend_drawing`."""
    paint_drawing(painter, legend_drawing(rect, legend))


def make_legend(network: Network, appearance, inputs, limits: list[float] | None = None,
                growing: bool = False) -> Legend:
    """The legend for ``network`` with input vector ``inputs`` as ``appearance`` draws it.

    Input nodes outside the activations' range are coloured over their own span (see
    :func:`~nnviz.gui.colors.input_range`); the legend then says so after the activation bar. The
    weight bar names the colour mode and its range: ``limits`` per weight layer as drawn (by
    default those of ``appearance``), ``growing`` while training holds them.
    """
    look = appearance
    if limits is None:
        limits = color_limits(network, look.weight_range, look.per_layer_colors)
    low, high, weight_note = legend_labels(scale_mode(look), limits, growing)
    bounds = shared_activation_range(network)
    act_low, act_high = ("low", "high") if bounds is None else (f"{bounds[0]:g}", f"{bounds[1]:g}")
    x_low, x_high = input_range(network, inputs)
    note = "" if (x_low, x_high) == bounds else f"inputs {x_low:.3g} \u2026 {x_high:.3g}".replace("-", "\u2212")
    return Legend(weight_colormap(look.palette, look.theme), "Weight", low, high, activation_colormap(),
                  act_low.replace("-", "\u2212"), act_high.replace("-", "\u2212"), theme_colors(look.theme),
                  look.scale, note, weight_note)


class ColorBar(pg.GraphicsWidget):
    """The legend as a layout item under the view box: full width, as high as the legend needs
    at that width (two rows in a narrow window)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.legend: Legend | None = None
        self._cache: tuple | None = None  # (key, image): the strip's text costs more than a copy
        self.setFixedHeight(HEIGHT_PX)

    def set_legend(self, legend: Legend) -> None:
        if legend == self.legend:
            return  # e.g. a training step: the same labels
        self.legend = legend
        self._cache = None
        self._fit_height()
        self.update()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        if self.legend is not None:
            height = round(legend_height(self.legend, self.size().width()))
            if height != round(self.size().height()):
                self.setFixedHeight(height)

    def paint(self, painter: QPainter, option=None, widget=None) -> None:
        if self.legend is None:
            return
        engine = painter.paintEngine()
        transform = painter.worldTransform()
        raster = engine is not None and engine.type() == QPaintEngine.Type.Raster
        if widget is None or not raster or transform.type().value > QTransform.TransformationType.TxTranslate.value:
            paint_legend(painter, self.boundingRect(), self.legend)
            return
        # On screen: drawn once into an image, at the same sub-pixel offset, then only copied.
        x0, y0 = math.floor(transform.dx()), math.floor(transform.dy())
        rect = self.boundingRect()
        ratio = painter.device().devicePixelRatioF()
        key = (rect, ratio, transform.dx() - x0, transform.dy() - y0)
        if self._cache is None or self._cache[0] != key:
            image = QImage(math.ceil((rect.right() + 1) * ratio), math.ceil((rect.bottom() + 1) * ratio),
                           QImage.Format.Format_ARGB32_Premultiplied)
            image.setDevicePixelRatio(ratio)
            image.fill(QColor(self.legend.theme.background))  # the view's: text blends as when drawn on it
            cache_painter = QPainter(image)
            try:
                cache_painter.translate(key[2], key[3])
                paint_legend(cache_painter, rect, self.legend)
            finally:
                cache_painter.end()
            self._cache = (key, image)
        painter.save()
        painter.resetTransform()
        painter.drawImage(QPointF(x0, y0), self._cache[1])
        painter.restore()
