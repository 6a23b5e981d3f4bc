"""Zip archives (PyTorch, Keras, npz) opened with every declared size checked before anything is inflated."""

from __future__ import annotations

import io
import zipfile

from ..limits import MAX_MODEL_FILE_BYTES
from .model import LayerError

MAX_MEMBERS = 10_000


def open_zip(data: bytes) -> zipfile.ZipFile:
    """The archive in ``data``; refuses too many members or members declaring more than the limit."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError) as e:
        raise LayerError(f"a damaged zip archive ({e})") from None
    if len(members) > MAX_MEMBERS:
        raise LayerError(f"the archive has {len(members):,} members, more than {MAX_MEMBERS:,}")
    total = sum(m.file_size for m in members)
    if total > MAX_MODEL_FILE_BYTES:
        raise LayerError(f"the archive unpacks to {total:,} bytes, more than the limit of "
                         f"{MAX_MODEL_FILE_BYTES // 2**20} MiB")
    return archive


def read_member(archive: zipfile.ZipFile, name: str, expected_size: int | None = None,
                max_size: int | None = None) -> bytes:
    """The bytes of member ``name``; when ``expected_size`` is given the declared size must match it, when
    ``max_size`` is, it must not exceed it (both checked before anything is inflated).

    zipfile never returns more than the declared size, and the total was checked by :func:`open_zip`.
    """
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise LayerError(f"the archive has no member {name}") from None
    if max_size is not None and info.file_size > max_size:
        raise LayerError(f"{name} holds {info.file_size:,} bytes, more than the {max_size:,} it may")
    if expected_size is not None and info.file_size != expected_size:
        raise LayerError(f"{name} holds {info.file_size:,} bytes, not the {expected_size:,} its shape needs")
    try:
        with archive.open(info) as member:
            data = member.read(info.file_size + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as e:
        raise LayerError(f"cannot unpack {name} ({e})") from None
    if len(data) != info.file_size:
        raise LayerError(f"{name} is shorter than the archive says")
    return data
