"""A combo box that a narrow panel may squeeze: the current text is elided ("Truncated norm…") and
the tool tip then names it in full, instead of cutting it off mid-word."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox, QStylePainter


class ElidedComboBox(QComboBox):
    """A QComboBox whose shown text ends in "…" when it does not fit; the list shows full names.

    ``setToolTip`` sets the description; while the text is elided the tool tip starts with the
    full text.
    """

    def __init__(self, parent=None, **properties):
        super().__init__(parent, **properties)
        self._description = ""
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(10)
        self.currentIndexChanged.connect(self._update_tooltip)

    def setToolTip(self, text: str) -> None:  # noqa: N802 - Qt's name
        self._description = text
        self._update_tooltip()

    def is_elided(self) -> bool:
        return self._elided_text() != self.currentText()

    def _text_rect(self):
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        return self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                           QStyle.SubControl.SC_ComboBoxEditField, self)

    def _elided_text(self) -> str:
        return self.fontMetrics().elidedText(self.currentText(), Qt.TextElideMode.ElideRight,
                                             self._text_rect().width())

    def _update_tooltip(self) -> None:
        full = self.currentText()
        text = f"{full}\n{self._description}" if self.is_elided() and self._description else (
            full if self.is_elided() else self._description)
        super().setToolTip(text)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._update_tooltip()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self._elided_text()
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)
