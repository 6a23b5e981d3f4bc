"""Compressed joblib files (``joblib.dump(..., compress=...)``): zlib, gzip, bz2, xz and lzma streams,
inflated with the output capped at the file-size limit, so a small bomb cannot fill the memory."""

from __future__ import annotations

import bz2
import lzma
import zlib

from ..limits import MAX_MODEL_FILE_BYTES
from .model import LayerError


def compression_of(data: bytes) -> str | None:
    """The compression ``data`` starts with, or None."""
    if data[:2] == b"\x1f\x8b":
        return "gzip"
    if data[:3] == b"BZh":
        return "bz2"
    if data[:6] == b"\xfd7zXZ\x00":
        return "xz"
    if data[:3] == b"]\x00\x00":  # lzma-alone: properties byte 0x5d and a little-endian dictionary size
        return "lzma"
    if len(data) >= 2 and data[0] == 0x78 and (data[0] << 8 | data[1]) % 31 == 0:
        return "zlib"
    return None


def decompress(data: bytes, kind: str) -> bytes:
    """The inflated bytes; refuses output beyond the file-size limit."""
    limit = MAX_MODEL_FILE_BYTES + 1
    try:
        if kind in ("zlib", "gzip"):
            inflater = zlib.decompressobj(zlib.MAX_WBITS | (16 if kind == "gzip" else 0))
            out = inflater.decompress(data, limit)
            complete = inflater.eof
        elif kind == "bz2":
            inflater = bz2.BZ2Decompressor()
            out = inflater.decompress(data, limit)
            complete = inflater.eof
        else:
            inflater = lzma.LZMADecompressor(lzma.FORMAT_XZ if kind == "xz" else lzma.FORMAT_ALONE)
            out = inflater.decompress(data, limit)
            complete = inflater.eof
    except (zlib.error, OSError, lzma.LZMAError, EOFError, ValueError) as e:
        raise LayerError(f"a damaged {kind} stream ({str(e)[:60]})") from None
    if len(out) >= limit:
        raise LayerError(f"it inflates to more than {MAX_MODEL_FILE_BYTES // 2**20} MiB")
    if not complete:
        raise LayerError(f"the {kind} stream is cut short")
    return out
