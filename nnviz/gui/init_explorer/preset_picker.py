"""The initialisation explorer's lecture presets: a combo box that applies one, and its explanation."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QComboBox, QLabel

from nnviz.core import get_initializer
from nnviz.core.presets import PRESETS, matching_preset

from ..quiet import show_index

CUSTOM = "Custom settings"


class PresetPicker(QObject):
    """``combo`` (objectName ``initPreset``) lists :data:`~nnviz.core.presets.PRESETS`; choosing one sets the
    state to it. ``explanation`` (``presetExplanation``) says what the preset shows. :meth:`sync` shows the
    preset the network matches now (or "Custom settings") without applying anything."""

    def __init__(self, state, parent=None):
        super().__init__(parent)
        self._state = state
        self.combo = QComboBox(objectName="initPreset")
        self.combo.addItem(CUSTOM)
        self.combo.addItems(list(PRESETS))
        self.combo.setToolTip("Lecture examples: each sets the initialiser, scale, activation and depth "
                              "(input and output sizes stay).")
        self.combo.currentIndexChanged.connect(self._on_chosen)
        self.explanation = QLabel(objectName="presetExplanation", wordWrap=True)
        self.explanation.setTextInteractionFlags(Qt.TextSelectableByMouse)

    def _on_chosen(self, index: int) -> None:
        if index > 0:
            self.apply(self.combo.itemText(index))

    def apply(self, name: str) -> None:
        """Set the state to preset ``name`` (keeping the input and output sizes) with fresh weights."""
        preset = PRESETS[name]
        state, network = self._state, self._state.network
        try:
            state.set_layer_sizes(preset.layer_sizes(network.layer_sizes[0], network.layer_sizes[-1]))
            state.set_activation(preset.activation)
            state.set_output_activation(preset.output_activation)
            state.set_init(preset.init)
            state.set_init_scale(preset.init_scale)
            state.reinitialize()  # weights kept by the resize were drawn for other sizes
        except ValueError as error:
            state.message.emit(f"Cannot apply preset “{name}”: {error}")
        self.sync()

    def sync(self) -> None:
        preset = matching_preset(self._state.network)
        show_index(self.combo, 0 if preset is None else self.combo.findText(preset.name))
        if preset is None:
            self.explanation.setText("<i>Pick a preset for a lecture example, or change the initialiser, "
                                     "scale, activation and depth in the controls.</i>")
        else:
            self.explanation.setText(preset.explanation)


def describe_settings(network) -> str:
    """One line for the compare label, the settings a preset sets: initialiser × scale, activation, depth, seed."""
    hidden = network.layer_sizes[1:-1]
    depth = f"{len(hidden)} × {hidden[0]}" if hidden and len(set(hidden)) == 1 else "-".join(map(str, hidden))
    return (f"{get_initializer(network.init).display_name} × {network.init_scale:g}, {network.activation}, "
            f"hidden {depth or 'none'}, seed {network.seed}")
