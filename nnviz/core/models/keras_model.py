"""Keras models: ``.keras`` (a zip of ``config.json`` and ``model.weights.h5``) and legacy HDF5 ``.h5``.

The layer list comes from the JSON config; the weights from HDF5, read with h5py (imported here only).
"""

from __future__ import annotations

import io

import numpy as np

from .archive import open_zip, read_member
from .model import MAX_JSON_BYTES, ImportedModel, LayerError, check_count, check_sizes, make_model, parse_json

HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_TRANSPARENT = {"InputLayer", "Dropout", "Flatten", "GaussianNoise", "GaussianDropout", "AlphaDropout",
                "SpatialDropout1D", "ActivityRegularization"}
# Keras' activation names -> nnviz's. Keras' own leaky_relu has slope 0.2, so it is not nnviz's.
_ACTIVATIONS = {"linear": "linear", None: "linear", "relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh",
                "softmax": "softmax", "elu": "elu", "softplus": "softplus", "gelu": "gelu", "silu": "silu",
                "swish": "silu"}
_NNVIZ_LEAK = 0.01


def read_keras_zip(data: bytes) -> ImportedModel:
    archive = open_zip(data)
    config = parse_json(read_member(archive, "config.json", max_size=MAX_JSON_BYTES), "config.json")
    weights_h5 = read_member(archive, "model.weights.h5")
    dense = _dense_layers(config)
    with _open_h5(weights_h5) as h5:
        arrays = _damage_as_layer_error(lambda: [_keras3_vars(h5, name) for name, *_ in dense])
    return _model(dense, arrays, "Keras model", _loss(config.get("compile_config")))


def read_keras_h5(data: bytes) -> ImportedModel:
    with _open_h5(data) as h5:
        try:
            text = h5.attrs.get("model_config")
        except (OSError, KeyError, ValueError, TypeError) as e:  # HDF5 reports damaged metadata this way
            raise LayerError(f"a damaged HDF5 file ({str(e)[:60]})") from None
        if text is None:
            raise LayerError("an HDF5 file without a Keras model_config (weights only?)")
        config = parse_json(text if isinstance(text, bytes) else str(text), "the model_config")
        dense = _dense_layers(config)
        arrays = _damage_as_layer_error(lambda: [_legacy_vars(_member(h5, "model_weights") or h5, name)
                                                 for name, *_ in dense])
        training = _damage_as_layer_error(lambda: h5.attrs.get("training_config"))
    try:
        training = parse_json(training, "the training_config") if isinstance(training, (bytes, str)) else None
    except LayerError:
        training = None  # the loss is a nicety; the network is whole without it
    return _model(dense, arrays, "Keras HDF5 model", _loss(training))


def _model(dense, arrays, what, loss) -> ImportedModel:
    weights = [kernel.T for kernel, _ in arrays]  # Keras kernels are (n_in, n_out)
    return make_model(weights, [bias for _, bias in arrays], [act for *_, act in dense],
                      f"{what}, {len(dense)} Dense layers", loss)


def _loss(compile_config) -> str | None:
    """nnviz's name for the loss the model was compiled with, when it is one nnviz has."""
    loss = compile_config.get("loss") if isinstance(compile_config, dict) else None
    if isinstance(loss, dict):
        loss = loss.get("class_name") if isinstance(loss.get("class_name"), str) else loss.get("config")
    if not isinstance(loss, str):
        return None
    name = loss.lower().replace("_", "")
    if "crossentropy" in name:
        return "cross_entropy"
    return "mse" if name in ("mse", "meansquarederror") else None


def _dense_layers(config) -> list:
    """``[(name, units, activation), ...]`` for the Dense layers; anything that is not an MLP is refused."""
    if not isinstance(config, dict) or not isinstance(config.get("config"), dict):
        raise LayerError("the model config has no layers")
    layers = config["config"].get("layers")
    if not isinstance(layers, list):
        raise LayerError("the model config has no layer list (a subclassed model?)")
    dense, inputs = [], 0
    for layer in layers:
        kind = layer.get("class_name") if isinstance(layer, dict) else None
        cfg = layer.get("config") if isinstance(layer, dict) else None
        if not isinstance(kind, str) or not isinstance(cfg, dict):
            raise LayerError("a layer in the config has no class_name")
        if kind == "InputLayer":
            inputs += 1
            if inputs > 1:
                raise LayerError("a model with several inputs is not a simple MLP")
        elif kind == "Dense":
            dense.append([str(cfg.get("name")), cfg.get("units"), _activation(cfg.get("activation"))])
        elif kind in ("Activation", "ReLU", "Softmax", "LeakyReLU", "ELU"):
            _fold_activation(dense, kind, cfg)
        elif kind not in _TRANSPARENT:
            raise LayerError(f"{kind} is not a fully-connected layer")
    if not dense:
        raise LayerError("no Dense layers found")
    return [tuple(d) for d in dense]


