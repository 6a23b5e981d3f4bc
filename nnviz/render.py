"""``nnviz render``: draw the network to a PNG or SVG file with no window and no display.

    nnviz render --layers 2 4 2 --seed 1 -o net.png --size 1920x1080 --theme dark
    nnviz render --open lecture.json --scene 3 -o scene3.svg

Exit codes: 0 written; 2 bad arguments or an unreadable file (one line on stderr); 1 the picture
could not be written.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DEFAULT_SIZE = "1920x1080"


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
    parser.add_argument("--size", default=DEFAULT_SIZE, type=_size, metavar="WxH",
                        help=f"picture size in pixels (default: {DEFAULT_SIZE})")
    parser.add_argument("--theme", choices=THEMES, default=THEMES[0], help="colours of the background and nodes")
    parser.add_argument("--palette", choices=PALETTES, default=PALETTES[0],
                        help="edge colours; 'colorblind' is a blue–orange map")
    parser.add_argument("--scale", type=float, default=1.0, metavar="S",
                        help="presentation scale 0.5 … 4: bigger labels, nodes and edges (default: 1)")
    add_network_arguments(parser, ACTIVATIONS, INITIALIZERS)
    add_colour_arguments(parser)
    parser.add_argument("--scene", type=int, metavar="N",
                        help="with --open LECTURE: draw scene N (from 1; default: the first)")
    return parser


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
        if output.suffix.lower() not in (".png", ".svg"):
            parser.error(f"the output must be a .png or .svg file, not {output.name!r}")
        if not output.absolute().parent.is_dir():
            parser.error(f"the folder {str(output.absolute().parent)!r} does not exist")
        if not 0.5 <= args.scale <= 4.0:
            parser.error(f"--scale must be between 0.5 and 4, got {args.scale}")
        from nnviz.cli import appearance_from_args, network_from_args

        network, inputs, _lecture = network_from_args(parser, args)
        look = appearance_from_args(parser, args)
    except SystemExit as e:  # argparse's usage errors (2) and --help (0)
        return e.code if isinstance(e.code, int) else 2
    return _render(network, inputs, args, look)


def _render(network, inputs, args, look: dict) -> int:
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
    view = NetworkView(state, appearance)
    app.processEvents()
    width, height = args.size
    try:
        save_picture(view, args.output, width, height)
    except (OSError, ValueError) as e:
        print(f"nnviz render: error: {e}", file=sys.stderr)
        return 1
    finally:
        view.deleteLater()
    return 0
