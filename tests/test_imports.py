"""The core stays free of Qt and of slow imports when it really loads (test_layers.py reads the sources)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6")
LAZY = ("onnx", "h5py", "sklearn", "joblib", "onnxruntime")
"""Imported only inside the functions that read or write such files."""

CHECK_MODULES = f"""
import sys
import nnviz.core
gui = sorted(m for m in sys.modules if m.split(".")[0] in {FORBIDDEN!r})
assert not gui, f"nnviz.core imported {{gui}}"
assert "scipy.stats" not in sys.modules, "nnviz.core imported scipy.stats"
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {LAZY!r})
assert not heavy, f"nnviz.core imported {{heavy}}"
print("clean")
"""


def run_python(code):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_importing_the_core_loads_no_qt_and_no_scipy_stats():
    result = run_python(CHECK_MODULES)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "clean"


def test_pyqtgraph_sees_every_qt_name_but_makes_only_the_qt_classes_it_uses():
    """The window imports pyqtgraph with mirrors that look Qt names up when first read (gui/pyqtgraph_import)."""
    probe = """
import PySide6.QtWidgets as widgets
from nnviz.gui.pyqtgraph_import import import_pyqtgraph
import_pyqtgraph()
import pyqtgraph as pg
made = sum(not name.startswith("_") for name in widgets.__dict__)
assert pg.Qt.QtWidgets.QUndoView is widgets.QUndoView  # a class nothing had used
assert pg.Qt.QtGui.QFileSystemModel is widgets.QFileSystemModel  # pyqtgraph's own shim still applies
assert "QUndoView" in dir(widgets) and "QWizardPage" in dir(widgets)  # PySide6 lists all again
print(made, len([name for name in dir(widgets) if not name.startswith("_")]))
"""
    result = run_python(probe)
    assert result.returncode == 0, result.stderr
    made, listed = map(int, result.stdout.split())
    assert made < listed / 2
