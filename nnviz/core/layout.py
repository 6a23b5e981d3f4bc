"""Where the network view puts things: node columns, radii, bias units, and what a point hits (which
edges to draw, and where their lines lie: ``nnviz/fan_strokes.py``).

Pure geometry on numpy arrays, so it can be tested without Qt. Scene units: x grows to the right
(one column per layer), y grows downwards, each column is centred on y = 0, and nodes of a small
layer sit one unit apart. Wide layers pack their nodes closer so that no column is taller than
``MAX_COLUMN_SPAN``: a 784-node input layer becomes a thin band.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PITCH = 1.0
"""Distance between node centres in a layer small enough to need no packing."""
MAX_RADIUS = 0.34
"""Node radius in a small layer (scene units)."""
RADIUS_PER_PITCH = 0.38
"""Radius as a fraction of the node spacing once a layer is packed."""
MAX_COLUMN_SPAN = 20.0
"""Most distance between the first and last node centre of a column."""
MIN_COLUMN_GAP = 3.5
"""Least horizontal distance between two columns."""
ASPECT = 1.6
"""Width / height the columns are spread to when there is room (a 16:10 screen)."""
BIAS_GAP = 0.5
"""Least distance from the edge of a layer's last node to its bias unit."""


@dataclass(frozen=True)
class NetworkLayout:
    """Positions of every node of a network, in scene units (see the module docstring).

    Attributes:
        layer_sizes: nodes per layer, input first.
        positions: one ``(n_i, 2)`` array of node centres per layer.
        radii: ``(L,)`` node radius of each layer.
        pitches: ``(L,)`` distance between neighbouring node centres of each layer.
        column_x: ``(L,)`` x of each column.
        bias_positions: ``(L - 1, 2)`` centre of the bias unit of layers 0 … L−2 (it feeds layer
            i + 1), or ``None`` when the network has no biases.
        bias_radius: half the side of a bias unit.
    """

    layer_sizes: tuple[int, ...]
    positions: list[np.ndarray]
    radii: np.ndarray
    pitches: np.ndarray
    column_x: np.ndarray
    bias_positions: np.ndarray | None
    bias_radius: float

    @property
    def top(self) -> float:
        """The y of the highest node edge: layer titles go above it."""
        return float(min(p[0, 1] - r for p, r in zip(self.positions, self.radii)))

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(x0, y0, x1, y1)`` enclosing every node and bias unit with its radius."""
        x0 = float(self.column_x[0] - self.radii[0])
        x1 = float(self.column_x[-1] + self.radii[-1])
        y1 = float(max(p[-1, 1] + r for p, r in zip(self.positions, self.radii)))
        if self.bias_positions is not None:
            y1 = max(y1, float(self.bias_positions[:, 1].max()) + self.bias_radius)
        return x0, self.top, x1, y1

    def is_dense(self, layer: int, pixels_per_unit: float, min_pitch_px: float = 3.0) -> bool:
        """Whether nodes of ``layer`` are too close on screen to draw as separate circles."""
        return self.pitches[layer] * pixels_per_unit < min_pitch_px


def compute_layout(layer_sizes, bias: bool = False) -> NetworkLayout:
    """Lay out ``layer_sizes`` in centred columns, with a bias unit under each but the last if ``bias``."""
    sizes = tuple(int(n) for n in layer_sizes)
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"need at least two layers of at least one node, got {sizes}")
    counts = np.array(sizes, dtype=float)
    pitches = np.where(counts > 1, np.minimum(PITCH, MAX_COLUMN_SPAN / np.maximum(counts - 1, 1)), PITCH)
    radii = np.minimum(MAX_RADIUS, RADIUS_PER_PITCH * pitches)
    span = float(((counts - 1) * pitches).max()) + 2 * MAX_RADIUS
    gap = max(MIN_COLUMN_GAP, ASPECT * span / (len(sizes) - 1))
    column_x = np.arange(len(sizes)) * gap
    positions = []
    for n, pitch, x in zip(sizes, pitches, column_x):
        y = (np.arange(n) - (n - 1) / 2) * pitch
        positions.append(np.column_stack([np.full(n, x), y]))
    bias_radius = 0.6 * MAX_RADIUS
    bias_positions = None
    if bias:
        # Where the next node would be in a small layer; just below the band in a packed one.
        bias_positions = np.array([[column_x[i], positions[i][-1, 1] + max(0.9 * PITCH, radii[i] + BIAS_GAP)]
                                   for i in range(len(sizes) - 1)])
    return NetworkLayout(sizes, positions, radii, pitches, column_x, bias_positions, bias_radius)


def _spans(layout: NetworkLayout, side: float, overhang: tuple[float, float]) -> list[tuple[float, float]]:
    """The picture's width at zoom ``ppu`` is the largest ``a · ppu + b`` of these ``(a, b)``.

    It reaches from the leftmost to the rightmost of: the first and last column's nodes plus the
    ``side`` margin, and their titles, ``overhang`` (left, right) pixels out from the column centre.
    """
    x0, _, x1, _ = layout.bounds
    c0, c1 = float(layout.column_x[0]), float(layout.column_x[-1])
    left, right = overhang
    return [(x1 - x0, 2 * side), (c1 - x0, side + right), (x1 - c0, left + side), (c1 - c0, left + right)]


def picture_size(layout: NetworkLayout, pixels_per_unit: float, margins=(0.0, 0.0, 0.0),
                 overhang=(0.0, 0.0)) -> tuple[float, float]:
    """``(width, height)`` in pixels that ``layout`` takes at ``pixels_per_unit`` with its margins
    and titles (see :func:`fit_frame`)."""
    _, y0, _, y1 = layout.bounds
    side, top, bottom = margins
    width = max(a * pixels_per_unit + b for a, b in _spans(layout, side, overhang))
    return width, (y1 - y0) * pixels_per_unit + top + bottom


def fit_frame(layout: NetworkLayout, width: float, height: float, margins=(0.0, 0.0, 0.0),
              max_pixels_per_unit: float = float("inf"), overhang=(0.0, 0.0)) -> tuple[float, float, float]:
    """How to show ``layout`` centred in ``width`` × ``height`` pixels: ``(pixels per unit, left, top)``,
    where (left, top) is the scene point at the top-left pixel.

    ``margins`` are (sides, top, bottom) in pixels kept free (titles go in the top one);
    ``overhang`` is how far (left, right) in pixels the first and last column's titles reach out
    from the column centre: they must fit in too. A tiny network is magnified no more than
    ``max_pixels_per_unit``.
    """
    x0, y0, _, y1 = layout.bounds
    side, top, bottom = margins
    room_y = max(height - top - bottom, 10.0)
    ppu = min(room_y / (y1 - y0), max_pixels_per_unit)
    for a, b in _spans(layout, side, overhang):
        ppu = min(ppu, max(width - b, 10.0) / a)
    used_width, _ = picture_size(layout, ppu, (side, 0.0, 0.0), overhang)
    # The leftmost thing drawn is the first column's nodes (with the margin) or its title.
    first_column_px = (width - used_width) / 2 + max((layout.column_x[0] - x0) * ppu + side, overhang[0])
    top_px = top + (room_y - (y1 - y0) * ppu) / 2
    return ppu, float(layout.column_x[0]) - first_column_px / ppu, y0 - top_px / ppu


def fill_scale(layout: NetworkLayout, width: float, height: float, pixels_per_unit: float,
               margins=(0.0, 0.0, 0.0), overhang=(0.0, 0.0)) -> float:
    """How much a picture must grow, all of it (zoom, margins, titles), to fill ``width`` × ``height``:
    ``margins`` and ``overhang`` are pixels at scale 1, ``pixels_per_unit`` the zoom at scale 1."""
    needed_width, needed_height = picture_size(layout, pixels_per_unit, margins, overhang)
    return min(width / needed_width, height / needed_height)


def value_font_px(radius_px: float, scale: float = 1.0) -> float:
    """Pixel size of the value printed inside a node of ``radius_px``, or 0 when it would not fit.

    A value like ``−0.57`` is about 2.6 font sizes wide and must sit inside the circle.
    """
    size = min(14.0 * scale, 1.7 * radius_px / 2.6)
    return size if size >= 7.0 else 0.0


def segment_distances(point, lines: np.ndarray) -> np.ndarray:
    """Distance from ``point`` (x, y) to each segment of ``lines`` ``(n, 4)`` = x0, y0, x1, y1."""
    p = np.asarray(point, dtype=float)
    start, delta = lines[:, :2], lines[:, 2:] - lines[:, :2]
    length2 = np.einsum("ij,ij->i", delta, delta)
    t = np.einsum("ij,ij->i", p - start, delta) / np.where(length2 > 0, length2, 1.0)
    nearest = start + np.clip(t, 0.0, 1.0)[:, None] * delta
    return np.hypot(*(p - nearest).T)


def nearest_segment(point, lines: np.ndarray, tolerance: float) -> int:
    """Index of the segment closest to ``point`` within ``tolerance``, else −1.

    Of equally close segments the last wins: it is the one drawn on top.
    """
    if len(lines) == 0:
        return -1
    dist = segment_distances(point, lines)
    best = len(dist) - 1 - int(np.argmin(dist[::-1]))
    return best if dist[best] <= tolerance else -1


def node_at(layout: NetworkLayout, point, tolerance: float) -> tuple[int, int] | None:
    """``(layer, index)`` of the node under ``point``, or ``None``.

    A node is hit within its radius or ``tolerance``, whichever is larger; in a packed column
    every point of the band belongs to its nearest node.
    """
    x, y = float(point[0]), float(point[1])
    for layer, (pos, radius, pitch) in enumerate(zip(layout.positions, layout.radii, layout.pitches)):
        reach = max(radius, tolerance)
        if abs(x - pos[0, 0]) > reach:
            continue
        index = int(np.clip(np.rint((y - pos[0, 1]) / pitch), 0, len(pos) - 1))
        dy = abs(y - pos[index, 1])
        if np.hypot(x - pos[index, 0], dy) <= reach or (pitch < 2 * tolerance and dy <= pitch / 2):
            return layer, index
    return None


def bias_at(layout: NetworkLayout, point, tolerance: float) -> int | None:
    """Layer whose bias unit is under ``point``, or ``None``."""
    if layout.bias_positions is None:
        return None
    dist = np.max(np.abs(layout.bias_positions - np.asarray(point, dtype=float)), axis=1)
    layer = int(np.argmin(dist))
    return layer if dist[layer] <= max(layout.bias_radius, tolerance) else None
