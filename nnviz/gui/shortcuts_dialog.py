"""Help → Keyboard shortcuts: every action of the window that has a shortcut, in one table."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget


def shortcut_rows(window: QWidget) -> list[tuple[str, str]]:
    """(action text without '&', shortcuts) for every action under ``window`` that has a shortcut."""
    rows = {}
    for action in window.findChildren(QAction):
        keys = ", ".join(s.toString(QKeySequence.NativeText) for s in action.shortcuts())
        if keys and action.text():
            rows[action.text().replace("&", "").rstrip(".… ")] = keys
    return sorted(rows.items())


def show_shortcuts(window: QWidget) -> QDialog:
    dialog = QDialog(window)
    dialog.setObjectName("shortcutsDialog")
    dialog.setWindowTitle("Keyboard shortcuts — nnviz")
    rows = shortcut_rows(window)
    table = QTableWidget(len(rows), 2, dialog)
    table.setHorizontalHeaderLabels(["Action", "Shortcut"])
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.NoEditTriggers)
    for i, (text, keys) in enumerate(rows):
        table.setItem(i, 0, QTableWidgetItem(text))
        table.setItem(i, 1, QTableWidgetItem(keys))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    buttons = QDialogButtonBox(QDialogButtonBox.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(table)
    layout.addWidget(buttons)
    dialog.resize(440, 480)
    dialog.show()
    return dialog
