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


# -- the ranges of the values a user types --------------------------------------------------------------

MAX_SEED = 2**31 - 1
"""Largest seed a seed box takes (networks from files may carry larger ones)."""

MAX_FRAMES = 1000
"""Most pictures in one exported animation."""

IMAGE_SIDES = (16, 16384)
"""Narrowest and widest exported picture in pixels (Qt's raster limit is 32767; beyond 16k nobody needs
more); the same numbers as ``MIN_IMAGE_SIDE`` and ``MAX_IMAGE_SIDE`` in ``gui/network_view/export.py``."""

INPUT_LIMIT = 1000.0
"""Inputs are typed in [−INPUT_LIMIT, INPUT_LIMIT]."""

TYPED_WEIGHT_LIMIT = 10_000.0
"""A weight or bias is typed in [−limit, limit] (a file may hold larger ones; the editor then widens)."""


class Range:
    """The values a field takes, and how a refusal reads: "4096 is the largest layer".

    ``too_high`` and ``too_low`` are templates with ``{}`` for the limit.
    """

    def __init__(self, lowest: float, highest: float, too_high: str, too_low: str):
        self.lowest, self.highest = lowest, highest
        self.too_high, self.too_low = too_high, too_low

    def refusal(self, value: float) -> str | None:
        """Why ``value`` is refused, or None when it is in range."""
        if value > self.highest:
            return self.too_high.format(format_limit(self.highest))
        if value < self.lowest:
            return self.too_low.format(format_limit(self.lowest))
        return None


def format_limit(value: float) -> str:
    """A limit as people write it: 4096, 0.99, 0.00001, −1000 (no exponent, no trailing zeros)."""
    text = str(int(value)) if float(value).is_integer() else f"{value:.10f}".rstrip("0")
    return text.replace("-", "−")


RANGES = {
    "layer_size": Range(1, MAX_LAYER_SIZE, "{} is the largest layer", "a layer needs at least {} node"),
    "hidden_layers": Range(0, MAX_HIDDEN_LAYERS, "{} is the most hidden layers", "{} is the fewest hidden layers"),
    "init_scale": Range(0.0, MAX_INIT_SCALE, "{} is the largest scale", "{} is the smallest scale"),
    "seed": Range(0, MAX_SEED, "{} is the largest seed", "{} is the smallest seed"),
    "input": Range(-INPUT_LIMIT, INPUT_LIMIT, "{} is the largest input", "{} is the smallest input"),
    "weight": Range(-TYPED_WEIGHT_LIMIT, TYPED_WEIGHT_LIMIT, "{} is the largest weight you can type",
                    "{} is the smallest weight you can type"),
    "learning_rate": Range(1e-5, 10.0, "{} is the largest learning rate", "{} is the smallest learning rate"),
    "batch_size": Range(1, 1000, "{} is the largest batch", "a batch holds at least {} sample"),
    "l2": Range(0.0, 1.0, "{} is the largest L2 penalty", "{} is the smallest L2 penalty"),
    "momentum": Range(0.0, 0.99, "{} is the largest momentum", "{} is the smallest momentum"),
    "noise_percent": Range(0, 50, "{} % is the most noise", "{} % is the least noise"),
    "train_percent": Range(10, 100, "{} % is the largest training share", "{} % is the smallest training share"),
    "sample_count": Range(10, 100_000, "{} is the most samples", "{} is the fewest samples"),
    "epochs": Range(1, 10_000, "{} is the most epochs", "a run needs at least {} epoch"),
    "image_side": Range(*IMAGE_SIDES, "{} px is the largest picture side", "{} px is the smallest picture side"),
    "export_scale": Range(0.25, 8.0, "×{} is the largest scale", "×{} is the smallest scale"),
    "schematic_nodes": Range(4, 100, "{} nodes is the most a schematic layer shows",
                             "{} nodes is the fewest a schematic layer shows"),
    "animation_epoch": Range(0, 100_000, "{} is the last epoch an animation shows",
                             "{} is the first epoch an animation shows"),
    "frames": Range(2, MAX_FRAMES, "{} is the most frames", "an animation needs at least {} frames"),
    "frame_rate": Range(0.1, 60.0, "{} frames/s is the fastest", "{} frames/s is the slowest"),
    "sample_index": Range(0, 10_000_000, "{} is the last sample", "{} is the first sample"),
}
"""Every typed value's range, by field; the GUI's spin boxes take their ranges from here."""
