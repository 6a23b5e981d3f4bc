"""Regression: PySide6 6.12.0 on CPython 3.11 corrupts refcounts on signal emits and aborts the process
after ~2,000 of them. The emits run in a subprocess, so an abort fails this test instead of killing pytest."""

import importlib.metadata
import os
import re
import subprocess
import sys

import pytest

MANY_EMITS = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

class Source(QObject):
    changed = Signal()
    value = Signal(int)

app = QCoreApplication(sys.argv)
source = Source()
counts = {"changed": 0, "value": 0}

def on_changed():
    counts["changed"] += 1

def on_value(v):
    counts["value"] += v

source.changed.connect(on_changed)
source.value.connect(on_value)
for i in range(5000):
    source.changed.emit()
    source.value.emit(1)
timer = QTimer()
for _ in range(5000):
    timer.stop()
assert counts == {"changed": 5000, "value": 5000}, counts
print("ok")
"""


def installed_pyside_version() -> tuple[int, ...]:
    try:
        text = importlib.metadata.version("PySide6-Essentials")
    except importlib.metadata.PackageNotFoundError:
        import PySide6

        text = PySide6.__version__
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def test_thousands_of_signal_emits_and_void_calls_do_not_abort():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", MANY_EMITS], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, f"exit code {result.returncode}: {result.stderr[-2000:]}"
    assert result.stdout.strip() == "ok"


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the refcount bug hits CPython < 3.12 only")
def test_installed_pyside_is_below_6_12_on_python_3_11():
    assert installed_pyside_version() < (6, 12)
