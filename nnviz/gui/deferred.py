"""Deferred refresh: collect what changed, bring it up to date once on the next event-loop turn."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QAbstractScrollArea, QWidget
from shiboken6 import isValid

PAINT_WAIT_MS = 40
""":meth:`DeferredRefresh.mark_after_paint` without a paint to wait for refreshes once the event loop
has run two such intervals on time (nothing busy is preparing a paint)."""
SLOW_PANEL_INTERVAL_MS = 200
"""``min_interval_ms`` of panels whose refresh costs more than the network view's picture (the
initialisation explorer's statistics): while training plays they follow five times a second."""
PAINT_WAIT_LATE_MS = 15
"""A wait interval this late means the event loop was blocked (a view preparing its picture)."""


class DeferredRefresh(QObject):
    """The stale parts of an owner (a set of names) and a zero-interval single-shot timer.

    :meth:`mark` adds parts and starts the timer; when it fires (or :meth:`run` is called),
    ``refresh(parts)`` gets every part marked since the last run, however many marks came first.
    A part ``refresh`` cannot do yet it may put back into :attr:`stale` without starting the timer.
    If the owner is a widget, showing it runs what is stale on the next turn (after
    ``first_show_delay_ms`` the first time); with ``skip_hidden`` nothing runs while it is hidden or off
    screen. (A dock in the background of a tab group stays "visible", moved off screen; raising its tab
    paints it, and that runs what is stale.) :meth:`mark_after_paint` lets a view paint first (slow
    work must not delay the picture). ``min_interval_ms`` spaces runs at least that far apart: a panel
    whose refresh is slow follows a stream of changes (training) a few times a second, leaving the
    event loop to the picture, yet a single change shows at once and the last change always shows.
    """

    def __init__(self, owner: QObject, refresh: Callable[[set[str]], None], parts=(), *,
                 skip_hidden: bool = False, first_show_delay_ms: int = 0, min_interval_ms: int = 0):
        super().__init__(owner)
        self.stale: set[str] = set(parts)
        self._owner = owner
        self._refresh = refresh
        self._skip_hidden = skip_hidden
        self._show_delay_ms = first_show_delay_ms
        self._min_interval = min_interval_ms / 1e3
        self._last_run = -float("inf")
        self._timer = QTimer(self, singleShot=True, timeout=self._run_when_due)
        self._paint_wait = QTimer(self, interval=PAINT_WAIT_MS, timeout=self._on_paint_wait)
        self._watched: QWidget | None = None
        self._last_wait = 0.0
        self._calm_ticks = 0
        # A scroll area (a pyqtgraph view, say) is covered by its viewport: the viewport is what is seen and painted.
        self._surface = owner.viewport() if isinstance(owner, QAbstractScrollArea) else owner
        if isinstance(owner, QWidget):
            owner.installEventFilter(self)
            if self._surface is not owner:
                self._surface.installEventFilter(self)

    def mark(self, *parts: str) -> None:
        self.stale.update(parts)
        if not self._timer.isActive():
            self._timer.start(0)

    def mark_after_paint(self, painted: QWidget | None) -> None:
        """Like :meth:`mark`, but refresh only after ``painted`` (a view whose picture must come
        first) has painted, or, if it does not paint, once the event loop is idle.

        A widget paints on an update request that Qt sends a few ms after the change, so a
        zero-interval timer would run first and delay the picture.
        """
        if self._timer.isActive() or self._paint_wait.isActive():
            return
        if painted is not None and painted.isVisible():
            self._watched = painted
            painted.installEventFilter(self)
        self._calm_ticks = 0
        self._last_wait = time.perf_counter()
        self._paint_wait.start()

    def run(self) -> None:
        """Refresh what is stale now."""
        self._timer.stop()
        self._stop_waiting()
        if not self.stale or (self._skip_hidden and not self._on_screen()):
            return
        self._show_delay_ms = 0
        self._last_run = time.perf_counter()
        parts, self.stale = self.stale, set()
        self._refresh(parts)

    def _run_when_due(self) -> None:
        wait = self._last_run + self._min_interval - time.perf_counter()
        if wait > 0 and self.stale:
            self._stop_waiting()
            self._timer.start(math.ceil(wait * 1e3))
        else:
            self.run()

    def _on_screen(self) -> bool:
        return self._owner.isVisible() and not self._surface.visibleRegion().isEmpty()

    def _on_paint_wait(self) -> None:
        now = time.perf_counter()
        late = now - self._last_wait > (PAINT_WAIT_MS + PAINT_WAIT_LATE_MS) / 1e3
        self._last_wait = now
        self._calm_ticks = 0 if late else self._calm_ticks + 1
        if self._calm_ticks >= 2:
            self._run_when_due()

    def _stop_waiting(self) -> None:
        self._paint_wait.stop()
        if self._watched is not None:
            if isValid(self._watched):  # the watched view may have been closed and deleted meanwhile
                self._watched.removeEventFilter(self)
            self._watched = None

    def eventFilter(self, watched, event) -> bool:
        if watched is self._watched and event.type() == QEvent.Type.Paint:
            # The widget paints while it handles this event: the timer fires after the paint.
            self._stop_waiting()
            self._timer.start(0)
        elif (watched in (self._owner, self._surface) and event.type() in (QEvent.Type.Show, QEvent.Type.Paint)
              and self.stale and not self._timer.isActive()
              and not self._paint_wait.isActive()):  # waiting: the view first
            self._timer.start(self._show_delay_ms)
        return False
