"""Small form parts the panels share: squeezable combo boxes, the activation choice, a compact form."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox

from nnviz.core.activations import ACTIVATIONS

from .elided_combo import ElidedComboBox


def squeezable_combo(name: str, min_chars: int = 10) -> QComboBox:
    """A combo box that a narrow dock may squeeze (long names are elided) instead of widening the panel."""
    combo = ElidedComboBox(objectName=name)
    combo.setMinimumContentsLength(min_chars)
    return combo


def activation_combo(name: str, tooltip: str, min_chars: int = 10) -> QComboBox:
    """Every activation by its display name (data: its name), with its formula as the item's tool tip."""
    combo = squeezable_combo(name, min_chars)
    combo.setToolTip(tooltip)
    for activation in ACTIVATIONS.values():
        combo.addItem(activation.display_name, activation.name)
        combo.setItemData(combo.count() - 1, activation.formula, Qt.ItemDataRole.ToolTipRole)
    return combo


def compact_form(group: QGroupBox) -> QFormLayout:
    form = QFormLayout(group)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setVerticalSpacing(4)
    return form
