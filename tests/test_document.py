"""The document: save/open round trips through the actions, errors that change nothing, the modified
mark and the unsaved-changes prompt, recent files, lectures, exports and Copy as Python.

File dialogs and message boxes are replaced by small fakes (the ``_ask_*``/``_show_error`` methods).
"""

import json
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import QSettings, QSize
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtWidgets import QDialogButtonBox, QMenu, QWidget

from nnviz.core import Network, load_network
from nnviz.core import fileio as fileio_module
from nnviz.core.scenes import Scene, load_scenes, save_scenes
from nnviz.gui.appearance import Appearance
from nnviz.gui.document.document import Document
from nnviz.gui.document.export_dialog import ExportDialog, ExportOptions
from nnviz.gui.preferences import Preferences
from nnviz.gui.state import NetworkState


class FakeRenderer:
    """Draws a plain picture of the asked size (the real network view has its own tests)."""

    def __init__(self):
        self.calls = []

    def render_image(self, width, height, scale=1.0, figure=None):
        self.calls.append(("png", width, height))
        image = QImage(width, height, QImage.Format_ARGB32)
        image.fill(QColor("#3060c0"))
        return image

    def render_svg(self, path, width, height, scale=1.0, figure=None):
        self.calls.append(("svg", width, height))
        with open(path, "w") as f:
            f.write(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"><g/></svg>')

    def size(self):
        return QSize(900, 600)


@pytest.fixture
def setup(qtbot, tmp_path):
    window = QWidget()
    qtbot.addWidget(window)
    state = NetworkState(Network([2, 3, 2], seed=1), [3.0, 4.0], parent=window)
    preferences = Preferences(QSettings(str(tmp_path / "preferences.ini"), QSettings.IniFormat))
    appearance = Appearance(window)
    doc = Document(state, window, preferences=preferences, appearance=appearance, renderer=FakeRenderer())
    doc.connect_window(window)
    doc.errors, doc.answers = [], []
    doc._show_error = lambda title, text: doc.errors.append((title, text))
    doc._ask_save_changes = lambda: doc.answers.pop(0)
    return doc, state, window, tmp_path


def paths(doc, *values):
    """Make the next file dialogs answer ``values`` in turn (None = cancelled)."""
    queue = [None if v is None else str(v) for v in values]
    doc._ask_open_path = lambda caption, filters: queue.pop(0)
    doc._ask_save_path = lambda caption, filters, suggested: queue.pop(0)
    return queue


def settle(state):
    """Deliver the state's pending signals now (the event loop would, one turn later)."""
    state.flush()


def test_save_then_open_through_the_actions_gives_identical_weights(setup):
    doc, state, window, tmp = setup
    state.set_weight(0, 1, 0, 0.1 + 0.2)
    state.set_input(1, -2.5)
    settle(state)
    saved = [w.copy() for w in state.network.weights]
    path = tmp / "mine.json"
    paths(doc, path)
    doc.save_action.trigger()
    assert doc.path == path and not doc.is_modified
    assert window.windowTitle() == "mine.json[*] — nnviz"

    state.reroll()
    settle(state)
    assert doc.is_modified
    doc.answers.append("discard")
    paths(doc, path)
    doc.open_action.trigger()
    settle(state)
    assert all(np.array_equal(a, b) for a, b in zip(state.network.weights, saved))
    assert state.inputs.tolist() == [3.0, -2.5]
    assert not doc.is_modified and not window.isWindowModified()
    assert doc.errors == []


def test_save_writes_a_file_the_core_loader_reads(setup):
    doc, state, _, tmp = setup
    path = tmp / "net.json"
    assert doc.save_to(path)
    assert np.array_equal(load_network(path).weights[1], state.network.weights[1])
    assert json.loads(path.read_text())["inputs"] == [3.0, 4.0]


def test_save_as_suggests_the_last_folder(setup):
    doc, _, _, tmp = setup
    seen = []
    doc._ask_save_path = lambda caption, filters, suggested: seen.append(suggested)
    (tmp / "sub").mkdir()
    doc._preferences.set_last_folder(tmp / "sub")
    doc.save_as_action.trigger()
    assert seen == [str(tmp / "sub" / "network.json")]
    assert doc.path is None  # cancelled


def test_corrupted_file_shows_the_reason_and_keeps_the_network(setup):
    doc, state, window, tmp = setup
    state.set_weight(1, 0, 0, 9.0)
    settle(state)
    network, weights = state.network, [w.copy() for w in state.network.weights]
    bad = tmp / "broken.json"
    bad.write_text('{"format": "nnviz-network", "version": 1, "layer_sizes": [2, 3')
    doc.answers.append("discard")
    paths(doc, bad)
    doc.open_action.trigger()
    settle(state)
    assert len(doc.errors) == 1
    title, text = doc.errors[0]
    assert "Could Not Open" in title and "broken.json" in text and "not valid JSON" in text
    assert state.network is network
    assert all(np.array_equal(a, b) for a, b in zip(state.network.weights, weights))
    assert doc.is_modified and doc.path is None  # nothing about the document changed either


def test_a_failing_save_keeps_the_file_on_disk_and_the_modified_mark(setup, monkeypatch):
    doc, state, _, tmp = setup
    path = tmp / "kept.json"
    assert doc.save_to(path)
    before = path.read_bytes()
    state.set_weight(0, 0, 0, 5.0)
    settle(state)

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fileio_module.os, "replace", disk_full)
    doc.save_action.trigger()
    assert path.read_bytes() == before
    assert doc.is_modified
    assert "No space left on device" in doc.errors[0][1] and "kept.json" in doc.errors[0][1]
    assert [p.name for p in tmp.iterdir() if p.name.startswith(".kept")] == []  # no temporary file left


