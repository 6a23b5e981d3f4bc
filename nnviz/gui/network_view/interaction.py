"""Mouse and keys of the network view: hover tips, click to select or edit (the inline weight editor), Alt+wheel
and arrows nudge.

Also where things are: what is under a point (``hit_test``), its hover text, where a node or an edge is.
A mixin of :class:`~nnviz.gui.network_view.view.NetworkView`, which provides ``state``, ``_layout``,
``_viewbox``, ``_matrices``, ``_edge_items``, ``_selected``, ``_select``, ``_set_edge_value``, ``weight_editor``
and the actions.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QMenu, QToolTip

from nnviz.core.layout import bias_at, nearest_segment, node_at
from nnviz.gui.layer_names import layer_title
from nnviz.gui.network_view import text as network_text
from nnviz.gui.network_view.weight_editor import STEP

HIT_PX = 5.0
"""How close (pixels) the pointer must be to an edge or a small node to hover or click it."""


class ViewInteraction:
    def node_scene_pos(self, node_layer: int, index: int):
        """Scene position (QPointF) of the centre of a node, e.g. to point at it or to test hovering."""
        self._up_to_date()
        return self._viewbox.mapViewToScene(pg.Point(*self._layout.positions[node_layer][index]))

    def edge_scene_pos(self, weight_layer: int, to: int, frm: int, along: float = 0.5):
        """Scene position (QPointF) of the point ``along`` (0 … 1 from the source) the edge
        ``weights[weight_layer][to, frm]`` (``frm`` −1: from the bias unit)."""
        self._up_to_date()
        return self._viewbox.mapViewToScene(pg.Point(*self._edge_point(weight_layer, to, frm, along)))

    def hit_test(self, scene_pos) -> tuple | None:
        """What is under ``scene_pos``: a node, a bias unit or an edge (see :attr:`selected`), or None."""
        self._up_to_date()
        layout = self._layout
        point = self._viewbox.mapSceneToView(scene_pos)
        point = (point.x(), point.y())
        tolerance = HIT_PX * self._viewbox.viewPixelSize()[0]
        node = node_at(layout, point, tolerance)
        if node is not None:
            return ("node", *node)
        bias = bias_at(layout, point, tolerance)
        if bias is not None:
            return ("bias", bias)
        cell = self._matrices.hit(self.state.network, point)
        if cell is not None:
            return cell
        weight_layer = int(np.searchsorted(layout.column_x, point[0])) - 1
        if 0 <= weight_layer < len(self._edge_items):
            edges = self._edge_items[weight_layer].edges
            index = nearest_segment(point, edges.lines, tolerance)
            if index >= 0:
                return ("edge", weight_layer, int(edges.to[index]), int(edges.frm[index]))
        return None

    def tooltip_text(self, scene_pos) -> str:
        """The hover text (rich text) for ``scene_pos``; empty over blank space."""
        hit = self.hit_test(scene_pos)
        return (network_text.describe(self.state.network, self.state.trace, hit)
                + self._matrices.tooltip_extra(self.state.network, hit, self.appearance))

    def _edge_point(self, weight_layer: int, to: int, frm: int, along: float) -> np.ndarray:
        if weight_layer in self._matrices.items:  # a heatmap: the edge's cell
            return self._matrices.cell_centre(self.state.network, weight_layer, to, frm)
        layout = self._layout
        start = layout.bias_positions[weight_layer] if frm < 0 else layout.positions[weight_layer][frm]
        return start + along * (layout.positions[weight_layer + 1][to] - start)

    def edit_selected_edge(self, global_pos: QPoint | None = None) -> None:
        """Open the inline editor for the selected edge, if an edge is selected."""
        if self._selected is not None and self._selected[0] == "edge":
            self.edit_edge(*self._selected[1:], global_pos)

    def edit_edge(self, weight_layer: int, to: int, frm: int, global_pos: QPoint | None = None) -> None:
        """Select the edge ``weights[weight_layer][to, frm]`` (``frm`` −1: the bias into ``to``) and open the
        inline editor next to ``global_pos`` (default: the middle of the edge)."""
        self._select(("edge", int(weight_layer), int(to), int(frm)))
        network = self.state.network
        if global_pos is None:
            global_pos = self._edge_global_pos(weight_layer, to, frm)
        n_layers = len(network.layer_sizes)
        target = network_text.node_name(weight_layer + 1, to, n_layers)
        if frm < 0:
            title, value = f"bias → {target}", float(network.biases[weight_layer][to])
        else:
            title = f"w: {network_text.node_name(weight_layer, frm, n_layers)} → {target}"
            value = float(network.weights[weight_layer][to, frm])
        self.weight_editor.open_for(title, value, lambda v: self._set_edge_value(weight_layer, to, frm, v), global_pos)

    def _edge_global_pos(self, weight_layer: int, to: int, frm: int) -> QPoint:
        return self.viewport().mapToGlobal(self.mapFromScene(self.edge_scene_pos(weight_layer, to, frm)))

    def toggle_matrix(self, weight_layer: int) -> None:
        """Show weight layer ``weight_layer`` as a matrix if it shows edges, and the other way round."""
        self.appearance.set(matrix_layers=self.appearance.matrix_layers ^ {int(weight_layer)})

    def weight_layers_at(self, scene_pos) -> list[int]:
        """The weight layers a right-click at ``scene_pos`` is about: those into and out of a column
        whose title is there, or the one between the two columns there."""
        self._refresh.run()
        layout = self._layout
        point = self._viewbox.mapSceneToView(scene_pos)
        n_weight_layers = len(layout.column_x) - 1
        if point.y() < layout.top:  # the titles
            column = int(np.argmin(np.abs(layout.column_x - point.x())))
            return [layer for layer in (column - 1, column) if 0 <= layer < n_weight_layers]
        layer = int(np.searchsorted(layout.column_x, point.x())) - 1
        return [layer] if 0 <= layer < n_weight_layers else []

    def _on_mouse_moved(self, scene_pos) -> None:
        text = self.tooltip_text(scene_pos)
        if text:
            QToolTip.showText(QCursor.pos(), text, self)
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            QToolTip.hideText()
            self.viewport().unsetCursor()

    def _on_mouse_clicked(self, event) -> None:
        hit = self.hit_test(event.scenePos())
        if event.button() == Qt.MouseButton.RightButton:
            self._context_menu(hit, event.screenPos().toPoint(), self.weight_layers_at(event.scenePos()))
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        event.accept()
        if hit is None:
            self.clear_selection()
            return
        self._select(hit)
        if hit[0] == "node":
            self.nodeClicked.emit(hit[1], hit[2])
        elif hit[0] == "edge":
            self.edgeClicked.emit(*hit[1:])
            self.edit_edge(*hit[1:], event.screenPos().toPoint())

    def _context_menu(self, hit, global_pos: QPoint, weight_layers=()) -> None:
        menu = QMenu(self)
        if hit is not None and hit[0] == "edge":
            menu.addAction("Edit Weight…", lambda: self.edit_edge(*hit[1:], global_pos))
            menu.addSeparator()
        n_layers = len(self.state.network.layer_sizes)
        for layer in weight_layers:
            names = f"{layer_title(layer, n_layers)} → {layer_title(layer + 1, n_layers)}"
            action = menu.addAction(f"Weights {names} as Matrix", lambda layer=layer: self.toggle_matrix(layer))
            action.setCheckable(True)
            action.setChecked(layer in self._matrices.items)
        if weight_layers:
            menu.addSeparator()
        menu.addAction(self.fit_action)
        menu.addAction(self.clear_selection_action)
        menu.popup(global_pos)


    def _nudge_selected_edge(self, steps: float) -> bool:
        if self._selected is None or self._selected[0] != "edge":
            return False
        _, weight_layer, to, frm = self._selected
        network = self.state.network
        value = network.biases[weight_layer][to] if frm < 0 else network.weights[weight_layer][to, frm]
        self._set_edge_value(weight_layer, to, frm, round(float(value) + steps * STEP, 10))
        return True


    def wheelEvent(self, event):
        if event.modifiers() & Qt.KeyboardModifier.AltModifier:
            # Some platforms turn Alt+wheel into a horizontal scroll: take whichever axis moved.
            delta = event.angleDelta()
            notches = (delta.y() or delta.x()) / 120
            if self._nudge_selected_edge(notches):
                event.accept()
                return
        super().wheelEvent(event)

    def keyPressEvent(self, event):
        key = event.key()
        step = 0.2 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1.0
        if key == Qt.Key.Key_Escape and self._selected is not None:
            self.clear_selection()
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self._nudge_selected_edge(
                step if key == Qt.Key.Key_Up else -step):
            pass
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.edit_weight_action.isEnabled():
            self.edit_selected_edge()
        else:
            super().keyPressEvent(event)
            return
        event.accept()
