"""Mini-batch gradient descent on a :class:`~nnviz.core.network.Network`.

The loss is the network's own (``Network.loss``: ½ Σ (t − y)² or cross-entropy, see
:mod:`nnviz.core.losses`) averaged over the samples, so that its size does not depend on the number
of samples or the batch size. ``backward`` returns gradients summed over a batch; they are divided
by the batch size here. L2 adds ``l2 · W`` to each weight gradient (the gradient of
``(l2 / 2) · ||W||²``; biases are not decayed); the reported loss is the data term alone.
Momentum keeps a velocity per array: ``v ← momentum · v − lr · g;  W ← W + v``.
Labels become targets as :mod:`nnviz.core.targets` says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .evaluation import Evaluation, chunk_rows, evaluate  # noqa: F401  (evaluate: callers import it from here)
from .network import Network
from .targets import looks_like_classification, targets_for

EVAL_LIMIT = 1000
"""At most this many samples (evenly strided) are used to measure the loss after each epoch, so that
one epoch of a large data set never stalls on its evaluation; smaller sets are measured exactly."""


def _all_finite(values: np.ndarray) -> bool:
    """No nan or ±inf in ``values``. Their sum carries them, in one read and no array of flags; only a sum
    that overflows (finite values near 1e308) is checked again through the minimum and the maximum."""
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(values.sum()):
            return True
    return values.size == 0 or bool(np.isfinite(values.min()) and np.isfinite(values.max()))


class TrainingDiverged(ArithmeticError):
    """A step would have made a weight infinite or NaN (the weights are left as they were before it),
    or the loss measured after an epoch is no longer finite."""


@dataclass
class History:
    """The loss (and accuracy) after each epoch; ``epoch[0] == 0`` is the state before training.

    All lists have the same length. ``test_loss`` and ``test_accuracy`` are empty without test data,
    and the accuracy lists are empty for regression. Accuracies are fractions in [0, 1].
    """

    epoch: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)
    test_loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    test_accuracy: list = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.epoch)


# -- the optimiser ---------------------------------------------------------------------------------
class Trainer:
    """Mini-batch SGD with L2 and momentum, run in pieces (an epoch or a few batches at a time).

    Holds everything that lasts between steps: the momentum velocities, the epoch counter, the
    position in the current epoch's shuffled order and the random generator. The network's weight
    arrays are changed in place. ``batch_size``, ``learning_rate`` (None: use the network's own,
    read at every step), ``l2`` and ``momentum`` may be changed between steps.

    ``X`` is ``(n, n_in)``, ``y`` is ``(n,)`` or ``(n, 1)`` (class indices or regression targets) or
    ``(n, n_out)`` target rows (see :mod:`nnviz.core.targets`); the same for the
    optional test set. ``classification=None`` decides from ``y`` (:func:`looks_like_classification`).
    ``seed=None`` uses the network's seed, so that the same network and data train the same way.

    ``defer_evaluation=True`` spreads the measurement at each epoch's end (and of the starting weights, epoch
    0) over later calls: the epoch ends with a copy of the weights taken, training may go on, and
    :meth:`evaluate_pending` measures that copy a few rows at a time; the history entry (the same values as
    without deferring) is appended when it is complete. Only one measurement is pending at a time: an epoch
    that ends while one is still pending finishes it first.
    """

    def __init__(self, network: Network, X, y, batch_size=10, learning_rate=None, l2=0.0, momentum=0.0,
                 seed=None, X_test=None, y_test=None, classification=None, defer_evaluation=False):
        self.network = network
        self.defer_evaluation = bool(defer_evaluation)
        self._pending: tuple[int, list[Evaluation]] | None = None  # (epoch, train and test measurements)
        self._snapshot: Network | None = None  # the weights being measured; its arrays are reused
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.l2 = l2
        self.momentum = momentum
        self.seed = network.seed if seed is None else seed
        self.set_data(X, y, X_test, y_test, classification)
        self.restart()

    # -- settings, checked on assignment ---------------------------------------------------------
    @property
    def batch_size(self) -> int:
        return self._batch_size

    @batch_size.setter
    def batch_size(self, value):
        if int(value) != value or value < 1:
            raise ValueError(f"batch size must be a whole number ≥ 1, got {value!r}")
        self._batch_size = int(value)

    @property
    def learning_rate(self) -> float | None:
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        if value is not None and not (np.isfinite(value) and value > 0):
            raise ValueError(f"learning rate must be a positive number, got {value!r}")
        self._learning_rate = None if value is None else float(value)

    @property
    def l2(self) -> float:
        return self._l2

    @l2.setter
    def l2(self, value):
        if not (np.isfinite(value) and value >= 0):
            raise ValueError(f"L2 must be a number ≥ 0, got {value!r}")
        self._l2 = float(value)

    @property
    def momentum(self) -> float:
        return self._momentum

    @momentum.setter
    def momentum(self, value):
        if not (np.isfinite(value) and 0 <= value < 1):
            raise ValueError(f"momentum must be in [0, 1), got {value!r}")
        self._momentum = float(value)

    # -- data and state ----------------------------------------------------------------------------
    def set_data(self, X, y, X_test=None, y_test=None, classification=None) -> None:
        """Train on new data from the next batch on (a new epoch starts); the history is kept."""
        X, y = _as_data(X, y, "training")
        if len(X) == 0:
            raise ValueError("there are no training samples")
        if X_test is not None and y_test is not None:
            X_test, y_test = _as_data(X_test, y_test, "test")
            if len(X_test) == 0:
                X_test = y_test = None
        else:
            X_test = y_test = None
        if classification is None:
            classification = looks_like_classification(y)
        self.X, self.y, self.X_test, self.y_test = X, y, X_test, y_test
        self.classification = bool(classification)
        self._check_fit()
        self._targets = targets_for(self.network, y, self.classification)
        self._order = None
        self._position = 0

    def restart(self) -> None:
        """Epoch 0: zero velocities, the generator re-seeded, the history holding only the current loss
        (with ``defer_evaluation``: once :meth:`evaluate_pending` has measured it; the history is empty until
        then)."""
        self.epoch = 0
        self.history = History()
        self._pending = None
        self._rng = np.random.default_rng(self.seed)
        self._velocity = self._velocity_sizes = None
        self._buffers: list[np.ndarray] = []
        self._order = None
        self._position = 0
        self._targets = targets_for(self.network, self.y, self.classification)
        if self.defer_evaluation:
            self._begin_record(self._snapshot_of_network())
        else:
            self._begin_record(self.network)
            self._advance_record(None)

    def _check_fit(self) -> None:
        n_in = self.network.layer_sizes[0]
        if self.X.shape[1] != n_in:
            raise ValueError(f"the data has {self.X.shape[1]} inputs, the network has {n_in}")
        if self.X_test is not None and self.X_test.shape[1] != n_in:
            raise ValueError(f"the test data has {self.X_test.shape[1]} inputs, the network has {n_in}")

    @property
    def batches_per_epoch(self) -> int:
        return -(-len(self.X) // self._batch_size)

    @property
    def epoch_progress(self) -> float:
        """How far into the current epoch, 0 … 1."""
        return self._position / len(self.X)

    @property
    def evaluation_pending(self) -> bool:
        """True while a history entry (an ended epoch's, or the starting weights') waits for
        :meth:`evaluate_pending`."""
        return self._pending is not None

    @property
    def evaluation_chunk_rows(self) -> int:
        """The rows of one chunk of a measurement: a budget of this many rows is one matrix product a layer."""
        return chunk_rows(self.network)

    # -- stepping ------------------------------------------------------------------------------------
    def step_batches(self, n: int = 1) -> int:
        """Run ``n`` mini-batches; returns how many epochs were completed meanwhile (and recorded,
        unless ``defer_evaluation``).

        Raises :class:`TrainingDiverged` (weights unchanged by the failing batch) when a step would
        give non-finite weights or when an epoch's loss is not finite (with ``defer_evaluation``: when
        its measurement completes, here or in :meth:`evaluate_pending`), and ``ValueError`` when the
        network no longer fits the data.
        """
        finished = 0
        for _ in range(n):
            if self._order is None:
                self._order = self._rng.permutation(len(self.X))
                self._position = 0
            batch = self._order[self._position:self._position + self._batch_size]
            self._step(batch)
            self._position += len(batch)
            if self._position >= len(self.X):
                self._order = None
                self._position = 0
                self.epoch += 1
                finished += 1
                self.evaluate_pending()  # the previous epoch's, if still pending
                if self.defer_evaluation:
                    self._begin_record(self._snapshot_of_network())
                else:
                    self._begin_record(self.network)
                    self.evaluate_pending()
        return finished

    def step_epoch(self) -> None:
        """Run batches up to the end of the current epoch (a whole epoch when at its start) and record it."""
        while not self.step_batches(1):
            pass
        self.evaluate_pending()

    def evaluate_pending(self, max_rows: int | None = None) -> bool:
        """Measure at most ``max_rows`` more rows (None: all) of the pending measurement; True once
        nothing is pending (the history is complete). Raises :class:`TrainingDiverged` when the loss
        of the trained epoch it completes is not finite."""
        if self._pending is None:
            return True
        if not self._advance_record(max_rows):
            return False
        if self.history.epoch[-1] > 0 and not np.isfinite(self.history.train_loss[-1]):  # epoch 0: not trained yet
            raise TrainingDiverged("the loss is no longer finite; lower the learning rate and reset")
        return True

    def _step(self, batch: np.ndarray) -> None:
        network = self.network
        if self._targets.shape[1] != network.layer_sizes[-1] or self.X.shape[1] != network.layer_sizes[0]:
            self._check_fit()
            self._targets = targets_for(network, self.y, self.classification)
        with np.errstate(over="ignore", invalid="ignore"):
            d_w, d_b = network.backward(network.forward(self.X[batch]), self._targets[batch])
            lr = network.learning_rate if self._learning_rate is None else self._learning_rate
            sizes = tuple(network.layer_sizes)
            if self._velocity is None or self._velocity_sizes != sizes:
                # New, or the network was resized: the velocities start again from zero.
                self._velocity_sizes = sizes
                self._velocity = ([np.zeros_like(w) for w in network.weights],
                                  [np.zeros_like(b) for b in network.biases])
            # v ← momentum · v − lr · (g / batch + l2 · W); terms that are 0 are skipped. A step's cost is
            # mostly passes over the weights (~2 ms a pass at 784-512-512-10) and fresh memory for them: the
            # gradients (this step's own arrays) become the updates in place, and the new values go to
            # buffers kept from step to step, which also hold the terms' products meanwhile.
            factor = -lr * (1.0 / len(batch))
            n_weights = len(network.weights)
            new = self._buffers_like(network.weights + network.biases)
            updates_w = [self._update(g, factor, lr, v, w, out)
                         for g, v, w, out in zip(d_w, self._velocity[0], network.weights, new)]
            updates_b = [self._update(g, factor, lr, v, None, out)
                         for g, v, out in zip(d_b, self._velocity[1], new[n_weights:])]
            arrays = network.weights + network.biases if network.bias else list(network.weights)
            new = new[:len(arrays)]
            for values, update, out in zip(arrays, updates_w + updates_b, new):
                np.add(values, update, out=out)
        if not all(_all_finite(values) for values in new):
            raise TrainingDiverged("the weights grew without bound; lower the learning rate and reset")
        for values, out in zip(arrays, new):
            np.copyto(values, out)  # in place: the views hold on to these arrays
        self._velocity = (updates_w, updates_b)

    def _buffers_like(self, arrays: list) -> list:
        """Arrays of the shapes of ``arrays``, kept from one step to the next."""
        shapes = [a.shape for a in arrays]
        if [b.shape for b in self._buffers] != shapes:
            self._buffers = [np.empty(shape) for shape in shapes]
        return self._buffers

    def _update(self, gradient, factor, lr, velocity, weights, scratch):
        """``momentum · v − lr · (g / batch + l2 · W)`` (``factor`` = −lr / batch), made in ``gradient``'s
        array; ``weights`` None: no decay (a bias); ``scratch``: an array of that shape for the terms."""
        update = np.multiply(gradient, factor, out=gradient)
        if self._momentum:
            update += np.multiply(velocity, self._momentum, out=scratch)
        if self._l2 and weights is not None:
            update -= np.multiply(weights, lr * self._l2, out=scratch)
        return update

    def _begin_record(self, network: Network) -> None:
        """Start measuring ``network`` (the trainer's or a snapshot of it) for the current epoch."""
        parts = [Evaluation(network, *_subsample(self.X, self.y), self.classification)]
        if self.X_test is not None:
            parts.append(Evaluation(network, *_subsample(self.X_test, self.y_test), self.classification))
        self._pending = (self.epoch, parts)

    def _advance_record(self, max_rows: int | None) -> bool:
        """Measure up to ``max_rows`` more rows; once complete, append the history entry and return True."""
        epoch, parts = self._pending
        for part in parts:
            measured = part.advance(max_rows)
            if max_rows is not None:
                max_rows -= measured
        if not parts[-1].done:
            return False
        self._pending = None
        history = self.history
        history.epoch.append(epoch)
        for part, losses, accuracies in zip(parts, (history.train_loss, history.test_loss),
                                            (history.train_accuracy, history.test_accuracy)):
            loss, accuracy = part.result
            losses.append(loss)
            if accuracy is not None:
                accuracies.append(accuracy)
        return True

    def _snapshot_of_network(self) -> Network:
        """A copy of the network as it is now, into the arrays of the previous copy when their shapes agree."""
        network, snapshot = self.network, self._snapshot
        arrays = network.weights + network.biases
        if snapshot is None or [a.shape for a in snapshot.weights + snapshot.biases] != [a.shape for a in arrays]:
            self._snapshot = network.copy()
            return self._snapshot
        weights, biases = snapshot.weights, snapshot.biases
        # Settings (activations, loss, bias) as they are now; lists copied so later edits do not reach it.
        vars(snapshot).update({name: list(value) if isinstance(value, list) else value
                               for name, value in vars(network).items()})
        snapshot.weights, snapshot.biases = weights, biases
        for mine, theirs in zip(weights + biases, arrays):
            np.copyto(mine, theirs)
        return snapshot


def _as_data(X, y, what: str) -> tuple[np.ndarray, np.ndarray]:
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]  # a target column for one output unit
    if X.ndim != 2 or y.ndim not in (1, 2) or len(X) != len(y):
        raise ValueError(f"{what} data must be X (n, d) and y (n,) or (n, k), got {X.shape} and {y.shape}")
    return X, y


