"""Class labels ↔ output targets: what a network is trained towards, and which class it predicts.

Classification labels are class indices 0 … k−1 (float or int arrays of whole numbers). With one
output unit (two classes only) label 1 → ``hi`` and label 0 → ``lo``; with several output units the
target is one-hot, ``hi`` for the label's unit and ``lo`` for the others. ``(lo, hi)`` is (−1, 1)
for a tanh or linear output and (0, 1) for every other activation (see :func:`class_levels`).
Regression needs one output unit and uses the targets as they are. A softmax output thus learns
one-hot rows of 0 and 1, as cross-entropy expects.

Targets may also be given as rows: ``y`` of shape ``(n, n_out)`` is used as it is (one-hot rows, or
any targets), and ``(n, 1)`` is the same as ``(n,)``.
"""

from __future__ import annotations

import numpy as np

from .network import Network

SYMMETRIC_OUTPUTS = frozenset({"tanh", "linear"})
"""Output activations trained towards −1/+1 for classification; all others towards 0/1."""


def class_levels(network: Network) -> tuple[float, float]:
    """``(lo, hi)``: the target values for "not this class" and "this class" at the output."""
    output = network.activation_of(len(network.layer_sizes) - 1)
    return (-1.0, 1.0) if output.name in SYMMETRIC_OUTPUTS else (0.0, 1.0)


def looks_like_classification(y, max_classes: int = 20) -> bool:
    """True if ``y`` holds whole numbers 0 … k−1 with 2 ≤ k ≤ ``max_classes`` (class labels), or,
    for ``(n, k)`` target rows, if every row is one-hot (one largest entry, all others equal)."""
    y = np.asarray(y, dtype=float)
    if y.ndim == 2 and y.shape[1] > 1:
        return _one_hot_rows(y)
    if y.size == 0 or not np.all(np.isfinite(y)) or not np.array_equal(y, np.round(y)):
        return False
    return bool(y.min() == 0 and 1 <= y.max() < max_classes)


def _one_hot_rows(y: np.ndarray) -> bool:
    if y.size == 0 or not np.all(np.isfinite(y)):
        return False
    highest, lowest = y.max(axis=1, keepdims=True), y.min(axis=1, keepdims=True)
    return bool(np.all(highest > lowest) and np.all(np.sum(y == highest, axis=1) == 1)
                and np.all(np.sum(y == lowest, axis=1) == y.shape[1] - 1))


def true_labels(y) -> np.ndarray:
    """Class indices ``(n,)`` of labels ``(n,)`` or ``(n, 1)``, or of target rows ``(n, k)`` (the
    largest entry of each row)."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1)
    return y.reshape(len(y)).astype(int)


def n_classes(y) -> int:
    """The number of classes of label array ``y`` (``max + 1``)."""
    return int(np.max(y)) + 1 if len(y) else 0


def targets_for(network: Network, y, classification: bool) -> np.ndarray:
    """The ``(n, n_out)`` target array for labels or regression targets ``y`` of shape ``(n,)`` or
    ``(n, 1)``, or for target rows ``(n, n_out)`` (returned as a copy).

    Raises ``ValueError`` if the labels do not fit the output layer (a label ≥ the number of output
    units, anything but 0/1 for one output unit, several output units for regression, or target rows
    of another width).
    """
    y = np.asarray(y, dtype=float)
    n_out = network.layer_sizes[-1]
    if y.ndim == 2 and y.shape[1] > 1:
        if y.shape[1] != n_out:
            raise ValueError(f"target rows have {y.shape[1]} values, the network has {n_out} output units")
        return y.copy()
    y = y.ravel()
    if not classification:
        if n_out != 1:
            raise ValueError(f"regression needs 1 output unit, the network has {n_out}")
        return y[:, None].copy()
    labels = y.astype(int)
    if not np.array_equal(labels, y) or (len(y) and labels.min() < 0):
        raise ValueError("class labels must be whole numbers 0, 1, 2, …")
    lo, hi = class_levels(network)
    if n_out == 1:
        if len(y) and labels.max() > 1:
            raise ValueError(f"{n_classes(labels)} classes need {n_classes(labels)} output units, the network has 1")
        return np.where(labels[:, None] == 1, hi, lo)
    if len(y) and labels.max() >= n_out:
        raise ValueError(f"{n_classes(labels)} classes need {n_classes(labels)} output units, the network has {n_out}")
    targets = np.full((len(y), n_out), lo)
    targets[np.arange(len(y)), labels] = hi
    return targets


def predict_labels(network: Network, X) -> np.ndarray:
    """Predicted class indices ``(n,)`` for inputs ``X`` ``(n, n_in)``."""
    return labels_of(network, network.forward(X).output)


def labels_of(network: Network, output: np.ndarray) -> np.ndarray:
    """Class indices ``(n,)`` from the ``(n, n_out)`` output: one unit above the middle of
    :func:`class_levels` is class 1; with several units the largest one wins."""
    if output.shape[1] == 1:
        lo, hi = class_levels(network)
        return (output[:, 0] > (lo + hi) / 2).astype(int)
    return np.argmax(output, axis=1)
