"""The signal-propagation panel: how the spread of activations changes with depth and weight scale.

Left, a heatmap of std(a) measured on random networks (64 wide, no bias, inputs N(0, 1)) over σ_w and
depth for the current activation, with the mean-field theory's order-to-chaos boundary drawn over it
and a marker at the current network's σ_w and depth; clicking it sets the initialisation scale.
Right, theory and measurement by depth at the current σ_w. The map takes 0.5–1 s to measure, so it
is computed on a worker thread; the window only draws.
"""

from __future__ import annotations

from concurrent.futures import Future
from functools import lru_cache

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from nnviz.core import Network
from nnviz.core.propagation import order_to_chaos_boundary, propagation_map, propagation_theory, weight_scales

from .appearance import Appearance
from .background import BackgroundJob
from .colors import activation_colormap, theme_colors
from .deferred import DeferredRefresh

SCALES = np.linspace(0.1, 4.0, 40)
"""The σ_w of the map's columns."""
MIN_DEPTH = 20
"""The map shows at least this many layers, so the fate of the signal shows even for a shallow network."""
LOG_LEVELS = (-3.0, 1.0)
"""The heatmap's colour range in log₁₀ std(a): 0.001 (dark) … 10 (bright)."""
FIRST_SHOW_DELAY_MS = 100
MAP_SAMPLES = 300


@lru_cache(maxsize=16)
def _measure(activation: str, depth: int):
    """Worker-thread job: (measured map, theory map, boundary) for the heatmap (300 samples: ~0.6 s).

    The maps are seeded, so each (activation, depth) is measured once per session: switching back to
    an activation shows its map at once. They are shared, hence read-only."""
    with np.errstate(divide="ignore", invalid="ignore"):
        measured = propagation_map(activation, SCALES, depth, n_samples=MAP_SAMPLES)
        theory = propagation_theory(activation, SCALES, depth)
    measured.flags.writeable = theory.flags.writeable = False
    return measured, theory, order_to_chaos_boundary(activation)


