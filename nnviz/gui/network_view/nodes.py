"""Every node, bias unit and layer title of the network, painted by one graphics item.

Drawing happens in device pixels (positions mapped with numpy), so circles, text and outlines keep
their pixel size at any zoom. Columns too packed for circles are drawn as a band of activation-
coloured tiles. On screen each column is one image recoloured per change (see node_raster).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt.internals import PrimitiveArray
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QPaintEngine, QPainter, QPainterPath, QPen

from nnviz.core import Network, Trace
from nnviz.core.layout import NetworkLayout, fit_frame, value_font_px
from nnviz.gui.colors import (
    ThemeColors,
    activation_colormap,
    input_range,
    map_rgb,
    normalise_activations,
    text_colors,
)
from nnviz.gui.network_view import devices
from nnviz.gui.network_view.devices import logical_size
from nnviz.gui.network_view.node_raster import LastTwo, band_rows, circle_reach, column_masks, paint_band, paint_column
from nnviz.gui.network_view.text import column_titles

TITLE_PX = 14.0
SUBTITLE_PX = 11.5
TITLE_MARGIN_PX = 50.0
"""Distance from the highest node up to the top of the column titles (two lines)."""
SUBTITLE_DROP_PX = 18.0
"""The subtitle line sits this far below the title line; a short title takes the subtitle's line."""
MIN_IMAGE_RADIUS_PX = 9.0
"""Nodes smaller than this show their activation colour, not their picture."""
MAX_PIXELS_PER_UNIT = 120.0
"""Fit never magnifies a tiny network beyond this at scale 1 (node radius ≈ 41 px)."""
BAND_LEVELS = 64
"""Colour steps of a packed column (one drawRects each)."""


@dataclass
class NodePicture:
    """What the node item shows; the view fills it in and calls :meth:`NodeItem.update`.

    ``titles[i]`` is (title, subtitle, short title) of column i. ``levels[i]`` is ``(n_i,)`` in
    [0, 1] (position on the activation map), ``values[i]`` the ``(n_i,)`` activations printed inside
    big nodes; ``marks`` maps a layer to the ``(k,)`` node indices to outline; ``selected`` is
    ``(layer, index)`` of the selected node or ``None``; ``selected_bias`` the layer of the selected
    bias unit or ``None``; ``images`` maps ``(layer, index)`` to a picture drawn inside the node.
    """

    layout: NetworkLayout
    titles: list[tuple[str, str, str]]
    levels: list[np.ndarray]
    values: list[np.ndarray]
    theme: ThemeColors
    scale: float = 1.0
    marks: dict[int, np.ndarray] = field(default_factory=dict)
    selected: tuple[int, int] | None = None
    selected_bias: int | None = None
    images: dict[tuple[int, int], QImage] = field(default_factory=dict)


def node_picture(network: Network, trace: Trace, layout: NetworkLayout, theme: ThemeColors, scale: float,
                 marks: dict[int, np.ndarray], selected: tuple | None, images: dict) -> NodePicture:
    """The picture of ``network``'s nodes for ``trace`` (``selected`` as kept by the view)."""
    inputs = np.asarray(trace.post[0], dtype=float)
    levels = [normalise_activations(inputs, None, input_range(network, inputs))]
    levels += [normalise_activations(trace.post[layer], network.activation_of(layer))
               for layer in range(1, len(network.layer_sizes))]
    return NodePicture(
        layout=layout, titles=column_titles(network), levels=levels,
        values=[np.asarray(a, dtype=float) for a in trace.post], theme=theme, scale=scale, marks=dict(marks),
        selected=selected[1:] if selected is not None and selected[0] == "node" else None,
        selected_bias=selected[1] if selected is not None and selected[0] == "bias" else None,
        images=images,
    )


PRESENTATION_LABEL_PX = 9.0
"""Smallest node value in presentation mode, times the presentation scale (16 px at 1.75)."""
TITLE_EDGE_PX = 12
"""Free pixels between the first and last column's titles and the view's edge."""


