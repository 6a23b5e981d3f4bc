"""Weight colour modes: per layer, whole network, fixed; the range that only grows while training
plays; the colour bar's words; the menu, the preferences and the command-line flags."""

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from nnviz.cli import Parser, add_colour_arguments, appearance_from_args
from nnviz.core import Network
from nnviz.gui.appearance import Appearance
from nnviz.gui.main_window import MainWindow
from nnviz.gui.network_view import NetworkView
from nnviz.gui.network_view.weight_scale import STEPS, mode_options, scale_mode, step_up
from nnviz.gui.preferences import Preferences
from nnviz.gui.state import NetworkState


def make_view(qtbot, sizes=(3, 6, 5, 2), mode="network", weight_range=None, **network_kw):
    network = Network(list(sizes), seed=3, activation="relu", init="he_normal", **network_kw)
    state = NetworkState(network, inputs=np.linspace(-1, 1, sizes[0]))
    appearance = Appearance()
    appearance.set(**mode_options(mode, weight_range))
    view = NetworkView(state, appearance)
    qtbot.addWidget(view)
    view.resize(800, 500)
    view.show()
    qtbot.waitExposed(view)
    state.flush()
    return state, view


def layer_maxima(network) -> list[float]:
    return [float(np.abs(w).max()) for w in network.weights]


def drawn_colours(view, layer) -> list:
    view._refresh.run()
    return [(batch.color, len(batch.lines)) for batch in view._edge_items[layer]._batches]


@pytest.mark.parametrize("value, expected", [(1.0, 1.0), (2.13, 3.0), (2.0, 2.0), (0.0442, 0.05), (7.1, 10.0),
                                             (12.0, 15.0), (0.31, 0.5), (4.0, 5.0)])
def test_step_up_goes_to_the_next_ladder_value(value, expected):
    assert step_up(value) == pytest.approx(expected)
    assert step_up(value) >= value
    mantissa = step_up(value) / 10 ** np.floor(np.log10(step_up(value)) + 1e-12)
    assert any(np.isclose(mantissa, s) for s in STEPS)


def test_each_mode_gives_its_own_limits(qtbot):
    state, view = make_view(qtbot, mode="layer")
    maxima = layer_maxima(state.network)
    assert view.colour_limits() == pytest.approx(maxima)
    view.appearance.set(**mode_options("network"))
    assert view.colour_limits() == pytest.approx([max(maxima)] * 3)
    view.appearance.set(**mode_options("fixed", 2.0))
    assert view.colour_limits() == [2.0] * 3
    assert scale_mode(view.appearance) == "fixed"


def test_the_colour_bar_names_the_mode(qtbot):
    state, view = make_view(qtbot, mode="layer")
    view._refresh.run()
    legend = view._legend
    assert (legend.weight_low, legend.weight_high, legend.weight_note) == ("\u2212max", "+max", "per layer")
    view.appearance.set(**mode_options("fixed", 2.0))
    view._refresh.run()
    assert (view._legend.weight_low, view._legend.weight_high, view._legend.weight_note) == ("\u22122", "+2", "fixed")
    view.appearance.set(**mode_options("network"))
    view._refresh.run()
    assert view._legend.weight_high == f"+{max(layer_maxima(state.network)):.3g}"


def test_one_huge_weight_greys_only_its_own_layer_per_layer(qtbot):
    state, view = make_view(qtbot, mode="layer")
    before = [drawn_colours(view, layer) for layer in (1, 2)]
    limits = view.colour_limits()
    state.set_weight(0, 0, 0, 99.0)
    state.flush()
    assert view.colour_limits() == pytest.approx([99.0, *limits[1:]])
    assert [drawn_colours(view, layer) for layer in (1, 2)] == before
    # The whole-network scale is the one that greys everything: every limit jumps to 99.
    view.appearance.set(**mode_options("network"))
    assert view.colour_limits() == pytest.approx([99.0] * 3)


@pytest.mark.parametrize("mode", ["layer", "network"])
def test_while_training_plays_the_range_only_grows_in_steps(qtbot, mode):
    state, view = make_view(qtbot, mode=mode)
    start = view.colour_limits()
    view.set_growing_colours(True)
    assert view.colour_limits() == pytest.approx(start)  # pressing play changes no colour
    history = [view.colour_limits()]
    for factor in (1.02, 1.3, 0.5, 0.5, 1.9, 1.01, 0.9):
        for w in state.network.weights:
            w *= factor
        state.notify_weights_changed()
        state.flush()
        history.append(view.colour_limits())
        current = [max(layer_maxima(state.network))] * 3 if mode == "network" else layer_maxima(state.network)
        assert all(held >= now - 1e-12 for held, now in zip(history[-1], current))  # nothing clips
    for before, after in zip(history, history[1:]):
        assert all(b <= a for b, a in zip(before, after))  # never shrinks
        for b, a in zip(before, after):
            if a != b:  # a grown limit is a ladder value
                assert a == pytest.approx(step_up(a))
    assert history[-1] != history[0]
    view._refresh.run()
    assert "growing" in view._legend.weight_note
    view.set_growing_colours(False)
    current = [max(layer_maxima(state.network))] * 3 if mode == "network" else layer_maxima(state.network)
    assert view.colour_limits() == pytest.approx(current)  # paused: the colours follow the weights again


