"""Copy as PyTorch / Copy as Keras: source that rebuilds a network in those frameworks with its exact weights."""

from __future__ import annotations

import math

import numpy as np

from .codegen import MAX_EMBEDDED_WEIGHTS
from .network import Network

_TORCH_MODULES = {"relu": "nn.ReLU()", "sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()",
                  "leaky_relu": "nn.LeakyReLU(0.01)", "elu": "nn.ELU()", "softplus": "nn.Softplus()",
                  "silu": "nn.SiLU()", "gelu": "nn.GELU()", "linear": "nn.Identity()",
                  "softmax": "nn.Softmax(dim=-1)"}
# Keras' own "leaky_relu" has slope 0.2; nnviz's 0.01 needs the layer with its slope given.
_KERAS_ACTIVATIONS = {"relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh", "elu": "elu", "softplus": "softplus",
                      "silu": "silu", "gelu": "gelu", "linear": "linear", "softmax": "softmax"}
_WIDTH = 100


def pytorch_snippet(net: Network) -> str:
    """PyTorch source for ``nn.Sequential(Linear, activation, ...)`` in float64 with ``net``'s weights.

    Up to :data:`~nnviz.core.codegen.MAX_EMBEDDED_WEIGHTS` weights are written out; larger networks load
    ``network.safetensors`` written by Export Model (same key names).
    """
    activations = net.activations
    sizes = net.layer_sizes
    lines = [f"# The {'-'.join(map(str, sizes))} network from nnviz, rebuilt in PyTorch with its exact weights.",
             "import torch", "from torch import nn", "", "model = nn.Sequential("]
    for i, act in enumerate(activations):
        bias = "" if net.bias else ", bias=False"
        lines += [f"    nn.Linear({sizes[i]}, {sizes[i + 1]}{bias}),", f"    {_TORCH_MODULES[act]},"]
    lines += [").double()  # float64, as in nnviz; every Linear is at an even index (0, 2, 4 ...)"]
    if net.n_weights > MAX_EMBEDDED_WEIGHTS:
        lines += ["# Too many weights to paste: export them from nnviz (File > Export Model > network.safetensors).",
                  "from safetensors.torch import load_file", "",
                  'model.load_state_dict(load_file("network.safetensors"))']
        return "\n".join(lines) + "\n"
    lines += ["", "# weights[i] has shape (size of layer i+1, size of layer i), as nn.Linear keeps it.",
              "weights = " + _arrays_literal(net.weights)]
    if net.bias:
        lines += ["biases = " + _arrays_literal(net.biases)]
    lines += ["with torch.no_grad():",
              "    for i, linear in enumerate(model[0::2]):",
              "        linear.weight.copy_(torch.tensor(weights[i], dtype=torch.float64))"]
    if net.bias:
        lines += ["        linear.bias.copy_(torch.tensor(biases[i], dtype=torch.float64))"]
    return "\n".join(lines) + "\n"


def keras_snippet(net: Network) -> str:
    """Keras 3 source for a float64 ``Sequential`` of ``Dense`` layers with ``net``'s weights.

    Larger networks than :data:`~nnviz.core.codegen.MAX_EMBEDDED_WEIGHTS` load ``network.npz`` from Export Model.
    """
    activations = net.activations
    sizes = net.layer_sizes
    bias = "" if net.bias else ", use_bias=False"
    lines = [f"# The {'-'.join(map(str, sizes))} network from nnviz, rebuilt in Keras with its exact weights.",
             "import keras", "import numpy as np", "", "model = keras.Sequential([",
             f'    keras.Input(shape=({sizes[0]},), dtype="float64"),']
    for i, act in enumerate(activations):
        if act == "leaky_relu":
            lines += [f'    keras.layers.Dense({sizes[i + 1]}{bias}, dtype="float64"),',
                      '    keras.layers.LeakyReLU(negative_slope=0.01, dtype="float64"),']
        else:
            lines += [f'    keras.layers.Dense({sizes[i + 1]}, activation="{_KERAS_ACTIVATIONS[act]}"{bias}, '
                      'dtype="float64"),']
    lines += ["])", "dense_layers = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]"]
    if net.n_weights > MAX_EMBEDDED_WEIGHTS:
        lines += ["# Too many weights to paste: export them from nnviz (File > Export Model > network.npz).",
                  'saved = np.load("network.npz")',
                  "weights = [saved[f\"W{i}\"] for i in range(len(dense_layers))]"]
        if net.bias:
            lines += ["biases = [saved[f\"b{i}\"] for i in range(len(dense_layers))]"]
    else:
        lines += ["", "# weights[i] has shape (size of layer i+1, size of layer i); Keras keeps the transpose.",
                  "weights = " + _arrays_literal(net.weights)]
        if net.bias:
            lines += ["biases = " + _arrays_literal(net.biases)]
    values = "[np.array(w).T, np.array(b)]" if net.bias else "[np.array(w).T]"
    pairs = "zip(dense_layers, weights, biases)" if net.bias else "zip(dense_layers, weights)"
    names = "dense, w, b" if net.bias else "dense, w"
    lines += [f"for {names} in {pairs}:", f"    dense.set_weights({values})"]
    return "\n".join(lines) + "\n"


def _number(v: float) -> str:
    return repr(v) if math.isfinite(v) else f"float('{v}')"


def _row(values, indent: str) -> str:
    """``[a, b, ...]`` wrapped after commas near the line width."""
    items = [_number(v) for v in values]
    lines, current = [], "["
    for k, item in enumerate(items):
        piece = item + ("," if k < len(items) - 1 else "]")
        if len(current) > 1 and len(indent) + len(current) + len(piece) + 1 > _WIDTH:
            lines.append(current)
            current = " " + piece
        else:
            current += ("" if current == "[" else " ") + piece
    if not items:
        current += "]"
    lines.append(current)
    return ("\n" + indent).join(lines)


def _arrays_literal(arrays) -> str:
    parts = []
    for a in arrays:
        a = np.asarray(a)
        if a.ndim == 1:
            parts.append("    " + _row(a.tolist(), "    ") + ",")
        else:
            rows = "".join(f"        {_row(r, '        ')},\n" for r in a.tolist())
            parts.append("    [\n" + rows + "    ],")
    return "[\n" + "\n".join(parts) + "\n]"
