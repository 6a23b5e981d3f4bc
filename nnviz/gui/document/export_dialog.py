"""Exporting the network picture: the options dialog, size checks and the atomic file writer.

The picture itself comes from a *renderer*: any object with
``render_image(width, height, scale, figure) -> QImage`` and ``render_svg(path, width, height, scale, figure)``
(the network view is one); ``scale`` is the pixel ratio the size was multiplied by, so that the picture
looks the same at every scale, only sharper; ``figure`` is the
:class:`~nnviz.gui.network_view.export.FigureOptions` (what to show besides the network).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
)

from nnviz.core.fileio import atomic_write
from nnviz.gui.network_view.export import FigureOptions, check_size

from ..limited_spin import LimitedDoubleSpinBox, LimitedSpinBox
from ..quiet import show_index, show_value

FORMATS = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)"}

PRESETS = (
    ("Full HD slide", 1920, 1080),
    ("4K slide", 3840, 2160),
    ("Square (social media)", 1080, 1080),
    ("A4 landscape, 300 dpi", 3508, 2480),
)


@dataclass(frozen=True)
class ExportOptions:
    """What to export: ``format`` is ``"png"`` or ``"svg"``; ``width`` × ``height`` before ``scale``;
    ``figure`` says what the picture shows besides the network."""

    format: str = "png"
    width: int = 1920
    height: int = 1080
    scale: float = 1.0
    figure: FigureOptions = FigureOptions()

    @property
    def pixel_size(self) -> tuple[int, int]:
        """The size of the file: width and height times the scale, rounded."""
        return round(self.width * self.scale), round(self.height * self.scale)


def parse_size(text: str) -> tuple[int, int]:
    """``"1920x1080"`` (or ``1920×1080``, ``1920X1080``) → ``(1920, 1080)``; raises ``ValueError``."""
    match = re.fullmatch(r"\s*(\d{1,6})\s*[x×X*]\s*(\d{1,6})\s*", text)
    if not match:
        raise ValueError(f"size must look like 1920x1080, got {text!r}")
    width, height = int(match[1]), int(match[2])
    check_size(width, height)
    return width, height


def save_picture(renderer, path, width: int, height: int, scale: float = 1.0,
                 figure: FigureOptions | None = None) -> None:
    """Draw the picture at ``width`` × ``height`` pixels, ``scale`` times the detail of the size
    chosen (see :class:`ExportOptions`), showing what ``figure`` says, and write it to ``path``
    (``.png`` or ``.svg``).

    The write is atomic: on any failure the old file is left as it was. Raises ``ValueError`` for an
    unknown extension or a bad size, ``OSError`` (naming the file) if it cannot be written.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ValueError(f"export the picture as .png or .svg, not {suffix or 'a file without extension'}")
    check_size(width, height)
    if suffix == ".png":
        image = renderer.render_image(width, height, scale, figure or FigureOptions())
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.WriteOnly)
        if image.isNull() or not image.save(buffer, "PNG"):
            raise OSError(f"could not draw a {width} × {height} picture (not enough memory?)")
        buffer.close()
        atomic_write(path, bytes(data))
    else:
        # QSvgGenerator writes straight to its file; draw into a scratch file, then replace at once.
        with tempfile.TemporaryDirectory(prefix="nnviz-svg-") as scratch:
            scratch_file = Path(scratch) / "picture.svg"
            renderer.render_svg(str(scratch_file), width, height, scale, figure or FigureOptions())
            try:
                data = scratch_file.read_bytes()
            except OSError as e:
                raise OSError(f"could not draw the SVG drawing: {e.strerror or e}") from e
        atomic_write(path, data)


