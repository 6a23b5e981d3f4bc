"""Big weight layers drawn as their matrix: W as an n_out × n_in heatmap between the two columns.

Row r of the heatmap sits level with target node r, column c reads input c (with a bias, column 0
is the bias). One image per layer: a weight change is one array → QImage conversion, and on screen
the image is scaled once per zoom level and then only copied, so an input change costs nothing here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from nnviz.core import Network
from nnviz.core.layout import NetworkLayout
from nnviz.fan_strokes import finite_max
from nnviz.gui.colors import fade, map_rgb, theme_colors, weight_colormap
from nnviz.gui.network_view.drawing import Picture
from nnviz.gui.network_view.text import node_name

LUT_SIZE = 256
MARGIN = 0.12
"""Gap between a node column and the heatmap, as a fraction of the column gap."""
ZERO_ALPHA = 0.12
"""Colour a zero weight keeps (mixed with the background); the full colour at ±limit."""
MAX_CACHE_PIXELS = 4096 * 4096
"""Largest scaled picture kept; zoomed in further the image is drawn scaled on every paint."""
MIN_MARK_PX = 7.0
"""Smallest outline of a selected cell, so that a cell under a pixel wide still shows."""


@dataclass(frozen=True)
class MatrixStyle:
    """The appearance options the heatmap colours depend on."""

    palette: str
    theme: str
    scale: float


def matrix_rect(layout: NetworkLayout, layer: int) -> QRectF:
    """Where weight layer ``layer``'s heatmap goes (scene units): between the columns, as high as
    the target column with half a node spacing above and below, so that row r is level with node r."""
    x0 = layout.column_x[layer] + layout.radii[layer]
    x1 = layout.column_x[layer + 1] - layout.radii[layer + 1]
    margin = MARGIN * (layout.column_x[layer + 1] - layout.column_x[layer])
    targets, pitch = layout.positions[layer + 1][:, 1], layout.pitches[layer + 1]
    return QRectF(x0 + margin, targets[0] - pitch / 2, (x1 - x0) - 2 * margin, targets[-1] - targets[0] + pitch)


def colour_table(style: MatrixStyle, reach: float = 1.0) -> np.ndarray:
    """``(LUT_SIZE,)`` uint32 0xffRRGGBB colours for w / limit from −1 (entry 0) to +1 (the last).

    As for the edges, the hue follows w / limit (comparable between layers) and the fading towards
    the background follows |w| / the layer's largest |w|, ``reach`` × limit, so that a layer of small
    weights still shows where its strong ones are.
    """
    v = np.linspace(-1.0, 1.0, LUT_SIZE)
    background = theme_colors(style.theme).background
    strength = np.minimum(np.abs(v) / max(reach, 1e-12), 1.0)
    colours = fade(map_rgb(weight_colormap(style.palette, style.theme), 0.5 + 0.5 * v), background,
                   ZERO_ALPHA + (1 - ZERO_ALPHA) * strength ** 0.7)
    c = np.rint(colours).astype(np.uint32)
    return np.uint32(0xFF000000) | (c[:, 0] << 16) | (c[:, 1] << 8) | c[:, 2]


def _levels(values: np.ndarray, limit: float, out: np.ndarray) -> None:
    """Colour-table entries of ``values`` / ``limit`` into the uint8 array ``out``; nan gets 0's entry."""
    half = (LUT_SIZE - 1) / 2
    levels = values * (half / limit)
    levels += half + 0.5  # + 0.5: the cast below rounds down
    np.clip(levels, 0.0, LUT_SIZE - 0.5, out=levels)
    nan = np.isnan(levels)
    if nan.any():
        levels[nan] = half + 0.5
    np.copyto(out, levels, casting="unsafe")


def matrix_image(weights: np.ndarray, limit: float, table: np.ndarray, biases: np.ndarray | None = None) -> QImage:
    """``weights`` ``(n_out, n_in)`` (after a first column of ``biases`` ``(n_out,)``, if given) as an
    8-bit indexed image over ``table`` (see :func:`colour_table`); nan gets the colour of 0, ±inf
    the ends. A few passes over the array and no per-cell Python; Qt expands it when scaling."""
    n_out, n_in = weights.shape
    first = 0 if biases is None else 1
    index = np.empty((n_out, n_in + first), np.uint8)
    _levels(weights, limit, index[:, first:])
    if biases is not None:
        _levels(biases, limit, index[:, 0])
    image = QImage(index.data, index.shape[1], n_out, index.shape[1], QImage.Format.Format_Indexed8).copy()
    image.setColorTable([int(c) for c in table])
    return image


def layer_image(network: Network, layer: int, limit: float, style: MatrixStyle) -> QImage:
    """Weight layer ``layer``'s heatmap (the bias first, if any), coloured as its edges would be."""
    weights = network.weights[layer]
    biases = network.biases[layer] if network.bias else None
    peak = finite_max(weights) if biases is None else finite_max(weights, biases)
    return matrix_image(weights, limit, colour_table(style, (peak or limit) / limit), biases)


