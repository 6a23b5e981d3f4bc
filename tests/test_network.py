"""Tests for nnviz.core.network: forward pass, backpropagation, training, validation and resizing."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.core import ACTIVATIONS, MAX_HIDDEN_LAYERS, MAX_LAYER_SIZE, Network, Trace, new_seed


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def with_random_biases(net, seed=99):
    rng = np.random.default_rng(seed)
    net.biases = [rng.normal(size=b.shape) for b in net.biases]
    return net


# ---------------------------------------------------------------- forward pass


@pytest.mark.parametrize("bias", [False, True])
def test_forward_single_vector_equals_hand_written_composition(bias):
    net = with_random_biases(Network([3, 4, 2], seed=1, bias=bias))
    w1, w2 = net.weights
    b1, b2 = net.biases if bias else (0.0, 0.0)
    x = np.array([0.5, -1.0, 2.0])
    expected = sigmoid(w2 @ sigmoid(w1 @ x + b1) + b2)
    np.testing.assert_allclose(net.forward(x).output, expected, rtol=1e-12)


@pytest.mark.parametrize("bias", [False, True])
def test_forward_batch_equals_hand_written_composition_row_by_row(bias):
    net = with_random_biases(Network([3, 4, 2], seed=2, bias=bias))
    w1, w2 = net.weights
    b1, b2 = net.biases if bias else (0.0, 0.0)
    batch = np.random.default_rng(0).normal(size=(7, 3))
    out = net.forward(batch).output
    assert out.shape == (7, 2)
    for x, y in zip(batch, out):
        np.testing.assert_allclose(y, sigmoid(w2 @ sigmoid(w1 @ x + b1) + b2), rtol=1e-12)


@pytest.mark.parametrize("output_activation, f", [("linear", lambda z: z), ("tanh", np.tanh)])
def test_forward_with_a_different_output_activation(output_activation, f):
    net = Network([2, 5, 3, 2], output_activation=output_activation, seed=3)
    w1, w2, w3 = net.weights
    x = np.array([1.5, -0.5])
    expected = f(w3 @ sigmoid(w2 @ sigmoid(w1 @ x)))
    np.testing.assert_allclose(net.forward(x).output, expected, rtol=1e-12)
    assert net.activation_of(1).name == net.activation_of(2).name == "sigmoid"
    assert net.activation_of(3).name == output_activation


def test_trace_holds_every_layers_z_and_activation():
    net = Network([3, 4, 5, 2], activation="tanh", seed=4)
    x = np.array([0.1, 0.2, 0.3])
    trace = net.forward(x)
    assert isinstance(trace, Trace)
    assert len(trace.pre) == 3 and len(trace.post) == 4
    np.testing.assert_array_equal(trace.post[0], x)
    for i, w in enumerate(net.weights):
        np.testing.assert_allclose(trace.pre[i], w @ trace.post[i], rtol=1e-12)
        np.testing.assert_allclose(trace.post[i + 1], np.tanh(trace.pre[i]), rtol=1e-12)
    assert trace.output is trace.post[-1]


@pytest.mark.parametrize("bad", [np.zeros(4), np.zeros((2, 2)), np.zeros((1, 1, 3)), 1.0])
def test_forward_rejects_inputs_of_the_wrong_shape(bad):
    with pytest.raises(ValueError, match="input must have shape"):
        Network([3, 2], seed=0).forward(bad)


def test_run_returns_output_columns():
    net = Network([2, 3, 4], seed=5)
    assert net.run([1.0, 2.0]).shape == (4, 1)
    assert net.run([(1.0, 2.0), (3.0, 4.0), (5.0, 6.0)]).shape == (4, 3)
    np.testing.assert_allclose(net.run([1.0, 2.0])[:, 0], net.forward([1.0, 2.0]).output)


# ---------------------------------------------------------------- backpropagation

GRADIENT_ACTIVATIONS = ["sigmoid", "tanh", "softplus", "gelu", "silu", "elu", "linear"]


def numeric_gradients(net, x, t, h=1e-6):
    """Central differences of net.loss_value with respect to every weight and bias."""
    d_w = [np.zeros_like(w) for w in net.weights]
    d_b = [np.zeros_like(b) for b in net.biases]
    for p, g in zip(net.weights + net.biases, d_w + d_b):
        for idx in np.ndindex(p.shape):
            saved = p[idx]
            p[idx] = saved + h
            up = net.loss_value(x, t)
            p[idx] = saved - h
            down = net.loss_value(x, t)
            p[idx] = saved
            g[idx] = (up - down) / (2 * h)
    return d_w, d_b


@pytest.mark.parametrize("sizes", [[3, 2], [3, 5, 2], [2, 4, 4, 3, 2]])
@pytest.mark.parametrize("activation", GRADIENT_ACTIVATIONS)
@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("batch", [None, 4])
def test_gradients_match_finite_differences_of_loss(sizes, activation, bias, batch):
    net = with_random_biases(Network(sizes, activation=activation, init="normal", seed=11, bias=bias))
    rng = np.random.default_rng(12)
    shape = (sizes[0],) if batch is None else (batch, sizes[0])
    x = rng.normal(size=shape)
    t = rng.uniform(-1.0, 1.0, size=shape[:-1] + (sizes[-1],))
    d_w, d_b = net.gradients(x, t)
    n_w, n_b = numeric_gradients(net, x, t)
    for analytic, numeric in zip(d_w, n_w):
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)
    for analytic, numeric, b in zip(d_b, n_b, net.biases):
        assert analytic.shape == b.shape
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)
        if not bias:
            assert not analytic.any()


def test_backward_rejects_a_target_of_the_wrong_shape():
    net = Network([2, 3, 2], seed=0)
    with pytest.raises(ValueError, match="target must have shape"):
        net.backward(net.forward([1.0, 2.0]), [1.0, 0.0, 0.0])


def test_loss_is_half_the_squared_error():
    net = Network([2, 3, 2], seed=0)
    x, t = np.array([0.3, -0.7]), np.array([1.0, 0.0])
    assert net.loss_value(x, t) == pytest.approx(0.5 * np.sum((t - net.forward(x).output) ** 2), rel=1e-14)


@pytest.mark.parametrize("bias", [False, True])
def test_apply_gradients_steps_against_the_gradient(bias):
    net = with_random_biases(Network([2, 3, 2], seed=0, bias=bias))
    before_w = [w.copy() for w in net.weights]
    before_b = [b.copy() for b in net.biases]
    d_w = [np.ones_like(w) for w in net.weights]
    d_b = [np.ones_like(b) for b in net.biases]
    net.apply_gradients(d_w, d_b, learning_rate=0.25)
    for w, w0 in zip(net.weights, before_w):
        np.testing.assert_allclose(w, w0 - 0.25)
    for b, b0 in zip(net.biases, before_b):
        np.testing.assert_allclose(b, b0 - 0.25 if bias else b0)


# ---------------------------------------------------------------- training


def textbook_step(w1, w2, b1, b2, x, t, lr):
    """The delta rule for a 2-layer sigmoid net with E = ½ Σ (t − y)², written out."""
    h = sigmoid(w1 @ x + b1)
    y = sigmoid(w2 @ h + b2)
    error = 0.5 * np.sum((t - y) ** 2)
    delta_out = (y - t) * y * (1.0 - y)
    delta_hidden = (w2.T @ delta_out) * h * (1.0 - h)
    return (error, w1 - lr * np.outer(delta_hidden, x), w2 - lr * np.outer(delta_out, h),
            b1 - lr * delta_hidden, b2 - lr * delta_out)


@pytest.mark.parametrize("bias", [False, True])
def test_one_train_step_equals_the_textbook_update(bias):
    net = with_random_biases(Network([3, 4, 2], seed=21, bias=bias, learning_rate=0.3))
    w1, w2 = (w.copy() for w in net.weights)
    stored_b1, stored_b2 = (b.copy() for b in net.biases)
    # With bias off the stored biases are neither used nor trained.
    b1, b2 = (stored_b1, stored_b2) if bias else (np.zeros(4), np.zeros(2))
    x, t = np.array([0.9, -0.4, 0.2]), np.array([1.0, 0.0])
    error, w1_new, w2_new, b1_new, b2_new = textbook_step(w1, w2, b1, b2, x, t, lr=0.3)

    returned = net.train(x, t)

    assert returned == pytest.approx(error, rel=1e-13)
    np.testing.assert_allclose(net.weights[0], w1_new, rtol=1e-13)
    np.testing.assert_allclose(net.weights[1], w2_new, rtol=1e-13)
    if bias:
        np.testing.assert_allclose(net.biases[0], b1_new, rtol=1e-13)
        np.testing.assert_allclose(net.biases[1], b2_new, rtol=1e-13)
    else:
        np.testing.assert_array_equal(net.biases[0], stored_b1)
        np.testing.assert_array_equal(net.biases[1], stored_b2)


def test_batch_train_step_sums_the_per_sample_updates():
    net = Network([3, 4, 2], seed=22, learning_rate=0.5)
    w1, w2 = (w.copy() for w in net.weights)
    xs = np.random.default_rng(1).normal(size=(5, 3))
    ts = np.random.default_rng(2).uniform(size=(5, 2))
    zero1, zero2 = np.zeros(4), np.zeros(2)
    steps = [textbook_step(w1, w2, zero1, zero2, x, t, lr=0.5) for x, t in zip(xs, ts)]

    returned = net.train(xs, ts)

    assert returned == pytest.approx(sum(s[0] for s in steps), rel=1e-13)
    np.testing.assert_allclose(net.weights[0], w1 + sum(s[1] - w1 for s in steps), rtol=1e-12)
    np.testing.assert_allclose(net.weights[1], w2 + sum(s[2] - w2 for s in steps), rtol=1e-12)


def test_train_accepts_the_tutorials_vector_shapes():
    reference = Network([3, 4, 2], seed=23)
    for x, t in [([1.0, 2.0, 3.0], [1.0, 0.0]),
                 ((1.0, 2.0, 3.0), (1.0, 0.0)),
                 (np.array([[1.0], [2.0], [3.0]]), np.array([[1.0], [0.0]]))]:
        net = reference.copy()
        net.train(x, t)
        expected = reference.copy()
        expected.apply_gradients(*expected.gradients(np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0])))
        for w, w_expected in zip(net.weights, expected.weights):
            np.testing.assert_allclose(w, w_expected, rtol=1e-13)


# ---------------------------------------------------------------- structure and settings validation


@pytest.mark.parametrize("sizes, words", [
    ([], "at least an input and an output"),
    ([3], "at least an input and an output"),
    ([3, 0, 2], "at least 1"),
    ([3, -1], "at least 1"),
    ([3, MAX_LAYER_SIZE + 1], f"limit of {MAX_LAYER_SIZE}"),
    ([2] * (MAX_HIDDEN_LAYERS + 3), f"limit of {MAX_HIDDEN_LAYERS}"),
    ([4096, 4096, 4096], "weights is more than the limit"),
    ([3, 2.5], "whole numbers"),
    ([3, float("inf")], "whole numbers"),
    ([3, float("nan")], "whole numbers"),
    (None, "whole numbers"),
    (["three", 2], "whole numbers"),
])
def test_invalid_layer_sizes_raise_value_error(sizes, words):
    with pytest.raises(ValueError, match=words):
        Network(sizes)


def test_largest_allowed_structure_is_accepted():
    assert Network([2] * (MAX_HIDDEN_LAYERS + 2), seed=0).layer_sizes == (2,) * (MAX_HIDDEN_LAYERS + 2)
    assert Network([MAX_LAYER_SIZE, 1], seed=0).n_weights == MAX_LAYER_SIZE


@pytest.mark.parametrize("kwargs", [
    {"activation": "softmin"}, {"output_activation": "nope"}, {"init": "glorot"},
    {"seed": -1}, {"seed": 2**32}, {"seed": 1.5}, {"seed": True}, {"seed": "7"},
    {"init_scale": float("nan")}, {"init_scale": "big"}, {"learning_rate": float("inf")},
])
def test_invalid_settings_raise_value_error(kwargs):
    with pytest.raises(ValueError):
        Network([2, 2], **kwargs)


def test_settings_are_validated_on_assignment_too():
    net = Network([2, 2], seed=0)
    with pytest.raises(ValueError):
        net.activation = "nope"
    with pytest.raises(ValueError):
        net.learning_rate = float("nan")
    assert net.activation == "sigmoid" and net.learning_rate == 0.1


# ---------------------------------------------------------------- seeds and reinitialisation


def test_reinitialize_with_a_seed_is_reproducible():
    net = Network([3, 5, 2], seed=1)
    net.reinitialize(seed=77)
    first = [w.copy() for w in net.weights]
    net.reinitialize(seed=5)
    net.reinitialize(seed=77)
    for w, w0 in zip(net.weights, first):
        np.testing.assert_array_equal(w, w0)
    fresh = Network([3, 5, 2], seed=77)
    for w, w0 in zip(fresh.weights, first):
        np.testing.assert_array_equal(w, w0)
    assert net.seed == 77


def test_different_seeds_give_different_weights():
    a, b = Network([3, 5, 2], seed=1), Network([3, 5, 2], seed=2)
    assert not any(np.array_equal(wa, wb) for wa, wb in zip(a.weights, b.weights))


def test_reinitialize_changes_initialiser_and_scale_and_zeroes_biases():
    net = with_random_biases(Network([3, 4, 2], seed=1, bias=True))
    net.reinitialize(init="constant", init_scale=2.0)
    assert net.init == "constant" and net.init_scale == 2.0
    np.testing.assert_allclose(net.weights[0], 2.0 / np.sqrt(3))
    assert not any(b.any() for b in net.biases)


def test_no_seed_draws_one_that_reproduces_the_network():
    net = Network([3, 4, 2])
    assert 0 <= net.seed < 2**32
    again = Network([3, 4, 2], seed=net.seed)
    for w, w0 in zip(net.weights, again.weights):
        np.testing.assert_array_equal(w, w0)


def test_new_seed_fits_in_a_signed_32_bit_spinbox():
    seeds = {new_seed() for _ in range(50)}
    assert all(0 <= s < 2**31 for s in seeds)
    assert len(seeds) > 1


def test_copy_is_independent():
    net = with_random_biases(Network([2, 3, 2], seed=1, bias=True))
    other = net.copy()
    other.weights[0][0, 0] += 1.0
    other.biases[0][0] += 1.0
    assert net.weights[0][0, 0] != other.weights[0][0, 0]
    assert net.biases[0][0] != other.biases[0][0]
    assert other.layer_sizes == net.layer_sizes and other.seed == net.seed


# ---------------------------------------------------------------- resize


def snapshot(net):
    return [w.copy() for w in net.weights], [b.copy() for b in net.biases]


def test_adding_a_hidden_node_keeps_every_other_weight():
    net = with_random_biases(Network([3, 4, 2], seed=31, bias=True))
    (w0, w1), (b0, b1) = snapshot(net)
    net.resize([3, 5, 2])
    assert net.layer_sizes == (3, 5, 2)
    assert net.weights[0].shape == (5, 3) and net.weights[1].shape == (2, 5)
    np.testing.assert_array_equal(net.weights[0][:4], w0)
    np.testing.assert_array_equal(net.weights[1][:, :4], w1)
    np.testing.assert_array_equal(net.biases[0][:4], b0)
    np.testing.assert_array_equal(net.biases[1], b1)
    assert net.biases[0][4] == 0.0


def test_growing_then_shrinking_gives_back_the_original():
    net = with_random_biases(Network([3, 4, 2], seed=32, bias=True))
    weights, biases = snapshot(net)
    net.resize([5, 7, 3])
    net.resize([3, 4, 2])
    for w, w0 in zip(net.weights, weights):
        np.testing.assert_array_equal(w, w0)
    for b, b0 in zip(net.biases, biases):
        np.testing.assert_array_equal(b, b0)


def test_removing_a_hidden_layer_keeps_input_side_and_output_block():
    net = Network([3, 4, 5, 2], seed=33)
    w0, _, w2 = snapshot(net)[0]
    net.resize([3, 4, 2])
    np.testing.assert_array_equal(net.weights[0], w0)
    np.testing.assert_array_equal(net.weights[1], w2[:, :4])


def test_adding_a_hidden_layer_keeps_input_side_and_output_block():
    net = Network([3, 4, 2], seed=34)
    w0, w1 = snapshot(net)[0]
    net.resize([3, 4, 6, 2])
    assert [w.shape for w in net.weights] == [(4, 3), (6, 4), (2, 6)]
    np.testing.assert_array_equal(net.weights[0], w0)
    np.testing.assert_array_equal(net.weights[2][:, :4], w1)
    net.resize([3, 4, 2])
    np.testing.assert_array_equal(net.weights[1], w1)


def test_new_weights_come_from_the_current_initialiser():
    net = Network([3, 4, 2], init="normal", seed=35)
    w0 = net.weights[0].copy()
    net.init = "zeros"
    net.resize([4, 6, 2])
    np.testing.assert_array_equal(net.weights[0][:4, :3], w0)
    assert not net.weights[0][4:].any() and not net.weights[0][:, 3:].any()


def test_invalid_resize_leaves_the_network_unchanged():
    net = Network([3, 4, 2], seed=36)
    weights, _ = snapshot(net)
    with pytest.raises(ValueError):
        net.resize([3, 0, 2])
    assert net.layer_sizes == (3, 4, 2)
    for w, w0 in zip(net.weights, weights):
        np.testing.assert_array_equal(w, w0)


# ---------------------------------------------------------------- properties over random structures

small_sizes = st.lists(st.integers(1, 6), min_size=2, max_size=5)


@settings(max_examples=60, deadline=None)
@given(sizes=small_sizes, batch=st.integers(1, 4), activation=st.sampled_from(list(ACTIVATIONS)),
       bias=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_shapes_follow_the_layer_sizes(sizes, batch, activation, bias, seed):
    net = Network(sizes, activation=activation, bias=bias, seed=seed)
    assert net.layer_sizes == tuple(sizes)
    assert [w.shape for w in net.weights] == [(b, a) for a, b in zip(sizes, sizes[1:])]
    assert [b.shape for b in net.biases] == [(n,) for n in sizes[1:]]
    assert net.n_weights == sum(a * b for a, b in zip(sizes, sizes[1:]))
    single = net.forward(np.ones(sizes[0]))
    assert [a.shape for a in single.post] == [(n,) for n in sizes]
    batched = net.forward(np.ones((batch, sizes[0])))
    assert [a.shape for a in batched.post] == [(batch, n) for n in sizes]
    assert [z.shape for z in batched.pre] == [(batch, n) for n in sizes[1:]]
    assert np.all(np.isfinite(batched.output))


@st.composite
def grown_structures(draw):
    """(sizes, bigger): each layer grown by 0–3 nodes, then possibly extra hidden layers appended
    that are at least as wide as the last one, so shrinking back loses nothing."""
    sizes = draw(small_sizes)
    bigger = [n + draw(st.integers(0, 3)) for n in sizes]
    for _ in range(draw(st.integers(0, 2))):
        bigger.insert(-1, bigger[-2] + draw(st.integers(0, 3)))
    return sizes, bigger


@settings(max_examples=60, deadline=None)
@given(structures=grown_structures(), init=st.sampled_from(["truncated_normal", "xavier_uniform", "orthogonal"]),
       seed=st.integers(0, 2**32 - 1))
def test_resize_round_trip_restores_every_weight(structures, init, seed):
    sizes, bigger = structures
    net = with_random_biases(Network(sizes, init=init, seed=seed, bias=True))
    weights, biases = snapshot(net)
    net.resize(bigger)
    assert net.layer_sizes == tuple(bigger)
    net.resize(sizes)
    assert net.layer_sizes == tuple(sizes)
    for w, w0 in zip(net.weights, weights):
        np.testing.assert_array_equal(w, w0)
    for b, b0 in zip(net.biases, biases):
        np.testing.assert_array_equal(b, b0)


# -- per-layer activations ---------------------------------------------------------------------------
def test_one_activation_per_hidden_layer():
    net = Network([2, 3, 4, 5, 1], activation=["relu", "tanh", "gelu"], output_activation="sigmoid", seed=1)
    assert net.activations == ["relu", "tanh", "gelu", "sigmoid"]
    assert [net.activation_of(layer).name for layer in (1, 2, 3, 4)] == net.activations
    assert net.activation == "relu"  # mixed: the first hidden layer's
    x = np.array([0.3, -0.8])
    a = x
    for w, name in zip(net.weights, net.activations):
        a = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
             "gelu": net.activation_of(3).value}[name](w @ a)
    np.testing.assert_allclose(net.forward(x).output, a, rtol=1e-12)
    net.activation = "elu"  # one name: every hidden layer
    assert net.activations == ["elu", "elu", "elu", "sigmoid"]
    with pytest.raises(ValueError, match="one activation per hidden layer \\(3\\), got 2"):
        net.activation = ["relu", "tanh"]


def test_changing_one_layer_changes_no_other():
    net = Network([2, 3, 3, 1], activation="tanh", seed=1)  # the output follows tanh
    net.set_layer_activation(2, "relu")
    assert net.activations == ["tanh", "relu", "tanh"]
    net.set_layer_activation(1, "gelu")  # the output keeps tanh, now as its own
    assert net.activations == ["gelu", "relu", "tanh"] and net.activation == "gelu"
    net.set_layer_activation(3, "linear")
    assert net.output_activation == "linear"
    with pytest.raises(ValueError, match="layer must be 1 … 3"):
        net.set_layer_activation(0, "relu")


def test_resize_keeps_each_layers_activation_and_new_layers_take_the_last_hidden_one():
    net = Network([2, 3, 3, 1], activation=["relu", "tanh"], output_activation="linear", seed=1)
    net.resize([2, 3, 3, 4, 4, 1])
    assert net.activations == ["relu", "tanh", "tanh", "tanh", "linear"]
    net.resize([2, 5, 1])
    assert net.activations == ["relu", "linear"]
    net.resize([2, 1])
    assert net.activations == ["linear"] and net.activation == "relu"
    net.resize([2, 2, 2, 1])
    assert net.activations == ["relu", "relu", "linear"]


def test_copy_does_not_share_the_activation_list():
    net = Network([2, 3, 3, 1], activation="tanh", seed=1)
    other = net.copy()
    other.set_layer_activation(2, "relu")
    assert net.activations == ["tanh", "tanh", "tanh"]
