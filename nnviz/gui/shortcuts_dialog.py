"""Help → Keyboard Shortcuts: the window's shortcuts grouped by menu, and what the mouse does."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMainWindow, QMenu, QTreeWidget, QTreeWidgetItem, QVBoxLayout

MOUSE_GESTURES = (
    ("Network view: wheel", "Zoom"),
    ("Network view: drag", "Pan"),
    ("Network view: hover a node or an edge", "Its numbers: z, a, the weight and what it adds"),
    ("Network view: click a node", "Highlight its edges"),
    ("Network view: click an edge", "Type a new weight"),
    ("Network view: Alt+wheel on the selected edge", "Nudge its weight (↑/↓ too)"),
    ("Network view: right-click", "Edit weight, fit, clear selection"),
    ("Decision plane: click / Shift+click", "Add a training point of class A / B"),
    ("Initialisation: click a layer in the depth plots", "Show that layer's histograms"),
)
"""(gesture, what it does): the mouse's part, which no menu lists."""


def _text(action: QAction) -> str:
    return action.text().split("\t")[0].replace("&", "").rstrip(".… ")


def _keys(action: QAction) -> str:
    return ", ".join(s.toString(QKeySequence.NativeText) for s in action.shortcuts())


def shortcut_rows(window) -> list[tuple[str, str]]:
    """(action text without '&', shortcuts) for every action under ``window`` that has a shortcut."""
    rows = {_text(action): _keys(action) for action in window.findChildren(QAction) if _keys(action) and
            action.text()}
    return sorted(rows.items())


def grouped_shortcuts(window: QMainWindow) -> list[tuple[str, list[tuple[str, str]]]]:
    """``[(menu title, [(action, keys), …]), …]`` in menu-bar order, then "Other" for shortcuts in no
    menu, then "Mouse" (:data:`MOUSE_GESTURES`)."""
    groups, placed = [], set()
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        rows = []
        for action in _menu_actions(menu):
            if _keys(action) and action.text() and _text(action) not in placed:
                rows.append((_text(action), _keys(action)))
                placed.add(_text(action))
        if rows:
            groups.append((menu_action.text().replace("&", ""), rows))
    other = [(text, keys) for text, keys in shortcut_rows(window) if text not in placed]
    if other:
        groups.append(("Other", other))
    groups.append(("Mouse", list(MOUSE_GESTURES)))
    return groups


def _menu_actions(menu: QMenu | None) -> list[QAction]:
    if menu is None:
        return []
    actions = []
    for action in menu.actions():
        actions.extend(_menu_actions(action.menu()) if action.menu() is not None else [action])
    return actions


def show_shortcuts(window: QMainWindow) -> QDialog:
    dialog = QDialog(window)
    dialog.setObjectName("shortcutsDialog")
    dialog.setWindowTitle("Keyboard shortcuts and mouse — nnviz")
    tree = QTreeWidget(dialog)
    tree.setObjectName("shortcutsTree")
    tree.setColumnCount(2)
    tree.setHeaderLabels(["Action", "Shortcut"])
    tree.setRootIsDecorated(False)
    for title, rows in grouped_shortcuts(window):
        group = QTreeWidgetItem(tree, [title])
        font = group.font(0)
        font.setBold(True)
        group.setFont(0, font)
        group.setFirstColumnSpanned(True)
        for text, keys in rows:
            QTreeWidgetItem(group, [text, keys])
    tree.expandAll()
    tree.resizeColumnToContents(0)
    buttons = QDialogButtonBox(QDialogButtonBox.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(tree)
    layout.addWidget(buttons)
    dialog.resize(560, 560)
    dialog.show()
    return dialog
