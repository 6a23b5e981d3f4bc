"""Accuracy, per-class accuracy and the confusion matrix, against counts written out by hand."""

import numpy as np
import pytest

from nnviz.core.metrics import accuracy, confusion_matrix, per_class_accuracy

Y_TRUE = [0, 0, 1, 1, 1, 2, 2, 2, 2]
Y_PRED = [0, 1, 1, 1, 2, 2, 2, 0, 2]


def test_accuracy_counts_the_right_predictions():
    assert accuracy(Y_TRUE, Y_PRED) == pytest.approx(6 / 9)
    assert accuracy(np.array([1.0, 2.0]), [1, 2]) == 1.0
    assert np.isnan(accuracy([], []))


def test_confusion_matrix_has_true_classes_as_rows():
    expected = [[1, 1, 0],
                [0, 2, 1],
                [1, 0, 3]]
    np.testing.assert_array_equal(confusion_matrix(Y_TRUE, Y_PRED), expected)
    wider = confusion_matrix(Y_TRUE, Y_PRED, n_classes=4)
    assert wider.shape == (4, 4) and wider[:3, :3].tolist() == expected and wider[3].sum() == 0


def test_per_class_accuracy_is_the_diagonal_over_the_row_sums():
    result = per_class_accuracy(confusion_matrix(Y_TRUE, Y_PRED, n_classes=4))
    np.testing.assert_allclose(result[:3], [1 / 2, 2 / 3, 3 / 4])
    assert np.isnan(result[3])  # no sample of class 3


@pytest.mark.parametrize("true, pred, words", [
    ([0, 1], [0], "one length"),
    ([0, 1.5], [0, 1], "whole numbers"),
    ([0, -1], [0, 1], "whole numbers"),
])
def test_bad_labels_are_refused(true, pred, words):
    with pytest.raises(ValueError, match=words):
        accuracy(true, pred)


def test_too_few_classes_are_refused():
    with pytest.raises(ValueError, match="label 2 does not fit 2 classes"):
        confusion_matrix([0, 2], [0, 1], n_classes=2)
