"""In which order, and with which pen, a layer's edges are drawn: a few linear numpy passes.

A training step recomputes this for every layer, so nothing here sorts floats: the edges come in
weakest first, pens are small integers (a radix sort), and a dense fan's interleaving sorts its
chunks of :data:`INTERLEAVE_EDGES` lines, not the lines.
"""

from __future__ import annotations

import numpy as np

LEVELS = 24
"""Magnitude bins per sign: 48 pens at most per layer."""
INTERLEAVE_EDGES = 16
"""Lines per chunk when a dense layer interleaves negative and positive chunks (see :func:`drawing_order`):
small, because the last chunks drawn cover much of a dense fan and must not all be of one sign."""


def pen_groups(values: np.ndarray, top: float) -> np.ndarray:
    """``(m,)`` uint8 pen of each of ``values`` ``(m,)``: 2·level + (value > 0), where the level is the
    bin of |value| / ``top`` among :data:`LEVELS`. A diverged network may hold inf or nan: inf gets
    the top level, nan the level of zero."""
    magnitude = np.abs(values)
    if not np.isfinite(magnitude).all():  # one pass; nan_to_num takes several
        np.nan_to_num(magnitude, copy=False, nan=0.0, posinf=top)
    magnitude /= top
    np.minimum(magnitude, 1.0, out=magnitude)  # ≥ 0 already
    magnitude *= LEVELS
    level = magnitude.astype(np.uint8)  # in 0 … LEVELS after the clip
    np.minimum(level, LEVELS - 1, out=level)
    level <<= 1
    level += values > 0
    return level


def drawing_order(group: np.ndarray, interleave: bool) -> np.ndarray:
    """``(m,)`` the order to draw edges of pens ``group`` ``(m,)`` uint8 (listed weakest first) in:
    by pen, weakest first inside a pen; with ``interleave``, level by level, chunks of
    ``INTERLEAVE_EDGES`` negative and positive edges alternate, each sign keeping its order.

    In a dense fan many lines cross every pixel and the last one drawn shows: alternating chunks
    keeps either sign from painting over the other wholesale; neither gets a run of its own at the
    end of a level (its last chunks cover the fan), as chunks are spread evenly over the level:
    chunk c of a pen with C chunks goes at (c + ½) / C of its level, the negative one first on a tie.
    """
    order = np.argsort(group, kind="stable")  # small integers: a radix sort
    if not interleave or not len(group):
        return order
    counts = np.bincount(group, minlength=2 * LEVELS)
    first = np.cumsum(counts) - counts  # where each pen starts in ``order``
    chunks = -(-counts // INTERLEAVE_EDGES)
    chunk_pen = np.repeat(np.arange(len(counts)), chunks)
    chunk_index = np.arange(len(chunk_pen)) - np.repeat(np.cumsum(chunks) - chunks, chunks)
    key = (chunk_index + 0.5) / chunks[chunk_pen]
    chunk_order = np.lexsort((chunk_pen & 1, key, chunk_pen >> 1))
    start = first[chunk_pen] + chunk_index * INTERLEAVE_EDGES
    length = np.minimum(INTERLEAVE_EDGES, first[chunk_pen] + counts[chunk_pen] - start)
    start, length = start[chunk_order], length[chunk_order]
    # The chunks' ranges of ``order``, one after the other.
    positions = np.repeat(start - (np.cumsum(length) - length), length) + np.arange(len(group))
    return order[positions]


def bias_places(weight_magnitudes: np.ndarray, bias_magnitudes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where bias edges go among weight edges sorted weakest first (``weight_magnitudes`` ``(m,)``
    sorted as ``np.sort`` sorts, nan last) so that all are as a stable sort of the biases followed by
    the weights would order them: ``(bias order (b,), the weight index (b,) each goes before)``, as
    ``np.insert`` takes them."""
    bias_order = np.argsort(bias_magnitudes, kind="stable")
    return bias_order, np.searchsorted(weight_magnitudes, bias_magnitudes[bias_order], side="left")
