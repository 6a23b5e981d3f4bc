"""The network's output over the input plane as a heatmap, with the data points on it.

For 2-input networks only. Click the plane to add a training point of class A (label 1), Shift+click
for class B (label 0). Optionally computes every neuron's response over the plane and hands it out
(``nodeImagesChanged``) for thumbnails in the network view.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from nnviz.core.grids import neuron_grids, predict_grid
from nnviz.core.targets import class_levels

from ..appearance import Appearance
from ..colors import (
    CATEGORICAL,
    HEATMAP_STRENGTH,
    class_colors,
    marker_brush,
    marker_pen,
    plane_colormap,
    rgb,
    theme_colors,
    unit_range,
)
from ..deferred import DeferredRefresh
from .data import TrainingData

RESOLUTION = 96
THUMBNAIL_STRIDE = 3
"""Thumbnails take every 3rd pixel of the plane's grid: 32 × 32, from the same forward pass, at exactly the
pixel centres of a 32 × 32 grid (see ``grid_coordinates``)."""
CONTOUR_LEVELS = (-0.5, 0.0, 0.5)
"""Regression: contour lines on the surface at these shares of the largest |target|."""
FIT_POINTS = 200


class DecisionBoundary(QWidget):
    """The state's network over the plane of its two inputs, with the training and test points of
    ``source`` (a TrainingPanel or a :class:`TrainingData`); as in TensorFlow Playground, training
    points are edged in the background colour and test points in the text colour.

    Signals:

    - ``nodeImagesChanged(object)``: with thumbnails on, after every change of the weights:
      ``{(layer, index): (32, 32) float array in [−1, 1]}`` for every node (layer 0 is the input),
      row 0 the bottom of the plane (see :func:`unit_range`; :func:`node_image` turns one into a
      QImage in the plane's colours); ``{}`` when thumbnails are turned off or the network has no
      2-D input plane. At most at display rate during training (it follows ``weightsChanged``).
    """

    nodeImagesChanged = Signal(object)

    def __init__(self, state, data: TrainingData, appearance: Appearance, parent=None):
        super().__init__(parent)
        self.setObjectName("decisionBoundary")
        self.state = state
        self.data = data
        self._appearance = appearance
        self._had_images = False
        # "plane": the network or the colours changed; "points": the data or their styling did.
        self._refresh = DeferredRefresh(self, self._bring_up_to_date, ("plane", "points"))

        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMinimumSize(220, 220)
        self.plot.setToolTip("Click: add a class A point · Shift+click: add a class B point")
        view = self.plot.getViewBox()
        view.setMouseEnabled(x=False, y=False)
        self.plot.getPlotItem().setLabel("bottom", "x₁")
        self.plot.getPlotItem().setLabel("left", "x₂")
        self.heatmap = _SmoothImage(axisOrder="row-major")
        self.plot.addItem(self.heatmap)
        self.train_points = pg.ScatterPlotItem(symbol="o")
        self.test_points = pg.ScatterPlotItem(symbol="o")
        self.plot.addItem(self.test_points)
        self.plot.addItem(self.train_points)
        self.plot.scene().sigMouseClicked.connect(self._on_scene_clicked)

        self.show_test_data = QCheckBox("Test data", objectName="showTestData", checked=True)
        self.show_test_data.setToolTip("Show the test points (edged in the text colour)")
        self.discretize = QCheckBox("Discretise", objectName="discretize")
        self.discretize.setToolTip("Colour the plane by the predicted class only")
        self.neuron_thumbnails = QCheckBox("Neuron thumbnails", objectName="neuronThumbnails")
        self.neuron_thumbnails.setToolTip("Show each neuron's response over the plane in the network view")
        self.show_test_data.toggled.connect(lambda: self._refresh.mark("points"))
        self.discretize.toggled.connect(lambda: self._refresh.mark("plane"))
        self.neuron_thumbnails.toggled.connect(lambda: self._refresh.mark("plane"))
        self.legend = QLabel(objectName="boundaryLegend", wordWrap=True)
        self.unavailable = QLabel(objectName="boundaryUnavailable", wordWrap=True, alignment=Qt.AlignCenter)

        # Regression: the fit as a curve (target against x₁, the network along x₁ at x₂ = 0) under the
        # surface; the plane itself gets contour lines.
        self.fit_plot = pg.PlotWidget()
        self.fit_plot.setObjectName("fitCurve")
        self.fit_plot.setMenuEnabled(False)
        self.fit_plot.hideButtons()
        self.fit_plot.setMinimumHeight(120)
        self.fit_plot.setMaximumHeight(200)  # the plane stays the main picture
        self.fit_plot.setVisible(False)  # until regression data are drawn
        self.fit_plot.getViewBox().setMouseEnabled(x=False, y=False)
        self.fit_plot.getPlotItem().setLabel("bottom", "x₁")
        self.fit_plot.getPlotItem().setLabel("left", "target · fit")
        self.fit_points = pg.ScatterPlotItem(symbol="o", size=5)
        self.fit_curve = pg.PlotDataItem()
        self.fit_plot.addItem(self.fit_points)
        self.fit_plot.addItem(self.fit_curve)
        self.fit_plot.setToolTip("The targets against x₁ (points) and the network's output along x₁ at x₂ = 0 (line)")
        self.contours = [pg.IsocurveItem(level=0.0) for _ in CONTOUR_LEVELS]
        for contour in self.contours:
            contour.setParentItem(self.heatmap)

        self.stack = QStackedWidget()
        self.stack.addWidget(_Square(self.plot))
        self.stack.addWidget(self.unavailable)
        toggles = QHBoxLayout()
        for box in (self.show_test_data, self.discretize, self.neuron_thumbnails):
            toggles.addWidget(box)
        toggles.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.fit_plot)
        layout.addWidget(self.legend)
        layout.addLayout(toggles)

        for signal in (state.structureChanged, state.settingsChanged, state.weightsChanged):
            signal.connect(lambda: self._refresh.mark("plane"))
        self.data.changed.connect(lambda: self._refresh.mark("plane", "points"))
        appearance.changed.connect(lambda: self._refresh.mark("plane", "points"))
        self._refresh.run()

    # -- reading ------------------------------------------------------------------------------------
    @property
    def available(self) -> bool:
        """True when the network and the data both have the 2 inputs the plane needs."""
        return self.state.network.layer_sizes[0] == 2 and self.data.bounds is not None

    def data_position(self, scene_pos: QPointF) -> tuple[float, float] | None:
        """The input-plane coordinates under a scene position, or None outside the plane."""
        point = self.plot.getViewBox().mapSceneToView(scene_pos)
        x_min, x_max, y_min, y_max = self.data.bounds
        if not (x_min <= point.x() <= x_max and y_min <= point.y() <= y_max):
            return None
        return point.x(), point.y()

    def add_point_at(self, scene_pos: QPointF, class_b: bool = False) -> bool:
        """Add a training point of class A (label 1) or B (label 0) under ``scene_pos``; True if added."""
        if not self.available:
            return False
        position = self.data_position(scene_pos)
        if position is None:
            return False
        try:
            self.data.add_point(*position, label=0 if class_b else 1)
        except ValueError as error:
            self.state.message.emit(f"{error}.")
            return False
        return True

    # -- refreshing ---------------------------------------------------------------------------------
    def _bring_up_to_date(self, stale: set[str]) -> None:
        available = self.available
        self.stack.setCurrentIndex(0 if available else 1)
        for box in (self.show_test_data, self.discretize):
            box.setEnabled(available)
        self.neuron_thumbnails.setEnabled(available)
        thumbnails = self.neuron_thumbnails.isChecked() and available
        if not thumbnails and self._had_images:
            self._had_images = False
            self.nodeImagesChanged.emit({})
        if not available:
            n_in, d = self.state.network.layer_sizes[0], self.data.n_inputs
            self.unavailable.setText(
                f"The decision boundary needs a 2-input network and 2-input data.\n"
                f"The network has {n_in} input{'s' * (n_in != 1)}, the {self.data.display_name} data have {d}.")
            self.legend.setText("")
            return
        draw = self.isVisible()
        if "plane" in stale and (draw or thumbnails):
            if thumbnails:  # one forward pass gives the plane and every neuron's thumbnail
                layers = neuron_grids(self.state.network, self.data.bounds, RESOLUTION)
                self._emit_thumbnails(layers)
                grid = layers[-1]
            else:
                grid = predict_grid(self.state.network, self.data.bounds, RESOLUTION)
            if draw:
                self._draw_plane(grid)
                self._draw_fit(grid)
                stale.discard("plane")
        if draw and "points" in stale:
            self._show_points()
            stale.discard("points")
        self._refresh.stale |= stale  # drawn when shown

    def _draw_plane(self, grid: np.ndarray) -> None:
        x_min, x_max, y_min, y_max = self.data.bounds
        colors = theme_colors(self._appearance.theme)
        self.plot.setBackground(colors.background)
        for name in ("left", "bottom"):
            axis = self.plot.getPlotItem().getAxis(name)
            axis.setPen(colors.muted)
            axis.setTextPen(colors.foreground)
        self._show_heatmap(grid)
        self.heatmap.setRect(QRectF(x_min, y_min, x_max - x_min, y_max - y_min))
        self.plot.getViewBox().setRange(xRange=(x_min, x_max), yRange=(y_min, y_max), padding=0)

    def _draw_fit(self, grid: np.ndarray) -> None:
        """Regression only: contour lines on the plane, and the fit curve under it."""
        regression = not self.data.classification and len(grid) == 1
        self.fit_plot.setVisible(regression)
        for contour in self.contours:
            contour.setVisible(regression)
        if not regression:
            return
        colors = theme_colors(self._appearance.theme)
        peak = max(float(np.max(np.abs(self.data.y_train))), 1e-9)
        for contour, level in zip(self.contours, CONTOUR_LEVELS):
            contour.setData(grid[0].T, level=level * peak)  # the image is row-major, the curve wants x first
            contour.setPen(pg.mkPen(colors.muted, width=1, style=Qt.DashLine if level < 0 else Qt.SolidLine))
        x_min, x_max, _, _ = self.data.bounds
        x = np.linspace(x_min, x_max, FIT_POINTS)
        output = self.state.network.forward(np.column_stack([x, np.zeros_like(x)])).output
        self.fit_plot.setBackground(colors.background)
        self.fit_curve.setData(x, np.asarray(output)[:, 0], pen=pg.mkPen(colors.foreground, width=2))
        self.fit_points.setData(self.data.X_train[:, 0], self.data.y_train, brush=pg.mkBrush(colors.muted), pen=None)

    def _show_heatmap(self, grid: np.ndarray) -> None:
        """``grid`` ``(n_out, res, res)`` from predict_grid → a colour-mapped or RGB image."""
        network, data = self.state.network, self.data
        discrete = self.discretize.isChecked()
        self.discretize.setEnabled(data.classification)
        pale = plane_colormap(self._appearance.palette, self._appearance.theme, HEATMAP_STRENGTH)
        if len(grid) == 1 or len(grid) == 2 and data.classification:
            if data.classification:
                lo, hi = class_levels(network)
                if len(grid) == 1:
                    values, levels, middle = grid[0], (lo, hi), (lo + hi) / 2
                else:  # one-hot with two units: class A's unit minus class B's
                    values, levels, middle = grid[1] - grid[0], (lo - hi, hi - lo), 0.0
                if discrete:
                    values = np.where(values > middle, levels[1], levels[0])
                self.legend.setText(self._legend("the output" if len(grid) == 1 else "output 1 − output 0"))
            else:
                peak = max(float(np.max(np.abs(data.y_train))), 1e-9)
                values, levels = grid[0], (-peak, peak)
                self.legend.setText(self._legend(f"the output from −{peak:.2g} to +{peak:.2g}",
                                                 f"−{peak:.2g}", f"+{peak:.2g}"))
            self.heatmap.setColorMap(pale)
            self.heatmap.setImage(values, levels=levels, autoLevels=False)
        else:
            self.heatmap.setLookupTable(None)
            self.heatmap.setImage(self._class_colours(grid, discrete), autoLevels=False, levels=(0, 255))
            self.legend.setText(self._legend("the predicted class, paler where the network is unsure"))

    def _legend(self, plane: str, low: str = "class B (0)", high: str = "class A (1)") -> str:
        """Rich text: what the plane shows, the two end colours, the point styles and the clicks."""
        class_b, class_a = class_colors(self._appearance.palette, self._appearance.theme)
        swatches = (f'<span style="color:{class_a}">●</span> {high} &nbsp; '
                    f'<span style="color:{class_b}">●</span> {low}')
        if self.data.classification and self.data.n_classes > 2:
            swatches = "one colour per class"
        clicks = " · click adds class A, Shift+click class B" if self.data.classification else ""
        light = self._appearance.theme == "light"
        train = ("white" if light else "dark") if self.data.classification else "grey"
        test = "dark" if light else "light"
        return f"Plane: {plane}. {swatches}<br>{train.capitalize()}-edged points train, {test}-edged ones test{clicks}."

    def _class_colours(self, grid: np.ndarray, discrete: bool) -> np.ndarray:
        """RGB ``(res, res, 3)`` for k ≥ 3 output units: the arg-max class, paler where the margin is small."""
        lo, hi = class_levels(self.state.network)
        ordered = np.sort(grid, axis=0)
        margin = np.ones(grid.shape[1:]) if discrete else np.clip((ordered[-1] - ordered[-2]) / (hi - lo), 0, 1)
        colours = np.array([pg.mkColor(CATEGORICAL[k % len(CATEGORICAL)]).getRgb()[:3] for k in range(len(grid))],
                           dtype=float)
        background = rgb(theme_colors(self._appearance.theme).background)
        strength = HEATMAP_STRENGTH * margin[..., None]
        return np.rint(background + strength * (colours[np.argmax(grid, axis=0)] - background)).astype(np.uint8)

    def _point_brushes(self, y: np.ndarray) -> list:
        # Shared brush objects, so that the scatter plot renders each colour's symbol once.
        data = self.data
        if data.classification:
            if data.n_classes <= 2:
                class_b, class_a = class_colors(self._appearance.palette, self._appearance.theme)
                palette = [marker_brush(class_b), marker_brush(class_a)]
            else:
                palette = [marker_brush(c) for c in CATEGORICAL]
            return [palette[int(label) % len(palette)] for label in y]
        peak = max(float(np.max(np.abs(data.y_train))), 1e-9)
        cmap = plane_colormap(self._appearance.palette, self._appearance.theme)
        return [marker_brush(c) for c in cmap.map((np.clip(y / peak, -1, 1) + 1) / 2, mode="qcolor")]

    def _show_points(self) -> None:
        data = self.data
        scale = self._appearance.scale
        # Playground's convention: training points edged in the background colour, test points in the text colour.
        # Regression targets near 0 take the background colour, so their edge must differ from it.
        colors = theme_colors(self._appearance.theme)
        outline = marker_pen(colors.background if data.classification else colors.muted, 1)
        colours = self._point_brushes(data.y_train)
        self.train_points.setData(pos=data.X_train, size=8 * scale, brush=colours, pen=outline)
        show_test = self.show_test_data.isChecked() and len(data.y_test) > 0
        self.test_points.setVisible(show_test)
        if show_test:
            edge = marker_pen(theme_colors(self._appearance.theme).foreground, 1.5 * scale)
            self.test_points.setData(pos=data.X_test, size=8 * scale, brush=self._point_brushes(data.y_test), pen=edge)

    def _emit_thumbnails(self, layers: list) -> None:
        network = self.state.network
        images = {}
        for layer, layer_grids in enumerate(layers):
            activation = network.activation_of(layer) if layer else None  # layer 0: x₁, x₂ themselves
            start = THUMBNAIL_STRIDE // 2
            for index, values in enumerate(layer_grids[:, start::THUMBNAIL_STRIDE, start::THUMBNAIL_STRIDE]):
                images[(layer, index)] = unit_range(values, activation)
        self._had_images = True
        self.nodeImagesChanged.emit(images)

    # -- mouse --------------------------------------------------------------------------------------
    def _on_scene_clicked(self, event) -> None:
        if event.button() != Qt.LeftButton or event.double():
            return
        if self.add_point_at(event.scenePos(), class_b=bool(event.modifiers() & Qt.ShiftModifier)):
            event.accept()



class _Square(QWidget):
    """Keeps its one child square and centred, so that the plane keeps its aspect without empty margins."""

    def __init__(self, child: QWidget):
        super().__init__()
        self._child = child
        child.setParent(self)

    def resizeEvent(self, event) -> None:
        side = min(self.width(), self.height())
        self._child.setGeometry((self.width() - side) // 2, (self.height() - side) // 2, side, side)

    def minimumSizeHint(self):
        return self._child.minimumSize()


class _SmoothImage(pg.ImageItem):
    """An ImageItem drawn with bilinear smoothing: the boundary reads as a curve, not as a staircase."""

    def paint(self, painter, *args):
        painter.setRenderHint(QPainter.SmoothPixmapTransform, True)
        super().paint(painter, *args)
