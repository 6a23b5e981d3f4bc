"""The main window: the network view in the middle, controls and plots in docks, menus for all."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, Qt, QTimer, Slot
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QFont
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QTabBar

from nnviz.core import Network

from .about import app_icon
from .appearance import Appearance
from .controls import ControlsPanel
from .document.document import Document
from .network_view import NetworkView
from .preferences import Preferences
from .state import NetworkState
from .theme import apply_theme
from .training.data import TrainingData
from .training.runner import TrainingRunner
from .verdict_label import VerdictLabel
from .window_menus import WindowMenus
from .window_panels import WindowPanels

DOCK_LAYOUT_VERSION = 2
"""A saved dock layout of another version is not restored (1: before the data, race and propagation
panels), so panels added since start where the default layout puts them instead of beside the others."""


class MainWindow(WindowPanels, WindowMenus, QMainWindow):
    """nnviz's window. ``state`` owns the network; ``appearance`` holds the view options.

    Opens on the tutorial network (2-4-2, inputs (3, 4), sigmoid, truncated normal) unless a
    ``network`` is given. With a saved dock layout, the panels in the docks are built just after the first
    paint, or as soon as one of them is used (:class:`~nnviz.gui.window_panels.WindowPanels`).
    """

    def __init__(self, network: Network | None = None, inputs=None, preferences: Preferences | None = None,
                 parent=None):
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowIcon(app_icon())
        self.state = NetworkState(network, inputs, parent=self)
        self.appearance = Appearance(self)
        self._normal_layout = None  # the dock layout to return to after presentation mode
        self._base_font = QApplication.font()
        self.preferences = preferences if preferences is not None else Preferences()

        self.view = NetworkView(self.state, self.appearance)
        self.setCentralWidget(self.view)
        self.controls = ControlsPanel(self.state)
        self.training_data = TrainingData(self)
        self.training_runner = TrainingRunner(self.state, self.training_data, self)
        self.training_runner.paint_first = self.view.viewport()
        self._build_docks()

        self.scene_title = QLabel(self.view)
        self.scene_title.setObjectName("sceneTitle")
        self.scene_title.setStyleSheet(
            "QLabel#sceneTitle { background: rgba(20, 24, 28, 170); color: white; padding: 6px 18px;"
            " border-radius: 8px; }")
        self.scene_title.hide()
        self.view.installEventFilter(self)

        self.document = Document(self.state, self, preferences=self.preferences, appearance=self.appearance,
                                 renderer=self.view)
        self._build_menus()
        self.document.connect_window(self)
        self.document.sceneChanged.connect(self._on_scene_changed)
        self.document.message.connect(self._on_message)
        self._source_label = QLabel()
        self._source_label.setObjectName("sourceLabel")
        self.statusBar().addPermanentWidget(self._source_label)
        self.document.sourceChanged.connect(self._on_source_changed)
        self._on_source_changed(self.document.source)
        self.verdict_label = VerdictLabel("Weights: ")
        self.statusBar().addPermanentWidget(self.verdict_label)
        self._size_label = QLabel()
        self.statusBar().addPermanentWidget(self._size_label)
        self._accept_dropped_files()
        self.state.traceChanged.connect(self._on_trace_changed)
        self.state.message.connect(self._on_message)
        self.appearance.changed.connect(self._on_appearance_changed)
        self._on_trace_changed()
        self._restore_preferences()
        if self._default_layout_pending:
            # The default dock sizes follow the panels' smallest sizes: only a saved layout, which already
            # fits them, can show before the panels exist without moving once they come.
            self.finish_building()
        else:
            self._build_panels_after_first_paint()

    # -- construction ---------------------------------------------------------------------------------
    def _accept_dropped_files(self) -> None:
        """Files dropped anywhere on the window open; the graph view passes drops on to the window."""
        self.setAcceptDrops(True)
        self.view.setAcceptDrops(False)
        self.view.viewport().setAcceptDrops(False)

    # -- preferences and closing ------------------------------------------------------------------------
    def _restore_preferences(self) -> None:
        self.resize(1280, 800)
        geometry, window_state = self.preferences.geometry(), self.preferences.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        self._default_layout_pending = window_state is None or not self.restoreState(window_state, DOCK_LAYOUT_VERSION)
        self.default_layout_applied = not self._default_layout_pending
        self._input_tab_chosen = False
        """True once the dock sizes are final (the default ones apply just after the first show)."""
        self.appearance.set(theme=self.preferences.theme(), palette=self.preferences.palette())
        self.weight_colours.restore()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._show_whole_tab_titles()
        if self._default_layout_pending:
            # Dock sizes only stick once the window has its size. The graph is the point: side panels
            # start narrow, the plots short.
            self._default_layout_pending = False
            QTimer.singleShot(0, self._apply_default_dock_sizes)
        elif not self._input_tab_chosen:
            # A restored layout brings back the tab last in front; the inputs of this network decide.
            self._raise_input_tab(self._image_inputs)
        self._input_tab_chosen = True

    def _apply_default_dock_sizes(self) -> None:
        # Tabbed once the window is laid out: tabbed before, Qt showed a second, stray tab bar for these two.
        self.tabifyDockWidget(self.plot_dock, self.image_dock)
        self._raise_input_tab(self._image_inputs)
        # The graph is the point: on a small screen the side panels give up room first.
        width = self.width()
        controls = min(290, max(self.controls.minimum_width(), int(0.22 * width)))
        panels = min(400, max(self.init_dock.minimumSizeHint().width(), int(0.3 * width)))
        self.resizeDocks([self.controls_dock, self.init_dock], [controls, panels], Qt.Horizontal)
        self.resizeDocks([self.plot_dock], [240], Qt.Vertical)
        self.resizeDocks([self.plot_dock, self.output_dock], [600, 300], Qt.Horizontal)
        self._show_whole_tab_titles()
        self.default_layout_applied = True

    def _show_whole_tab_titles(self) -> None:
        # Seven panels share the right-hand dock: whole titles with scroll arrows read better than "I… T… De…".
        for bar in self.findChildren(QTabBar):
            bar.setElideMode(Qt.ElideNone)
            bar.setUsesScrollButtons(True)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.document.maybe_save():
            event.ignore()
            return
        if self.panels_built:  # a closed window computes nothing more
            self.training.pause()
            self.race.stop()
        if self.presentation_action.isChecked():
            self.presentation_action.trigger()  # save the normal layout, not the presentation one
        self.preferences.set_geometry(self.saveGeometry())
        self.preferences.set_window_state(self.saveState(DOCK_LAYOUT_VERSION))
        self.preferences.set_theme(self.appearance.theme)
        self.preferences.set_palette(self.appearance.palette)
        self.weight_colours.save()
        self.preferences.sync()
        super().closeEvent(event)

    # -- slots ----------------------------------------------------------------------------------------
    @Slot()
    def _on_trace_changed(self) -> None:
        net = self.state.network
        hidden = len(net.layer_sizes) - 2
        self._size_label.setText(
            f"{len(net.layer_sizes)} layers ({hidden} hidden) · {net.n_nodes:,} nodes · {net.n_weights:,} weights")
        out = self.state.trace.output
        shown = ", ".join(f"{v:.4g}" for v in out[:8]) + (" …" if len(out) > 8 else "")
        self._show_status(f"Output: [{shown}]")

    @Slot(str)
    def _on_source_changed(self, source: str) -> None:
        self._source_label.setText(f"From {source}" if source else "")
        self._source_label.setVisible(bool(source))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_file(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_file(event)
        if path is not None:
            event.acceptProposedAction()
            # After the drop returns: the file may ask questions (unsaved changes, activations) in dialogs.
            QTimer.singleShot(0, lambda: self.document.open_path(path))

    @staticmethod
    def _dropped_file(event) -> str | None:
        """The one local file being dragged, or None (several files, a web link, text)."""
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        return urls[0].toLocalFile() if len(urls) == 1 and urls[0].isLocalFile() else None

    @Slot(str)
    def _on_scene_changed(self, title: str) -> None:
        self.scene_title.setText(title)
        self.scene_title.setVisible(bool(title))
        self._place_scene_title()
        if self.presentation_action.isChecked():
            self._lay_out_presentation()
        elif self.document.current_scene is not None:  # the tabs the scene names come to the front
            panels = set(self.document.current_scene.panels)
            for dock in (dock for dock, names in self._docks_by_panel().items() if names & panels):
                dock.show()
                dock.raise_()

    def _place_scene_title(self) -> None:
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * 2.2)
        font.setBold(True)
        self.scene_title.setFont(font)
        self.scene_title.adjustSize()
        while self.scene_title.width() > self.view.width() - 16 and font.pointSizeF() > 10.0:
            font.setPointSizeF(font.pointSizeF() * 0.9)  # smaller, not cut by a dock beside the view
            self.scene_title.setFont(font)
            self.scene_title.adjustSize()
        self.scene_title.move(max(8, (self.view.width() - self.scene_title.width()) // 2), 8)
        # The network fits below the title, so it never covers the first layer's header.
        self.view.set_top_margin(self.scene_title.height() + 8 if not self.scene_title.isHidden() else 0)

    def eventFilter(self, watched, event) -> bool:
        # The title floats over the view: keep it centred whenever the view changes size.
        if watched is self.view and event.type() == QEvent.Resize and self.scene_title.isVisible():
            self._place_scene_title()
        elif watched is self.view.viewport() and event.type() == QEvent.Paint and not self.panels_built:
            self._on_view_painted()
        return super().eventFilter(watched, event)

    @Slot(str)
    def _on_message(self, text: str) -> None:
        self._show_status(text, 6000)

    def _show_status(self, text: str, timeout: int = 0) -> None:
        # Elided to the room left of the permanent label (it would run into it); the tool tip has it all.
        bar = self.statusBar()
        if not self.isVisible():
            bar.showMessage(text, timeout)  # no width to elide to yet
            return
        room = bar.width() - self._size_label.width() - 40
        shown = bar.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, max(room, 80))
        bar.setToolTip(text if shown != text else "")
        bar.showMessage(shown, timeout)

    @Slot()
    def _on_appearance_changed(self) -> None:
        a = self.appearance
        apply_theme(a.theme)
        font = QFont(self._base_font)
        if self._base_font.pointSizeF() > 0:
            font.setPointSizeF(self._base_font.pointSizeF() * a.scale)
        self.setFont(font)
        for action, checked in ((self.dark_action, a.theme == "dark"),
                                (self.colorblind_action, a.palette == "colorblind")):
            if action.isChecked() != checked:
                action.setChecked(checked)
        if self.scene_title.isVisible():
            self._place_scene_title()

    def set_inputs(self, values) -> None:
        """Set the input vector (a script or the command line)."""
        self.state.set_inputs(np.asarray(values, dtype=float))

