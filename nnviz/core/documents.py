"""One reader for every file nnviz opens: a network file, a lecture or a trained model from another tool
(ONNX, PyTorch, safetensors, Keras, scikit-learn, npz), told apart by the content.

The command line and the window both call :func:`read_any`; a new kind of file is added here, once, and
both open it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .fileio import NetworkFileError, naming_file, open_regular_file
from .network import Network
from .scenes import Scene, is_lecture, read_document, scenes_from_dict, state_from_dict

if TYPE_CHECKING:  # the model readers load only when a model file is opened
    from .models.model import ImportedModel

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x93NUMPY", "a NumPy .npy array"),
)
_MODEL_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"\x89HDF\r\n\x1a\n")
"""Zip (PyTorch .pt, Keras .keras, NumPy .npz) and HDF5 (Keras .h5): read by the model importer."""
_ONNX_SECOND_FIELDS = b"\x12\x1a\x22\x28\x32\x3a\x42"
"""Protobuf tags that follow ``ir_version`` at the start of an ONNX model (producer, domain, graph, opsets …)."""


@dataclass
class Opened:
    """What a saved file holds.

    Attributes:
        path: the file read.
        kind: ``"network"`` (one network and its inputs), ``"lecture"`` (titled scenes) or ``"model"``
            (a trained network from another tool).
        network: the network to show first: the file's own, the first scene's, or the model's with the
            activations asked for (ReLU hidden, linear output when the file stores none and none were given).
        inputs: ``(n_in,)`` input vector to show with it, or ``None`` to keep the current one.
        scenes: a lecture's scenes; empty for a network file.
        model: the layers read from a model file, to build the network again with other activations
            (:meth:`ImportedModel.to_network`); None for nnviz's own files.
    """

    path: Path
    kind: str
    network: Network
    inputs: np.ndarray | None = None
    scenes: list[Scene] = field(default_factory=list)
    model: ImportedModel | None = None

    @property
    def source(self) -> str:
        """Where a model came from ("ONNX, 3 Gemm layers"); "" for nnviz's own files."""
        return self.model.source if self.model is not None else ""

    @property
    def needs_activations(self) -> bool:
        """True for a model file that stores no activations: the user should choose them."""
        return self.model is not None and not self.model.stores_activations


def read_any(path, *, activation=None, output_activation=None) -> Opened:
    """Read a network file, a lecture or a model file; raises NetworkFileError naming the file and the problem.

    ``activation`` and ``output_activation`` apply to a model file only (see :func:`read_model_file`).
    """
    path = Path(path)
    looks_like = _binary_format(path)
    if looks_like == "a model":
        return read_model_file(path, activation=activation, output_activation=output_activation)
    if looks_like:
        raise NetworkFileError(f"{path.name}: not an nnviz file (it looks like {looks_like})")
    doc = read_document(path)
    with naming_file(path):
        if is_lecture(doc):
            scenes = scenes_from_dict(doc)
            return Opened(path, "lecture", scenes[0].network, scenes[0].inputs, scenes)
        return Opened(path, "network", *state_from_dict(doc))


def read_model_file(path, *, activation=None, output_activation=None) -> Opened:
    """Read a trained model: its layers once, then the network with the file's activations, overridden by
    ``activation`` (hidden) and ``output_activation`` when given. Raises NetworkFileError."""
    from .models import ModelImportError, read_model

    path = Path(path)
    try:
        model = read_model(path)
        network = model.to_network(activation, output_activation)
    except ModelImportError as e:
        raise NetworkFileError(str(e)) from None
    except ValueError as e:  # activations that do not fit the layers
        raise NetworkFileError(f"{path.name}: {e}") from None
    return Opened(path, "model", network, model=model)


def _binary_format(path: Path) -> str | None:
    """What a file that is not JSON text looks like, from its first bytes and suffix: ``"a model"`` for a
    file the model importer reads, a description for other binary files, None for anything else."""
    from .models import MODEL_SUFFIXES
    from .models.safetensors_file import looks_like_safetensors

    try:
        with open_regular_file(path) as f:
            head = f.read(16)
    except OSError:
        return None  # the JSON reader reports it, with the reason
    for magic, name in _SIGNATURES:
        if head.startswith(magic):
            return name
    is_pickle = len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5
    is_onnx = len(head) >= 3 and head[0] == 0x08 and head[1] < 0x80 and head[2] in _ONNX_SECOND_FIELDS
    if (is_pickle or is_onnx or head.startswith(_MODEL_SIGNATURES) or looks_like_safetensors(head)
            or path.suffix.lower() in MODEL_SUFFIXES):
        return "a model"
    return None
