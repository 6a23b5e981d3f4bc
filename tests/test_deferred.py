"""DeferredRefresh: many marks give one refresh; a minimum interval spaces a stream of changes."""

import time

from PySide6.QtCore import QObject

from nnviz.gui.deferred import DeferredRefresh


def test_marks_in_one_turn_give_one_refresh_with_every_part(qtbot):
    owner = QObject()  # kept: the refresh is its child
    runs = []
    refresh = DeferredRefresh(owner, runs.append)
    refresh.mark("a")
    refresh.mark("b")
    refresh.mark("a")
    qtbot.waitUntil(lambda: len(runs) > 0)
    assert runs == [{"a", "b"}]


def test_a_stream_of_changes_refreshes_at_most_once_per_interval_and_the_last_change_shows(qtbot):
    owner = QObject()
    runs = []
    refresh = DeferredRefresh(owner, lambda parts: runs.append(time.perf_counter()), min_interval_ms=150)
    refresh.mark("stats")
    qtbot.waitUntil(lambda: len(runs) == 1)  # the first change shows at once
    marks = 0
    start = time.perf_counter()
    while time.perf_counter() - start < 0.4:  # changes keep coming, as while training plays
        refresh.mark("stats")
        marks += 1
        qtbot.wait(5)
    qtbot.waitUntil(lambda: not refresh.stale)  # and the last one is shown
    gaps = [b - a for a, b in zip(runs, runs[1:])]
    assert marks > 2 * len(runs) and 2 <= len(runs) <= 5  # many marks (fewer on a loaded machine), few runs
    assert min(gaps) >= 0.15 - 0.005


def test_run_refreshes_at_once_whatever_the_interval(qtbot):
    owner = QObject()
    runs = []
    refresh = DeferredRefresh(owner, runs.append, min_interval_ms=10_000)
    refresh.mark("a")
    refresh.run()
    refresh.mark("b")
    refresh.run()
    assert runs == [{"a"}, {"b"}]


def test_a_view_deleted_before_it_paints_still_lets_the_refresh_run(qtbot):
    from PySide6.QtWidgets import QWidget

    owner = QObject()
    runs = []
    refresh = DeferredRefresh(owner, runs.append)
    view = QWidget()
    view.show()
    refresh.stale.add("after")
    refresh.mark_after_paint(view)
    view.deleteLater()
    qtbot.waitUntil(lambda: len(runs) == 1)  # once the event loop is calm; no error about the deleted view
    assert runs == [{"after"}]
