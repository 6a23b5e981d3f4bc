"""The initialisation explorer: what the current initialisation does to every layer, live.

A batch of inputs goes through the network once per change; the panel shows per-layer histograms
of W, z (over the activation curve) and a, a depth view of the signal and gradient sizes, the units
the initialisation made identical, lecture presets, and a pinned "A" to compare against.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.presets import PRESETS, matching_preset
from nnviz.core.stats import (
    DISTRIBUTIONS,
    NetworkStats,
    affordable_samples,
    find_symmetric_units,
    layer_statistics,
    sample_inputs,
)
from nnviz.core.verdicts import describe_units, diagnose

from ..appearance import Appearance
from ..colors import theme_colors
from ..deferred import DeferredRefresh
from ..limited_spin import LimitedSpinBox
from ..quiet import show_index
from .axes import shared_axes
from .compare import describe, fresh_comparison_controls
from .depth_view import DepthView
from .plots import LayerRow, LayerRows, PlotStyle

MAX_LAYER_ROWS = 6
"""Up to this many weight layers get one row each; deeper networks get a layer picker."""
BATCH_SEED = 0
"""The input batch and targets come from a fixed seed: A and B see the same data, a seed change moves only W."""
CUSTOM = "Custom settings"

FIRST_DRAW_DELAY_MS = 60
"""Launch: the window paints first, the explorer fills in right after."""


class InitExplorer(QWidget):
    """The "Initialisation" panel (objectName ``initExplorer``).

    Recomputes once per event-loop turn in which the state changed, and only while visible (a hidden
    panel remembers that it is out of date and catches up when shown).

    Signals:
        symmetricUnitsChanged(object): ``{layer: [node index, …]}`` of the hidden units that have an
            identical twin (layer indices as in ``layer_sizes``); ``{}`` when there are none. Connect
            it to the network view's ``set_marked_nodes``.

    ``actions()`` returns the QActions for the menus: "Pin as A", "Compare with a fresh initialisation", "Clear".

    Attributes:
        stats: the :class:`~nnviz.core.stats.NetworkStats` shown now (None before the first update).
        pinned_stats: the same for the pinned network "A", or None.
    """

    symmetricUnitsChanged = Signal(object)

    def __init__(self, state, appearance: Appearance, parent=None):
        super().__init__(parent)
        self.setObjectName("initExplorer")
        self._state = state
        self._appearance = appearance
        self.stats: NetworkStats | None = None
        self.pinned_stats: NetworkStats | None = None
        self._pinned_network, self._pinned_caption = None, ""
        self._pinned_key = None
        self._batch_key = None
        self._batch = None
        self._symmetric: dict = {}
        # After the window has painted: on the next turn, and the very first time a little later,
        # because building the plots costs 0.1 s of launch time.
        self._refresh = DeferredRefresh(self, lambda _parts: self.refresh(), ("stats",), skip_hidden=True,
                                        first_show_delay_ms=FIRST_DRAW_DELAY_MS)
        self._build()
        self._apply_style()
        self._sync_preset()

        state.structureChanged.connect(self._on_model_changed)
        state.settingsChanged.connect(self._on_model_changed)
        state.weightsChanged.connect(self._on_model_changed)
        state.inputChanged.connect(self._on_input_changed)
        state.traceChanged.connect(self._on_trace_changed)
        appearance.changed.connect(self._on_appearance_changed)

    # -- construction -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.preset_combo = QComboBox(objectName="initPreset")
        self.preset_combo.addItem(CUSTOM)
        self.preset_combo.addItems(list(PRESETS))
        self.preset_combo.setToolTip("Lecture examples: each sets the initialiser, scale, activation and depth "
                                     "(input and output sizes stay).")
        self.preset_combo.currentIndexChanged.connect(self._on_preset_chosen)
        self.preset_explanation = QLabel(objectName="presetExplanation", wordWrap=True)
        self.preset_explanation.setTextInteractionFlags(Qt.TextSelectableByMouse)

        self.sample_count = LimitedSpinBox("sample_count", objectName="sampleCount", value=1000, singleStep=100,
                                           keyboardTracking=False, groupSeparatorShown=True,
                                           toolTip="How many input samples are pushed through the network for "
                                                   "the statistics.")
        self.sample_count.valueChanged.connect(self._schedule)
        self.sample_count.refused.connect(self._state.message)
        self.input_distribution = QComboBox(objectName="inputDistribution")
        for name, display in DISTRIBUTIONS.items():
            self.input_distribution.addItem(display, name)
        self.input_distribution.setToolTip("Where the input samples come from; 'current input + noise' adds "
                                           "N(0, 0.1²) to the input vector set in the network view.")
        self.input_distribution.currentIndexChanged.connect(self._schedule)

        self.pin_action = QAction("Pin as A", self, triggered=self.pin,
                                  statusTip="Keep the current initialisation as A to compare other settings against it")
        self.clear_action = QAction("Clear comparison", self, triggered=self.clear_pin, enabled=False,
                                    statusTip="Forget the pinned initialisation A")
        self.fresh_action, self.fresh_button = fresh_comparison_controls(self, self._state)
        self.addActions([self.pin_action, self.fresh_action, self.clear_action])  # the menus take actions()
        self.pin_button = QPushButton("Pin as A", objectName="pinCompare", clicked=self.pin, toolTip="Keep this "
                                      "initialisation as A; then change the settings to see B next to it")
        self.clear_button = QPushButton("Clear", objectName="clearCompare", enabled=False, clicked=self.clear_pin,
                                        toolTip="Forget the pinned initialisation A")
        self.compare_label = QLabel(objectName="compareLabel", wordWrap=True)
        self.shared_axes = QCheckBox("Same axes in every layer", objectName="sharedAxes", toggled=self._schedule,
                                     toolTip="Each histogram column on one x range and height, so that a "
                                             "distribution shrinking with depth looks smaller, not alike")

        self.symmetry_label = QLabel(objectName="symmetryLabel", wordWrap=True, visible=False)
        self.symmetry_label.setToolTip("Units with the same incoming and outgoing weights compute the same value "
                                       "and get the same gradient: training can never make them different.")
        self.summary_label = QLabel(objectName="initSummary", wordWrap=True)

        self.depth_view = pg.GraphicsLayoutWidget()
        self.depth_view.setObjectName("initDepthView")
        self.depth = DepthView(self.depth_view.ci)
        self.depth_view.scene().sigMouseClicked.connect(self._on_depth_clicked)

        self.layer_combo = QComboBox(objectName="initLayer", currentIndexChanged=self._schedule,
                                     toolTip="Which layer's histograms to show (or click a layer in the plots above)")
        self.layer_picker = QWidget(visible=False)
        picker = QHBoxLayout(self.layer_picker)
        picker.setContentsMargins(0, 0, 0, 0)
        picker.addWidget(QLabel("Histograms of"))
        picker.addWidget(self.layer_combo)
        picker.addWidget(QLabel("<small>or click a layer above</small>"), 1)
        self.layers_view = pg.GraphicsLayoutWidget()
        self.layers_view.setObjectName("initLayersView")
        self.layers_view.ci.setSpacing(2)
        self._rows = LayerRows(self.layers_view)
        scroll = QScrollArea(widgetResizable=True, frameShape=QScrollArea.NoFrame)
        scroll.setWidget(self.layers_view)
        self._histograms = scroll

        self._settings_box = QWidget()  # preset, samples, compare: hidden while a lecture scene shows the plots
        top = QFormLayout(self._settings_box)
        top.setContentsMargins(0, 0, 0, 0)
        top.addRow("Pre&set", self.preset_combo)
        batch = QHBoxLayout()
        batch.addWidget(self.sample_count)
        batch.addWidget(self.input_distribution, 1)
        samples_label = QLabel("Sa&mples")
        samples_label.setBuddy(self.sample_count)
        top.addRow(samples_label, batch)
        compare = QHBoxLayout()
        compare.addWidget(self.pin_button)
        compare.addWidget(self.fresh_button)
        compare.addWidget(self.clear_button)
        compare.addStretch(1)
        top.addRow("Compare", compare)
        top.addRow("", self.compare_label)  # its own row: the caption of A can be long
        top.addRow("Histograms", self.shared_axes)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self._settings_box)
        layout.addWidget(self.preset_explanation)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.symmetry_label)
        layout.addWidget(self.depth_view)
        layout.addWidget(self.layer_picker)
        layout.addWidget(scroll, 1)
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Expanding)

    def show_parts(self, depth: bool, histograms: bool, settings: bool = True) -> None:
        """Show the depth view, the per-layer histograms or both (a lecture scene may name one of them),
        and the settings above them or not (presentation mode gives their room to the plots)."""
        self._settings_box.setVisible(settings)
        self.preset_explanation.setVisible(settings)
        both = depth == histograms  # neither named: the whole panel is hidden anyway, show it whole
        self.depth_view.setVisible(depth or both)
        self._histograms.setVisible(histograms or both)

    # -- state → panel ------------------------------------------------------------------------------
    def _on_model_changed(self) -> None:
        self._refresh.stale.add("stats")  # computed at traceChanged, which ends every change

    def _on_input_changed(self) -> None:
        if self.input_distribution.currentData() == "current":
            self._refresh.stale.add("stats")

    def _on_trace_changed(self) -> None:
        # Every state change ends with traceChanged: sync once and compute once for the whole turn.
        self._sync_preset()
        if not self._refresh.stale:
            return
        if self.isVisible():
            self._refresh.run()
        else:
            # Cheap, and the network view marks the units even while this panel is hidden.
            self._update_symmetry(self._state.network)

    def _on_appearance_changed(self) -> None:
        self._apply_style()
        self._refresh.stale.add("stats")
        self._refresh.run()

    def _schedule(self) -> None:
        self._refresh.mark("stats")

    # -- presets ------------------------------------------------------------------------------------
    def _on_preset_chosen(self, index: int) -> None:
        if index <= 0:
            return
        self.apply_preset(self.preset_combo.itemText(index))

    def apply_preset(self, name: str) -> None:
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
        self._sync_preset()

    def _sync_preset(self) -> None:
        preset = matching_preset(self._state.network)
        show_index(self.preset_combo, 0 if preset is None else self.preset_combo.findText(preset.name))
        if preset is None:
            self.preset_explanation.setText("<i>Pick a preset for a lecture example, or change the initialiser, "
                                            "scale, activation and depth in the controls.</i>")
        else:
            self.preset_explanation.setText(preset.explanation)

    # -- compare ------------------------------------------------------------------------------------
    def pin(self, *_, caption: str = "") -> None:
        """Keep a copy of the current network as "A" (``caption`` says what it is); later settings are drawn
        as "B" against it."""
        network = self._state.network
        self._pinned_network = network.copy()
        self._pinned_key = None
        self._pinned_caption = caption or f"A: {describe(network)}"
        self.compare_label.setText(self._pinned_caption)
        self.compare_label.setToolTip("A is drawn as grey outlines and dashed lines; B, the current network, "
                                      "in colour.")
        self.clear_action.setEnabled(True)
        self.clear_button.setEnabled(True)
        self._schedule()

    def clear_pin(self) -> None:
        self._pinned_network = None
        self.pinned_stats = None
        self.compare_label.setText("")
        self.clear_action.setEnabled(False)
        self.clear_button.setEnabled(False)
        self._schedule()

    # -- computing ----------------------------------------------------------------------------------
    def _input_batch(self) -> np.ndarray:
        network, distribution = self._state.network, self.input_distribution.currentData()
        current = self._state.inputs if distribution == "current" else None
        n_samples = affordable_samples(network.layer_sizes, self.sample_count.value())
        if self._pinned_network is not None:
            n_samples = affordable_samples(self._pinned_network.layer_sizes, n_samples)
        key = (network.layer_sizes[0], n_samples, distribution, None if current is None else current.tobytes())
        if key != self._batch_key:
            self._batch = sample_inputs(key[0], key[1], distribution, BATCH_SEED, current=current)
            self._batch_key = key
        return self._batch

    def refresh(self) -> None:
        """Recompute the statistics and redraw now (normally called once per state change)."""
        self._refresh.stale.clear()
        network = self._state.network
        batch = self._input_batch()
        self.stats = layer_statistics(network, batch, seed=BATCH_SEED + 1)
        self._refresh_pinned(batch)
        self._update_symmetry(network)
        self._update_layer_picker()
        self._draw()

    def _refresh_pinned(self, batch) -> None:
        pinned = self._pinned_network
        if pinned is None:
            self.pinned_stats = None
            return
        if pinned.layer_sizes[0] != batch.shape[1]:
            self.pinned_stats = None
            self.compare_label.setText(f"A has {pinned.layer_sizes[0]} inputs, the network now "
                                       f"{batch.shape[1]}: A is not shown.")
            return
        # A's statistics only change with the batch; B's settings do not touch them.
        if self._pinned_key != self._batch_key:
            self.pinned_stats = layer_statistics(pinned, batch, seed=BATCH_SEED + 1)
            self._pinned_key = self._batch_key
            self.compare_label.setText(self._pinned_caption)

    def _update_symmetry(self, network) -> None:
        groups = find_symmetric_units(network)
        if groups:
            lines = [f"Layer {layer}: units {describe_units(group)} identical"
                     for layer, layer_groups in groups.items() for group in layer_groups]
            # The ring in the network view's mark colour ties this text to the marked nodes.
            mark = self._plot_style().theme.mark
            ring = f"<b style='color:{mark}; font-size:large'>◌</b>"
            self.symmetry_label.setText(f"{ring} {' · '.join(lines)}: they get the same gradient and stay "
                                        "identical while training.")
        self.symmetry_label.setVisible(bool(groups))
        marked = {layer: sorted(u for group in layer_groups for u in group) for layer, layer_groups in groups.items()}
        if marked != self._symmetric:
            self._symmetric = marked
            self.symmetricUnitsChanged.emit(marked)

    def _update_layer_picker(self) -> None:
        n_layers = len(self.stats.layers)
        deep = n_layers > MAX_LAYER_ROWS
        self.layer_picker.setVisible(deep)
        if deep and self.layer_combo.count() != n_layers:
            keep = self.layer_combo.currentIndex()
            with QSignalBlocker(self.layer_combo):
                self.layer_combo.clear()
                self.layer_combo.addItems([f"Layer {k}" + (" (output)" if k == n_layers else "")
                                           for k in range(1, n_layers + 1)])
                self.layer_combo.setCurrentIndex(min(max(keep, 0), n_layers - 1))

    def shown_layers(self) -> list[int]:
        """The layer indices (1 … L−1) that have a histogram row now."""
        n_layers = len(self.stats.layers) if self.stats else 0
        if n_layers > MAX_LAYER_ROWS:
            return [self.layer_combo.currentIndex() + 1]
        return list(range(1, n_layers + 1))

    @property
    def rows(self) -> list[LayerRow]:
        """The histogram rows shown now, one per entry of :meth:`shown_layers`."""
        return self._rows.shown

    def _draw(self) -> None:
        stats, pinned = self.stats, self.pinned_stats
        shown = self.shown_layers()
        self._rows.set_count(len(shown), self._plot_style())
        n_layers = len(stats.layers)
        pairs = [(stats.layers[layer - 1], pinned.layers[layer - 1] if pinned is not None and layer <= len(
            pinned.layers) else None) for layer in shown]
        shared = shared_axes(pairs) if self.shared_axes.isChecked() and len(pairs) > 1 else None
        tops = [row.update(current, old, n_layers, shared) for row, (current, old) in zip(self.rows, pairs)]
        if shared is not None:  # now that every row has counted its bars: one height per column
            shared = {key: (edges, max(t[key] for t in tops) or 1.0) for key, (edges, _) in shared.items()}
            for row, (current, old) in zip(self.rows, pairs):
                row.update(current, old, n_layers, shared)
        self.depth.update(stats, pinned, shown[0] if len(shown) == 1 and n_layers > 1 else None)
        self._size_depth_view()
        summary = diagnose(stats)
        if stats.batch_size < self.sample_count.value():
            summary += (f" <i>(Using {stats.batch_size:,} of {self.sample_count.value():,} samples: more would "
                        "be too slow or too big for a network this size.)</i>")
        self.summary_label.setText(summary)
        # Lay out and apply the view ranges now, not after a first paint that must then be redone. Qt lays
        # out nested items one level per posted event: do all levels, the scroll area's too.
        QCoreApplication.sendPostedEvents(None, QEvent.LayoutRequest)
        for view in (self.depth_view, self.layers_view):
            # pyqtgraph fits the plots to the view only on a resize: plots widened past the view by a long
            # title would stay that wide, cut off, once the title got shorter.
            view.ci.setGeometry(view.range)
            view.scene().prepareForPaint()  # where pyqtgraph applies new view ranges

    def _on_depth_clicked(self, event) -> None:
        layer = self.depth.layer_at(event.scenePos())
        if layer is not None and self.layer_picker.isVisible() and 1 <= layer <= self.layer_combo.count():
            self.layer_combo.setCurrentIndex(layer - 1)

    # -- appearance ---------------------------------------------------------------------------------
    def _plot_style(self) -> PlotStyle:
        return PlotStyle(theme_colors(self._appearance.theme), self._appearance.scale)

    def _apply_style(self) -> None:
        style = self._plot_style()
        for view in (self.depth_view, self.layers_view):
            view.setBackground(style.theme.background)
        self.depth.set_style(style)
        for row in self.rows:  # hidden rows are styled when shown again
            row.set_style(style)
        self._size_depth_view()
        self._rows.fit_height(style.scale)

    def _size_depth_view(self) -> None:
        # Deep networks show one layer's histograms, so the depth view gets more of the room.
        deep = self.stats is not None and len(self.stats.layers) > MAX_LAYER_ROWS
        legend = 0 if self.pinned_stats is None else 22
        self.depth_view.setFixedHeight(int(((230 if deep else 170) + legend) * self._appearance.scale))

