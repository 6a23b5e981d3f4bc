"""View → Weight Colours: the colour mode (per layer, whole network, fixed range) and weight matrices.

The actions set :class:`~nnviz.gui.appearance.Appearance`; they follow it back (a lecture scene or
the command line may change the mode) and keep the choice in the preferences.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from nnviz.gui.appearance import MATRIX_ABOVE, Appearance
from nnviz.gui.network_view.weight_scale import MODES, mode_options, scale_mode
from nnviz.gui.preferences import Preferences

MODE_TEXTS = {"layer": "&Per Layer", "network": "&Whole Network", "fixed": "F&ixed Range"}
MODE_TIPS = {
    "layer": "Each layer's largest |w| gets the full colour: every layer shows its pattern, "
             "but a colour means different weights in different layers",
    "network": "The largest |w| of the whole network gets the full colour: colours compare across layers",
    "fixed": "±R gets the full colour whatever the weights: colours keep their meaning while weights change",
}


class WeightColourActions(QObject):
    """The actions of the weight colour menu for ``appearance``; ``view`` gives the limits to freeze."""

    def __init__(self, appearance: Appearance, view, preferences: Preferences, parent: QWidget):
        super().__init__(parent)
        self.appearance = appearance
        self.view = view
        self.preferences = preferences
        self._fixed_range = preferences.fixed_weight_range()
        self.mode_group = QActionGroup(self)
        self.mode_actions = {}
        for mode in MODES:
            action = QAction(MODE_TEXTS[mode], self)
            action.setObjectName(f"weightScale_{mode}")
            action.setCheckable(True)
            action.setStatusTip(MODE_TIPS[mode])
            action.setToolTip(MODE_TIPS[mode])
            action.triggered.connect(lambda _checked=False, mode=mode: self.set_mode(mode))
            self.mode_group.addAction(action)
            self.mode_actions[mode] = action
        self.set_range_action = self._action("&Set Fixed Range…", self.ask_fixed_range,
                                             "Type the |w| that gets the full colour")
        self.freeze_action = self._action("F&reeze Current Range", self.freeze,
                                          "Keep the colour range shown now, whatever the weights do next")
        self.matrices_action = self._action("Weight &Matrices for Big Layers", self._on_matrices,
                                            f"Draw layers of more than {MATRIX_ABOVE:,} edges as an n_out × n_in "
                                            "heatmap of W instead of a hairball of lines")
        self.matrices_action.setObjectName("matricesAction")
        self.matrices_action.setCheckable(True)
        self.matrices_action.setShortcut(QKeySequence("M"))
        for action in (self.set_range_action, self.freeze_action, self.matrices_action, *self.mode_actions.values()):
            parent.addAction(action)  # shortcuts work even while the menu bar is hidden
        appearance.changed.connect(self._follow_appearance)
        self._follow_appearance()

    def _action(self, text: str, slot, tip: str) -> QAction:
        action = QAction(text, self)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def populate(self, menu: QMenu) -> None:
        menu.addActions(list(self.mode_actions.values()))
        menu.addSeparator()
        menu.addAction(self.set_range_action)
        menu.addAction(self.freeze_action)
        menu.addSeparator()
        menu.addAction(self.matrices_action)

    # -- choosing ---------------------------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        """Colour by ``mode``; ``fixed`` uses the last fixed range."""
        self.appearance.set(**mode_options(mode, self._fixed_range))

    def set_fixed_range(self, value: float) -> None:
        """Fixed colours: ±``value`` gets the full colour."""
        self.appearance.set(**mode_options("fixed", float(value)))

    def freeze(self) -> None:
        """Fix the range at what is shown now (the largest limit of any layer)."""
        self.set_fixed_range(float(f"{max(self.view.colour_limits()):.3g}"))

    def ask_fixed_range(self) -> None:
        value, ok = QInputDialog.getDouble(self.parent(), "Fixed Weight Range",
                                           "±R gets the full colour; R =", self._fixed_range, 1e-6, 1e6, 4)
        if ok:
            self.set_fixed_range(value)

    def _on_matrices(self) -> None:
        self.appearance.set(matrix_above=MATRIX_ABOVE if self.matrices_action.isChecked() else None)

    # -- following and remembering ------------------------------------------------------------------------
    def _follow_appearance(self) -> None:
        look = self.appearance
        mode = scale_mode(look)
        if mode == "fixed":
            self._fixed_range = look.weight_range
        self.mode_actions[mode].setChecked(True)
        self.matrices_action.setChecked(look.matrix_above is not None)

    def restore(self) -> None:
        """Apply the preferences' colour mode and matrix choice."""
        self.set_mode(self.preferences.weight_scale())
        self.appearance.set(matrix_above=MATRIX_ABOVE if self.preferences.matrices_for_big_layers() else None)

    def save(self) -> None:
        self.preferences.set_weight_scale(scale_mode(self.appearance))
        self.preferences.set_fixed_weight_range(self._fixed_range)
        self.preferences.set_matrices_for_big_layers(self.appearance.matrix_above is not None)
