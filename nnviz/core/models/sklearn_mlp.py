"""scikit-learn ``MLPClassifier`` / ``MLPRegressor`` saved with ``joblib.dump`` or ``pickle``; sklearn never runs."""

from __future__ import annotations

from .model import ImportedModel, LayerError, make_model
from .safe_pickle import Record, array_of, numpy_globals, record_globals, unpickle

_ESTIMATORS = ("MLPClassifier", "MLPRegressor")
_MODULES = ("sklearn.neural_network._multilayer_perceptron", "sklearn.neural_network.multilayer_perceptron")
_ALLOWED = {
    **numpy_globals(),
    **record_globals(*(f"{m}.{e}" for m in _MODULES for e in _ESTIMATORS)),
    **record_globals("sklearn.preprocessing._label.LabelBinarizer",
                     "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
                     "sklearn.neural_network._stochastic_optimizers.SGDOptimizer"),
}
# scikit-learn's names for the activations it offers.
_ACTIVATIONS = {"identity": "linear", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu", "softmax": "softmax"}


def _refuse(module, name) -> str:
    if str(module).startswith("sklearn"):
        return f"{module}.{name} is not an MLPClassifier or MLPRegressor (the only scikit-learn models read)"
    return (f"the pickle asks for {module}.{name}, which nnviz refuses to run "
            "(only scikit-learn MLPs and numpy arrays are allowed)")


def read_sklearn(data: bytes) -> ImportedModel:
    """The MLP in a joblib or pickle file's bytes. Raises :class:`LayerError`."""
    estimator = unpickle(data, _ALLOWED, _refuse)
    if not isinstance(estimator, Record) or estimator.qualname.rsplit(".", 1)[-1] not in _ESTIMATORS:
        raise LayerError("the pickle holds no scikit-learn MLPClassifier or MLPRegressor")
    state = estimator.state
    kind = estimator.qualname.rsplit(".", 1)[-1]
    coefs, intercepts = state.get("coefs_"), state.get("intercepts_")
    if not isinstance(coefs, list) or not isinstance(intercepts, list):
        raise LayerError(f"the {kind} has not been fitted (no coefs_)")
    hidden, output = state.get("activation"), state.get("out_activation_")
    for name in (hidden, output):
        if name not in _ACTIVATIONS:
            raise LayerError(f"unknown scikit-learn activation {str(name)[:40]!r}")
    weights = [array_of(c) for c in coefs]
    if not all(hasattr(w, "ndim") and w.ndim == 2 for w in weights):
        raise LayerError(f"the {kind}'s coefs_ are not 2-D arrays")
    n = len(weights)
    activations = [_ACTIVATIONS[hidden]] * (n - 1) + [_ACTIVATIONS[output]]
    # scikit-learn keeps coefs_ as (n_in, n_out); nnviz's weights are (n_out, n_in).
    loss = "cross_entropy" if state.get("loss") == "log_loss" or kind == "MLPClassifier" else "mse"
    return make_model([w.T for w in weights], [array_of(b) for b in intercepts], activations,
                      f"scikit-learn {kind}, {n} layers", loss)
