"""nnviz's icon as a QIcon, and Help › About."""

from __future__ import annotations

from importlib import resources

from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QMessageBox, QWidget

from nnviz import __version__
from nnviz.desktop import ICON_SIZES


def app_icon() -> QIcon:
    """The application icon in every size of ``nnviz/resources`` (drawn from ``nnviz.svg``)."""
    icon = QIcon()
    folder = resources.files("nnviz") / "resources"
    for size in ICON_SIZES:
        pixmap = QPixmap()
        pixmap.loadFromData((folder / f"nnviz-{size}.png").read_bytes(), "PNG")
        icon.addPixmap(pixmap)
    return icon


def about_text() -> str:
    return (f"<h3>nnviz {__version__}</h3>"
            "<p>See and touch a small fully-connected neural network: its weights, its forward pass, "
            "its initialisation and its training, live.</p>"
            "<p>Python, PySide6, pyqtgraph, NumPy and SciPy.</p>")


def show_about(parent: QWidget) -> None:
    box = QMessageBox(parent)
    box.setObjectName("aboutDialog")
    box.setWindowTitle("About nnviz")
    box.setIconPixmap(app_icon().pixmap(96, 96))
    box.setText(about_text())
    box.exec()
