"""The explorer's statistics, measured on a worker thread: 1,000 samples through the network cost 10–50 ms,
which the GUI thread keeps for the picture and the pen (numpy releases the interpreter while it multiplies)."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject

from nnviz.core import Network
from nnviz.core.scratch import Scratch
from nnviz.core.stats import NetworkStats, layer_statistics
from nnviz.core.symmetry import find_symmetric_units

from ..background import BackgroundJob
from .axes import Bars, histogram_table
from .batch import BATCH_SEED, InputBatch
from .pinned import PinnedNetwork

PAUSE_S = 0.25
"""A measurement that starts this long after the last one ended (not one of a stream, as while training plays)
uses both cores: the statistics come in about half the time, and the picture is already painted. In a stream,
one core is left to the picture."""
STATS_DTYPE = np.float32
"""The statistics' matrix products in single precision: 2–4× faster, the same numbers to 1e-6 (see layer_statistics)."""


@dataclass(frozen=True)
class Measured:
    """One measurement: the statistics of the network measured and its identical units
    (:func:`~nnviz.core.symmetry.find_symmetric_units`), those of the pinned network "A" (None if there is none
    or it takes other inputs; ``caption`` then says why), and the histogram bars of the rows asked for (see
    :func:`~nnviz.gui.init_explorer.axes.histogram_table`)."""

    stats: NetworkStats
    symmetric_units: dict
    pinned: PinnedNetwork | None
    pinned_stats: NetworkStats | None
    caption: str
    rows: tuple[int, ...]
    shared: bool
    bars: list[dict[str, Bars]]


def histogram_pairs(stats: NetworkStats, pinned_stats: NetworkStats | None, rows) -> list[tuple]:
    """``(B's layer stats, A's or None)`` of the layers ``rows`` (1 … L)."""
    return [(stats.layers[layer - 1], pinned_stats.layers[layer - 1]
             if pinned_stats is not None and layer <= len(pinned_stats.layers) else None) for layer in rows]


class Measuring(QObject):
    """Measures a network (and the pinned one) on the explorer's input batch, one measurement at a time.

    The network is copied when a measurement starts, so that training may go on changing it in place.
    """

    def __init__(self, parent: QObject):
        super().__init__(parent)
        self._batch = InputBatch()
        self._scratch = Scratch()  # the temporaries, reused from one measurement to the next
        self._job = BackgroundJob(self, "nnviz-statistics")
        self._last_end = -float("inf")  # perf_counter seconds

    @property
    def busy(self) -> bool:
        return self._job.busy

    def start(self, network: Network, pinned: PinnedNetwork | None, samples: int, distribution: str,
              inputs: np.ndarray, rows, shared: bool, done: Callable[[Future], None]) -> None:
        """Measure on the worker thread; ``done(future)`` runs on the GUI thread (``future.result()``: the
        :class:`Measured`, or the error). ``inputs`` ``(n_in,)``: the current input, for the "current"
        distribution; ``rows`` the layers (1 … L) to make histogram bars for, on ``shared`` axes or not (see
        :func:`~nnviz.gui.init_explorer.axes.histogram_table`). Not while :attr:`busy`."""
        self._job.start(self._measure, *self._taken(network, pinned, samples, distribution, inputs), tuple(rows),
                        shared, done=done)

    def now(self, network: Network, pinned: PinnedNetwork | None, samples: int, distribution: str,
            inputs: np.ndarray, rows, shared: bool) -> Measured:
        """:meth:`start`, but on this thread; a measurement still running is waited for and dropped."""
        self._job.forget(wait=True)  # superseded; one measurement at a time uses the scratch buffers
        return self._measure(*self._taken(network, pinned, samples, distribution, inputs), tuple(rows), shared)

    def _taken(self, network, pinned, samples, distribution, inputs) -> tuple:
        """What a measurement reads, taken now on the GUI thread."""
        network = network.copy()
        batch = self._batch.get(network, None if pinned is None else pinned.network, samples, distribution,
                                inputs if distribution == "current" else None)
        return network, batch, self._batch.key, pinned

    def _measure(self, network: Network, batch: np.ndarray, batch_key, pinned: PinnedNetwork | None,
                 rows: tuple[int, ...], shared: bool) -> Measured:
        halves = time.perf_counter() - self._last_end > PAUSE_S
        stats = layer_statistics(network, batch, seed=BATCH_SEED + 1, dtype=STATS_DTYPE, scratch=self._scratch,
                                 copy_weights=False, halves=halves)  # the network is this measurement's own copy
        pinned_stats, caption = (None, "") if pinned is None else pinned.statistics(
            batch, batch_key, seed=BATCH_SEED + 1, dtype=STATS_DTYPE)
        rows = tuple(layer for layer in rows if layer <= len(stats.layers))
        bars = histogram_table(histogram_pairs(stats, pinned_stats, rows), shared and len(rows) > 1, halves)
        self._last_end = time.perf_counter()
        return Measured(stats, find_symmetric_units(network), pinned, pinned_stats, caption, rows, shared, bars)
