"""A real desktop app: the icon, Help › About with the version, and the freedesktop menu entry."""

import configparser
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

import nnviz
from nnviz.desktop import ICON_SIZES, install_desktop_entry
from nnviz.gui.about import about_text, app_icon

ROOT = Path(__file__).resolve().parent.parent


def test_the_icon_comes_in_every_size_drawn_from_the_svg(qapp):
    for size in ICON_SIZES:
        image = QImage(str(ROOT / "nnviz" / "resources" / f"nnviz-{size}.png"))
        assert (image.width(), image.height()) == (size, size)
    assert (ROOT / "nnviz" / "resources" / "nnviz.svg").read_text().lstrip().startswith("<?xml")
    sizes = {(s.width(), s.height()) for s in app_icon().availableSizes()}
    assert {(n, n) for n in ICON_SIZES} <= sizes


def test_about_names_the_version():
    assert nnviz.__version__ in about_text()


def test_install_desktop_entry_writes_a_valid_desktop_file_and_icons_under_xdg_data_home(tmp_path):
    env = {"XDG_DATA_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"),
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "nnviz", "--install-desktop-entry"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    entry = tmp_path / "applications" / "nnviz.desktop"
    assert str(entry) in done.stdout
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(entry, encoding="utf-8")
    section = parser["Desktop Entry"]
    assert (section["Type"], section["Name"], section["Icon"], section["Terminal"]) == (
        "Application", "nnviz", "nnviz", "false")
    assert section["Exec"].endswith("-m nnviz %f")  # no nnviz script on this PATH: the module
    assert (tmp_path / "icons" / "hicolor" / "48x48" / "apps" / "nnviz.png").is_file()
    assert (tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "nnviz.svg").is_file()
    assert not (tmp_path / "home").exists()  # nothing outside XDG_DATA_HOME


def test_install_into_a_given_folder(tmp_path):
    assert install_desktop_entry(tmp_path).read_text(encoding="utf-8").startswith("[Desktop Entry]\n")


def test_the_window_shows_the_icon_and_help_has_about(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from nnviz.gui.main_window import MainWindow
    from nnviz.gui.preferences import Preferences

    window = MainWindow(preferences=Preferences(QSettings(str(tmp_path / "p.ini"), QSettings.IniFormat)))
    qtbot.addWidget(window)
    assert not window.windowIcon().isNull()
    assert window.about_action in window.help_menu.actions()


def test_the_shortcuts_are_grouped_by_menu_with_the_mouse_gestures_last(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from nnviz.gui.main_window import MainWindow
    from nnviz.gui.preferences import Preferences
    from nnviz.gui.shortcuts_dialog import grouped_shortcuts, shortcut_rows, show_shortcuts

    window = MainWindow(preferences=Preferences(QSettings(str(tmp_path / "p.ini"), QSettings.IniFormat)))
    qtbot.addWidget(window)
    groups = grouped_shortcuts(window)
    titles = [title for title, _ in groups]
    assert titles[:2] == ["File", "View"] and "Train" in titles and titles[-1] == "Mouse"
    listed = [text for title, rows in groups if title != "Mouse" for text, _ in rows]
    assert sorted(listed) == sorted(text for text, _ in shortcut_rows(window))  # each once
    assert ("Re-roll Weights", "R") in dict(groups)["Network"]
    assert any("wheel" in gesture for gesture, _ in dict(groups)["Mouse"])
    dialog = show_shortcuts(window)
    qtbot.addWidget(dialog)
    assert dialog.findChild(object, "shortcutsTree").topLevelItemCount() == len(groups)
