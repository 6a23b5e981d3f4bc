"""nnviz's Qt views. Import :class:`MainWindow` from here; everything else is composed by it."""


def __getattr__(name):
    # Lazy, so that ``import nnviz.gui.state`` does not pull in every widget.
    if name == "MainWindow":
        from .main_window import MainWindow

        return MainWindow
    raise AttributeError(name)
