"""Export to ONNX, safetensors and npz reads back the same network; ONNX runs in onnxruntime; snippets rebuild it."""

import ast
import json
import struct

import numpy as np
import pytest
from model_files import reference_forward

from nnviz.core import ACTIVATIONS, Network, export_model, import_model, read_model
from nnviz.core.framework_snippets import keras_snippet, pytorch_snippet

HIDDEN = [name for name in ACTIVATIONS if name != "softmax"]


def trained_looking(hidden="tanh", output="sigmoid", sizes=(3, 5, 4, 2), bias=True, seed=3, loss="mse"):
    net = Network(list(sizes), activation=hidden, output_activation=output, bias=bias, seed=seed, loss=loss)
    rng = np.random.default_rng(seed)
    if bias:
        net.biases = [rng.normal(size=b.shape) for b in net.biases]
    return net


def inputs(net, n=9):
    return np.random.default_rng(11).normal(size=(n, net.layer_sizes[0]))


@pytest.mark.parametrize("suffix", [".safetensors", ".npz"])
@pytest.mark.parametrize("hidden", HIDDEN)
def test_safetensors_and_npz_round_trip_bit_for_bit(tmp_path, suffix, hidden):
    net = trained_looking(hidden)
    export_model(net, tmp_path / f"net{suffix}")
    back = read_model(tmp_path / f"net{suffix}")
    assert back.activations == (hidden, hidden, "sigmoid")
    for a, b in zip(back.weights + back.biases, net.weights + net.biases):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("hidden", HIDDEN)
