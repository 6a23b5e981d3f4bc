"""A small popup next to the cursor for typing or spinning one weight; every change applies at once."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

from nnviz.core.limits import TYPED_WEIGHT_LIMIT
from nnviz.gui.limited_spin import LimitedDoubleSpinBox

STEP = 0.05
"""Spin-box step, also the nudge of Alt+wheel and ↑/↓ in the view."""


class WeightEditor(QFrame):
    """Popup editor for one value. ``open_for`` shows it; Enter keeps the value, Escape restores it.
    ``spin.refused(str)`` says why a typed value is refused ("10000 is the largest weight you can type").

    Changes go through the ``apply`` callback given to ``open_for`` (the view passes a closure
    over ``state.set_weight``), so the network redraws while the value is spun.
    """

    def __init__(self, parent=None):
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("weightEditor")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(self)
        self.spin = LimitedDoubleSpinBox("weight", self)
        self.spin.setObjectName("weightEditorSpin")
        self.spin.setDecimals(4)
        self.spin.setSingleStep(STEP)
        self.spin.setKeyboardTracking(False)  # typed text applies on Enter, arrows at once
        self.spin.setToolTip("New value: type and press Enter, or use ↑/↓ and the wheel; Esc restores")
        hint = QLabel("Enter: keep · Esc: undo", self)
        hint.setStyleSheet("color: gray")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        for widget in (self.title, self.spin, hint):
            layout.addWidget(widget)
        self._apply: Callable[[float], None] | None = None
        self._original = 0.0
        self.spin.valueChanged.connect(self._on_value_changed)

    def open_for(self, title: str, value: float, apply: Callable[[float], None], global_pos: QPoint) -> None:
        """Edit ``value`` (titled ``title``) next to ``global_pos``; ``apply(v)`` sets it."""
        self._apply = None  # no feedback while the box is being filled in
        self._original = value
        self.title.setText(title)
        bound = max(TYPED_WEIGHT_LIMIT, abs(value))  # a file may hold a larger weight: show it as it is
        self.spin.setRange(-bound, bound)
        self.spin.setValue(value)
        self._apply = apply
        self.adjustSize()
        self.move(global_pos + QPoint(12, 12))
        self.show()
        self.spin.setFocus()
        self.spin.selectAll()

    def _on_value_changed(self, value: float) -> None:
        if self._apply is not None:
            self._apply(value)

    def keyPressEvent(self, event):
        if event.key() == Qt.Key.Key_Escape:
            if self._apply is not None and self.spin.value() != self._original:
                self._apply(self._original)
            self.close()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.spin.interpretText()
            self.close()
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event):
        self._apply = None
        super().closeEvent(event)
