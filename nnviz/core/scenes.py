"""Saved states: one network with its inputs (a network file), or a lecture of several titled scenes.

A network file is the document of :func:`~nnviz.core.fileio.network_to_dict` with an optional
``"inputs"`` list; the plain loader ignores that key, so both kinds of file open everywhere.

A lecture file is JSON of the form::

    {"format": "nnviz-scenes", "version": 1,
     "scenes": [{"title": "...", "notes": "...", "network": {<network document>},
                 "inputs": [x0, x1, ...], "appearance": {"theme": "dark", ...},
                 "panels": ["graph", "depth_view"]}, ...]}

``notes``, ``inputs``, ``appearance`` and ``panels`` are optional. ``panels`` names what the scene
shows in presentation mode (see :data:`PANELS`); without it, the graph alone. Reading is bounded and checked like the
network loader: anything wrong raises :class:`SceneFileError` (a ``NetworkFileError``) naming the
scene and the problem, before any large array is built.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from .fileio import (
    NetworkFileError,
    atomic_write,
    brief,
    is_finite_number,
    naming_file,
    network_from_dict,
    network_to_dict,
    parse_json,
    read_json_file,
)
from .limits import MAX_WEIGHTS, check_layer_sizes, weight_count
from .network import Network

FORMAT_NAME = "nnviz-scenes"
FORMAT_VERSION = 1
MAX_SCENES = 500
MAX_TITLE_LENGTH = 200
MAX_NOTES_LENGTH = 20_000
APPEARANCE_HINTS = ("theme", "palette", "scale", "weight_range", "per_layer_colors")
"""The view options a scene may suggest; the GUI checks their values when it applies them."""
PANELS = ("graph", "activation_plot", "depth_view", "histograms", "training", "decision_plane", "race",
          "propagation")
"""What a scene may show in presentation mode: the network graph, the activation plot, the explorer's
depth view and its per-layer histograms, the training panel, the decision plane, the initialisation
race and the signal-propagation map. Outside presentation mode their tabs come to the front."""
EXAMPLE_LECTURE = "resources/lecture-init.json"
"""The example lecture, a resource of the ``nnviz`` package."""


class SceneFileError(NetworkFileError):
    """A lecture file that cannot be loaded; the message names the scene and the problem."""


@dataclass
class Scene:
    """One saved state: a titled network with its input vector.

    Attributes:
        title: shown large when the scene is on screen.
        network: the network, weights exactly as saved.
        inputs: ``(n_in,)`` input vector, or ``None`` to keep whatever input the viewer has.
        notes: the lecturer's notes (plain text).
        appearance: view hints, a subset of :data:`APPEARANCE_HINTS` (``{"theme": "dark"}``, say).
        panels: what presentation mode shows, names from :data:`PANELS`; empty: the graph alone.
    """

    title: str
    network: Network
    inputs: np.ndarray | None = None
    notes: str = ""
    appearance: dict = field(default_factory=dict)
    panels: tuple[str, ...] = ()

    def __post_init__(self):
        self.panels = _check_panels(self.panels, "a scene", ValueError)
        if not isinstance(self.title, str) or not self.title.strip() or len(self.title) > MAX_TITLE_LENGTH:
            raise ValueError(f"a scene title must be text of 1 to {MAX_TITLE_LENGTH} characters")
        if self.inputs is not None:
            self.inputs = _check_inputs(self.inputs, self.network.layer_sizes[0], ValueError)


# -- one state: a network file with its inputs -----------------------------------------------------------
def state_to_dict(network: Network, inputs=None) -> dict:
    """The network document, plus ``"inputs"`` when given."""
    doc = network_to_dict(network)
    if inputs is not None:
        doc["inputs"] = _check_inputs(inputs, network.layer_sizes[0], ValueError).tolist()
    return doc


def state_from_dict(doc) -> tuple[Network, np.ndarray | None]:
    """``(network, inputs or None)`` from a network document; raises NetworkFileError."""
    network = network_from_dict(doc)
    inputs = doc.get("inputs")
    if inputs is not None:
        inputs = _check_inputs(inputs, network.layer_sizes[0], NetworkFileError)
    return network, inputs


def save_state(path, network: Network, inputs=None) -> None:
    """Write a network file with its inputs, atomically; raises ``OSError`` naming the file."""
    atomic_write(path, dumps_readable(state_to_dict(network, inputs)).encode("utf-8"))


def load_state(path) -> tuple[Network, np.ndarray | None]:
    """Read a network file; ``inputs`` is None when the file has none. Raises NetworkFileError."""
    doc = read_document(path)
    with naming_file(path):
        return state_from_dict(doc)


# -- lectures ----------------------------------------------------------------------------------------
def scenes_to_dict(scenes) -> dict:
    out = []
    for scene in scenes:
        entry = {"title": scene.title}
        if scene.notes:
            entry["notes"] = scene.notes
        entry["network"] = network_to_dict(scene.network)
        if scene.inputs is not None:
            entry["inputs"] = np.asarray(scene.inputs, dtype=float).tolist()
        if scene.appearance:
            entry["appearance"] = dict(scene.appearance)
        if scene.panels:
            entry["panels"] = list(scene.panels)
        out.append(entry)
    return {"format": FORMAT_NAME, "version": FORMAT_VERSION, "scenes": out}


def is_lecture(doc) -> bool:
    """Whether a document from :func:`read_document` is a lecture (else it should be a network)."""
    return isinstance(doc, dict) and doc.get("format") == FORMAT_NAME


def scenes_from_dict(doc) -> list[Scene]:
    """The scenes of a lecture document; raises SceneFileError naming the scene and the problem."""
    if not isinstance(doc, dict):
        raise SceneFileError(f"expected a JSON object at the top level, found {type(doc).__name__}")
    if doc.get("format") != FORMAT_NAME:
        raise SceneFileError(f"not an nnviz lecture: 'format' is {brief(doc.get('format'))}, not {FORMAT_NAME!r}")
    if type(doc.get("version")) is not int or doc["version"] != FORMAT_VERSION:
        raise SceneFileError(f"unsupported lecture version {brief(doc.get('version'))}; "
                             f"this nnviz reads version {FORMAT_VERSION}")
    entries = doc.get("scenes")
    if not isinstance(entries, list) or not entries:
        raise SceneFileError("'scenes' must be a non-empty list")
    if len(entries) > MAX_SCENES:
        raise SceneFileError(f"{len(entries)} scenes is more than the limit of {MAX_SCENES}")
    # Sizes first, so that a lecture of many huge networks is refused before any array is built.
    total = 0
    for i, entry in enumerate(entries):
        network = entry.get("network") if isinstance(entry, dict) else None
        sizes = network.get("layer_sizes") if isinstance(network, dict) else None
        if isinstance(sizes, list):
            try:
                total += weight_count(check_layer_sizes(sizes))
            except ValueError as e:
                raise SceneFileError(f"scene {i + 1}: 'layer_sizes': {e}") from None
    if total > MAX_WEIGHTS:
        raise SceneFileError(f"the scenes hold {total:,} weights together, more than the limit of {MAX_WEIGHTS:,}")
    return [_scene_from_dict(entry, i) for i, entry in enumerate(entries)]


def _scene_from_dict(entry, index: int) -> Scene:
    where = f"scene {index + 1}"
    if not isinstance(entry, dict):
        raise SceneFileError(f"{where} must be a JSON object, found {type(entry).__name__}")
    title = entry.get("title")
    if not isinstance(title, str) or not title.strip():
        raise SceneFileError(f"{where} needs a 'title' (a non-empty string)")
    if len(title) > MAX_TITLE_LENGTH:
        raise SceneFileError(f"{where}: the title is longer than {MAX_TITLE_LENGTH} characters")
    where = f"scene {index + 1} ({title!r})"
    notes = entry.get("notes", "")
    if not isinstance(notes, str) or len(notes) > MAX_NOTES_LENGTH:
        raise SceneFileError(f"{where}: 'notes' must be text of at most {MAX_NOTES_LENGTH:,} characters")
    if "network" not in entry:
        raise SceneFileError(f"{where} has no 'network'")
    try:
        network = network_from_dict(entry["network"])
    except NetworkFileError as e:
        raise SceneFileError(f"{where}: {e}") from None
    inputs = entry.get("inputs")
    if inputs is not None:
        try:
            inputs = _check_inputs(inputs, network.layer_sizes[0], SceneFileError)
        except SceneFileError as e:
            raise SceneFileError(f"{where}: {e}") from None
    panels = _check_panels(entry.get("panels", ()), where, SceneFileError)
    return Scene(title.strip(), network, inputs, notes, _check_hints(entry.get("appearance", {}), where), panels)


def _check_panels(panels, where: str, error) -> tuple[str, ...]:
    if not isinstance(panels, (list, tuple)) or not all(isinstance(p, str) for p in panels):
        raise error(f"{where}: 'panels' must be a list of panel names")
    unknown = [p for p in panels if p not in PANELS]
    if unknown:
        raise error(f"{where}: unknown panel(s) {', '.join(map(repr, unknown))}; valid: {', '.join(PANELS)}")
    return tuple(dict.fromkeys(panels))


def _check_hints(hints, where: str) -> dict:
    if not isinstance(hints, dict):
        raise SceneFileError(f"{where}: 'appearance' must be a JSON object")
    unknown = [k for k in hints if k not in APPEARANCE_HINTS]
    if unknown:
        raise SceneFileError(f"{where}: unknown appearance option(s) {', '.join(map(repr, unknown))}; "
                             f"valid: {', '.join(APPEARANCE_HINTS)}")
    for key, value in hints.items():
        if not (value is None or isinstance(value, (str, bool)) or is_finite_number(value)):
            raise SceneFileError(f"{where}: appearance option {key!r} must be text, a number or true/false")
    return dict(hints)


def save_scenes(path, scenes) -> None:
    """Write a lecture file, atomically; raises ``OSError`` naming the file, ``ValueError`` if empty."""
    scenes = list(scenes)
    if not scenes:
        raise ValueError("a lecture needs at least one scene")
    atomic_write(path, dumps_readable(scenes_to_dict(scenes)).encode("utf-8"))


def load_scenes(path) -> list[Scene]:
    """Read a lecture file; raises SceneFileError (a NetworkFileError) naming the file and the problem."""
    doc = read_document(path)
    with naming_file(path):
        return scenes_from_dict(doc)


def loads_scenes(data: str | bytes) -> list[Scene]:
    return scenes_from_dict(parse_json(data, "lecture"))


def example_lecture() -> list[Scene]:
    """The lecture shipped with nnviz: tutorial network, symmetry, vanishing gradients, He + ReLU, digits, the
    race, signal propagation."""
    return loads_scenes(resources.files("nnviz").joinpath(EXAMPLE_LECTURE).read_bytes())


# -- writing and reading -------------------------------------------------------------------------------------------
def dumps_readable(doc, indent: str = "") -> str:
    """JSON with one key per line and each row of numbers on one line (a weight matrix reads as a grid).

    Floats are written with ``repr``, so they read back exactly.
    """
    inner = indent + " "
    if isinstance(doc, dict) and doc:
        items = (f"{inner}{json.dumps(k)}: {dumps_readable(v, inner)}" for k, v in doc.items())
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(doc, list) and doc and not all(isinstance(v, (int, float)) for v in doc):
        return "[\n" + ",\n".join(inner + dumps_readable(v, inner) for v in doc) + "\n" + indent + "]"
    return json.dumps(doc, ensure_ascii=False)


def read_document(path) -> dict:
    """Parse a nnviz JSON file (bounded like the network loader); raises NetworkFileError naming the file.

    Callers dispatch on ``doc["format"]`` ("nnviz-network" or "nnviz-scenes").
    """
    doc = read_json_file(path, "nnviz")
    if not isinstance(doc, dict):
        raise NetworkFileError(
            f"{Path(path).name}: expected a JSON object at the top level, found {type(doc).__name__}")
    return doc


def _check_inputs(values, n_in: int, error) -> np.ndarray:
    if isinstance(values, np.ndarray):
        ok = values.ndim == 1 and values.dtype.kind in "iuf"
        values = values.astype(float) if ok else values
    else:
        ok = isinstance(values, (list, tuple)) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
    if not ok or len(values) != n_in:
        raise error(f"'inputs' must be a list of {n_in} number(s), one per input node")
    if not all(is_finite_number(v) for v in values):
        raise error("'inputs' must be finite numbers")
    return np.array(values, dtype=float)

