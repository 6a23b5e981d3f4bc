"""Real model files written by PyTorch, Keras, scikit-learn, skl2onnx and numpy import with their outputs."""

import json

import numpy as np
import pytest
from model_files import MODELS, needs_models, reference_forward

from nnviz.core import ModelImportError, import_model, needs_activations, read_model

pytestmark = needs_models


def manifest():
    return json.loads((MODELS / "manifest.json").read_text()) if MODELS else {}


def cases():
    return [pytest.param(name, entry, id=name) for name, entry in manifest().items() if "inputs" in entry]


def file_activations(entry):
    """The hidden activation and the output the manifest says the framework used."""
    output = entry["output"].split()[0]
    return entry["activation"], "linear" if output == "linear" else output


@pytest.mark.parametrize("name, entry", cases())
def test_each_model_reproduces_its_frameworks_outputs(name, entry):
    model = read_model(MODELS / entry["file"])
    hidden, output = file_activations(entry)
    assert list(model.layer_sizes) == entry["layers"]
    activations = model.activations or (hidden,) * (len(model.weights) - 1) + (output,)
    assert activations == (hidden,) * (len(model.weights) - 1) + (output,)
    x = np.load(MODELS / entry["inputs"])
    expected = np.load(MODELS / entry["outputs"])
    np.testing.assert_allclose(reference_forward(model.weights, model.biases, activations, x), expected,
                               rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name, entry", cases())
def test_each_imported_network_runs_like_the_framework(name, entry):
    hidden, output = file_activations(entry)
    path = MODELS / entry["file"]
    if needs_activations(path):
        net = import_model(path, activation=hidden, output_activation=output)
    else:
        net = import_model(path)
    assert list(net.layer_sizes) == entry["layers"]
    assert net.bias
    x = np.load(MODELS / entry["inputs"])
    np.testing.assert_allclose(net.forward(x).output, np.load(MODELS / entry["outputs"]), rtol=1e-4, atol=1e-5)


def test_files_without_activations_default_to_relu_and_a_linear_output():
    net = import_model(MODELS / "plain.npz")
    assert list(net.layer_sizes) == [3, 5, 2]
    assert (net.activation, net.output_activation) == ("relu", "linear")
    with np.load(MODELS / "plain.npz") as saved:
        np.testing.assert_array_equal(net.weights[1], saved["W1"])
        np.testing.assert_array_equal(net.biases[0], saved["b0"])


@pytest.mark.parametrize("file, stores", [("torch_mlp.pt", False), ("torch_mlp.safetensors", False),
                                          ("plain.npz", False), ("torch_mlp.onnx", True), ("sk_mlp.joblib", True),
                                          ("keras_mlp.keras", True), ("keras_mlp.h5", True)])
def test_needs_activations_says_which_files_store_none(file, stores):
    assert needs_activations(MODELS / file) is not stores


@pytest.mark.parametrize("file, loss", [("sk_binary.joblib", "cross_entropy"), ("keras_mlp.h5", "cross_entropy"),
                                        ("torch_mlp.pt", None)])
def test_the_loss_is_read_where_the_file_names_it(file, loss):
    assert read_model(MODELS / file).loss == loss


@pytest.mark.parametrize("file, loss", [("sk_mlp.joblib", "cross_entropy"), ("sk_binary.joblib", "cross_entropy"),
                                        ("torch_mlp.onnx", "cross_entropy"), ("keras_dropout.keras", "cross_entropy"),
                                        ("torch_mlp.pt", "mse")])
def test_classifiers_import_with_cross_entropy_and_the_rest_with_mse(file, loss):
    assert import_model(MODELS / file, activation="relu" if needs_activations(MODELS / file) else None).loss == loss


def test_arguments_override_the_files_activations():
    net = import_model(MODELS / "sk_binary.joblib", activation="relu", output_activation="linear")
    assert (net.activation, net.output_activation, net.loss) == ("relu", "linear", "mse")


@pytest.mark.parametrize("file, words", [("torch_mlp.onnx", "ONNX, 3 Gemm layers"),
                                         ("sk_mlp.onnx", "ONNX, 2 MatMul layers"),
                                         ("torch_named_f16.pth", "PyTorch state_dict, 3 Linear layers"),
                                         ("keras_dropout.keras", "Keras model, 2 Dense layers"),
                                         ("sk_binary.joblib", "scikit-learn MLPClassifier, 2 layers")])
def test_the_source_says_where_the_network_came_from(file, words):
    assert read_model(MODELS / file).source == words


def test_the_suffix_is_only_a_hint(tmp_path):
    disguised = tmp_path / "model.onnx"
    disguised.write_bytes((MODELS / "keras_mlp.keras").read_bytes())
    assert read_model(disguised).source.startswith("Keras")


def test_a_bad_activation_argument_is_a_model_import_error():
    with pytest.raises(ModelImportError, match="torch_mlp.pt.*unknown activation"):
        import_model(MODELS / "torch_mlp.pt", activation="swoosh")