def _font(pixels: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(max(1, round(pixels)))
    font.setBold(bold)
    return font


@dataclass(frozen=True)
class TitleMode:
    """One way to title the columns, all sizes in pixels: ``"full"`` (title and subtitle),
    ``"short"`` ("In", "H1", "Out") or ``"none"``. It is used while the columns are at least
    ``min_gap`` apart; it needs ``top`` above the highest node, and the first and last column's
    titles reach ``overhang`` (left, right) out from the column centre."""

    name: str
    min_gap: float
    top: float
    overhang: tuple[float, float]


def title_modes(titles: list[tuple[str, str, str]], scale: float) -> tuple[TitleMode, TitleMode, TitleMode]:
    """The full, short and no-title modes for ``titles`` (see :func:`column_titles`) at ``scale``:
    a mode needs the columns far enough apart that neighbouring titles do not touch."""
    title_metrics = QFontMetricsF(_font(TITLE_PX * scale, bold=True))
    subtitle_metrics = QFontMetricsF(_font(SUBTITLE_PX * scale))
    pad = 6 * scale
    full = [max(title_metrics.horizontalAdvance(t), subtitle_metrics.horizontalAdvance(sub)) for t, sub, _ in titles]
    short = [title_metrics.horizontalAdvance(t) for _, _, t in titles]
    return (
        TitleMode("full", max(full) + 2 * pad, (TITLE_MARGIN_PX + 10) * scale, (full[0] / 2 + pad, full[-1] / 2 + pad)),
        TitleMode("short", max(short) + 2 * pad, (TITLE_MARGIN_PX - SUBTITLE_DROP_PX + 10) * scale,
                  (short[0] / 2 + pad, short[-1] / 2 + pad)),
        TitleMode("none", 0.0, 14 * scale, (0.0, 0.0)),
    )


def title_mode(modes: tuple[TitleMode, ...], gap_px: float) -> TitleMode:
    """The first of ``modes`` that fits columns ``gap_px`` apart."""
    return next(mode for mode in modes if gap_px >= mode.min_gap)


def fit_network(layout: NetworkLayout, titles: list[tuple[str, str, str]], width: float, height: float,
                scale: float, top_margin: float = 0.0) -> tuple[float, float, float]:
    """``(pixels per unit, left, top)`` showing ``layout`` and its column ``titles`` centred in
    ``width`` × ``height`` pixels at presentation ``scale`` (see :func:`~nnviz.core.layout.fit_frame`),
    magnified no more than :data:`MAX_PIXELS_PER_UNIT` × ``scale``.

    ``top_margin`` pixels at the top stay free (for a scene title floating over the view).
    Full titles while they fit, else short ones (they need less room, but the zoom is kept where
    they stay short), else none.
    """
    max_pixels_per_unit = MAX_PIXELS_PER_UNIT * scale
    gap = layout.column_x[1] - layout.column_x[0]
    edge = TITLE_EDGE_PX * scale
    for mode in title_modes(titles, scale):
        overhang = (mode.overhang[0] + edge, mode.overhang[1] + edge) if mode.name != "none" else mode.overhang
        frame = fit_frame(layout, width, height, (30 * scale, mode.top + top_margin, 16 * scale), max_pixels_per_unit,
                          overhang)
        if frame[0] * gap >= mode.min_gap:
            break
        max_pixels_per_unit = min(max_pixels_per_unit, 0.999 * mode.min_gap / gap)
    return frame


def _short(value: float, decimals: int = 2) -> str:
    text = f"{value:.{decimals}f}" if abs(value) < 10 else f"{value:.3g}"
    return text.replace("-", "\u2212")


class NodeItem(pg.GraphicsObject):
    """Nodes, bias units and column titles; one item for the whole network."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.picture: NodePicture | None = None
        self._lut = np.rint(map_rgb(activation_colormap(), np.linspace(0, 1, 256))).astype(int)
        self._bounds = QRectF()
        self._side_px = 40.0  # how far titles and rings reach out of the columns, in pixels
        self._title_modes: tuple[TitleMode, ...] = ()
        self._raster_cache = LastTwo()  # per layer: masks or band rows, see node_raster
        self._raster = False  # whether this paint draws on a raster device (columns as images)

    def set_picture(self, picture: NodePicture) -> None:
        x0, y0, x1, y1 = picture.layout.bounds
        bounds = QRectF(x0, y0, x1 - x0, y1 - y0)
        self._title_modes = title_modes(picture.titles, picture.scale)
        side_px = max(40.0 * picture.scale, *self._title_modes[0].overhang)
        if bounds != self._bounds or side_px != self._side_px:
            self.prepareGeometryChange()
            self._bounds = bounds
            self._side_px = side_px
        if self.picture is None or picture.layout is not self.picture.layout:
            self._raster_cache = LastTwo()  # another structure: its columns are elsewhere
        self.picture = picture
        self.update()

    def boundingRect(self) -> QRectF:
        # Titles and rings are sized in pixels; the margin in units must cover them at the current
        # zoom, so it is recomputed when the view's scale changes (viewTransformChanged).
        view = self.getViewBox()
        units_per_px = 1.0
        if view is not None:
            size = view.viewPixelSize()
            if size[0] > 0:
                units_per_px = size[0]
        scale = self.picture.scale if self.picture else 1.0
        side, top = self._side_px * units_per_px, (TITLE_MARGIN_PX + 10) * scale * units_per_px
        return self._bounds.adjusted(-side, -top, side, 40 * scale * units_per_px)

    def viewTransformChanged(self):
        self.prepareGeometryChange()

    # -- painting -----------------------------------------------------------------------------------
    def paint(self, painter: QPainter, option=None, widget=None) -> None:
        pic = self.picture
        if pic is None:
            return
        transform = painter.worldTransform()
        pixels_per_unit = devices.pixels_per_unit(transform)
        m, shift = devices.affine(transform)
        engine = painter.paintEngine()
        self._raster = engine is not None and engine.type() == QPaintEngine.Type.Raster
        painter.save()
        try:
            painter.resetTransform()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            layout = pic.layout
            for layer, pos in enumerate(layout.positions):
                centres = pos @ m + shift
                radius = layout.radii[layer] * pixels_per_unit
                colors = self._lut[np.rint(pic.levels[layer] * 255).astype(int)]
                if layout.is_dense(layer, pixels_per_unit, 3.0 * pic.scale):
                    self._paint_band(painter, centres, layout.pitches[layer] * pixels_per_unit, radius, pic, layer)
                else:
                    self._paint_circles(painter, centres, radius, colors, pic, layer)
                self._paint_rings(painter, centres, radius, pic, layer)
            if layout.bias_positions is not None:
                self._paint_bias_units(painter, layout.bias_positions @ m + shift,
                                       layout.bias_radius * pixels_per_unit, pic)
            self._paint_titles(painter, layout, m, shift, pixels_per_unit, pic)
        finally:
            painter.restore()

    def _paint_circles(self, painter, centres, radius, colors, pic: NodePicture, layer: int) -> None:
        """Circles filled with the activation colour, or with the node's picture and a ring in it."""
        outline = QPen(QColor(pic.theme.node_outline), 1.2 * pic.scale) if radius >= 3 else Qt.PenStyle.NoPen
        pictured = np.zeros(len(centres), dtype=bool)
        has_images = radius >= MIN_IMAGE_RADIUS_PX and any(key[0] == layer for key in pic.images)
        # On screen: the column recoloured, not redrawn (always, so that one state paints one picture).
        one_image = self._raster and not has_images
        if one_image:
            device = painter.device()
            ratio = device.devicePixelRatioF()
            pen = outline if radius >= 3 else None
            # Zoomed far in, only the circles on the device: the masks of a whole column would be huge.
            reach = circle_reach(radius, pen)
            width, height = logical_size(device)
            on_device = ((centres[:, 0] > -reach) & (centres[:, 0] < width + reach)
                         & (centres[:, 1] > -reach) & (centres[:, 1] < height + reach))
            if on_device.any():
                shown = centres[on_device]
                # Masks made relative to a whole device pixel: a pan (whole pixels, give or take the floats'
                # last bits) draws the same masks further along instead of making them again.
                shift = np.floor(shown[0] * ratio) / ratio
                relative = shown - shift
                key = (np.round(relative * ratio, 6).tobytes(), radius, ratio, pic.theme.node_outline, pic.scale)
                masks = self._raster_cache.get(layer, key, lambda: column_masks(relative, radius, pen, ratio))
                paint_column(painter, masks, colors[on_device], ratio, (float(shift[0]), float(shift[1])))
        for index, ((x, y), color) in enumerate(zip(centres, colors) if not one_image else ()):
            image = pic.images.get((layer, index)) if has_images else None
            if image is None:
                painter.setPen(outline)
                painter.setBrush(QColor(*color))
                painter.drawEllipse(QPointF(x, y), radius, radius)
                continue
            pictured[index] = True
            disc = QPainterPath()
            disc.addEllipse(QPointF(x, y), radius, radius)
            painter.save()
            try:
                painter.setClipPath(disc, Qt.ClipOperation.IntersectClip)
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
                painter.drawImage(QRectF(x - radius, y - radius, 2 * radius, 2 * radius), image)
            finally:
                painter.restore()
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor(*color), 3.0 * pic.scale))
            painter.drawEllipse(QPointF(x, y), radius, radius)
        font_px, decimals = value_font_px(radius, pic.scale), 2
        plated = pictured
        if pic.scale > 1 and font_px < PRESENTATION_LABEL_PX * pic.scale:
            # Read from the back of a room: one decimal, and if that is still small, a plate over the node.
            font_px, decimals = PRESENTATION_LABEL_PX * pic.scale, 1
            if 1.7 * radius / 2.0 < font_px:
                plated = np.ones_like(pictured)
        if not font_px:
            return
        painter.setFont(_font(font_px, bold=True))
        dark_text = text_colors(colors.astype(float))
        plate = QColor(pic.theme.background)
        plate.setAlpha(210)
        for (x, y), value, dark, on_picture, on_plate in zip(centres, pic.values[layer], dark_text, pictured, plated):
            text = _short(value, decimals)
            if on_plate:  # on a small plate: low in a node with a picture (it stays visible), else centred
                width = 0.62 * font_px * len(text) + 6
                top = y + 0.9 * radius - 1.5 * font_px if on_picture else y - 0.675 * font_px
                rect = QRectF(x - width / 2, top, width, 1.35 * font_px)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(plate)
                painter.drawRoundedRect(rect, 3, 3)
                painter.setPen(QColor(pic.theme.foreground))
            else:
                rect = QRectF(x - radius, y - radius, 2 * radius, 2 * radius)
                painter.setPen(QColor("#111111" if dark else "#ffffff"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_band(self, painter, centres, pitch, radius, pic: NodePicture, layer: int) -> None:
        """A packed column: one tile per node, touching, batched per colour step."""
        width = max(2 * radius, 7.0 * pic.scale)
        steps = np.rint(pic.levels[layer] * (BAND_LEVELS - 1)).astype(int)
        colors = self._lut[np.rint(np.arange(BAND_LEVELS) / (BAND_LEVELS - 1) * 255).astype(int)]
        if self._raster:  # on screen: one image, its pixel rows recoloured
            ratio = painter.device().devicePixelRatioF()
            key = (centres[:, 1].tobytes(), pitch, ratio)
            rows = self._raster_cache.get(layer, key, lambda: band_rows(centres, pitch, ratio))
            paint_band(painter, float(centres[0, 0]), width, rows, colors[steps], ratio)
        else:
            self._paint_tiles(painter, centres, width, pitch, steps, colors)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(pic.theme.node_outline), 1.0 * pic.scale))
        top, bottom = centres[0, 1] - pitch / 2, centres[-1, 1] + pitch / 2
        painter.drawRect(QRectF(centres[0, 0] - width / 2, top, width, bottom - top))

    @staticmethod
    def _paint_tiles(painter, centres, width, pitch, steps, colors) -> None:
        """The tiles of a band as rectangles, one ``drawRects`` per colour step (an export's vectors)."""
        rects = PrimitiveArray(QRectF, 4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for step in np.unique(steps):
            chosen = centres[steps == step]
            rects.resize(len(chosen))
            tiles = rects.ndarray()
            tiles[:, 0] = chosen[:, 0] - width / 2
            tiles[:, 1] = chosen[:, 1] - pitch / 2
            tiles[:, 2] = width
            tiles[:, 3] = pitch
            painter.setBrush(QColor(*colors[step]))
            painter.drawRects(*rects.drawargs())

    def _paint_rings(self, painter, centres, radius, pic: NodePicture, layer: int) -> None:
        """Marked nodes get a dashed ring, the selected node a solid one."""
        painter.setBrush(Qt.BrushStyle.NoBrush)
        ring = max(radius, 3.0 * pic.scale)
        marked = pic.marks.get(layer)
        if marked is not None and len(marked):
            pen = QPen(QColor(pic.theme.mark), 2.5 * pic.scale, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            for x, y in centres[marked]:
                painter.drawEllipse(QPointF(x, y), ring + 4 * pic.scale, ring + 4 * pic.scale)
        if pic.selected is not None and pic.selected[0] == layer:
            x, y = centres[pic.selected[1]]
            painter.setPen(QPen(QColor(pic.theme.selection), 3.0 * pic.scale))
            painter.drawEllipse(QPointF(x, y), ring + 2.5 * pic.scale, ring + 2.5 * pic.scale)

    def _paint_bias_units(self, painter, centres, half, pic: NodePicture) -> None:
        """Bias units: small rounded squares holding the constant 1 they feed forward."""
        painter.setFont(_font(min(11.0 * pic.scale, 1.2 * half), bold=True))
        for layer, (x, y) in enumerate(centres):
            selected = pic.selected_bias == layer
            width = (3.0 if selected else 1.2) * pic.scale
            painter.setPen(QPen(QColor(pic.theme.selection if selected else pic.theme.node_outline), width))
            painter.setBrush(QBrush(QColor(pic.theme.bias_fill)))
            rect = QRectF(x - half, y - half, 2 * half, 2 * half)
            painter.drawRoundedRect(rect, 0.3 * half, 0.3 * half)
            if half >= 6:
                painter.setPen(QColor(pic.theme.foreground))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "1")

    def _paint_titles(self, painter, layout: NetworkLayout, m, shift, pixels_per_unit, pic: NodePicture) -> None:
        """Column titles in one row above the highest node; short forms, or none, when columns are close."""
        gap_px = (layout.column_x[1] - layout.column_x[0]) * pixels_per_unit
        mode = title_mode(self._title_modes, gap_px).name
        if mode == "none":
            return
        top = np.array([0.0, layout.top]) @ m + shift
        title_font, subtitle_font = _font(TITLE_PX * pic.scale, bold=True), _font(SUBTITLE_PX * pic.scale)
        width = gap_px - 6
        drop = SUBTITLE_DROP_PX * pic.scale
        bottom = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom
        for (title, subtitle, short_title), x in zip(pic.titles, layout.column_x):
            cx = float(np.array([x, 0.0]) @ m[:, 0] + shift[0])
            rect = QRectF(cx - width / 2, top[1] - TITLE_MARGIN_PX * pic.scale, width, 20 * pic.scale)
            painter.setFont(title_font)
            painter.setPen(QColor(pic.theme.foreground))
            if mode == "short":
                painter.drawText(rect.translated(0, drop), bottom, short_title)
                continue
            painter.drawText(rect, bottom, title)
            painter.setFont(subtitle_font)
            painter.setPen(QColor(pic.theme.muted))
            painter.drawText(rect.translated(0, drop), bottom, subtitle)
