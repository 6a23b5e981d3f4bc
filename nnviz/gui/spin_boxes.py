"""Spin boxes with one extra habit each, for the panels (on top of refusing values beyond their
limit out loud, see :mod:`nnviz.gui.limited_spin`)."""

from __future__ import annotations

from .limited_spin import LimitedDoubleSpinBox, LimitedSpinBox


class SizeSpinBox(LimitedSpinBox):
    """A QSpinBox that knows whether the value is being typed (``typing``) rather than stepped.

    Typing "12" over "4" passes through 1; applying that 1 would throw away the weights of nodes
    2–4, so the panel waits before it applies a typed shrink.
    """

    typing = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setAccelerated(True)  # holding an arrow speeds up: 4 → 784 takes seconds, not minutes

    def keyPressEvent(self, event):
        self.typing = True
        try:
            super().keyPressEvent(event)
        finally:
            self.typing = False

    def stepBy(self, steps):
        # Arrow keys arrive through keyPressEvent too, but a step is never a half-typed number.
        typing, self.typing = self.typing, False
        try:
            super().stepBy(steps)
        finally:
            self.typing = typing


class CompactSpinBox(LimitedDoubleSpinBox):
    """A double spin box that shows 0.003 as "0.003", not "0.00300"."""

    def textFromValue(self, value: float) -> str:
        return f"{value:.6g}"
