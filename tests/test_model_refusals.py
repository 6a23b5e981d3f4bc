"""Networks that are not MLPs are refused with the first layer or operator that is not fully connected."""

import io
import json
import pickle
import zipfile

import numpy as np
import pytest
from model_files import MODELS, needs_models, torch_zip

from nnviz.core import ModelImportError, read_model

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

RNG = np.random.default_rng(7)


def onnx_file(tmp_path, nodes, initializers, output="y", inputs=("x",)):
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info(name, TensorProto.FLOAT, ["n", 3]) for name in inputs],
        [helper.make_tensor_value_info(output, TensorProto.FLOAT, None)],
        [numpy_helper.from_array(np.asarray(v, dtype=np.float32), k) for k, v in initializers.items()])
    path = tmp_path / "m.onnx"
    path.write_bytes(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString())
    return path


def test_onnx_conv_is_refused_by_name(tmp_path):
    path = onnx_file(tmp_path, [helper.make_node("Conv", ["x", "k"], ["c"]),
                                helper.make_node("Gemm", ["c", "w"], ["y"], transB=1)],
                     {"k": RNG.normal(size=(1, 1, 1)), "w": RNG.normal(size=(2, 3))})
    with pytest.raises(ModelImportError, match=r"m\.onnx: Conv is not a fully-connected layer"):
        read_model(path)


def test_onnx_skip_connection_is_refused(tmp_path):
    path = onnx_file(tmp_path, [helper.make_node("Gemm", ["x", "w"], ["h"], transB=1),
                                helper.make_node("Relu", ["h"], ["r"]),
                                helper.make_node("Add", ["r", "x"], ["y"])],
                     {"w": RNG.normal(size=(3, 3))})
    with pytest.raises(ModelImportError, match="skip connection"):
        read_model(path)


def test_onnx_several_inputs_are_refused(tmp_path):
    path = onnx_file(tmp_path, [helper.make_node("Gemm", ["x", "w"], ["y"], transB=1)],
                     {"w": RNG.normal(size=(2, 3))}, inputs=("x", "x2"))
    with pytest.raises(ModelImportError, match="2 inputs"):
        read_model(path)


def test_onnx_leaky_relu_with_another_slope_is_refused(tmp_path):
    path = onnx_file(tmp_path, [helper.make_node("Gemm", ["x", "w"], ["h"], transB=1),
                                helper.make_node("LeakyRelu", ["h"], ["y"], alpha=0.2)],
                     {"w": RNG.normal(size=(2, 3))})
    with pytest.raises(ModelImportError, match="LeakyRelu with alpha=0.2"):
        read_model(path)


def test_torch_conv2d_and_batchnorm_are_refused_by_name(tmp_path):
    conv = tmp_path / "conv.pt"
    conv.write_bytes(torch_zip({"conv.weight": RNG.normal(size=(4, 1, 3, 3)), "fc.weight": RNG.normal(size=(2, 4))}))
    with pytest.raises(ModelImportError, match=r"conv\.pt: Conv2d \(conv\.weight, 4-D\) is not a fully-connected"):
        read_model(conv)
    norm = tmp_path / "bn.pt"
    norm.write_bytes(torch_zip({"fc.weight": RNG.normal(size=(4, 3)), "bn.running_mean": RNG.normal(size=4)}))
    with pytest.raises(ModelImportError, match=r"BatchNorm \(bn\.running_mean\) is not a fully-connected layer"):
        read_model(norm)


def test_torch_layers_that_do_not_chain_are_refused(tmp_path):
    path = tmp_path / "gap.pt"
    path.write_bytes(torch_zip({"a.weight": RNG.normal(size=(4, 3)), "b.weight": RNG.normal(size=(2, 5))}))
    with pytest.raises(ModelImportError, match="b takes 5 inputs but a gives 4"):
        read_model(path)


def test_a_whole_pickled_torch_model_asks_for_the_state_dict(tmp_path):
    path = tmp_path / "whole.pt"
    path.write_bytes(torch_zip({}, b"\x80\x02ctorch.nn.modules.container\nSequential\n)\x81."))
    with pytest.raises(ModelImportError, match="save the state_dict instead"):
        read_model(path)


def test_an_sklearn_model_that_is_not_an_mlp_is_refused(tmp_path):
    LinearRegression = pytest.importorskip("sklearn.linear_model").LinearRegression

    path = tmp_path / "linear.pkl"
    path.write_bytes(pickle.dumps(LinearRegression().fit([[0.0], [1.0]], [0.0, 1.0])))
    with pytest.raises(ModelImportError, match="LinearRegression is not an MLPClassifier or MLPRegressor"):
        read_model(path)


def keras_with_layer(tmp_path, layer: dict, position: int = 2, first_dense_activation="tanh"):
    with zipfile.ZipFile(MODELS / "keras_mlp.keras") as source:
        config = json.loads(source.read("config.json"))
        config["config"]["layers"][1]["config"]["activation"] = first_dense_activation
        if layer:
            config["config"]["layers"].insert(position, layer)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as target:
            for name in source.namelist():
                data = json.dumps(config) if name == "config.json" else source.read(name)
                target.writestr(name, data)
    path = tmp_path / "edited.keras"
    path.write_bytes(buffer.getvalue())
    return path


@needs_models
@pytest.mark.parametrize("kind", ["Conv2D", "BatchNormalization", "MultiHeadAttention"])
def test_keras_layers_that_are_not_dense_are_refused_by_name(tmp_path, kind):
    path = keras_with_layer(tmp_path, {"class_name": kind, "config": {"name": "x"}})
    with pytest.raises(ModelImportError, match=f"edited.keras: {kind} is not a fully-connected layer"):
        read_model(path)


@needs_models
def test_keras_leaky_relu_of_slope_0_2_is_refused(tmp_path):
    layer = keras_with_layer(tmp_path, {"class_name": "LeakyReLU", "config": {"negative_slope": 0.2}}, position=2,
                             first_dense_activation="linear")
    with pytest.raises(ModelImportError, match="LeakyReLU with slope 0.2"):
        read_model(layer)
    named = keras_with_layer(tmp_path, {}, first_dense_activation="leaky_relu")
    with pytest.raises(ModelImportError, match="Keras' leaky_relu has slope 0.2"):
        read_model(named)


@needs_models
def test_a_keras_leaky_relu_layer_of_slope_0_01_after_a_linear_dense_is_nnviz_leaky_relu(tmp_path):
    path = keras_with_layer(tmp_path, {"class_name": "LeakyReLU", "config": {"negative_slope": 0.01}}, position=2,
                            first_dense_activation="linear")
    assert read_model(path).activations == ("leaky_relu", "softmax")


@needs_models
def test_a_keras_dense_layer_without_weights_in_the_file_is_named(tmp_path):
    ghost = {"class_name": "Dense", "config": {"name": "ghost", "units": 3, "activation": "relu"}}
    path = keras_with_layer(tmp_path, ghost, position=2)
    with pytest.raises(ModelImportError, match="the weights file has no weights for layer ghost"):
        read_model(path)
