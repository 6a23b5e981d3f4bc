"""Render nnviz/resources/nnviz.svg to the PNG sizes desktops ask for (run after editing the SVG).

    python scripts/make_icons.py
"""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 32, 48, 64, 128, 256)
RESOURCES = Path(__file__).resolve().parent.parent / "nnviz" / "resources"


def main() -> None:
    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - the renderer needs one
    renderer = QSvgRenderer(str(RESOURCES / "nnviz.svg"))
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        image.save(str(RESOURCES / f"nnviz-{size}.png"))


if __name__ == "__main__":
    main()
