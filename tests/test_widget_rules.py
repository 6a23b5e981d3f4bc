"""Rules every widget module keeps, read from the sources (nothing is executed)."""

import ast
from pathlib import Path

import pytest

from nnviz.core.limits import IMAGE_SIDES, RANGES

GUI = Path(__file__).resolve().parents[1] / "nnviz" / "gui"
BARE_SPIN_BOXES = {"QSpinBox", "QDoubleSpinBox"}


def bare_spin_boxes(path: Path) -> list[int]:
    """Lines of ``path`` that construct a plain QSpinBox or QDoubleSpinBox."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name in BARE_SPIN_BOXES:
                lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("path", sorted(GUI.rglob("*.py")), ids=lambda p: str(p.relative_to(GUI)))
def test_no_widget_module_builds_a_spin_box_that_clamps_silently(path):
    # A plain spin box drops the keystroke that leaves its range without a word (issue 15): every
    # field is a LimitedSpinBox / LimitedDoubleSpinBox over a range of nnviz.core.limits.RANGES.
    assert bare_spin_boxes(path) == []


def test_the_rule_sees_a_bare_spin_box(tmp_path):
    source = tmp_path / "panel.py"
    source.write_text("from PySide6 import QtWidgets\n\nspin = QtWidgets.QSpinBox()\nother = QDoubleSpinBox(x=1)\n")
    assert bare_spin_boxes(source) == [3, 4]


def test_the_picture_side_range_is_the_exporters():
    from nnviz.gui.network_view.export import MAX_IMAGE_SIDE, MIN_IMAGE_SIDE

    assert IMAGE_SIDES == (MIN_IMAGE_SIDE, MAX_IMAGE_SIDE)
    assert (RANGES["image_side"].lowest, RANGES["image_side"].highest) == IMAGE_SIDES
