"""Import pyqtgraph without creating every Qt class up front: 0.1–0.3 s of launch.

PySide6 creates a Qt class's Python type the first time it is used. pyqtgraph's import mirrors
PySide6's QtCore, QtGui and QtWidgets into modules of its own (``pyqtgraph.Qt.QtCore`` …) by reading
every name the PySide6 modules list, which creates all ~700 classes (measured: 0.15–0.2 s of the
0.37–0.43 s pyqtgraph takes to import here). Here the mirrors are made first, as modules that look
a name up in PySide6 when it is first read, and pyqtgraph is shown only the classes already made
while it copies them. pyqtgraph then sees every Qt name, as before; a class is made when used.

The window calls :func:`import_pyqtgraph` before it imports its panels (``nnviz.app.run_gui``); anything
else that imports pyqtgraph first simply gets pyqtgraph's own import.
"""

from __future__ import annotations

import sys
import types

_MIRRORED = ("QtCore", "QtGui", "QtWidgets")


def import_pyqtgraph() -> None:
    """Import pyqtgraph (nothing if it already is) with mirrors that create Qt classes when used."""
    if "pyqtgraph" in sys.modules:
        return
    from PySide6 import QtCore, QtGui, QtWidgets

    sources = dict(zip(_MIRRORED, (QtCore, QtGui, QtWidgets)))
    mirrors = {f"pyqtgraph.Qt.{name}": _mirror(f"pyqtgraph.Qt.{name}", source) for name, source in sources.items()}
    listings = {source: source.__dict__.get("__dir__") for source in sources.values()}
    try:
        for source in sources.values():
            # What dir() lists while pyqtgraph copies: the classes already made (the rest are looked up).
            source.__dict__["__dir__"] = lambda made=source.__dict__: list(made)
        sys.modules.update(mirrors)
        import pyqtgraph  # noqa: F401
    except BaseException:
        for name in mirrors:
            sys.modules.pop(name, None)
        raise
    finally:
        for source, listing in listings.items():
            if listing is None:
                source.__dict__.pop("__dir__", None)
            else:
                source.__dict__["__dir__"] = listing


def _mirror(name: str, source: types.ModuleType) -> types.ModuleType:
    """A module named ``name`` whose missing attributes are ``source``'s."""
    mirror = types.ModuleType(name)

    def look_up(attribute: str):
        value = getattr(source, attribute)
        setattr(mirror, attribute, value)  # read once from PySide6
        return value

    mirror.__getattr__ = look_up
    return mirror
