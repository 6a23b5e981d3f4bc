"""Import pyqtgraph in two stages, without creating every Qt class up front: 0.2–0.4 s of launch.

PySide6 creates a Qt class's Python type the first time it is used. pyqtgraph's import mirrors
PySide6's QtCore, QtGui and QtWidgets into modules of its own (``pyqtgraph.Qt.QtCore`` …) by reading
every name the PySide6 modules list, which creates all ~700 classes (measured: 0.15–0.2 s of the
0.37–0.43 s pyqtgraph takes to import here). Here the mirrors are made first, as modules that look
a name up in PySide6 when it is first read, and pyqtgraph is shown only the classes already made
while it copies them. pyqtgraph then sees every Qt name, as before; a class is made when used.

pyqtgraph's package then imports all its items and widgets (plots, axes, image views, parameter trees…),
about 0.1 s more than the network view's first paint needs. So the package's own set-up runs first, with
the modules in :data:`FIRST_PAINT` (35 of its 145 modules load); the first name read from the package that is
not there yet (``pg.PlotWidget``, as the panels built after the first paint read) runs the rest of its
``__init__``, so everyone sees the whole package as before. Until then, ``dir(pyqtgraph)`` lists only what is
there, and ``pg.plot()`` and ``pg.image()`` (which read the plot widgets as globals) would fail: nnviz uses
neither. Should the staged import fail (another pyqtgraph laid out otherwise), pyqtgraph is imported whole.

The window calls :func:`import_pyqtgraph` before it imports its panels (``nnviz.app.run_gui``); anything
else that imports pyqtgraph first simply gets pyqtgraph's own import.
"""

from __future__ import annotations

import ast
import importlib.util
import pkgutil
import sys
import threading
import types

_MIRRORED = ("QtCore", "QtGui", "QtWidgets")

FIRST_PAINT = frozenset({"colormap", "functions", "Point", "graphicsItems.GraphicsObject",
                         "graphicsItems.GraphicsWidget", "graphicsItems.ViewBox", "widgets.GraphicsView"})
"""pyqtgraph's modules the network view paints with: imported with the package's set-up."""


def import_pyqtgraph() -> None:
    """Import pyqtgraph (nothing if it already is) with mirrors that create Qt classes when used, and of its
    items and widgets only those of :data:`FIRST_PAINT` until another of its names is read."""
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
        try:
            _import_in_stages()
        except Exception:  # laid out otherwise than expected: the whole package, as pyqtgraph imports itself
            _forget_pyqtgraph()
            sys.modules.update(mirrors)
            import pyqtgraph  # noqa: F401
    except BaseException:
        _forget_pyqtgraph()
        raise
    finally:
        for source, listing in listings.items():
            if listing is None:
                source.__dict__.pop("__dir__", None)
            else:
                source.__dict__["__dir__"] = listing


def _forget_pyqtgraph() -> None:
    for name in [name for name in sys.modules if name == "pyqtgraph" or name.startswith("pyqtgraph.")]:
        del sys.modules[name]


def _import_in_stages() -> None:
    """Run pyqtgraph's ``__init__`` but the imports of its items and widgets (the package's own modules
    imported after its first function) not in :data:`FIRST_PAINT` and not imported meanwhile: those run when
    a name it lacks is read."""
    spec = importlib.util.find_spec("pyqtgraph")
    package = importlib.util.module_from_spec(spec)
    tree = ast.parse(spec.loader.get_source("pyqtgraph"), spec.origin)
    first_def = next((i for i, node in enumerate(tree.body) if isinstance(node, ast.FunctionDef)), len(tree.body))
    later = [node for node in tree.body[first_def:] if isinstance(node, ast.ImportFrom) and node.level == 1
             and node.module not in FIRST_PAINT]
    sys.modules["pyqtgraph"] = package
    exec(_compiled([node for node in tree.body if node not in later], spec.origin), package.__dict__)
    # Modules the first stage imported anyway cost nothing more, and their names must be what the package makes
    # of them (the GraphicsScene class, not its module).
    loaded = [node for node in later if f"pyqtgraph.{node.module}" in sys.modules]
    exec(_compiled(loaded, spec.origin), package.__dict__)
    later = [node for node in later if node not in loaded]
    submodules = {module.name for module in pkgutil.iter_modules(spec.submodule_search_locations)}
    lock, state = threading.RLock(), {"running": False, "done": False}

    def finish(name: str):
        # "from pyqtgraph.X import …" and "import pyqtgraph.X" look for X here first: Python imports it.
        if name not in submodules:
            with lock:  # another thread reading a name waits for the rest
                # A name the rest reads while it runs is missing, as in a plain import.
                if not (state["done"] or state["running"]):
                    state["running"] = True
                    try:
                        exec(_compiled(later, spec.origin), package.__dict__)
                        state["done"] = True
                        del package.__getattr__
                    finally:
                        state["running"] = False  # after a failure, the next name read tries again
            if name in package.__dict__:
                return package.__dict__[name]
        raise AttributeError(f"module 'pyqtgraph' has no attribute {name!r}")

    package.__getattr__ = finish


def _compiled(statements: list, filename: str):
    return compile(ast.Module(body=statements, type_ignores=[]), filename, "exec")


def _mirror(name: str, source: types.ModuleType) -> types.ModuleType:
    """A module named ``name`` whose missing attributes are ``source``'s."""
    mirror = types.ModuleType(name)

    def look_up(attribute: str):
        value = getattr(source, attribute)
        setattr(mirror, attribute, value)  # read once from PySide6
        return value

    mirror.__getattr__ = look_up
    return mirror
