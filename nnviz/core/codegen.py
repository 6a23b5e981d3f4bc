"""Copy as Python: a script that rebuilds a network exactly with ``nnviz.core``."""

from __future__ import annotations

import math

import numpy as np

from .network import Network

MAX_EMBEDDED_WEIGHTS = 100_000
"""Networks up to this many weights get their weights written out; larger ones are rebuilt from the seed."""
_LINE_WIDTH = 100


def python_snippet(network: Network, inputs=None) -> str:
    """Python source that rebuilds ``network`` (and runs it on ``inputs``, an ``(n_in,)`` vector, if given).

    Weights are written as float literals (``repr``, so they read back bit for bit) for networks of at
    most :data:`MAX_EMBEDDED_WEIGHTS` weights. Larger networks are rebuilt from their seed and
    initialiser; a comment then says whether that reproduces the current weights exactly or whether
    edits or training are lost (save the network to a file to keep those).
    """
    net = network
    sizes = "-".join(map(str, net.layer_sizes))
    hidden = net.activations[:-1]
    activation = net.activation if len(set(hidden)) <= 1 else hidden  # one name when all hidden layers share it
    lines = [
        f"# The {sizes} network from nnviz ({net.n_weights:,} weights), rebuilt with nnviz.core.",
        "import numpy as np",
        "",
        "from nnviz.core import Network",
        "",
        f"net = Network({list(net.layer_sizes)}, activation={activation!r}, "
        f"output_activation={None if net.output_follows_hidden else net.output_activation!r},",
        f"              loss={net.loss!r}, init={net.init!r}, init_scale={net.init_scale!r}, seed={net.seed!r}, "
        f"bias={net.bias!r}, learning_rate={net.learning_rate!r})",
    ]
    if net.n_weights <= MAX_EMBEDDED_WEIGHTS:
        lines += ["# The exact weights; weights[i] has shape (size of layer i+1, size of layer i).",
                  "net.weights = " + _arrays_literal(net.weights)]
    elif _matches_seed(net):
        lines += [f"# Too many weights to paste: they are drawn again from seed {net.seed} with the "
                  f"{net.init!r} initialiser,",
                  "# which gives exactly the weights nnviz showed."]
    else:
        lines += [f"# Too many weights to paste: they are drawn again from seed {net.seed} with the "
                  f"{net.init!r} initialiser.",
                  "# NOTE: the weights in nnviz were edited or trained since, so these differ from them.",
                  "# Save the network in nnviz (File > Save) and use nnviz.core.load_network for the exact ones."]
    if any(np.any(b) for b in net.biases):
        lines += ["net.biases = " + _arrays_literal(net.biases)]
    if inputs is not None:
        x = np.asarray(inputs, dtype=float).ravel()
        lines += ["", "x = np.array(" + _wrap(_list_literal(x.tolist()), "x = np.array(") + ")",
                  "trace = net.forward(x)  # trace.pre[i]: z of weights[i]; trace.post: activations, post[0] = x",
                  "print(trace.output)"]
    return "\n".join(lines) + "\n"


def _matches_seed(net: Network) -> bool:
    fresh = Network(net.layer_sizes, activation=net.activation, init=net.init, init_scale=net.init_scale,
                    seed=net.seed)
    return all(np.array_equal(a, b) for a, b in zip(net.weights, fresh.weights))


def _list_literal(values) -> str:
    """``[0.1, -2.0, float('nan')]``: ``repr`` reads back bit for bit; NaN and ±inf (a diverged
    training) need ``float()``."""
    return "[" + ", ".join(repr(v) if math.isfinite(v) else f"float('{v}')" for v in values) + "]"


def _arrays_literal(arrays) -> str:
    """``[np.array([[…], …]), …]``, one matrix row per line (wrapped at about 100 characters)."""
    parts = []
    for a in arrays:
        if a.ndim == 1:
            parts.append("    np.array(" + _wrap(_list_literal(a.tolist()), "    np.array(") + "),")
        else:
            rows = [_wrap(_list_literal(row), "        ") for row in a.tolist()]
            parts.append("    np.array([\n" + "".join(f"        {r},\n" for r in rows) + "    ]),")
    return "[\n" + "\n".join(parts) + "\n]"


def _wrap(list_text: str, prefix: str) -> str:
    """Break a long ``[a, b, …]`` after commas so that lines stay near the width; continuation lines
    line up after the opening bracket."""
    if len(prefix) + len(list_text) <= _LINE_WIDTH:
        return list_text
    indent = " " * (len(prefix) + 1)
    lines, current = [], ""
    for item in list_text.split(", "):
        if current and len(indent) + len(current) + len(item) + 2 > _LINE_WIDTH:
            lines.append(current + ",")
            current = item
        else:
            current = f"{current}, {item}" if current else item
    lines.append(current)
    return ("\n" + indent).join(lines)
