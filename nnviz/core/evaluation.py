"""The loss (and accuracy) of a network on a data set, measured in chunks of rows: all at once
(:func:`evaluate`) or a few chunks at a time (:class:`Evaluation`), with the same result either way."""

from __future__ import annotations

import numpy as np

from .network import Network
from .targets import labels_of, targets_for, true_labels

EVAL_CHUNK_WORK = 2**18
"""Most multiply-adds of one weight layer's product when measuring the loss (at least 32 rows a
chunk). OpenBLAS hands larger products to its threads, and on a small, busy machine those threads
then spin for a while and slow every small training batch after them (2.5× for the digits)."""


def chunk_rows(network: Network) -> int:
    """How many rows one chunk of an evaluation of ``network`` holds (see :data:`EVAL_CHUNK_WORK`)."""
    return max(32, EVAL_CHUNK_WORK // max(w.size for w in network.weights))


class Evaluation:
    """The sample-mean loss and the accuracy of ``network`` on ``X`` ``(n, n_in)`` and ``y`` (labels
    ``(n,)`` or target rows, see :func:`~nnviz.core.targets.targets_for`), measured as :meth:`advance`
    is called; :attr:`result` once :attr:`done`. ``network`` must not change until then."""

    def __init__(self, network: Network, X, y, classification: bool):
        self.network = network
        self.X = np.asarray(X, dtype=float)
        self.y = y
        self.classification = classification
        self._targets = targets_for(network, y, classification)
        self._chunk = chunk_rows(network)
        self._position = 0
        self._loss = 0.0
        self._correct = 0

    @property
    def done(self) -> bool:
        return self._position >= len(self.X)

    def advance(self, max_rows: int | None = None) -> int:
        """Measure the next rows, at most ``max_rows`` (None: all that are left); returns how many.

        The rows go in chunks of :func:`chunk_rows`; a smaller ``max_rows`` makes smaller chunks (the
        sum then differs by float rounding only)."""
        network, start = self.network, self._position
        budget = len(self.X) if max_rows is None else int(max_rows)
        with np.errstate(over="ignore", invalid="ignore"):
            while budget > 0 and not self.done:
                rows = slice(self._position, self._position + min(self._chunk, budget))
                trace = network.forward(self.X[rows])
                self._loss += network.trace_loss(trace, self._targets[rows])
                if self.classification:
                    right = labels_of(network, trace.output) == true_labels(self.y[rows])
                    self._correct += int(np.count_nonzero(right))
                measured = len(trace.output)
                self._position += measured
                budget -= measured
        return self._position - start

    @property
    def result(self) -> tuple[float, float | None]:
        """``(loss, accuracy)``; accuracy is None for regression."""
        n = len(self.X)
        return self._loss / n, (self._correct / n if self.classification else None)


def evaluate(network: Network, X, y, classification: bool) -> tuple[float, float | None]:
    """``(loss, accuracy)`` on ``X`` ``(n, n_in)`` and ``y`` (labels ``(n,)`` or target rows, see
    :func:`~nnviz.core.targets.targets_for`): the sample-mean loss; accuracy is None for regression."""
    evaluation = Evaluation(network, X, y, classification)
    evaluation.advance()
    return evaluation.result
