"""Tests for nnviz.core.activations: values, derivatives, extreme inputs and name lookup."""

import math
import warnings

import numpy as np
import pytest

from nnviz.core import ACTIVATIONS, Activation, get_activation

NAMES = list(ACTIVATIONS)
ELEMENTWISE = [name for name in NAMES if ACTIVATIONS[name].elementwise]  # softmax: see test_losses.py
KINKED = {"relu", "leaky_relu", "elu"}  # derivative jumps (relu, leaky) or bends (elu'') at z = 0

_erf = np.vectorize(math.erf)

# Independent references, written from the textbook definitions with plain numpy.
REFERENCE = {
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)),
    "relu": lambda z: np.where(z > 0, z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.exp(z) - 1.0),
    "softplus": lambda z: np.log(1.0 + np.exp(z)),
    "silu": lambda z: z / (1.0 + np.exp(-z)),
    "gelu": lambda z: 0.5 * z * (1.0 + _erf(z / math.sqrt(2.0))),
    "linear": lambda z: z,
}


def test_every_elementwise_activation_has_a_reference():
    assert set(REFERENCE) == set(ELEMENTWISE) == set(ACTIVATIONS) - {"softmax"}


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_value_matches_textbook_definition(name):
    z = np.linspace(-6.0, 6.0, 241)
    np.testing.assert_allclose(ACTIVATIONS[name].value(z), REFERENCE[name](z), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_central_finite_differences(name):
    act = ACTIVATIONS[name]
    z = np.linspace(-6.0, 6.0, 241)
    if name in KINKED:
        z = z[np.abs(z) > 1e-3]
    h = 1e-6
    numeric = (act.value(z + h) - act.value(z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(z), numeric, rtol=1e-6, atol=1e-8)


def test_relu_derivative_is_zero_at_and_below_zero():
    relu = ACTIVATIONS["relu"]
    np.testing.assert_array_equal(relu.derivative([-5.0, -1e-12, 0.0, -0.0]), 0.0)
    np.testing.assert_array_equal(relu.derivative([1e-12, 3.0]), 1.0)


def test_leaky_relu_derivative_is_the_leak_below_zero():
    np.testing.assert_array_equal(ACTIVATIONS["leaky_relu"].derivative([-4.0, 0.0]), 0.01)


def test_sigmoid_at_plus_minus_1e4_gives_limits_without_overflow_warning():
    sigmoid = ACTIVATIONS["sigmoid"]
    z = np.array([-1e4, 1e4])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        value, slope = sigmoid.value(z), sigmoid.derivative(z)
    np.testing.assert_array_equal(value, [0.0, 1.0])
    np.testing.assert_array_equal(slope, [0.0, 0.0])


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("z", [1e4, -1e4, 1e6, -1e6, 1e300, -1e300])
def test_extreme_inputs_give_finite_results_without_warnings(name, z):
    act = ACTIVATIONS[name]
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        value, slope = act.value(np.array([z])), act.derivative(np.array([z]))
    assert np.all(np.isfinite(value))
    assert np.all(np.isfinite(slope))


@pytest.mark.parametrize("name", NAMES)
def test_saturating_flag_matches_the_derivative_far_out(name):
    act = ACTIVATIONS[name]
    if act.saturates:
        assert np.all(act.derivative([-30.0, 30.0]) < 1e-9)
    else:
        # The non-saturating units keep (close to) slope 1 for large positive z.
        assert act.derivative([30.0])[0] == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize("name", NAMES)
def test_curve_is_the_activation_for_elementwise_ones_and_a_plottable_function_for_all(name):
    act = ACTIVATIONS[name]
    z = np.linspace(-6.0, 6.0, 121)
    curve, slope = act.curve(z), act.curve_derivative(z)
    assert curve.shape == slope.shape == z.shape
    if act.elementwise:
        np.testing.assert_array_equal(curve, act.value(z))
        np.testing.assert_array_equal(slope, act.derivative(z))
    h = 1e-6
    numeric = (act.curve(z + h) - act.curve(z - h)) / (2 * h)
    keep = np.abs(z) > 1e-3 if name in KINKED else slice(None)
    np.testing.assert_allclose(slope[keep], numeric[keep], rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_works_elementwise_on_scalars_lists_and_batches(name):
    act = ACTIVATIONS[name]
    batch = np.array([[-1.0, 0.5, 2.0], [3.0, -0.25, 0.0]])
    assert act.value(batch).shape == (2, 3)
    assert act.derivative(batch).shape == (2, 3)
    assert act.value(batch[1, 0]) == pytest.approx(act.value([3])[0])
    assert act.value([1, 2]).dtype == np.float64  # ints become floats
    assert act(batch).shape == (2, 3)


@pytest.mark.parametrize("name", NAMES)
def test_texts_for_plots_and_tooltips_are_present(name):
    act = ACTIVATIONS[name]
    assert act.name == name
    assert act.display_name and act.formula and act.symbol
    assert repr(act) == f"Activation({name!r})"


def test_get_activation_by_name_and_by_object():
    assert get_activation("tanh") is ACTIVATIONS["tanh"]
    act = ACTIVATIONS["gelu"]
    assert isinstance(act, Activation)
    assert get_activation(act) is act


@pytest.mark.parametrize("bad", ["softmin", "Sigmoid", "", None, 3, ["relu"]])
def test_unknown_activation_raises_value_error_listing_valid_names(bad):
    with pytest.raises(ValueError) as info:
        get_activation(bad)
    message = str(info.value)
    assert repr(bad) in message
    for name in NAMES:
        assert name in message
