"""The nodes, bias units and column titles of an exported figure, as drawing shapes in pixels.

The same rules as the view's node item (see :mod:`~nnviz.gui.network_view.nodes`): circles filled
with the activation colour and the value printed inside when it fits, packed columns as a band of
tiles, dashed rings on marked nodes, full or short titles depending on the room between columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.core.layout import NetworkLayout, value_font_px
from nnviz.gui.colors import ThemeColors, activation_colormap, map_rgb, text_colors
from nnviz.gui.network_view.drawing import (
    Circle,
    Picture,
    Rects,
    Text,
    bottom_baseline,
    centred_baseline,
    hex_color,
)
from nnviz.gui.network_view.nodes import (
    BAND_LEVELS,
    MIN_IMAGE_RADIUS_PX,
    SUBTITLE_DROP_PX,
    SUBTITLE_PX,
    TITLE_MARGIN_PX,
    TITLE_PX,
    title_mode,
    title_modes,
)


@dataclass(frozen=True)
class Frame:
    """Where the network sits in the picture: scene point ``p`` is at pixel ``(p − origin) · ppu``;
    ``scale`` sizes text, outlines and rings."""

    ppu: float
    origin: tuple[float, float]
    scale: float

    def map(self, points: np.ndarray) -> np.ndarray:
        """``(n, 2)`` scene points → ``(n, 2)`` pixels."""
        return (np.asarray(points, dtype=float) - np.asarray(self.origin)) * self.ppu


def short_value(value: float) -> str:
    """A node's value as printed inside it: 2 decimals, a true minus sign."""
    text = f"{value:.2f}" if abs(value) < 10 else f"{value:.3g}"
    return text.replace("-", "\u2212")


def node_shapes(layout: NetworkLayout, levels: list[np.ndarray], values: list[np.ndarray], theme: ThemeColors,
                frame: Frame, marks: dict, images: dict, show_values: bool = True) -> list:
    """Shapes of every column: ``levels[i]`` ``(n_i,)`` in [0, 1] on the activation map,
    ``values[i]`` the ``(n_i,)`` activations, ``marks`` layer → node indices to ring,
    ``images`` (layer, index) → picture drawn in the node."""
    shapes = []
    s = frame.scale
    cmap = activation_colormap()
    for layer, positions in enumerate(layout.positions):
        centres = frame.map(positions)
        radius = float(layout.radii[layer] * frame.ppu)
        if layout.is_dense(layer, frame.ppu, 3.0 * s):
            shapes += _band(centres, float(layout.pitches[layer] * frame.ppu), radius, levels[layer], theme, s)
        else:
            colors = map_rgb(cmap, levels[layer])
            shapes += _circles(centres, radius, colors, values[layer] if show_values else None, theme, s,
                               {index: image for (lay, index), image in images.items() if lay == layer})
        marked = marks.get(layer)
        if marked is not None and len(marked):
            ring = max(radius, 3.0 * s) + 4 * s
            shapes += [Circle(x, y, ring, None, theme.mark, 2.5 * s, dashed=True) for x, y in centres[marked].tolist()]
    if layout.bias_positions is not None:
        half = layout.bias_radius * frame.ppu
        for x, y in frame.map(layout.bias_positions).tolist():
            shapes.append(Rects(np.array([[x - half, y - half, 2 * half, 2 * half]]), theme.bias_fill,
                                theme.node_outline, 1.2 * s, 0.3 * half))
            if half >= 6:
                px = min(11.0 * s, 1.2 * half)
                shapes.append(Text(x, centred_baseline(y, px, True), "1", px, theme.foreground, True, "middle"))
    return shapes


