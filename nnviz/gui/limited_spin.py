"""Spin boxes that refuse a typed value beyond their limit out loud, instead of clamping it.

A plain QSpinBox drops the keystroke that would leave its range: typing 99999 into a 1–4096 box
leaves 999, without a word. These boxes keep what was typed, mark the field (red border, tool tip)
and send the reason (``refused``, e.g. "4096 is the largest layer") for the status bar; Enter or
leaving the field then puts back the value from before the edit (with keyboard tracking, 999 went
in on the way to 99999: the whole typed number is refused). Ranges and wording come from
:data:`nnviz.core.limits.RANGES`. Numbers may be typed with an exponent ("1e-3").
"""

from __future__ import annotations

import re

from PySide6.QtCore import QPoint, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QDoubleSpinBox, QSpinBox, QToolTip

from nnviz.core.limits import RANGES, Range

REFUSED_STYLE = "QAbstractSpinBox { border: 2px solid #c0392b; border-radius: 3px; }"
_PARTIAL_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d*)?([eE][+-]?\d*)?")
"""What a number looks like while it is being typed: "", "-", "1.", "1e", "1e-"."""


def typed_number(spin: QAbstractSpinBox, text: str) -> float | None:
    """The number ``text`` spells in ``spin`` (prefix, suffix and group separators ignored), or None."""
    text = text.removeprefix(spin.prefix()).removesuffix(spin.suffix()).strip()
    locale = spin.locale()
    text = text.replace(locale.groupSeparator(), "").replace(locale.decimalPoint(), ".").replace("−", "-")
    try:
        return float(text)
    except ValueError:
        return None


class _Refusing:
    """The behaviour both kinds share; mixed into a QSpinBox or QDoubleSpinBox subclass with a
    ``refused`` signal. ``limit`` names a range of :data:`~nnviz.core.limits.RANGES`."""

    def __init__(self, limit: str, parent=None, **properties):
        value = properties.pop("value", None)  # within the limit's range, not Qt's default 0–99
        super().__init__(parent, **properties)
        self._init_limit(limit)
        if value is not None:
            self.setValue(value)

    def _init_limit(self, limit: str) -> None:
        self.limit: Range = RANGES[limit]
        self.setRange(self.limit.lowest, self.limit.highest)
        self._plain_tooltip = None
        self._settled = self.value()  # the value before this edit: what a refusal puts back
        self.refusal: str | None = None
        """Why the typed text is refused (None while it is fine)."""
        self.lineEdit().textEdited.connect(self._check_typed)
        self.editingFinished.connect(self._finish_edit)

    def _refining(self, state, text: str, pos: int):
        """Keep typed numbers the base validator would cut short: out of range or with an exponent."""
        if state != QValidator.State.Invalid:
            return state, text, pos
        bare = text.removeprefix(self.prefix()).removesuffix(self.suffix()).strip()
        locale = self.locale()
        bare = bare.replace(locale.groupSeparator(), "").replace(locale.decimalPoint(), ".")
        if not _PARTIAL_NUMBER.fullmatch(bare):
            return state, text, pos
        value = typed_number(self, text)
        if value is not None and self.refusal_for(value) is None and self._takes(value):
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos

    def validate(self, text: str, pos: int):
        return self._refining(*super().validate(text, pos))

    def refusal_for(self, value: float) -> str | None:
        """Why ``value`` cannot go in this box (its limit), or None."""
        if value != value:  # NaN
            return "not a number"
        if self.minimum() <= value <= self.maximum():  # a box widened for a value from a file, say
            return None
        # A box narrowed at run time (the last sample of the data set shown) refuses at its own bound.
        narrowed = Range(self.minimum(), self.maximum(), self.limit.too_high, self.limit.too_low)
        return self.limit.refusal(value) or narrowed.refusal(value)

    def _check_typed(self, text: str) -> None:
        value = typed_number(self, text)
        refusal = None if value is None else self.refusal_for(value)
        if refusal == self.refusal:
            return
        if refusal is None:
            self._clear_refusal()
            return
        if self.refusal is None:
            self._plain_tooltip = self.toolTip()
        self.refusal = refusal
        self.setStyleSheet(REFUSED_STYLE)
        self.setToolTip(f"{refusal}. Enter puts back {self.textFromValue(self._settled)}.")
        QToolTip.showText(self.mapToGlobal(QPoint(0, self.height())), self.toolTip(), self)
        self.refused.emit(refusal)

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._settled = self.value()
        super().focusInEvent(event)

    def _finish_edit(self) -> None:
        if self.refusal is not None:
            self._clear_refusal()
            self.setValue(self._settled)
        self._settled = self.value()

    def _clear_refusal(self) -> None:
        if self.refusal is None:
            return
        self.refusal = None
        self.setStyleSheet("")
        self.setToolTip(self._plain_tooltip or "")
        QToolTip.hideText()


class LimitedSpinBox(_Refusing, QSpinBox):
    """A QSpinBox over ``RANGES[limit]`` that refuses out-of-range typing with a message.

    Signals: ``refused(str)``: a typed value is beyond the limit; the text says which limit.
    """

    refused = Signal(str)

    def setRange(self, lowest, highest) -> None:  # noqa: N802 - Qt's name
        super().setRange(int(lowest), int(highest))

    def _takes(self, value: float) -> bool:
        return float(value).is_integer()

    def valueFromText(self, text: str) -> int:  # noqa: N802 - Qt's name
        value = typed_number(self, text)
        return int(value) if value is not None and self._takes(value) else super().valueFromText(text)


class LimitedDoubleSpinBox(_Refusing, QDoubleSpinBox):
    """A QDoubleSpinBox over ``RANGES[limit]`` that refuses out-of-range typing with a message.

    Signals: ``refused(str)``: a typed value is beyond the limit; the text says which limit.
    """

    refused = Signal(str)

    def _takes(self, value: float) -> bool:
        return True

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt's name
        value = typed_number(self, text)
        return value if value is not None else super().valueFromText(text)
