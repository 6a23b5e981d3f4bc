"""What the first layer's units look for: each unit's incoming weights as a small image.

Weights are coloured with the network view's diverging weight colours, all units on one scale (±max|w| of
the layer, or the view's fixed weight range), so that a strong unit looks strong. Hovering a unit reports it
(``unitHovered``), for the window to highlight it in the graph.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from ..appearance import Appearance
from ..colors import map_rgb, rgb, theme_colors, weight_colormap
from ..deferred import DeferredRefresh
from .sample import input_image_shape

MAX_UNITS = 256
"""At most this many units are drawn (the first ones)."""
GAP = 1
"""Image pixels between two units' pictures."""


def mosaic(weights: np.ndarray, shape: tuple[int, int], columns: int, limit: float, lut: np.ndarray,
           background: np.ndarray) -> np.ndarray:
    """An ``(H, W, 3)`` uint8 picture of ``weights`` ``(n_units, rows · cols)``: one tile per unit, row by row,
    ``columns`` tiles a row, :data:`GAP` pixels of ``background`` between them; a weight w takes the colour of
    ``lut`` ``(256, 3)`` at ``(w / limit + 1) / 2``."""
    rows, cols = shape
    n = len(weights)
    tile_rows = math.ceil(n / columns)
    out = np.empty(((rows + GAP) * tile_rows - GAP, (cols + GAP) * columns - GAP, 3), dtype=np.uint8)
    out[:] = background
    levels = np.clip(np.nan_to_num((weights / limit + 1.0) * 127.5, nan=127.5), 0, 255).astype(np.uint8)
    for unit in range(n):
        r, c = divmod(unit, columns)
        y, x = r * (rows + GAP), c * (cols + GAP)
        out[y:y + rows, x:x + cols] = lut[levels[unit].reshape(rows, cols)]
    return out


class ReceptiveFields(QWidget):
    """Every first-layer unit's incoming weights as an image, for image inputs; live while training.

    Signals: ``unitHovered(int)``: the unit (index in node layer 1) under the pointer; −1 when none.
    """

    unitHovered = Signal(int)

    def __init__(self, state, data, appearance: Appearance, parent=None):
        super().__init__(parent)
        self.setObjectName("receptiveFields")
        self._state = state
        self._data = data
        self._appearance = appearance
        self.picture = _Mosaic(self)
        self.unavailable = QLabel(objectName="receptiveFieldsUnavailable", wordWrap=True, alignment=Qt.AlignCenter)
        self.caption = QLabel(objectName="receptiveFieldsCaption", wordWrap=True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.picture)
        self.stack.addWidget(self.unavailable)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.caption)
        self.columns = 1
        self.n_units = 0
        self._refresh = DeferredRefresh(self, self._bring_up_to_date, ("all",), skip_hidden=True)
        for signal in (state.structureChanged, state.weightsChanged, data.changed, appearance.changed):
            signal.connect(lambda *_: self._refresh.mark("all"))

    @property
    def image_shape(self) -> tuple[int, int] | None:
        return input_image_shape(self._state.n_inputs, self._data)

    def refresh_now(self) -> None:
        """Bring the pictures up to date at once (normally the next event-loop turn does)."""
        self._refresh.mark("all")
        self._refresh.run()

    def _bring_up_to_date(self, _stale) -> None:
        shape = self.image_shape
        self.stack.setCurrentIndex(0 if shape else 1)
        if shape is None:
            self.unavailable.setText("Receptive fields need image inputs (Digits, or 64 or 784 inputs).")
            self.caption.setText("")
            self.picture.set_image(None)
            return
        net, look = self._state.network, self._appearance
        weights = net.weights[0][:MAX_UNITS]
        self.n_units = len(weights)
        peak = float(np.max(np.abs(weights[np.isfinite(weights)]), initial=0.0))
        limit = look.weight_range or peak or 1.0
        # Tiles in a grid about as wide as the panel is wide compared with its height.
        aspect = max(0.25, self.picture.width() / max(1, self.picture.height()))
        self.columns = max(1, min(self.n_units, round(math.sqrt(self.n_units * aspect * shape[0] / shape[1]))))
        lut = np.rint(map_rgb(weight_colormap(look.palette, look.theme), np.linspace(0, 1, 256))).astype(np.uint8)
        background = rgb(theme_colors(look.theme).background).astype(np.uint8)
        self.picture.set_image(mosaic(weights, shape, self.columns, limit, lut, background), shape)
        unit_word = "hidden unit" if len(net.layer_sizes) > 2 else "output unit"
        more = f" (the first {MAX_UNITS} of {net.layer_sizes[1]})" if net.layer_sizes[1] > MAX_UNITS else ""
        self.caption.setText(f"Incoming weights of each {unit_word}{more}: red positive, blue negative, "
                             f"±{limit:.3g}. Hover one to find it in the graph.")

    def unit_at(self, x: float, y: float) -> int | None:
        """The unit whose picture is at widget position ``(x, y)`` of the mosaic, or None."""
        return self.picture.unit_at(x, y)


class _Mosaic(QWidget):
    """Draws the mosaic as large as fits (square pixels) and reports the tile under the pointer."""

    def __init__(self, owner: ReceptiveFields):
        super().__init__()
        self.setObjectName("receptiveFieldsMosaic")
        self.setMouseTracking(True)
        self.setMinimumSize(120, 120)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self._owner = owner
        self._image: QImage | None = None
        self._pixels: np.ndarray | None = None
        self._tile: tuple[int, int] = (1, 1)
        self._hovered = -1

    def set_image(self, pixels: np.ndarray | None, tile: tuple[int, int] = (1, 1)) -> None:
        self._pixels = None if pixels is None else np.ascontiguousarray(pixels)
        self._tile = tile
        self._image = None if pixels is None else QImage(
            self._pixels.data, pixels.shape[1], pixels.shape[0], 3 * pixels.shape[1], QImage.Format_RGB888)
        self.update()

    def _rect(self) -> QRectF | None:
        if self._image is None:
            return None
        w, h = self._image.width(), self._image.height()
        scale = min(self.width() / w, self.height() / h)
        scale = float(int(scale)) if scale >= 1 else scale  # whole screen pixels per weight: even gaps
        return QRectF((self.width() - w * scale) / 2, (self.height() - h * scale) / 2, w * scale, h * scale)

    def unit_at(self, x: float, y: float) -> int | None:
        rect = self._rect()
        if rect is None or not rect.contains(x, y):
            return None
        scale = rect.width() / self._image.width()
        rows, cols = self._tile
        column = int((x - rect.left()) / scale // (cols + GAP))
        row = int((y - rect.top()) / scale // (rows + GAP))
        unit = row * self._owner.columns + column
        return unit if column < self._owner.columns and unit < self._owner.n_units else None

    def paintEvent(self, event) -> None:
        rect = self._rect()
        if rect is None:
            return
        painter = QPainter(self)
        painter.drawImage(rect, self._image)
        painter.end()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._owner._refresh.mark("all")  # the grid's shape follows the panel's

    def mouseMoveEvent(self, event) -> None:
        unit = self.unit_at(event.position().x(), event.position().y())
        self._hover(-1 if unit is None else unit)

    def leaveEvent(self, event) -> None:
        self._hover(-1)

    def _hover(self, unit: int) -> None:
        if unit != self._hovered:
            self._hovered = unit
            self._owner.unitHovered.emit(unit)
