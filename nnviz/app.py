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
    from nnviz.cli import Parser, add_colour_arguments, add_network_arguments
    from nnviz.core import ACTIVATIONS, INITIALIZERS

    parser = Parser(
        prog="nnviz",
        description="See and touch a small fully-connected neural network. "
                    "'nnviz render -h' shows how to draw a picture without a window.",
    )
    parser.add_argument("--version", action="version", version=f"nnviz {__version__}")
    parser.add_argument("--install-desktop-entry", action="store_true",
                        help="add nnviz to the application menu (Linux: writes nnviz.desktop and the icon "
                             "under $XDG_DATA_HOME) and exit")
    add_network_arguments(parser, ACTIVATIONS, INITIALIZERS)
    add_colour_arguments(parser)
    # For scripts/bench.py: quit as soon as the window has painted once.
    parser.add_argument("--quit-after-paint", action="store_true", help=argparse.SUPPRESS)
    return parser


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["render"]:
        from nnviz.render import render_main

        return render_main(argv[1:])
    from nnviz.cli import appearance_from_args, network_from_args

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.install_desktop_entry:
        from nnviz.desktop import install_desktop_entry

        try:
            print(f"nnviz: wrote {install_desktop_entry()}")
        except OSError as error:
            parser.error(f"cannot write the desktop entry: {error}")
        return 0
    network, inputs, opened = network_from_args(parser, args)
    look = appearance_from_args(parser, args)
    return run_gui(network, inputs, quit_after_paint=args.quit_after_paint, opened=opened, appearance=look)


def run_gui(network, inputs, quit_after_paint=False, opened=None, appearance=None) -> int:
    """Show the window on ``network``; ``opened`` is the file it came from
    (:class:`~nnviz.core.documents.Opened`), None for a new network; ``appearance`` holds view options given on
    the command line."""
    from PySide6.QtWidgets import QApplication

    from nnviz.gui.pyqtgraph_import import import_pyqtgraph

    import_pyqtgraph()  # before any panel imports it (see pyqtgraph_import)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("nnviz")
    app.setOrganizationName("nnviz")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("nnviz")  # Wayland and the task bar match the window to nnviz.desktop

    from nnviz.gui.about import app_icon

    app.setWindowIcon(app_icon())

    from nnviz.gui.errors import install_exception_hook
    from nnviz.gui.main_window import MainWindow

    window = MainWindow(network, inputs)
    window.appearance.set(**(appearance or {}))
    install_exception_hook(window)
    if opened is not None:
        # The network is already shown; a lecture is opened again so that its scenes can be stepped.
        if opened.kind == "lecture":
            window.document.open_path(opened.path)
        else:
            window.document.adopt_path(opened.path, source=opened.source)
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
