"""A verdict on the current weights in a few words, for the status bar and the training panel."""

from __future__ import annotations

import html

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel

from nnviz.core.verdicts import Verdict


class VerdictLabel(QLabel):
    """Shows a :class:`~nnviz.core.verdicts.Verdict`'s headline ("⚠ Vanishing gradients") after ``prefix``,
    with its explanation and rule as the tooltip; "…" while the verdict is out of date (None), so the
    label keeps its place and nothing below it jumps while training plays.

    Connect the initialisation explorer's ``verdictChanged`` to :meth:`show_verdict`: every place that
    shows a verdict then shows the same one.
    """

    def __init__(self, prefix: str = "", parent=None, objectName: str = "verdictLabel"):
        super().__init__(parent, objectName=objectName)
        self._prefix = prefix
        self.verdict: Verdict | None = None

    @Slot(object)
    def show_verdict(self, verdict: Verdict | None) -> None:
        self.verdict = verdict
        if verdict is None:
            self.setText(f"{self._prefix}…")
            self.setToolTip("The verdict follows once the weights stop changing.")
            return
        self.setText(f"{self._prefix}{'✓' if verdict.healthy else '⚠'} {verdict.headline}")
        self.setToolTip(f"{verdict.text}\n\nDetails and plots: the Initialisation panel.")


def verdict_html(verdict: Verdict, muted: str) -> str:
    """The verdict as rich text: the headline bold, the explanation, the rule in the ``muted`` colour."""
    text = f"<b>{html.escape(verdict.headline)}.</b> {html.escape(verdict.explanation)}"
    if verdict.rule:
        text += f" <span style='color:{muted}'>{html.escape(verdict.rule)}</span>"
    return text
