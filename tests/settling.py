"""Helpers the widget tests share."""


def settle(state, qtbot):
    """Let the coalesced state signals and the views' lazy refreshes run."""
    state.flush()
    qtbot.wait(1)
    state.flush()
