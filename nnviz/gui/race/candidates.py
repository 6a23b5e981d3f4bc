"""The race's candidate rows: for each, whether it runs, its initialiser and its scale."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QWidget

from nnviz.core.initializers import INITIALIZERS

from ..combos import squeezable_combo
from ..limited_spin import LimitedDoubleSpinBox

DEFAULT_CANDIDATES = (
    {"init": "truncated_normal", "init_scale": 1.0},
    {"init": "xavier_normal", "init_scale": 1.0},
    {"init": "he_normal", "init_scale": 1.0},
    {"init": "xavier_normal", "init_scale": 0.1, "label": "too small (Xavier ×0.1)"},
)
"""The tutorial's truncated normal, Xavier, He and a scale far too small: what a lecture wants to compare."""
MIN_CANDIDATES = 2


class CandidateRows(QWidget):
    """Up to four candidate rows; object names ``raceUse{i}``, ``raceInit{i}``, ``raceScale{i}`` (i = 0 … 3).

    Signals: ``refused(str)``: a scale typed beyond its limit, with the reason.
    """

    refused = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.uses, self.inits, self.scales = [], [], []
        for row, default in enumerate(DEFAULT_CANDIDATES):
            use = QCheckBox(objectName=f"raceUse{row}", checked=True, toolTip="Race this candidate")
            use.toggled.connect(self._keep_two)
            init = squeezable_combo(f"raceInit{row}", min_chars=6)
            init.setToolTip("How this candidate's weights are drawn")
            for name, initializer in INITIALIZERS.items():
                init.addItem(initializer.display_name, name)
            init.setCurrentIndex(init.findData(default["init"]))
            scale = LimitedDoubleSpinBox("init_scale", objectName=f"raceScale{row}", decimals=3,
                                         singleStep=0.1, value=default["init_scale"], prefix="×",
                                         toolTip="Multiplies every drawn weight (the initialisation scale)")
            scale.refused.connect(self.refused)
            for col, widget in enumerate((use, init, scale)):
                grid.addWidget(widget, row, col)
            self.uses.append(use)
            self.inits.append(init)
            self.scales.append(scale)
        grid.setColumnStretch(1, 1)

    def candidates(self) -> list[dict]:
        """The checked rows as race candidates; a row still at its default keeps the default's label."""
        chosen = []
        for use, init, scale, default in zip(self.uses, self.inits, self.scales, DEFAULT_CANDIDATES):
            if not use.isChecked():
                continue
            candidate = {"init": init.currentData(), "init_scale": scale.value()}
            if "label" in default and candidate == {k: default[k] for k in ("init", "init_scale")}:
                candidate["label"] = default["label"]
            chosen.append(candidate)
        return chosen

    def set_candidate(self, row: int, init: str, init_scale: float = 1.0, used: bool = True) -> None:
        self.inits[row].setCurrentIndex(self.inits[row].findData(init))
        self.scales[row].setValue(init_scale)
        self.uses[row].setChecked(used)

    def _keep_two(self) -> None:
        # A race needs two runners: the last two checked boxes cannot be unchecked.
        checked = [use for use in self.uses if use.isChecked()]
        for use in self.uses:
            use.setEnabled(not (use.isChecked() and len(checked) <= MIN_CANDIDATES))