def _subsample(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(X) <= EVAL_LIMIT:
        return X, y
    stride = -(-len(X) // EVAL_LIMIT)
    return X[::stride], y[::stride]


def fit(network: Network, X, y, epochs: int, batch_size=10, learning_rate=None, l2=0.0, momentum=0.0,
        seed=None, callback: Callable[[int, History], bool | None] | None = None, X_test=None, y_test=None,
        classification=None) -> History:
    """Train ``network`` in place for ``epochs`` epochs of mini-batch SGD; returns the :class:`History`.

    ``X`` ``(n, n_in)``, ``y`` ``(n,)`` or ``(n, 1)``: class indices 0 … k−1 or regression targets, or
    ``(n, n_out)`` target rows (:mod:`nnviz.core.targets` says how labels become targets; the loss is
    the network's own). ``callback(epoch, history)`` runs after every epoch;
    returning ``False`` stops training. See :class:`Trainer` for the other arguments.
    """
    trainer = Trainer(network, X, y, batch_size=batch_size, learning_rate=learning_rate, l2=l2,
                      momentum=momentum, seed=seed, X_test=X_test, y_test=y_test,
                      classification=classification)
    for _ in range(int(epochs)):
        trainer.step_epoch()
        if callback is not None and callback(trainer.epoch, trainer.history) is False:
            break
    return trainer.history
