"""Write a network as a model file other tools read: ONNX, safetensors or npz."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..fileio import atomic_write
from ..network import Network
from .npz_file import npz_bytes
from .safetensors_file import METADATA_ACTIVATIONS, METADATA_LOSS, safetensors_bytes

EXPORT_SUFFIXES = (".onnx", ".safetensors", ".npz")
ONNX_OPSET = 17
_GELU_OPSET = 20  # Gelu became an ONNX operator in opset 20
_ONNX_OPS = {"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "softmax": "Softmax", "elu": "Elu",
             "leaky_relu": "LeakyRelu", "softplus": "Softplus", "gelu": "Gelu"}


def export_model(net: Network, path) -> None:
    """Write ``net`` to ``path`` by its suffix, atomically.

    ``.onnx``: Gemm layers (float32) and activation operators, input ``input`` of shape (batch, n_in),
    output ``output``. ``.safetensors``: float64 ``{2i}.weight`` / ``{2i}.bias``, the keys of PyTorch's
    ``nn.Sequential(Linear, activation, ...)``, with the activations in ``__metadata__``. ``.npz``:
    ``W{i}``, ``b{i}``, ``layer_sizes``, ``activations``. Raises ``ValueError`` for another suffix or
    non-finite weights, ``OSError`` when the file cannot be written.
    """
    suffix = Path(path).suffix.lower()
    bad = net.first_non_finite_array()
    if bad is not None:
        raise ValueError(f"cannot export: {bad} contains NaN or infinite values")
    if suffix == ".onnx":
        data = onnx_bytes(net)
    elif suffix == ".safetensors":
        data = safetensors_bytes(state_dict_arrays(net), _metadata(net))
    elif suffix == ".npz":
        data = npz_bytes(net)
    else:
        raise ValueError(f"export a model as {', '.join(EXPORT_SUFFIXES)}, not {suffix or 'a file without suffix'}")
    atomic_write(path, data)


def state_dict_arrays(net: Network) -> dict:
    """``{"0.weight": (n_out, n_in), "0.bias": (n_out,), "2.weight": ...}``: nn.Sequential's names."""
    arrays = {}
    for i, (w, b) in enumerate(zip(net.weights, net.biases)):
        arrays[f"{2 * i}.weight"] = w
        if net.bias:
            arrays[f"{2 * i}.bias"] = b
    return arrays


def _metadata(net: Network) -> dict:
    return {"format": "pt", METADATA_ACTIVATIONS: json.dumps(net.activations), METADATA_LOSS: net.loss}


def onnx_bytes(net: Network) -> bytes:
    """An ONNX model computing ``net`` in float32: Gemm (transB=1) per layer, then its activation."""
    import onnx  # imported here: only needed when exporting ONNX
    from onnx import TensorProto, helper, numpy_helper

    activations = net.activations
    unsupported = sorted(set(activations) - set(_ONNX_OPS) - {"linear", "silu"})
    if unsupported:
        raise ValueError(f"cannot export {', '.join(unsupported)} to ONNX")
    nodes, initializers, tensor = [], [], "input"
    for i, (w, b, act) in enumerate(zip(net.weights, net.biases, activations)):
        initializers.append(numpy_helper.from_array(w.astype(np.float32), f"layer{i}.weight"))
        inputs = [tensor, f"layer{i}.weight"]
        if net.bias:
            initializers.append(numpy_helper.from_array(b.astype(np.float32), f"layer{i}.bias"))
            inputs.append(f"layer{i}.bias")
        nodes.append(helper.make_node("Gemm", inputs, [f"layer{i}.z"], transB=1, name=f"layer{i}"))
        tensor = f"layer{i}.z"
        if act == "silu":  # ONNX has no SiLU operator: x · sigmoid(x)
            nodes.append(helper.make_node("Sigmoid", [tensor], [f"layer{i}.sigmoid"]))
            nodes.append(helper.make_node("Mul", [tensor, f"layer{i}.sigmoid"], [f"layer{i}.a"]))
            tensor = f"layer{i}.a"
        elif act != "linear":
            attributes = {"alpha": 0.01} if act == "leaky_relu" else {"axis": -1} if act == "softmax" else {}
            nodes.append(helper.make_node(_ONNX_OPS[act], [tensor], [f"layer{i}.a"], **attributes))
            tensor = f"layer{i}.a"
    nodes.append(helper.make_node("Identity", [tensor], ["output"]))
    sizes = net.layer_sizes
    graph = helper.make_graph(
        nodes, "nnviz_mlp",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", sizes[0]])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", sizes[-1]])],
        initializers)
    opset = _GELU_OPSET if "gelu" in activations else ONNX_OPSET
    model = helper.make_model(graph, producer_name="nnviz", opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8 if opset < _GELU_OPSET else 9  # the oldest IR that carries the opset: widest support
    onnx.checker.check_model(model)
    return model.SerializeToString()
