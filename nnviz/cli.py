"""Argument parsing shared by the window (``nnviz``) and ``nnviz render``: the network flags and ``--open``."""

from __future__ import annotations

import argparse
from pathlib import Path


class Parser(argparse.ArgumentParser):
    """Reports a mistake in one line and points to ``-h``, instead of printing the whole usage first."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\nsee {self.prog} -h\n")


def add_network_arguments(parser, activations, initializers) -> None:
    """The flags that describe a network; shared by the window and ``nnviz render``."""
    group = parser.add_argument_group("network")
    group.add_argument("--open", metavar="FILE",
                       help="open a saved network or lecture (.json), or a trained model (.onnx, .pt, .pth, "
                            ".safetensors, .keras, .h5, .joblib, .pkl, .npz)")
    group.add_argument("--layers", type=int, nargs="+", metavar="N",
                       help="layer sizes, input to output (default: 2 4 2)")
    group.add_argument("--inputs", type=float, nargs="+", metavar="X",
                       help="input values, one per input node (default: 3 4)")
    group.add_argument("--activation", choices=list(activations),
                       help="hidden activation (default: sigmoid; with --open MODEL: the file's, else relu)")
    group.add_argument("--output-activation", choices=list(activations),
                       help="output activation (default: the hidden one; with --open MODEL: the file's, "
                            "else linear)")
    group.add_argument("--init", choices=list(initializers), help="weight initialiser (default: truncated_normal)")
    group.add_argument("--init-scale", type=float, metavar="S", help="multiply the initial weights by S")
    group.add_argument("--seed", type=int, metavar="N", help="random seed for the weights (default: the same "
                                                             "fixed seed at every launch; R in the window re-rolls)")
    group.add_argument("--bias", action="store_true", help="give every layer a bias")


def network_from_args(parser, args):
    """``(network, inputs, opened)`` from parsed flags or ``--open FILE``; ``opened`` is the
    :class:`~nnviz.core.documents.Opened` file (its ``kind`` says lecture, network or model), None without ``--open``.

    A lecture gives its first scene, or scene ``args.scene`` where the parser has ``--scene``
    (``nnviz render``). A bad value ends in ``parser.error`` (exit code 2).
    """
    from nnviz.core import Network, NetworkFileError
    from nnviz.core.defaults import DEFAULT_SEED

    scene = getattr(args, "scene", None)
    if args.open:
        given = [f for f in ("layers", "init", "init_scale", "seed")
                 if getattr(args, f) is not None] + (["bias"] if args.bias else [])
        if given:
            parser.error(f"--open cannot be combined with --{given[0].replace('_', '-')}")
        try:
            network, inputs, opened = _read_open_file(parser, args, scene)
        except NetworkFileError as e:
            parser.error(str(e))
    else:
        if scene is not None:
            parser.error("--scene needs --open with a lecture file")
        try:
            network = Network(
                args.layers or [2, 4, 2],
                activation=args.activation or "sigmoid",
                output_activation=args.output_activation,
                init=args.init or "truncated_normal",
                init_scale=1.0 if args.init_scale is None else args.init_scale,
                seed=DEFAULT_SEED if args.seed is None else args.seed,
                bias=args.bias,
            )
        except ValueError as e:
            parser.error(str(e))
        inputs, opened = [3.0, 4.0][: network.layer_sizes[0]], None
    if args.inputs is not None:
        if len(args.inputs) != network.layer_sizes[0]:
            parser.error(f"--inputs gives {len(args.inputs)} value(s) but the input layer has "
                         f"{network.layer_sizes[0]} node(s)")
        if not all(abs(v) < float("inf") for v in args.inputs):
            parser.error("--inputs must be finite numbers")
        inputs = args.inputs
    return network, inputs, opened


def _read_open_file(parser, args, scene: int | None):
    """``(network, inputs or None, opened)`` from a network file, a model file (with ``--activation``
    and ``--output-activation``) or one scene of a lecture."""
    from nnviz.core.documents import read_any

    path = Path(args.open)
    opened = read_any(path, activation=args.activation, output_activation=args.output_activation)
    if opened.kind != "model":
        flag = next((f for f in ("activation", "output_activation") if getattr(args, f) is not None), None)
        if flag:
            parser.error(f"--{flag.replace('_', '-')} applies to model files only; {path.name} is an nnviz file")
    if opened.kind != "lecture":
        if scene is not None:
            parser.error(f"--scene: {path.name} is a network file, not a lecture")
        return opened.network, opened.inputs, opened
    index = 1 if scene is None else scene
    if not 1 <= index <= len(opened.scenes):
        parser.error(f"--scene {index}: {path.name} has scenes 1 to {len(opened.scenes)}")
    return opened.scenes[index - 1].network, opened.scenes[index - 1].inputs, opened


def add_colour_arguments(parser) -> None:
    """The flags of the weight colours and weight matrices; shared by the window and ``nnviz render``."""
    from nnviz.gui.appearance import WEIGHT_SCALES

    group = parser.add_argument_group("weight colours")
    group.add_argument("--colour-scale", "--color-scale", dest="colour_scale", choices=WEIGHT_SCALES,
                       help="which |w| gets the full colour: each layer's own max, the whole network's max "
                            "(default), or a fixed range (--weight-range)")
    group.add_argument("--weight-range", type=float, metavar="R",
                       help="fixed colour range: ±R gets the full colour (implies --colour-scale fixed)")
    group.add_argument("--matrix-above", type=int, metavar="N",
                       help="draw weight layers of more than N edges as a weight matrix (a heatmap)")


def appearance_from_args(parser, args) -> dict:
    """The :class:`~nnviz.gui.appearance.Appearance` options the colour flags ask for (``{}``: none)."""
    options = {}
    mode = args.colour_scale
    if args.weight_range is not None:
        if not 0 < args.weight_range < float("inf"):
            parser.error(f"--weight-range must be a positive number, got {args.weight_range}")
        if mode not in (None, "fixed"):
            parser.error(f"--weight-range needs --colour-scale fixed, not {mode}")
        mode = "fixed"
    if mode == "fixed" and args.weight_range is None:
        parser.error("--colour-scale fixed needs --weight-range R")
    if mode is not None:
        options.update(weight_range=args.weight_range, per_layer_colors=mode == "layer")
    if args.matrix_above is not None:
        if args.matrix_above < 0:
            parser.error(f"--matrix-above must be 0 or more, got {args.matrix_above}")
        options["matrix_above"] = args.matrix_above
    return options
