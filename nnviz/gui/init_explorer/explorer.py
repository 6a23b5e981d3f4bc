"""The initialisation explorer: what the current initialisation does to every layer, live.

Per change, a batch of inputs goes through the network: histograms of W, z (over the activation curve) and a
per layer, sizes by depth, the Jacobian's singular values, identical units, presets and a pinned "A" to compare."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QTimer, Signal
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

from nnviz.core.stats import DISTRIBUTIONS, NetworkStats
from nnviz.core.symmetry import find_symmetric_units
from nnviz.core.verdicts import Verdict, describe_units, diagnose

from ..appearance import Appearance
from ..colors import theme_colors
from ..deferred import SLOW_PANEL_INTERVAL_MS, DeferredRefresh
from ..limited_spin import LimitedSpinBox
from ..verdict_label import verdict_html
from .axes import histogram_table
from .compare import fresh_comparison_controls
from .depth_view import DepthView
from .jacobian_view import JacobianView
from .layer_picker import MAX_LAYER_ROWS, LayerPicker
from .measuring import Measured, Measuring, histogram_pairs
from .pinned import PinnedNetwork
from .plots import LayerRow, LayerRows, PlotStyle
from .preset_picker import PresetPicker, describe_settings

FIRST_DRAW_DELAY_MS = 60
"""Launch: the window paints first, the explorer fills in right after."""
HIDDEN_VERDICT_DELAY_MS = 250
"""While hidden, the verdict is recomputed this long after the last change (not on every training frame)."""


class InitExplorer(QWidget):
    """The "Initialisation" panel (objectName ``initExplorer``).

    Measures on a worker thread once per event-loop turn in which the state changed, while visible (hidden, it
    measures for the verdict once changes stop, and draws when shown); :attr:`up_to_date` says when done.

    Signals:
        symmetricUnitsChanged(object): ``{layer: [node index, …]}`` of the hidden units that have an
            identical twin (layer indices as in ``layer_sizes``); ``{}`` when there are none. Connect
            it to the network view's ``set_marked_nodes``.
        verdictChanged(object): the :class:`~nnviz.core.verdicts.Verdict` on the current weights, None while
            out of date; the status bar and training panel show this one, so all agree. Computed even
            while the panel is hidden, a moment after the changes stop.

    ``actions()`` returns the QActions for the menus: "Pin as A", "Compare with a fresh initialisation", "Clear".

    Attributes:
        stats: the :class:`~nnviz.core.stats.NetworkStats` shown now (None before the first update).
        verdict: :func:`~nnviz.core.verdicts.diagnose` of ``stats``, or None while out of date.
        pinned_stats: the same for the pinned network "A", or None.
    """

    symmetricUnitsChanged = Signal(object)
    verdictChanged = Signal(object)

    def __init__(self, state, appearance: Appearance, parent=None):
        super().__init__(parent)
        self.setObjectName("initExplorer")
        self._state = state
        self._appearance = appearance
        self.stats: NetworkStats | None = None
        self.verdict: Verdict | None = None
        self._shown_verdict: Verdict | None = None  # of the statistics drawn, however old
        self.pinned_stats: NetworkStats | None = None
        self._pinned: PinnedNetwork | None = None
        self._measuring = Measuring(self)
        self._measured: Measured | None = None
        self._symmetric: dict = {}
        self.paint_first = None  # a widget (the network view) that paints a change before the statistics
        # After the window has painted: on the next turn, and the very first time a little later,
        # because building the plots costs 0.1 s of launch time.
        self._refresh = DeferredRefresh(self, self._on_refresh, ("stats",), skip_hidden=True,
                                        first_show_delay_ms=FIRST_DRAW_DELAY_MS, min_interval_ms=SLOW_PANEL_INTERVAL_MS)
        self._hidden_verdict = QTimer(self, singleShot=True, interval=HIDDEN_VERDICT_DELAY_MS,
                                      timeout=self._compute_while_hidden)
        self._hidden_verdict.start()  # a panel that starts hidden still gives its verdict
        self._build()
        self._apply_style()
        self.presets.sync()

        state.structureChanged.connect(self._on_model_changed)
        state.settingsChanged.connect(self._on_model_changed)
        state.weightsChanged.connect(self._on_model_changed)
        state.inputChanged.connect(self._on_input_changed)
        state.traceChanged.connect(self._on_trace_changed)
        appearance.changed.connect(self._on_appearance_changed)

    # -- construction -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.presets = PresetPicker(self._state, self)
        self.preset_combo, self.preset_explanation = self.presets.combo, self.presets.explanation

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

        self.layer_picker = LayerPicker()
        self.layer_combo = self.layer_picker.combo
        self.layer_combo.currentIndexChanged.connect(self._schedule)
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
        layout.addWidget(JacobianView(self._state, self._appearance))  # at the current input, not the batch
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
        self._mark_stale()  # computed after traceChanged, which ends every change

    def _on_input_changed(self) -> None:
        if self.input_distribution.currentData() == "current":
            self._mark_stale()

    def _mark_stale(self) -> None:
        self._refresh.stale.add("stats")
        self._set_verdict(None)

    def _on_trace_changed(self) -> None:
        # Every state change ends with traceChanged: sync once and compute once for the whole turn.
        self.presets.sync()
        if not self._refresh.stale:
            return
        if self.isVisible():
            self._refresh.mark_after_paint(self.paint_first)  # 1,000 samples: after the picture
        else:
            # Cheap, and the network view marks the units even while this panel is hidden.
            self._show_symmetry(find_symmetric_units(self._state.network))
            if "stats" in self._refresh.stale:
                self._hidden_verdict.start()  # restarted by every change: waits until they stop

    def _on_appearance_changed(self) -> None:
        self._apply_style()
        self._refresh.stale.add("draw")
        self._refresh.run()

    def _schedule(self) -> None:
        self._refresh.mark("stats")

    def apply_preset(self, name: str) -> None:
        """Set the state to preset ``name`` (keeping the input and output sizes) with fresh weights."""
        self.presets.apply(name)

    # -- compare ------------------------------------------------------------------------------------
    def pin(self, *_, caption: str = "") -> None:
        """Keep a copy of the current network as "A" (``caption`` says what it is); later settings are drawn
        as "B" against it."""
        network = self._state.network
        self._pinned, self.pinned_stats = PinnedNetwork(network, caption or f"A: {describe_settings(network)}"), None
        self.compare_label.setText(self._pinned.caption)
        self.compare_label.setToolTip("A is drawn as grey outlines and dashed lines; B, the current network, "
                                      "in colour.")
        self.clear_action.setEnabled(True)
        self.clear_button.setEnabled(True)
        self._schedule()

    def clear_pin(self) -> None:
        self._pinned = self.pinned_stats = None
        self.compare_label.setText("")
        self.clear_action.setEnabled(False)
        self.clear_button.setEnabled(False)
        self._schedule()

    # -- computing ----------------------------------------------------------------------------------
    @property
    def up_to_date(self) -> bool:
        """Whether the statistics and plots show the network as it is now (nothing stale, nothing being measured)."""
        return not self._refresh.stale and not self._measuring.busy

    def refresh(self) -> None:
        """Recompute the statistics and redraw now, on this thread (normally they are measured on a worker
        thread once per state change)."""
        self._refresh.stale.clear()
        self._show_measured(self._measuring.now(*self._what_to_measure()))

    def _on_refresh(self, parts: set) -> None:
        if "stats" in parts or self.stats is None:
            self._start_measuring()
        else:  # computed while hidden, or restyled: only the drawing is out of date
            self.layer_picker.set_layer_count(len(self.stats.layers))
            self._draw()

    def _start_measuring(self) -> None:
        if self._measuring.busy:
            self._refresh.stale.add("stats")  # measured once the running measurement is in
            return
        self._measuring.start(*self._what_to_measure(), done=self._on_measured)

    def _what_to_measure(self) -> tuple:
        self._hidden_verdict.stop()
        network = self._state.network
        return (network, self._pinned, self.sample_count.value(), self.input_distribution.currentData(),
                self._state.inputs, self.layer_picker.shown_layers(len(network.weights)), self.shared_axes.isChecked())

    def _on_measured(self, future) -> None:
        try:
            self._show_measured(future.result())  # an error is reported by the exception hook
        finally:
            if "stats" in self._refresh.stale:  # changed while measuring
                self._refresh.mark() if self.isVisible() else self._hidden_verdict.start()

    def _show_measured(self, measured: Measured, draw: bool = True) -> None:
        self._measured = measured
        self.stats = measured.stats
        if measured.pinned is self._pinned:  # A was not cleared or replaced meanwhile
            self.pinned_stats = measured.pinned_stats
            if measured.pinned is not None:
                self.compare_label.setText(measured.caption)
        self._shown_verdict = diagnose(measured.stats)
        if "stats" not in self._refresh.stale:  # the marks and the verdict speak of the weights the window shows
            self._show_symmetry(measured.symmetric_units)
            self._set_verdict(self._shown_verdict)
        if draw:
            self.layer_picker.set_layer_count(len(measured.stats.layers))
            self._draw()

    def _compute_while_hidden(self) -> None:
        if self.isVisible() or "stats" not in self._refresh.stale:
            return  # the visible panel computes at once
        measured = self._measuring.now(*self._what_to_measure())
        self._refresh.stale = (self._refresh.stale - {"stats"}) | {"draw"}  # drawn when the panel is shown
        self._show_measured(measured, draw=False)

    def _set_verdict(self, verdict: Verdict | None) -> None:
        if verdict != self.verdict:
            self.verdict = verdict
            self.verdictChanged.emit(verdict)

    def _show_symmetry(self, groups: dict) -> None:
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

    def shown_layers(self) -> list[int]:
        """The layer indices (1 … L−1) that have a histogram row now."""
        return self.layer_picker.shown_layers(len(self.stats.layers) if self.stats else 0)

    @property
    def rows(self) -> list[LayerRow]:
        """The histogram rows shown now, one per entry of :meth:`shown_layers`."""
        return self._rows.shown

    def _draw(self) -> None:
        stats, pinned = self.stats, self.pinned_stats
        shown = self.shown_layers()
        self._rows.set_count(len(shown), self._plot_style())
        n_layers = len(stats.layers)
        pairs = histogram_pairs(stats, pinned, shown)
        shared = self.shared_axes.isChecked() and len(pairs) > 1
        made = self._measured  # the bars made on the worker thread, unless another layer was picked since, …
        same = made.stats is stats and made.pinned_stats is pinned and made.rows == (*shown,) and made.shared == shared
        table = made.bars if same else histogram_table(pairs, shared)
        for row, (current, old), bars in zip(self.rows, pairs, table):
            row.update(current, old, n_layers, bars)
        self.depth.update(stats, pinned, shown[0] if len(shown) == 1 and n_layers > 1 else None)
        self._size_depth_view()
        summary = verdict_html(self._shown_verdict, self._plot_style().theme.muted)
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
        if layer is not None:
            self.layer_picker.pick(layer)

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
        self.depth_view.setFixedHeight(int(((340 if deep else 280) + legend) * self._appearance.scale))
