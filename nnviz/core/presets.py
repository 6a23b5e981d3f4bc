"""Initialisation presets for lectures: each one a setting that shows one lesson at a glance."""

from __future__ import annotations

from dataclasses import dataclass

from .network import Network


@dataclass(frozen=True)
class InitPreset:
    """An initialiser, scale, activation and depth, with a one-line explanation of what it shows.

    The input and output sizes are not part of a preset: they stay those of the current network.
    """

    name: str
    explanation: str
    init: str
    init_scale: float
    activation: str
    output_activation: str
    hidden_layers: int
    hidden_width: int

    def layer_sizes(self, n_in: int, n_out: int) -> tuple[int, ...]:
        """The preset's layer sizes for a network with ``n_in`` inputs and ``n_out`` outputs."""
        return (int(n_in), *[self.hidden_width] * self.hidden_layers, int(n_out))

    def matches(self, network: Network) -> bool:
        """Whether ``network`` has this preset's settings and depth (whatever its weights are now)."""
        return (network.init == self.init and network.init_scale == self.init_scale
                and network.activation == self.activation and network.output_activation == self.output_activation
                and network.layer_sizes[1:-1] == (self.hidden_width,) * self.hidden_layers)

    def network(self, n_in: int, n_out: int, seed=None) -> Network:
        """A fresh network with this preset's settings."""
        return Network(self.layer_sizes(n_in, n_out), activation=self.activation,
                       output_activation=self.output_activation, init=self.init, init_scale=self.init_scale,
                       seed=seed)


PRESETS: dict[str, InitPreset] = {
    p.name: p
    for p in (
        InitPreset("Zero init (symmetry)",
                   "All weights 0: every unit of a layer computes the same value and gets the same gradient, "
                   "so the units can never become different.",
                   "zeros", 1.0, "sigmoid", "sigmoid", 2, 8),
        InitPreset("Too small",
                   "Weights N(0, 0.01²): each 32-wide layer shrinks the signal about 18×, so the activations "
                   "fade towards 0 and every gradient is tiny.",
                   "normal", 0.01, "tanh", "sigmoid", 4, 32),
        InitPreset("Too large",
                   "Weights N(0, 1) with 32 inputs per unit: z spreads to about ±10, tanh sits on its flat "
                   "tails and f′(z) ≈ 0 stalls learning.",
                   "normal", 1.0, "tanh", "sigmoid", 4, 32),
        InitPreset("Tutorial: truncated normal",
                   "The classic tutorial: N(0, 1) cut at ±1/√n_in with sigmoid, fine for one hidden layer.",
                   "truncated_normal", 1.0, "sigmoid", "sigmoid", 1, 4),
        InitPreset("Xavier + tanh",
                   "Glorot: Var(w) = 2/(n_in + n_out) keeps z in tanh's steep middle: the signal shrinks only "
                   "slowly and the gradient keeps its size.",
                   "xavier_uniform", 1.0, "tanh", "sigmoid", 4, 32),
        InitPreset("He + ReLU",
                   "He: Var(w) = 2/n_in makes up for ReLU zeroing half of z, so the signal keeps its size "
                   "through many layers.",
                   "he_normal", 1.0, "relu", "sigmoid", 5, 64),
        InitPreset("Deep sigmoid (vanishing)",
                   "Ten sigmoid layers: f′ ≤ 0.25, so the gradient shrinks several times per layer and the "
                   "first layers barely learn.",
                   "truncated_normal", 1.0, "sigmoid", "sigmoid", 10, 32),
    )
}
"""The lecture presets by name, in the order a lecture would show them."""


def matching_preset(network: Network) -> InitPreset | None:
    """The preset whose settings ``network`` has, or None."""
    return next((p for p in PRESETS.values() if p.matches(network)), None)
