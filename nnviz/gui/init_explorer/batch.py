"""The explorer's input batch: drawn once per input size, sample count, distribution and current input."""

from __future__ import annotations

import numpy as np

from nnviz.core.stats import affordable_samples, sample_inputs

BATCH_SEED = 0
"""The input batch and targets come from a fixed seed: A and B see the same data, a seed change moves only W."""


class InputBatch:
    """The ``(n_samples, n_in)`` batch that the statistics of B (and the pinned A) are measured on.

    ``key`` names the batch now held: A's statistics are redone only when it changes.
    """

    def __init__(self):
        self.key = None
        self.values: np.ndarray | None = None

    def get(self, network, pinned_network, wanted: int, distribution: str, current) -> np.ndarray:
        """The batch for ``network`` (and the pinned one, or None): ``wanted`` samples or as many as both afford;
        ``current`` is the ``(n_in,)`` input vector for the "current" distribution, else None."""
        n_samples = affordable_samples(network.layer_sizes, wanted)
        if pinned_network is not None:
            n_samples = affordable_samples(pinned_network.layer_sizes, n_samples)
        key = (network.layer_sizes[0], n_samples, distribution, None if current is None else current.tobytes())
        if key != self.key:
            self.values = sample_inputs(key[0], n_samples, distribution, BATCH_SEED, current=current)
            self.key = key
        return self.values
