"""Command line: ``nnviz`` opens the window; ``nnviz render … -o out.png`` draws a picture headless."""

from __future__ import annotations

import argparse
import os
import sys

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
    """``(network, inputs)`` from parsed flags; a bad value ends in ``parser.error`` (exit code 2)."""
    from nnviz.core import Network, NetworkFileError
    from nnviz.core.scenes import is_lecture, read_document, scenes_from_dict, state_from_dict

    file_inputs = None
    if args.open:
        structural = [f for f in ("layers", "activation", "output_activation", "init", "init_scale", "seed")
                      if getattr(args, f) is not None]
        if structural:
            parser.error(f"--open cannot be combined with --{structural[0].replace('_', '-')}")
        try:
            doc = read_document(args.open)
            if is_lecture(doc):
                first = scenes_from_dict(doc)[0]
                network, file_inputs = first.network, first.inputs
            else:
                network, file_inputs = state_from_dict(doc)
        except NetworkFileError as e:
            parser.error(str(e))
    else:
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
    inputs = args.inputs
    if inputs is None:
        inputs = file_inputs if args.open else [3.0, 4.0][: network.layer_sizes[0]]
    elif len(inputs) != network.layer_sizes[0]:
        parser.error(f"--inputs gives {len(inputs)} value(s) but the input layer has {network.layer_sizes[0]} node(s)")
    elif not all(abs(v) < float("inf") for v in inputs):
        parser.error("--inputs must be finite numbers")
    return network, inputs


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["render"]:
        from nnviz.render import render_main

        return render_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    network, inputs = network_from_args(parser, args)
    return run_gui(network, inputs, quit_after_paint=args.quit_after_paint, open_path=args.open)


def run_gui(network, inputs, quit_after_paint=False, open_path=None) -> int:
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
        from nnviz.core.scenes import is_lecture, read_document

        if is_lecture(read_document(open_path)):
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
