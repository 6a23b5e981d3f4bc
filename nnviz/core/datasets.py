"""Toy datasets in the style of TensorFlow Playground, small real data sets, and the user's CSV files.

Toy inputs are 2-D points scaled to roughly [-1, 1] (noisy points may go a little beyond).
Arrays are float64: inputs ``X`` have shape ``(n_samples, n_features)`` and labels or
targets ``y`` have shape ``(n_samples,)``. The real data sets (:func:`load_dataset`) are the
copies bundled with scikit-learn: read from its package files, never downloaded.
"""

from __future__ import annotations

import math
import operator
import os
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

DATASETS = ("xor", "circle", "gauss", "spiral", "plane", "sine")
CLASSIFICATION = frozenset({"xor", "circle", "gauss", "spiral"})
REGRESSION = frozenset({"plane", "sine"})

MAX_SAMPLES = 100_000
# Standard deviation of the added Gaussian noise at noise=1, in units of the input
# half-range; 0.5 matches Playground's maximum noise of 50 %.
NOISE_STD = 0.5
_XOR_GAP = 0.06  # keeps xor points off the axes, where the label would be ambiguous
_MAX_LINE_BYTES = 1_000_000


BUNDLED_DATASETS = {"digits": "Digits (8×8)", "iris": "Iris", "wine": "Wine", "breast_cancer": "Breast cancer"}
"""Names of the real data sets :func:`load_dataset` reads → display names."""


class DatasetError(ValueError):
    """A dataset cannot be built or loaded; the message says what is wrong (and where)."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """A labelled data set: ``X`` ``(n, d)`` float inputs and ``y`` ``(n,)`` int class indices 0 … k−1.

    ``class_names`` has k entries, ``feature_names`` d; ``image_shape`` is ``(rows, columns)`` when
    each input row is an image read row by row (digits: ``(8, 8)``), else None. The arrays are
    read-only: derived data (standardised, split) are new arrays.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    class_names: tuple[str, ...]
    feature_names: tuple[str, ...]
    image_shape: tuple[int, int] | None = None

    @property
    def n_classes(self) -> int:
        return len(self.class_names)


def load_dataset(name: str) -> Dataset:
    """One of :data:`BUNDLED_DATASETS`: ``"digits"`` (1,797 8×8 images, pixels scaled to 0 … 1),
    ``"iris"``, ``"wine"`` or ``"breast_cancer"`` as published (not scaled).

    scikit-learn is imported here, when a data set is asked for, so that it costs nothing at start-up.
    """
    if name not in BUNDLED_DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of: {', '.join(BUNDLED_DATASETS)}")
    from sklearn import datasets  # ~1 s to import: only when a real data set is chosen

    bunch = getattr(datasets, f"load_{name}")()
    X = np.array(bunch.data, dtype=np.float64)
    image_shape = None
    if name == "digits":
        X /= 16.0  # grey levels 0 … 16
        image_shape = (8, 8)
    y = np.array(bunch.target, dtype=np.int64)
    for a in (X, y):
        a.flags.writeable = False
    return Dataset(name=name, X=X, y=y, class_names=tuple(str(c) for c in bunch.target_names),
                   feature_names=tuple(str(f) for f in bunch.feature_names), image_shape=image_shape)


def is_classification(name: str) -> bool:
    """True for the classification datasets (labels 0/1), False for regression ones.

    Raises ValueError for a name not in ``DATASETS``.
    """
    _check_name(name)
    return name in CLASSIFICATION


def _check_name(name: str) -> None:
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; valid names: {', '.join(DATASETS)}")


def _xor(rng: np.random.Generator, count: int, label: int) -> np.ndarray:
    # Label 1 in the quadrants where x0 and x1 share a sign (x0 * x1 > 0).
    magnitude = rng.uniform(_XOR_GAP, 1.0, (count, 2))
    sign0 = rng.choice([-1.0, 1.0], count)
    sign1 = sign0 if label == 1 else -sign0
    return magnitude * np.column_stack([sign0, sign1])