def cell_at(rect: QRectF, shape: tuple[int, int], point) -> tuple[int, int] | None:
    """``(row, column)`` of the cell of a ``shape`` heatmap in ``rect`` under ``point`` (x, y), or None."""
    x, y = point
    if not (rect.left() <= x < rect.right() and rect.top() <= y < rect.bottom()):
        return None
    rows, cols = shape
    row = min(int((y - rect.top()) / rect.height() * rows), rows - 1)
    col = min(int((x - rect.left()) / rect.width() * cols), cols - 1)
    return row, col


class MatrixItem(pg.GraphicsObject):
    """The heatmap of one weight layer, with the selected cell, row or column outlined."""

    def __init__(self, layer: int, parent=None):
        super().__init__(parent)
        self.layer = layer
        self.rect = QRectF()
        self.grid = (0, 0)
        self._image: QImage | None = None
        self._marks: list[QRectF] = []  # outlines in scene units
        self._pens = ("#000000", "#ffffff")
        self._cache: tuple | None = None  # (device size, scaled image)

    def set_image(self, rect: QRectF, image: QImage) -> None:
        if rect != self.rect:
            self.prepareGeometryChange()
            self.rect = QRectF(rect)
        self._image = image
        self.grid = (image.height(), image.width())
        self._cache = None
        self.update()

    def set_marks(self, cells: list[QRectF], outline: str, halo: str) -> None:
        """Outline ``cells`` (scene rectangles: a cell, a row or a column) in ``outline`` on a ``halo``."""
        self._marks, self._pens = cells, (outline, halo)
        self.update()

    def cell_rect(self, row0: int, col0: int, rows: int = 1, cols: int = 1) -> QRectF:
        h, w = self.rect.height() / self.grid[0], self.rect.width() / self.grid[1]
        return QRectF(self.rect.left() + col0 * w, self.rect.top() + row0 * h, cols * w, rows * h)

    def boundingRect(self) -> QRectF:
        return self.rect.adjusted(-0.2, -0.2, 0.2, 0.2)

    def paint(self, painter: QPainter, option=None, widget=None) -> None:
        if self._image is None:
            return
        transform = painter.worldTransform()
        target = transform.mapRect(self.rect)
        ratio = painter.device().devicePixelRatioF()
        size = (round(target.width() * ratio), round(target.height() * ratio))
        painter.save()
        painter.resetTransform()
        if size[0] < 1 or size[1] < 1:
            pass
        elif size[0] * size[1] <= MAX_CACHE_PIXELS:
            if self._cache is None or self._cache[0] != size:
                scaled = scaled_for(self._image, *size)
                scaled.setDevicePixelRatio(ratio)
                self._cache = (size, scaled)
            painter.drawImage(QPointF(round(target.left()), round(target.top())), self._cache[1])
        else:
            painter.drawImage(target, self._image)
        self._paint_marks(painter, transform)
        painter.restore()

    def _paint_marks(self, painter: QPainter, transform) -> None:
        if not self._marks:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for pen in (QPen(QColor(self._pens[1]), 3.0), QPen(QColor(self._pens[0]), 1.5)):
            painter.setPen(pen)
            for cell in self._marks:
                box = transform.mapRect(cell)
                grow_x, grow_y = max(0.0, MIN_MARK_PX - box.width()) / 2, max(0.0, MIN_MARK_PX - box.height()) / 2
                painter.drawRect(box.adjusted(-grow_x - 1, -grow_y - 1, grow_x + 1, grow_y + 1))


def scaled_for(image: QImage, width: int, height: int) -> QImage:
    """``image`` at ``width`` × ``height`` pixels: cells averaged (a box filter) when it shrinks, kept
    crisp when it grows."""
    shrink = width < image.width() or height < image.height()
    mode = Qt.TransformationMode.SmoothTransformation if shrink else Qt.TransformationMode.FastTransformation
    return image.scaled(width, height, Qt.AspectRatioMode.IgnoreAspectRatio, mode)


def heatmap_pictures(network: Network, layout: NetworkLayout, limits: list[float], appearance, to_pixels) -> list:
    """The :class:`~nnviz.gui.network_view.drawing.Picture` of every weight layer ``appearance`` draws as a
    matrix, for a figure; ``to_pixels`` maps ``(n, 2)`` scene points to pixels."""
    style = MatrixStyle(appearance.palette, appearance.theme, appearance.scale)
    pictures = []
    for layer, weights in enumerate(network.weights):
        if appearance.shows_matrix(layer, weights.size):
            rect = matrix_rect(layout, layer)
            (x0, y0), (x1, y1) = to_pixels(np.array([[rect.left(), rect.top()], [rect.right(), rect.bottom()]]))
            image = layer_image(network, layer, limits[layer], style)
            width, height = max(1, round(x1 - x0)), max(1, round(y1 - y0))
            if width * height <= MAX_CACHE_PIXELS:
                image = scaled_for(image, width, height)
            pictures.append(Picture((float(x0), float(y0), float(x1 - x0), float(y1 - y0)), image, round=False))
    return pictures


