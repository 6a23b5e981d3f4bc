"""Mean-field signal propagation: the theory against an independent recursion, the measurement against the theory."""

import numpy as np
import pytest
from scipy.integrate import quad

from nnviz.core import (
    Network,
    chi1,
    get_activation,
    order_to_chaos_boundary,
    propagation_map,
    propagation_theory,
    variance_fixed_point,
    weight_scales,
)

SMOOTH = ["tanh", "sigmoid", "softplus", "silu", "gelu"]
KINKED = ["relu", "leaky_relu", "elu"]


def gauss(f, q):
    """E[f(z)], z ~ N(0, q), by adaptive quadrature on each half-line (a kink at 0 costs nothing)."""
    if q == 0:
        return float(f(np.array(0.0)))
    s = np.sqrt(q)

    def integrand(u):
        return float(f(np.array(s * u))) * np.exp(-u * u / 2) / np.sqrt(2 * np.pi)

    return quad(integrand, -np.inf, 0, epsabs=1e-13, epsrel=1e-12)[0] + quad(
        integrand, 0, np.inf, epsabs=1e-13, epsrel=1e-12)[0]


def reference_stds(activation, scale, depth):
    phi = get_activation(activation).value
    q, stds = scale ** 2, []
    for _ in range(depth):
        mean, second = gauss(phi, q), gauss(lambda z: phi(z) ** 2, q)
        stds.append(np.sqrt(second - mean ** 2))
        q = scale ** 2 * second
    return stds


@pytest.mark.parametrize("activation", SMOOTH + KINKED)
def test_theory_follows_the_recursion(activation):
    scales = [0.5, 1.0, 1.7, 3.0, 8.0]
    theory = propagation_theory(activation, scales, 5)
    assert theory.shape == (5, 5)
    reference = np.array([reference_stds(activation, s, 5) for s in scales])
    np.testing.assert_allclose(theory, reference, rtol=1e-8, atol=1e-12)


def test_relu_theory_has_a_closed_form():
    # q¹ = σ², qˡ⁺¹ = σ² qˡ / 2 and std(relu(z)) = √(q (1/2 − 1/(2π))).
    scales = np.array([0.8, np.sqrt(2), 2.0])
    depth = np.arange(1, 7)
    q = scales[:, None] ** 2 * (scales[:, None] ** 2 / 2) ** (depth - 1)
    np.testing.assert_allclose(propagation_theory("relu", scales, 6), np.sqrt(q * (0.5 - 0.5 / np.pi)), rtol=1e-10)


def test_zero_scale_and_bad_arguments():
    assert np.all(propagation_theory("tanh", [0.0], 3) == 0)
    for bad in ([-1.0], [np.nan], [[1.0]]):
        with pytest.raises(ValueError):
            propagation_theory("tanh", bad, 3)
    with pytest.raises(ValueError):
        propagation_theory("tanh", [1.0], 0)
    for function in (lambda: propagation_theory("softmax", [1.0], 2), lambda: order_to_chaos_boundary("softmax"),
                     lambda: propagation_map("softmax", [1.0], 2)):
        with pytest.raises(ValueError, match="softmax"):
            function()


def test_overflowing_relu_gives_infinity_not_nan():
    theory = propagation_theory("relu", [10.0], 400)
    assert np.isinf(theory[0, -1]) and not np.isnan(theory).any()


def test_fixed_points():
    phi = get_activation("tanh").value
    for scale in (1.3, 2.5):
        q = variance_fixed_point("tanh", scale)
        assert q > 0
        assert q == pytest.approx(scale ** 2 * gauss(lambda z: phi(z) ** 2, q), rel=1e-8)
    assert variance_fixed_point("tanh", 0.9) == 0.0  # the signal fades away below σ_w = 1
    assert variance_fixed_point("relu", 1.0) == 0.0
    assert variance_fixed_point("relu", 2.0) == np.inf
    sigmoid = get_activation("sigmoid").value
    q = variance_fixed_point("sigmoid", 3.0)  # σ(0) = ½ keeps the signal alive
    assert q == pytest.approx(9.0 * gauss(lambda z: sigmoid(z) ** 2, q), rel=1e-8)


def test_chi1_against_quadrature():
    derivative = get_activation("tanh").derivative
    for scale in (0.7, 1.5, 3.0, 20.0):  # q* ≈ 400 at σ_w = 20: tanh′² is a narrow bump
        q = variance_fixed_point("tanh", scale)
        expected = scale ** 2 * (1.0 if q == 0 else gauss(lambda z: derivative(z) ** 2, q))
        assert chi1("tanh", [scale])[0] == pytest.approx(expected, rel=1e-8)
    np.testing.assert_allclose(chi1("relu", [0.5, 1.0, 3.0]), [0.125, 0.5, 4.5])


def test_order_to_chaos_boundary():
    assert order_to_chaos_boundary("tanh") == pytest.approx(1.0, abs=1e-6)  # χ₁ − 1 ≈ 0 just above 1
    assert order_to_chaos_boundary("linear") == pytest.approx(1.0, abs=1e-6)
    assert order_to_chaos_boundary("relu") == pytest.approx(np.sqrt(2), abs=1e-9)
    # sigmoid: χ₁ = σ² E[σ′(z)²] at q* crosses 1 smoothly; check the crossing by quadrature.
    boundary = order_to_chaos_boundary("sigmoid")
    sigmoid, derivative = get_activation("sigmoid").value, get_activation("sigmoid").derivative
    q = variance_fixed_point("sigmoid", boundary)
    assert q == pytest.approx(boundary ** 2 * gauss(lambda z: sigmoid(z) ** 2, q), rel=1e-8)
    assert boundary ** 2 * gauss(lambda z: derivative(z) ** 2, q) == pytest.approx(1.0, abs=1e-6)
    assert order_to_chaos_boundary(get_activation("tanh")) == order_to_chaos_boundary("tanh")


def test_measured_tanh_map_follows_the_theory():
    scales = [0.5, 0.9, 1.2, 2.0, 3.0]
    measured = propagation_map("tanh", scales, 8, width=64, n_samples=500, seed=0)
    assert measured.shape == (5, 8)
    np.testing.assert_allclose(measured, propagation_theory("tanh", scales, 8), rtol=0.2)


def test_map_is_reproducible_and_seeded():
    first = propagation_map("relu", [1.0, 1.5], 4, width=16, n_samples=50, seed=3)
    np.testing.assert_array_equal(first, propagation_map("relu", [1.0, 1.5], 4, width=16, n_samples=50, seed=3))
    assert not np.array_equal(first, propagation_map("relu", [1.0, 1.5], 4, width=16, n_samples=50, seed=4))


def test_weight_scales_of_a_network():
    # Wide layers: the drawn weights' mean square is close to the scheme's variance.
    he = Network([400, 400, 400], init="he_normal", seed=1)
    np.testing.assert_allclose(weight_scales(he), np.sqrt(2), rtol=0.01)
    lecun = Network([400, 300, 10], init="lecun_normal", init_scale=0.5, seed=1)
    np.testing.assert_allclose(weight_scales(lecun), 0.5, rtol=0.05)
    w = lecun.weights[1]
    assert weight_scales(lecun)[1] == pytest.approx(np.sqrt(np.sum(w ** 2) / w.shape[0]))
