"""Benchmark: nnviz's ``fit`` against scikit-learn's ``MLPClassifier`` on the digits, same run, same settings.

64-32-10 ReLU, softmax + cross-entropy, SGD with momentum 0.9 (no Nesterov), learning rate 0.1,
batch 32, no L2, 20 epochs, a 75/25 split (inputs standardised on the training part). Prints the
seconds and test accuracy of both and the time ratio. Target: nnviz at least as fast (1.5× faster),
test accuracy within 2 points of scikit-learn's. The two take turns, ``REPEATS`` runs each, and the best
time of each counts: on a shared machine the load changes from second to second.
Run ``python scripts/bench_digits.py``; ``scripts/bench.py`` may call :func:`bench_digits`.
"""

from __future__ import annotations

import os
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

EPOCHS = 20
BATCH = 32
LEARNING_RATE = 0.1
MOMENTUM = 0.9
HIDDEN = 32
REPEATS = 5


def _data(seed: int):
    from nnviz.core.datasets import load_dataset, train_test_split

    digits = load_dataset("digits")
    X_train, y_train, X_test, y_test = train_test_split(digits.X, digits.y, 0.25, seed=seed)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std[std == 0] = 1.0
    return (X_train - mean) / std, y_train, (X_test - mean) / std, y_test


def _nnviz(X_train, y_train, X_test, y_test, seed: int) -> tuple[float, float]:
    from nnviz.core import Network, fit
    from nnviz.core.metrics import accuracy
    from nnviz.core.targets import predict_labels

    net = Network([64, HIDDEN, 10], activation="relu", output_activation="softmax", loss="cross_entropy",
                  init="xavier_uniform", seed=seed, bias=True)
    start = time.perf_counter()
    fit(net, X_train, y_train, EPOCHS, batch_size=BATCH, learning_rate=LEARNING_RATE, momentum=MOMENTUM,
        seed=seed)
    seconds = time.perf_counter() - start
    return seconds, accuracy(y_test, predict_labels(net, X_test))


def _sklearn(X_train, y_train, X_test, y_test, seed: int) -> tuple[float, float]:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(hidden_layer_sizes=(HIDDEN,), activation="relu", solver="sgd", momentum=MOMENTUM,
                          nesterovs_momentum=False, learning_rate_init=LEARNING_RATE, batch_size=BATCH, alpha=0.0,
                          max_iter=EPOCHS, early_stopping=False, n_iter_no_change=10**9, tol=0.0,
                          random_state=seed)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # 20 epochs on purpose
        model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    return seconds, float(model.score(X_test, y_test))


def bench_digits(seed: int = 0) -> dict:
    """Print and return ``{"nnviz": (seconds, accuracy), "sklearn": (seconds, accuracy)}``: the best
    time of ``REPEATS`` runs each, the test accuracy of the last."""
    data = _data(seed)
    runs = {"nnviz": [], "sklearn": []}
    for _ in range(REPEATS):
        runs["nnviz"].append(_nnviz(*data, seed))
        runs["sklearn"].append(_sklearn(*data, seed))
    results = {name: (min(seconds for seconds, _ in done), done[-1][1]) for name, done in runs.items()}
    print(f"digits 64-{HIDDEN}-10 relu, softmax + cross-entropy, {EPOCHS} epochs of SGD (batch {BATCH}, "
          f"lr {LEARNING_RATE}, momentum {MOMENTUM}):")
    for name, (seconds, acc) in results.items():
        print(f"  {name:8s} {seconds * 1000:8.1f} ms   test accuracy {acc:.3f}")
    ratio = results["sklearn"][0] / results["nnviz"][0]
    print(f"  nnviz is {ratio:.2f}× as fast as scikit-learn (target ≥ 1.5×); "
          f"accuracy difference {100 * (results['nnviz'][1] - results['sklearn'][1]):+.1f} points")
    return results


if __name__ == "__main__":
    bench_digits()