class PropagationMap(QWidget):
    """The "Signal propagation" panel (objectName ``propagationMap``).

    Attributes: ``measured`` and ``theory`` ``(len(SCALES), depth)`` arrays of std(a) for the shown
    activation (None until the first map is ready), ``boundary`` the theory's order-to-chaos σ_w (None
    when there is none), ``activation`` the activation name they are for (None when the network has
    none that the theory covers).
    """

    def __init__(self, state, appearance: Appearance, parent=None):
        super().__init__(parent)
        self.setObjectName("propagationMap")
        self.state = state
        self._appearance = appearance
        self.measured = self.theory = self.boundary = self.activation = None
        self._shown_key = None
        self._measuring = BackgroundJob(self, "nnviz-propagation")
        self._measuring_key: tuple | None = None  # what the running job measures
        self._build()
        # The first time after a short delay: a tab shown for a moment while the window is laid out stays idle.
        self._refresh = DeferredRefresh(self, self._bring_up_to_date, ("map", "marker"), skip_hidden=True,
                                        first_show_delay_ms=FIRST_SHOW_DELAY_MS)
        state.structureChanged.connect(lambda: self._refresh.mark("map", "marker"))
        state.settingsChanged.connect(lambda: self._refresh.mark("map", "marker"))
        state.weightsChanged.connect(lambda: self._refresh.mark("marker"))
        appearance.changed.connect(self._apply_theme)
        self._apply_theme()

    def _build(self) -> None:
        self.view = pg.GraphicsLayoutWidget()
        self.view.setObjectName("propagationView")
        self.view.setMinimumHeight(260)
        self.map_plot = pg.PlotItem(enableMenu=False)
        self.side_plot = pg.PlotItem(enableMenu=False)
        for plot in (self.map_plot, self.side_plot):
            plot.hideButtons()
            plot.setMouseEnabled(x=False, y=False)
            for name in ("left", "bottom"):
                plot.getAxis(name).enableAutoSIPrefix(False)
        self.map_plot.setLabel("bottom", "σ_w (weight scale)")
        self.map_plot.setLabel("left", "layer (depth)")
        self.map_plot.setToolTip("std(a) of random networks 64 wide: dark, the signal vanishes with depth; bright, "
                                 "it explodes. Click to set the initialisation scale.")
        self.image = pg.ImageItem(axisOrder="col-major")
        self.map_plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=LOG_LEVELS, colorMap=activation_colormap(), interactive=False,
                                        label="log₁₀ std(a)", width=12)
        self.colorbar.setImageItem(self.image)
        self.boundary_line = pg.InfiniteLine(angle=90, movable=False, label="order │ chaos",
                                             labelOpts={"position": 0.93, "color": "w"})
        self.map_plot.addItem(self.boundary_line)
        self.marker = pg.ScatterPlotItem(size=14, symbol="o", brush=pg.mkBrush(None))
        self.map_plot.addItem(self.marker)
        self.side_plot.setLogMode(y=True)
        self.side_plot.setYRange(*LOG_LEVELS, padding=0.02)  # the heatmap's colour range
        self.side_plot.setLabel("bottom", "layer")
        self.side_plot.setLabel("left", "std(a)")
        self.side_plot.setToolTip("At the current σ_w: the infinitely wide theory (line) and the 64-wide "
                                  "measurement (dots)")
        self.theory_curve = self.side_plot.plot()
        self.measured_points = self.side_plot.plot(pen=None, symbol="o", symbolSize=5)
        self.view.addItem(self.map_plot, row=0, col=0)
        self.view.addItem(self.colorbar, row=0, col=1)
        self.view.addItem(self.side_plot, row=0, col=2)
        self.view.ci.layout.setColumnStretchFactor(0, 3)
        self.view.ci.layout.setColumnStretchFactor(2, 2)
        self.view.scene().sigMouseClicked.connect(self._on_clicked)
        self.caption = QLabel(objectName="propagationCaption", wordWrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.caption)

    # -- what is shown ------------------------------------------------------------------------------
    def _key(self) -> tuple | None:
        network = self.state.network
        if len(network.layer_sizes) < 3:
            return None
        activation = network.activation_of(1)
        if not activation.elementwise:
            return None
        return activation.name, max(MIN_DEPTH, len(network.layer_sizes) - 2)

    def current_scale(self) -> float:
        """The network's σ_w as the theory sees it: the median over its weight layers."""
        return float(np.median(weight_scales(self.state.network)))

    def scale_for(self, sigma_w: float) -> float | None:
        """The initialisation scale (×) that gives σ_w ``sigma_w``; None when the initialiser has no spread."""
        network = self.state.network
        unit = Network(network.layer_sizes, init=network.init, init_scale=1.0, seed=network.seed)
        base = float(np.median(weight_scales(unit)))
        return None if base <= 0 else float(sigma_w) / base

    def set_scale_at(self, sigma_w: float) -> bool:
        """Set the initialisation scale so that the network's σ_w becomes ``sigma_w`` (re-initialises)."""
        scale = self.scale_for(sigma_w)
        if scale is None:
            self.state.message.emit(f"The {self.state.network.init} initialiser draws no spread to scale.")
            return False
        try:
            self.state.set_init_scale(round(scale, 3))
        except ValueError as error:
            self.state.message.emit(str(error))
            return False
        return True

    # -- computing ----------------------------------------------------------------------------------
    def on_screen_changed(self, on: bool) -> None:
        """Connect to the dock's ``visibilityChanged``: a tab behind another is visible but not on screen."""
        if on:
            self._refresh.mark(*self._refresh.stale)

    def _bring_up_to_date(self, parts: set[str]) -> None:
        key = self._key()
        if key is None:
            self.activation = None
            self.caption.setText("The theory needs hidden layers with an activation of each unit alone "
                                 "(not softmax).")
            return
        if "map" in parts and key != self._shown_key and self._measuring_key != key:
            if not self._measuring.busy:
                self._start(key)
            else:
                self._refresh.stale.add("map")  # asked again when the running job is collected
        self._draw_marker()

    def _start(self, key: tuple) -> None:
        self._measuring_key = key
        self._measuring.start(_measure, *key, done=lambda future: self._collect(key, future))
        self.caption.setText(f"Measuring random {key[0]} networks …")

    def _collect(self, key: tuple, future: Future) -> None:
        self._measuring_key = None
        self.measured, self.theory, self.boundary = future.result()
        self.activation, self._shown_key = key[0], key
        self._draw_map(key[1])
        if self._key() != key:
            self._refresh.mark("map", "marker")

    # -- drawing ------------------------------------------------------------------------------------
    def _draw_map(self, depth: int) -> None:
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.log10(self.measured)
        logs = np.clip(np.nan_to_num(logs, nan=LOG_LEVELS[1], posinf=LOG_LEVELS[1], neginf=LOG_LEVELS[0]),
                       *LOG_LEVELS)
        self.image.setImage(logs, levels=LOG_LEVELS, autoLevels=False)
        step = SCALES[1] - SCALES[0]
        self.image.setRect(SCALES[0] - step / 2, 0.5, step * len(SCALES), depth)
        self.map_plot.setRange(xRange=(SCALES[0] - step / 2, SCALES[-1] + step / 2), yRange=(0.5, depth + 0.5),
                               padding=0)
        self.boundary_line.setVisible(self.boundary is not None)
        if self.boundary is not None:
            self.boundary_line.setValue(self.boundary)
        where = (f"the theory's order-to-chaos boundary is at σ_w = {self.boundary:.3g}" if self.boundary is not None
                 else "the theory has no order-to-chaos boundary for it")
        self.caption.setText(f"{self.activation}: {where}. ○ marks this network; click the map to set its "
                             "scale.")
        self._draw_marker()

    def _draw_marker(self) -> None:
        if self.measured is None or self.activation is None:
            return
        sigma = self.current_scale()
        depth = len(self.state.network.layer_sizes) - 2
        self.marker.setData([min(sigma, SCALES[-1])], [depth])
        # Beside the map: the theory at σ_w exactly, the measurement interpolated between columns.
        theory = propagation_theory(self.activation, [sigma], self.measured.shape[1])[0]
        measured = np.array([np.interp(sigma, SCALES, column) for column in self.measured.T])
        layers = np.arange(1, self.measured.shape[1] + 1)
        self.side_plot.setXRange(0.5, layers[-1] + 0.5, padding=0)
        self.theory_curve.setData(layers, _positive(theory))
        self.measured_points.setData(layers, _positive(measured))
        self.side_plot.setTitle(f"σ_w = {sigma:.3g}", size="9pt")

    def _on_clicked(self, event) -> None:
        if event.button() != Qt.LeftButton or self.measured is None:
            return
        if not self.map_plot.vb.sceneBoundingRect().contains(event.scenePos()):
            return
        point = self.map_plot.vb.mapSceneToView(event.scenePos())
        self.set_scale_at(float(np.clip(point.x(), 0.0, SCALES[-1])))

    def _apply_theme(self) -> None:
        colors = theme_colors(self._appearance.theme)
        self.view.setBackground(colors.background)
        for plot in (self.map_plot, self.side_plot):
            for name in ("left", "bottom"):
                plot.getAxis(name).setPen(colors.muted)
                plot.getAxis(name).setTextPen(colors.foreground)
        self.side_plot.getAxis("left").setTickSpacing(1.0, 1.0)
        self.boundary_line.setPen(pg.mkPen("w", width=2, style=Qt.DashLine))
        self.marker.setPen(pg.mkPen(colors.mark, width=2.5))
        self.theory_curve.setPen(pg.mkPen(colors.foreground, width=2))
        self.measured_points.setSymbolBrush(colors.series["derivative"])
        self.measured_points.setSymbolPen(colors.series["derivative"])


def _positive(values) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values) & (values > 0), values, np.nan)
