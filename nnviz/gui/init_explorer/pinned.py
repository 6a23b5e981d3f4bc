"""The pinned network "A" that the explorer draws the current network (B) against."""

from __future__ import annotations

import numpy as np

from nnviz.core.stats import NetworkStats, layer_statistics


class PinnedNetwork:
    """A copy of ``network`` kept as "A", described by ``caption``, with its statistics on the explorer's batch.

    A's statistics only change with the batch (B's settings do not touch them): they are recomputed only
    when the batch's key changes.
    """

    def __init__(self, network, caption: str):
        self.network = network.copy()
        self.caption = caption
        self._stats: NetworkStats | None = None
        self._batch_key = None

    def statistics(self, batch: np.ndarray, batch_key, seed: int, dtype=np.float64) -> tuple[NetworkStats | None, str]:
        """A's statistics on ``batch`` ((n, d) array) and the caption to show; None and the reason when A
        takes another number of inputs than the batch has. ``dtype`` as in :func:`layer_statistics`."""
        n_inputs = self.network.layer_sizes[0]
        if n_inputs != batch.shape[1]:
            return None, f"A has {n_inputs} inputs, the network now {batch.shape[1]}: A is not shown."
        if batch_key != self._batch_key:
            self._stats = layer_statistics(self.network, batch, seed=seed, dtype=dtype)
            self._batch_key = batch_key
        return self._stats, self.caption
