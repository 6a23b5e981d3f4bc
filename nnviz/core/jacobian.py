"""The input-output Jacobian ∂y/∂x of a network and its singular values (dynamical isometry)."""

from __future__ import annotations

import numpy as np

from .network import Network


def _unit_derivatives(network: Network, layer: int, z: np.ndarray) -> np.ndarray:
    """f′(z) of layer ``layer`` (1 … L−1) for ``(batch, n)`` pre-activations: ``(batch, n)``."""
    return network.activation_of(layer).derivative(z)


def jacobian(network: Network, x) -> np.ndarray:
    """∂y/∂x at the input ``x``: ``(n_out, n_in)`` for one ``(n_in,)`` vector, ``(batch, n_out, n_in)`` for a batch.

    The chain rule through every layer, ``J = D_L W_L … D_1 W_1`` with ``D_l = diag(f′_l(z_l))``, for
    the network's current weights and activations (biases only move z). Multiplied from the output
    side, so a 784-input network costs n_out rows, not 784 columns. Overflowing layers give inf/NaN.
    """
    x = np.asarray(x, dtype=float)
    single = x.ndim == 1
    trace = network.forward(x[None, :] if single else x)
    n_layers = len(network.weights)
    with np.errstate(over="ignore", invalid="ignore"):
        # (batch, n_out, n_l): ∂y/∂a_l, from the output layer down to the input.
        result = _unit_derivatives(network, n_layers, trace.pre[-1])[:, :, None] * network.weights[-1]
        for layer in range(n_layers - 1, 0, -1):
            result = (result * _unit_derivatives(network, layer, trace.pre[layer - 1])[:, None, :]) @ \
                network.weights[layer - 1]
    return result[0] if single else result


def jacobian_singular_values(network: Network, x) -> np.ndarray:
    """The singular values of :func:`jacobian` at one ``(n_in,)`` input, largest first: ``(min(n_out, n_in),)``.

    All near 1 is dynamical isometry (orthogonal weights with tanh near the origin): every direction of
    the input reaches the output at its size. NaN when the Jacobian is not finite.
    """
    j = jacobian(network, np.asarray(x, dtype=float).ravel())
    if not np.all(np.isfinite(j)):
        return np.full(min(j.shape), np.nan)
    return np.linalg.svd(j, compute_uv=False)


__all__ = ["jacobian", "jacobian_singular_values"]
