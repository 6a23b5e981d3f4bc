"""nnviz's model: numpy + scipy only, no Qt. Usable from a notebook, the GUI and scripts alike."""

from .activations import ACTIVATIONS, Activation, get_activation
from .baseline import chance_loss
from .datasets import (
    BUNDLED_DATASETS,
    DATASETS,
    Dataset,
    DatasetError,
    load_csv,
    load_dataset,
    make_dataset,
    train_test_split,
)
from .fileio import NetworkFileError, export_weights, load_network, save_network
from .grids import neuron_grids, predict_grid
from .initializers import INITIALIZERS, Initializer, get_initializer, truncated_normal_sample
from .jacobian import jacobian, jacobian_singular_values
from .limits import MAX_HIDDEN_LAYERS, MAX_LAYER_SIZE, MAX_WEIGHTS, check_layer_sizes
from .losses import LOSSES
from .metrics import accuracy, confusion_matrix, per_class_accuracy
from .models import ImportedModel, ModelImportError, export_model, import_model, needs_activations, read_model
from .network import Network, Trace, new_seed
from .presets import PRESETS
from .propagation import (
    chi1,
    order_to_chaos_boundary,
    propagation_map,
    propagation_theory,
    variance_fixed_point,
    weight_scales,
)
from .race import Race, RaceEntry, race, race_verdict
from .scenes import Scene, load_scenes, save_scenes
from .stats import histogram, layer_statistics, sample_inputs, shared_bins
from .symmetry import find_symmetric_units
from .training import History, Trainer, fit
from .tutorial import NeuralNetwork, truncated_normal

__all__ = [
    "ACTIVATIONS", "Activation", "get_activation",
    "INITIALIZERS", "Initializer", "get_initializer", "truncated_normal_sample",
    "MAX_HIDDEN_LAYERS", "MAX_LAYER_SIZE", "MAX_WEIGHTS", "check_layer_sizes",
    "LOSSES", "Network", "Trace", "new_seed",
    "accuracy", "confusion_matrix", "per_class_accuracy",
    "NeuralNetwork", "truncated_normal",
    "NetworkFileError", "export_weights", "load_network", "save_network",
    "ImportedModel", "ModelImportError", "export_model", "import_model", "needs_activations", "read_model",
    "BUNDLED_DATASETS", "DATASETS", "Dataset", "DatasetError", "load_csv", "load_dataset", "make_dataset",
    "train_test_split",
    "PRESETS", "Scene", "load_scenes", "save_scenes",
    "find_symmetric_units", "histogram", "layer_statistics", "sample_inputs", "shared_bins",
    "History", "Trainer", "fit", "neuron_grids", "predict_grid",
    "chance_loss", "jacobian", "jacobian_singular_values",
    "chi1", "order_to_chaos_boundary", "propagation_map", "propagation_theory", "variance_fixed_point",
    "weight_scales",
    "Race", "RaceEntry", "race", "race_verdict",
]