class MatrixLayers:
    """The heatmap items of a view box: which weight layers show one, kept up to date."""

    def __init__(self, viewbox: pg.ViewBox):
        self._viewbox = viewbox
        self.items: dict[int, MatrixItem] = {}
        self._drawn: dict[int, tuple] = {}  # layer → (key, weights, biases) of its image

    def update(self, network: Network, layout: NetworkLayout, limits: list[float], appearance,
               selected: tuple | None) -> set[int]:
        """Show the matrices ``appearance`` asks for, with ``limits`` per weight layer; returns their layers."""
        shown = {layer for layer, w in enumerate(network.weights) if appearance.shows_matrix(layer, w.size)}
        for layer in set(self.items) - shown:
            self._viewbox.removeItem(self.items.pop(layer))
            self._drawn.pop(layer, None)
        style = MatrixStyle(appearance.palette, appearance.theme, appearance.scale)
        for layer in sorted(shown):
            item = self.items.get(layer)
            if item is None:
                item = self.items[layer] = MatrixItem(layer)
                item.setZValue(1)
                self._viewbox.addItem(item)
            weights = network.weights[layer]
            biases = network.biases[layer] if network.bias else None
            rect = matrix_rect(layout, layer)
            key = (rect.getRect(), style, limits[layer])
            drawn = self._drawn.get(layer)
            if (drawn is None or drawn[0] != key or not np.array_equal(drawn[1], weights)
                    or (biases is not None and not np.array_equal(drawn[2], biases))):
                item.set_image(rect, layer_image(network, layer, limits[layer], style))
                self._drawn[layer] = (key, weights.copy(), None if biases is None else biases.copy())
            colours = theme_colors(appearance.theme)
            item.set_marks(self._marks(item, network, selected), colours.selection, colours.background)
        return shown

    @staticmethod
    def _marks(item: MatrixItem, network: Network, selected: tuple | None) -> list[QRectF]:
        """The selected edge's cell, or the selected node's row (edges into it) or column (out of it)."""
        if selected is None:
            return []
        offset = 1 if network.bias else 0
        layer, (rows, cols) = item.layer, item.grid
        if selected[0] == "edge" and selected[1] == layer:
            return [item.cell_rect(selected[2], selected[3] + offset)]
        if selected[0] == "node" and selected[1] == layer + 1:
            return [item.cell_rect(selected[2], 0, cols=cols)]
        if selected[0] == "node" and selected[1] == layer:
            return [item.cell_rect(0, selected[2] + offset, rows=rows)]
        if selected[0] == "bias" and selected[1] == layer and offset:
            return [item.cell_rect(0, 0, rows=rows)]
        return []

    def tooltip_extra(self, network: Network, hit: tuple | None, appearance) -> str:
        """More hover text for a heatmap cell: the receptive field of its row over an image input."""
        if hit is None or hit[0] != "edge" or hit[1] not in self.items:
            return ""
        return receptive_field_html(network, hit, MatrixStyle(appearance.palette, appearance.theme, appearance.scale))

    def hit(self, network: Network, point) -> tuple | None:
        """``("edge", layer, to, frm)`` of the cell under ``point`` (x, y), ``frm`` −1 for the bias."""
        for layer, item in self.items.items():
            cell = cell_at(item.rect, item.grid, point)
            if cell is not None:
                return ("edge", layer, cell[0], cell[1] - (1 if network.bias else 0))
        return None

    def cell_centre(self, network: Network, layer: int, to: int, frm: int) -> np.ndarray:
        """``(2,)`` scene point of the centre of the cell of edge ``weights[layer][to, frm]`` (a matrix layer)."""
        centre = self.items[layer].cell_rect(to, frm + (1 if network.bias else 0)).center()
        return np.array([centre.x(), centre.y()])


def receptive_field(weights: np.ndarray) -> np.ndarray | None:
    """A row of the first layer's W, ``(n_in,)``, as the ``(s, s)`` image it looks for when the
    input is a square image of at least 4 × 4 pixels (28 × 28 digits, say); else None."""
    side = math.isqrt(len(weights))
    return weights.reshape(side, side) if side >= 4 and side * side == len(weights) else None


def receptive_field_html(network: Network, hit: tuple | None, style: MatrixStyle) -> str:
    """For a cell of the first layer's heatmap over an image input: its row shown as the image the
    target node looks for, as rich text for the hover tip (``""`` otherwise)."""
    if hit is None or hit[0] != "edge" or hit[1] != 0:
        return ""
    row = network.weights[0][hit[2]]
    field = receptive_field(row)
    if field is None:
        return ""
    peak = float(np.max(np.abs(field[np.isfinite(field)]), initial=0.0)) or 1.0
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    matrix_image(field, peak, colour_table(style)).convertToFormat(QImage.Format.Format_RGB32).save(buffer, "PNG")
    side = field.shape[0]
    size = max(84, 3 * side)
    target = node_name(1, hit[2], len(network.layer_sizes))
    return (f"<br><span style='color:gray'>What {target} looks for: its {side} × {side} input weights "
            f"(±{peak:.3g})</span><br><img src='data:image/png;base64,{bytes(data.toBase64()).decode()}' "
            f"width='{size}' height='{size}'>")
