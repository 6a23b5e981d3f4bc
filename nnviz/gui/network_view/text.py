"""Words for the network view: column titles and the hover texts that explain a node or an edge.

Indices are shown both ways: "node 3" counts from 1 for people, ``weights[0][2, 1]`` is the numpy
index for code.
"""

from __future__ import annotations

from html import escape

from nnviz.core import Network, Trace
from nnviz.gui.layer_names import layer_title, short_title

MAX_TERMS = 4
"""Fan-in up to which the weighted sum is written out term by term."""


def number(value: float) -> str:
    """A value as the tooltips print it: 3 decimals, a true minus sign."""
    text = f"{value:.3f}" if abs(value) < 1e4 else f"{value:.4g}"
    return text.replace("-", "\u2212")


def column_titles(network: Network) -> list[tuple[str, str, str]]:
    """(title, subtitle, short title) per column: "Hidden 1", "4 nodes · Sigmoid", "H1"."""
    sizes = network.layer_sizes
    titles = []
    for layer, n in enumerate(sizes):
        count = f"{n} node" + ("" if n == 1 else "s")
        subtitle = count if layer == 0 else f"{count} · {network.activation_of(layer).display_name}"
        titles.append((layer_title(layer, len(sizes)), subtitle, short_title(layer, len(sizes))))
    return titles


def node_name(layer: int, index: int, n_layers: int) -> str:
    return f"{layer_title(layer, n_layers)} · node {index + 1}"


def _product(w: float, a: float) -> str:
    w_text = number(w)
    return f"({w_text})·{number(a)}" if w < 0 else f"{w_text}·{number(a)}"


def describe_node(network: Network, trace: Trace, layer: int, index: int) -> str:
    """Rich text for a node: its value, and for computed nodes z and a with the numbers filled in."""
    n_layers = len(network.layer_sizes)
    lines = [f"<b>{node_name(layer, index, n_layers)}</b>"]
    if layer == 0:
        lines.append(f"input x = {number(trace.post[0][index])}")
        return "<br>".join(lines)
    activation = network.activation_of(layer)
    into = layer - 1  # the weight layer that computes this node layer: Trace and weights index by it
    z, a = float(trace.pre[into][index]), float(trace.post[layer][index])
    w, x = network.weights[into][index], trace.post[into]
    sum_text = "Σ w<sub>i</sub>·x<sub>i</sub>" + (" + b" if network.bias else "")
    if len(w) <= MAX_TERMS:
        terms = [_product(wi, xi) for wi, xi in zip(w, x)]
        if network.bias:
            terms.append(number(network.biases[into][index]))
        filled = " + ".join(terms)
    else:
        filled = f"({len(w)} weighted inputs" + (" + bias)" if network.bias else ")")
    symbol = escape(activation.symbol)
    lines += [
        f"z = {sum_text} = {filled} = <b>{number(z)}</b>",
        f"a = {symbol}(z) = {symbol}({number(z)}) = <b>{number(a)}</b>",
        f"<span style='color:gray'>{escape(activation.display_name)}: {escape(activation.formula)}</span>",
    ]
    return "<br>".join(lines)


def describe_edge(network: Network, trace: Trace, layer: int, to: int, frm: int) -> str:
    """Rich text for the edge ``weights[layer][to, frm]`` (``frm`` = −1: the bias into node ``to``)."""
    n_layers = len(network.layer_sizes)
    target = node_name(layer + 1, to, n_layers)
    if frm < 0:
        b = float(network.biases[layer][to])
        return "<br>".join([
            f"<b>bias b = {number(b)}</b>",
            f"bias unit (constant 1) → {target}",
            f"<code>biases[{layer}][{to}]</code>",
            "<span style='color:gray'>Click to edit · Alt+wheel or ↑/↓ to nudge</span>",
        ])
    w, a = float(network.weights[layer][to, frm]), float(trace.post[layer][frm])
    return "<br>".join([
        f"<b>w = {number(w)}</b>",
        f"{node_name(layer, frm, n_layers)} → {target}",
        f"<code>weights[{layer}][{to}, {frm}]</code>",
        f"adds w·x = {_product(w, a)} = {number(w * a)} to z = {number(trace.pre[layer][to])}",
        "<span style='color:gray'>Click to edit · Alt+wheel or ↑/↓ to nudge</span>",
    ])


def describe_bias_unit(network: Network, layer: int) -> str:
    n_layers = len(network.layer_sizes)
    return (f"<b>Bias unit of {layer_title(layer, n_layers)}</b><br>"
            f"a constant 1; its edges carry the biases b of {layer_title(layer + 1, n_layers)}")


def describe(network: Network, trace: Trace, hit: tuple | None) -> str:
    """Rich text for what the pointer is on: ``hit`` is a selection as the view keeps it
    (``("node", layer, index)``, ``("edge", layer, to, frm)``, ``("bias", layer)``), or ``None``: ""."""
    if hit is None:
        return ""
    if hit[0] == "node":
        text = describe_node(network, trace, hit[1], hit[2])
    elif hit[0] == "bias":
        text = describe_bias_unit(network, hit[1])
    else:
        text = describe_edge(network, trace, *hit[1:])
    # A tool tip wraps long rich text wherever it likes ("z =↵2.552"): each line stays whole.
    return f"<p style='white-space:nowrap'>{text}</p>"
