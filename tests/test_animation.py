"""Animations: the frame sequences (training, re-roll, scenes), the GIF / animated PNG / WebP files
(frame count, size, loop, timing), cancelling (no file, not even a partial one), the command line
and File › Export Animation."""

import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QPushButton, QWidget

from nnviz.core import Network
from nnviz.core.animation import (
    frame_duration_ms,
    matching_dataset,
    reroll_frames,
    sequence,
    training_epochs,
    training_frames,
)
from nnviz.core.scenes import Scene, save_scenes
from nnviz.gui.appearance import Appearance
from nnviz.gui.document.animation import AnimationExport
from nnviz.gui.document.animation_dialog import AnimationDialog, AnimationRequest, AnimationRun
from nnviz.gui.document.document import Document
from nnviz.gui.preferences import Preferences
from nnviz.gui.state import NetworkState


def test_training_epochs_are_evenly_spaced_with_both_ends():
    assert training_epochs(0, 300, 4) == [0, 100, 200, 300]
    assert training_epochs(10, 13, 60) == [10, 11, 12, 13]  # never an epoch twice
    with pytest.raises(ValueError):
        training_epochs(5, 5, 10)


def test_training_frames_train_a_copy_and_the_loss_falls():
    network = Network([2, 6, 1], activation="tanh", seed=4)
    before = [w.copy() for w in network.weights]
    frames = list(training_frames(network, None, "xor", [0, 20, 60]))
    assert [f.note.split(" · ")[0] for f in frames] == ["epoch 0", "epoch 20", "epoch 60"]
    assert all(np.array_equal(a, b) for a, b in zip(before, network.weights))  # the network given is untouched
    losses = [float(f.note.rsplit(" ", 1)[1]) for f in frames]
    assert losses[-1] < losses[0]
    assert not np.array_equal(frames[0].network.weights[0], frames[-1].network.weights[0])


def test_reroll_frames_draw_each_seed_and_the_data_set_must_fit():
    network = Network([2, 3, 1], seed=10)
    frames = list(reroll_frames(network, None, 3))
    assert [f.network.seed for f in frames] == [10, 11, 12]
    assert np.array_equal(frames[1].network.weights[0], Network([2, 3, 1], seed=11).weights[0])
    assert matching_dataset((2, 4, 2)) == "xor"
    assert matching_dataset((4, 5, 3)) == "iris" and matching_dataset((64, 16, 10)) == "digits"
    with pytest.raises(ValueError, match="2 inputs"):
        matching_dataset((3, 4, 1))
    with pytest.raises(ValueError, match="regression"):
        sequence("training", Network([2, 3, 2]), dataset="sine")
    with pytest.raises(ValueError, match="no lecture"):
        sequence("scenes", network)


def test_a_real_data_set_trains_standardised():
    frames = list(training_frames(Network([4, 5, 3], activation="tanh", seed=1), None, "iris", [0, 30]))
    losses = [float(f.note.rsplit(" ", 1)[1]) for f in frames]
    assert losses[1] < 0.8 * losses[0]
    with pytest.raises(ValueError, match="iris has 4 features and 3 classes"):
        list(training_frames(Network([4, 5, 2]), None, "iris", [0, 1]))


def test_frame_duration():
    assert frame_duration_ms(12) == 80 and frame_duration_ms(0.5) == 2000
    with pytest.raises(ValueError):
        frame_duration_ms(0)


@pytest.mark.parametrize("suffix", [".gif", ".png", ".webp"])
def test_export_writes_every_frame_at_the_size_and_loops(qapp, tmp_path, suffix):
    path = tmp_path / f"reroll{suffix}"
    frames, count = sequence("reroll", Network([2, 3, 1], seed=1), frames=4)
    export = AnimationExport(frames, count, path, 200, 120, 5.0, Appearance())
    export.run()
    with Image.open(path) as picture:
        assert picture.n_frames == 4 and picture.size == (200, 120)
        assert picture.info.get("loop") == 0
        pixels = []
        for k in range(picture.n_frames):
            picture.seek(k)
            pixels.append(np.asarray(picture.convert("RGB"), dtype=int))
            assert picture.info.get("duration") == 200
    assert np.abs(pixels[0] - pixels[1]).max() > 50  # a new seed, other colours


