"""How well a classifier does: accuracy, accuracy per class and the confusion matrix.

Labels are class indices 0 … k−1: ``y_true`` and ``y_pred`` are ``(n,)`` int arrays (for a network,
``y_pred`` comes from :func:`~nnviz.core.targets.predict_labels`).
"""

from __future__ import annotations

import numpy as np


def _labels(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim != 1 or y_true.shape != y_pred.shape:
        raise ValueError(f"need two (n,) label arrays of one length, got {y_true.shape} and {y_pred.shape}")
    true, pred = y_true.astype(np.intp), y_pred.astype(np.intp)
    if not (np.array_equal(true, y_true) and np.array_equal(pred, y_pred)) or (
            true.size and min(true.min(), pred.min()) < 0):
        raise ValueError("labels must be whole numbers 0, 1, 2, …")
    return true, pred


def accuracy(y_true, y_pred) -> float:
    """The fraction of samples whose predicted class is the true one (NaN for no samples)."""
    true, pred = _labels(y_true, y_pred)
    return float(np.mean(true == pred)) if true.size else float("nan")


def confusion_matrix(y_true, y_pred, n_classes: int | None = None) -> np.ndarray:
    """``(k, k)`` int counts: ``[i, j]`` samples of true class ``i`` predicted as class ``j``.

    ``k`` is ``n_classes``, or one more than the largest label seen.
    """
    true, pred = _labels(y_true, y_pred)
    seen = int(max(true.max(), pred.max())) + 1 if true.size else 0
    k = seen if n_classes is None else int(n_classes)
    if k < seen:
        raise ValueError(f"label {seen - 1} does not fit {k} classes")
    return np.bincount(true * k + pred, minlength=k * k).reshape(k, k)


def per_class_accuracy(matrix) -> np.ndarray:
    """``(k,)``: for each true class, the fraction of its samples predicted right (the diagonal of a
    :func:`confusion_matrix` over its row sums); NaN for a class without samples."""
    matrix = np.asarray(matrix)
    totals = matrix.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(matrix) / totals, np.nan)