def test_saving_into_a_missing_folder_says_so(setup):
    doc, _, _, tmp = setup
    assert not doc.save_to(tmp / "no such folder" / "x.json")
    assert "could not save" in doc.errors[0][1]


def test_modified_mark_follows_edits_and_saves(setup, qtbot):
    doc, state, window, tmp = setup
    assert not doc.is_modified and window.windowTitle() == "untitled[*] — nnviz"
    with qtbot.waitSignal(doc.modifiedChanged) as blocker:
        state.set_input(0, 1.0)
    assert blocker.args == [True] and window.isWindowModified()
    paths(doc, tmp / "a.json")
    with qtbot.waitSignal(doc.modifiedChanged) as blocker:
        doc.save()
    assert blocker.args == [False] and not window.isWindowModified()
    for change in (lambda: state.set_activation("tanh"), lambda: state.set_layer_size(1, 5),
                   lambda: state.set_weight(0, 0, 0, 0.5)):
        doc.save()
        with qtbot.waitSignal(doc.modifiedChanged):
            change()


@pytest.mark.parametrize("answer, proceeds, saved", [("cancel", False, False), ("discard", True, False),
                                                     ("save", True, True)])
def test_unsaved_changes_prompt(setup, answer, proceeds, saved):
    doc, state, _, tmp = setup
    state.set_weight(0, 0, 0, 4.25)
    settle(state)
    edited = state.network
    path = tmp / "prompted.json"
    paths(doc, path)
    doc.answers.append(answer)
    doc.new_action.trigger()
    settle(state)
    assert (state.network is not edited) == proceeds
    assert path.exists() == saved
    if saved:
        assert load_network(path).weights[0][0, 0] == 4.25
    assert doc.is_modified == (not proceeds)
    assert doc.answers == []


def test_maybe_save_does_not_ask_without_changes(setup):
    doc, *_ = setup
    assert doc.maybe_save()  # doc.answers is empty: asking would raise


def test_save_cancelled_in_the_prompt_keeps_everything(setup):
    doc, state, _, _ = setup
    state.set_weight(0, 0, 0, 4.25)
    settle(state)
    paths(doc, None)  # the Save As dialog is cancelled
    doc.answers.append("save")
    assert not doc.maybe_save()
    assert doc.is_modified


def test_recent_files_menu_opens_a_file(setup, qtbot):
    doc, state, _, tmp = setup
    first, second = tmp / "first.json", tmp / "second.json"
    doc.save_to(first)
    state.reroll()
    settle(state)
    doc.save_to(second)
    menu = QMenu()
    doc.populate_file_menu(menu)
    doc.recent_menu.aboutToShow.emit()
    entries = [a for a in doc.recent_menu.actions() if a.toolTip().endswith(".json")]
    assert [a.toolTip() for a in entries] == [str(second), str(first)]
    assert entries[1].text() == "&2 first.json"
    entries[1].trigger()
    assert doc.path == first
    assert np.array_equal(state.network.weights[0], load_network(first).weights[0])
    first.unlink()
    doc.recent_menu.aboutToShow.emit()
    assert [a.toolTip() for a in doc.recent_menu.actions() if a.toolTip().endswith(".json")] == [str(second)]


def test_adopt_path(setup):
    doc, _, window, tmp = setup
    doc.adopt_path(tmp / "given.json")
    assert window.windowTitle() == "given.json[*] — nnviz" and not doc.is_modified


