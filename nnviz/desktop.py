"""``nnviz --install-desktop-entry``: put nnviz in the application menu of a freedesktop (Linux) desktop.

Writes ``$XDG_DATA_HOME/applications/nnviz.desktop`` (``~/.local/share`` when unset) and the icon
into the hicolor theme beside it; nothing outside the user's own data folder.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from importlib import resources
from pathlib import Path

ICON_SIZES = (16, 32, 48, 64, 128, 256)
"""The PNG sizes in ``nnviz/resources`` (``scripts/make_icons.py`` renders them from the SVG)."""


def data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when it is unset or not absolute (the spec's rule)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if value and os.path.isabs(value) else Path.home() / ".local" / "share"


def launch_command() -> str:
    """How the menu starts nnviz: the installed ``nnviz`` script, else this Python with ``-m nnviz``."""
    script = shutil.which("nnviz")
    return shlex.quote(script) if script else f"{shlex.quote(sys.executable)} -m nnviz"


def desktop_entry(exec_command: str) -> str:
    """The text of ``nnviz.desktop`` (Desktop Entry Specification 1.5)."""
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.5",
        "Name=nnviz",
        "GenericName=Neural network visualiser",
        "Comment=See and touch a small fully-connected neural network",
        f"Exec={exec_command} %f",
        "Icon=nnviz",
        "Terminal=false",
        "Categories=Education;Science;ArtificialIntelligence;",
        "Keywords=neural;network;machine learning;backpropagation;",
        "",
    ])


def install_desktop_entry(home: Path | None = None) -> Path:
    """Write the desktop file and the icons under ``home`` (default :func:`data_home`); returns the
    desktop file's path. Raises ``OSError`` if a file cannot be written."""
    home = data_home() if home is None else Path(home)
    package = resources.files("nnviz") / "resources"
    for size in ICON_SIZES:
        target = home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "nnviz.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((package / f"nnviz-{size}.png").read_bytes())
    scalable = home / "icons" / "hicolor" / "scalable" / "apps" / "nnviz.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_bytes((package / "nnviz.svg").read_bytes())
    entry = home / "applications" / "nnviz.desktop"
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(desktop_entry(launch_command()), encoding="utf-8")
    return entry
