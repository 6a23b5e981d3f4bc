"""The input-output Jacobian ∂y/∂x of a network and its singular values (dynamical isometry)."""

from __future__ import annotations

import numpy as np

from .network import Network


def jacobian(network: Network, x) -> np.ndarray:
    """∂y/∂x at the input ``x``: ``(n_out, n_in)`` for one ``(n_in,)`` vector, ``(batch, n_out, n_in)`` for a batch.

    The chain rule through every layer, ``J = A_L W_L … A_1 W_1`` with ``A_l = ∂a_l/∂z_l`` (diagonal
    ``f′_l(z_l)`` for elementwise activations, the full Jacobian for softmax), for the network's
    current weights and per-layer activations (biases only move z). Multiplied from the output side,
    so a 784-input network costs n_out rows, not 784 columns. Overflowing layers give inf/NaN.
    """
    x = np.asarray(x, dtype=float)
    single = x.ndim == 1
    trace = network.forward(x[None, :] if single else x)
    n_out = network.layer_sizes[-1]
    # (batch, n_out, n_l): ∂y/∂a_l, from the output layer (the identity) down to the input.
    result = np.broadcast_to(np.eye(n_out), (trace.post[0].shape[0], n_out, n_out))
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(len(network.weights) - 1, -1, -1):
            # Every row of ∂y/∂a_l times ∂a_l/∂z_l, which backprop computes (softmax's is symmetric).
            z, a = trace.pre[i][:, None, :], trace.post[i + 1][:, None, :]
            result = network.activation_of(i + 1).backprop(z, a, result) @ network.weights[i]
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
