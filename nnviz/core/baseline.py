"""The chance baseline: the loss of a network that learned nothing but the targets' average."""

from __future__ import annotations

import numpy as np

from .network import Network
from .targets import looks_like_classification, targets_for


def chance_loss(network: Network, y, classification=None) -> float:
    """The loss of knowing nothing about the input, on labels or regression targets ``y`` ``(n,)``.

    Cross-entropy with a softmax output: −log(1/C) = log C, the loss of predicting each of the C
    classes (output units) with probability 1/C. With sigmoid outputs each unit is a yes/no question
    of its own: log 2 per unit (the loss of always answering ½). Mean squared error:
    the loss of predicting the mean target vector (the class prior, or the mean of a regression
    target), ½ Σ over outputs of the variance of the targets, with the targets the trainer uses.
    ``y`` may also be target rows ``(n, n_out)``; ``classification=None`` decides from ``y`` as the
    trainer does.
    """
    if classification is None:
        classification = looks_like_classification(y)
    n_out = network.layer_sizes[-1]
    if network.loss == "cross_entropy":
        output = network.activation_of(len(network.layer_sizes) - 1).name
        return float(np.log(n_out)) if output == "softmax" else n_out * float(np.log(2.0))
    targets = targets_for(network, y, classification)
    if len(targets) == 0:
        raise ValueError("the chance baseline needs at least one target")
    return 0.5 * float(np.sum(targets.var(axis=0)))


__all__ = ["chance_loss"]
