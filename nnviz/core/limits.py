"""Size limits shared by the GUI, the command line and the file loader.

One table, so that what the window refuses the loader refuses too, with the same words.
"""

MAX_LAYER_SIZE = 4096
"""Most nodes in any one layer (input and output included)."""

MAX_HIDDEN_LAYERS = 32
"""Most hidden layers; a network has at most ``MAX_HIDDEN_LAYERS + 2`` layers."""

MAX_WEIGHTS = 10_000_000
"""Most weights in the whole network (80 MB of float64)."""

MAX_INIT_SCALE = 1000.0
"""Largest ``init_scale`` (the smallest is 0): far beyond any useful scale, far from overflowing a weight."""


def check_layer_sizes(layer_sizes) -> tuple[int, ...]:
    """Return ``layer_sizes`` as a tuple of ints, or raise ``ValueError`` saying which limit it breaks."""
    try:
        sizes = tuple(int(n) for n in layer_sizes)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"layer sizes must be whole numbers, got {layer_sizes!r}") from None
    # ``n != s`` first: float() of a whole number beyond 1e308 raises OverflowError.
    if any(n != s and float(n) != s for n, s in zip(layer_sizes, sizes)):
        raise ValueError(f"layer sizes must be whole numbers, got {list(layer_sizes)!r}")
    if len(sizes) < 2:
        raise ValueError(f"a network needs at least an input and an output layer, got {len(sizes)} layer(s)")
    if len(sizes) - 2 > MAX_HIDDEN_LAYERS:
        raise ValueError(f"{len(sizes) - 2} hidden layers is more than the limit of {MAX_HIDDEN_LAYERS}")
    for i, n in enumerate(sizes):
        if n < 1:
            raise ValueError(f"{layer_name(i, len(sizes))} has {n} nodes; every layer needs at least 1")
        if n > MAX_LAYER_SIZE:
            raise ValueError(f"{layer_name(i, len(sizes))} has {n} nodes, more than the limit of {MAX_LAYER_SIZE}")
    n_weights = weight_count(sizes)
    if n_weights > MAX_WEIGHTS:
        raise ValueError(f"{n_weights:,} weights is more than the limit of {MAX_WEIGHTS:,}")
    return sizes


def weight_count(layer_sizes) -> int:
    """Number of weights (not biases) between consecutive layers."""
    return sum(int(a) * int(b) for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))


def layer_name(index: int, n_layers: int) -> str:
    """How messages name node layer ``index`` of ``n_layers``: "input layer", "hidden layer 2", "output layer"."""
    if index == 0:
        return "input layer"
    return "output layer" if index == n_layers - 1 else f"hidden layer {index}"


MAX_MODEL_FILE_BYTES = 32 * MAX_WEIGHTS
"""Largest trained-model file read (ONNX, PyTorch, safetensors, Keras, scikit-learn, npz): the weights at
float64 plus room for what such files carry beside them (optimiser moments, metadata)."""