def _activation(value) -> str:
    if isinstance(value, dict):  # Keras 3 may serialise it as {"class_name": "function", "config": "relu"}
        value = value.get("config") if isinstance(value.get("config"), str) else value.get("class_name")
    if value == "leaky_relu":
        raise LayerError("Keras' leaky_relu has slope 0.2; nnviz's leaky ReLU has 0.01")
    if value not in _ACTIVATIONS:
        raise LayerError(f"the activation {str(value)[:40]!r} is not one nnviz has")
    return _ACTIVATIONS[value]


def _fold_activation(dense: list, kind: str, cfg: dict) -> None:
    """An activation layer right after a linear Dense becomes that Dense layer's activation."""
    if not dense or dense[-1][2] != "linear":
        raise LayerError(f"{kind} layer not directly after a Dense layer without activation")
    if kind == "Activation":
        name = _activation(cfg.get("activation"))
    elif kind == "LeakyReLU":
        slope = cfg.get("negative_slope", cfg.get("alpha", 0.3))
        if not isinstance(slope, (int, float)) or not np.isclose(slope, _NNVIZ_LEAK):
            raise LayerError(f"LeakyReLU with slope {slope}; nnviz's leaky ReLU has {_NNVIZ_LEAK}")
        name = "leaky_relu"
    elif kind == "ELU":
        if cfg.get("alpha", 1.0) != 1.0:
            raise LayerError(f"ELU with alpha {cfg.get('alpha')}; nnviz's ELU has 1")
        name = "elu"
    elif kind == "ReLU":
        if any(cfg.get(k) not in (None, 0, 0.0) for k in ("max_value", "negative_slope", "threshold")):
            raise LayerError("a ReLU layer with max_value, negative_slope or threshold is not nnviz's ReLU")
        name = "relu"
    else:
        name = "softmax"
    dense[-1][2] = name


def _damage_as_layer_error(read):
    """``read()``, with the errors h5py raises for damaged structures turned into :class:`LayerError`."""
    try:
        return read()
    except LayerError:
        raise
    except (OSError, KeyError, ValueError, TypeError) as e:
        raise LayerError(f"a damaged HDF5 file ({str(e)[:60]})") from None


def _open_h5(data: bytes):
    import h5py  # imported here: only needed when a Keras file is opened

    try:
        return h5py.File(io.BytesIO(data), "r")
    except Exception as e:  # h5py raises OSError, ValueError, KeyError... for damaged files
        raise LayerError(f"not a readable HDF5 file ({str(e)[:60]})") from None


def _keras3_vars(h5, name: str):
    group = _member(h5, f"layers/{name}/vars")
    if group is None:
        raise LayerError(f"the weights file has no weights for layer {name}")
    return _kernel_and_bias(name, [_member(group, k) for k in sorted(group.keys(), key=int)])


def _legacy_vars(group, name: str):
    layer = _member(group, name)
    if layer is None:
        raise LayerError(f"the file has no weights for layer {name}")
    names = [n.decode() if isinstance(n, bytes) else str(n) for n in layer.attrs.get("weight_names", [])]
    kernels = [n for n in names if "kernel" in n.rsplit("/", 1)[-1]]
    biases = [n for n in names if "bias" in n.rsplit("/", 1)[-1]]
    return _kernel_and_bias(name, [_member(layer, n) for n in kernels[:1] + biases[:1]])


def _member(group, path: str):
    """The object at ``path`` under ``group``, or None; every step must be a hard link, since an external
    link opens another file (and a soft link may lead there); HDF5 files that Keras writes hold no other."""
    import h5py
    node = group
    for part in (p for p in path.split("/") if p):
        if not isinstance(node, h5py.Group) or part not in node:
            return None
        if not isinstance(node.get(part, getlink=True), h5py.HardLink):
            raise LayerError(f"{path} is a link to elsewhere; nnviz reads only what is stored in this file")
        node = node[part]
    return node


def _kernel_and_bias(name: str, datasets: list):
    import h5py

    if not datasets or len(datasets) > 2 or not all(isinstance(d, h5py.Dataset) for d in datasets):
        raise LayerError(f"layer {name} does not have a kernel and a bias")
    for d in datasets:
        if d.is_virtual or d.external:
            raise LayerError(f"layer {name}'s weights are stored in another file; nnviz reads only this one")
        check_count(int(np.prod(d.shape, dtype=object)), f"layer {name}")
        if d.dtype.kind != "f":
            raise LayerError(f"layer {name}'s weights are of type {d.dtype}, not floating point")
    kernel_shape = datasets[0].shape
    if len(kernel_shape) == 2:
        check_sizes(kernel_shape)
    try:
        arrays = [np.asarray(d[()], dtype=float) for d in datasets]
    except Exception as e:  # damaged chunks or filters
        raise LayerError(f"cannot read layer {name}'s weights ({str(e)[:60]})") from None
    return arrays[0], (arrays[1] if len(arrays) == 2 else None)
