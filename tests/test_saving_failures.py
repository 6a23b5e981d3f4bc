"""Saving that fails — read-only folder, full disk, failing sync or rename — keeps the old file intact,
leaves no temporary file behind, and raises an OSError naming the file and the reason.

Tests run as root in CI, where a read-only folder does not stop writes, so most failures are simulated
by making one step of the atomic write raise; the real read-only folder is tested for ordinary users.
"""

import contextlib
import errno
import os
import tempfile

import numpy as np
import pytest

from nnviz.core import Network, export_weights, fileio, load_network, save_network

OLD_MODE = 0o640


@pytest.fixture
def folder(tmp_path):
    """A folder holding one saved network, ``net.json``, with an unusual mode."""
    path = tmp_path / "net.json"
    save_network(Network([2, 3, 1], seed=1), path)
    os.chmod(path, OLD_MODE)
    return tmp_path


def listing(folder):
    return sorted(p.name for p in folder.iterdir())


def open_fds(folder) -> int:
    """Descriptors this process holds open on ``folder`` or a file in it (deleted ones included).

    Only those: descriptors that garbage from earlier tests holds (a view's mapped fan pictures) may
    close in the middle of a test."""
    count, folder = 0, os.path.realpath(folder)  # the links name resolved paths
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the listing's own descriptor is gone once listed
            target = os.readlink(f"/proc/self/fd/{fd}")
            count += target == str(folder) or target.startswith(str(folder) + os.sep)
    return count


