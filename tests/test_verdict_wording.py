"""One judgement on flat units: the activation plot's sentence agrees with the explorer's verdict."""

from nnviz.core import Network
from nnviz.core.stats import layer_statistics, sample_inputs
from nnviz.core.verdicts import diagnose, flat_units_sentence


def test_he_relu_reads_healthy_in_both_places():
    network = Network([2, 64, 64, 64, 64, 64, 2], activation="relu", init="he_normal", seed=3)
    verdict = diagnose(layer_statistics(network, sample_inputs(2, 500, "normal", 0), seed=1))
    assert "healthy" in verdict
    sentence = flat_units_sentence([("hidden", 167, 320, False), ("output", 1, 2, False)])
    assert "slow" not in sentence and "167 of 320 hidden" in sentence and "normal" in sentence


def test_saturated_sigmoid_units_are_said_to_learn_slowly():
    sentence = flat_units_sentence([("hidden", 3, 4, True), ("output", 0, 2, True)])
    assert sentence.startswith("Saturated") and "learn slowly" in sentence and "3 of 4 hidden" in sentence
