"""The singular values of the input-output Jacobian ∂y/∂x at the current input (dynamical isometry).

All near 1: every direction of the input reaches the output at its size (orthogonal weights with
tanh near the origin). Spread over decades: some directions vanish, others are amplified.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from nnviz.core.jacobian import jacobian_singular_values

from ..appearance import Appearance
from ..colors import theme_colors
from ..deferred import SLOW_PANEL_INTERVAL_MS, DeferredRefresh
from .axes import snapped
from .curves import Curve
from .plots import ChangeCache


class JacobianView(pg.GraphicsLayoutWidget):
    """Sorted singular values of ∂y/∂x at ``state.inputs`` on a log axis, with the isometry line at 1.

    objectName ``jacobianView``; redraws once per turn in which the trace changed, only while visible.
    ``values`` is the ``(min(n_out, n_in),)`` array shown (None before the first draw).
    """

    def __init__(self, state, appearance: Appearance, parent=None):
        super().__init__(parent)
        self.setObjectName("jacobianView")
        self.setFixedHeight(150)
        self.setToolTip("Singular values of the Jacobian ∂y/∂x at the current input, largest first. All near 1 "
                        "(dotted): dynamical isometry, every input direction passes at its size.")
        self._state = state
        self._appearance = appearance
        self.values: np.ndarray | None = None
        self._cache = ChangeCache()
        self.plot = self.addPlot()
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setLogMode(y=True)
        for name in ("left", "bottom"):
            self.plot.getAxis(name).enableAutoSIPrefix(False)
        self.plot.setLabel("bottom", "index (sorted)")
        # Drawn in decades (log10) under the axis's log mode, which labels the ticks 10ⁿ.
        self.curve = Curve(symbol_size=6)
        self.curve.set_log_y(True)
        self.plot.addItem(self.curve)
        self.unit_line = pg.InfiniteLine(0.0, angle=0, movable=False)
        self.plot.addItem(self.unit_line)
        self.paint_first = None  # a view whose picture of a change comes before these values
        self._refresh = DeferredRefresh(self, lambda _parts: self.refresh(), ("values",), skip_hidden=True,
                                        min_interval_ms=SLOW_PANEL_INTERVAL_MS)
        state.traceChanged.connect(self._mark_stale)
        appearance.changed.connect(self._apply_theme)
        self._apply_theme()

    def _mark_stale(self) -> None:
        if self.paint_first is None:
            self._refresh.mark("values")
        else:
            self._refresh.stale.add("values")
            self._refresh.mark_after_paint(self.paint_first)

    def refresh(self) -> None:
        """Recompute and draw the singular values now."""
        with np.errstate(over="ignore", invalid="ignore"):
            self.values = jacobian_singular_values(self._state.network, self._state.inputs)
        index = np.arange(1, len(self.values) + 1)
        top = float(np.nanmax(self.values)) if np.any(np.isfinite(self.values)) else np.nan
        # Numerically zero (a dead ReLU path): no logarithm, left out and counted in the title.
        zero = np.isfinite(self.values) & (self.values <= top * 1e-12)
        shown = np.where(zero | ~np.isfinite(self.values), np.nan, self.values)
        finite_index = np.isfinite(shown)
        self.curve.setData(index[finite_index], shown[finite_index])  # joined over the zero ones left out
        finite = np.log10(shown[np.isfinite(shown)])
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
        # Whole decades: the axis holds still while training moves the values a little.
        low, high = snapped(min(low, -1.0), max(high, 1.0), 1.0)
        self._cache.set_range(self.plot, (0.5, len(self.values) + 0.5), (low, high), 0.0, 0.1)
        # One label per decade while that stays readable; pyqtgraph's own spacing beyond.
        if self._cache.changed(self.plot, "decades", high - low <= 6):
            self.plot.getAxis("left").setTickSpacing(*((1.0, 1.0) if high - low <= 6 else ()))
        if finite.size:
            ratio = 10 ** (finite.max() - finite.min())
            spread = f"σ_max / σ_min = {ratio:.3g}" if len(finite) > 1 else f"σ = {10 ** finite.max():.3g}"
            spread += f" · {int(zero.sum())} zero" if zero.any() else ""
        else:
            spread = "not finite"
        self._cache.set_title(self.plot, f"Jacobian ∂y/∂x singular values · {spread}",
                              size=f"{8.5 * self._appearance.scale:.1f}pt",
                              color=theme_colors(self._appearance.theme).foreground)

    def _apply_theme(self) -> None:
        colors = theme_colors(self._appearance.theme)
        self.setBackground(colors.background)
        for name in ("left", "bottom"):
            self.plot.getAxis(name).setPen(colors.muted)
            self.plot.getAxis(name).setTextPen(colors.foreground)
        color = colors.series["grad_norm"]
        self.curve.setPen(color, width=2)
        self.curve.setSymbolBrush(color)
        self.curve.setSymbolPen(color)
        self.unit_line.setPen(pg.mkPen(colors.muted, style=pg.QtCore.Qt.DotLine))
        self._refresh.mark("values")
