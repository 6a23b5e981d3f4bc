"""nnviz's Qt views: :class:`~nnviz.gui.main_window.MainWindow` composes them around one
:class:`~nnviz.gui.state.NetworkState`."""
