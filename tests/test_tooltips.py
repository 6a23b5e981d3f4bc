"""Hover texts keep each line whole: a narrow tool tip must not break "z = 2.552" in two."""

from PySide6.QtGui import QTextDocument

from nnviz.core import Network
from nnviz.gui.network_view.text import describe


def test_every_hover_text_line_stays_on_one_line_however_narrow(qapp):
    network = Network([2, 3, 2], seed=4, bias=True)
    trace = network.forward([2.552, -1.25])
    for hit in (("node", 1, 2), ("edge", 0, 1, 0), ("edge", 1, 0, -1), ("bias", 0)):
        text = describe(network, trace, hit)
        document = QTextDocument()
        document.setHtml(text)
        document.setTextWidth(60)  # far narrower than any line
        document.documentLayout()  # lays it out
        block, lines = document.begin(), 0
        while block.isValid():
            lines += block.layout().lineCount()
            block = block.next()
        assert lines == text.count("<br>") + 1, hit
