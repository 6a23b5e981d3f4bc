"""Plain-English verdicts on the layer statistics: what stands out in a :class:`NetworkStats`, and the
number and unit-range formatting those sentences (and the explorer's labels) use.

:func:`diagnose` is the one place a verdict is made: the initialisation explorer, the status bar and
the training panel all show its :class:`Verdict`, so they can never disagree. Gradients are judged
per weight (RMS ∂E/∂w and ‖∂E/∂W‖ / ‖W‖), never by whole-matrix norms, which grow with the layer's size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .stats import NetworkStats

GRADIENT_SPREAD_LIMIT = 100.0
"""Vanishing (exploding) gradients: layer 1's RMS gradient per weight is more than this many times
smaller (larger) than the output layer's."""
TINY_STEP_RATIO = 1e-4
"""Learning barely moves: ‖∂E/∂W‖ / ‖W‖ is below this in every layer (a step at learning rate 1
changes the weights by less than 0.01 % of their size)."""
SIGNAL_SPREAD_LIMIT = 1e3
"""The signal fades (explodes): a hidden layer's std(z) is this many times smaller (larger) than the input's."""
INACTIVE_LIMIT = 0.25
"""Saturated or dead units are worth a sentence from this share on."""


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


@dataclass(frozen=True)
class Finding:
    """One thing that stands out: a ``kind`` for code, a short ``headline`` and a full ``sentence``."""

    kind: str
    headline: str
    sentence: str


@dataclass(frozen=True)
class Verdict:
    """What :func:`diagnose` found in a network's statistics.

    ``findings`` are the problems, most serious first (empty for a healthy network); ``explanation``
    says what was measured in sentences; ``rule`` states the rule of thumb the judgement used, so that
    a student learns it ("" when no rule applies).
    """

    findings: tuple
    explanation: str
    rule: str = ""

    @property
    def healthy(self) -> bool:
        return not self.findings

    @property
    def kinds(self) -> tuple:
        """The findings' kinds, e.g. ``("fades", "tiny-steps")``; ``()`` when healthy."""
        return tuple(finding.kind for finding in self.findings)

    @property
    def headline(self) -> str:
        """A few words for a status bar: the first two findings, or that all is well."""
        if not self.findings:
            return "Healthy start"
        return " · ".join(finding.headline for finding in self.findings[:2])

    @property
    def text(self) -> str:
        """The explanation and the rule as one paragraph."""
        return f"{self.explanation} {self.rule}".strip()

    def __str__(self) -> str:
        return self.text

    def __contains__(self, words: str) -> bool:
        """``"vanishing" in verdict``: whether the words occur in its :attr:`text`."""
        return words in self.text


def diagnose(stats: NetworkStats) -> Verdict:
    """Judge a network's statistics: overflow, a fading or exploding signal, vanishing or exploding
    gradients (per weight), tiny steps, saturated or dead units; or that all is well."""
    layers = stats.layers
    signal_overflow = next((layer.layer for layer in layers
                            if not (np.isfinite(layer.z_std) and np.isfinite(layer.a_std))), None)
    if signal_overflow is not None:
        finding = Finding("overflow", "Signal overflows",
                          f"The signal overflows from layer {signal_overflow} on: the weights are far too large.")
        return Verdict((finding,), finding.sentence)
    findings = _signal_findings(stats) + _gradient_findings(layers)
    comparison, rule = _per_weight_comparison(layers) if all(layer.finite for layer in layers) else ("", "")
    findings += _inactive_findings(layers)
    if findings:
        sentences = [finding.sentence for finding in findings]
        if comparison and not {"vanishing", "exploding"} & {finding.kind for finding in findings}:
            sentences.append(comparison)
        return Verdict(tuple(findings), " ".join(sentences), rule)
    if len(layers) == 1:
        return Verdict((), "No hidden layer: nothing can vanish or explode on the way.")
    return Verdict((), f"Signal and gradients keep their size through all layers: a healthy start. {comparison}",
                   rule)


