"""Command line: ``nnviz`` opens the window; ``nnviz render … -o out.png`` draws a picture headless."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# nnviz multiplies small matrices many times a second; BLAS threads only add hand-over cost there
# (measured 10-20x slower per training batch on 2 busy cores). Must be set before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from nnviz import __version__


def build_parser() -> argparse.ArgumentParser:
    from nnviz.core import ACTIVATIONS, INITIALIZERS

    parser = argparse.ArgumentParser(
        prog="nnviz",
        description="See and touch a small fully-connected neural network. "
                    "'nnviz render -h' shows how to draw a picture without a window.",
    )
    parser.add_argument("--version", action="version", version=f"nnviz {__version__}")
    add_network_arguments(parser, ACTIVATIONS, INITIALIZERS)
    # For scripts/bench.py: quit as soon as the window has painted once.
    parser.add_argument("--quit-after-paint", action="store_true", help=argparse.SUPPRESS)
    return parser


def add_network_arguments(parser, activations, initializers) -> None:
    """The flags that describe a network; shared by the window and ``nnviz render``."""
    group = parser.add_argument_group("network")
    group.add_argument("--open", metavar="FILE", help="open a saved network (.json)")
    group.add_argument("--layers", type=int, nargs="+", metavar="N",
                       help="layer sizes, input to output (default: 2 4 2)")
    group.add_argument("--inputs", type=float, nargs="+", metavar="X",
                       help="input values, one per input node (default: 3 4)")
    group.add_argument("--activation", choices=list(activations), help="hidden activation (default: sigmoid)")
    group.add_argument("--output-activation", choices=list(activations),
                       help="output activation (default: the hidden one)")
    group.add_argument("--init", choices=list(initializers), help="weight initialiser (default: truncated_normal)")
    group.add_argument("--init-scale", type=float, metavar="S", help="multiply the initial weights by S")
    group.add_argument("--seed", type=int, metavar="N", help="random seed for the weights")
    group.add_argument("--bias", action="store_true", help="give every layer a bias")


def network_from_args(parser, args):
    """``(network, inputs, is_lecture)`` from parsed flags or ``--open FILE``.

    A lecture gives its first scene, or scene ``args.scene`` where the parser has ``--scene``
    (``nnviz render``). A bad value ends in ``parser.error`` (exit code 2).
    """
    from nnviz.core import Network, NetworkFileError

    scene = getattr(args, "scene", None)
    if args.open:
        given = [f for f in ("layers", "activation", "output_activation", "init", "init_scale", "seed")
                 if getattr(args, f) is not None] + (["bias"] if args.bias else [])
        if given:
            parser.error(f"--open cannot be combined with --{given[0].replace('_', '-')}")
        try:
            network, inputs, lecture = _read_open_file(parser, Path(args.open), scene)
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
                seed=args.seed,
                bias=args.bias,
            )
        except ValueError as e:
            parser.error(str(e))
        inputs, lecture = [3.0, 4.0][: network.layer_sizes[0]], False
    if args.inputs is not None:
        if len(args.inputs) != network.layer_sizes[0]:
            parser.error(f"--inputs gives {len(args.inputs)} value(s) but the input layer has "
                         f"{network.layer_sizes[0]} node(s)")
        if not all(abs(v) < float("inf") for v in args.inputs):
            parser.error("--inputs must be finite numbers")
        inputs = args.inputs
    return network, inputs, lecture


def _read_open_file(parser, path: Path, scene: int | None):
    """``(network, inputs or None, is_lecture)`` from a network file or one scene of a lecture."""
    from nnviz.core import NetworkFileError
    from nnviz.core.scenes import is_lecture, read_document, scenes_from_dict, state_from_dict

    doc = read_document(path)
    try:
        if not is_lecture(doc):
            if scene is not None:
                parser.error(f"--scene: {path.name} is a network file, not a lecture")
            return (*state_from_dict(doc), False)
        scenes = scenes_from_dict(doc)
    except NetworkFileError as e:
        raise NetworkFileError(f"{path.name}: {e}") from None
    index = 1 if scene is None else scene
    if not 1 <= index <= len(scenes):
        parser.error(f"--scene {index}: {path.name} has scenes 1 to {len(scenes)}")
    return scenes[index - 1].network, scenes[index - 1].inputs, True


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["render"]:
        from nnviz.render import render_main

        return render_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    network, inputs, lecture = network_from_args(parser, args)
    return run_gui(network, inputs, quit_after_paint=args.quit_after_paint, open_path=args.open, lecture=lecture)


def run_gui(network, inputs, quit_after_paint=False, open_path=None, lecture=False) -> int:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("nnviz")
    app.setOrganizationName("nnviz")
    app.setApplicationVersion(__version__)

    from nnviz.gui.errors import install_exception_hook
    from nnviz.gui.main_window import MainWindow

    window = MainWindow(network, inputs)
    install_exception_hook(window)
    if open_path:
        # The network is already shown; a lecture is opened again so that its scenes can be stepped.
        if lecture:
            window.document.open_path(open_path)
        else:
            window.document.adopt_path(open_path)
    if quit_after_paint:
        _quit_after_first_paint(window, app)
    window.show()
    return app.exec()


def _quit_after_first_paint(window, app) -> None:
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Paint:
                print("painted", flush=True)
                QTimer.singleShot(0, app.quit)
                obj.removeEventFilter(self)
            return False

    window._first_paint = FirstPaint(window)
    window.view.viewport().installEventFilter(window._first_paint)


if __name__ == "__main__":
    raise SystemExit(main())
