"""Tests for nnviz.core.initializers: the statistics of every initialiser, seeding and scaling."""

import math
import threading

import numpy as np
import pytest
from scipy.special import ndtr, ndtri

from nnviz.core import INITIALIZERS, Initializer, Network, get_initializer, parallel, truncated_normal_sample

NAMES = list(INITIALIZERS)
N_OUT, N_IN = 2000, 500  # large enough that sample statistics are within a fraction of a percent
RANDOM = [name for name in NAMES if name not in ("zeros", "constant")]


def draw(name, n_out=N_OUT, n_in=N_IN, seed=0, scale=1.0):
    return INITIALIZERS[name].draw(np.random.default_rng(seed), n_out, n_in, scale)


def truncated_standard_normal_std(c):
    """Theoretical std of N(0, 1) truncated to [−c, c]."""
    density = math.exp(-0.5 * c * c) / math.sqrt(2 * math.pi)
    mass = math.erf(c / math.sqrt(2))
    return math.sqrt(1.0 - 2.0 * c * density / mass)


@pytest.mark.parametrize("name", NAMES)
def test_every_initialiser_draws_a_finite_float_matrix_of_the_right_shape(name):
    w = draw(name, 7, 3)
    assert w.shape == (7, 3) and w.dtype == np.float64
    assert np.all(np.isfinite(w))


def test_truncated_normal_is_cut_at_one_over_root_fan_in_with_the_truncnorm_std():
    bound = 1.0 / math.sqrt(N_IN)
    w = draw("truncated_normal")
    assert np.abs(w).max() <= bound
    assert np.abs(w).max() > 0.999 * bound  # the cut is reached, not a narrower one
    assert abs(w.mean()) < 0.01 * bound
    assert w.std() == pytest.approx(truncated_standard_normal_std(bound), rel=0.01)


def test_uniform_is_within_plus_minus_half():
    w = draw("uniform")
    assert w.min() >= -0.5 and w.max() < 0.5
    assert w.std() == pytest.approx(1.0 / math.sqrt(12.0), rel=0.01)


@pytest.mark.parametrize("name, std", [
    ("normal", 1.0),
    ("xavier_uniform", math.sqrt(2.0 / (N_IN + N_OUT))),
    ("xavier_normal", math.sqrt(2.0 / (N_IN + N_OUT))),
    ("he_uniform", math.sqrt(2.0 / N_IN)),
    ("he_normal", math.sqrt(2.0 / N_IN)),
    ("lecun_normal", math.sqrt(1.0 / N_IN)),
])
def test_fan_scaled_initialisers_have_the_theoretical_std(name, std):
    w = draw(name)
    assert w.std() == pytest.approx(std, rel=0.02)
    assert abs(w.mean()) < 0.01 * std


@pytest.mark.parametrize("name, limit", [
    ("xavier_uniform", math.sqrt(6.0 / (N_IN + N_OUT))),
    ("he_uniform", math.sqrt(6.0 / N_IN)),
])
def test_uniform_variants_stay_within_their_limit(name, limit):
    w = draw(name)
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.999 * limit


@pytest.mark.parametrize("n_out, n_in", [(N_OUT, N_IN), (N_IN, N_OUT), (64, 64)])
def test_orthogonal_has_orthonormal_rows_or_columns(n_out, n_in):
    w = draw("orthogonal", n_out, n_in)
    assert w.shape == (n_out, n_in)
    gram = w.T @ w if n_out >= n_in else w @ w.T
    np.testing.assert_allclose(gram, np.eye(min(n_out, n_in)), atol=1e-10)


def test_orthogonal_scale_multiplies_the_gram_matrix():
    w = draw("orthogonal", 30, 10, scale=2.0)
    np.testing.assert_allclose(w.T @ w, 4.0 * np.eye(10), atol=1e-10)


def test_zeros_and_constant_give_identical_entries():
    assert not draw("zeros", 40, 25).any()
    np.testing.assert_array_equal(draw("constant", 40, 25), 1.0 / math.sqrt(25))


@pytest.mark.parametrize("name", NAMES)
def test_init_scale_multiplies(name):
    np.testing.assert_array_equal(draw(name, 30, 20, seed=4, scale=3.0), 3.0 * draw(name, 30, 20, seed=4))
    net1 = Network([20, 30, 5], init=name, seed=4)
    net3 = Network([20, 30, 5], init=name, init_scale=3.0, seed=4)
    for w1, w3 in zip(net1.weights, net3.weights):
        np.testing.assert_array_equal(w3, 3.0 * w1)


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_gives_identical_weights(name):
    a = Network([6, 9, 4], init=name, seed=123)
    b = Network([6, 9, 4], init=name, seed=123)
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(wa, wb)


