"""Tests for nnviz.core.datasets: generated toy datasets, the train/test split and CSV loading."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.core import datasets
from nnviz.core.datasets import (
    CLASSIFICATION,
    DATASETS,
    NOISE_STD,
    REGRESSION,
    DatasetError,
    is_classification,
    load_csv,
    make_dataset,
    train_test_split,
)

CLASS_NAMES = sorted(CLASSIFICATION)
REGRESSION_NAMES = sorted(REGRESSION)
TARGET = {
    "plane": lambda X: (X[:, 0] + X[:, 1]) / 2.0,
    "sine": lambda X: np.sin(np.pi * X[:, 0]),
}

# ---------------------------------------------------------------- dataset names


def test_names_partition_the_datasets():
    assert DATASETS == ("xor", "circle", "gauss", "spiral", "plane", "sine")
    assert CLASSIFICATION | REGRESSION == set(DATASETS)
    assert not CLASSIFICATION & REGRESSION


@pytest.mark.parametrize("name", DATASETS)
def test_is_classification(name):
    assert is_classification(name) == (name in CLASSIFICATION)


def test_is_classification_rejects_unknown_name():
    with pytest.raises(ValueError, match="xor"):
        is_classification("moons")


# ---------------------------------------------------------------- make_dataset


@pytest.mark.parametrize("name", DATASETS)
def test_shapes_dtypes_and_range(name):
    X, y = make_dataset(name, n_samples=301, seed=1)
    assert X.shape == (301, 2) and y.shape == (301,)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert np.isfinite(X).all() and np.isfinite(y).all()
    # Gaussian blobs have unbounded tails; everything else is inside the unit square.
    assert np.abs(X).max() <= (1.5 if name == "gauss" else 1.0)
    assert np.abs(y).max() <= 1.0


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(DATASETS),
    n=st.integers(2, 500),
    noise=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32),
)
def test_any_valid_arguments(name, n, noise, seed):
    X, y = make_dataset(name, n_samples=n, noise=noise, seed=seed)
    assert X.shape == (n, 2) and y.shape == (n,)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert np.isfinite(X).all() and np.isfinite(y).all()
    if is_classification(name):
        assert set(np.unique(y)) <= {0.0, 1.0}
        assert np.count_nonzero(y == 0.0) == n // 2
        assert np.count_nonzero(y == 1.0) == n - n // 2


@pytest.mark.parametrize("name", DATASETS)
def test_same_seed_same_data_other_seed_other_data(name):
    X1, y1 = make_dataset(name, 100, noise=0.2, seed=7)
    X2, y2 = make_dataset(name, 100, noise=0.2, seed=7)
    X3, y3 = make_dataset(name, 100, noise=0.2, seed=8)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_xor_clean_geometry():
    X, y = make_dataset("xor", 1000, seed=3)
    # Documented rule: label 1 where both coordinates have the same sign.
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(float))
    assert np.abs(X).min() > 0.05  # kept off the axes


def test_circle_clean_geometry():
    X, y = make_dataset("circle", 1000, seed=3)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert radius[y == 1].max() < radius[y == 0].min()  # inner disc is label 1
    assert radius.max() <= 1.0


def test_gauss_clean_geometry():
    X, y = make_dataset("gauss", 2000, seed=3)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [0.4, 0.4], atol=0.02)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [-0.4, -0.4], atol=0.02)


def test_spiral_clean_geometry():
    X, y = make_dataset("spiral", 400, seed=3)
    arm1, arm0 = X[y == 1], X[y == 0]
    # The two arms are point reflections of each other through the origin.
    distance = np.linalg.norm(-arm0[:, None, :] - arm1[None, :, :], axis=2)
    assert distance.min(axis=1).max() < 1e-12
    assert np.hypot(X[:, 0], X[:, 1]).max() < 1.0


@pytest.mark.parametrize("name", REGRESSION_NAMES)
def test_regression_clean_targets(name):
    X, y = make_dataset(name, 500, seed=3)
    np.testing.assert_allclose(y, TARGET[name](X), atol=1e-12)
    assert np.abs(X).max() <= 1.0
    assert y.min() < -0.8 and y.max() > 0.8  # scaled to about [-1, 1]


@pytest.mark.parametrize("name", CLASS_NAMES)
def test_more_noise_spreads_classification_inputs(name):
    spread = [np.var(make_dataset(name, 5000, noise=noise, seed=11)[0]) for noise in (0.0, 0.2, 0.6)]
    assert spread[0] < spread[1] < spread[2]


@pytest.mark.parametrize("name", REGRESSION_NAMES)
@pytest.mark.parametrize("noise", [0.1, 0.5, 1.0])
def test_regression_noise_is_on_targets(name, noise):
    X, y = make_dataset(name, 20_000, noise=noise, seed=11)
    assert np.abs(X).max() <= 1.0
    residual = y - TARGET[name](X)
    assert residual.std() == pytest.approx(NOISE_STD * noise, rel=0.05)


def test_extreme_sizes():
    for n in (2, 3, datasets.MAX_SAMPLES):
        X, y = make_dataset("spiral", n, seed=0)
        assert X.shape == (n, 2) and (y == 1).sum() == n - n // 2


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError) as info:
        make_dataset("moons")
    for name in DATASETS:
        assert name in str(info.value)


@pytest.mark.parametrize("n", [-1, 0, 1, 100_001, 2.5, "10", None])
def test_bad_sample_count(n):
    with pytest.raises(ValueError, match="n_samples"):
        make_dataset("xor", n_samples=n)


@pytest.mark.parametrize("noise", [-0.01, 1.01, math.nan, math.inf, -math.inf, "x", None])
def test_bad_noise(noise):
    with pytest.raises(ValueError, match="noise"):
        make_dataset("xor", noise=noise)


# ---------------------------------------------------------------- train_test_split


def _indexed(n):
    """Data whose rows can be identified: X[:, 0] == y == row number."""
    X = np.column_stack([np.arange(n, dtype=float), np.linspace(-1, 1, n)])
    return X, np.arange(n, dtype=float)


@pytest.mark.parametrize(("n", "ratio", "n_test"), [(10, 0.5, 5), (10, 0.0, 0), (3, 0.99, 2), (1, 0.5, 0)])
def test_split_sizes(n, ratio, n_test):
    X, y = _indexed(n)
    X_train, y_train, X_test, y_test = train_test_split(X, y, test_ratio=ratio, seed=0)
    assert len(X_test) == len(y_test) == n_test
    assert len(X_train) == len(y_train) == n - n_test


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 300), ratio=st.floats(0.0, 1.0, exclude_max=True), seed=st.integers(0, 2**32))
def test_split_is_a_permutation(n, ratio, seed):
    X, y = _indexed(n)
    X_train, y_train, X_test, y_test = train_test_split(X, y, test_ratio=ratio, seed=seed)
    assert len(y_train) >= 1
    assert X_train.shape[1] == X_test.shape[1] == 2
    together = np.concatenate([y_train, y_test])
    np.testing.assert_array_equal(np.sort(together), y)
    # Rows stay whole: inputs still belong to their labels.
    np.testing.assert_array_equal(X_train[:, 0], y_train)
    np.testing.assert_array_equal(X_test[:, 0], y_test)


def test_split_is_reproducible_and_shuffled():
    X, y = _indexed(100)
    first = train_test_split(X, y, 0.3, seed=5)
    again = train_test_split(X, y, 0.3, seed=5)
    other = train_test_split(X, y, 0.3, seed=6)
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[1], other[1])
    assert not np.array_equal(first[1], y[:70])


@pytest.mark.parametrize("ratio", [1.0, -0.1, 1.5, math.nan, math.inf])
def test_split_bad_ratio(ratio):
    X, y = _indexed(10)
    with pytest.raises(ValueError, match="test_ratio"):
        train_test_split(X, y, test_ratio=ratio)


def test_split_bad_shapes():
    X, y = _indexed(10)
    with pytest.raises(ValueError):
        train_test_split(X, y[:9])
    with pytest.raises(ValueError):
        train_test_split(X[:, 0], y)
    with pytest.raises(ValueError):
        train_test_split(X[:0], y[:0])


# ---------------------------------------------------------------- load_csv


def _write(tmp_path, text, name="data.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def test_csv_with_header(tmp_path):
    path = _write(tmp_path, "x1,x2,label\n0.5,1,0\n-1, 2e-1 ,1\n")
    X, y = load_csv(path)
    assert X.dtype == np.float64 and y.dtype == np.float64
    np.testing.assert_array_equal(X, [[0.5, 1.0], [-1.0, 0.2]])
    np.testing.assert_array_equal(y, [0.0, 1.0])


def test_csv_without_header_with_comments_and_blank_lines(tmp_path):
    path = _write(tmp_path, "# made by hand\n\n1,2,3,4\n   \n# middle\n5,6,7,8\n")
    X, y = load_csv(str(path))
    assert X.shape == (2, 3) and y.shape == (2,)
    np.testing.assert_array_equal(X, [[1, 2, 3], [5, 6, 7]])
    np.testing.assert_array_equal(y, [4, 8])


def test_csv_semicolon_tab_crlf_bom_and_quotes(tmp_path):
    expected_X, expected_y = [[1.5, -2.0], [3.0, 4.0]], [1.0, 0.0]
    for i, text in enumerate(
        [
            '"a";"b";"c"\n1.5;-2;1\n3;4;0\n',
            "a\tb\tc\r\n1.5\t-2\t1\r\n3\t4\t0\r\n",
            "\ufeffa,b,c\n1.5,-2,1\n3,4,0",  # BOM, no final newline
        ]
    ):
        X, y = load_csv(_write(tmp_path, text, f"f{i}.csv"))
        np.testing.assert_array_equal(X, expected_X)
        np.testing.assert_array_equal(y, expected_y)


@pytest.mark.parametrize(("column", "target"), [(0, [1.0, 4.0]), (1, [2.0, 5.0]), (-2, [2.0, 5.0])])
def test_csv_target_column(tmp_path, column, target):
    X, y = load_csv(_write(tmp_path, "1,2,3\n4,5,6\n"), target_column=column)
    np.testing.assert_array_equal(y, target)
    assert X.shape == (2, 2)


def test_csv_max_rows_is_inclusive(tmp_path):
    X, y = load_csv(_write(tmp_path, "h,t\n1,2\n3,4\n5,6\n"), max_rows=3)
    assert len(y) == 3


@settings(max_examples=40, deadline=None)
@given(
    table=st.integers(1, 20).flatmap(
        lambda n_rows: st.integers(2, 6).flatmap(
            lambda n_cols: st.lists(
                st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=n_cols, max_size=n_cols),
                min_size=n_rows,
                max_size=n_rows,
            )
        )
    ),
    separator=st.sampled_from([",", ";", "\t"]),
)
def test_csv_round_trip(tmp_path_factory, table, separator):
    path = tmp_path_factory.mktemp("csv") / "data.csv"
    path.write_text("".join(separator.join(repr(v) for v in row) + "\n" for row in table), encoding="utf-8")
    X, y = load_csv(path)
    expected = np.array(table, dtype=np.float64)
    np.testing.assert_array_equal(X, expected[:, :-1])
    np.testing.assert_array_equal(y, expected[:, -1])


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("a,b,c\n1,2,3\n\n# note\n4,abc,6\n", ["line 5", "column 2", "'abc'", "not a number"]),
        ("1,2,3\n4,,6\n", ["line 2", "column 2", "not a number"]),
        ("1,2,3\n4,5\n", ["line 2", "2 columns", "3"]),
        ("x,y,z\n1,2,3\n4,5,6,7\n", ["line 3", "4 columns"]),
        ("1,2,3\n4,nan,6\n", ["line 2", "column 2", "not a finite number"]),
        ("1,2,3\n4,5,-inf\n", ["line 2", "column 3", "not a finite number"]),
        ("nan,1\n", ["line 1", "column 1", "not a finite number"]),
        ("value\n1\n2\n", ["line 2", "at least 2"]),
        ("# only\n\n5\n", ["line 3", "at least 2"]),
        ("1;2\n3;x" + "y" * 100 + "\n", ["line 2", "column 2", "..."]),
    ],
)
def test_csv_bad_content(tmp_path, text, fragments):
    with pytest.raises(DatasetError) as info:
        load_csv(_write(tmp_path, text))
    for fragment in fragments:
        assert fragment in str(info.value)


@pytest.mark.parametrize("text", ["", "\n\n", "# nothing\n", "x,y,label\n", "x,y\n# c\n\n"])
def test_csv_no_data_rows(tmp_path, text):
    path = _write(tmp_path, text)
    with pytest.raises(DatasetError, match="no data rows") as info:
        load_csv(path)
    assert str(path) in str(info.value)


def test_csv_too_many_rows(tmp_path):
    with pytest.raises(DatasetError, match="line 5: more than 3 data rows"):
        load_csv(_write(tmp_path, "h,t\n1,2\n3,4\n5,6\n7,8\n9,10\n"), max_rows=3)


def test_csv_target_column_out_of_range(tmp_path):
    with pytest.raises(DatasetError, match="line 2: target_column 3"):
        load_csv(_write(tmp_path, "a,b,c\n1,2,3\n"), target_column=3)
    with pytest.raises(DatasetError, match="line 1: target_column -4"):
        load_csv(_write(tmp_path, "1,2,3\n"), target_column=-4)


def test_csv_not_utf8(tmp_path):
    path = _write(tmp_path, "x,y\n1,2\n3,4\n\xe9,5\n".encode("latin-1"))
    with pytest.raises(DatasetError, match="line 4: not UTF-8") as info:
        load_csv(path)
    assert str(path) in str(info.value)


def test_csv_missing_file(tmp_path):
    path = tmp_path / "absent.csv"
    with pytest.raises(DatasetError, match="not found") as info:
        load_csv(path)
    assert str(path) in str(info.value)


def test_csv_unreadable_path(tmp_path):
    with pytest.raises(DatasetError, match="cannot read") as info:
        load_csv(tmp_path)  # a directory
    assert str(tmp_path) in str(info.value)


def test_csv_overlong_line_is_not_read_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "_MAX_LINE_BYTES", 50)
    path = _write(tmp_path, "1,2\n" + "3," * 40 + "4\n")
    with pytest.raises(DatasetError, match="line 2: longer than 50 bytes"):
        load_csv(path)


def test_dataset_error_is_a_value_error():
    assert issubclass(DatasetError, ValueError)


# ---------------------------------------------------------------- bundled real data sets

# name: (n, d, class counts, X.sum(), first 16 hex digits of sha256(X as little-endian float64 + y as int64))
BUNDLED = {
    "digits": (1797, 64, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180], 35107.375, "5889d26819cf830d"),
    "iris": (150, 4, [50, 50, 50], 2078.7, "aa06b8008ceba42e"),
    "wine": (178, 13, [59, 71, 48], 159975.295999, "3a28849ef2366c4b"),
    "breast_cancer": (569, 30, [212, 357], 1056474.4596356, "25e2eb7b7a8745b1"),
}


@pytest.mark.parametrize("name", list(BUNDLED))
def test_bundled_data_sets_have_their_published_shape_classes_and_checksum(name):
    import hashlib

    n, d, counts, total, digest = BUNDLED[name]
    data = datasets.load_dataset(name)
    assert data.name == name and data.X.shape == (n, d) and data.y.shape == (n,)
    assert data.X.dtype == np.float64 and data.y.dtype == np.int64
    assert np.bincount(data.y).tolist() == counts and data.n_classes == len(counts) == len(data.class_names)
    assert len(data.feature_names) == d
    assert float(data.X.sum()) == pytest.approx(total, rel=1e-12)
    raw = data.X.astype("<f8").tobytes() + data.y.astype("<i8").tobytes()
    assert hashlib.sha256(raw).hexdigest()[:16] == digest
    assert not data.X.flags.writeable and not data.y.flags.writeable


def test_digits_are_8x8_images_scaled_to_0_1():
    digits = datasets.load_dataset("digits")
    assert digits.image_shape == (8, 8) and digits.class_names == tuple("0123456789")
    assert digits.X.min() == 0.0 and digits.X.max() == 1.0
    assert np.all(digits.X * 16 == np.round(digits.X * 16))  # the 17 grey levels, exactly
    assert all(datasets.load_dataset(name).image_shape is None for name in ("iris", "wine", "breast_cancer"))


def test_an_unknown_bundled_name_is_refused():
    with pytest.raises(ValueError, match="unknown data set 'mnist'; choose one of: digits, iris"):
        datasets.load_dataset("mnist")