def _signal_findings(stats: NetworkStats) -> list:
    # std(z), not std(a): a sigmoid's outputs spread only ~0.13 around 0.5 however healthy the signal.
    hidden = stats.layers[:-1]
    if not hidden:
        return []
    constant = next((layer for layer in hidden if layer.a_std == 0), None)
    if constant is not None:
        return [Finding("constant", "Same activations for every input",
                        f"Every input gives the same activations in layer {constant.layer} (std(a) = 0).")]
    flat = min(hidden, key=lambda layer: layer.z_std)
    wild = max(hidden, key=lambda layer: layer.z_std)
    if flat.z_std < stats.input_std / SIGNAL_SPREAD_LIMIT:
        return [Finding("fades", "Signal fades",
                        f"std(z) falls to {format_number(flat.z_std)} by layer {flat.layer}: the signal fades away.")]
    if wild.z_std > SIGNAL_SPREAD_LIMIT * max(stats.input_std, 1.0):
        return [Finding("explodes", "Signal explodes",
                        f"std(z) grows to {format_number(wild.z_std)} by layer {wild.layer}: the signal explodes.")]
    return []


def _gradient_findings(layers: list) -> list:
    if not all(layer.finite for layer in layers):
        return [Finding("gradient-overflow", "Gradient overflows", "The gradient overflows on its way back.")]
    hidden = layers[:-1]
    if not hidden:
        return []
    frozen = [layer.layer for layer in hidden if layer.grad_norm == 0]
    if frozen:
        where = f"layers {describe_units(frozen)}" if len(frozen) > 1 else f"layer {frozen[0]}"
        return [Finding("frozen", f"No gradient in {where}",
                        f"No gradient reaches {where}: those weights cannot change.")]
    steps = [layer.grad_to_weight for layer in layers if np.isfinite(layer.grad_to_weight)]
    if steps and max(steps) < TINY_STEP_RATIO:
        return [Finding("tiny-steps", "Tiny gradients",
                        f"‖∂E/∂W‖ / ‖W‖ ≤ {format_number(max(steps))} in every layer: even at learning rate 1 a "
                        "step changes the weights by less than 0.01 % of their size, so learning barely moves.")]
    first, last = layers[0].grad_rms, layers[-1].grad_rms
    if last == 0:
        return []
    spread = last / first
    numbers = f"(RMS ∂E/∂w {format_number(first)} vs {format_number(last)})"
    if spread > GRADIENT_SPREAD_LIMIT:
        return [Finding("vanishing", "Vanishing gradients",
                        f"Per weight, the gradient is {format_number(spread)} times smaller in layer 1 than in the "
                        f"output layer {numbers}: vanishing gradients, the first layer learns that much slower.")]
    if spread < 1 / GRADIENT_SPREAD_LIMIT:
        return [Finding("exploding", "Exploding gradients",
                        f"Per weight, the gradient is {format_number(1 / spread)} times larger in layer 1 than in "
                        f"the output layer {numbers}: exploding gradients.")]
    return []


def _per_weight_comparison(layers: list) -> tuple[str, str]:
    """A sentence comparing layer 1's gradient per weight with the output layer's, and the rule behind
    every gradient verdict; ``("", "")`` when there is nothing to compare."""
    if len(layers) < 2 or layers[0].grad_norm == 0 or layers[-1].grad_norm == 0:
        return "", ""
    first, last = layers[0], layers[-1]
    spread = last.grad_rms / first.grad_rms
    how = (f"{format_number(spread)} times smaller" if spread >= 1 else f"{format_number(1 / spread)} times larger")
    comparison = (f"Per weight, layer 1's gradient is {how} than the output layer's (RMS ∂E/∂w "
                  f"{format_number(first.grad_rms)} vs {format_number(last.grad_rms)}).")
    rule = (f"Rule: compare gradients per weight, RMS ∂E/∂w = ‖∂E/∂W‖ / √(n_in·n_out), as a matrix's norm grows "
            f"with its size ({first.weights.size:,} weights in layer 1, {last.weights.size:,} in the output "
            f"layer); more than {GRADIENT_SPREAD_LIMIT:.0f}× apart: vanishing or exploding gradients.")
    return comparison, rule


def _inactive_findings(layers: list) -> list:
    worst = max(layers, key=lambda layer: layer.inactive_fraction)
    if worst.inactive_fraction < INACTIVE_LIMIT:
        return []
    share = f"{100 * worst.inactive_fraction:.0f}%"
    if worst.saturates:
        return [Finding("saturated", "Saturated units",
                        f"In layer {worst.layer}, {share} of the unit values are saturated (f′ ≈ 0).")]
    return [Finding("dead", "Dead units", f"In layer {worst.layer}, {share} of the units are dead (f′ ≈ 0 "
                                          "for every input of the batch).")]


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
