"""A dense fan's pictures in colour: pen numbers (:mod:`nnviz.pen_canvas`) through a colour table.

The lines are drawn as pen numbers, one byte a pixel (a quarter of the memory traffic of colours),
here or by the raster worker, and coloured once, by Qt.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from nnviz.pen_canvas import PenCanvas


class LineRaster:
    """The coloured pictures of one dense fan (the last one is kept: a fan often only changes colours)."""

    def __init__(self):
        self._canvas = PenCanvas()  # used when this process draws the fan
        self._picture: tuple[bytes, bytes, QImage] | None = None  # (pen numbers, colour table, image)

    def pens(self, points: np.ndarray, ink: np.ndarray, width: int, height: int) -> bytes:
        """The pen numbers of a picture drawn in this process (see :meth:`~nnviz.pen_canvas.PenCanvas.draw`)."""
        return self._canvas.draw(points, ink, width, height)

    def coloured(self, pens: bytes, colors: np.ndarray, width: int, height: int) -> QImage:
        """A ``width`` × ``height`` ARGB32 premultiplied image of pen numbers ``pens`` (``width`` ×
        ``height`` bytes, see :meth:`~nnviz.pen_canvas.PenCanvas.draw`): pen i + 1 opaque in ``colors[i]``
        (``colors`` ``(p, 3)`` RGB 0…255), 0 transparent."""
        colors = np.asarray(colors, dtype=np.uint32)
        table = np.uint32(0xFF000000) | (colors[:, 0] << 16) | (colors[:, 1] << 8) | colors[:, 2]
        if len(pens) != width * height:
            raise ValueError(f"{len(pens)} pen numbers for a {width} × {height} picture")
        kept = self._picture
        if (kept is None or (kept[2].width(), kept[2].height()) != (width, height)
                or not (kept[0] is pens or kept[0] == pens) or kept[1] != table.tobytes()):
            indexed = QImage(pens, width, height, width, QImage.Format.Format_Indexed8)
            indexed.setColorTable([0, *table.tolist()])
            kept = self._picture = (pens, table.tobytes(), indexed.convertToFormat(
                QImage.Format.Format_ARGB32_Premultiplied))
        return QImage(kept[2])  # shares the pixels until painted on