def test_a_cancelled_export_leaves_no_file(qtbot, tmp_path):
    path = tmp_path / "train.gif"
    frames, count = sequence("training", Network([2, 4, 1], seed=2), epochs=(0, 40), frames=10)
    run = AnimationRun(AnimationExport(frames, count, path, 160, 90, 10.0, Appearance()))
    results = []
    run.finished.connect(lambda written, text: results.append((written, text)))
    run.start()
    qtbot.waitUntil(lambda: run.export.drawn >= 2)
    run.progress.findChild(QPushButton).click()  # the progress dialog's Cancel button
    assert results == [(False, "Export cancelled; no file written")]
    assert os.listdir(tmp_path) == []


def test_export_animation_from_the_file_menu(qtbot, tmp_path):
    window = QWidget()
    qtbot.addWidget(window)
    state = NetworkState(Network([2, 3, 1], seed=1), [0.5, -0.5], parent=window)
    preferences = Preferences(QSettings(str(tmp_path / "preferences.ini"), QSettings.IniFormat))
    doc = Document(state, window, preferences=preferences, appearance=Appearance(window))
    doc._ask_animation = lambda: AnimationRequest("training", 0, 30, 6, "circle", 10.0, 240, 135)
    doc._ask_save_path = lambda caption, filters, suggested: str(tmp_path / "circle.gif")
    messages = []
    doc.message.connect(messages.append)
    assert doc.export_animation()
    qtbot.waitUntil(lambda: bool(messages), timeout=30_000)
    assert messages == [f"Exported 6 frames to {tmp_path / 'circle.gif'}"]
    with Image.open(tmp_path / "circle.gif") as picture:
        assert picture.n_frames == 6 and picture.size == (240, 135)
    assert state.network.seed == 1 and doc._animation_request.dataset == "circle"


def test_the_dialog_offers_only_what_fits(qtbot):
    dialog = AnimationDialog((3, 4, 1), has_scenes=False)
    qtbot.addWidget(dialog)
    items = dialog.kind_combo.model()
    assert [items.item(i).isEnabled() for i in range(3)] == [False, True, False]
    assert dialog.request().kind == "reroll" and "2 inputs" in dialog.note_label.text()
    trainable = AnimationDialog((2, 4, 1), has_scenes=True, initial=AnimationRequest(dataset="spiral"))
    qtbot.addWidget(trainable)
    assert trainable.request() == AnimationRequest(dataset="spiral")
    trainable.start_spin.setValue(200)  # after the last epoch
    assert not trainable.buttons.button(trainable.buttons.StandardButton.Ok).isEnabled()


def render(*args):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return subprocess.run([sys.executable, "-m", "nnviz", "render", *args], capture_output=True, text=True,
                          timeout=300, cwd=root)


def test_render_animates_training_headless(tmp_path):
    out = tmp_path / "xor.gif"
    result = render("--layers", "2", "4", "1", "--seed", "3", "--animate", "training", "--epochs", "30",
                    "--frames", "5", "--fps", "4", "--size", "320x180", "-o", str(out))
    assert result.returncode == 0, result.stderr
    with Image.open(out) as picture:
        assert (picture.n_frames, picture.size, picture.info["duration"]) == (5, (320, 180), 250)


def test_render_animates_a_lecture_and_refuses_what_does_not_fit(tmp_path):
    lecture = tmp_path / "lecture.json"
    save_scenes(lecture, [Scene("One", Network([2, 2], seed=1)), Scene("Two", Network([2, 3, 2], seed=2)),
                          Scene("Three", Network([3, 2], seed=3))])
    out = tmp_path / "scenes.webp"
    result = render("--open", str(lecture), "--animate", "scenes", "--size", "320x180", "-o", str(out))
    assert result.returncode == 0, result.stderr
    with Image.open(out) as picture:
        assert picture.n_frames == 3
    for args, message in ((["--layers", "3", "4", "1", "--animate", "training"], "2 inputs"),
                          (["--layers", "2", "4", "1", "--animate", "reroll", "--epochs", "5"], "--epochs is for"),
                          (["--layers", "2", "4", "1", "--frames", "5"], "need --animate"),
                          (["--layers", "2", "4", "1", "--animate", "reroll", "-o", "x.svg"], ".gif, .png or .webp")):
        result = render(*args, *(["-o", str(tmp_path / "x.gif")] if "-o" not in args else []))
        assert result.returncode == 2 and message in result.stderr
    assert not (tmp_path / "x.gif").exists()