def _circle(rng: np.random.Generator, count: int, label: int) -> np.ndarray:
    # Label 1 is the inner disc (radius <= 0.5), label 0 the outer ring (0.7..1.0).
    low, high = (0.0, 0.5) if label == 1 else (0.7, 1.0)
    radius = rng.uniform(low, high, count)
    angle = rng.uniform(0.0, 2.0 * math.pi, count)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def _gauss(rng: np.random.Generator, count: int, label: int) -> np.ndarray:
    # Label 1 is the blob around (0.4, 0.4), label 0 the one around (-0.4, -0.4).
    centre = 0.4 if label == 1 else -0.4
    return rng.normal(centre, 0.14, (count, 2))


def _spiral(rng: np.random.Generator, count: int, label: int) -> np.ndarray:
    # Deterministic arms (as in Playground); label 0 is label 1's arm turned by pi.
    frac = np.arange(count) / count
    angle = 1.75 * 2.0 * math.pi * frac + (0.0 if label == 1 else math.pi)
    return np.column_stack([frac * np.sin(angle), frac * np.cos(angle)])


_CLASS_SHAPES = {"xor": _xor, "circle": _circle, "gauss": _gauss, "spiral": _spiral}
_TARGETS = {
    "plane": lambda X: (X[:, 0] + X[:, 1]) / 2.0,
    "sine": lambda X: np.sin(math.pi * X[:, 0]),
}