class FailingFile:
    """A file object from os.fdopen whose ``method`` writes part of the data, then fails."""

    def __init__(self, real, method, error):
        self._real, self._method, self._error = real, method, error

    def __getattr__(self, name):
        attr = getattr(self._real, name)
        if name != self._method:
            return attr

        def fail(*args):
            if name == "write":
                self._real.write(args[0][: len(args[0]) // 2])  # a disk fills up half-way
            raise self._error
        return fail

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._real.close()


def break_step(monkeypatch, step, error):
    """Make one step of the atomic write raise ``error``."""
    def raise_error(*args, **kwargs):
        raise error

    if step == "mkstemp":
        monkeypatch.setattr(tempfile, "mkstemp", raise_error)
    elif step in ("write", "flush"):
        real_fdopen = os.fdopen
        monkeypatch.setattr(os, "fdopen", lambda *a, **k: FailingFile(real_fdopen(*a, **k), step, error))
    else:
        monkeypatch.setattr(os, step, raise_error)


STEPS = [
    ("mkstemp", errno.EACCES),  # what a read-only folder does
    ("mkstemp", errno.EROFS),  # a read-only file system
    ("write", errno.ENOSPC),  # a full disk
    ("write", errno.EDQUOT),
    ("flush", errno.ENOSPC),
    ("fsync", errno.EIO),
    ("chmod", errno.EPERM),
    ("replace", errno.EACCES),
    ("replace", errno.EXDEV),
]


@pytest.mark.parametrize(("step", "code"), STEPS, ids=[f"{s}-{errno.errorcode[c]}" for s, c in STEPS])
@pytest.mark.parametrize("save", [
    lambda net, path: save_network(net, path),
    lambda net, path: export_weights(net, path.with_suffix(".npz")),
    lambda net, path: export_weights(net, path.with_suffix(".csv")),
], ids=["save_network", "export_npz", "export_csv"])
def test_a_failed_save_keeps_the_old_file_and_says_why(folder, monkeypatch, save, step, code):
    path = folder / "net.json"
    save(Network([2, 3, 1], seed=1), path)  # so that the export targets exist too
    for p in folder.iterdir():
        os.chmod(p, OLD_MODE)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    fds = open_fds(folder)
    break_step(monkeypatch, step, OSError(code, os.strerror(code)))
    with pytest.raises(OSError) as error:
        save(Network([4, 8, 8, 2], seed=2), path)
    monkeypatch.undo()

    assert error.value.errno == code
    message = str(error.value)
    assert "could not save" in message and str(folder) in message and os.strerror(code) in message
    assert listing(folder) == sorted(before)  # no temporary file left behind
    for p in folder.iterdir():
        assert p.read_bytes() == before[p.name], p.name
        assert os.stat(p).st_mode & 0o777 == OLD_MODE
    assert open_fds(folder) == fds


@pytest.mark.parametrize("step", ["mkstemp", "write", "fsync", "replace"])
def test_a_failed_save_of_a_new_file_leaves_nothing(tmp_path, monkeypatch, step):
    break_step(monkeypatch, step, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    with pytest.raises(OSError, match=r"could not save .*new\.json: No space left on device"):
        save_network(Network([2, 2], seed=1), tmp_path / "new.json")
    monkeypatch.undo()
    assert listing(tmp_path) == []


def test_the_next_save_after_a_failure_succeeds(folder, monkeypatch):
    path = folder / "net.json"
    break_step(monkeypatch, "write", OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(OSError):
        save_network(Network([4, 4], seed=9), path)
    monkeypatch.undo()
    net = Network([4, 4], seed=9)
    save_network(net, path)
    np.testing.assert_array_equal(load_network(path).weights[0], net.weights[0])
    assert listing(folder) == ["net.json"]
    assert os.stat(path).st_mode & 0o777 == OLD_MODE  # the file keeps the mode it had


def test_many_failed_saves_leak_nothing(folder, monkeypatch):
    before, fds = (folder / "net.json").read_bytes(), open_fds(folder)
    break_step(monkeypatch, "fsync", OSError(errno.EIO, os.strerror(errno.EIO)))
    for _ in range(200):
        with pytest.raises(OSError):
            save_network(Network([2, 2], seed=1), folder / "net.json")
    assert listing(folder) == ["net.json"]
    assert (folder / "net.json").read_bytes() == before
    assert open_fds(folder) == fds


def test_an_error_without_an_errno_still_reads_well(folder, monkeypatch):
    break_step(monkeypatch, "fsync", OSError("the USB stick was pulled out"))
    with pytest.raises(OSError) as error:
        save_network(Network([2, 2], seed=1), folder / "net.json")
    assert str(error.value) == f"could not save {folder / 'net.json'}: the USB stick was pulled out"


def test_an_interrupted_save_removes_its_temporary_file(folder, monkeypatch):
    before = (folder / "net.json").read_bytes()
    break_step(monkeypatch, "write", KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        save_network(Network([2, 2], seed=1), folder / "net.json")
    assert listing(folder) == ["net.json"]
    assert (folder / "net.json").read_bytes() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; simulated above")
def test_a_read_only_folder(folder):
    before = (folder / "net.json").read_bytes()
    os.chmod(folder, 0o555)
    try:
        with pytest.raises(OSError, match=r"could not save .*net\.json: Permission denied"):
            save_network(Network([2, 2], seed=1), folder / "net.json")
    finally:
        os.chmod(folder, 0o755)
    assert listing(folder) == ["net.json"]
    assert (folder / "net.json").read_bytes() == before


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(OSError, match=r"could not save .*nowhere.*net\.json: No such file or directory"):
        save_network(Network([2, 2], seed=1), tmp_path / "nowhere" / "net.json")
    assert listing(tmp_path) == []


def test_saving_over_a_folder_keeps_the_folder(tmp_path):
    target = tmp_path / "net.json"
    target.mkdir()
    (target / "inside.txt").write_text("keep me")
    with pytest.raises(OSError, match=r"could not save .*net\.json"):
        save_network(Network([2, 2], seed=1), target)
    assert listing(tmp_path) == ["net.json"]
    assert (target / "inside.txt").read_text() == "keep me"


def test_a_successful_save_replaces_the_file_whole(folder):
    net = Network([5, 7, 3], seed=4)
    save_network(net, folder / "net.json")
    assert listing(folder) == ["net.json"]
    loaded = load_network(folder / "net.json")
    assert loaded.layer_sizes == (5, 7, 3)
    for a, b in zip(loaded.weights, net.weights):
        np.testing.assert_array_equal(a, b)


def test_atomic_write_is_the_one_writer(monkeypatch, tmp_path):
    """Every save goes through atomic_write, so the guarantees above hold for all of them."""
    calls = []
    monkeypatch.setattr(fileio, "atomic_write", lambda path, data: calls.append(path))
    net = Network([2, 2], seed=1)
    save_network(net, tmp_path / "a.json")
    export_weights(net, tmp_path / "a.npz")
    export_weights(net, tmp_path / "a.csv")
    assert calls == [tmp_path / "a.json", tmp_path / "a.npz", tmp_path / "a.csv"]
    assert listing(tmp_path) == []


def test_saving_through_a_symlink_updates_the_linked_file(tmp_path):
    """An atomic rename onto the link would replace the link and leave the real file stale."""
    (tmp_path / "lectures").mkdir()
    real = tmp_path / "lectures" / "net.json"
    save_network(Network([2, 2], seed=1), real)
    link = tmp_path / "net.json"
    link.symlink_to(real)
    save_network(Network([3, 4, 1], seed=2), link)
    assert link.is_symlink()
    assert load_network(real).layer_sizes == (3, 4, 1)
    assert listing(tmp_path) == ["lectures", "net.json"]
    assert listing(tmp_path / "lectures") == ["net.json"]


def test_a_failed_save_through_a_symlink_names_the_path_the_user_chose(tmp_path, monkeypatch):
    real = tmp_path / "real.json"
    save_network(Network([2, 2], seed=1), real)
    link = tmp_path / "chosen.json"
    link.symlink_to(real)
    break_step(monkeypatch, "replace", OSError(errno.EACCES, os.strerror(errno.EACCES)))
    with pytest.raises(OSError, match=r"could not save .*chosen\.json: Permission denied"):
        save_network(Network([3, 3], seed=2), link)
    monkeypatch.undo()
    assert link.is_symlink() and listing(tmp_path) == ["chosen.json", "real.json"]
