"""``nnviz render`` in a subprocess: PNG of exactly the asked size with real content, SVG that parses
and holds the edges, and usage errors with exit code 2."""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtGui import QImage

from nnviz.core import Network
from nnviz.core.scenes import Scene, save_scenes, save_state


def render(*args, timeout=120):
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "xcb"  # the command must switch to offscreen by itself
    return subprocess.run([sys.executable, "-m", "nnviz", "render", *args], capture_output=True, text=True,
                          timeout=timeout, env=env,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def distinct_colours(image: QImage, step: int = 7) -> int:
    return len({image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)})


def test_png_has_the_requested_size_and_content(tmp_path):
    out = tmp_path / "net.png"
    result = render("--layers", "3", "5", "2", "--seed", "4", "-o", str(out), "--size", "1000x600")
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 600)
    assert distinct_colours(image) >= 8


def test_png_from_a_file_in_the_dark_theme(tmp_path):
    saved = tmp_path / "saved.json"
    save_state(saved, Network([2, 4, 1], activation="tanh", seed=8, bias=True), [0.5, -1.0])
    out = tmp_path / "dark.png"
    result = render("--open", str(saved), "--theme", "dark", "--palette", "colorblind", "-o", str(out),
                    "--size", "640x480")
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (640, 480)
    corner = image.pixelColor(2, 2)
    assert corner.lightness() < 100  # a dark background
    assert distinct_colours(image, 5) >= 8


def test_svg_parses_and_holds_the_edges(tmp_path):
    out = tmp_path / "net.svg"
    result = render("--layers", "2", "4", "2", "--seed", "1", "-o", str(out))
    assert result.returncode == 0, result.stderr
    root = ET.parse(out).getroot()
    assert root.tag.endswith("svg")
    drawn = [el for el in root.iter() if el.tag.rsplit("}", 1)[-1] in ("path", "line", "polyline", "ellipse",
                                                                          "circle", "rect")]
    assert len(drawn) >= 2 + 4 + 2  # at least the nodes, plus the edge groups


def test_lecture_scene(tmp_path):
    lecture = tmp_path / "talk.json"
    save_scenes(lecture, [Scene("One", Network([2, 2], seed=1)), Scene("Two", Network([3, 6, 1], seed=2))])
    out = tmp_path / "two.png"
    result = render("--open", str(lecture), "--scene", "2", "-o", str(out), "--size", "320x200")
    assert result.returncode == 0, result.stderr
    assert QImage(str(out)).width() == 320


@pytest.mark.parametrize("args, message", [
    (["--layers", "2", "3", "-o", "x.gif"], "must be a .png or .svg file"),
    (["--layers", "2", "3", "-o", "out.png", "--size", "big"], "size must look like 1920x1080"),
    (["--layers", "2", "3", "-o", "out.png", "--size", "99999x10"], "between 16 and 16384"),
    (["--layers", "2", "0", "-o", "out.png"], "at least 1"),
    (["--layers", "2", "3", "--inputs", "1", "-o", "out.png"], "input layer has 2"),
    (["--theme", "neon", "-o", "out.png"], "invalid choice"),
    (["--layers", "2", "3"], "required: -o/--output"),
    (["--open", "missing.json", "-o", "out.png"], "cannot read"),
    (["--open", "missing.json", "--seed", "3", "-o", "out.png"], "cannot be combined with --seed"),
    (["--scene", "2", "-o", "out.png"], "--scene needs --open"),
    (["-o", "no/such/folder/out.png"], "does not exist"),
])
def test_bad_input_exits_2_with_a_message(tmp_path, args, message):
    args = [str(tmp_path / a) if a.endswith((".png", ".json", ".gif")) else a for a in args]
    result = render(*args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert result.stderr.endswith("\nsee nnviz render -h\n")
    assert "usage" not in result.stderr
    assert not any(tmp_path.glob("*.png"))


def test_unreadable_file_exits_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = render("--open", str(bad), "-o", str(tmp_path / "out.png"))
    assert result.returncode == 2
    assert "bad.json" in result.stderr and "not valid JSON" in result.stderr
