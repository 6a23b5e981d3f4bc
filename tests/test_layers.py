"""The layers of nnviz, read from the sources' imports (no import is executed).

core: numpy + scipy only, no Qt; heavy optional libraries only inside the function that needs them.
gui model/style modules (state, appearance, colours, …): no widgets. Panels: none imports another.
No import cycles among nnviz modules.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QT = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6")
SLOW_AT_START_UP = ("sklearn", "onnx", "onnxruntime", "h5py", "scipy.stats", "torch", "tensorflow", "keras",
                    "matplotlib")

MODEL_MODULES = frozenset({
    "nnviz.gui.state", "nnviz.gui.appearance", "nnviz.gui.colors", "nnviz.gui.theme", "nnviz.gui.preferences",
    "nnviz.gui.training.data", "nnviz.gui.training.runner", "nnviz.gui.deferred", "nnviz.gui.quiet",
    "nnviz.gui.layer_names", "nnviz.gui.data_panel.sample", "nnviz.gui.background",
})
"""The GUI's models and styles: what the widgets show and how; they import nnviz.core and each other only."""

PANELS = frozenset({
    "nnviz.gui.activation_plot", "nnviz.gui.controls", "nnviz.gui.training.decision_boundary",
    "nnviz.gui.init_explorer.explorer", "nnviz.gui.network_view.view", "nnviz.gui.training.panel",
    "nnviz.gui.document.export_dialog", "nnviz.gui.shortcuts_dialog", "nnviz.gui.document.animation_dialog",
    "nnviz.gui.race.panel", "nnviz.gui.propagation_view",
    "nnviz.gui.data_panel.image_input", "nnviz.gui.data_panel.output_bars", "nnviz.gui.data_panel.receptive_fields",
    "nnviz.gui.data_panel.confusion",
})
"""The widgets the window places: each is built from its own parts (helpers, items, plots), never from another
panel; what two panels share lives in a model/style module."""

COMPOSERS = frozenset({"nnviz.gui.main_window", "nnviz.gui.window_menus", "nnviz.gui.window_panels",
                       "nnviz.gui.document.document", "nnviz.render"})
"""The modules that put panels together."""

KNOWN_PANEL_IMPORTS = frozenset()
"""Panel-to-panel imports tolerated for now: none."""


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


SOURCES = {module_name(p): p for p in sorted((ROOT / "nnviz").rglob("*.py"))}
TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in SOURCES.items()}


def statements(tree, top_level: bool):
    """Every statement, or (``top_level``) those run on import: not inside functions or under TYPE_CHECKING."""
    if not top_level:
        yield from ast.walk(tree)
        return
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            stack.append(child)


def imports(name: str, top_level: bool = False) -> set[str]:
    """The modules ``name`` imports, as absolute names; ``from package import module`` gives the module."""
    package = name if SOURCES[name].name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in statements(TREES[name], top_level):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            base = ".".join(filter(None, [base, node.module]))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in SOURCES else base)
    return found


def is_in(module: str, packages) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


CORE = sorted(n for n in SOURCES if is_in(n, ["nnviz.core"]))


def test_the_lists_name_existing_modules():
    missing = sorted((MODEL_MODULES | PANELS | COMPOSERS | {a for pair in KNOWN_PANEL_IMPORTS for a in pair})
                     - set(SOURCES))
    assert not missing, f"rename these in the lists above: {missing}"
    assert len(CORE) > 5


@pytest.mark.parametrize("name", CORE)
def test_core_imports_no_qt_and_no_gui(name):
    bad = sorted(m for m in imports(name) if is_in(m, QT + ("nnviz.gui", "nnviz.app", "nnviz.cli", "nnviz.render")))
    assert not bad, f"{name} imports {bad}"


@pytest.mark.parametrize("name", CORE)
def test_core_imports_slow_libraries_only_inside_functions(name):
    bad = sorted(m for m in imports(name, top_level=True) if is_in(m, SLOW_AT_START_UP))
    assert not bad, f"{name} imports {bad} at module level"


WORKER_MODULES = ("nnviz.pen_canvas", "nnviz.fan_strokes")
"""What the raster worker's process imports: it starts in a moment, with numpy (and Pillow when it draws)."""


@pytest.mark.parametrize("name", WORKER_MODULES)
def test_the_raster_worker_s_modules_import_numpy_and_each_other_only(name):
    at_start = sorted(m for m in imports(name, top_level=True)
                      if not is_in(m, ("numpy", "__future__", "dataclasses", "mmap", "os") + WORKER_MODULES))
    assert not at_start, f"{name} imports {at_start} at module level"
    assert not sorted(m for m in imports(name) if is_in(m, QT + ("nnviz.gui", "nnviz.core", "scipy")))


@pytest.mark.parametrize("name", sorted(MODEL_MODULES))
def test_model_and_style_modules_import_no_widgets(name):
    gui = {m for m in imports(name) if is_in(m, ["nnviz.gui"])}
    assert gui <= MODEL_MODULES, f"{name} imports {sorted(gui - MODEL_MODULES)}"


def test_only_the_composers_import_panels():
    found = {(name, m) for name in SOURCES if name not in COMPOSERS for m in imports(name)
             if m in PANELS and m != name and not m.startswith(name + ".")}
    assert found <= KNOWN_PANEL_IMPORTS, f"panels imported outside {sorted(COMPOSERS)}: {sorted(found)}"


def test_the_command_line_and_render_do_not_import_the_window_module():
    for name in ("nnviz.cli", "nnviz.render"):
        assert "nnviz.app" not in imports(name), name


def test_no_import_cycles():
    graph = {name: {m for m in imports(name, top_level=True) if m in SOURCES} for name in SOURCES}

    def reachable(start):
        seen, todo = set(), list(graph[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(graph[node])
        return seen

    in_cycles = sorted(name for name in graph if name in reachable(name))
    assert not in_cycles, f"modules on an import cycle: {in_cycles}"


MAX_MODULE_LINES = 400
"""No module over 400 lines (issue 10): one job per module."""

@pytest.mark.parametrize("path", sorted((ROOT / "nnviz").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_400_lines(path):
    name = path.relative_to(ROOT).as_posix()
    n_lines = len(path.read_text(encoding="utf-8").splitlines())
    assert n_lines <= MAX_MODULE_LINES, f"{name} has {n_lines} lines"
