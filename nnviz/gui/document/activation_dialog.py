"""The small dialog that asks for the activations of a model file that stores none (a PyTorch
state_dict, a safetensors or npz file from elsewhere)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout

from nnviz.core.activations import ACTIVATIONS
from nnviz.core.models.model import DEFAULT_HIDDEN, DEFAULT_OUTPUT


class ActivationDialog(QDialog):
    """Asks for the hidden and the output activation (defaults ReLU and linear, like ``nnviz --open``).

    Args:
        file_name: the model file, named in the question.
        source: where the layers came from ("PyTorch state_dict, 3 Linear layers").
    """

    def __init__(self, file_name: str, source: str, parent=None):
        super().__init__(parent)
        self.setObjectName("activationDialog")
        self.setWindowTitle("Choose Activations — nnviz")
        question = QLabel(f"<b>{file_name}</b> holds the weights ({source}) but not the activation functions."
                          "<br>Which ones did the network use?")
        question.setWordWrap(True)
        question.setTextFormat(Qt.TextFormat.RichText)
        self.hidden = self._combo("hiddenActivation", DEFAULT_HIDDEN)
        self.output = self._combo("outputActivation", DEFAULT_OUTPUT)
        form = QFormLayout()
        form.addRow("&Hidden layers:", self.hidden)
        form.addRow("&Output layer:", self.output)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(question)
        column.addLayout(form)
        column.addWidget(buttons)

    def _combo(self, name: str, chosen: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        for activation in ACTIVATIONS.values():
            combo.addItem(activation.display_name, activation.name)
            combo.setItemData(combo.count() - 1, activation.formula, Qt.ItemDataRole.ToolTipRole)
        combo.setCurrentIndex(combo.findData(chosen))
        return combo

    def activations(self) -> tuple[str, str]:
        """``(hidden, output)`` activation names as chosen."""
        return self.hidden.currentData(), self.output.currentData()
