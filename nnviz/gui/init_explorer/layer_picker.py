"""The initialisation explorer's layer picker: deep networks show one layer's histograms at a time."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

MAX_LAYER_ROWS = 6
"""Up to this many weight layers get one row each; deeper networks get a layer picker."""


class LayerPicker(QWidget):
    """"Histograms of [Layer k]": shown only for networks deeper than :data:`MAX_LAYER_ROWS` weight layers.

    ``combo`` (objectName ``initLayer``) emits ``currentIndexChanged`` when the user picks a layer.
    """

    def __init__(self, parent=None):
        super().__init__(parent, visible=False)
        self.combo = QComboBox(objectName="initLayer",
                               toolTip="Which layer's histograms to show (or click a layer in the plots above)")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Histograms of"))
        row.addWidget(self.combo)
        row.addWidget(QLabel("<small>or click a layer above</small>"), 1)

    def set_layer_count(self, n_layers: int) -> None:
        """Show the picker (with one entry per layer) if ``n_layers`` is too many for a row each."""
        deep = n_layers > MAX_LAYER_ROWS
        self.setVisible(deep)
        if deep and self.combo.count() != n_layers:
            keep = self.combo.currentIndex()
            with QSignalBlocker(self.combo):
                self.combo.clear()
                self.combo.addItems([f"Layer {k}" + (" (output)" if k == n_layers else "")
                                     for k in range(1, n_layers + 1)])
                self.combo.setCurrentIndex(min(max(keep, 0), n_layers - 1))

    def shown_layers(self, n_layers: int) -> list[int]:
        """The layer indices (1 … n_layers) that get a histogram row."""
        if n_layers > MAX_LAYER_ROWS:
            return [self.combo.currentIndex() + 1]
        return list(range(1, n_layers + 1))

    def pick(self, layer: int) -> None:
        """Show ``layer``'s histograms (a click in the depth view); ignored when every layer has a row."""
        if self.isVisible() and 1 <= layer <= self.combo.count():
            self.combo.setCurrentIndex(layer - 1)