class ExportDialog(QDialog):
    """Asks for the picture's format and size.

    ``options()`` holds the choice after ``exec()`` returns ``Accepted``. The size can follow the
    window (``view_size``), a preset, or typed values; the scale multiplies it (×2 for sharp slides).
    """

    def __init__(self, view_size: tuple[int, int], initial: ExportOptions | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export Image — nnviz")
        self._presets = (("Window size", *view_size), *PRESETS)
        initial = initial or ExportOptions(width=view_size[0], height=view_size[1])

        self.format_combo = QComboBox(objectName="exportFormat")
        self.format_combo.addItem("PNG image (pixels)", "png")
        self.format_combo.addItem("SVG drawing (vector, sharp at any size)", "svg")
        self.format_combo.setToolTip("PNG for slides and documents; SVG to edit or scale the drawing further")
        self.preset_combo = QComboBox(objectName="exportPreset")
        for name, w, h in self._presets:
            self.preset_combo.addItem(f"{name} ({w} × {h})", (w, h))
        self.preset_combo.addItem("Custom", None)
        self.preset_combo.setToolTip("A common picture size; or type your own width and height")
        self.width_spin = self._side_spin("exportWidth", "Width of the picture before scaling")
        self.height_spin = self._side_spin("exportHeight", "Height of the picture before scaling")
        self.scale_spin = LimitedDoubleSpinBox("export_scale", objectName="exportScale")
        self.scale_spin.setSingleStep(0.25)
        self.scale_spin.setDecimals(2)
        self.scale_spin.setSuffix(" ×")
        self.scale_spin.setToolTip("Multiplies the width and height: the same picture, sharper (×2 turns the "
                                   "window size into a picture for a high-resolution projector)")
        self.values_check = self._check("exportValues", "Node &values", "Print each node's value inside it")
        self.legend_check = self._check("exportLegend", "&Legend", "The colour bars of activations and weights")
        self.captions_check = self._check("exportCaptions", "Layer &captions", "Titles above the columns")
        self.transparent_check = self._check("exportTransparent", "&Transparent background",
                                             "No background: the picture sits on the slide's own colour")
        self.schematic_check = self._check("exportSchematic", "Sc&hematic big layers:",
                                           "Draw a big layer as a few nodes, ⋮ and a bracket with the count, as "
                                           "NN-SVG does")
        self.schematic_spin = LimitedSpinBox("schematic_nodes", objectName="exportSchematicNodes")
        self.schematic_spin.setSuffix(" nodes at most")
        self.schematic_spin.setToolTip("Layers with more nodes than this are drawn schematically")
        self.result_label = QLabel(objectName="exportResult")
        self.result_label.setWordWrap(True)

        size_row = QHBoxLayout()
        size_row.addWidget(self.width_spin)
        size_row.addWidget(QLabel("×"))
        size_row.addWidget(self.height_spin)
        size_row.addStretch(1)
        form = QFormLayout()
        form.addRow("&Format:", self.format_combo)
        form.addRow("&Size:", self.preset_combo)
        form.addRow("", size_row)
        form.addRow("S&cale:", self.scale_spin)
        shows = QHBoxLayout()
        for check in (self.values_check, self.legend_check, self.captions_check):
            shows.addWidget(check)
        shows.addStretch(1)
        form.addRow("Show:", shows)
        form.addRow("", self.transparent_check)
        schematic_row = QHBoxLayout()
        schematic_row.addWidget(self.schematic_check)
        schematic_row.addWidget(self.schematic_spin)
        schematic_row.addStretch(1)
        form.addRow("", schematic_row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("&Export…")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)

        self.format_combo.setCurrentIndex(max(0, self.format_combo.findData(initial.format)))
        self.width_spin.setValue(initial.width)
        self.height_spin.setValue(initial.height)
        self.scale_spin.setValue(initial.scale)
        figure = initial.figure
        self.values_check.setChecked(figure.values)
        self.legend_check.setChecked(figure.legend)
        self.captions_check.setChecked(figure.captions)
        self.transparent_check.setChecked(figure.transparent)
        self.schematic_check.setChecked(figure.schematic is not None)
        self.schematic_spin.setValue(figure.schematic or 12)
        self.schematic_spin.setEnabled(figure.schematic is not None)
        self.schematic_check.toggled.connect(self.schematic_spin.setEnabled)
        self._match_preset()
        self.preset_combo.currentIndexChanged.connect(self._on_preset)
        for spin in (self.width_spin, self.height_spin):
            spin.valueChanged.connect(self._on_size_edited)
        self.scale_spin.valueChanged.connect(self._update_result)
        self.format_combo.currentIndexChanged.connect(self._update_result)
        self._update_result()

    @staticmethod
    def _side_spin(name: str, tip: str) -> LimitedSpinBox:
        spin = LimitedSpinBox("image_side", objectName=name)
        spin.setSuffix(" px")
        spin.setToolTip(tip)
        spin.setAccelerated(True)
        return spin

    @staticmethod
    def _check(name: str, text: str, tip: str) -> QCheckBox:
        check = QCheckBox(text, objectName=name)
        check.setToolTip(tip)
        return check

    def options(self) -> ExportOptions:
        figure = FigureOptions(self.values_check.isChecked(), self.legend_check.isChecked(),
                               self.captions_check.isChecked(), self.transparent_check.isChecked(),
                               self.schematic_spin.value() if self.schematic_check.isChecked() else None)
        return ExportOptions(self.format_combo.currentData(), self.width_spin.value(), self.height_spin.value(),
                             self.scale_spin.value(), figure)

    def _match_preset(self) -> None:
        size = (self.width_spin.value(), self.height_spin.value())
        index = next((i for i, (_, w, h) in enumerate(self._presets) if (w, h) == size), len(self._presets))
        show_index(self.preset_combo, index)

    @Slot(int)
    def _on_preset(self, index: int) -> None:
        size = self.preset_combo.itemData(index)
        if size is None:
            return
        for spin, value in zip((self.width_spin, self.height_spin), size):
            show_value(spin, value)
        self._update_result()

    @Slot()
    def _on_size_edited(self) -> None:
        self._match_preset()
        self._update_result()

    @Slot()
    def _update_result(self) -> None:
        options = self.options()
        width, height = options.pixel_size
        ok_button = self.buttons.button(QDialogButtonBox.Ok)
        try:
            check_size(width, height)
        except ValueError as e:
            self.result_label.setText(f"<b>Too large:</b> {e}. Lower the size or the scale.")
            ok_button.setEnabled(False)
            return
        ok_button.setEnabled(True)
        if options.format == "png":
            self.result_label.setText(f"The picture will be <b>{width} × {height}</b> pixels.")
        else:
            self.result_label.setText(f"The drawing will be <b>{width} × {height}</b> units, "
                                      "one path per edge colour; it opens in browsers, Inkscape and LaTeX.")
