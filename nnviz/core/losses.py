"""The loss E a network is trained on, and its gradient ∂E/∂z at the output layer.

- ``"mse"``: E = ½ Σ (t − y)², the tutorial's squared error; any output activation.
- ``"cross_entropy"`` with a softmax output: E = −Σ t log y (t a probability row, usually one-hot).
- ``"cross_entropy"`` with sigmoid outputs: the binary form E = −Σ [t log y + (1 − t) log(1 − y)],
  each output unit a yes/no question of its own.

Cross-entropy is computed from the logits z, not from y: ``log softmax(z) = z − logsumexp(z)`` and
``−log σ(z) = log(1 + e^(−z))`` stay finite where y itself rounds to 0 or 1 (logits of ±1e4).
For both, ∂E/∂z is simply ``y − t`` (softmax: ``y · Σt − t``, which is ``y − t`` for rows of t
that sum to 1). Sums run over the units of a ``(n,)`` output or over a whole ``(batch, n)`` batch.
"""

from __future__ import annotations

import numpy as np

from .activations import Activation

LOSSES = {"mse": "Squared error ½ Σ (t − y)²", "cross_entropy": "Cross-entropy −Σ t log y"}
"""Loss name → display name."""

CROSS_ENTROPY_OUTPUTS = frozenset({"softmax", "sigmoid"})
"""The output activations cross-entropy is defined for (y a probability)."""


def check_loss(loss, output: Activation) -> str:
    """``loss`` if it is a known loss that fits the ``output`` activation; else ``ValueError``."""
    if not isinstance(loss, str) or loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of: {', '.join(LOSSES)}")
    if loss == "cross_entropy" and output.name not in CROSS_ENTROPY_OUTPUTS:
        raise ValueError(
            f"cross-entropy needs a softmax or sigmoid output layer (y must be a probability), "
            f"the output activation is {output.name!r}; change the output activation or use loss='mse'")
    return loss


def sample_losses(loss: str, output: Activation, z, y, t) -> np.ndarray:
    """E of each sample: a float for one ``(n,)`` output, a ``(batch,)`` array for a batch.

    ``z`` is the output layer's pre-activation, ``y = output(z)``, ``t`` the targets, all one shape.
    Overflowed values give inf or NaN without a warning.
    """
    z, y, t = (np.asarray(a, dtype=float) for a in (z, y, t))
    with np.errstate(over="ignore", invalid="ignore"):
        if loss == "mse":
            return 0.5 * np.sum((t - y) ** 2, axis=-1)
        if output.name == "softmax":
            peak = np.max(z, axis=-1, keepdims=True)
            log_sum = peak + np.log(np.sum(np.exp(z - peak), axis=-1, keepdims=True))
            return np.sum(t * (log_sum - z), axis=-1)
        # −[t log σ(z) + (1 − t) log(1 − σ(z))] = log(1 + e^z) − t z
        return np.sum(np.logaddexp(0.0, z) - t * z, axis=-1)


def total_loss(loss: str, output: Activation, z, y, t) -> float:
    """E summed over the units (and over the batch): the sum of :func:`sample_losses`."""
    return float(np.sum(sample_losses(loss, output, z, y, t)))


def output_delta(loss: str, output: Activation, z, y, t) -> np.ndarray:
    """∂E/∂z at the output layer, the shape of ``z`` (the error signal that backpropagation starts from)."""
    if loss == "mse":
        return output.backprop(z, y, y - t)
    if output.name == "softmax":
        return y * np.sum(t, axis=-1, keepdims=True) - t
    return y - t
