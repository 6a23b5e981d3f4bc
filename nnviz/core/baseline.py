"""The chance baseline: the loss of a network that learned nothing but the targets' average."""

from __future__ import annotations

import numpy as np

from .network import Network
from .training import looks_like_classification, targets_for


def loss_name(network: Network) -> str:
    """The network's loss: ``"mse"`` or ``"cross_entropy"`` (``"mse"`` for networks without the setting)."""
    name = getattr(network, "loss", "mse")
    return name if isinstance(name, str) else "mse"


def chance_loss(network: Network, y, classification=None) -> float:
    """The loss of knowing nothing about the input, on labels or regression targets ``y`` ``(n,)``.

    Cross-entropy: −log(1/C) = log C, the loss of predicting every one of the C classes with
    probability 1/C (C = the number of output units, 2 for a single output unit). Mean squared error:
    the loss of predicting the mean target vector (the class prior, or the mean of a regression
    target), ½ Σ over outputs of the variance of the targets, with the targets the trainer uses.
    ``classification=None`` decides from ``y`` as the trainer does.
    """
    if classification is None:
        classification = looks_like_classification(y)
    if loss_name(network) == "cross_entropy":
        return float(np.log(max(network.layer_sizes[-1], 2)))
    targets = targets_for(network, y, classification)
    if len(targets) == 0:
        raise ValueError("the chance baseline needs at least one target")
    return 0.5 * float(np.sum(targets.var(axis=0)))


__all__ = ["chance_loss", "loss_name"]
