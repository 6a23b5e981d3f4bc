"""A cheaper form of the check PySide6 makes on every module imported after it: ~30 ms of launch.

PySide6 hooks ``import`` for its opt-in ``from __feature__ import snake_case, true_property`` switches, and
after each new module asks whether its source mentions PySide6 (``shibokensupport.feature._mod_uses_pyside``).
It answers with ``inspect.getsource``, which finds the file, decodes it, splits it into lines kept in
``linecache`` for the rest of the process and joins them again: ~0.2 ms a module. The window imports 188
modules after PySide6 before its first paint (37 ms of checks measured here) and ~400 more for its panels.
:func:`install` answers the same question by looking for the bytes ``PySide6`` in a module's ``.py`` file
(8 ms for the same 188) and leaves any other module to PySide6's own check. nnviz uses no ``__feature__``
switch; the answers are the same either way (a test compares them). The check runs on every ``import``
statement naming a module it has not answered for, one imported before PySide6 too (``import types`` in
``copy``), so ``nnviz.gui`` installs this as it is imported, before any of its views.
"""

from __future__ import annotations

import sys


def install() -> None:
    """Import PySide6 and make its per-module check cheaper (nothing if it has no such check)."""
    import PySide6.QtCore  # noqa: F401  (sets up the check)

    feature = sys.modules.get("shibokensupport.feature")
    check = getattr(feature, "_mod_uses_pyside", None)
    if check is None or hasattr(check, "__wrapped__"):
        return

    def uses_pyside(module) -> bool:
        path = getattr(module, "__file__", None)
        if not (isinstance(path, str) and path.endswith(".py")):
            return check(module)  # an extension, a module without a file: PySide6's own answer
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:  # as inspect.getsource: no source, no PySide6
            return False

    uses_pyside.__wrapped__ = check
    feature._mod_uses_pyside = uses_pyside