def make_dataset(
    name: str, n_samples: int = 200, noise: float = 0.0, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Generate dataset ``name`` with ``n_samples`` points in shuffled order.

    Returns ``X`` of shape ``(n_samples, 2)`` and ``y`` of shape ``(n_samples,)``, both
    float64. Classification sets have labels exactly 0.0/1.0, ``n_samples // 2`` of class 0
    and the rest of class 1. ``noise`` in [0, 1] adds Gaussian noise of standard deviation
    ``NOISE_STD * noise``: to the inputs for classification (labels keep the clean
    geometry), to the targets for regression (inputs stay uniform in [-1, 1]).
    The same ``seed`` gives identical arrays.
    """
    _check_name(name)
    try:
        n = operator.index(n_samples)
    except TypeError:
        raise ValueError(f"n_samples must be an integer, not {n_samples!r}") from None
    if not 2 <= n <= MAX_SAMPLES:
        raise ValueError(f"n_samples must be between 2 and {MAX_SAMPLES}, not {n}")
    try:
        noise = float(noise)
    except (TypeError, ValueError):
        raise ValueError(f"noise must be a number, not {noise!r}") from None
    if not (math.isfinite(noise) and 0.0 <= noise <= 1.0):
        raise ValueError(f"noise must be between 0 and 1, not {noise}")
    rng = np.random.default_rng(seed)
    spread = NOISE_STD * noise

    if name in REGRESSION:
        X = rng.uniform(-1.0, 1.0, (n, 2))
        y = _TARGETS[name](X) + rng.normal(0.0, spread, n)
        return X, y

    n0 = n // 2
    X = np.concatenate([_CLASS_SHAPES[name](rng, n0, 0), _CLASS_SHAPES[name](rng, n - n0, 1)])
    X += rng.normal(0.0, spread, X.shape)
    y = np.repeat([0.0, 1.0], [n0, n - n0])
    order = rng.permutation(n)  # so that any prefix of the data mixes both classes
    return X[order], y[order]


def train_test_split(
    X: np.ndarray, y: np.ndarray, test_ratio: float = 0.5, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle ``X`` (n, d) and ``y`` (n,) with ``seed`` and split them.

    Returns ``(X_train, y_train, X_test, y_test)``; the test part has
    ``floor(n * test_ratio)`` rows, capped so that at least one training row remains.
    ``test_ratio`` must be in [0, 1).
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or y.ndim != 1 or len(X) != len(y):
        raise ValueError(f"need X of shape (n, d) and y of shape (n,), got {X.shape} and {y.shape}")
    if len(X) == 0:
        raise ValueError("cannot split an empty dataset")
    if not (math.isfinite(test_ratio) and 0.0 <= test_ratio < 1.0):
        raise ValueError(f"test_ratio must be in [0, 1), not {test_ratio}")
    n = len(X)
    n_test = min(int(n * test_ratio), n - 1)
    order = np.random.default_rng(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], y[train], X[test], y[test]


def _short(text: str) -> str:
    # Keep error messages readable when a cell is huge.
    return text if len(text) <= 30 else text[:27] + "..."


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _read_lines(file: BinaryIO, name: str) -> Iterator[tuple[int, str]]:
    """Yield (1-based line number, text without line ending) for each line of ``file``."""
    # Bounded reads, so that a file without newlines cannot exhaust memory.
    chunks = iter(lambda: file.readline(_MAX_LINE_BYTES + 1), b"")
    for line_no, raw in enumerate(chunks, start=1):
        if len(raw) > _MAX_LINE_BYTES and not raw.endswith(b"\n"):
            raise DatasetError(f"line {line_no}: longer than {_MAX_LINE_BYTES} bytes")
        if line_no == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")  # BOM written by spreadsheet programs
        try:
            # Decoding line by line gives the exact line number of bad bytes.
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise DatasetError(f"{name}: line {line_no}: not UTF-8 text") from None
        yield line_no, text.rstrip("\r\n")


def _parse_row(cells: list[str], line_no: int) -> list[float]:
    row = []
    for column, cell in enumerate(cells, start=1):
        try:
            value = float(cell)
        except ValueError:
            raise DatasetError(f"line {line_no}: column {column} is {_short(cell)!r}, not a number") from None
        if not math.isfinite(value):
            raise DatasetError(f"line {line_no}: column {column} is {_short(cell)!r}, not a finite number")
        row.append(value)
    return row


def load_csv(
    path: str | os.PathLike, target_column: int = -1, max_rows: int = 1_000_000
) -> tuple[np.ndarray, np.ndarray]:
    """Load numeric data from a delimited UTF-8 text file.

    Every row holds input values and one target (column ``target_column``, negative
    counts from the end). The separator is the first of ';', tab, ',' found in the first
    data line. A first non-comment line with a non-numeric cell is a header and is
    skipped; blank lines and lines starting with '#' are ignored.
    Returns float64 ``X`` of shape ``(n_rows, n_columns - 1)`` and ``y`` of shape
    ``(n_rows,)``. Raises DatasetError naming the file or the 1-based line number.
    """
    if max_rows < 1:
        raise ValueError(f"max_rows must be at least 1, not {max_rows}")
    name = os.fspath(path)
    separator = ","
    n_columns = 0
    values = array("d")  # compact flat storage while streaming
    header_allowed = True
    try:
        with open(path, "rb") as file:
            for line_no, text in _read_lines(file, name):
                if not text.strip() or text.lstrip().startswith("#"):
                    continue
                if n_columns == 0:
                    separator = next((s for s in ";\t" if s in text), ",")
                cells = [c.strip().strip('"') for c in text.split(separator)]
                if header_allowed:
                    header_allowed = False
                    if not all(_is_number(c) for c in cells):
                        continue
                if n_columns == 0:
                    n_columns = len(cells)
                    if n_columns < 2:
                        raise DatasetError(
                            f"line {line_no}: found 1 column, need at least 2 (inputs and target)"
                        )
                    if not -n_columns <= target_column < n_columns:
                        raise DatasetError(
                            f"line {line_no}: target_column {target_column} is out of range"
                            f" for {n_columns} columns"
                        )
                elif len(cells) != n_columns:
                    raise DatasetError(
                        f"line {line_no}: {len(cells)} columns, but the first data line has {n_columns}"
                    )
                values.extend(_parse_row(cells, line_no))
                if len(values) > max_rows * n_columns:
                    raise DatasetError(f"line {line_no}: more than {max_rows} data rows")
    except FileNotFoundError:
        raise DatasetError(f"file not found: {name}") from None
    except OSError as error:
        raise DatasetError(f"cannot read {name}: {error.strerror or error}") from None
    if n_columns == 0:
        raise DatasetError(f"{name}: no data rows")
    table = np.frombuffer(values, dtype=np.float64).reshape(-1, n_columns)
    return np.delete(table, target_column, axis=1), table[:, target_column].copy()
