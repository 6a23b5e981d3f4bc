"""nnviz's Qt views: :class:`~nnviz.gui.main_window.MainWindow` composes them around one
:class:`~nnviz.gui.state.NetworkState`."""

from nnviz.gui.pyqtgraph_import import import_pyqtgraph

import_pyqtgraph()  # before any view module imports it (see pyqtgraph_import)
