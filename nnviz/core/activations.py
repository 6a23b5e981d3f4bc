"""Activation functions with their derivatives, vectorised over numpy arrays.

All but one act on each z alone. ``softmax`` normalises a whole layer (each row of the last axis);
its :attr:`Activation.elementwise` is False, and :meth:`Activation.curve` gives the one-unit
picture that plots draw instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import erf, expit

_SQRT2 = np.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)
_LEAK = 0.01
# z·σ(z) and z·Φ(z) are inf·0 = NaN at z = ±inf (an overflowed layer); clipping z to the largest
# float gives the right limit (0) there and changes no finite z.
_BIG = np.finfo(float).max


@dataclass(frozen=True)
class Activation:
    """An activation function ``f`` and its derivative ``f'`` on arrays of z.

    ``formula`` is a one-line plain-text formula for plot titles and tooltips; ``symbol`` is the
    short name used when the formula is filled in with numbers (``σ(0.3) = 0.574``).

    ``elementwise`` activations map each z alone, so ``value`` and ``derivative`` work on any shape
    (a plot's 1-D grid of z included). Softmax is not elementwise: ``value`` normalises every row of
    the last axis of a ``(n,)`` layer or ``(batch, n)`` batch, and ``derivative`` gives only the
    diagonal ∂y_k/∂z_k = y_k (1 − y_k) of its Jacobian (the backward pass uses the whole Jacobian).
    Code that draws f over a grid of z calls :meth:`curve` and :meth:`curve_derivative`, which
    are elementwise for every activation.
    """

    name: str
    display_name: str
    formula: str
    symbol: str
    _value: Callable[[np.ndarray], np.ndarray]
    _derivative: Callable[[np.ndarray], np.ndarray]
    saturates: bool = True
    """Whether f' tends to 0 for large |z| (sigmoid, tanh); ReLU-like units 'die' instead."""
    elementwise: bool = True
    _curve: Callable[[np.ndarray], np.ndarray] | None = None
    _curve_derivative: Callable[[np.ndarray], np.ndarray] | None = None
    _backprop: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None

    def value(self, z):
        return self._value(np.asarray(z, dtype=float))

    def derivative(self, z):
        return self._derivative(np.asarray(z, dtype=float))

    def backprop(self, z, a, grad):
        """∂E/∂z from ∂E/∂a = ``grad`` at ``z`` with ``a = f(z)`` (same shapes): ``grad · f'(z)``
        for elementwise activations, the Jacobian-vector product for softmax."""
        if self._backprop is None:
            return grad * self.derivative(z)
        return self._backprop(a, grad)

    def curve(self, z):
        """An elementwise picture of f for plots: f itself, or for softmax one unit's output as its
        own z varies against one other unit at z = 0 (the two-class softmax, σ(z))."""
        return self.value(z) if self._curve is None else self._curve(np.asarray(z, dtype=float))

    def curve_derivative(self, z):
        """The derivative of :meth:`curve`, elementwise."""
        if self._curve_derivative is None:
            return self.derivative(z)
        return self._curve_derivative(np.asarray(z, dtype=float))

    def __call__(self, z):
        return self.value(z)

    def __repr__(self):
        return f"Activation({self.name!r})"


def _sigmoid_derivative(z):
    s = expit(z)
    return s * (1.0 - s)


def _tanh_derivative(z):
    return 1.0 - np.tanh(z) ** 2


def _elu(z):
    # expm1 of a clipped argument: the unused branch of np.where must not overflow.
    return np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))


def _softplus(z):
    with np.errstate(invalid="ignore"):  # logaddexp flags NaN in → NaN out (z of an overflowed layer)
        return np.logaddexp(0.0, z)


def _silu(z):
    return np.maximum(z, -_BIG) * expit(z)


def _silu_derivative(z):
    s = expit(z)
    return s * (1.0 + np.clip(z, -_BIG, _BIG) * (1.0 - s))


def _gelu(z):
    return 0.5 * np.maximum(z, -_BIG) * (1.0 + erf(z / _SQRT2))


def _gelu_derivative(z):
    cdf = 0.5 * (1.0 + erf(z / _SQRT2))
    # Clipping z before squaring keeps z² finite; exp(-z²/2) is already 0 beyond |z| = 100.
    zc = np.clip(z, -100.0, 100.0)
    return cdf + zc * _INV_SQRT_2PI * np.exp(-0.5 * zc * zc)


def softmax(z):
    """``exp(z) / Σ exp(z)`` over the last axis, stable for any finite z (the row maximum is
    subtracted first). Overflowed rows give their limits: the units at +inf share 1; a row of
    NaN or of −inf only is NaN (undefined)."""
    z = np.asarray(z, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        peak = np.max(z, axis=-1, keepdims=True)
        shifted = z - peak
        if peak.max(initial=-np.inf) == np.inf:  # an overflowed row: its +inf units share the 1
            shifted = np.where(peak == np.inf, np.where(z == np.inf, 0.0, -np.inf), shifted)
        e = np.exp(shifted)
        e /= np.sum(e, axis=-1, keepdims=True)
        return e


def _softmax_diagonal(z):
    y = softmax(z)
    return y * (1.0 - y)


def _softmax_backprop(y, grad):
    # Jᵀ g with J = diag(y) − y yᵀ (symmetric): y ⊙ (g − ⟨g, y⟩), one row at a time.
    return y * (grad - np.sum(grad * y, axis=-1, keepdims=True))


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("sigmoid", "Sigmoid", "σ(z) = 1 / (1 + e^(−z))", "σ", expit, _sigmoid_derivative),
        Activation("tanh", "Tanh", "tanh(z)", "tanh", np.tanh, _tanh_derivative),
        Activation(
            "relu", "ReLU", "relu(z) = max(0, z)", "relu",
            lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float), saturates=False,
        ),
        Activation(
            "leaky_relu", "Leaky ReLU", f"lrelu(z) = max({_LEAK}·z, z)", "lrelu",
            lambda z: np.where(z > 0, z, _LEAK * z), lambda z: np.where(z > 0, 1.0, _LEAK), saturates=False,
        ),
        Activation(
            "elu", "ELU", "elu(z) = z if z > 0 else e^z − 1", "elu",
            _elu, lambda z: np.where(z > 0, 1.0, np.exp(np.minimum(z, 0.0))), saturates=False,
        ),
        Activation(
            "softplus", "Softplus", "softplus(z) = ln(1 + e^z)", "softplus", _softplus, expit, saturates=False,
        ),
        Activation("silu", "SiLU (swish)", "silu(z) = z·σ(z)", "silu", _silu, _silu_derivative, saturates=False),
        Activation("gelu", "GELU", "gelu(z) = z·Φ(z)", "gelu", _gelu, _gelu_derivative, saturates=False),
        Activation(
            "linear", "Linear", "f(z) = z", "id", lambda z: z.copy(), np.ones_like, saturates=False,
        ),
        Activation(
            "softmax", "Softmax", "softmax(z)ₖ = e^(zₖ) / Σⱼ e^(zⱼ)", "softmax", softmax, _softmax_diagonal,
            elementwise=False, _curve=expit, _curve_derivative=_sigmoid_derivative, _backprop=_softmax_backprop,
        ),
    )
}


def get_activation(name: str | Activation) -> Activation:
    """Look up an activation by name; unknown names raise ``ValueError`` listing the valid ones."""
    if isinstance(name, Activation):
        return name
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown activation {name!r}; choose one of: {', '.join(ACTIVATIONS)}"
        ) from None
