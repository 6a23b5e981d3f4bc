"""Preferences: restored by a new instance, corrupt values fall back to defaults, recent files."""

from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings

from nnviz.gui.preferences import MAX_RECENT_FILES, Preferences


@pytest.fixture
def ini(tmp_path):
    return str(tmp_path / "nnviz.ini")


def fresh(ini) -> Preferences:
    return Preferences(QSettings(ini, QSettings.IniFormat))


def test_values_are_restored_by_a_new_instance(ini, tmp_path):
    first = fresh(ini)
    first.set_geometry(QByteArray(b"\x01\x02geometry\x00"))
    first.set_window_state(QByteArray(b"state"))
    first.set_theme("dark")
    first.set_palette("colorblind")
    first.set_last_folder(tmp_path / "some file.json")
    first.set("presentationScale", 1.75)
    first.sync()
    del first

    second = fresh(ini)
    assert bytes(second.geometry()) == b"\x01\x02geometry\x00"
    assert bytes(second.window_state()) == b"state"
    assert second.theme() == "dark"
    assert second.palette() == "colorblind"
    assert second.last_folder() == str(tmp_path)
    assert second.get("presentationScale", 1.0) == 1.75


def test_keys_are_versioned(ini):
    s = fresh(ini)
    s.set_theme("dark")
    s.sync()
    assert "v1/theme" in QSettings(ini, QSettings.IniFormat).allKeys()


def test_defaults_when_nothing_is_stored(ini):
    s = fresh(ini)
    assert s.geometry() is None and s.window_state() is None
    assert s.theme() == "light" and s.palette() == "default"
    assert s.last_folder() == str(Path.home())
    assert s.recent_files() == []
    assert s.get("flag", True) is True


def test_corrupt_values_fall_back_to_the_defaults(ini, tmp_path):
    Path(ini).write_text(
        "[v1]\n"
        "theme=purple\n"
        "palette=@Invalid()\n"
        "geometry=not bytes\n"
        "lastFolder=" + str(tmp_path / "gone") + "\n"
        "recentFiles=42\n"
        "count=abc\n"
        "ratio=nan\n"
        "flag=maybe\n"
    )
    s = fresh(ini)
    assert s.theme() == "light"
    assert s.palette() == "default"
    assert s.geometry() is None
    assert s.last_folder() == str(Path.home())
    assert s.recent_files() == []
    assert s.get("count", 3) == 3
    assert s.get("ratio", 0.5) == 0.5
    assert s.get("flag", False) is False


def test_setters_refuse_unknown_names(ini):
    s = fresh(ini)
    with pytest.raises(ValueError, match="theme"):
        s.set_theme("neon")
    with pytest.raises(ValueError, match="palette"):
        s.set_palette("rainbow")


def test_recent_files_most_recent_first_unique_existing_and_capped(ini, tmp_path):
    files = [tmp_path / f"net{i}.json" for i in range(MAX_RECENT_FILES + 3)]
    for f in files:
        f.write_text("{}")
    s = fresh(ini)
    s.add_recent_file(files[0])
    s.sync()
    assert fresh(ini).recent_files() == [str(files[0])]  # a list of one survives the INI file

    for f in files[1:]:
        s.add_recent_file(f)
    s.add_recent_file(files[5])  # again: moves to the front, no duplicate
    recent = s.recent_files()
    assert len(recent) == MAX_RECENT_FILES
    assert recent[0] == str(files[5])
    assert recent[1] == str(files[-1])
    assert len(set(recent)) == len(recent)

    files[-1].unlink()
    assert str(files[-1]) not in s.recent_files()
    s.remove_recent_file(files[5])
    assert str(files[5]) not in s.recent_files()
    s.sync()
    assert fresh(ini).recent_files() == s.recent_files()
    s.clear_recent_files()
    assert s.recent_files() == []
