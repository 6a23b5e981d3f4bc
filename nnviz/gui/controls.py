"""The side panel that edits the network: structure, inputs, activation and initialisation."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.initializers import INITIALIZERS
from nnviz.core.limits import MAX_HIDDEN_LAYERS, MAX_SEED
from nnviz.core.losses import LOSSES

from .combos import activation_combo, compact_form, squeezable_combo
from .input_grid import INPUT_DECIMALS, InputGrid
from .layer_names import layer_title
from .limited_spin import LimitedDoubleSpinBox, LimitedSpinBox
from .quiet import show_checked, show_index, show_value
from .spin_boxes import SizeSpinBox

RANDOM_INPUT_SEED = 20240601
"""Seed of the panel's own Generator for "Random": the same clicks give the same inputs in every session."""
RANDOM_INPUT_LIMIT = 1.0
"""Random inputs are drawn uniformly from [−limit, limit]."""
TYPED_SHRINK_DELAY_MS = 800
"""A typed size that is smaller than the current one waits this long (or for Enter) before it applies."""
SEED_TOOLTIP = ("Seed of the random weights: the same seed and structure give the same weights. "
                "Changing it redraws the weights.")


class ControlsPanel(QWidget):
    """Controls for a :class:`~nnviz.gui.state.NetworkState`; the main window puts it in a dock.

    A control that the user changes calls the state's setter; when the state changes, the controls
    show the new values with their signals blocked, so nothing is sent back. A refused value
    (``ValueError``, e.g. more weights than the limit) is explained through ``state.message`` and a
    tool tip, and the control goes back to the state's value.

    Object names: ``hiddenLayers``, ``layerSize_0`` … ``layerSize_{L-1}``, ``bias``, ``randomInput``,
    ``layerActivation_1`` … ``layerActivation_{L-1}`` (each layer's own activation), ``input_0`` …
    ``input_{n-1}``, ``activation`` (every hidden layer), ``outputActivation``, ``loss``, ``init``, ``initScale``,
    ``seed``, ``reinit``. :meth:`menu_actions` lists the actions meant for the menus.
    """

    def __init__(self, state, parent=None):
        super().__init__(parent)
        self.setObjectName("controlsPanel")
        self._state = state
        self._input_rng = np.random.default_rng(RANDOM_INPUT_SEED)
        self._layer_rows: list[tuple[QLabel, SizeSpinBox, QComboBox | None]] = []
        """Per node layer: its title, its size and (not for the input) its own activation."""
        self._pending_shrink: tuple[SizeSpinBox, object] | None = None
        self._shrink_timer = QTimer(self)
        self._shrink_timer.setSingleShot(True)
        self._shrink_timer.setInterval(TYPED_SHRINK_DELAY_MS)
        self._shrink_timer.timeout.connect(self._commit_pending_shrink)

        self._build_actions()
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(6, 6, 6, 6)
        column.setSpacing(8)
        column.addWidget(self._build_structure())
        column.addWidget(self._build_inputs())
        column.addWidget(self._build_activation())
        column.addWidget(self._build_initialisation())
        column.addStretch(1)
        # The whole panel scrolls rather than squashing when the dock is short.
        scroll = QScrollArea()
        scroll.setObjectName("controlsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # A dock narrowed below the fields' minimum scrolls sideways rather than cutting them off.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        state.structureChanged.connect(self._on_structure_changed)
        state.settingsChanged.connect(self._on_settings_changed)
        state.inputChanged.connect(self._on_input_changed)
        self._on_structure_changed()
        self._on_settings_changed()

    # -- construction --------------------------------------------------------------------------------
    def _build_actions(self) -> None:
        self.random_input_action = QAction("Random &Inputs", self)
        self.random_input_action.setToolTip(
            f"Fill every input with a random value in [−{RANDOM_INPUT_LIMIT:g}, {RANDOM_INPUT_LIMIT:g}]")
        self.random_input_action.triggered.connect(self._randomize_inputs)
        self.add_layer_action = QAction("&Add Hidden Layer", self)
        self.add_layer_action.triggered.connect(lambda: self._step_hidden_layers(+1))
        self.remove_layer_action = QAction("Re&move Hidden Layer", self)
        self.remove_layer_action.triggered.connect(lambda: self._step_hidden_layers(-1))

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        """A field label; all of them are as wide as the widest, so that the fields line up across groups."""
        label = QLabel(text)
        label.setBuddy(buddy)
        widest = max(label.fontMetrics().horizontalAdvance(t) for t in (
            "Hidden layers", "Initialiser", f"Hidden {MAX_HIDDEN_LAYERS}"))
        label.setMinimumWidth(widest + 4)
        return label

    def _limited(self, spin):
        """``spin`` with its refusals ("4096 is the largest layer") sent to the status bar."""
        spin.refused.connect(self._state.message)
        return spin

    def minimum_width(self) -> int:
        """The narrowest the panel gets without scrolling sideways."""
        scroll = self.findChild(QScrollArea, "controlsScroll")
        return scroll.widget().minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 2

    def menu_actions(self) -> list[QAction]:
        """Actions for the main window's menus: random inputs, add and remove a hidden layer.

        They have no shortcuts: the main window owns those. (Re-roll is the window's own action.)
        """
        return [self.random_input_action, self.add_layer_action, self.remove_layer_action]

    def _build_structure(self) -> QGroupBox:
        group = QGroupBox("Structure")
        self._layer_grid = QGridLayout()
        self._layer_grid.setColumnStretch(1, 1)
        self._layer_grid.setVerticalSpacing(3)
        self._hidden_layers = self._limited(SizeSpinBox("hidden_layers", objectName="hiddenLayers"))
        self._hidden_layers.setToolTip(
            f"Number of hidden layers (0–{MAX_HIDDEN_LAYERS}). A new layer is as wide as the last hidden one.")
        self._hidden_layers.valueChanged.connect(self._on_hidden_layers_edited)
        self._hidden_layers.editingFinished.connect(self._commit_pending_shrink)
        self._layer_grid.addWidget(self._label("Hidden &layers", self._hidden_layers), 0, 0)
        self._layer_grid.addWidget(self._hidden_layers, 0, 1)

        self._bias = QCheckBox("Use &biases (z = W·x + b)", objectName="bias")
        self._bias.setToolTip("Give every neuron a bias b, added to its weighted sum. Biases start at 0.")
        self._bias.toggled.connect(lambda on: self._apply(self._bias, lambda: self._state.set_bias(on)))
        self._summary = QLabel(objectName="structureSummary")
        self._summary.setWordWrap(True)
        self._summary.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        box = QVBoxLayout(group)
        box.addLayout(self._layer_grid)
        box.addWidget(self._bias)
        box.addWidget(self._summary)
        return group

    def _build_inputs(self) -> QGroupBox:
        group = QGroupBox("In&puts")
        self._random_input = QPushButton("Rando&m", objectName="randomInput")
        self._random_input.setToolTip(self.random_input_action.toolTip())
        self._random_input.clicked.connect(self._randomize_inputs)
        self._input_hint = QLabel()
        self._input_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        top = QHBoxLayout()
        top.addWidget(self._input_hint, 1)
        top.addWidget(self._random_input)
        self._inputs = InputGrid(lambda: self._state.inputs, tab_anchor=self._random_input)
        self._inputs.valueEdited.connect(self._on_input_edited)
        self._inputs.refused.connect(self._state.message)
        box = QVBoxLayout(group)
        box.addLayout(top)
        box.addWidget(self._inputs)
        return group

    def _build_activation(self) -> QGroupBox:
        group = QGroupBox("Activation")
        self._activation = activation_combo("activation", "Activation function of every hidden layer")
        self._activation.currentIndexChanged.connect(lambda: self._apply(
            self._activation, lambda: self._state.set_activation(self._activation.currentData())))
        self._output_activation = activation_combo(
            "outputActivation", "Activation function of the output layer. It follows the hidden layers' "
                                "until you choose a different one here.")
        self._output_activation.currentIndexChanged.connect(lambda: self._apply(
            self._output_activation,
            lambda: self._state.set_output_activation(self._output_activation.currentData())))
        self._loss = squeezable_combo("loss")
        for name, text in LOSSES.items():
            self._loss.addItem(text, name)
        self._loss.setToolTip("The error E that training minimises. Cross-entropy needs a softmax or sigmoid output.")
        self._loss.currentIndexChanged.connect(lambda: self._apply(
            self._loss, lambda: self._state.set_loss(self._loss.currentData())))
        form = compact_form(group)
        form.addRow(self._label("Hi&dden", self._activation), self._activation)
        form.addRow(self._label("&Output", self._output_activation), self._output_activation)
        form.addRow(self._label("Lo&ss", self._loss), self._loss)
        return group


    def _build_initialisation(self) -> QGroupBox:
        group = QGroupBox("Initialisation")
        self._init = squeezable_combo("init")
        for initializer in INITIALIZERS.values():
            self._init.addItem(initializer.display_name, initializer.name)
            self._init.setItemData(self._init.count() - 1, initializer.description, Qt.ItemDataRole.ToolTipRole)
        self._init.currentIndexChanged.connect(lambda: self._apply(
            self._init, lambda: self._state.set_init(self._init.currentData())))

        self._init_scale = self._limited(LimitedDoubleSpinBox("init_scale", objectName="initScale"))
        self._init_scale.setSingleStep(0.1)
        self._init_scale.setDecimals(2)
        self._init_scale.setToolTip("Every initial weight is multiplied by this factor. Changing it redraws "
                                    "the weights.")
        self._init_scale.valueChanged.connect(lambda v: self._apply(
            self._init_scale, lambda: self._state.set_init_scale(v)))

        self._seed = self._limited(LimitedSpinBox("seed", objectName="seed"))
        self._seed.setToolTip(SEED_TOOLTIP)
        self._seed.valueChanged.connect(lambda v: self._apply(self._seed, lambda: self._state.set_seed(v)))
        self._seed.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._reinit = QPushButton("&Re-roll", objectName="reinit")
        self._reinit.setToolTip("Draw new random weights from a fresh seed")
        self._reinit.clicked.connect(self._reroll)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self._seed, 1)
        seed_row.addWidget(self._reinit)

        form = compact_form(group)
        # In a narrow dock the seed row goes under its label rather than cutting digits off.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self._label("&Initialiser", self._init), self._init)
        form.addRow(self._label("Sc&ale", self._init_scale), self._init_scale)
        form.addRow(self._label("&Seed", self._seed), seed_row)
        return group

    # -- layer rows ------------------------------------------------------------------------------------
    def _add_layer_row(self) -> None:
        index = len(self._layer_rows)
        spin = self._limited(SizeSpinBox("layer_size", objectName=f"layerSize_{index}"))
        spin.valueChanged.connect(lambda value: self._on_layer_size_edited(index, value))
        spin.editingFinished.connect(self._commit_pending_shrink)
        label = self._label("", spin)
        self._layer_grid.addWidget(label, index + 1, 0)
        self._layer_grid.addWidget(spin, index + 1, 1)
        activation = None
        if index > 0:
            activation = activation_combo(f"layerActivation_{index}", "", min_chars=4)
            activation.currentIndexChanged.connect(lambda: self._apply(activation, lambda: (
                self._state.set_layer_activation(index, activation.currentData()))))
            self._layer_grid.addWidget(activation, index + 1, 2)
        # Rows are added after the rest of the panel exists; put each right after the previous one.
        previous = self._layer_rows[-1][2] or self._layer_rows[-1][1] if self._layer_rows else self._hidden_layers
        QWidget.setTabOrder(previous, spin)
        if activation is not None:
            QWidget.setTabOrder(spin, activation)
        self._layer_rows.append((label, spin, activation))

    def _remove_layer_row(self) -> None:
        label, spin, activation = self._layer_rows.pop()
        if self._pending_shrink and self._pending_shrink[0] is spin:
            self._cancel_pending_shrink()
        for widget in filter(None, (label, spin, activation)):
            self._layer_grid.removeWidget(widget)
            widget.setParent(None)
            widget.deleteLater()

    # -- state → widgets -------------------------------------------------------------------------------
    def _on_structure_changed(self) -> None:
        sizes = self._state.network.layer_sizes
        n_layers = len(sizes)
        pending = self._pending_shrink[0] if self._pending_shrink else None
        if pending is not self._hidden_layers:
            show_value(self._hidden_layers, n_layers - 2)
        while len(self._layer_rows) < n_layers:
            self._add_layer_row()
        while len(self._layer_rows) > n_layers:
            self._remove_layer_row()
        for index, (label, spin, _) in enumerate(self._layer_rows):
            name = layer_title(index, n_layers)
            if label.text() != name:
                label.setText(name)
                spin.setToolTip("Number of inputs (nodes in the input layer)" if index == 0
                                else f"Number of nodes in the {name.lower()} layer")
                spin.setAccessibleName(f"{name} layer size")
            if spin is not pending:
                show_value(spin, sizes[index])
        self._show_layer_activations()
        self._inputs.set_count(sizes[0])
        self._input_hint.setText("1 input" if sizes[0] == 1 else f"{sizes[0]:,} inputs")
        self.add_layer_action.setEnabled(n_layers - 2 < MAX_HIDDEN_LAYERS)
        self.remove_layer_action.setEnabled(n_layers > 2)
        self._update_summary()

    def _update_summary(self) -> None:
        network = self._state.network
        text = f"{' → '.join(map(str, network.layer_sizes))} · {network.n_weights:,} weights"
        if network.bias:
            text += f" + {sum(network.layer_sizes[1:]):,} biases"
        self._summary.setText(text)

    def _on_settings_changed(self) -> None:
        network = self._state.network
        show_index(self._activation, self._activation.findData(network.activation))
        show_index(self._output_activation, self._output_activation.findData(network.output_activation))
        show_index(self._loss, self._loss.findData(network.loss))
        self._show_layer_activations()
        show_index(self._init, self._init.findData(network.init))
        self._init.setToolTip(f"How the weights are drawn: {INITIALIZERS[network.init].description}")
        show_value(self._init_scale, network.init_scale)
        # Seeds from files may exceed what a QSpinBox holds; the tool tip then gives the real one.
        show_value(self._seed, min(network.seed, MAX_SEED))
        self._seed.setToolTip(SEED_TOOLTIP if network.seed <= MAX_SEED else
                              f"{SEED_TOOLTIP}\nThis network's seed is {network.seed}, more than the box shows.")
        show_checked(self._bias, network.bias)
        self._update_summary()

    def _show_layer_activations(self) -> None:
        network = self._state.network
        n_layers = len(network.layer_sizes)
        for index, (_, _, combo) in enumerate(self._layer_rows):
            if combo is not None and index < n_layers:
                show_index(combo, combo.findData(network.activation_of(index).name))
                combo.setToolTip(f"Activation of the {layer_title(index, n_layers).lower()} layer alone "
                                 "(the Hidden choice below sets every hidden layer)")

    def _on_input_changed(self) -> None:
        self._inputs.show_values()

    def _sync(self) -> None:
        self._on_structure_changed()
        self._on_settings_changed()
        self._on_input_changed()

    # -- widgets → state -------------------------------------------------------------------------------
    def _apply(self, widget: QWidget, change) -> None:
        """Run ``change()`` (a state setter); on ``ValueError`` explain it. Then show the state's values."""
        try:
            change()
        except ValueError as error:
            self._state.message.emit(str(error))
            QToolTip.showText(widget.mapToGlobal(QPoint(0, widget.height())), str(error), widget)
        # The state is exact at once: show it now rather than a turn later (this also reverts a refusal).
        self._sync()

    def _on_hidden_layers_edited(self, count: int) -> None:
        self._size_edited(self._hidden_layers, count, self._state.hidden_layer_count,
                          lambda: self._state.set_hidden_layer_count(self._hidden_layers.value()))

    def _on_layer_size_edited(self, index: int, size: int) -> None:
        spin = self._layer_rows[index][1]
        self._size_edited(spin, size, self._state.network.layer_sizes[index],
                          lambda: self._state.set_layer_size(index, spin.value()))

    def _size_edited(self, spin: SizeSpinBox, value: int, current: int, change) -> None:
        if spin.typing and value < current:
            self._pending_shrink = (spin, change)
            self._shrink_timer.start()
            return
        self._cancel_pending_shrink()
        self._apply(spin, change)

    def _commit_pending_shrink(self) -> None:
        if self._pending_shrink is None:
            return
        spin, change = self._pending_shrink
        self._cancel_pending_shrink()
        self._apply(spin, change)

    def _cancel_pending_shrink(self) -> None:
        self._pending_shrink = None
        self._shrink_timer.stop()

    def _step_hidden_layers(self, step: int) -> None:
        count = min(max(self._state.hidden_layer_count + step, 0), MAX_HIDDEN_LAYERS)
        self._apply(self._hidden_layers, lambda: self._state.set_hidden_layer_count(count))

    def _on_input_edited(self, index: int, value: float) -> None:
        self._apply(self._inputs.spin(index), lambda: self._state.set_input(index, value))

    def _randomize_inputs(self) -> None:
        values = self._input_rng.uniform(-RANDOM_INPUT_LIMIT, RANDOM_INPUT_LIMIT, self._state.n_inputs)
        # Rounded to what a spinbox shows, so that the state holds exactly the numbers on screen.
        self._apply(self._random_input, lambda: self._state.set_inputs(values.round(INPUT_DECIMALS)))

    def _reroll(self) -> None:
        self._apply(self._reinit, self._state.reroll)
