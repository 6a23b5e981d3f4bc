"""The window's docks, and the panels in them built just after the window's first paint.

The network view and the controls are what the first picture shows; the plots, the initialisation
explorer, training, the race, signal propagation and the data panels take longer to build than the rest of
launch. When the window restores a saved dock layout, their docks start empty in their saved places and fill
on the next event-loop turn after the view has painted (the saved sizes already fit the panels, so nothing
moves). Mixed into :class:`~nnviz.gui.main_window.MainWindow`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import QDockWidget, QFrame, QScrollArea, QWidget

from .data_panel.sample import input_image_shape

PANEL_ATTRIBUTES = frozenset({"activation_plot", "init_explorer", "training", "boundary", "race", "propagation",
                              "shown_sample", "image_input", "output_bars", "receptive_fields", "confusion"})
"""The window's attributes that exist once :meth:`WindowPanels.finish_building` has run."""


class WindowPanels:
    """Docks and lazily built panels of a QMainWindow with ``state``, ``appearance``, ``preferences``,
    ``view``, ``controls``, ``training_data``, ``training_runner``, ``verdict_label`` and the menus of
    :class:`~nnviz.gui.window_menus.WindowMenus`.

    ``panels_built`` is False until :meth:`finish_building` has run: the first paint of the view runs it, and
    so does reading any panel attribute (:data:`PANEL_ATTRIBUTES`), so code that uses a panel never sees it
    missing.
    """

    panels_built = False

    def __getattr__(self, name):
        # Only called for attributes not found: a panel not built yet is built now.
        if name in PANEL_ATTRIBUTES and not self.panels_built:
            self.finish_building()
            return getattr(self, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # -- docks ------------------------------------------------------------------------------------------
    def _add_dock(self, title, name, widget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        if widget is not None:
            dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        """Every dock in its default place, the panels' ones still empty: a saved layout restores onto them."""
        self.controls_dock = self._add_dock("Controls", "controlsDock", self.controls, Qt.LeftDockWidgetArea)
        self.plot_dock = self._add_dock("Activations", "activationDock", None, Qt.BottomDockWidgetArea)
        # The left dock runs full height; the plots sit under the graph only.
        self.setCorner(Qt.BottomLeftCorner, Qt.LeftDockWidgetArea)
        self.setCorner(Qt.BottomRightCorner, Qt.RightDockWidgetArea)
        # The initialisation explorer, training, decision plane, race and signal propagation: tabs on the right.
        # Tabs, not a stack: stacked, their minimum heights would not fit a 1280×800 projector.
        right = [("Initialisation", "initDock"), ("Training", "trainingDock"), ("Decision plane", "boundaryDock"),
                 ("Initialisation race", "raceDock"), ("Signal propagation", "propagationDock")]
        docks = [self._add_dock(title, name, None, Qt.RightDockWidgetArea) for title, name in right]
        self.init_dock, self.training_dock, self.boundary_dock, self.race_dock, self.propagation_dock = docks
        for first, second in zip(docks, docks[1:]):
            self.tabifyDockWidget(first, second)
        # The input image and the output bars under the graph; receptive fields and the confusion matrix on
        # the right.
        self.image_dock = self._add_dock("Input image", "imageInputDock", None, Qt.BottomDockWidgetArea)
        self.output_dock = self._add_dock("Outputs", "outputDock", None, Qt.BottomDockWidgetArea)
        self.fields_dock = self._add_dock("Receptive fields", "receptiveFieldsDock", None, Qt.RightDockWidgetArea)
        self.confusion_dock = self._add_dock("Confusion matrix", "confusionDock", None, Qt.RightDockWidgetArea)
        self.tabifyDockWidget(self.boundary_dock, self.fields_dock)
        self.tabifyDockWidget(self.fields_dock, self.confusion_dock)
        self.plot_dock.raise_()
        # The image tab comes forward whenever the inputs become an image.
        self._image_inputs = False
        self.state.structureChanged.connect(self._raise_image_input)
        self.training_data.changed.connect(self._raise_image_input)
        self._raise_image_input()
        self.init_dock.raise_()

    @property
    def image_inputs(self) -> bool:
        """Whether the network's inputs form an image (the input image tab then comes forward)."""
        return input_image_shape(self.state.n_inputs, self.training_data) is not None

    @Slot()
    def _raise_image_input(self, *_) -> None:
        image = self.image_inputs
        if image != self._image_inputs:
            self._raise_input_tab(image)
        self._image_inputs = image

    def _raise_input_tab(self, image: bool) -> None:
        """The input image tab in front for image inputs, the activation plots otherwise."""
        (self.image_dock if image else self.plot_dock).raise_()

    # -- panels -----------------------------------------------------------------------------------------
    def _build_panels_after_first_paint(self) -> None:
        self.view.viewport().installEventFilter(self)

    def _on_view_painted(self) -> None:
        """The view's first paint: the panels are built on the next turn, once the picture is on screen."""
        self.view.viewport().removeEventFilter(self)
        QTimer.singleShot(0, self, self.finish_building)  # the window as context: dropped if it is gone

    def finish_building(self) -> None:
        """Build the panels in their docks now, if not built yet."""
        if self.panels_built:
            return
        self.panels_built = True
        # Imported here: these modules are a good part of launch time and the first paint needs none of them.
        from .activation_plot import ActivationPlot
        from .init_explorer.explorer import InitExplorer
        from .init_explorer.jacobian_view import JacobianView
        from .propagation_view import PropagationMap
        from .race.panel import RacePanel
        from .training.decision_boundary import DecisionBoundary
        from .training.panel import TrainingPanel

        state, data, look = self.state, self.training_data, self.appearance
        self.activation_plot = ActivationPlot(state, look)
        self.plot_dock.setWidget(self.activation_plot)
        self.init_explorer = InitExplorer(state, look)
        self.init_dock.setWidget(_scrolling(self.init_explorer))
        self.init_explorer.symmetricUnitsChanged.connect(self.view.set_marked_nodes)
        self.init_explorer.paint_first = self.view.viewport()  # 1,000 samples: after the picture
        self.activation_plot.paint_first = self.view.viewport()
        self.init_explorer.findChild(JacobianView).paint_first = self.view.viewport()
        self.training = TrainingPanel(state, data, self.training_runner, look, preferences=self.preferences)
        self.init_explorer.verdictChanged.connect(self.training.verdict_label.show_verdict)
        self.init_explorer.verdictChanged.connect(self.verdict_label.show_verdict)
        self.training_dock.setWidget(_scrolling(self.training))
        self.boundary = DecisionBoundary(state, data, look)
        self.boundary_dock.setWidget(self.boundary)
        self.boundary.nodeImagesChanged.connect(self.view.set_node_images)
        self.race = RacePanel(state, data, look)
        self.race_dock.setWidget(self.race)
        self.propagation = PropagationMap(state, look)
        self.propagation_dock.setWidget(self.propagation)
        self.propagation_dock.visibilityChanged.connect(self.propagation.on_screen_changed)
        self._build_data_panels()
        self._add_panel_actions()

    def _build_data_panels(self) -> None:
        from .data_panel.confusion import ConfusionMatrix
        from .data_panel.image_input import ImageInput
        from .data_panel.output_bars import OutputBars
        from .data_panel.receptive_fields import ReceptiveFields
        from .data_panel.sample import ShownSample

        state, data, look = self.state, self.training_data, self.appearance
        self.shown_sample = ShownSample(state, data, self)
        self.image_input = ImageInput(state, data, self.shown_sample)
        self.output_bars = OutputBars(state, data, self.shown_sample, look)
        self.receptive_fields = ReceptiveFields(state, data, look)
        self.confusion = ConfusionMatrix(state, data, look)
        self.image_dock.setWidget(self.image_input)
        self.output_dock.setWidget(self.output_bars)
        self.fields_dock.setWidget(self.receptive_fields)
        self.confusion_dock.setWidget(self.confusion)
        self.receptive_fields.unitHovered.connect(self._on_unit_hovered)
        self._hovered_unit: tuple | None = None

    @Slot(int)
    def _on_unit_hovered(self, unit: int) -> None:
        """Highlight the first-layer unit hovered in the receptive fields; un-highlight it on leaving."""
        if unit >= 0:
            self._hovered_unit = ("node", 1, unit)
            self.view.select_node(1, unit)
        elif self._hovered_unit is not None and self.view.selected == self._hovered_unit:
            self.view.clear_selection()
            self._hovered_unit = None


def _scrolling(panel: QWidget) -> QScrollArea:
    """``panel`` in a frameless scroll area: its height no longer sets the window's smallest height
    (the training panel would keep a 1024 × 640 window 700 px tall, the explorer in presentation
    mode a 1280 × 720 one 830 px)."""
    scroll = QScrollArea()
    scroll.setObjectName(f"{panel.objectName()}Scroll")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(panel)
    return scroll
