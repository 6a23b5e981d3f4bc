"""``nnviz render``: draw the network to a PNG or SVG file, or animate it, with no window and no display.

    nnviz render --layers 2 4 2 --seed 1 -o net.png --size 1920x1080 --theme dark
    nnviz render --open lecture.json --scene 3 -o scene3.svg
    nnviz render --layers 2 6 1 --animate training --epochs 300 -o xor.gif
    nnviz render --open model.onnx -o model.png

Exit codes: 0 written; 2 bad arguments or an unreadable file (one line on stderr); 1 the picture
could not be written.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DEFAULT_SIZE = "1920x1080"
ANIMATION_SIZE = "960x540"
DEFAULT_FPS = {"training": 12.0, "reroll": 2.0, "scenes": 0.5}
DEFAULT_FRAMES = {"training": 60, "reroll": 12}


def build_parser() -> argparse.ArgumentParser:
    from nnviz.cli import Parser, add_colour_arguments, add_network_arguments
    from nnviz.core import ACTIVATIONS, INITIALIZERS
    from nnviz.gui.appearance import PALETTES, THEMES

    parser = Parser(
        prog="nnviz render",
        description="Draw the network to a PNG or SVG file without opening a window (for slides and papers).",
        epilog="example: nnviz render --layers 3 5 2 --seed 7 --theme dark -o net.png --size 3840x2160",
    )
    parser.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="where to write the picture: a .png or .svg file")
    parser.add_argument("--size", type=_size, metavar="WxH",
                        help=f"picture size in pixels (default: {DEFAULT_SIZE}; {ANIMATION_SIZE} for an animation)")
    parser.add_argument("--theme", choices=THEMES, default=THEMES[0], help="colours of the background and nodes")
    parser.add_argument("--palette", choices=PALETTES, default=PALETTES[0],
                        help="edge colours; 'colorblind' is a blue–orange map")
    parser.add_argument("--scale", type=float, default=1.0, metavar="S",
                        help="presentation scale 0.5 … 4: bigger labels, nodes and edges (default: 1)")
    add_network_arguments(parser, ACTIVATIONS, INITIALIZERS)
    add_colour_arguments(parser)
    parser.add_argument("--scene", type=int, metavar="N",
                        help="with --open LECTURE: draw scene N (from 1; default: the first)")
    figure = parser.add_argument_group("figure")
    figure.add_argument("--no-values", action="store_true", help="leave the values out of the nodes")
    figure.add_argument("--no-legend", action="store_true", help="leave out the colour bars")
    figure.add_argument("--no-captions", action="store_true", help="leave out the layer titles")
    figure.add_argument("--transparent", action="store_true", help="no background (PNG and SVG)")
    figure.add_argument("--schematic", type=int, metavar="N",
                        help="draw layers of more than N nodes as a few nodes, ⋮ and a bracket with the count")
    animation = parser.add_argument_group("animation (output .gif, .png or .webp)")
    animation.add_argument("--animate", choices=("training", "reroll", "scenes"),
                           help="training: the network learning a data set; reroll: one frame per seed; "
                                "scenes: one frame per scene of --open LECTURE")
    animation.add_argument("--epochs", type=_epochs, metavar="[A:]B",
                           help="with --animate training: show epochs A (default 0) to B (default 100)")
    animation.add_argument("--frames", type=int, metavar="N",
                           help="frames of a training (default: 60, or one per epoch) or re-roll (default: 12)")
    animation.add_argument("--fps", type=float, metavar="F",
                           help="frames per second (default: 12 training, 2 re-roll, 0.5 scenes)")
    animation.add_argument("--dataset", metavar="NAME",
                           help="data set to train on: xor, circle, gauss, spiral, plane, sine (2 inputs), or digits, "
                                "iris, wine, breast_cancer (default: the one that fits the inputs and outputs)")
    return parser


def _epochs(text: str) -> tuple[int, int]:
    start, _, stop = text.rpartition(":")
    try:
        first, last = int(start or 0), int(stop)
    except ValueError:
        raise argparse.ArgumentTypeError(f"epochs look like 300 or 100:300, got {text!r}") from None
    if not 0 <= first < last <= 100_000:
        raise argparse.ArgumentTypeError(f"epochs must run forward from 0 to at most 100000, got {text!r}")
    return first, last


def _size(text: str) -> tuple[int, int]:
    from nnviz.gui.document.export_dialog import parse_size

    try:
        return parse_size(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def render_main(argv) -> int:
    """Run ``nnviz render`` with ``argv`` (the arguments after ``render``); returns the exit code."""
    # Always offscreen: a picture for slides must not need (or flash up on) a display.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv))
        output = Path(args.output)
        if args.animate is not None:
            if output.suffix.lower() not in (".gif", ".png", ".apng", ".webp"):
                parser.error(f"an animation is a .gif, .png or .webp file, not {output.name!r}")
        elif any(getattr(args, f) is not None for f in ("epochs", "frames", "fps", "dataset")):
            parser.error("--epochs, --frames, --fps and --dataset need --animate")
        elif output.suffix.lower() not in (".png", ".svg"):
            parser.error(f"the output must be a .png or .svg file, not {output.name!r}")
        if not output.absolute().parent.is_dir():
            parser.error(f"the folder {str(output.absolute().parent)!r} does not exist")
        if not 0.5 <= args.scale <= 4.0:
            parser.error(f"--scale must be between 0.5 and 4, got {args.scale}")
        if args.schematic is not None and not 4 <= args.schematic <= 100:
            parser.error(f"--schematic must be between 4 and 100, got {args.schematic}")
        from nnviz.cli import appearance_from_args, network_from_args

        network, inputs, _opened = network_from_args(parser, args)
        look = appearance_from_args(parser, args)
        frames = None if args.animate is None else _animation_frames(parser, args, network, inputs)
    except SystemExit as e:  # argparse's usage errors (2) and --help (0)
        return e.code if isinstance(e.code, int) else 2
    return _render(network, inputs, args, look, frames)


def _animation_frames(parser, args, network, inputs):
    """``(frames, count)`` for ``--animate``; a bad combination ends in ``parser.error``."""
    from nnviz.core.animation import sequence

    kind = args.animate
    for flag, needs in (("epochs", "training"), ("dataset", "training")):
        if getattr(args, flag) is not None and kind != needs:
            parser.error(f"--{flag} is for --animate {needs}")
    if args.frames is not None and kind == "scenes":
        parser.error("--animate scenes shows one frame per scene; --frames does not apply")
    scenes = ()
    if kind == "scenes":
        if not args.open:
            parser.error("--animate scenes needs --open LECTURE")
        from nnviz.core.documents import read_any

        opened = read_any(Path(args.open))
        if opened.kind != "lecture":
            parser.error(f"--animate scenes: {Path(args.open).name} is a network file, not a lecture")
        scenes = opened.scenes
    try:
        return sequence(kind, network, inputs, epochs=args.epochs or (0, 100),
                        frames=args.frames or DEFAULT_FRAMES.get(kind, 2), dataset=args.dataset, scenes=scenes)
    except ValueError as e:
        parser.error(str(e))


def figure_options(args):
    """The :class:`~nnviz.gui.network_view.export.FigureOptions` the figure flags ask for."""
    from nnviz.gui.network_view.export import FigureOptions

    return FigureOptions(values=not args.no_values, legend=not args.no_legend, captions=not args.no_captions,
                         transparent=args.transparent, schematic=args.schematic)


def _render(network, inputs, args, look: dict, frames=None) -> int:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["nnviz render"])
    from nnviz.gui.appearance import Appearance
    from nnviz.gui.document.export_dialog import save_picture
    from nnviz.gui.network_view import NetworkView
    from nnviz.gui.state import NetworkState

    try:
        state = NetworkState(network, inputs)
    except ValueError as e:
        print(f"nnviz render: error: {e}", file=sys.stderr)
        return 2
    appearance = Appearance()
    appearance.set(theme=args.theme, palette=args.palette, scale=args.scale, **look)
    width, height = args.size or _size(ANIMATION_SIZE if frames else DEFAULT_SIZE)
    if frames is not None:
        return _animate(frames, args, width, height, appearance)
    view = NetworkView(state, appearance)
    app.processEvents()
    try:
        save_picture(view, args.output, width, height, figure=figure_options(args))
    except (OSError, ValueError) as e:
        print(f"nnviz render: error: {e}", file=sys.stderr)
        return 1
    finally:
        view.deleteLater()
    return 0


def _animate(frames, args, width: int, height: int, appearance) -> int:
    from nnviz.gui.document.animation import AnimationExport

    sequence, count = frames
    try:
        export = AnimationExport(sequence, count, args.output, width, height,
                                 args.fps or DEFAULT_FPS[args.animate], appearance, figure_options(args))
    except ValueError as e:
        print(f"nnviz render: error: {e}", file=sys.stderr)
        return 2
    try:
        export.run()
    except OSError as e:
        print(f"nnviz render: error: {e}", file=sys.stderr)
        return 1
    return 0
