"""A cheaper form of the check PySide6 makes on every module imported after it: ~30 ms of launch.

PySide6 hooks ``import`` for its opt-in ``from __feature__ import snake_case, true_property`` switches, and
after each new module asks whether its source mentions PySide6 (``shibokensupport.feature._mod_uses_pyside``).
It answers with ``inspect.getsource``, which finds the file, decodes it, splits it into lines kept in
``linecache`` for the rest of the process and joins them again: ~0.2 ms a module. The window imports 188
modules after PySide6 before its first paint (37 ms of checks measured here) and ~400 more for its panels.
:func:`install` answers the same question by looking for the bytes ``PySide6`` in the ``.py`` file a module was
loaded from (8 ms for the same 188), and leaves any other module (in a zip, frozen, an extension) to PySide6's own
check: the same answers (a test compares them). nnviz uses no ``__feature__`` switch. The check runs on every
``import`` statement naming a module it has not answered for, one imported before PySide6 too (``import types`` in
``copy``), so ``nnviz.gui`` installs this as it is imported, before any of its views.
"""

from __future__ import annotations

import os
import sys
from importlib.machinery import SourceFileLoader


def install() -> None:
    """Import PySide6 and make its per-module check cheaper (nothing if it has no such check)."""
    import PySide6.QtCore  # noqa: F401  (sets up the check)

    feature = sys.modules.get("shibokensupport.feature")
    check = getattr(feature, "_mod_uses_pyside", None)
    if check is None or hasattr(check, "__wrapped__"):
        return

    def uses_pyside(module) -> bool:
        path = getattr(module, "__file__", None)
        loader = getattr(getattr(module, "__spec__", None), "loader", None)
        if not (isinstance(loader, SourceFileLoader) and isinstance(path, str) and path.endswith(".py")
                and os.path.isabs(path)):
            return check(module)  # in a zip, frozen, an extension: PySide6's own answer
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except (OSError, ValueError):  # as inspect.getsource: no source, no PySide6 (never an error in an import)
            return False

    uses_pyside.__wrapped__ = check
    feature._mod_uses_pyside = uses_pyside