def test_example_lecture_steps_through_scenes(setup, qtbot):
    doc, state, window, _ = setup
    titles = []
    doc.sceneChanged.connect(titles.append)
    doc.example_lecture_action.trigger()
    assert titles == ["The tutorial network"]
    assert state.network.layer_sizes == (2, 4, 2) and state.inputs.tolist() == [3.0, 4.0]
    assert not doc.is_modified and doc.path is None
    assert "The tutorial network (example lecture, 1/7)" in window.windowTitle()
    assert doc.next_scene_action.isEnabled() and not doc.prev_scene_action.isEnabled()

    original = state.network.weights[0].copy()
    state.set_weight(0, 0, 0, 3.0)  # a live edit during the lecture
    settle(state)
    doc.next_scene_action.trigger()
    doc.prev_scene_action.trigger()
    assert np.array_equal(state.network.weights[0], original)  # the scene comes back as saved
    assert doc.scenes[0].network.weights[0][0, 0] == original[0, 0]

    for _ in range(6):
        doc.next_scene_action.trigger()
    assert titles == ["The tutorial network", "Zero init: symmetry", "The tutorial network", "Zero init: symmetry",
                      "Deep sigmoid: vanishing", "He + ReLU", "Digits", "The initialisation race",
                      "Signal propagation: order and chaos"]
    assert doc.scene_index == 6 and not doc.next_scene_action.isEnabled()
    assert state.network.activation == "tanh" and len(state.network.layer_sizes) == 10

    doc.answers.append("discard")
    doc.new_action.trigger()
    assert titles[-1] == "" and doc.scenes == ()
    assert not doc.next_scene_action.isEnabled() and not doc.prev_scene_action.isEnabled()


def test_lecture_file_opens_through_open_and_applies_hints(setup, tmp_path):
    doc, state, _, _ = setup
    path = tmp_path / "talk.json"
    save_scenes(path, [Scene("Dark one", Network([3, 2], seed=4), [1.0, 2.0, 3.0], appearance={"theme": "dark"}),
                       Scene("Bad hint", Network([2, 2], seed=5), appearance={"theme": "neon"})])
    messages = []
    doc.message.connect(messages.append)
    paths(doc, path)
    doc.open_action.trigger()
    assert doc.current_scene.title == "Dark one" and state.inputs.tolist() == [1.0, 2.0, 3.0]
    assert doc._appearance.theme == "dark"
    doc.next_scene()
    assert any("ignored the appearance option 'theme'" in m for m in messages)
    assert str(path) in doc._preferences.recent_files()


def test_add_scenes_builds_a_lecture_file(setup, tmp_path):
    doc, state, _, _ = setup
    path = tmp_path / "mine.json"
    doc._ask_scene_title = lambda default: "Start"
    paths(doc, path)
    assert doc.add_scene_action.isEnabled()
    doc.add_scene_action.trigger()
    assert [s.title for s in load_scenes(path)] == ["Start"]
    state.set_layer_sizes([2, 6, 2])
    settle(state)
    doc._ask_scene_title = lambda default: "Wider"
    doc.add_scene()  # the lecture has a file now: no dialog asked
    scenes = load_scenes(path)
    assert [s.title for s in scenes] == ["Start", "Wider"]
    assert scenes[1].network.layer_sizes == (2, 6, 2)
    assert doc.scene_index == 1 and doc.prev_scene_action.isEnabled()

    doc._ask_scene_title = lambda default: None  # cancelled
    assert not doc.add_scene()
    assert len(load_scenes(path)) == 2


def test_export_weights(setup):
    doc, state, _, tmp = setup
    paths(doc, tmp / "w.npz", tmp / "w.csv")
    doc.export_weights_action.trigger()
    with np.load(tmp / "w.npz") as data:
        assert np.array_equal(data["W1"], state.network.weights[1])
    doc.export_weights_action.trigger()
    assert (tmp / "w.csv").read_text().startswith("layer,to,from,weight\n")
    paths(doc, tmp / "w.txt")
    doc.export_weights_action.trigger()
    assert "as .npz or .csv" in doc.errors[0][1]


