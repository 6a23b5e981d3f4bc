"""nnviz's Qt views: :class:`~nnviz.gui.main_window.MainWindow` composes them around one
:class:`~nnviz.gui.state.NetworkState`."""

from nnviz.gui import feature_scan

feature_scan.install()  # before the views' modules are imported (see feature_scan)
