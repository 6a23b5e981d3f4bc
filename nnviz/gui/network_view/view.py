"""The network view: nodes in columns, edges coloured by weight, hover to read, click to edit.

One edge item per weight layer (a few batched ``drawLines`` each), one node item, one legend strip:
the scene holds a handful of items whatever the network size. Changes are collected and applied
once per event-loop turn (and at the latest right before a paint); an input change only recolours
the nodes, the edge pictures stay cached.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import QGraphicsLinearLayout

from nnviz.core.layout import NetworkLayout, compute_layout
from nnviz.gui.appearance import Appearance
from nnviz.gui.colors import node_image, theme_colors
from nnviz.gui.deferred import DeferredRefresh
from nnviz.gui.network_view import export as network_export
from nnviz.gui.network_view import text as network_text
from nnviz.gui.network_view.edge_layer import EdgeLayerItem
from nnviz.gui.network_view.edge_picture import EdgeStyle, selection_exists
from nnviz.gui.network_view.edge_updates import DrawnLayer, redrawn_layer, still_shown, worker_fan
from nnviz.gui.network_view.edges import EdgeSet, Strokes
from nnviz.gui.network_view.interaction import ViewInteraction
from nnviz.gui.network_view.legend import ColorBar, Legend, make_legend
from nnviz.gui.network_view.matrix import MatrixLayers
from nnviz.gui.network_view.nodes import NodeItem, fit_network, node_picture
from nnviz.gui.network_view.weight_editor import WeightEditor
from nnviz.gui.network_view.weight_scale import GrowingColours, GrowingLimits


class NetworkView(ViewInteraction, GrowingColours, pg.GraphicsView):
    """Draws ``state.network`` and its forward pass; zoom with the wheel, pan by dragging.

    Hover a node or an edge for its numbers; click a node to highlight its edges; click an edge to
    edit its weight (Alt+wheel or ↑/↓ nudge the selected edge, Escape clears the selection).

    Signals:
        nodeClicked(int node_layer, int index): a node was clicked.
        edgeClicked(int weight_layer, int to, int frm): the edge ``weights[weight_layer][to, frm]`` was clicked;
            ``frm`` is −1 for the bias edge into node ``to``.
    """

    nodeClicked = Signal(int, int)
    edgeClicked = Signal(int, int, int)

    def __init__(self, state, appearance: Appearance, parent=None):
        super().__init__(parent)
        self.setObjectName("networkView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Network view")
        self.setWhatsThis("The network: edges coloured by weight (blue negative, red positive), nodes by "
                          "activation. Wheel zooms, dragging pans, F fits. Hover for numbers, click a node "
                          "to highlight its edges, click an edge to edit its weight.")
        self.state = state
        self.appearance = appearance
        self._layout: NetworkLayout | None = None
        self._layout_version = 0
        self._edge_items: list[EdgeLayerItem] = []
        self._drawn: dict[int, DrawnLayer] = {}  # layer → what its picture shows
        self._selected: tuple | None = None
        self._marks: dict[int, np.ndarray] = {}
        self._node_images: dict = {}
        self._node_qimages: dict | None = {}
        self._legend: Legend | None = None
        self._top_margin = 0
        self._auto_fit = True  # until the user zooms or pans, keep the network fitted
        self._fitted_titles: list | None = None  # the column titles the last fit made room for
        self._editor: WeightEditor | None = None
        self._growing = GrowingLimits()
        self._refresh = DeferredRefresh(self, self._bring_up_to_date, ("layout", "edges", "nodes", "legend", "fit"))
        # Before the view box joins the scene, so that our refresh runs before it prepares its paint.
        self.scene().sigPrepareForPaint.connect(self._before_paint)

        column = QGraphicsLinearLayout(Qt.Vertical)  # not pg.GraphicsLayout: it imports all of pyqtgraph's plots
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self._viewbox = pg.ViewBox(lockAspect=True, invertY=True, enableMenu=False, defaultPadding=0)
        self._color_bar = ColorBar()
        column.addItem(self._viewbox)
        column.addItem(self._color_bar)
        central = pg.GraphicsWidget()
        central.setLayout(column)
        self.setCentralItem(central)
        self._node_item = NodeItem()
        self._node_item.setZValue(10)
        self._viewbox.addItem(self._node_item)
        self._matrices = MatrixLayers(self._viewbox)
        self._viewbox.sigRangeChangedManually.connect(self._on_range_changed_manually)
        self._viewbox.sigResized.connect(self._on_viewbox_resized)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)

        # No shortcuts here: the window binds F to fit(), and keyPressEvent handles Escape and Return (only
        # while the view has the focus; the weight editor popup, its child, needs them). "\t": the key in menus.
        self.fit_action = self._action("&Fit Network to View", self.fit,
                                       "Zoom and pan so that the whole network is visible")
        self.clear_selection_action = self._action("Clear &Selection\tEsc", self.clear_selection,
                                                   "Un-highlight the selected node or edge")
        self.edit_weight_action = self._action("&Edit Selected Weight…\tReturn", self.edit_selected_edge,
                                               "Type a new value for the selected edge")
        self.edit_weight_action.setEnabled(False)

        state.structureChanged.connect(self._on_structure_changed)
        state.settingsChanged.connect(self._on_settings_changed)
        state.weightsChanged.connect(self._on_weights_changed)
        state.traceChanged.connect(self._on_trace_changed)
        self.appearance.changed.connect(self._on_appearance_changed)
        self._apply_background()
        self._refresh.mark()

    def _action(self, text: str, slot, tip: str) -> QAction:
        action = QAction(text, self, toolTip=tip, statusTip=tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def sizeHint(self) -> QSize:
        return QSize(900, 560)

    # -- public -------------------------------------------------------------------------------------
    @property
    def selected(self) -> tuple | None:
        """``("node", layer, index)``, ``("edge", layer, to, frm)``, ``("bias", layer)`` or ``None``."""
        return self._selected

    @property
    def weight_editor(self) -> WeightEditor:
        if self._editor is None:
            self._editor = WeightEditor(self)
            self._editor.spin.refused.connect(self.state.message)
        return self._editor

    def fit(self) -> None:
        """Zoom and pan so that the whole network and its titles fill the view."""
        self._up_to_date()
        rect = self._viewbox.boundingRect()
        if rect.width() < 20 or rect.height() < 20:
            self._refresh.stale.add("fit")  # not laid out yet: fit once the view box has a size
            return
        self._fitted_titles = network_text.column_titles(self.state.network)
        ppu, left, top = fit_network(self._layout, self._fitted_titles, rect.width(), rect.height(),
                                     self.appearance.scale, self._top_margin)
        self._viewbox.setRange(QRectF(left, top, rect.width() / ppu, rect.height() / ppu), padding=0)
        self._auto_fit = True

    def set_top_margin(self, pixels: int) -> None:
        """Keep ``pixels`` at the top free when fitting (a scene title floats there); refits."""
        if pixels != self._top_margin:
            self._top_margin = pixels
            self.fit()

    def set_marked_nodes(self, marks: dict[int, list[int]]) -> None:
        """Outline nodes (dashed ring), e.g. symmetric units: ``{node_layer: [index, …]}``; ``{}`` clears."""
        self._marks = self._existing_marks({int(node_layer): np.unique(np.asarray(indices, dtype=int))
                                            for node_layer, indices in marks.items() if len(indices)})
        self._refresh.mark("nodes")

    def _existing_marks(self, marks: dict[int, np.ndarray]) -> dict[int, np.ndarray]:
        """``marks`` without the nodes the network does not have (any more)."""
        sizes = self.state.network.layer_sizes
        return {node_layer: idx[(idx >= 0) & (idx < sizes[node_layer])] for node_layer, idx in marks.items()
                if 0 <= node_layer < len(sizes)}

    def select_node(self, node_layer: int, index: int) -> None:
        self._select(("node", int(node_layer), int(index)))

    def select_edge(self, weight_layer: int, to: int, frm: int) -> None:
        self._select(("edge", int(weight_layer), int(to), int(frm)))

    def clear_selection(self) -> None:
        self._select(None)

    def render_image(self, width: int, height: int, scale: float = 1.0,
                     options: network_export.FigureOptions | None = None) -> QImage:
        """The picture for an export, exactly ``width`` × ``height`` pixels: the network fitted with its titles, the
        legend below, no selection. ``scale``: the pixel ratio (2: half the size, twice as sharp); see ``export``."""
        return network_export.render_image(self._figure(), int(width), int(height), scale, options)

    def render_svg(self, path, width: int, height: int, scale: float = 1.0,
                   options: network_export.FigureOptions | None = None) -> None:
        """Write the picture of :meth:`render_image` to ``path`` as SVG; raises ``OSError``."""
        network_export.write_svg(self._figure(), path, int(width), int(height), scale, options)

    def _figure(self) -> network_export.Figure:
        self._up_to_date()
        return network_export.Figure(self.state.network, self.state.trace, self._layout, self.appearance,
                                     self._legend, self._marks, self._pictures())

    # -- state and appearance -------------------------------------------------------------------------
    def _on_structure_changed(self):
        self._refresh.mark("layout", "edges", "nodes", "legend", "fit")

    def _on_settings_changed(self):
        # A new seed, initialiser or activation keeps the layout (sizes and bias units), and with it what the
        # node columns' and edges' pictures were worked out from; bias units switched on or off do not. The fit
        # follows the columns' titles, which name their activations.
        parts = ["edges", "nodes", "legend"]
        if not self._layout_fits():
            parts.append("layout")
        elif self._auto_fit and network_text.column_titles(self.state.network) != self._fitted_titles:
            parts.append("fit")
        self._refresh.mark(*parts)

    def _on_weights_changed(self):
        self._refresh.mark("edges", "legend")

    def _on_trace_changed(self):
        self._refresh.mark("nodes", "legend")  # the legend states the inputs' span

    def _on_appearance_changed(self):
        self._node_qimages = None  # their colours follow the palette and theme
        self._apply_background()
        self._refresh.mark("layout", "edges", "nodes", "legend")

    def _apply_background(self):
        self.setBackground(theme_colors(self.appearance.theme).background)

    def _before_paint(self) -> None:
        """Up to date, then the pictures this paint needs: the raster worker's dense fans asked first (after a
        zoom: the first paint), the rest drawn here meanwhile."""
        self._up_to_date()
        if self._layout is not None and self._painted_soon():
            self._viewbox.updateMatrix()  # as the paint will
            for draw in (False, True):
                for item in self._edge_items:
                    item.prepare(self, draw)

    def _up_to_date(self) -> None:
        """Run the pending refresh now (relayout if the structure changed unsignalled)."""
        if not self._layout_fits():  # the state signals a turn after it changed: a paint or a hover came first
            self._refresh.stale.update(("layout", "edges", "nodes", "legend", "fit"))
        self._refresh.run()

    def _bring_up_to_date(self, dirty: set[str]) -> None:
        """Bring the items up to date with everything that changed since the last refresh."""
        if not self._layout_fits():  # the timer's own run, see _up_to_date
            dirty.update(("layout", "edges", "nodes", "legend", "fit"))
        if dirty == {"fit"}:
            if self._layout is None:
                self._refresh.stale.add("fit")  # fitted once laid out
            else:
                self.fit()
            return
        network = self.state.network
        if "layout" in dirty or self._layout is None:
            self._relayout()
            if self._auto_fit:  # bias units or the presentation scale may need another frame
                dirty.add("fit")
        # One pass over every weight for the edges and the legend (~1 ms at 784-512-512-10).
        limits = self.colour_limits() if dirty & {"edges", "layout", "legend"} else None
        painting = self._painted_soon()
        redrawn = []
        if "edges" in dirty or "layout" in dirty:
            # Dense fans are asked of the raster worker as soon as their strokes are known, when the view
            # keeps its place (a training step, an edit); after a new layout, once it is fitted below.
            redrawn = self._rebuild_edges(limits, ask=painting and not dirty & {"layout", "fit"})
        if "nodes" in dirty or "layout" in dirty:
            look = self.appearance
            self._node_item.set_picture(node_picture(network, self.state.trace, self._layout, theme_colors(look.theme),
                                                     look.scale, self._marks, self._selected, self._pictures()))
        if "legend" in dirty:
            self._legend = make_legend(network, self.appearance, self.state.inputs, limits, self._growing.on)
            self._color_bar.set_legend(self._legend)
        if "fit" in dirty:
            self.fit()
        if redrawn and painting:  # the rest of the pictures now, while the worker draws the fans
            self._viewbox.updateMatrix()
            for item in redrawn:
                item.prepare(self, draw=True)

    def _painted_soon(self) -> bool:
        """Whether a paint follows this refresh (not while the window is hidden or minimised)."""
        handle = self.window().windowHandle()
        return self.isVisible() and handle is not None and handle.isExposed()

    def _layout_fits(self) -> bool:
        """True when the drawn layout is the network's: same layer sizes, bias units where it has biases."""
        layout, network = self._layout, self.state.network
        return (layout is not None and layout.layer_sizes == network.layer_sizes
                and (layout.bias_positions is not None) == network.bias)

    def _relayout(self) -> None:
        network = self.state.network
        self._layout = compute_layout(network.layer_sizes, network.bias)
        self._layout_version += 1
        x0, _, x1, _ = self._layout.bounds
        self._viewbox.setLimits(minXRange=0.5, maxXRange=20 * (x1 - x0) + 200)  # lost neither in a node nor afar
        n_edge_layers = len(network.layer_sizes) - 1
        while len(self._edge_items) > n_edge_layers:
            item = self._edge_items.pop()
            self._viewbox.removeItem(item)
            self._drawn.pop(item.layer, None)
        while len(self._edge_items) < n_edge_layers:
            item = EdgeLayerItem(len(self._edge_items))
            self._viewbox.addItem(item)
            self._edge_items.append(item)
        if self._selected is not None and not selection_exists(self.state.network, self._selected):
            self._selected = None
            self.edit_weight_action.setEnabled(False)
            if self._editor is not None:
                self._editor.close()
        self._marks = self._existing_marks(self._marks)

    # -- edges --------------------------------------------------------------------------------------
    def _rebuild_edges(self, limits: list[float], ask: bool) -> list[EdgeLayerItem]:
        """Give new strokes to the edge layers whose weights, colour limit (``limits``, one per weight layer),
        style or selection changed, and return them; with ``ask``, their dense fans are asked of the raster
        worker at once."""
        network, look = self.state.network, self.appearance
        style = EdgeStyle(look.palette, look.theme, look.scale, look.max_edges_per_layer)
        key = (self._layout_version, style, self._selected)
        matrices = self._matrices.update(network, self._layout, limits, look, self._selected)
        redrawn = []
        if ask:
            self._viewbox.updateMatrix()  # a zoom since the last paint is applied as the paint would
        # The worker works out the largest fan only: it draws every dense fan; more kept the picture waiting.
        largest = max((layer for layer in range(len(self._edge_items)) if layer not in matrices),
                      key=lambda layer: network.weights[layer].size, default=None)
        for item, limit in zip(self._edge_items, limits):
            weight_layer = item.layer
            if weight_layer in matrices:  # drawn as a heatmap instead
                if self._drawn.pop(weight_layer, None) is not None or item.delegated is not None or len(item.edges):
                    item.set_batches(EdgeSet.empty(), Strokes.empty())
                continue
            drawn = self._drawn.get(weight_layer)
            # A picture drawn here that still shows the layer stays; else the largest dense fan goes to the worker.
            fan = None
            if weight_layer == largest and (drawn is None or not still_shown(network, weight_layer, limit, key, drawn)):
                fan = worker_fan(network, self._layout, weight_layer, limit, style, key, item.delegated, drawn,
                                 self.viewport().devicePixelRatioF())
            if fan is not None:
                if fan is item.delegated:
                    continue
                self._drawn.pop(weight_layer, None)
                item.set_delegated(fan)
            else:
                update = redrawn_layer(network, self._layout, weight_layer, limit, style, key, drawn)
                if update is None:
                    continue
                self._drawn[weight_layer], edges, strokes = update
                item.set_batches(edges, strokes, exact=style.max_edges_per_layer is None)  # None: every edge
            redrawn.append(item)
            if ask:  # drawn in the raster worker while the next layer's strokes are chosen
                item.prepare(self, draw=False)
        return redrawn

    # -- nodes --------------------------------------------------------------------------------------
    def set_node_images(self, images: dict) -> None:
        """Show a picture inside each node big enough for one: ``{(layer, index): (h, w) array in
        [−1, 1]}``, row 0 the bottom of the input plane (the decision plane's neuron responses);
        ``{}`` removes them."""
        self._node_images = dict(images)
        self._node_qimages = None
        self._refresh.mark("nodes")

    def _pictures(self) -> dict:
        """The node pictures as images in the current colours, made when first needed."""
        if self._node_qimages is None:
            look = self.appearance
            self._node_qimages = {key: node_image(values, look.palette, look.theme)
                                  for key, values in self._node_images.items()}
        return self._node_qimages

    # -- selection and editing ------------------------------------------------------------------------
    def _select(self, selection: tuple | None) -> None:
        if selection is not None and not selection_exists(self.state.network, selection):
            raise ValueError(f"nothing to select at {selection}")
        if selection == self._selected:
            return
        self._selected = selection
        self.edit_weight_action.setEnabled(selection is not None and selection[0] == "edge")
        self._refresh.mark("edges", "nodes")

    def _set_edge_value(self, weight_layer: int, to: int, frm: int, value: float) -> None:
        if not selection_exists(self.state.network, ("edge", weight_layer, to, frm)):  # changed under the editor
            self.weight_editor.close()
            return
        if frm < 0:
            self.state.set_bias_value(weight_layer, to, value)
        else:
            self.state.set_weight(weight_layer, to, frm, value)

    def _on_range_changed_manually(self, _mask) -> None:
        self._auto_fit = False

    def _on_viewbox_resized(self, _viewbox) -> None:
        if self._auto_fit or "fit" in self._refresh.stale:
            self.fit()
