"""read_any: one reader for network files and lectures; other files are named by what they look like."""

import pickle

import numpy as np
import pytest

from nnviz.core import Network, NetworkFileError
from nnviz.core.documents import read_any
from nnviz.core.scenes import Scene, SceneFileError, save_scenes, save_state


def test_a_network_file_opens_with_its_inputs(tmp_path):
    path = tmp_path / "net.json"
    net = Network([3, 2], seed=4)
    save_state(path, net, [1.0, 2.0, 3.0])
    opened = read_any(path)
    assert (opened.kind, opened.scenes, opened.path) == ("network", [], path)
    np.testing.assert_array_equal(opened.network.weights[0], net.weights[0])
    np.testing.assert_array_equal(opened.inputs, [1.0, 2.0, 3.0])


def test_a_lecture_opens_at_its_first_scene(tmp_path):
    path = tmp_path / "talk.json"
    save_scenes(path, [Scene("One", Network([2, 2], seed=1), np.array([5.0, 6.0])), Scene("Two", Network([3, 1]))])
    opened = read_any(path)
    assert opened.kind == "lecture"
    assert [s.title for s in opened.scenes] == ["One", "Two"]
    assert opened.network is opened.scenes[0].network
    np.testing.assert_array_equal(opened.inputs, [5.0, 6.0])


def test_errors_name_the_file_once(tmp_path):
    path = tmp_path / "talk.json"
    path.write_text('{"format": "nnviz-scenes", "version": 1, "scenes": []}')
    with pytest.raises(SceneFileError, match=r"^talk\.json: 'scenes' must be a non-empty list$"):
        read_any(path)


@pytest.mark.parametrize("head, looks_like", [
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "a PNG image"),
    (b"\xff\xd8\xff\xe0\0\x10JFIF", "a JPEG image"),
    (b"%PDF-1.7\n", "a PDF document"),
    (b"\x93NUMPY\x01\x00", "a NumPy .npy array"),
])
def test_other_files_are_refused_by_what_they_look_like(tmp_path, head, looks_like):
    path = tmp_path / "model.json"
    path.write_bytes(head + bytes(range(256)))
    with pytest.raises(NetworkFileError, match=f"^model.json: not an nnviz file \\(it looks like {looks_like}"):
        read_any(path)


@pytest.mark.parametrize("head", [b"PK\x03\x04\x14\0\0\0", b"\x89HDF\r\n\x1a\n\0\0", b"\x08\x07\x12\x07pytorch:",
                                  pickle.dumps({"w": [1.0]})], ids=["zip", "hdf5", "onnx", "pickle"])
def test_damaged_model_files_are_read_by_the_importer_and_refused_with_one_error_type(tmp_path, head):
    path = tmp_path / "model.json"  # the content decides, not the suffix
    path.write_bytes(head + bytes(range(256)))
    with pytest.raises(NetworkFileError, match=r"^model\.json: ") as error:
        read_any(path)
    assert "not an nnviz file" not in str(error.value)


def test_a_model_file_opens_with_its_source_and_asks_for_activations_it_lacks(tmp_path):
    path = tmp_path / "weights.npz"
    w0, w1 = np.arange(6.0).reshape(3, 2), np.ones((1, 3))
    np.savez(path, W0=w0, b0=np.zeros(3), W1=w1, b1=np.ones(1))
    opened = read_any(path)
    assert (opened.kind, opened.inputs, opened.scenes, opened.source) == ("model", None, [], "numpy npz, 2 layers")
    assert opened.needs_activations
    assert (opened.network.activation, opened.network.output_activation) == ("relu", "linear")
    np.testing.assert_array_equal(opened.network.weights[0], w0)
    chosen = read_any(path, activation="tanh", output_activation="sigmoid").network
    assert (chosen.activation, chosen.output_activation) == ("tanh", "sigmoid")
    np.testing.assert_allclose(chosen.forward(np.array([[1.0, 2.0]])).output,
                               1 / (1 + np.exp(-(np.tanh(w0 @ [1.0, 2.0]).sum() + 1.0))).reshape(1, 1))


def test_random_bytes_with_a_model_suffix_give_the_importers_message(tmp_path):
    path = tmp_path / "m.safetensors"
    path.write_bytes(np.random.default_rng(0).bytes(500))
    with pytest.raises(NetworkFileError, match=r"^m\.safetensors: "):
        read_any(path)


def test_an_unknown_binary_file_is_called_binary(tmp_path):
    path = tmp_path / "blob.json"
    path.write_bytes(bytes(range(255, 0, -1)))
    with pytest.raises(NetworkFileError, match=r"^blob\.json: not valid JSON: the file is binary, not text$"):
        read_any(path)
