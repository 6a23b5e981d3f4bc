"""Which |w| gets the full edge colour: per layer, over the whole network, or a fixed range.

The mode lives in :class:`~nnviz.gui.appearance.Appearance` as ``per_layer_colors`` and
``weight_range`` (a number: fixed). While training plays the automatic limits only grow, in steps
of :data:`STEPS`, so that a colour keeps its meaning while a class watches; :class:`GrowingLimits`
holds them.
"""

from __future__ import annotations

import math

from nnviz.core import Network
from nnviz.gui.appearance import WEIGHT_SCALES as MODES
from nnviz.gui.network_view.edge_picture import color_limits

MODE_NAMES = {"layer": "per layer", "network": "", "fixed": "fixed"}
"""What the colour bar adds after its range; the default, ±max|w| of the network, needs no word."""
STEPS = (1.0, 1.5, 2.0, 3.0, 5.0, 7.0)
"""A growing limit jumps to the next of these × 10^k: a 1-2-5 ladder with half steps, so no jump
more than halves the colours."""


def scale_mode(appearance) -> str:
    """The mode ``appearance`` draws with: one of :data:`MODES`."""
    if appearance.weight_range is not None:
        return "fixed"
    return "layer" if appearance.per_layer_colors else "network"


def mode_options(mode: str, weight_range: float | None = None) -> dict:
    """The :meth:`Appearance.set` options of ``mode``; ``fixed`` needs a positive ``weight_range``."""
    if mode not in MODES:
        raise ValueError(f"the colour scale must be one of {MODES}, got {mode!r}")
    if mode == "fixed":
        if weight_range is None:
            raise ValueError("a fixed colour scale needs a weight range")
        return {"weight_range": weight_range, "per_layer_colors": False}
    return {"weight_range": None, "per_layer_colors": mode == "layer"}


def step_up(value: float) -> float:
    """The smallest of :data:`STEPS` × 10^k that is ≥ ``value`` (> 0)."""
    exponent = math.floor(math.log10(value))
    for base in (exponent, exponent + 1):
        for step in STEPS:
            candidate = step * 10.0 ** base
            if candidate >= value * (1 - 1e-12):
                return candidate
    return 10.0 ** (exponent + 1)  # not reached: 1 × 10^(k+1) is always ≥ value


class GrowingLimits:
    """The colour limits while training plays: they start at the limits shown when play starts and
    only grow, to the next step, when a layer's |w| outgrows them. Off, the limits follow the
    weights exactly."""

    def __init__(self):
        self._held: list[float] | None = None

    @property
    def on(self) -> bool:
        return self._held is not None

    def start(self) -> None:
        """Hold from the next :meth:`limits` on (the limits of that moment)."""
        if self._held is None:
            self._held = []

    def stop(self) -> None:
        self._held = None

    def limits(self, network: Network, appearance) -> list[float]:
        """The colour limit of each weight layer of ``network`` as ``appearance`` asks, held if on."""
        current = color_limits(network, appearance.weight_range, appearance.per_layer_colors)
        if self._held is None or appearance.weight_range is not None:
            return current
        if len(self._held) != len(current):  # just started, or the layers changed
            self._held = list(current)
        self._held = [held if limit <= held else step_up(limit) for held, limit in zip(self._held, current)]
        return list(self._held)


class GrowingColours:
    """The network view's colour range (a mixin of :class:`~nnviz.gui.network_view.view.NetworkView`,
    which provides ``_growing``, a :class:`GrowingLimits`, ``state``, ``appearance`` and ``_refresh``)."""

    def set_growing_colours(self, on: bool) -> None:
        """While ``on`` (training plays) the weight colour range only grows, in steps, so that a colour
        keeps its meaning; off, it follows the weights again."""
        if on == self._growing.on:
            return
        self._growing.start() if on else self._growing.stop()
        self._refresh.mark("edges", "legend")

    def colour_limits(self) -> list[float]:
        """The |w| that gets the full colour, per weight layer, as drawn now."""
        return self._growing.limits(self.state.network, self.appearance)


def legend_labels(mode: str, limits: list[float], growing: bool) -> tuple[str, str, str]:
    """``(low, high, note)`` of the weight colour bar: ``−2.13``, ``+2.13``, ``whole network``."""
    note = ", ".join(word for word in (MODE_NAMES[mode], "growing" if growing and mode != "fixed" else "") if word)
    if mode == "layer":
        return "\u2212max", "+max", note
    limit = limits[0] if limits else 1.0
    return f"\u2212{limit:.3g}", f"+{limit:.3g}", note
