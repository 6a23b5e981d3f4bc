"""Preferences that outlive the window: geometry, theme, palette, weight colours, last folder, recent files.

Every key is prefixed with the format version (``v1/theme``), so a later nnviz can change what a
key means without misreading old values. Values read back are checked: a missing or corrupt value
gives the default instead of an exception.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from .appearance import PALETTES, THEMES, WEIGHT_SCALES

VERSION_PREFIX = "v1/"
MAX_RECENT_FILES = 10


class Preferences:
    """Type-safe access to nnviz's ``QSettings``.

    Args:
        qsettings: where to keep them; by default the user's nnviz settings (an INI file in the
            platform's config folder). Tests pass ``QSettings(path, QSettings.IniFormat)``.
    """

    def __init__(self, qsettings: QSettings | None = None):
        self._q = qsettings if qsettings is not None else QSettings(
            QSettings.IniFormat, QSettings.UserScope, "nnviz", "nnviz")

    @property
    def qsettings(self) -> QSettings:
        return self._q

    # -- generic ----------------------------------------------------------------------------------
    def get(self, name: str, default):
        """The value stored under ``v1/<name>`` as the type of ``default`` (bool, int, float, str);
        ``default`` when missing or unreadable."""
        value = self._q.value(VERSION_PREFIX + name)
        if value is None:
            return default
        kind = type(default)
        try:
            if kind is bool:
                # INI files store booleans as the text "true"/"false".
                if isinstance(value, bool):
                    return value
                text = str(value).strip().lower()
                return {"true": True, "1": True, "false": False, "0": False}.get(text, default)
            if kind in (int, float):
                number = kind(value)
                return number if number == number and abs(number) != float("inf") else default
            if kind is str:
                return value if isinstance(value, str) else default
        except (TypeError, ValueError, OverflowError):
            return default
        return value if isinstance(value, kind) else default

    def set(self, name: str, value) -> None:
        self._q.setValue(VERSION_PREFIX + name, value)

    def sync(self) -> None:
        """Write to disk now (Qt also does this on its own, and when the settings object goes away)."""
        self._q.sync()

    # -- window -----------------------------------------------------------------------------------
    def geometry(self) -> QByteArray | None:
        """What ``QMainWindow.saveGeometry()`` returned last time, or None."""
        return self._bytes("geometry")

    def set_geometry(self, data: QByteArray) -> None:
        self.set("geometry", QByteArray(data))

    def window_state(self) -> QByteArray | None:
        """What ``QMainWindow.saveState()`` returned last time (docks and toolbars), or None."""
        return self._bytes("windowState")

    def set_window_state(self, data: QByteArray) -> None:
        self.set("windowState", QByteArray(data))

    def _bytes(self, name: str) -> QByteArray | None:
        value = self._q.value(VERSION_PREFIX + name)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    # -- appearance ---------------------------------------------------------------------------------
    def theme(self) -> str:
        value = self.get("theme", THEMES[0])
        return value if value in THEMES else THEMES[0]

    def set_theme(self, theme: str) -> None:
        if theme not in THEMES:
            raise ValueError(f"theme must be one of {THEMES}, got {theme!r}")
        self.set("theme", theme)

    def palette(self) -> str:
        value = self.get("palette", PALETTES[0])
        return value if value in PALETTES else PALETTES[0]

    def set_palette(self, palette: str) -> None:
        if palette not in PALETTES:
            raise ValueError(f"palette must be one of {PALETTES}, got {palette!r}")
        self.set("palette", palette)

    def weight_scale(self) -> str:
        """The weight colour mode: ``layer``, ``network`` (the default) or ``fixed``."""
        value = self.get("weightScale", "network")
        return value if value in WEIGHT_SCALES else "network"

    def set_weight_scale(self, mode: str) -> None:
        if mode not in WEIGHT_SCALES:
            raise ValueError(f"the weight colour mode must be one of {WEIGHT_SCALES}, got {mode!r}")
        self.set("weightScale", mode)

    def fixed_weight_range(self) -> float:
        """The last fixed weight range (±R gets the full colour); 1.0 if none was set or it is unusable."""
        value = self.get("fixedWeightRange", 1.0)
        return value if value > 0 else 1.0

    def set_fixed_weight_range(self, value: float) -> None:
        value = float(value)
        if not 0 < value < float("inf"):
            raise ValueError(f"a fixed weight range must be a positive number, got {value}")
        self.set("fixedWeightRange", value)

    def matrices_for_big_layers(self) -> bool:
        """Whether layers of many edges are drawn as weight matrices."""
        return self.get("matricesForBigLayers", False)

    def set_matrices_for_big_layers(self, on: bool) -> None:
        self.set("matricesForBigLayers", bool(on))

    # -- files --------------------------------------------------------------------------------------
    def last_folder(self) -> str:
        """The folder of the last file opened or saved, if it still exists; else the home folder."""
        folder = self.get("lastFolder", "")
        return folder if folder and os.path.isdir(folder) else str(Path.home())

    def set_last_folder(self, path) -> None:
        """Remember ``path``'s folder (or ``path`` itself if it is a folder)."""
        path = Path(path).absolute()
        self.set("lastFolder", str(path if path.is_dir() else path.parent))

    def recent_files(self) -> list[str]:
        """Up to :data:`MAX_RECENT_FILES` absolute paths, most recent first; only files that still exist."""
        value = self._q.value(VERSION_PREFIX + "recentFiles")
        if isinstance(value, str):  # an INI list of one item reads back as a plain string
            value = [value]
        if not isinstance(value, list):
            return []
        files = [p for p in dict.fromkeys(v for v in value if isinstance(v, str) and v) if os.path.isfile(p)]
        return files[:MAX_RECENT_FILES]

    def add_recent_file(self, path) -> None:
        """Put ``path`` first in the recent files (once), keeping at most :data:`MAX_RECENT_FILES`."""
        path = str(Path(path).absolute())
        files = [path] + [p for p in self.recent_files() if p != path]
        self.set("recentFiles", files[:MAX_RECENT_FILES])

    def remove_recent_file(self, path) -> None:
        path = str(Path(path).absolute())
        self.set("recentFiles", [p for p in self.recent_files() if p != path])

    def clear_recent_files(self) -> None:
        self.set("recentFiles", [])
