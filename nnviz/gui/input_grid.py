"""The grid of input spinboxes in the controls panel: one per input, made lazily as they scroll into view."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QDoubleSpinBox, QFrame, QLabel, QScrollArea, QWidget

from .limited_spin import LimitedDoubleSpinBox
from .quiet import show_value

INPUT_DECIMALS = 3
INPUTS_WITHOUT_SCROLLING = 16
"""Up to this many inputs show at once; more scroll inside an area :data:`SCROLLING_INPUT_ROWS` high."""
SCROLLING_INPUT_ROWS = 8
EAGER_INPUTS = 128
"""Input spinboxes made at once; the others are made as they scroll into view (4096 take a second)."""
INPUTS_PER_TURN = 128
LATER_MS = 100
"""How long the spinboxes not seen wait to be made (a new window paints well within it)."""
AHEAD_ROWS = 8
"""Rows made beyond the visible ones, so that Tab always has a next spinbox to go to."""
_COLUMN_GAP = 10
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def input_name(index: int) -> str:
    """``x₁`` for input 0: the notation of the lectures, counting from 1."""
    return "x" + str(index + 1).translate(_SUBSCRIPTS)


def _input_spin(parent=None) -> LimitedDoubleSpinBox:
    spin = LimitedDoubleSpinBox("input", parent)
    spin.setDecimals(INPUT_DECIMALS)
    spin.setSingleStep(0.1)
    spin.setAccelerated(True)
    return spin


class InputGrid(QScrollArea):
    """One QDoubleSpinBox per input, in as many columns as fit the width.

    Spinboxes are placed by hand (a layout of thousands is slow) and made lazily, in input order,
    as they scroll into view. When the count shrinks, the extra ones are hidden and lose their
    object name, and come back when it grows again.

    Signals:

    - ``valueEdited(int index, float value)``: the user changed input ``index``.
    - ``refused(str)``: a typed input is beyond the limit; the text says which.
    """

    valueEdited = Signal(int, float)
    refused = Signal(str)

    def __init__(self, values, tab_anchor: QWidget, parent=None):
        """``values()`` returns the ``(n,)`` inputs to show; spinboxes follow ``tab_anchor`` in Tab order."""
        super().__init__(parent)
        self.setObjectName("inputScroll")
        self._values = values
        self._tab_anchor = tab_anchor
        self._spins: list[QDoubleSpinBox] = []
        self._labels: list[QLabel] = []
        self._count = 0
        self._target = 0  # spinboxes to make, the ones seen first
        self._seen = 0
        self._geometry_key = None
        self._cols = 1
        self._content = QWidget()
        self.setWidget(self._content)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        probe = _input_spin()
        hint = probe.sizeHint()
        # Room for "-999.999" rather than "-1000.000": one digit less lets two columns fit a 300 px dock.
        digit = probe.fontMetrics().horizontalAdvance("0")
        self._spin_size = (hint.width() - digit, hint.height())
        self._row_height = hint.height() + 4
        self._create_timer = QTimer(self)
        self._create_timer.setSingleShot(True)
        self._create_timer.timeout.connect(self._create_more)
        self._later_timer = QTimer(self)
        self._later_timer.setSingleShot(True)
        self._later_timer.setInterval(LATER_MS)
        self._later_timer.timeout.connect(self._create_later)
        self.verticalScrollBar().valueChanged.connect(self._create_visible)

    @property
    def scrolling(self) -> bool:
        """Whether there are more inputs than fit, so that the area scrolls."""
        return self._count > INPUTS_WITHOUT_SCROLLING

    def spin(self, index: int) -> QDoubleSpinBox | None:
        """The spinbox of input ``index``, or None if it is not made yet."""
        return self._spins[index] if index < min(self._count, len(self._spins)) else None

    def set_count(self, count: int) -> None:
        old = self._count
        if count == old:
            return
        self._count = count
        self._target = min(self._target, count)
        values = self._values()
        for index in range(min(old, len(self._spins)), min(count, len(self._spins))):
            show_value(self._spins[index], values[index])
            self._spins[index].setObjectName(f"input_{index}")
            self._spins[index].show()
            self._labels[index].show()
        for index in range(count, min(old, len(self._spins))):
            self._spins[index].hide()
            self._spins[index].setObjectName("")
            self._labels[index].hide()
        self._relayout()
        self._create_visible()

    def show_values(self) -> None:
        values = self._values()
        for index in range(min(self._count, len(self._spins))):
            show_value(self._spins[index], values[index])

    # -- geometry ------------------------------------------------------------------------------------
    def showEvent(self, event):
        super().showEvent(event)
        # Its own size now (a resize comes before it is visible): the ones seen, and the rest a moment later.
        self._relayout()
        self._create_visible()
        if len(self._spins) < self._target:
            self._later_timer.start()

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._relayout()
        self._create_visible()

    def _relayout(self) -> None:
        scrolling = self.scrolling
        self.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOn if scrolling else Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.StyledPanel if scrolling else QFrame.Shape.NoFrame)
        width = self.width() - 2 * self.frameWidth()
        if scrolling:
            width -= self.verticalScrollBar().sizeHint().width()
        key = (width, self._count, self.fontMetrics().height())
        if key == self._geometry_key:
            return
        self._geometry_key = key
        self._label_width = self.fontMetrics().horizontalAdvance(input_name(max(self._count - 1, 0))) + 4
        self._cols = max(1, (width + _COLUMN_GAP) // (self._label_width + self._spin_size[0] + _COLUMN_GAP))
        self._col_width = (width - _COLUMN_GAP * (self._cols - 1)) // self._cols
        rows = -(-self._count // self._cols)
        self._content.resize(max(width, 1), rows * self._row_height)
        # A fixed height when scrolling: tied to the column count, a narrower dock would make it taller,
        # which can bring in the panel's scroll bar, which makes it narrower still.
        visible_rows = SCROLLING_INPUT_ROWS if scrolling else rows
        self.setFixedHeight(visible_rows * self._row_height + 2 * self.frameWidth())
        for index in range(len(self._spins)):
            self._place(index)

    def _place(self, index: int) -> None:
        row, col = divmod(index, self._cols)
        x, y = col * (self._col_width + _COLUMN_GAP), row * self._row_height
        self._labels[index].setGeometry(x, y, self._label_width - 4, self._spin_size[1])
        self._spins[index].setGeometry(x + self._label_width, y, self._col_width - self._label_width,
                                       self._spin_size[1])

    # -- lazy creation ---------------------------------------------------------------------------------
    def _create_visible(self) -> None:
        bottom = self.verticalScrollBar().value() + self.viewport().height()
        rows = bottom // self._row_height + 1 + AHEAD_ROWS
        # Not shown yet, the area has a default size, not its own: the first few now, the rest once it shows.
        self._seen = min(self._count, rows * self._cols if self.isVisible() else INPUTS_WITHOUT_SCROLLING)
        self._target = min(self._count, max(self._target, EAGER_INPUTS, self._seen))
        self._create_more()

    def _create_more(self) -> None:
        """Make the spinboxes seen, a few per event-loop turn: scrolling to the end of 4096 inputs never freezes."""
        self._create_up_to(min(self._seen, len(self._spins) + INPUTS_PER_TURN))
        if len(self._spins) < self._seen:
            self._create_timer.start()
        elif len(self._spins) < self._target and self.isVisible() and not self._later_timer.isActive():
            self._later_timer.start()

    def _create_later(self) -> None:
        """Make the rest of the target, a few per turn, a moment later: a window with hundreds of inputs
        paints first."""
        self._create_up_to(min(self._target, len(self._spins) + INPUTS_PER_TURN))
        if len(self._spins) < self._target:
            self._later_timer.start()

    def _create_up_to(self, stop: int) -> None:
        values = self._values()  # the state's: fewer than the count until the count follows a smaller network
        for index in range(len(self._spins), min(stop, len(values))):
            self._create(index, values[index])

    def _create(self, index: int, value: float) -> None:
        spin = _input_spin(self._content)
        spin.setObjectName(f"input_{index}")
        spin.setToolTip(f"Value of input {input_name(index)}")
        spin.setAccessibleName(f"Input {index + 1}")
        spin.setValue(round(float(value), INPUT_DECIMALS))
        spin.valueChanged.connect(lambda v: self.valueEdited.emit(index, v))
        spin.refused.connect(self.refused)
        label = QLabel(input_name(index), self._content)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        label.setBuddy(spin)
        QWidget.setTabOrder(self._spins[-1] if self._spins else self._tab_anchor, spin)
        self._spins.append(spin)
        self._labels.append(label)
        self._place(index)
        spin.show()
        label.show()
