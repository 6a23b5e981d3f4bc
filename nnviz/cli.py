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
