"""The core stays free of Qt and of slow imports: it must load in a notebook or a script quickly."""

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "nnviz" / "core"
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


def imported_modules(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


def core_sources():
    files = sorted(CORE.rglob("*.py"))
    assert files, f"no sources found in {CORE}"
    return [(str(path.relative_to(CORE)), ast.parse(path.read_text(encoding="utf-8"))) for path in files]


def test_core_sources_import_no_qt():
    for name, tree in core_sources():
        qt = [m for m in imported_modules(tree) if m.split(".")[0] in FORBIDDEN]
        assert not qt, f"{name} imports {qt}"


def test_core_sources_import_scipy_stats_and_model_formats_only_inside_functions():
    for name, tree in core_sources():
        module_level = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
        slow = [m for m in imported_modules(ast.Module(body=module_level, type_ignores=[]))
                if m.startswith("scipy.stats") or m.split(".")[0] in LAZY]
        assert not slow, f"{name} imports {slow} at module level"
