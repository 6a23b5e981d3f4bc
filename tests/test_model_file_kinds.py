"""A model file path may name a pipe, a device or an HDF5 file that points at other files: none of these may
hang, read without end, or read another file's bytes into the weights."""

import os
import shutil
import sys

import h5py
import numpy as np
import pytest
from model_files import MODELS, needs_models

from nnviz.core import ModelImportError, read_model
from nnviz.core.documents import read_any
from nnviz.core.fileio import NetworkFileError

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="pipes and /dev/zero are POSIX")


@posix_only
@pytest.mark.parametrize("suffix", [".onnx", ".json", ".nnviz"])
def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path, suffix):
    path = tmp_path / f"pipe{suffix}"
    os.mkfifo(path)
    with pytest.raises(NetworkFileError, match=f"pipe{suffix}.*not a regular file"):
        read_any(path)
    if suffix == ".onnx":
        with pytest.raises(ModelImportError, match="pipe.onnx.*not a regular file"):
            read_model(path)


@posix_only
@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
@pytest.mark.parametrize("suffix", [".pt", ".json"])
def test_a_link_to_an_endless_device_is_refused_before_reading(tmp_path, suffix):
    path = tmp_path / f"zero{suffix}"
    path.symlink_to("/dev/zero")
    with pytest.raises(NetworkFileError, match=f"zero{suffix}.*not a regular file"):
        read_any(path)


def test_a_folder_is_refused(tmp_path):
    (tmp_path / "folder.onnx").mkdir()
    with pytest.raises(ModelImportError, match="folder.onnx"):
        read_model(tmp_path / "folder.onnx")


_KERNEL = "model_weights/dense/sequential/dense/kernel"


def _secret(tmp_path) -> np.ndarray:
    """(4, 16) values written to another HDF5 file and as raw bytes: a crafted file must not read them."""
    values = np.arange(64, dtype="f4").reshape(4, 16) / 7 + 1
    with h5py.File(tmp_path / "secret.h5", "w") as f:
        f["k"] = values
    values.tofile(tmp_path / "secret.bin")
    return values


def _external_storage(f, tmp_path):
    f.create_dataset(_KERNEL, shape=(4, 16), dtype="f4", external=[(str(tmp_path / "secret.bin"), 0, 256)])


def _external_link(f, tmp_path):
    f[_KERNEL] = h5py.ExternalLink(str(tmp_path / "secret.h5"), "/k")


def _virtual(f, tmp_path):
    layout = h5py.VirtualLayout(shape=(4, 16), dtype="f4")
    layout[:] = h5py.VirtualSource(str(tmp_path / "secret.h5"), "k", shape=(4, 16))
    f.create_virtual_dataset(_KERNEL, layout)


def _soft_link(f, tmp_path):
    f[_KERNEL] = h5py.SoftLink("/model_weights/dense_1/sequential/dense_1/bias")


@needs_models
@pytest.mark.parametrize("make", [_external_storage, _external_link, _virtual, _soft_link])
def test_a_keras_weight_stored_in_another_file_is_refused(tmp_path, make):
    _secret(tmp_path)
    path = tmp_path / "crafted.h5"
    shutil.copy(MODELS / "keras_mlp.h5", path)
    with h5py.File(path, "r+") as f:
        del f[_KERNEL]
        make(f, tmp_path)
    with pytest.raises(ModelImportError, match="crafted.h5: .*(another file|link)"):
        read_model(path)


def _varint(value: int) -> bytes:
    out = b""
    while value >= 0x80:
        out += bytes([value & 0x7F | 0x80])
        value >>= 7
    return out + bytes([value])


def _onnx_with_empty_nodes(n_nodes: int) -> bytes:
    """ModelProto{ir_version: 7, graph: GraphProto{node: [NodeProto{}] * n}}: 2 bytes a node in the file,
    a few hundred in memory once protobuf has parsed them."""
    graph = b"\x0a\x00" * n_nodes
    return b"\x08\x07\x3a" + _varint(len(graph)) + graph


def test_an_onnx_file_of_countless_empty_nodes_is_refused_before_protobuf_parses_it(tmp_path, monkeypatch):
    import onnx

    def parse(*_):
        raise AssertionError("protobuf was asked to parse the file")

    monkeypatch.setattr(onnx, "load_model_from_string", parse)
    path = tmp_path / "nodes.onnx"
    path.write_bytes(_onnx_with_empty_nodes(300_000))
    with pytest.raises(ModelImportError, match="nodes.onnx: .*fields"):
        read_model(path)


def test_an_onnx_message_nested_beyond_any_mlp_is_refused(tmp_path):
    inner = b""
    for _ in range(200):  # GraphProto.node -> NodeProto.attribute -> AttributeProto.g -> GraphProto ...
        inner = b"\x0a" + _varint(len(inner)) + inner
    path = tmp_path / "deep.onnx"
    path.write_bytes(b"\x08\x07\x3a" + _varint(len(inner)) + inner)
    with pytest.raises(ModelImportError, match="deep.onnx"):
        read_model(path)
