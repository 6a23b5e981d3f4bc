"""ONNX graphs as other exporters write them read as the function onnxruntime computes."""

import numpy as np
import pytest
from model_files import reference_forward

from nnviz.core import read_model

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

RNG = np.random.default_rng(5)


def run_both(tmp_path, nodes, initializers, input_shape, output="y", extra_outputs=()):
    outputs = [helper.make_tensor_value_info(output, TensorProto.FLOAT, ["n", None])]
    outputs += [helper.make_tensor_value_info(name, TensorProto.INT64, ["n", 1]) for name in extra_outputs]
    tensors = [numpy_helper.from_array(v.astype(np.float32) if v.dtype == np.float64 else v, k)
               for k, v in initializers.items()]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, input_shape)],
                              outputs, tensors)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path = tmp_path / "m.onnx"
    path.write_bytes(model.SerializeToString())
    imported = read_model(path)
    x = RNG.normal(size=(6, 3)).astype(np.float32)
    feed = x.T.copy() if input_shape[0] == 3 else x
    expected = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run([output], {"x": feed})[0]
    return imported, reference_forward(imported.weights, imported.biases, imported.activations, x), expected


def test_gemm_alpha_beta_and_untransposed_weights_matmul_add_and_transparent_ops(tmp_path):
    nodes = [helper.make_node("Cast", ["x"], ["c"], to=TensorProto.FLOAT),
             helper.make_node("Flatten", ["c"], ["f"], axis=1),
             helper.make_node("Gemm", ["f", "w0", "b0"], ["z0"], alpha=0.5, beta=2.0),  # w0 is (n_in, n_out)
             helper.make_node("Relu", ["z0"], ["a0"]),
             helper.make_node("MatMul", ["a0", "w1"], ["m1"]),
             helper.make_node("Add", ["m1", "b1"], ["z1"]),
             helper.make_node("Reshape", ["z1", "shape"], ["r1"]),
             helper.make_node("Sigmoid", ["r1"], ["y"]),
             helper.make_node("ArgMax", ["y"], ["label"], axis=1, keepdims=1)]
    init = {"w0": RNG.normal(size=(3, 4)), "b0": RNG.normal(size=(1, 4)), "w1": RNG.normal(size=(4, 2)),
            "b1": RNG.normal(size=2)}
    init["shape"] = np.array([-1, 2], dtype=np.int64)
    imported, ours, expected = run_both(tmp_path, nodes, init, ["n", 3], extra_outputs=("label",))
    assert imported.activations == ("relu", "sigmoid")
    assert imported.source == "ONNX, 2 Gemm + MatMul layers"
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-5)


def test_gemm_with_transposed_input_on_the_first_layer(tmp_path):
    nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["z"], transA=1, transB=1),
             helper.make_node("Tanh", ["z"], ["y"])]
    imported, ours, expected = run_both(tmp_path, nodes, {"w": RNG.normal(size=(2, 3)), "b": RNG.normal(size=2)},
                                        [3, "n"])
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-5)


def test_silu_as_x_times_sigmoid_x_and_elu_softplus(tmp_path):
    nodes = [helper.make_node("Gemm", ["x", "w0"], ["z0"], transB=1),
             helper.make_node("Sigmoid", ["z0"], ["s0"]),
             helper.make_node("Mul", ["s0", "z0"], ["a0"]),
             helper.make_node("Gemm", ["a0", "w1"], ["z1"], transB=1),
             helper.make_node("Elu", ["z1"], ["a1"]),
             helper.make_node("Gemm", ["a1", "w2"], ["z2"], transB=1),
             helper.make_node("Softplus", ["z2"], ["y"])]
    init = {"w0": RNG.normal(size=(4, 3)), "w1": RNG.normal(size=(4, 4)), "w2": RNG.normal(size=(2, 4))}
    imported, ours, expected = run_both(tmp_path, nodes, init, ["n", 3])
    assert imported.activations == ("silu", "elu", "softplus")
    assert imported.biases == (None, None, None)
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-5)