def test_onnx_round_trips_at_float32_precision(tmp_path, hidden):
    net = trained_looking(hidden)
    export_model(net, tmp_path / "net.onnx")
    back = read_model(tmp_path / "net.onnx").to_network()
    assert back.layer_sizes == net.layer_sizes
    assert back.activations == net.activations
    x = inputs(net)
    np.testing.assert_allclose(back.forward(x).output, net.forward(x).output, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("hidden", HIDDEN)
def test_exported_onnx_runs_in_onnxruntime_with_the_same_outputs(tmp_path, hidden):
    ort = pytest.importorskip("onnxruntime")
    net = trained_looking(hidden)
    export_model(net, tmp_path / "net.onnx")
    x = inputs(net)
    session = ort.InferenceSession(str(tmp_path / "net.onnx"), providers=["CPUExecutionProvider"])
    (y,) = session.run(None, {"input": x.astype(np.float32)})
    np.testing.assert_allclose(y, net.forward(x).output, rtol=1e-4, atol=1e-5)


def test_a_network_without_biases_exports_none(tmp_path):
    net = trained_looking(bias=False)
    for suffix in (".onnx", ".safetensors", ".npz"):
        export_model(net, tmp_path / f"net{suffix}")
        back = read_model(tmp_path / f"net{suffix}")
        assert back.biases == (None, None, None)
        assert not back.to_network().bias


def test_safetensors_export_uses_pytorch_sequential_names_and_metadata(tmp_path):
    net = trained_looking()
    export_model(net, tmp_path / "net.safetensors")
    data = (tmp_path / "net.safetensors").read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    assert (8 + length) % 8 == 0
    assert [k for k in header if k != "__metadata__"] == ["0.weight", "0.bias", "2.weight", "2.bias",
                                                          "4.weight", "4.bias"]
    assert json.loads(header["__metadata__"]["nnviz.activations"]) == ["tanh", "tanh", "sigmoid"]
    start, end = header["2.weight"]["data_offsets"]
    np.testing.assert_array_equal(np.frombuffer(data[8 + length + start:8 + length + end], "<f8").reshape(4, 5),
                                  net.weights[1])


def test_onnx_export_declares_opset_13_or_newer(tmp_path):
    import onnx

    export_model(trained_looking(), tmp_path / "net.onnx")
    model = onnx.load(str(tmp_path / "net.onnx"))
    assert [(o.domain, o.version >= 13) for o in model.opset_import] == [("", True)]


def test_softmax_classifier_round_trips_through_onnx_and_safetensors(tmp_path):
    net = trained_looking("relu", "softmax", loss="cross_entropy")
    for suffix in (".onnx", ".safetensors"):
        export_model(net, tmp_path / f"net{suffix}")
        back = read_model(tmp_path / f"net{suffix}")
        assert back.activations[-1] == "softmax"
        assert back.to_network().loss == "cross_entropy"
        np.testing.assert_allclose(back.to_network().forward(inputs(net)).output, net.forward(inputs(net)).output,
                                   rtol=1e-5, atol=1e-6)


def test_export_refuses_other_suffixes_and_non_finite_weights(tmp_path):
    net = trained_looking()
    with pytest.raises(ValueError, match="not .json"):
        export_model(net, tmp_path / "net.json")
    net.weights[0][0, 0] = np.nan
    with pytest.raises(ValueError, match=r"weights\[0\] contains NaN"):
        export_model(net, tmp_path / "net.onnx")
    assert not (tmp_path / "net.onnx").exists()


# -- Copy as PyTorch / Copy as Keras ------------------------------------------------------------------------------
def assigned_literals(source: str) -> dict:
    """The values of ``name = <literal>`` statements in ``source``."""
    values = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    return values


@pytest.mark.parametrize("snippet", [pytorch_snippet, keras_snippet])
@pytest.mark.parametrize("bias", [True, False])
def test_snippets_carry_the_exact_weights(snippet, bias):
    net = trained_looking("leaky_relu", bias=bias)
    literals = assigned_literals(snippet(net))
    for a, b in zip(literals["weights"], net.weights):
        np.testing.assert_array_equal(np.array(a), b)
    if bias:
        for a, b in zip(literals["biases"], net.biases):
            np.testing.assert_array_equal(np.array(a), b)
    else:
        assert "biases" not in literals


class FakeTorch:
    """Just enough of torch for the PyTorch snippet to run: modules record what they are, numpy computes."""

    float64 = "float64"

    class Tensor(np.ndarray):
        def copy_(self, other):
            self[...] = other

    @staticmethod
    def tensor(values, dtype=None):
        return np.array(values, dtype=float)

    @staticmethod
    def no_grad():
        import contextlib

        return contextlib.nullcontext()


def fake_nn():
    import types

    nn = types.SimpleNamespace()

    class Linear:
        def __init__(self, n_in, n_out, bias=True):
            self.weight = np.zeros((n_out, n_in)).view(FakeTorch.Tensor)
            self.bias = np.zeros(n_out).view(FakeTorch.Tensor) if bias else None

        def __call__(self, x):
            return x @ self.weight.T + (0 if self.bias is None else self.bias)

    def activation(name):
        return lambda *args, **kwargs: name

    class Sequential(list):
        def __init__(self, *modules):
            super().__init__(modules)

        def double(self):
            return self

        def __call__(self, x):
            for m in self:
                x = m(x) if isinstance(m, Linear) else reference_forward([np.eye(x.shape[1])], [None], [m], x)
            return x

    nn.Linear, nn.Sequential = Linear, Sequential
    for cls, name in [("ReLU", "relu"), ("Sigmoid", "sigmoid"), ("Tanh", "tanh"), ("LeakyReLU", "leaky_relu"),
                      ("ELU", "elu"), ("Softplus", "softplus"), ("SiLU", "silu"), ("GELU", "gelu"),
                      ("Identity", "linear"), ("Softmax", "softmax")]:
        setattr(nn, cls, activation(name))
    return nn


@pytest.mark.parametrize("hidden", HIDDEN)
def test_the_pytorch_snippet_builds_the_same_function(hidden):
    net = trained_looking(hidden)
    source = pytorch_snippet(net).replace("import torch\nfrom torch import nn\n", "")
    scope = {"torch": FakeTorch, "nn": fake_nn()}
    exec(compile(source, "snippet", "exec"), scope)
    x = inputs(net)
    np.testing.assert_allclose(scope["model"](x), net.forward(x).output, rtol=1e-12, atol=1e-12)


def test_the_keras_snippet_names_nnviz_s_leaky_slope_and_float64():
    source = keras_snippet(trained_looking("leaky_relu"))
    assert "keras.layers.LeakyReLU(negative_slope=0.01" in source
    assert source.count('dtype="float64"') == 1 + 3 + 2  # the input, three Dense, two LeakyReLU
    compile(source, "snippet", "exec")


def test_large_networks_load_their_weights_from_an_export():
    net = Network([400, 300, 2], activation="relu")
    assert 'load_file("network.safetensors")' in pytorch_snippet(net)
    assert 'np.load("network.npz")' in keras_snippet(net)
    assert len(pytorch_snippet(net)) < 2000


def test_mixed_hidden_activations_survive_export_and_import(tmp_path):
    net = Network([3, 5, 4, 2], activation=["relu", "softmax"], output_activation="sigmoid", bias=True, seed=2,
                  loss="cross_entropy")
    for suffix in (".onnx", ".safetensors", ".npz"):
        export_model(net, tmp_path / f"net{suffix}")
        back = import_model(tmp_path / f"net{suffix}")
        assert list(back.activations) == ["relu", "softmax", "sigmoid"]
        assert back.loss == ("mse" if suffix == ".onnx" else "cross_entropy")  # ONNX keeps no loss
        np.testing.assert_allclose(back.forward(inputs(net)).output, net.forward(inputs(net)).output,
                                   rtol=1e-5, atol=1e-6)
