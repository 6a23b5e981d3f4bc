"""Showing the state in a control without the control echoing it back as an edit.

The one idiom: a :class:`QSignalBlocker` around the change, and no change at all when the control
already shows the value. Use ``with QSignalBlocker(widget):`` directly for a longer rebuild.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox


def show_value(spin, value) -> None:
    """Show ``value`` in ``spin`` (any spinbox), rounded to what a double spinbox shows."""
    if isinstance(spin, QDoubleSpinBox):
        value = round(float(value), spin.decimals())
    if spin.value() != value:
        with QSignalBlocker(spin):
            spin.setValue(value)


def show_index(combo: QComboBox, index: int) -> None:
    if combo.currentIndex() != index:
        with QSignalBlocker(combo):
            combo.setCurrentIndex(index)


def show_checked(button, checked: bool) -> None:
    """``button``: anything checkable (a QAction, a QAbstractButton)."""
    if button.isChecked() != checked:
        with QSignalBlocker(button):
            button.setChecked(checked)
