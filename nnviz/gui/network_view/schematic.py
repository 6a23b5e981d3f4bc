"""The schematic style of a figure: a big layer drawn as a few of its nodes, "⋮" where the rest would be,
and a bracket with the count beside the column, as NN-SVG draws it.

The first and last nodes of the layer stand for the rest; their edges, values and colours are the
real ones, so the picture stays true of what it shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.core import Network, Trace
from nnviz.core.layout import NetworkLayout, compute_layout
from nnviz.gui.colors import ThemeColors
from nnviz.gui.network_view.drawing import Polyline, Rects, Text, centred_baseline, text_width
from nnviz.gui.network_view.figure_nodes import Frame

MIN_SHOWN = 3
"""A schematic layer shows at least this many nodes (and the "⋮" slot)."""


@dataclass(frozen=True)
class Gap:
    """Where a schematic layer leaves out nodes: ``layer``, the ``(2,)`` scene point of the "⋮" and
    the layer's real node ``count``."""

    layer: int
    point: np.ndarray
    count: int


@dataclass(frozen=True)
class Schematic:
    """The network as drawn: ``shown[i]`` are the real indices of the nodes kept in layer ``i``;
    ``network``, ``trace``, ``layout``, ``marks`` and ``images`` are over the kept nodes only."""

    network: Network
    trace: Trace
    layout: NetworkLayout
    shown: list[np.ndarray]
    marks: dict
    images: dict
    gaps: list[Gap]


def shown_nodes(n: int, max_nodes: int) -> tuple[np.ndarray, int | None]:
    """The node indices a column of ``n`` nodes keeps when at most ``max_nodes`` slots are drawn,
    and the slot of the "⋮" (``None``: the whole column fits): the first half and the last nodes."""
    if n <= max_nodes:
        return np.arange(n), None
    slots = max(max_nodes, MIN_SHOWN + 1)
    head = slots // 2
    tail = slots - 1 - head
    return np.r_[np.arange(head), np.arange(n - tail, n)], head


def schematic(network: Network, trace: Trace, marks: dict, images: dict, max_nodes: int) -> Schematic:
    """``network`` with every layer of more than ``max_nodes`` nodes cut down to its schematic form."""
    picks = [shown_nodes(n, max_nodes) for n in network.layer_sizes]
    shown = [indices for indices, _ in picks]
    reduced = Network([len(s) for s in shown], activation=network.activation,
                      output_activation=network.output_activation, bias=network.bias, seed=0)
    reduced.weights = [w[np.ix_(shown[i + 1], shown[i])] for i, w in enumerate(network.weights)]
    reduced.biases = [b[shown[i + 1]] for i, b in enumerate(network.biases)]
    reduced_trace = Trace([np.asarray(z)[shown[i + 1]] for i, z in enumerate(trace.pre)],
                          [np.asarray(a)[shown[i]] for i, a in enumerate(trace.post)])
    slots = compute_layout([len(s) + (gap is not None) for s, gap in zip(shown, (g for _, g in picks))],
                           network.bias)
    positions, gaps = [], []
    for layer, ((_, gap), column) in enumerate(zip(picks, slots.positions)):
        if gap is None:
            positions.append(column)
            continue
        positions.append(np.delete(column, gap, axis=0))
        gaps.append(Gap(layer, column[gap], network.layer_sizes[layer]))
    layout = NetworkLayout(tuple(len(s) for s in shown), positions, slots.radii, slots.pitches, slots.column_x,
                           slots.bias_positions, slots.bias_radius)
    position_of = [{int(real): kept for kept, real in enumerate(indices)} for indices in shown]
    kept_marks = {}
    for layer, nodes in marks.items():
        kept = [position_of[layer][int(i)] for i in nodes if int(i) in position_of[layer]]
        if kept:
            kept_marks[layer] = np.array(kept)
    kept_images = {(layer, position_of[layer][index]): image for (layer, index), image in images.items()
                   if index in position_of[layer]}
    return Schematic(reduced, reduced_trace, layout, shown, kept_marks, kept_images, gaps)


def gap_shapes(gaps: list[Gap], layout: NetworkLayout, theme: ThemeColors, frame: Frame) -> list:
    """For each gap: "⋮" in the left-out slot and a bracket along the column with the node count,
    on the left of the input column and on the right of the others (a plate keeps it readable
    over the edges)."""
    s = frame.scale
    shapes = []
    last = len(layout.layer_sizes) - 1
    for gap in gaps:
        radius = float(layout.radii[gap.layer] * frame.ppu)
        (cx, cy), = frame.map(gap.point[None]).tolist()
        dots_px = max(10.0 * s, 1.6 * radius)
        shapes.append(Text(cx, centred_baseline(cy, dots_px), "\u22ee", dots_px, theme.foreground, anchor="middle"))
        column = frame.map(layout.positions[gap.layer])
        top, bottom = column[0, 1] - radius, column[-1, 1] + radius
        side = -1.0 if gap.layer == 0 and last > 0 else 1.0
        x = cx + side * (radius + 8 * s)
        tick = -side * 5 * s
        shapes.append(Polyline(np.array([[x + tick, top], [x, top], [x, bottom], [x + tick, bottom]]),
                               theme.muted, 1.2 * s))
        label, px = f"{gap.count:,}", 12.0 * s
        width = text_width(label, px, True)
        left = x + 6 * s if side > 0 else x - 6 * s - width
        mid = (top + bottom) / 2
        shapes.append(Rects(np.array([[left - 3 * s, mid - 0.75 * px, width + 6 * s, 1.5 * px]]), theme.background,
                            radius=3 * s, opacity=0.85))
        shapes.append(Text(left + width / 2, centred_baseline(mid, px, True), label, px, theme.foreground, True,
                           "middle"))
    return shapes