def _circles(centres, radius, colors, values, theme: ThemeColors, s: float, images: dict) -> list:
    outline = theme.node_outline if radius >= 3 else None
    shapes, pictured = [], np.zeros(len(centres), dtype=bool)
    for index, ((x, y), color) in enumerate(zip(centres.tolist(), colors)):
        image = images.get(index) if radius >= MIN_IMAGE_RADIUS_PX else None
        if image is None:
            shapes.append(Circle(x, y, radius, hex_color(color), outline, 1.2 * s))
        else:
            pictured[index] = True
            shapes.append(Picture((x - radius, y - radius, 2 * radius, 2 * radius), image))
            shapes.append(Circle(x, y, radius, None, hex_color(color), 3.0 * s))
    font_px = value_font_px(radius, s)
    if values is None or not font_px:
        return shapes
    dark_text = text_colors(np.asarray(colors, dtype=float))
    for (x, y), value, dark, on_picture in zip(centres.tolist(), values, dark_text, pictured):
        text = short_value(float(value))
        if on_picture:  # on a small plate low in the node, so that the picture stays visible
            width = 0.62 * font_px * len(text) + 6
            top = y + 0.9 * radius - 1.5 * font_px
            shapes.append(Rects(np.array([[x - width / 2, top, width, 1.35 * font_px]]), theme.background,
                                radius=3, opacity=210 / 255))
            baseline, color = centred_baseline(top + 0.675 * font_px, font_px, True), theme.foreground
        else:
            baseline, color = centred_baseline(y, font_px, True), "#111111" if dark else "#ffffff"
        shapes.append(Text(x, baseline, text, font_px, color, True, "middle"))
    return shapes


def _band(centres, pitch, radius, levels, theme: ThemeColors, s: float) -> list:
    """A packed column: one tile per node, touching, one shape per colour step."""
    width = max(2 * radius, 7.0 * s)
    steps = np.rint(np.asarray(levels) * (BAND_LEVELS - 1)).astype(int)
    colors = map_rgb(activation_colormap(), np.arange(BAND_LEVELS) / (BAND_LEVELS - 1))
    shapes = []
    for step in np.unique(steps):
        chosen = centres[steps == step]
        tiles = np.column_stack([chosen[:, 0] - width / 2, chosen[:, 1] - pitch / 2,
                                 np.full(len(chosen), width), np.full(len(chosen), pitch)])
        shapes.append(Rects(tiles, hex_color(colors[step])))
    top, bottom = centres[0, 1] - pitch / 2, centres[-1, 1] + pitch / 2
    shapes.append(Rects(np.array([[centres[0, 0] - width / 2, top, width, bottom - top]]), None,
                        theme.node_outline, 1.0 * s))
    return shapes


def title_shapes(layout: NetworkLayout, titles: list[tuple[str, str, str]], theme: ThemeColors,
                 frame: Frame) -> list:
    """Column titles centred over their columns: full (title and subtitle), short, or none when
    the columns are too close (see :func:`~nnviz.gui.network_view.nodes.title_mode`)."""
    s = frame.scale
    gap_px = float(layout.column_x[1] - layout.column_x[0]) * frame.ppu
    mode = title_mode(title_modes(titles, s), gap_px).name
    if mode == "none":
        return []
    top = frame.map([[0.0, layout.top]])[0, 1]
    bottom = top - TITLE_MARGIN_PX * s + 20 * s
    drop = SUBTITLE_DROP_PX * s
    title_px, subtitle_px = TITLE_PX * s, SUBTITLE_PX * s
    shapes = []
    for (title, subtitle, short_title), x in zip(titles, frame.map(np.column_stack(
            [layout.column_x, np.zeros(len(layout.column_x))]))[:, 0].tolist()):
        if mode == "short":
            shapes.append(Text(x, bottom_baseline(bottom + drop, title_px, True), short_title, title_px,
                               theme.foreground, True, "middle"))
            continue
        shapes.append(Text(x, bottom_baseline(bottom, title_px, True), title, title_px, theme.foreground, True,
                           "middle"))
        shapes.append(Text(x, bottom_baseline(bottom + drop, subtitle_px), subtitle, subtitle_px, theme.muted,
                           anchor="middle"))
    return shapes