def test_copy_as_python_rebuilds_the_network(setup):
    doc, state, _, _ = setup
    state.set_weight(0, 2, 1, -1.0 / 7.0)
    settle(state)
    doc.copy_python_action.trigger()
    namespace = {}
    exec(QGuiApplication.clipboard().text(), namespace)  # noqa: S102 - our own snippet
    assert all(np.array_equal(a, b) for a, b in zip(namespace["net"].weights, state.network.weights))


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_export_image_writes_the_chosen_size(setup, fmt):
    doc, _, _, tmp = setup
    doc._ask_export_options = lambda: ExportOptions(fmt, 640, 360, 2.0)
    path = tmp / f"picture.{fmt}"
    paths(doc, path)
    doc.export_image_action.trigger()
    assert doc.errors == []
    assert doc._renderer.calls == [(fmt, 1280, 720)]
    if fmt == "png":
        assert QImage(str(path)).size() == QSize(1280, 720)
    else:
        assert 'width="1280"' in path.read_text()


def test_export_image_failure_keeps_the_old_file(setup):
    doc, _, _, tmp = setup
    path = tmp / "old.png"
    path.write_bytes(b"old picture")
    doc.set_renderer(SimpleNamespace(render_image=lambda w, h, scale, figure: QImage(),
                                     render_svg=lambda p, w, h, scale, figure: None))
    doc._ask_export_options = lambda: ExportOptions("png", 800, 600)
    paths(doc, path)
    doc.export_image_action.trigger()
    assert "could not draw" in doc.errors[0][1]
    assert path.read_bytes() == b"old picture"


def test_export_image_needs_a_renderer(setup):
    doc, *_ = setup
    doc.set_renderer(None)
    assert not doc.export_image_action.isEnabled()


def test_export_dialog(qtbot):
    dialog = ExportDialog((900, 600), ExportOptions("svg", 1920, 1080, 1.0))
    qtbot.addWidget(dialog)
    assert dialog.options() == ExportOptions("svg", 1920, 1080, 1.0)
    assert dialog.preset_combo.currentText().startswith("Full HD slide")
    dialog.preset_combo.setCurrentIndex(0)  # the window's size
    assert (dialog.width_spin.value(), dialog.height_spin.value()) == (900, 600)
    dialog.width_spin.setValue(1000)
    assert dialog.preset_combo.currentText() == "Custom"
    dialog.format_combo.setCurrentIndex(0)
    dialog.scale_spin.setValue(2.0)
    assert dialog.options().pixel_size == (2000, 1200)
    assert "2000 × 1200" in dialog.result_label.text()
    ok = dialog.buttons.button(QDialogButtonBox.Ok)
    dialog.width_spin.setValue(16000)
    dialog.height_spin.setValue(16000)
    assert not ok.isEnabled() and "Too large" in dialog.result_label.text()
    dialog.scale_spin.setValue(0.5)
    assert ok.isEnabled()


def test_document_actions_have_shortcuts_and_tips(setup):
    doc, *_ = setup
    shortcuts = {a.objectName(): a.shortcut().toString() for a in doc.actions}
    assert shortcuts["newAction"] == "Ctrl+N" and shortcuts["openAction"] == "Ctrl+O"
    assert shortcuts["saveAction"] == "Ctrl+S" and shortcuts["saveAsAction"] == "Ctrl+Shift+S"
    assert shortcuts["exportImageAction"] == "Ctrl+Shift+E"
    assert shortcuts["nextSceneAction"] == "PgDown" and shortcuts["prevSceneAction"] == "PgUp"
    assert all(a.toolTip() for a in doc.actions)


def test_export_through_the_real_network_view(setup, qtbot):
    from nnviz.gui.network_view import NetworkView

    doc, state, window, tmp = setup
    view = NetworkView(state, doc._appearance, window)
    doc.set_renderer(view)
    doc._ask_export_options = lambda: ExportOptions("png", 800, 450, 1.5)
    paths(doc, tmp / "view.png")
    doc.export_image()
    image = QImage(str(tmp / "view.png"))
    assert image.size() == QSize(1200, 675)
    assert len({image.pixel(x, y) for x in range(0, 1200, 6) for y in range(0, 675, 6)}) >= 8

    doc._ask_export_options = lambda: ExportOptions("svg", 800, 450)
    paths(doc, tmp / "view.svg")
    doc.export_image()
    root = ET.parse(tmp / "view.svg").getroot()
    assert sum(1 for el in root.iter() if el.tag.endswith(("polyline", "path"))) >= 2  # the edge batches
    assert doc.errors == []


def test_saving_infinite_weights_says_why_and_keeps_the_file(setup):
    doc, state, _, tmp = setup
    path = tmp / "finite.json"
    assert doc.save_to(path)
    before = path.read_bytes()
    state.network.weights[0][0, 0] = np.inf  # as a diverging training run leaves it
    state.notify_weights_changed()
    settle(state)
    assert not doc.save()
    assert "NaN or infinite" in doc.errors[0][1]
    assert path.read_bytes() == before and doc.is_modified
