"""The classic tutorial's ``NeuralNetwork`` class, as a thin face over :class:`Network`.

Tutorial code written against ``weights_in_hidden`` / ``weights_hidden_out`` runs unchanged; the
matrices are the network's own arrays, so there is one source of truth.
"""

from __future__ import annotations

import numpy as np

from .network import Network, new_seed


def truncated_normal(mean=0, sd=1, low=0, upp=10):
    """The tutorial's helper: a frozen ``scipy.stats.truncnorm`` with bounds given in data units."""
    from scipy.stats import truncnorm  # 0.7 s to import: only when a tutorial script asks for it.

    return truncnorm((low - mean) / sd, (upp - mean) / sd, loc=mean, scale=sd)


class NeuralNetwork:
    """A 3-layer sigmoid network: ``run(x) = σ(W2 · σ(W1 · x))``, trained by backpropagation.

    The tutorial's ``train`` computes the hidden error from the already-updated output weights and
    without the output derivative; this one takes the true gradient of E = ½ Σ (t − y)² (both layers
    from the same forward pass), which is what the tutorial's text derives.
    """

    def __init__(self, no_of_in_nodes, no_of_out_nodes, no_of_hidden_nodes, learning_rate, seed=None):
        self.no_of_in_nodes = no_of_in_nodes
        self.no_of_out_nodes = no_of_out_nodes
        self.no_of_hidden_nodes = no_of_hidden_nodes
        self.network = Network(
            [no_of_in_nodes, no_of_hidden_nodes, no_of_out_nodes], activation="sigmoid",
            init="truncated_normal", seed=seed, learning_rate=learning_rate,
        )

    @property
    def learning_rate(self) -> float:
        return self.network.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self.network.learning_rate = value

    @property
    def weights_in_hidden(self) -> np.ndarray:
        return self.network.weights[0]

    @weights_in_hidden.setter
    def weights_in_hidden(self, value):
        self.network.weights[0] = _matrix(value, self.network.weights[0].shape, "weights_in_hidden")

    @property
    def weights_hidden_out(self) -> np.ndarray:
        return self.network.weights[1]

    @weights_hidden_out.setter
    def weights_hidden_out(self, value):
        self.network.weights[1] = _matrix(value, self.network.weights[1].shape, "weights_hidden_out")

    def create_weight_matrices(self):
        """Draw both matrices anew from N(0, 1) truncated to ±1/√n_in (the tutorial's scheme)."""
        self.network.reinitialize(init="truncated_normal", seed=new_seed())

    def run(self, input_vector) -> np.ndarray:
        """Output column(s) ``(no_of_out_nodes, k)`` for the input vector(s)."""
        return self.network.run(input_vector)

    def train(self, input_vector, target_vector) -> float:
        """One backpropagation step; returns E = ½ Σ (t − y)² before the step."""
        return self.network.train(input_vector, target_vector)


def _matrix(value, shape, name) -> np.ndarray:
    m = np.array(value, dtype=float)
    if m.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {m.shape}")
    return m
