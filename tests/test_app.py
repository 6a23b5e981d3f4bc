"""The command line: version, clear usage errors with exit code 2, a window that closes with 0."""

import subprocess
import sys

import pytest

from nnviz import __version__
from nnviz.app import build_parser
from nnviz.cli import network_from_args


def run_nnviz(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", "nnviz", *args], capture_output=True, text=True,
                          timeout=timeout, env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})


def test_version():
    result = run_nnviz("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"nnviz {__version__}"


@pytest.mark.parametrize("args, message", [
    (["--layers", "2"], "at least an input and an output layer"),
    (["--layers", "2", "0", "1"], "hidden layer 1 has 0 nodes; every layer needs at least 1"),
    (["--layers", "2", "3", "5000"], "output layer has 5000 nodes, more than the limit of 4096"),
    (["--layers", "0", "3"], "input layer has 0 nodes"),
    (["--activation", "nope"], "invalid choice"),
    (["--layers", "2", "4", "2", "--inputs", "1"], "input layer has 2"),
    (["--seed", "-3"], "seed must be"),
    (["--init-scale", "nan"], "init_scale must be finite"),
    (["--frobnicate"], "unrecognized arguments"),
])
def test_bad_flags_exit_2_with_a_clear_message(args, message):
    result = run_nnviz(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stderr.endswith("\nsee nnviz -h\n")
    assert "usage" not in result.stderr


def test_unreadable_file_exits_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = run_nnviz("--open", str(bad))
    assert result.returncode == 2
    assert "bad.json" in result.stderr and "not valid JSON" in result.stderr


def test_a_picture_is_refused_as_not_an_nnviz_file(tmp_path):
    picture = tmp_path / "net.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    result = run_nnviz("--open", str(picture))
    assert result.returncode == 2
    assert result.stderr == "nnviz: error: net.png: not an nnviz file (it looks like a PNG image)\nsee nnviz -h\n"


def test_flags_build_the_network():
    parser = build_parser()
    args = parser.parse_args(["--layers", "3", "5", "1", "--inputs", "1", "2", "3", "--activation", "tanh",
                              "--output-activation", "linear", "--init", "he_normal", "--init-scale", "2",
                              "--seed", "7", "--bias"])
    net, inputs, opened = network_from_args(parser, args)
    assert opened is None
    assert net.layer_sizes == (3, 5, 1)
    assert (net.activation, net.output_activation, net.init, net.init_scale, net.seed, net.bias) == (
        "tanh", "linear", "he_normal", 2.0, 7, True)
    assert inputs == [1.0, 2.0, 3.0]


def test_window_opens_paints_and_exits_0():
    result = run_nnviz("--layers", "2", "3", "1", "--seed", "1", "--quit-after-paint")
    assert result.returncode == 0, result.stderr
    assert "painted" in result.stdout
