"""The window's menus, and what the View menu's actions do: full screen, presentation mode, text size,
theme and palette. Mixed into :class:`~nnviz.gui.main_window.MainWindow`, whose panels and docks it uses."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget

from .about import show_about
from .shortcuts_dialog import show_shortcuts
from .weight_colours_menu import WeightColourActions

PRESENTATION_SCALE = 1.75
SCALE_STEP = 0.25


class WindowMenus:
    """The menu bar and the View actions' slots of a QMainWindow with nnviz's panels (``state``, ``view``,
    ``document``, ``controls``, ``training``, ``init_explorer`` and the docks)."""

    def _action(self, text, slot, shortcut=None, checkable=False, tip=None, name=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        if name:
            action.setObjectName(name)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even while the menu bar is hidden (full screen)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.document.populate_file_menu(file_menu)
        self.addActions(self.document.actions)
        file_menu.addSeparator()
        self.document.populate_lecture_menu(file_menu.addMenu("&Lecture"))
        file_menu.addSeparator()
        self.quit_action = self._action("&Quit", self.close, QKeySequence.Quit, name="quitAction",
                                        tip="Close nnviz")
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        file_menu.addAction(self.quit_action)

        view_menu = bar.addMenu("&View")
        self.fit_action = self._action("&Fit to Window", self.view.fit, "F", name="fitAction",
                                       tip="Fit the whole network into the view")
        self.fullscreen_action = self._action("F&ull Screen", self._on_fullscreen, "F11", checkable=True,
                                              name="fullScreenAction")
        self.presentation_action = self._action(
            "&Presentation Mode", self._on_presentation, "Ctrl+P", checkable=True, name="presentationAction",
            tip="Bigger fonts, nodes and edges; panels hidden so the graph fills the screen")
        self.zoom_in_action = self._action("&Larger", lambda: self._scale_by(SCALE_STEP), "Ctrl++",
                                           name="zoomInAction")
        self.zoom_in_action.setShortcuts([QKeySequence("Ctrl++"), QKeySequence("Ctrl+=")])
        self.zoom_out_action = self._action("&Smaller", lambda: self._scale_by(-SCALE_STEP), "Ctrl+-",
                                            name="zoomOutAction")
        self.zoom_reset_action = self._action("&Normal Size", self._scale_reset, "Ctrl+0", name="zoomResetAction")
        self.dark_action = self._action("&Dark Theme", self._on_dark, "Ctrl+Shift+D", checkable=True,
                                        name="darkThemeAction")
        self.colorblind_action = self._action("&Colour-Blind-Safe Palette", self._on_colorblind, "Ctrl+Shift+B",
                                              checkable=True, name="colorblindAction",
                                              tip="Blue–orange edge colours, distinct for red–green colour blindness")
        for action in (self.fit_action, None, self.fullscreen_action, self.presentation_action, self.zoom_in_action,
                       self.zoom_out_action, self.zoom_reset_action, None, self.dark_action,
                       self.colorblind_action, None):
            view_menu.addAction(action) if action else view_menu.addSeparator()
        self.weight_colours = WeightColourActions(self.appearance, self.view, self.preferences, self)
        self.weight_colours.populate(view_menu.addMenu("&Weight Colours"))
        self.training_runner.playingChanged.connect(self.view.set_growing_colours)
        panels = view_menu.addMenu("&Panels")
        for dock in self.findChildren(QDockWidget):
            panels.addAction(dock.toggleViewAction())

        net_menu = bar.addMenu("&Network")
        self.reroll_action = self._action("&Re-roll Weights", self.state.reroll, "R", name="rerollAction",
                                          tip="Pick a new seed and draw all weights anew")
        self.reinit_action = self._action("Re&initialise (Same Seed)", self.state.reinitialize, "Ctrl+R",
                                          name="reinitAction", tip="Draw the weights again from the current seed")
        net_menu.addAction(self.reroll_action)
        net_menu.addAction(self.reinit_action)
        net_menu.addSeparator()
        net_menu.addActions(self.controls.menu_actions())
        net_menu.addSeparator()
        self.train_menu = bar.addMenu("&Train")  # filled with the panels (:meth:`_add_panel_actions`)

        self.help_menu = bar.addMenu("&Help")
        self.shortcuts_action = self._action("&Keyboard Shortcuts", lambda: show_shortcuts(self), "F1",
                                             name="shortcutsAction")
        self.help_menu.addAction(self.shortcuts_action)
        self.about_action = self._action("&About nnviz", lambda: show_about(self), name="aboutAction",
                                         tip="nnviz's version and what it is")
        self.help_menu.addAction(self.about_action)
        self.file_menu, self.view_menu, self.network_menu = file_menu, view_menu, net_menu

    def _add_panel_actions(self) -> None:
        """The initialisation explorer's and the training panel's actions, in the menus built before them."""
        self.network_menu.addActions(self.init_explorer.actions())
        train_actions = self.training.menu_actions()
        self.train_menu.addActions(train_actions["Train"])
        self.file_menu.insertActions(self.quit_action, train_actions["File"])
        self.file_menu.insertSeparator(self.quit_action)

    @Slot(bool)
    def _on_fullscreen(self, on: bool) -> None:
        self.showFullScreen() if on else self.showNormal()

    @Slot(bool)
    def _on_presentation(self, on: bool) -> None:
        if on:
            self._normal_layout = self.saveState()
            self.appearance.set(scale=PRESENTATION_SCALE)
            self._lay_out_presentation()
        else:
            if self._normal_layout is not None:
                self.restoreState(self._normal_layout)
            self._normal_layout = None
            self.init_explorer.show_parts(depth=True, histograms=True)
            self.appearance.set(scale=1.0)
        self.view.fit()

    def _docks_by_panel(self) -> dict[QDockWidget, set[str]]:
        """Each dock and the names of a scene's ``panels`` (``nnviz.core.scenes.PANELS``) it shows."""
        return {self.plot_dock: {"activation_plot"}, self.init_dock: {"depth_view", "histograms"},
                self.training_dock: {"training"}, self.boundary_dock: {"decision_plane"},
                self.race_dock: {"race"}, self.propagation_dock: {"propagation"}}

    def _lay_out_presentation(self) -> None:
        """The graph, and beside it, large, the panels the current scene names (none outside a lecture)."""
        scene = self.document.current_scene
        panels = set(scene.panels) if scene is not None else set()
        shown = [dock for dock, names in self._docks_by_panel().items() if names & panels]
        for dock in self.findChildren(QDockWidget):
            dock.setVisible(dock in shown)
        self.init_explorer.show_parts(depth="depth_view" in panels, histograms="histograms" in panels, settings=False)
        side = [dock for dock in shown if dock is not self.plot_dock]
        for dock in side:  # out of their tabs, one above the other, so that all of them show at once
            self.addDockWidget(Qt.RightDockWidgetArea, dock, Qt.Vertical)
        if side:
            # Half the window: at the presentation scale the depth plots need ~630 px of a 1280 px window.
            self.resizeDocks(side[:1], [int(0.5 * self.width())], Qt.Horizontal)
        if self.plot_dock in shown:
            self.resizeDocks([self.plot_dock], [int(0.35 * self.height())], Qt.Vertical)

    def _scale_by(self, step: float) -> None:
        self.appearance.set(scale=min(4.0, max(0.5, self.appearance.scale + step)))

    def _scale_reset(self) -> None:
        self.appearance.set(scale=PRESENTATION_SCALE if self.presentation_action.isChecked() else 1.0)

    @Slot(bool)
    def _on_dark(self, on: bool) -> None:
        self.appearance.set(theme="dark" if on else "light")

    @Slot(bool)
    def _on_colorblind(self, on: bool) -> None:
        self.appearance.set(palette="colorblind" if on else "default")
