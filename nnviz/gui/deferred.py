"""Deferred refresh: collect what changed, bring it up to date once on the next event-loop turn."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QAbstractScrollArea, QWidget


class DeferredRefresh(QObject):
    """The stale parts of an owner (a set of names) and a zero-interval single-shot timer.

    :meth:`mark` adds parts and starts the timer; when it fires (or :meth:`run` is called),
    ``refresh(parts)`` gets every part marked since the last run, however many marks came first.
    A part ``refresh`` cannot do yet it may put back into :attr:`stale` without starting the timer.
    If the owner is a widget, showing it runs what is stale on the next turn (after
    ``first_show_delay_ms`` the first time); with ``skip_hidden`` nothing runs while it is hidden or off
    screen. (A dock in the background of a tab group stays "visible", moved off screen; raising its tab
    paints it, and that runs what is stale.)
    """

    def __init__(self, owner: QObject, refresh: Callable[[set[str]], None], parts=(), *,
                 skip_hidden: bool = False, first_show_delay_ms: int = 0):
        super().__init__(owner)
        self.stale: set[str] = set(parts)
        self._owner = owner
        self._refresh = refresh
        self._skip_hidden = skip_hidden
        self._show_delay_ms = first_show_delay_ms
        self._timer = QTimer(self, singleShot=True, timeout=self.run)
        # A scroll area (a graphics view) is covered by its viewport: that is what shows and paints.
        self._surface = owner.viewport() if isinstance(owner, QAbstractScrollArea) else owner
        if isinstance(owner, QWidget):
            owner.installEventFilter(self)
            if self._surface is not owner:
                self._surface.installEventFilter(self)

    def mark(self, *parts: str) -> None:
        self.stale.update(parts)
        if not self._timer.isActive():
            self._timer.start(0)

    def run(self) -> None:
        """Refresh what is stale now."""
        self._timer.stop()
        if not self.stale or (self._skip_hidden and not self._on_screen()):
            return
        self._show_delay_ms = 0
        parts, self.stale = self.stale, set()
        self._refresh(parts)

    def _on_screen(self) -> bool:
        return self._owner.isVisible() and not self._surface.visibleRegion().isEmpty()

    def eventFilter(self, watched, event) -> bool:
        if event.type() in (QEvent.Type.Show, QEvent.Type.Paint) and self.stale and not self._timer.isActive():
            self._timer.start(self._show_delay_ms)
        return False
