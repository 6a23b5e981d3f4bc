"""The network's picture on the input plane: every unit's value over a grid of 2-D inputs.

Only for networks with 2 inputs; the decision-boundary view and the neuron thumbnails draw these.
"""

from __future__ import annotations

import numpy as np

from .network import Network


def grid_coordinates(bounds, resolution: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel-centre coordinates ``(xs, ys)``, each ``(resolution,)``, of a grid over
    ``bounds = (x_min, x_max, y_min, y_max)``; pixel ``[i, j]`` is at ``(xs[j], ys[i])``."""
    x_min, x_max, y_min, y_max = (float(b) for b in bounds)
    if not (x_max > x_min and y_max > y_min):
        raise ValueError(f"bounds must be (x_min, x_max, y_min, y_max) with min < max, got {bounds}")
    resolution = int(resolution)
    if resolution < 1:
        raise ValueError(f"resolution must be at least 1, got {resolution}")
    centres = (np.arange(resolution) + 0.5) / resolution
    return x_min + centres * (x_max - x_min), y_min + centres * (y_max - y_min)


def _plane_trace(network: Network, bounds, resolution: int):
    if network.layer_sizes[0] != 2:
        raise ValueError(f"the input plane needs a network with 2 inputs, this one has {network.layer_sizes[0]}")
    xs, ys = grid_coordinates(bounds, resolution)
    gx, gy = np.meshgrid(xs, ys)  # gx[i, j] = xs[j], gy[i, j] = ys[i]
    with np.errstate(over="ignore", invalid="ignore"):
        return network.forward(np.column_stack([gx.ravel(), gy.ravel()]))


def _as_images(activations: np.ndarray, resolution: int) -> np.ndarray:
    # (res², n) rows in grid order → (n, res, res), row i at ys[i].
    return np.ascontiguousarray(activations.T.reshape(-1, resolution, resolution))


def predict_grid(network: Network, bounds, resolution: int = 100) -> np.ndarray:
    """The network's output over the input plane, ``(n_out, resolution, resolution)``.

    ``[k, i, j]`` is output unit ``k`` at ``(xs[j], ys[i])`` of :func:`grid_coordinates`: row 0 is
    the bottom (``y_min``). One forward pass of the whole grid; the network must have 2 inputs.
    """
    return _as_images(_plane_trace(network, bounds, resolution).output, resolution)


def neuron_grids(network: Network, bounds, resolution: int = 32) -> list[np.ndarray]:
    """Every neuron's activation over the input plane: one ``(n_units, res, res)`` array per layer.

    Layer 0 is the input (x and y themselves), the last is the output, laid out as in
    :func:`predict_grid`. Computed with one forward pass of the grid.
    """
    return [_as_images(post, resolution) for post in _plane_trace(network, bounds, resolution).post]
