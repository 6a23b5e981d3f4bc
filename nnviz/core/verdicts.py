"""Plain-English verdicts on the layer statistics: what stands out in a :class:`NetworkStats`, and the
number and unit-range formatting those sentences (and the explorer's labels) use."""

from __future__ import annotations

import numpy as np

from .stats import NetworkStats


def format_number(value: float) -> str:
    """3 significant digits (whole numbers from 1,000); powers of ten as ``4.7×10⁻¹⁰`` outside 0.001 … 10,000."""
    if not np.isfinite(value):
        return "overflow"
    if value == 0 or 1e-3 <= abs(value) < 1e3:
        return f"{value:.3g}"
    if 1e3 <= abs(value) < 1e4:
        return f"{value:,.0f}"
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPTS)}"


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def diagnose(stats: NetworkStats) -> str:
    """A sentence or three on what stands out: overflow, vanishing or exploding signal and gradients,
    saturated or dead units, weights that cannot learn; or that all is well."""
    layers = stats.layers
    signal_overflow = next((layer.layer for layer in layers
                            if not (np.isfinite(layer.z_std) and np.isfinite(layer.a_std))), None)
    if signal_overflow is not None:
        return f"The signal overflows from layer {signal_overflow} on: the weights are far too large."
    notes = _signal_notes(stats) + _gradient_notes(layers)
    worst = max(layers, key=lambda layer: layer.inactive_fraction)
    if worst.inactive_fraction >= 0.25:
        kind = "of the unit values are saturated" if worst.saturates else "of the units are dead"
        notes.append(f"In layer {worst.layer}, {100 * worst.inactive_fraction:.0f}% {kind} (f′ ≈ 0).")
    if notes:
        return " ".join(notes)
    if len(layers) > 1:
        return "Signal and gradients keep their size through all layers: a healthy start."
    return "No hidden layer: nothing can vanish or explode on the way."


def _signal_notes(stats: NetworkStats) -> list:
    hidden = stats.layers[:-1]
    if not hidden:
        return []
    flat = min(hidden, key=lambda layer: layer.a_std)
    wild = max(hidden, key=lambda layer: layer.a_std)
    if flat.a_std == 0:
        return [f"Every input gives the same activations in layer {flat.layer} (std(a) = 0)."]
    if flat.a_std < 1e-3 * stats.input_std:
        return [f"std(a) falls to {format_number(flat.a_std)} by layer {flat.layer}: the signal fades away."]
    if wild.a_std > 1e3 * max(stats.input_std, 1.0):
        return [f"std(a) grows to {format_number(wild.a_std)} by layer {wild.layer}: the signal explodes."]
    return []


def _gradient_notes(layers: list) -> list:
    if not all(layer.finite for layer in layers):
        return ["The gradient overflows on its way back."]
    hidden = layers[:-1]
    if not hidden:
        return []
    frozen = [layer.layer for layer in hidden if layer.grad_norm == 0]
    top = max(layer.grad_norm for layer in layers)
    if frozen:
        where = f"layers {describe_units(frozen)}" if len(frozen) > 1 else f"layer {frozen[0]}"
        return [f"No gradient reaches {where}: those weights cannot change."]
    if 0 < top < 1e-6:
        return [f"‖∂E/∂W‖ ≤ {format_number(top)} in every layer: learning barely moves."]
    if layers[-1].grad_norm > 0:
        ratio = layers[0].grad_norm / layers[-1].grad_norm
        if ratio < 1e-2:
            return [f"‖∂E/∂W‖ is {format_number(1 / ratio)} times smaller in layer 1 than in the output layer: "
                    "vanishing gradients."]
        if ratio > 1e2:
            return [f"‖∂E/∂W‖ is {format_number(ratio)} times larger in layer 1 than in the output layer: "
                    "exploding gradients."]
    return []


def describe_units(units) -> str:
    """``[0, 1, 2, 3, 7]`` → ``"0–3, 7"``: runs of consecutive units shortened to a range."""
    units = sorted(units)
    parts, start = [], None
    for k, unit in enumerate(units):
        if start is None:
            start = unit
        if k + 1 == len(units) or units[k + 1] != unit + 1:
            if unit - start >= 2:
                parts.append(f"{start}–{unit}")
            else:
                parts.extend(str(u) for u in range(start, unit + 1))
            start = None
    return ", ".join(parts)


def flat_units_sentence(counts) -> str:
    """The activation plot's verdict on the neurons sitting on a flat part of f *for the current input*.

    ``counts``: ``[(role, n_flat, n_units, saturates), …]`` per role ("hidden", "output"); ``saturates``
    as the activation's. Saturated σ or tanh units learn slowly now; a ReLU-like unit with f′ = 0 is
    switched off for this input, which is normal (about half of them are): it is a problem only when
    off for every input ("dead"), and that is judged once, over a whole batch, by :func:`diagnose`.
    """
    slow = [f"{flat} of {n} {role}" for role, flat, n, saturates in counts if saturates]
    off = [f"{flat} of {n} {role}" for role, flat, n, saturates in counts if not saturates]
    sentences = []
    if slow:
        sentences.append(f"Saturated for this input (shaded, learn slowly): {', '.join(slow)} neurons.")
    if off:
        sentences.append(f"Switched off for this input (shaded, f′ ≈ 0): {', '.join(off)} neurons; normal, "
                         "the Initialisation panel says if any are dead for every input.")
    return " ".join(sentences)
