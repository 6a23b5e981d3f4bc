"""Named tensors (a PyTorch ``state_dict``, a safetensors file) -> the Linear layers they describe."""

from __future__ import annotations

import re

from .model import ImportedModel, LayerError, check_sizes, make_model

# Tensor names that only non-MLP layers have, with the layer that has them.
_FOREIGN = {
    "running_mean": "BatchNorm", "running_var": "BatchNorm", "num_batches_tracked": "BatchNorm",
    "in_proj_weight": "MultiheadAttention", "in_proj_bias": "MultiheadAttention",
    "weight_ih_l0": "RNN/LSTM/GRU", "weight_hh_l0": "RNN/LSTM/GRU",
}
_CONV = {3: "Conv1d", 4: "Conv2d", 5: "Conv3d"}


def _natural_key(name: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def layers_from_tensors(named, activations, source: str, *, sort: bool, loss=None) -> ImportedModel:
    """``named``: ``(name, shape, read)`` triples in file order, ``read()`` giving the array.

    Shapes are checked (and non-MLP layers refused by name) before any array is read. With ``sort``
    the layers are ordered by their names (``0 < 2 < 10``, ``fc1 < fc2``): safetensors files keep no order.
    """
    groups: dict[str, dict] = {}
    for name, shape, read in named:
        prefix, _, leaf = name.rpartition(".")
        if leaf in _FOREIGN:
            raise LayerError(f"{_FOREIGN[leaf]} ({name}) is not a fully-connected layer")
        if leaf not in ("weight", "bias"):
            raise LayerError(f"{name} is not the weight or bias of a Linear layer")
        groups.setdefault(prefix, {})[leaf] = (name, tuple(shape), read)
    order = sorted(groups, key=_natural_key) if sort else list(groups)
    weights, biases = [], []
    for prefix in order:
        group = groups[prefix]
        if "weight" not in group:
            raise LayerError(f"{prefix or 'a layer'} has a bias but no weight")
        name, shape, _ = group["weight"]
        if len(shape) in _CONV:
            raise LayerError(f"{_CONV[len(shape)]} ({name}, {len(shape)}-D) is not a fully-connected layer")
        if len(shape) != 2:
            raise LayerError(f"{name} is {len(shape)}-D: a LayerNorm, BatchNorm or Embedding, "
                             "not a fully-connected layer")
        if "bias" in group and group["bias"][1] != (shape[0],):
            raise LayerError(f"{group['bias'][0]} has shape {group['bias'][1]}, not ({shape[0]},)")
    shapes = [groups[p]["weight"][1] for p in order]
    for i in range(1, len(shapes)):
        if shapes[i][1] != shapes[i - 1][0]:
            raise LayerError(f"{order[i]} takes {shapes[i][1]} inputs but {order[i - 1]} gives {shapes[i - 1][0]}: "
                             "not a chain of Linear layers")
    if shapes:
        check_sizes([shapes[0][1]] + [s[0] for s in shapes])
    for prefix in order:
        group = groups[prefix]
        weights.append(group["weight"][2]())
        biases.append(group["bias"][2]() if "bias" in group else None)
    return make_model(weights, biases, activations, source.format(n=len(weights)), loss)
