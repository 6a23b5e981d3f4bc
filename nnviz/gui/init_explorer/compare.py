"""Compare with a fresh initialisation: how far did training move the weights of a trained (for example
imported) network from where an initialisation starts them?"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton

from nnviz.core import get_initializer

FRESH_TIP = ("Pin these (trained) weights as A and draw a fresh initialisation of the same shape, with the "
             "chosen initialiser, as B: per layer, how far training moved the weights")


def compare_with_fresh(explorer, state) -> None:
    """Pin the current weights as A, then draw new weights (a new seed, the network's initialiser and scale)
    into the state as B."""
    init = get_initializer(state.network.init).display_name
    explorer.pin(caption=f"A: the trained weights; B: a fresh {init} × {state.network.init_scale:g} draw")
    state.reroll()


def fresh_comparison_controls(explorer, state) -> tuple[QAction, QPushButton]:
    """The menu action and the panel button (objectName ``compareFresh``) that run :func:`compare_with_fresh`."""
    action = QAction("Compare with a Fresh Initialisation", explorer, statusTip=FRESH_TIP, toolTip=FRESH_TIP,
                     objectName="compareFreshAction")
    action.triggered.connect(lambda: compare_with_fresh(explorer, state))
    button = QPushButton("vs fresh init", explorer, objectName="compareFresh", toolTip=FRESH_TIP)
    button.clicked.connect(action.trigger)
    return action, button