@pytest.mark.parametrize("name", RANDOM)
def test_different_seeds_give_different_weights(name):
    a = Network([6, 9, 4], init=name, seed=123)
    b = Network([6, 9, 4], init=name, seed=124)
    for wa, wb in zip(a.weights, b.weights):
        assert not np.array_equal(wa, wb)


@pytest.mark.parametrize("name", ["truncated_normal", "uniform", "normal", "he_uniform", "he_normal",
                                  "lecun_normal"])
def test_adding_a_row_keeps_the_rows_already_drawn(name):
    # The module promises row-by-row filling for initialisers that depend on the fan-in only.
    np.testing.assert_array_equal(draw(name, 6, 4, seed=9), draw(name, 7, 4, seed=9)[:6])


def test_layers_draw_from_independent_streams():
    # Changing one layer's size must not shift the numbers drawn for another layer.
    a = Network([3, 4, 2], seed=5)
    b = Network([3, 4, 7], seed=5)
    np.testing.assert_array_equal(a.weights[0], b.weights[0])


def test_get_initializer_by_name_and_by_object():
    init = INITIALIZERS["he_normal"]
    assert isinstance(init, Initializer)
    assert get_initializer("he_normal") is init
    assert get_initializer(init) is init
    assert repr(init) == "Initializer('he_normal')"


@pytest.mark.parametrize("bad", ["glorot", "", None, 5])
def test_unknown_initialiser_raises_value_error_listing_valid_names(bad):
    with pytest.raises(ValueError) as info:
        get_initializer(bad)
    for name in NAMES:
        assert name in str(info.value)


@pytest.mark.parametrize("mean, sd, low, upp", [
    (0.0, 1.0, -1.0 / math.sqrt(N_IN), 1.0 / math.sqrt(N_IN)),  # the network's default cut
    (0.0, 1.0, -1.0, 1.0),
    (2.0, 1.0, 1.0, 10.0),  # the tutorial's example
    (0.0, 2.0, -1.0, 3.0),
    (0.0, 1.0, 0.0, math.inf),
    (0.0, 1.0, -5.0, -3.0),
    (0.0, 1.0, 3.0, 5.0),
    (0.0, 1.0, 9.0, 12.0),  # far above the mean, where the normal CDF rounds to 1
])
def test_fast_truncated_normal_sampler_matches_scipy_truncnorm(mean, sd, low, upp):
    from scipy.stats import kstest, truncnorm  # slow import: kept out of the core and of this module

    sample = truncated_normal_sample(np.random.default_rng(2024), 20_000, mean, sd, low, upp)
    assert sample.min() >= low and sample.max() <= upp
    reference = truncnorm((low - mean) / sd, (upp - mean) / sd, loc=mean, scale=sd)
    assert kstest(sample, reference.cdf).pvalue > 1e-3


@pytest.mark.parametrize("helper_busy", [False, True])
@pytest.mark.parametrize("mean, sd, low, upp",
                         [(0.0, 1.0, -1 / 28, 1 / 28), (0.0, 1.0, 9.0, 12.0), (1.0, 3.0, -2.0, 0.5)])
def test_a_large_sample_drawn_in_two_halves_is_the_one_pass_sample(mean, sd, low, upp, helper_busy):
    # The reference: the whole matrix in one pass, as a single thread would draw it.
    shape = (300, 400)  # past MIN_SHARED: two halves on two threads
    assert np.prod(shape) >= parallel.MIN_SHARED
    lo, hi = (low - mean) / sd, (upp - mean) / sd
    sign = np.where(lo > 0, -1.0, 1.0)
    a, b = ndtr(np.minimum(sign * lo, sign * hi)), ndtr(np.maximum(sign * lo, sign * hi))
    expected = np.clip(mean + sd * sign * ndtri(a + (b - a) * np.random.default_rng(9).random(shape)), low, upp)
    release = threading.Event()
    if helper_busy:  # someone else's half holds the helper: this thread draws both halves
        parallel._helper_pool().submit(release.wait, 10)
    try:
        sample = truncated_normal_sample(np.random.default_rng(9), shape, mean, sd, low, upp)
    finally:
        release.set()
    np.testing.assert_array_equal(sample, expected)
