"""Lecture files and network files with inputs: exact round trips, the example lecture, clear errors."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.core import Network, NetworkFileError, load_network, save_network
from nnviz.core import fileio as fileio_module
from nnviz.core import scenes as scenes_module
from nnviz.core.scenes import (
    Scene,
    SceneFileError,
    dumps_readable,
    example_lecture,
    load_scenes,
    load_state,
    save_scenes,
    save_state,
)


def same_network(a: Network, b: Network) -> bool:
    settings_a = (a.layer_sizes, a.activation, a.output_activation, a.init, a.init_scale, a.seed, a.bias,
                  a.learning_rate)
    settings_b = (b.layer_sizes, b.activation, b.output_activation, b.init, b.init_scale, b.seed, b.bias,
                  b.learning_rate)
    return (settings_a == settings_b
            and all(np.array_equal(x, y) for x, y in zip(a.weights, b.weights))
            and all(np.array_equal(x, y) for x, y in zip(a.biases, b.biases)))


def lecture():
    edited = Network([3, 5, 2], activation="tanh", output_activation="linear", init="he_normal", seed=4, bias=True)
    edited.weights[0][1, 2] = 0.1 + 0.2  # not a "round" float: must come back bit for bit
    edited.biases[1][0] = -1e-300
    return [
        Scene("First", Network([2, 4, 2], seed=1), [3.0, 4.0], "Notes with ünïcode σ′ and\nnew lines."),
        Scene("Edited", edited, np.array([1.0, -2.0, 0.5]), appearance={"theme": "dark", "scale": 1.5}),
        Scene("No inputs", Network([1, 1], init="zeros", seed=2)),
    ]


def test_lecture_round_trip_is_exact(tmp_path):
    path = tmp_path / "lecture.json"
    original = lecture()
    save_scenes(path, original)
    loaded = load_scenes(path)
    assert [s.title for s in loaded] == ["First", "Edited", "No inputs"]
    for before, after in zip(original, loaded):
        assert same_network(before.network, after.network)
        assert before.notes == after.notes
        assert before.appearance == after.appearance
        if before.inputs is None:
            assert after.inputs is None
        else:
            assert np.array_equal(before.inputs, after.inputs)


def test_lecture_file_is_readable_json_with_rows_on_lines(tmp_path):
    path = tmp_path / "lecture.json"
    save_scenes(path, lecture())
    text = path.read_text(encoding="utf-8")
    doc = json.loads(text)
    assert doc["format"] == "nnviz-scenes" and doc["version"] == 1
    assert "ünïcode" in text  # not escaped
    # One matrix row per line, not one number per line.
    assert any(line.strip().startswith("[") and line.count(",") == 2 for line in text.splitlines())


def test_network_file_with_inputs_round_trip_and_plain_loader(tmp_path):
    net = Network([3, 4, 2], seed=9, bias=True)
    net.weights[1][0, 0] = 2.0 / 3.0
    path = tmp_path / "net.json"
    save_state(path, net, [1.5, -2.0, 0.25])
    loaded, inputs = load_state(path)
    assert same_network(net, loaded)
    assert inputs.tolist() == [1.5, -2.0, 0.25]
    assert same_network(net, load_network(path))  # the plain loader ignores "inputs"


def test_network_file_without_inputs(tmp_path):
    net = Network([2, 3, 1], seed=3)
    path = tmp_path / "plain.json"
    save_network(net, path)
    loaded, inputs = load_state(path)
    assert inputs is None and same_network(net, loaded)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=6, max_size=6),
       st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=2, max_size=2))
def test_any_finite_floats_survive_a_round_trip(weights, inputs):
    net = Network([2, 3], seed=0)
    net.weights[0] = np.array(weights).reshape(3, 2)
    doc = json.loads(dumps_readable(scenes_module.scenes_to_dict([Scene("t", net, inputs)])))
    scene = scenes_module.scenes_from_dict(doc)[0]
    assert np.array_equal(scene.network.weights[0], net.weights[0])
    assert np.array_equal(scene.inputs, np.array(inputs))


def test_example_lecture():
    scenes = example_lecture()
    assert [s.title for s in scenes] == ["The tutorial network", "Zero init: symmetry", "Deep sigmoid: vanishing",
                                         "He + ReLU", "Digits", "The initialisation race",
                                         "Signal propagation: order and chaos"]
    tutorial, zeros, sigmoid, relu, digits, race, propagation = scenes
    assert (race.panels, propagation.panels) == (("graph", "race"), ("graph", "propagation"))
    assert digits.network.layer_sizes == (64, 32, 10) and digits.network.loss == "cross_entropy"
    assert digits.network.activations == ["relu", "softmax"] and digits.inputs.shape == (64,)
    assert np.argmax(digits.network.forward(digits.inputs).output) == 3  # the scene shows a "3", classified
    assert tutorial.network.layer_sizes == (2, 4, 2) and tutorial.inputs.tolist() == [3.0, 4.0]
    assert not any(np.any(w) for w in zeros.network.weights)
    assert sigmoid.network.activation == "sigmoid" and relu.network.activation == "relu"
    assert relu.network.init == "he_normal"
    for scene in scenes:
        assert scene.notes
        assert np.all(np.isfinite(scene.network.forward(scene.inputs).output))


def write(tmp_path, doc, name="bad.json"):
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


def good_entry(**changes):
    entry = {"title": "A scene", "network": scenes_module.network_to_dict(Network([2, 2], seed=1))}
    entry.update(changes)
    return entry


def lecture_doc(*entries):
    return {"format": "nnviz-scenes", "version": 1, "scenes": list(entries)}


@pytest.mark.parametrize("doc, message", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('{"format": "nnviz-scenes", "version": 1, "scenes": [NaN]}', "contains NaN"),
    ({"format": "other", "version": 1, "scenes": []}, "not an nnviz lecture"),
    ({"format": "nnviz-scenes", "version": 7, "scenes": []}, "unsupported lecture version 7"),
    (lecture_doc(), "non-empty list"),
    (lecture_doc(good_entry(), 5), "scene 2 must be a JSON object"),
    (lecture_doc(good_entry(title="")), "scene 1 needs a 'title'"),
    (lecture_doc(good_entry(title="x" * 500)), "longer than 200"),
    (lecture_doc(good_entry(notes=3)), "'notes' must be text"),
    (lecture_doc(good_entry(), {"title": "Lonely"}), "scene 2 ('Lonely') has no 'network'"),
    (lecture_doc(good_entry(network={"format": "nnviz-network"})), "scene 1 ('A scene'): unsupported version"),
    (lecture_doc(good_entry(inputs=[1.0])), "'inputs' must be a list of 2 number(s)"),
    (lecture_doc(good_entry(inputs=[1.0, "x"])), "'inputs' must be a list of 2"),
    (lecture_doc(good_entry(appearance={"colour": "red"})), "unknown appearance option(s) 'colour'"),
    (lecture_doc(good_entry(appearance={"scale": [1]})), "must be text, a number or true/false"),
])
def test_bad_lecture_files_say_what_is_wrong(tmp_path, doc, message):
    path = write(tmp_path, doc)
    with pytest.raises(NetworkFileError) as info:  # SceneFileError is one
        load_scenes(path)
    assert message in str(info.value)
    assert "bad.json" in str(info.value)


def test_too_many_weights_together_refused_before_building_arrays(tmp_path):
    # 20 scenes of 1000×1000 claim 20 M weights; no weights are given, so a loader that built
    # arrays first would fail differently (and slowly).
    entry = {"title": "Huge", "network": {"layer_sizes": [1000, 1000]}}
    path = write(tmp_path, lecture_doc(*[entry] * 20))
    with pytest.raises(SceneFileError, match="20,000,000 weights together"):
        load_scenes(path)


def test_bad_layer_sizes_name_the_scene(tmp_path):
    path = write(tmp_path, lecture_doc(good_entry(), {"title": "B", "network": {"layer_sizes": [2, 0, 1]}}))
    with pytest.raises(SceneFileError, match="scene 2: 'layer_sizes': hidden layer 1 has 0 nodes"):
        load_scenes(path)


def test_missing_and_oversized_files(tmp_path, monkeypatch):
    with pytest.raises(NetworkFileError, match="cannot read"):
        load_scenes(tmp_path / "missing.json")
    path = write(tmp_path, lecture_doc(good_entry()), "big.json")
    monkeypatch.setattr(fileio_module, "MAX_FILE_BYTES", 100)
    with pytest.raises(NetworkFileError, match="big.json is larger than"):
        load_scenes(path)


def test_network_file_with_bad_inputs(tmp_path):
    doc = scenes_module.network_to_dict(Network([2, 2], seed=1))
    doc["inputs"] = [1.0, 2.0, 3.0]
    with pytest.raises(NetworkFileError, match="bad.json: 'inputs' must be a list of 2"):
        load_state(write(tmp_path, doc))


def test_lecture_opened_as_network_says_so(tmp_path):
    path = tmp_path / "lecture.json"
    save_scenes(path, lecture())
    with pytest.raises(NetworkFileError, match="not an nnviz network"):
        load_state(path)


def test_scene_checks_its_fields():
    with pytest.raises(ValueError, match="title"):
        Scene("  ", Network([2, 2], seed=1))
    with pytest.raises(ValueError, match="inputs"):
        Scene("t", Network([2, 2], seed=1), [1.0])
    with pytest.raises(ValueError, match="finite"):
        Scene("t", Network([2, 2], seed=1), [1.0, float("nan")])


def test_saving_nothing_is_refused_and_leaves_the_file(tmp_path):
    path = tmp_path / "lecture.json"
    save_scenes(path, lecture())
    before = path.read_bytes()
    with pytest.raises(ValueError, match="at least one scene"):
        save_scenes(path, [])
    assert path.read_bytes() == before
