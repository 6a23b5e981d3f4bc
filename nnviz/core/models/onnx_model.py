"""ONNX models: chains of Gemm or MatMul + Add with activations, read with the ``onnx`` package.

The path is traced backwards from the probabilities output to the graph input, so the label branch of a
classifier export (ArgMax, ArrayFeatureExtractor ...) is never visited.
"""

from __future__ import annotations

import numpy as np

from .model import ImportedModel, LayerError, check_count, make_model
from .protobuf_scan import check_field_count

# ONNX op -> nnviz activation; attributes that must keep their default for nnviz's function to match.
_ACTIVATIONS = {"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "Softmax": "softmax",
                "LeakyRelu": "leaky_relu", "Elu": "elu", "Softplus": "softplus", "Gelu": "gelu"}
_REQUIRED_ATTRIBUTES = {"LeakyRelu": ("alpha", 0.01), "Elu": ("alpha", 1.0), "Gelu": ("approximate", "none")}
_TRANSPARENT = {"Identity", "Cast", "Flatten", "Dropout", "ZipMap"}
_LABEL_OUTPUTS = ("label", "output_label")


def read_onnx(data: bytes) -> ImportedModel:
    import onnx  # imported here: only needed when an ONNX file is opened

    check_field_count(data)  # before protobuf builds an object for every field
    try:
        model = onnx.load_model_from_string(data)
    except Exception as e:  # protobuf raises DecodeError, RuntimeError ... for garbage
        raise LayerError(f"not a readable ONNX model ({str(e)[:60]})") from None
    graph = model.graph
    names = [v.name for v in (*graph.input, *graph.output, *graph.initializer)]
    names += [t for node in graph.node for t in (*node.input, *node.output, node.op_type)]
    if not all(isinstance(n, str) for n in names):  # protobuf hands invalid UTF-8 over as bytes
        raise LayerError("a name in the graph is not valid text")
    constants = {t.name: t for t in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant" and node.output:
            value = [a for a in node.attribute if a.name == "value"]
            if value:
                constants[node.output[0]] = value[0].t
    inputs = [i.name for i in graph.input if i.name not in constants]
    if len(inputs) != 1:
        raise LayerError(f"the graph has {len(inputs)} inputs; an MLP has one")
    producers = {out: node for node in graph.node for out in node.output}
    chain = _trace(_chosen_output(graph), inputs[0], producers, constants)
    return _layers(chain, constants, inputs[0])


def _chosen_output(graph) -> str:
    outputs = [o.name for o in graph.output]
    if not outputs:
        raise LayerError("the graph has no outputs")
    probabilities = [o for o in outputs if "prob" in o.lower()]
    rest = [o for o in outputs if o.lower() not in _LABEL_OUTPUTS]
    return (probabilities or rest or outputs)[0]


def _trace(output: str, graph_input: str, producers: dict, constants: dict) -> list:
    """The nodes from the graph input to ``output``, in forward order."""
    chain, tensor = [], output
    while tensor != graph_input:
        node = producers.get(tensor)
        if node is None:
            raise LayerError(f"{tensor} is neither computed in the graph nor its input")
        if len(chain) > 10_000:
            raise LayerError("the graph is too long for an MLP")
        data = [i for i in node.input if i and i not in constants]
        if node.op_type == "Mul" and len(data) == 2:  # x * Sigmoid(x) is SiLU
            sig = [producers.get(i) for i in data]
            for k in (0, 1):
                if sig[k] is not None and sig[k].op_type == "Sigmoid" and sig[k].input[0] == data[1 - k]:
                    chain.append(("Silu", node))
                    tensor = data[1 - k]
                    break
            else:
                raise LayerError("Mul of two computed tensors is not a fully-connected layer")
            continue
        if len(data) != 1:
            what = "a skip connection" if node.op_type in ("Add", "Sum", "Concat") else "several inputs"
            raise LayerError(f"{node.op_type} with {what} is not a fully-connected layer")
        chain.append((node.op_type, node))
        tensor = data[0]
    return chain[::-1]


def _attribute(node, name, default):
    """The node's attribute ``name`` (of the type ``default`` has), or ``default`` when absent."""
    import onnx

    for a in node.attribute:
        if a.name == name:
            value = onnx.helper.get_attribute_value(a)
            value = value.decode(errors="replace") if isinstance(value, bytes) else value
            if not isinstance(value, type(default)) and not (isinstance(default, float) and isinstance(value, int)):
                raise LayerError(f"{node.op_type} has an attribute {name} of the wrong type")
            return value
    return default


def _constant(name: str, constants: dict) -> np.ndarray:
    from onnx import numpy_helper

    tensor = constants[name]
    if tensor.data_location == 1:  # TensorProto.EXTERNAL
        raise LayerError(f"{name} is stored in an external data file; save the model with its weights inside")
    check_count(int(np.prod(list(tensor.dims), dtype=object)), name)
    try:
        array = numpy_helper.to_array(tensor)
    except Exception as e:
        raise LayerError(f"cannot read {name} ({str(e)[:60]})") from None
    if array.dtype.kind not in "fiu":
        raise LayerError(f"{name} holds {array.dtype} values, not numbers")
    return array.astype(float)


def _layers(chain: list, constants: dict, graph_input: str) -> ImportedModel:
    weights, biases, activations, op_names = [], [], [], []
    open_layer = False  # the last layer has no activation yet, so an Add may still be its bias
    for position, (op, node) in enumerate(chain):
        if op in ("Gemm", "MatMul"):
            if weights and open_layer:
                activations.append("linear")
            w = _weight(op, node, constants, first=position == 0 or all(o in _TRANSPARENT for o, _ in chain[:position]))
            weights.append(w)
            biases.append(_gemm_bias(node, constants, w.shape[0]) if op == "Gemm" else None)
            op_names.append(op)
            open_layer = True
        elif op == "Add" and open_layer:
            c = next(i for i in node.input if i in constants)
            extra = _broadcast(_constant(c, constants), weights[-1].shape[0], node)
            biases[-1] = extra if biases[-1] is None else biases[-1] + extra
        elif op in _ACTIVATIONS or op == "Silu":
            if not open_layer:
                raise LayerError(f"{op} is not directly after a layer (two activations in a row?)")
            if op in _REQUIRED_ATTRIBUTES:
                name, default = _REQUIRED_ATTRIBUTES[op]
                value = _attribute(node, name, default)
                if value != default and not (isinstance(value, float) and np.isclose(value, default)):
                    raise LayerError(f"{op} with {name}={value}; nnviz's {_ACTIVATIONS[op]} has {default}")
            if op == "Softmax" and _attribute(node, "axis", -1) not in (-1, 1):
                raise LayerError("Softmax over another axis than the units")
            activations.append("silu" if op == "Silu" else _ACTIVATIONS[op])
            open_layer = False
        elif op == "Reshape":
            shape = _constant(node.input[1], constants) if node.input[1] in constants else None
            if shape is None or shape.size != 2:
                raise LayerError("a Reshape that is not to 2-D is not part of an MLP")
        elif op not in _TRANSPARENT:
            raise LayerError(f"{op} is not a fully-connected layer")
    if open_layer:
        activations.append("linear")
    kinds = sorted(set(op_names))
    source = f"ONNX, {len(weights)} {' + '.join(kinds) if kinds else 'Gemm'} layers"
    return make_model(weights, biases, activations, source)


def _weight(op: str, node, constants: dict, first: bool) -> np.ndarray:
    """nnviz's ``(n_out, n_in)`` weights of a Gemm (``alpha · B'``) or of ``MatMul(x, B)``."""
    a, b = node.input[0], node.input[1]
    if a in constants or b not in constants:
        raise LayerError(f"{op} {node.name or ''} multiplies by the data from the left; not a layer of an MLP")
    if op == "MatMul":
        w = _constant(b, constants)
        if w.ndim != 2:
            raise LayerError(f"MatMul by a {w.ndim}-D tensor is not a fully-connected layer")
        return w.T
    if _attribute(node, "transA", 0) and not first:
        raise LayerError("Gemm with transA=1 after the first layer is not a layer of an MLP")
    w = _constant(b, constants)
    if w.ndim != 2:
        raise LayerError(f"Gemm with a {w.ndim}-D weight")
    w = w if _attribute(node, "transB", 0) else w.T  # Y = A·B' with B' = (n_in, n_out)
    return float(_attribute(node, "alpha", 1.0)) * w


def _gemm_bias(node, constants: dict, n_out: int):
    if len(node.input) < 3 or not node.input[2]:
        return None
    if node.input[2] not in constants:
        raise LayerError("a Gemm whose bias is computed is not a fully-connected layer")
    c = _constant(node.input[2], constants)
    return float(_attribute(node, "beta", 1.0)) * _broadcast(c, n_out, node)


def _broadcast(c: np.ndarray, n_out: int, node) -> np.ndarray:
    try:
        return np.broadcast_to(c, (1, n_out)).reshape(n_out).copy()
    except ValueError:
        raise LayerError(f"{node.op_type} adds a {c.shape} tensor to {n_out} units") from None
