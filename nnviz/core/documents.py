"""One reader for every file nnviz opens: a network file or a lecture, told apart by the content.

The command line and the window both call :func:`read_any`; a new kind of file (an imported model)
is added here, once, and both open it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .fileio import NetworkFileError, naming_file
from .network import Network
from .scenes import Scene, is_lecture, read_document, scenes_from_dict, state_from_dict

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a zip archive, such as a PyTorch .pt, Keras .keras or NumPy .npz file"),
    (b"PK\x05\x06", "an empty zip archive"),
    (b"\x89HDF\r\n\x1a\n", "an HDF5 file, such as a Keras .h5 model"),
    (b"\x93NUMPY", "a NumPy .npy array"),
)
_ONNX_SECOND_FIELDS = b"\x12\x1a\x22\x28\x32\x3a\x42"
"""Protobuf tags that follow ``ir_version`` at the start of an ONNX model (producer, domain, graph, opsets …)."""


@dataclass
class Opened:
    """What a saved file holds.

    Attributes:
        path: the file read.
        kind: ``"network"`` (one network and its inputs) or ``"lecture"`` (titled scenes).
        network: the network to show first: the file's own, or the first scene's.
        inputs: ``(n_in,)`` input vector to show with it, or ``None`` to keep the current one.
        scenes: a lecture's scenes; empty for a network file.
    """

    path: Path
    kind: str
    network: Network
    inputs: np.ndarray | None = None
    scenes: list[Scene] = field(default_factory=list)


def read_any(path) -> Opened:
    """Read a network file or a lecture; raises NetworkFileError naming the file and the problem."""
    path = Path(path)
    looks_like = _binary_format(path)
    if looks_like:
        raise NetworkFileError(f"{path.name}: not an nnviz file (it looks like {looks_like})")
    doc = read_document(path)
    with naming_file(path):
        if is_lecture(doc):
            scenes = scenes_from_dict(doc)
            return Opened(path, "lecture", scenes[0].network, scenes[0].inputs, scenes)
        return Opened(path, "network", *state_from_dict(doc))


def _binary_format(path: Path) -> str | None:
    """What a file that is not JSON text looks like, from its first bytes; None for anything else."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError:
        return None  # the JSON reader reports it, with the reason
    for magic, name in _SIGNATURES:
        if head.startswith(magic):
            return name
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return "a Python pickle, such as an old PyTorch .pt file"
    if len(head) >= 3 and head[0] == 0x08 and head[1] < 0x80 and head[2] in _ONNX_SECOND_FIELDS:
        return "an ONNX model"
    return None
