"""nnviz's model: numpy + scipy only, no Qt. Usable from a notebook, the GUI and scripts alike."""

from .activations import ACTIVATIONS, Activation, get_activation
from .fileio import NetworkFileError, export_weights, load_network, save_network
from .initializers import INITIALIZERS, Initializer, get_initializer, truncated_normal_sample
from .limits import MAX_HIDDEN_LAYERS, MAX_LAYER_SIZE, MAX_WEIGHTS, check_layer_sizes
from .network import Network, Trace, new_seed
from .tutorial import NeuralNetwork, truncated_normal

__all__ = [
    "ACTIVATIONS", "Activation", "get_activation",
    "INITIALIZERS", "Initializer", "get_initializer", "truncated_normal_sample",
    "MAX_HIDDEN_LAYERS", "MAX_LAYER_SIZE", "MAX_WEIGHTS", "check_layer_sizes",
    "Network", "Trace", "new_seed",
    "NeuralNetwork", "truncated_normal",
    "NetworkFileError", "export_weights", "load_network", "save_network",
]
