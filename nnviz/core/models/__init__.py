"""Trained networks from other tools: import ONNX, PyTorch, safetensors, Keras, scikit-learn and npz files,
export ONNX, safetensors and npz. Files are untrusted: no code from them runs, sizes are checked first."""

from .export import EXPORT_SUFFIXES, export_model
from .importer import MODEL_SUFFIXES, import_model, needs_activations, read_model
from .model import ImportedModel, ModelImportError

__all__ = ["EXPORT_SUFFIXES", "MODEL_SUFFIXES", "ImportedModel", "ModelImportError", "export_model",
           "import_model", "needs_activations", "read_model"]
