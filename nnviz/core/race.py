"""The initialisation race: copies of one network, each initialised its own way, trained side by side.

Every candidate trains on the same batches in the same order, so the only difference between them is
where they started. Per epoch the race records what the tutorials on initialisation look at: the
gradient size of each layer, the update-to-weight ratio (≈ 1e-3 is the rule of thumb for a healthy
learning rate) and the share of saturated or dead units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import get_activation
from .initializers import get_initializer
from .network import Network
from .stats import layer_statistics
from .targets import targets_for
from .training import History, Trainer, TrainingDiverged, _subsample

CANDIDATE_KEYS = frozenset({"init", "init_scale", "activation", "label"})
"""What a candidate dict may hold; only ``init`` is required."""

PLATEAU_FRACTION = 0.9
"""A candidate whose best loss stayed above this fraction of where it started never left the plateau."""


@dataclass(eq=False)
class RaceEntry:
    """One candidate of a race and what it did. ``L`` is the number of weight layers.

    - ``network``: the trained copy; ``history``: its :class:`~nnviz.core.training.History`.
    - ``grad_norm`` ``(epochs, L)``: ‖∂E/∂W_l‖ (Frobenius, of the sample-mean loss) on the training set
      at the start of each epoch.
    - ``update_ratio`` ``(epochs, L)``: ‖W_l after the epoch − W_l before it‖ / ‖W_l before it‖
      (∞ or NaN for a layer that started at all zeros).
    - ``saturation`` ``(epochs + 1, L − 1)``: per hidden layer, the saturated fraction (the dead-unit
      fraction for ReLU-like units; :attr:`~nnviz.core.stats.LayerStats.inactive_fraction`) on the
      training set, before training and after each epoch.

    Rows of epochs not (yet) run hold NaN. Measurements use at most
    :data:`~nnviz.core.training.EVAL_LIMIT` evenly strided training samples, like the history's loss.
    ``diverged_epoch`` is the epoch (1 …) in which training broke down, None if it did not.
    """

    label: str
    network: Network
    history: History
    grad_norm: np.ndarray
    update_ratio: np.ndarray
    saturation: np.ndarray
    diverged_epoch: int | None = None

    @property
    def epochs_done(self) -> int:
        return len(self.history) - 1


def candidate_label(candidate: dict) -> str:
    """``candidate["label"]`` or one made of its settings, e.g. ``"He normal ×1 + ReLU"``."""
    if candidate.get("label"):
        return str(candidate["label"])
    label = f"{get_initializer(candidate['init']).display_name} ×{float(candidate.get('init_scale', 1.0)):g}"
    activation = candidate.get("activation")
    if isinstance(activation, (list, tuple)):
        label += " + " + " / ".join(get_activation(name).display_name for name in activation)
    elif activation is not None:
        label += f" + {get_activation(activation).display_name}"
    return label


def candidate_network(network: Network, candidate: dict) -> Network:
    """A copy of ``network`` with the candidate's hidden activation(s) and its first weights.

    The weights are those of ``Network(..., init=init, init_scale=init_scale, seed=network.seed)``;
    the output activation stays the network's own even when the hidden one changes.
    """
    unknown = set(candidate) - CANDIDATE_KEYS
    if "init" not in candidate or unknown:
        raise ValueError(f"a candidate needs 'init' and may have {sorted(CANDIDATE_KEYS - {'init'})}; "
                         f"got {sorted(candidate)}")
    copy = network.copy()
    if candidate.get("activation") is not None:
        copy.output_activation = network.output_activation  # pinned first: it must not follow the hidden one
        copy.activation = candidate["activation"]
    copy.reinitialize(init=candidate["init"], seed=network.seed, init_scale=candidate.get("init_scale", 1.0))
    return copy


class Race:
    """A race run in pieces, so that a window can train it in time slices.

    Builds one trained copy per candidate (see :func:`race` for the arguments) and measures the
    starting point; :meth:`step_batches` advances every candidate still running by the same number of
    mini-batches. ``entries`` fill in as epochs complete.
    """

    def __init__(self, network: Network, candidates, X, y, epochs: int, *, batch_size=10, learning_rate=None,
                 momentum=0.0, seed=0, X_test=None, y_test=None, classification=None):
        if int(epochs) != epochs or epochs < 1:
            raise ValueError(f"epochs must be a whole number ≥ 1, got {epochs!r}")
        candidates = list(candidates)
        if not candidates:
            raise ValueError("a race needs at least one candidate")
        self.epochs = int(epochs)
        n_layers = len(network.weights)
        self.entries, self._trainers, self._before = [], [], []
        for candidate in candidates:
            copy = candidate_network(network, candidate)
            trainer = Trainer(copy, X, y, batch_size=batch_size, learning_rate=learning_rate, momentum=momentum,
                              seed=seed, X_test=X_test, y_test=y_test, classification=classification)
            entry = RaceEntry(candidate_label(candidate), copy, trainer.history,
                              np.full((self.epochs, n_layers), np.nan), np.full((self.epochs, n_layers), np.nan),
                              np.full((self.epochs + 1, n_layers - 1), np.nan))
            self.entries.append(entry)
            self._trainers.append(trainer)
            self._before.append([w.copy() for w in copy.weights])
            self._measure(len(self.entries) - 1)

    def running(self, index: int) -> bool:
        """Whether candidate ``index`` still has epochs to train (it neither finished nor diverged)."""
        entry = self.entries[index]
        return entry.diverged_epoch is None and self._trainers[index].epoch < self.epochs

    @property
    def finished(self) -> bool:
        return not any(self.running(i) for i in range(len(self.entries)))

    @property
    def batches_per_epoch(self) -> int:
        return self._trainers[0].batches_per_epoch

    def step_batches(self, n: int = 1) -> int:
        """Up to ``n`` mini-batches for every running candidate; returns how many epochs completed in all."""
        completed = 0
        for index, trainer in enumerate(self._trainers):
            for _ in range(int(n)):
                if not self.running(index):
                    break
                epoch_before = trainer.epoch
                try:
                    finished = trainer.step_batches(1)
                except TrainingDiverged:
                    self.entries[index].diverged_epoch = epoch_before + 1
                    break
                if finished:
                    self._record_epoch(index)
                    completed += 1
        return completed

    def run(self) -> list[RaceEntry]:
        """Train every candidate to the end; returns ``entries``."""
        while not self.finished:
            self.step_batches(self.batches_per_epoch)
        return self.entries

    def _record_epoch(self, index: int) -> None:
        entry, epoch = self.entries[index], self._trainers[index].epoch
        before = self._before[index]
        with np.errstate(divide="ignore", invalid="ignore"):
            entry.update_ratio[epoch - 1] = [np.linalg.norm(w - b) / np.linalg.norm(b)
                                             for w, b in zip(entry.network.weights, before)]
        self._before[index] = [w.copy() for w in entry.network.weights]
        self._measure(index)

    def _measure(self, index: int) -> None:
        """Gradient norms (for the epoch about to start) and saturation of the current weights."""
        entry, trainer = self.entries[index], self._trainers[index]
        epoch = trainer.epoch
        X, y = _subsample(trainer.X, trainer.y)
        stats = layer_statistics(entry.network, X, targets_for(entry.network, y, trainer.classification))
        if epoch < self.epochs:
            entry.grad_norm[epoch] = stats.series("grad_norm")
        entry.saturation[epoch] = [layer.inactive_fraction for layer in stats.layers[:-1]]


def race(network: Network, candidates, X, y, epochs: int, *, batch_size=10, learning_rate=None, momentum=0.0,
         seed=0, X_test=None, y_test=None, classification=None) -> list[RaceEntry]:
    """Train one copy of ``network`` per candidate for ``epochs`` epochs; one :class:`RaceEntry` each.

    A candidate is a dict: ``init`` (an initialiser name), optional ``init_scale`` (default 1),
    ``activation`` (one name for every hidden layer or a list with one per hidden layer; the output keeps
    the network's activation) and ``label``.
    Each copy keeps ``network``'s sizes, activations, bias and loss (gradients, losses and the history
    all use it) and is re-initialised from ``network.seed`` (:func:`candidate_network`). All train
    with mini-batch SGD on ``X`` ``(n, n_in)`` and ``y`` (labels ``(n,)``, regression targets or target
    rows, as for :func:`~nnviz.core.training.fit`) in the same order, shuffled by ``seed``;
    ``learning_rate=None`` means the network's own. The optional test set is evaluated after every
    epoch. ``network`` itself is not changed. A candidate whose weights blow up stops there
    (``diverged_epoch``); the others go on.
    """
    return Race(network, candidates, X, y, epochs, batch_size=batch_size, learning_rate=learning_rate,
                momentum=momentum, seed=seed, X_test=X_test, y_test=y_test, classification=classification).run()


def round_level(value: float) -> float:
    """The smallest of 1, 2, 5 × 10ᵏ that is ≥ ``value`` (> 0): 0.043 → 0.05."""
    exponent = np.floor(np.log10(value))
    for step in (1.0, 2.0, 5.0, 10.0):
        level = float(step * 10.0 ** exponent)
        if level >= value * (1 - 1e-12):
            return level
    return float(10.0 ** (exponent + 1))


def race_verdict(entries, target_loss=None, baseline=None) -> str:
    """One line on who won: "He normal ×1 reached loss 0.05 first (epoch 4); too small never left the plateau."

    ``target_loss`` is the training loss to reach (None: the round level just above the best loss any
    candidate reached, :func:`round_level`, or that best loss itself when the round level is no lower
    than where they started). A candidate never left the plateau when its best loss stayed above
    :data:`PLATEAU_FRACTION` of its starting loss (or of ``baseline``, e.g. the chance loss, if lower).
    """
    trained = [e for e in entries if e.epochs_done > 0 or e.diverged_epoch is not None]
    if not trained:
        return "Not trained yet."
    alive = [e for e in trained if e.diverged_epoch is None]
    if not alive:
        return "Every candidate diverged: lower the learning rate."
    moving = [e for e in alive if not _on_plateau(e, baseline)]
    if target_loss is None and not moving:
        best = min(alive, key=_best_loss)
        parts = [f"No candidate left the plateau (best: {best.label} at {_best_loss(best):.3g})"]
        parts += [_fate(e, None, baseline) for e in trained if e.diverged_epoch is not None]
        return "; ".join(parts) + "."
    if target_loss is None:
        best = min(_best_loss(e) for e in moving)
        target = round_level(max(best, 1e-12))
        if target >= min(e.history.train_loss[0] for e in moving):
            target = best  # no round level between the start and the best
    else:
        target = float(target_loss)
    reached = {id(e): _first_epoch_at(e, target) for e in trained}
    winners = [e for e in alive if reached[id(e)] is not None]
    winner = min(winners, key=lambda e: (reached[id(e)], _best_loss(e))) if winners else None
    if winner is None:
        parts = [f"no candidate reached loss {target:.3g}"]
    else:
        parts = [f"{winner.label} reached loss {target:.3g} first (epoch {reached[id(winner)]})"]
    parts += [_fate(e, reached[id(e)], baseline) for e in trained if e is not winner]
    return "; ".join(parts) + "."


def _on_plateau(entry: RaceEntry, baseline) -> bool:
    losses = entry.history.train_loss
    start = losses[0] if baseline is None else min(losses[0], float(baseline))
    return _best_loss(entry) >= PLATEAU_FRACTION * start


def _best_loss(entry: RaceEntry) -> float:
    """The lowest finite training loss after epoch 0 (∞ if there is none)."""
    losses = np.asarray(entry.history.train_loss[1:], dtype=float)
    losses = losses[np.isfinite(losses)]
    return float(losses.min()) if losses.size else float("inf")


def _first_epoch_at(entry: RaceEntry, target: float) -> int | None:
    for epoch, loss in zip(entry.history.epoch, entry.history.train_loss):
        if loss <= target:
            return int(epoch)
    return None


def _fate(entry: RaceEntry, reached: int | None, baseline) -> str:
    if entry.diverged_epoch is not None:
        return f"{entry.label} diverged in epoch {entry.diverged_epoch}"
    if reached is not None:
        return f"{entry.label} by epoch {reached}"
    if _on_plateau(entry, baseline):
        return f"{entry.label} never left the plateau"
    return f"{entry.label} ended at {entry.history.train_loss[-1]:.3g}"


__all__ = [
    "CANDIDATE_KEYS", "PLATEAU_FRACTION", "Race", "RaceEntry", "candidate_label", "candidate_network", "race",
    "race_verdict", "round_level",
]
