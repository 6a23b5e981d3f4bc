"""The data the Training panel trains on: a toy set, a bundled real data set or the user's CSV, split, plus
clicked points.

The bundled tabular sets (iris, wine, breast cancer) are standardised here, with the mean and standard
deviation of their training rows, so that the inputs shown and set are exactly what the network sees.
Images (digits) keep their pixel values 0 … 1, so that a drawn digit and a data set sample look alike.
"""

from __future__ import annotations

import os

import numpy as np
from PySide6.QtCore import QObject, Signal

from nnviz.core.datasets import (
    BUNDLED_DATASETS,
    DATASETS,
    Dataset,
    DatasetError,
    is_classification,
    load_csv,
    make_dataset,
    train_test_split,
)
from nnviz.core.suggestions import suggested_network
from nnviz.core.targets import looks_like_classification, n_classes

CSV = "csv"
"""The name of the loaded CSV file's data set (beside the names in ``DATASETS``)."""

N_SAMPLES = 200
DEFAULT_SEED = 1
DISPLAY_NAMES = {
    "xor": "XOR", "circle": "Circle", "gauss": "Two Gaussian blobs", "spiral": "Spiral",
    "plane": "Plane (regression)", "sine": "Sine wave (regression)", **BUNDLED_DATASETS,
}
_PLANE_HALF_WIDTH = 1.2  # the built-in sets lie in [-1, 1]²; a margin shows the boundary beyond them


