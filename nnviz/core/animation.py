"""The states an animation shows, one per frame: a network training, re-rolled seeds, a lecture's scenes.

Each sequence is a generator of :class:`Frame`, computed one at a time so that an export can show
progress and stop part way. The network given is never changed: frames hold copies.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .datasets import BUNDLED_DATASETS, DATASETS, is_classification, load_dataset, make_dataset
from .limits import MAX_FRAMES
from .network import Network
from .training import Trainer, TrainingDiverged

KINDS = ("training", "reroll", "scenes")
DATASET_SAMPLES = 400


@dataclass(frozen=True)
class Frame:
    """One picture of an animation: the ``network`` with ``inputs`` ``(n_in,)`` (``None``: the
    viewer's) and a short ``note`` such as ``"epoch 40 · loss 0.112"``."""

    network: Network
    inputs: np.ndarray | None
    note: str


def _fits(n_out: int, classes: int) -> bool:
    """Whether ``n_out`` output units can learn ``classes`` classes (one-hot, or one unit for two)."""
    return n_out == classes or (classes == 2 and n_out in (1, 2))


def matching_dataset(layer_sizes) -> str:
    """The data set a network of ``layer_sizes`` can train on: xor for two inputs and one or two
    outputs (as the Training panel starts), else the bundled real data set with as many features and
    classes (digits for 64-…-10, iris for 4-…-3). Raises ``ValueError`` saying what would fit."""
    n_in, n_out = layer_sizes[0], layer_sizes[-1]
    if n_in == 2 and n_out <= 2:
        return "xor"
    for name in BUNDLED_DATASETS:
        data = load_dataset(name)
        if data.X.shape[1] == n_in and _fits(n_out, data.n_classes):
            return name
    raise ValueError(f"no data set fits {n_in} inputs and {n_out} outputs: the toy sets need 2 inputs and 1 or 2 "
                     "outputs; digits 64 and 10, iris 4 and 3, wine 13 and 3, breast_cancer 30 and 1 or 2")


def check_dataset(name: str, layer_sizes) -> None:
    """Raise ``ValueError`` if a network of ``layer_sizes`` cannot train on data set ``name``."""
    n_in, n_out = layer_sizes[0], layer_sizes[-1]
    if name in BUNDLED_DATASETS:
        data = load_dataset(name)
        if data.X.shape[1] != n_in or not _fits(n_out, data.n_classes):
            raise ValueError(f"{name} has {data.X.shape[1]} features and {data.n_classes} classes; the network "
                             f"has {n_in} inputs and {n_out} outputs")
        return
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose from {', '.join((*DATASETS, *BUNDLED_DATASETS))}")
    if n_in != 2:
        raise ValueError(f"the toy data sets have 2 inputs, the network has {n_in}")
    if not is_classification(name) and n_out != 1:
        raise ValueError(f"{name} is a regression set: the network needs 1 output, it has {n_out}")
    if is_classification(name) and n_out > 2:
        raise ValueError(f"{name} has 2 classes: the network needs 1 or 2 outputs, it has {n_out}")


def training_data(name: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``X`` ``(n, d)`` and ``y`` ``(n,)`` of data set ``name``: a toy set of :data:`DATASET_SAMPLES`
    noise-free points, or a bundled real one with each feature standardised (mean 0, std 1)."""
    if name not in BUNDLED_DATASETS:
        return make_dataset(name, DATASET_SAMPLES, seed=seed)
    data = load_dataset(name)
    spread = data.X.std(axis=0)
    X = (data.X - data.X.mean(axis=0)) / np.where(spread > 0, spread, 1.0)  # constant pixels stay 0
    return X, np.asarray(data.y)


def training_epochs(start: int, stop: int, frames: int) -> list[int]:
    """The epochs shown when ``frames`` pictures span epochs ``start`` → ``stop``: evenly spaced
    whole epochs, both ends included, none twice."""
    if not 0 <= start < stop:
        raise ValueError(f"the epochs must run forward from 0 or more, got {start} → {stop}")
    if not 2 <= frames <= MAX_FRAMES:
        raise ValueError(f"an animation has 2 to {MAX_FRAMES} frames, got {frames}")
    return sorted({round(e) for e in np.linspace(start, stop, min(frames, stop - start + 1))})


def training_frames(network: Network, inputs, dataset: str, epochs: list[int], seed: int = 0) -> Iterator[Frame]:
    """``network`` (a copy) trained on data set ``dataset`` (see :func:`training_data`), shown at each
    of ``epochs`` (increasing). Stops early, with a last frame saying so, if training diverges."""
    check_dataset(dataset, network.layer_sizes)
    X, y = training_data(dataset, seed)
    net = network.copy()
    trainer = Trainer(net, X, y)
    for epoch in epochs:
        try:
            while trainer.epoch < epoch:
                trainer.step_epoch()
        except TrainingDiverged:
            yield Frame(net.copy(), inputs, f"epoch {trainer.epoch} · training diverged")
            return
        yield Frame(net.copy(), inputs, f"epoch {epoch} · loss {trainer.history.train_loss[-1]:.3g}")


def reroll_frames(network: Network, inputs, count: int) -> Iterator[Frame]:
    """``count`` initialisations of ``network``: its own seed, then the next seeds."""
    if not 2 <= count <= MAX_FRAMES:
        raise ValueError(f"an animation has 2 to {MAX_FRAMES} frames, got {count}")
    for k in range(count):
        net = network.copy()
        if k:
            net.reinitialize(seed=(network.seed + k) % 2**32)
        yield Frame(net, inputs, f"seed {net.seed}")


def scene_frames(scenes) -> Iterator[Frame]:
    """One frame per lecture scene, titled as the scene."""
    for scene in scenes:
        yield Frame(scene.network, scene.inputs, scene.title)


def sequence(kind: str, network: Network, inputs=None, *, epochs: tuple[int, int] = (0, 100), frames: int = 60,
             dataset: str | None = None, scenes=()) -> tuple[Iterator[Frame], int]:
    """The frames of an animation of ``kind`` (see :data:`KINDS`) and how many there are (a training
    that diverges stops earlier): ``epochs`` (start, stop) and ``frames`` for a training on
    ``dataset`` (``None``: :func:`matching_dataset`), ``frames`` seeds for a re-roll, ``scenes``.
    Raises ``ValueError`` saying what does not fit."""
    if kind == "training":
        dataset = dataset or matching_dataset(network.layer_sizes)
        check_dataset(dataset, network.layer_sizes)
        shown = training_epochs(*epochs, frames)
        return training_frames(network, inputs, dataset, shown), len(shown)
    if kind == "reroll":
        return reroll_frames(network, inputs, frames), frames
    if kind == "scenes":
        if not scenes:
            raise ValueError("there is no lecture open: scenes come from a lecture file")
        return scene_frames(scenes), len(scenes)
    raise ValueError(f"unknown animation {kind!r}; choose from {', '.join(KINDS)}")


def frame_duration_ms(fps: float) -> int:
    """How long one frame shows at ``fps`` frames per second, in whole milliseconds (GIF keeps 10 ms steps)."""
    if not (math.isfinite(fps) and 0.1 <= fps <= 60):
        raise ValueError(f"the frame rate must be 0.1 to 60 frames per second, got {fps}")
    return max(10, round(1000 / fps / 10) * 10)