def test_a_fixed_range_does_not_grow(qtbot):
    state, view = make_view(qtbot, mode="fixed", weight_range=0.5)
    view.set_growing_colours(True)
    state.set_weight(1, 0, 0, 3.0)
    state.flush()
    assert view.colour_limits() == [0.5] * 3


@pytest.fixture
def preferences(tmp_path):
    return Preferences(QSettings(str(tmp_path / "preferences.ini"), QSettings.IniFormat))


def make_window(qtbot, preferences):
    window = MainWindow(preferences=preferences)
    window.document._ask_save_changes = lambda: "discard"
    qtbot.addWidget(window)
    return window


def test_the_view_menu_sets_the_mode_and_a_new_window_remembers_it(qtbot, preferences):
    window = make_window(qtbot, preferences)
    colours = window.weight_colours
    assert colours.mode_actions["network"].isChecked()
    colours.mode_actions["layer"].trigger()
    assert window.appearance.per_layer_colors and window.appearance.weight_range is None
    colours.mode_actions["network"].trigger()
    expected = float(f"{max(layer_maxima(window.state.network)):.3g}")
    colours.freeze_action.trigger()
    assert window.appearance.weight_range == expected and colours.mode_actions["fixed"].isChecked()
    colours.set_fixed_range(2.5)
    colours.matrices_action.trigger()
    assert window.appearance.matrix_above is not None
    window.close()
    again = make_window(qtbot, preferences)
    assert again.appearance.weight_range == 2.5 and again.weight_colours.mode_actions["fixed"].isChecked()
    assert again.appearance.matrix_above is not None and again.weight_colours.matrices_action.isChecked()
    again.weight_colours.mode_actions["layer"].trigger()
    again.weight_colours.mode_actions["fixed"].trigger()  # back to the last fixed range
    assert again.appearance.weight_range == 2.5


def test_playing_training_makes_the_range_grow(qtbot, preferences):
    window = make_window(qtbot, preferences)
    window.training_runner.playingChanged.emit(True)
    assert window.view._growing.on
    window.training_runner.playingChanged.emit(False)
    assert not window.view._growing.on


def parse(*argv):
    parser = Parser(prog="nnviz")
    add_colour_arguments(parser)
    return appearance_from_args(parser, parser.parse_args(list(argv)))


def test_colour_flags():
    assert parse() == {}
    assert parse("--colour-scale", "layer") == {"weight_range": None, "per_layer_colors": True}
    assert parse("--color-scale", "network") == {"weight_range": None, "per_layer_colors": False}
    assert parse("--weight-range", "2") == {"weight_range": 2.0, "per_layer_colors": False}
    assert parse("--colour-scale", "fixed", "--weight-range", "0.5")["weight_range"] == 0.5
    assert parse("--matrix-above", "1000") == {"matrix_above": 1000}


@pytest.mark.parametrize("argv", [["--weight-range", "-1"], ["--colour-scale", "fixed"],
                                  ["--colour-scale", "layer", "--weight-range", "2"], ["--weight-range", "inf"],
                                  ["--colour-scale", "rainbow"]])
def test_bad_colour_flags_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        parse(*argv)
    assert stop.value.code == 2
    assert "error" in capsys.readouterr().err


def test_render_draws_with_the_colour_flags(qapp, tmp_path):
    from PySide6.QtGui import QImage

    from nnviz.render import render_main

    pictures = {}
    for name, flags in (("network", []), ("layer", ["--colour-scale", "layer"]), ("fixed", ["--weight-range", "9"])):
        out = tmp_path / f"{name}.png"
        assert render_main(["--layers", "3", "6", "2", "--seed", "1", "--activation", "relu", "--init", "he_normal",
                            "-o", str(out), "--size", "400x300", *flags]) == 0
        pictures[name] = QImage(str(out))
    assert pictures["network"] != pictures["layer"] and pictures["network"] != pictures["fixed"]
    assert render_main(["--layers", "3", "2", "-o", str(tmp_path / "x.png"), "--weight-range", "0"]) == 2
