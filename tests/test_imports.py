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


def _pyqtgraph_names(pg_name: str) -> str:
    """Code printing each name ``dir()`` lists of the imported package ``pg_name``, with its module and name."""
    return f"""
for name in sorted(dir({pg_name})):
    value = getattr({pg_name}, name)
    print(name, getattr(value, "__module__", type(value).__name__), getattr(value, "__qualname__", ""))
"""


def test_the_window_imports_of_pyqtgraph_only_what_its_view_needs_until_another_name_is_read():
    """The rest of pyqtgraph (plots, axes, widgets) loads after the first paint, when a panel reads one of its
    names; then the package is the same as after a plain import."""
    probe = """
import sys
from PySide6.QtWidgets import QApplication
from nnviz.gui.pyqtgraph_import import import_pyqtgraph
import_pyqtgraph()
import pyqtgraph as pg
app = QApplication([])
from nnviz.core import Network
from nnviz.gui.appearance import Appearance
from nnviz.gui.network_view import NetworkView
from nnviz.gui.state import NetworkState
view = NetworkView(NetworkState(Network([784, 16, 10])), Appearance())
view.resize(400, 300)
view.grab()
assert "pyqtgraph.graphicsItems.PlotItem.PlotItem" not in sys.modules, "the view imported all of pyqtgraph"
assert isinstance(pg.GraphicsScene, type), "a name the first stage imported is its module, not its class"
from pyqtgraph import PlotWidget
assert "pyqtgraph.graphicsItems.PlotItem.PlotItem" in sys.modules
try:
    pg.NoSuchName
except AttributeError as error:
    assert "NoSuchName" in str(error)
else:
    raise AssertionError("a missing name was found")
""" + _pyqtgraph_names("pg")
    staged = run_python(probe)
    assert staged.returncode == 0, staged.stderr
    plain = run_python("import pyqtgraph" + _pyqtgraph_names("pyqtgraph"))
    assert plain.returncode == 0, plain.stderr
    assert staged.stdout.splitlines() == plain.stdout.splitlines()


def test_a_pyqtgraph_module_imported_before_the_rest_of_the_package_imports_as_usual():
    probe = """
from nnviz.gui.pyqtgraph_import import import_pyqtgraph
import_pyqtgraph()
import pyqtgraph.graphicsItems.PlotItem
from pyqtgraph.widgets.PlotWidget import PlotWidget
import pyqtgraph as pg
assert pg.PlotWidget is PlotWidget
print("ok")
"""
    result = run_python(probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_a_pyqtgraph_laid_out_otherwise_is_imported_whole():
    probe = """
import sys
import nnviz.gui.pyqtgraph_import as staged

def unreadable(*args, **kwargs):
    raise SyntaxError("not the __init__ the stages expect")

staged.ast.parse = unreadable
staged.import_pyqtgraph()
assert "pyqtgraph.graphicsItems.PlotItem.PlotItem" in sys.modules
import pyqtgraph as pg
assert pg.Qt.QtWidgets.QUndoView is not None  # the mirrors still look Qt names up
print(type(pg.PlotWidget).__name__)
"""
    result = run_python(probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ObjectType"


def test_the_cheaper_pyside_module_check_answers_as_pyside_does():
    """PySide6 asks of each new module whether it mentions PySide6 (gui/feature_scan): the same answers."""
    probe = """
import sys
from nnviz.gui import feature_scan  # installs it
feature_scan.install()  # once is enough
feature = sys.modules["shibokensupport.feature"]
check = feature._mod_uses_pyside
assert check.__wrapped__.__name__ == "_mod_uses_pyside"
import nnviz.gui.main_window
import os, tempfile, zipfile
archive = os.path.join(tempfile.mkdtemp(), "zipped.zip")
with zipfile.ZipFile(archive, "w") as zipped:  # its __file__ ends in .py, but no such file exists
    zipped.writestr("zipped_probe.py", "import PySide6.QtCore\\n")
sys.path.insert(0, archive)
import zipped_probe
assert check(zipped_probe) and check.__wrapped__(zipped_probe)
modules = [module for module in list(sys.modules.values()) if module is not None]
answers = [(check(module), check.__wrapped__(module)) for module in modules]
assert all(new == old for new, old in answers), [m.__name__ for m, (new, old) in zip(modules, answers) if new != old]
print(sum(new for new, _ in answers), sum(not new for new, _ in answers))
"""
    result = run_python(probe)
    assert result.returncode == 0, result.stderr
    mention, others = map(int, result.stdout.split())
    assert mention > 50 and others > 50
