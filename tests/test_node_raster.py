"""Node columns recoloured as images look like the same circles and tiles drawn one by one."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from nnviz.gui.network_view.node_raster import band_rows, column_masks, paint_band, paint_column


def _canvas(draw, ratio: float) -> np.ndarray:
    """The pixels of a 60 × 120 (logical) image at device pixel ratio ``ratio`` after ``draw(painter)``."""
    image = QImage(round(60 * ratio), round(120 * ratio), QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(ratio)
    image.fill(QColor(200, 180, 40))
    painter = QPainter(image)
    try:
        draw(painter)
    finally:
        painter.end()
    return np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.width(), 4).astype(int)


@pytest.mark.parametrize("ratio", [1.0, 2.0])
def test_circles_match_drawn_ellipses_to_rounding(qapp, ratio):
    rng = np.random.default_rng(3)
    centres = np.column_stack([np.full(6, 30.3), 12.7 + 17.4 * np.arange(6)])
    colors = rng.integers(0, 256, (6, 3))
    for pen in (QPen(QColor("#202020"), 1.2), None):
        def direct(painter, pen=pen):
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(pen if pen is not None else Qt.PenStyle.NoPen)
            for (x, y), color in zip(centres, colors):
                painter.setBrush(QColor(*map(int, color)))
                painter.drawEllipse(QPointF(x, y), 6.5, 6.5)

        masks = column_masks(centres, 6.5, pen, ratio)
        recoloured = _canvas(lambda painter, masks=masks: paint_column(painter, masks, colors, ratio), ratio)
        difference = np.abs(recoloured - _canvas(direct, ratio))
        assert difference.max() <= 2  # premultiplied rounding at the rims only
        assert (difference > 0).mean() < 0.05


@pytest.mark.parametrize("ratio", [1.0, 2.0])
def test_band_matches_aliased_tiles_exactly(qapp, ratio):
    rng = np.random.default_rng(4)
    centres = np.column_stack([np.full(150, 20.6), 3.3 + 0.73 * np.arange(150)])
    colors = rng.integers(0, 256, (150, 3))

    def direct(painter):
        painter.setPen(Qt.PenStyle.NoPen)
        for (x, y), color in zip(centres, colors):
            painter.setBrush(QColor(*map(int, color)))
            painter.drawRects([QRectF(x - 3.6, y - 0.365, 7.2, 0.73)])

    rows = band_rows(centres, 0.73, ratio)
    recoloured = _canvas(lambda painter: paint_band(painter, 20.6, 7.2, rows, colors, ratio), ratio)
    assert np.array_equal(recoloured, _canvas(direct, ratio))


@pytest.mark.parametrize("sizes", [[8, 16, 4], [300, 24, 10]])
def test_a_view_recolouring_its_columns_shows_what_a_new_view_draws(qtbot, sizes):
    from PySide6.QtWidgets import QWidget

    from nnviz.core import Network
    from nnviz.gui.appearance import Appearance
    from nnviz.gui.network_view import NetworkView
    from nnviz.gui.state import NetworkState

    state = NetworkState(Network(sizes, seed=2), inputs=np.linspace(0, 1, sizes[0]))

    def shown_view():
        view = NetworkView(state, Appearance())
        qtbot.addWidget(view)
        view.resize(640, 400)
        view.show()
        return view

    def grab(view) -> np.ndarray:
        image = QImage(640, 400, QImage.Format.Format_ARGB32_Premultiplied)
        QWidget.render(view.viewport(), image)  # the view brings itself up to date first
        return np.frombuffer(image.constBits(), np.uint8).reshape(400, 640, 4).astype(int)

    kept = shown_view()
    grab(kept), grab(kept)  # painted twice at one place: its columns are now recoloured images
    state.set_inputs(np.linspace(1, 0, sizes[0]))  # every node changes colour
    state.flush()
    difference = np.abs(grab(kept) - grab(shown_view()))
    assert difference.max() <= 2
    assert (difference > 0).mean() < 0.01