class TrainingData(QObject):
    """The current training and test data, and how they were made.

    ``X_train`` ``(n, d)``, ``y_train`` ``(n,)``, ``X_test`` ``(m, d)``, ``y_test`` ``(m,)``;
    ``y`` holds class indices 0 … k−1 for classification and targets for regression. Points added with
    :meth:`add_point` always belong to the training part; they are dropped when the data are replaced.

    Signals:

    - ``changed(bool replaced)``: the data changed; ``replaced`` is True when a new data set, noise,
      split or seed replaced them (training history no longer applies), False when points were added.
    """

    changed = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.name = "xor"
        self.noise = 0.0
        self.train_share = 0.5
        self.seed = DEFAULT_SEED
        self.csv_path: str | None = None
        self._csv: tuple[np.ndarray, np.ndarray] | None = None
        self._bundled: dict[str, Dataset] = {}  # the real data sets read so far, by name
        self._added_X = np.empty((0, 2))
        self._added_y = np.empty(0)
        self._build()

    # -- reading ----------------------------------------------------------------------------------
    @property
    def X_train(self) -> np.ndarray:
        return np.concatenate([self._X_train, self._added_X]) if len(self._added_X) else self._X_train

    @property
    def y_train(self) -> np.ndarray:
        return np.concatenate([self._y_train, self._added_y]) if len(self._added_y) else self._y_train

    @property
    def n_inputs(self) -> int:
        return self._X_train.shape[1]

    @property
    def n_classes(self) -> int:
        """The number of classes (0 for regression)."""
        return n_classes(np.concatenate([self._y_all, self._added_y])) if self.classification else 0

    @property
    def display_name(self) -> str:
        if self.name == CSV:
            return os.path.basename(self.csv_path or "CSV")
        return DISPLAY_NAMES[self.name]

    @property
    def has_csv(self) -> bool:
        return self._csv is not None

    @property
    def n_samples(self) -> int:
        """The number of rows of the data set (training and test, without added points)."""
        return len(self._y_all)

    def sample(self, index: int) -> tuple[np.ndarray, float]:
        """Row ``index`` of the data set in its original order: the ``(d,)`` input as the network sees it
        (standardised where the set is) and its label or target."""
        return self._X_all[index].copy(), float(self._y_all[index])

    def is_loaded(self, name: str) -> bool:
        """True for the toy sets, and for a bundled set once read (``set_dataset`` is then instant)."""
        return name in DATASETS or name in self._bundled

    # -- fitting a network to the data -------------------------------------------------------------
    def outputs_fit(self, n_out: int) -> bool:
        """Whether ``n_out`` output units can learn these data (one-hot or a single unit for 2 classes)."""
        if not self.classification:
            return n_out == 1
        k = self.n_classes
        return n_out == k or (k <= 2 and n_out in (1, 2))

    def class_name(self, label: int) -> str:
        """The name of class ``label`` (its number when the data have no names)."""
        names = self.class_names
        return names[label] if names is not None and 0 <= label < len(names) else str(label)

    def fit_problem(self, layer_sizes) -> str | None:
        """Why a network of ``layer_sizes`` cannot train on these data, or None if it can."""
        n_in, n_out = layer_sizes[0], layer_sizes[-1]
        if n_in != self.n_inputs:
            return (f"The {self.display_name} data have {self.n_inputs} input{'s' * (self.n_inputs != 1)}, "
                    f"but the network has {n_in}. Training needs the input layer to match.")
        if not self.outputs_fit(n_out):
            k = self.n_classes
            if not self.classification:
                need = "1 output unit (regression)"
            elif k <= 2:
                need = "1 or 2 output units (two classes)"
            else:
                need = f"{k} output units (one per class)"
            return f"The {self.display_name} data need {need}; the network has {n_out}."
        return None

    def matching_sizes(self, layer_sizes) -> list[int]:
        """``layer_sizes`` with the input and, if it does not fit, the output layer set for these data."""
        sizes = [int(n) for n in layer_sizes]
        sizes[0] = self.n_inputs
        if not self.outputs_fit(sizes[-1]):
            sizes[-1] = self.n_classes if self.n_classes > 2 else 1
        return sizes

    def matching_settings(self, network) -> dict:
        """What makes ``network`` fit these data, keeping its hidden layers: ``{"layer_sizes": …}`` and, when
        they must change, ``"output_activation"`` and ``"loss"`` (arguments of ``NetworkState.configure``).
        Several classes get a softmax output and cross-entropy; one output unit is never a softmax (it would
        always say 1)."""
        sizes = self.matching_sizes(network.layer_sizes)
        settings = {"layer_sizes": sizes}
        n_out = sizes[-1]
        if self.classification and n_out > 2:
            settings.update(output_activation="softmax", loss="cross_entropy")
        elif network.output_activation == "softmax" and n_out == 1:
            settings["output_activation"] = "sigmoid" if self.classification else "linear"
            if not self.classification:
                settings["loss"] = "mse"
        return settings

    def suggested_network(self) -> dict:
        """The settings of a network that learns this data (see :func:`nnviz.core.suggestions.suggested_network`)."""
        n_outputs = self.n_classes if self.classification and self.n_classes > 2 else 1  # two classes: one unit
        return suggested_network(self.name, self.n_inputs, n_outputs, self.classification)

    def hints(self, network) -> list[str]:
        """Advice about settings that make these data hard or impossible to learn."""
        hints = []
        if not network.bias:
            hints.append("Biases are off, so every neuron's boundary passes through the origin; "
                         "most data sets need them on.")
        if not self.classification:
            low, high = float(self.y_train.min()), float(self.y_train.max())
            floor, ceiling = _reach(network.activation_of(len(network.layer_sizes) - 1))
            if low < floor or high > ceiling:
                hints.append(f"The targets run from {low:.2g} to {high:.2g}, beyond what the "
                             f"{network.output_activation} output can reach; a linear output fits regression.")
        return hints

    # -- changing ---------------------------------------------------------------------------------
    def set_dataset(self, name: str) -> None:
        """Switch to a built-in set or, with ``CSV``, back to the loaded file; raises ``ValueError``."""
        if name == CSV and self._csv is None:
            raise ValueError("no CSV file has been loaded")
        if name != CSV and name not in DATASETS and name not in BUNDLED_DATASETS:
            valid = ", ".join([*DATASETS, *BUNDLED_DATASETS, CSV])
            raise ValueError(f"unknown dataset {name!r}; valid names: {valid}")
        if name in BUNDLED_DATASETS and name not in self._bundled:
            from nnviz.core.datasets import load_dataset  # scikit-learn: only when a real set is chosen

            self._bundled[name] = load_dataset(name)
        if name != self.name:
            self.name = name
            self._replace()

    def set_noise(self, noise: float) -> None:
        """Noise in [0, 1] for the built-in sets (see ``make_dataset``)."""
        noise = float(noise)
        if not 0.0 <= noise <= 1.0:
            raise ValueError(f"noise must be between 0 and 1, got {noise}")
        if noise != self.noise:
            self.noise = noise
            if self.name in DATASETS:
                self._replace()

    def set_train_share(self, share: float) -> None:
        """The fraction of the points used for training, in (0, 1]; the rest is the test set."""
        share = float(share)
        if not 0.0 < share <= 1.0:
            raise ValueError(f"the training share must be in (0, 1], got {share}")
        if share != self.train_share:
            self.train_share = share
            self._replace()

    def set_seed(self, seed: int) -> None:
        """Draw the points (and the split) anew from ``seed``."""
        if int(seed) != self.seed:
            self.seed = int(seed)
            self._replace()

    def load_csv(self, path) -> None:
        """Load ``path`` and switch to it; raises ``DatasetError`` and changes nothing for a bad file."""
        self.set_csv(path, *load_csv(path))

    def set_csv(self, path, X: np.ndarray, y: np.ndarray) -> None:
        """Switch to ``X`` ``(n, d)``, ``y`` ``(n,)`` read from ``path`` (by ``datasets.load_csv``)."""
        if len(X) < 2:
            raise DatasetError(f"{os.fspath(path)}: need at least 2 data rows, found {len(X)}")
        self._csv = (X, y)
        self.csv_path = os.fspath(path)
        self.name = CSV
        self._replace()

    def set_bundled(self, dataset: Dataset) -> None:
        """Switch to a real data set read by ``datasets.load_dataset`` (on a worker thread, say)."""
        if dataset.name not in BUNDLED_DATASETS:
            raise ValueError(f"{dataset.name!r} is not one of the bundled data sets")
        self._bundled[dataset.name] = dataset
        self.name = dataset.name
        self._replace()

    def add_point(self, x: float, y: float, label: int) -> None:
        """Add a training point at ``(x, y)`` with class ``label`` (2-input classification data only)."""
        if not self.classification or self.n_inputs != 2:
            raise ValueError("points can only be added to 2-input classification data")
        if not (np.isfinite(x) and np.isfinite(y)):
            raise ValueError("a point needs finite coordinates")
        self._added_X = np.vstack([self._added_X, [[float(x), float(y)]]])
        self._added_y = np.append(self._added_y, float(label))
        self.changed.emit(False)

    # -- building ---------------------------------------------------------------------------------
    def _replace(self) -> None:
        self._build()
        self.changed.emit(True)

    def _build(self) -> None:
        self.class_names: tuple[str, ...] | None = None
        """The names of the classes, when the data set has them (the bundled ones do)."""
        self.image_shape: tuple[int, int] | None = None
        """``(rows, columns)`` when every input row is an image (digits), else None."""
        if self.name == CSV:
            X, y = self._csv
            self.classification = looks_like_classification(y)
        elif self.name in BUNDLED_DATASETS:
            dataset = self._bundled[self.name]
            X, y = dataset.X, dataset.y.astype(float)
            self.classification = True
            self.class_names, self.image_shape = dataset.class_names, dataset.image_shape
        else:
            X, y = make_dataset(self.name, N_SAMPLES, self.noise, self.seed)
            self.classification = is_classification(self.name)
        # train_test_split floors n · ratio; aiming half a row above the rounded count makes 80 % of 200 give
        # exactly 40 test rows despite 1 − 0.8 = 0.19999….
        n_test = round(len(X) * (1.0 - self.train_share))
        test_share = min((n_test + 0.5) / len(X), 0.999999)
        if self.name in BUNDLED_DATASETS and self.image_shape is None:
            X = _standardised(X, train_test_split(X, y, test_share, seed=self.seed)[0])
        self._X_all, self._y_all = X, y
        self._X_train, self._y_train, self.X_test, self.y_test = train_test_split(X, y, test_share, seed=self.seed)
        self._added_X = np.empty((0, X.shape[1]))
        self._added_y = np.empty(0)
        self.bounds = _plane_bounds(X) if X.shape[1] == 2 else None
        """``(x_min, x_max, y_min, y_max)`` of the plane shown for 2-input data, else None."""
        if self.name in DATASETS:
            # Built-in sets share one square view, so that switching between them keeps the scale.
            half = max(_PLANE_HALF_WIDTH, 1.05 * float(np.max(np.abs(X))))
            self.bounds = (-half, half, -half, half)


def _standardised(X: np.ndarray, X_train: np.ndarray) -> np.ndarray:
    """``X`` ``(n, d)`` shifted and scaled so that the training rows ``X_train`` have mean 0 and standard
    deviation 1 in every column (a constant column is only shifted)."""
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return (X - mean) / np.where(std > 0, std, 1.0)


def _plane_bounds(X: np.ndarray) -> tuple[float, float, float, float]:
    low, high = X.min(axis=0), X.max(axis=0)
    margin = np.maximum(0.1 * (high - low), 1e-3 * np.maximum(1.0, np.abs(high)))
    low, high = low - margin, high + margin
    return float(low[0]), float(high[0]), float(low[1]), float(high[1])


def _reach(activation) -> tuple[float, float]:
    """The lowest and highest values an activation can take (±inf where it is unbounded)."""
    with np.errstate(over="ignore", invalid="ignore"):
        low, high = activation.value(np.array([-1e3, 1e3]))
    return (float(low) if abs(low) <= 10 else -np.inf), (float(high) if abs(high) <= 10 else np.inf)
