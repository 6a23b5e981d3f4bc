"""A cheap walk over protobuf's wire format that counts fields before the real parser builds them.

protobuf keeps every parsed field as an object of its own: an empty message costs 2 bytes in the file and
a few hundred in memory, so a file within the size limit could still fill the memory once parsed. Every
length-delimited field that reads as a message is walked into (the wire format does not say which are
messages), and each field seen counts against one budget; nothing is copied or allocated per field.
"""

from __future__ import annotations

from .model import LayerError

MAX_FIELDS = 200_000
"""Far more fields than an MLP's model holds (its weights are one packed or raw field per tensor)."""

MAX_DEPTH = 64
"""Deeper than any MLP's messages nest (protobuf's own parser stops at 100)."""


def check_field_count(data: bytes, what: str = "the file") -> None:
    """Refuse ``data`` when its messages hold more than :data:`MAX_FIELDS` fields. Raises LayerError."""
    budget = [MAX_FIELDS]
    _walk(memoryview(data), 0, budget)
    if budget[0] < 0:
        raise LayerError(f"{what} holds more than {MAX_FIELDS:,} protobuf fields; an MLP's model holds far fewer")


def _walk(data: memoryview, depth: int, budget: list) -> bool:
    """Walk ``data`` as a message, spending one unit of ``budget`` a field; False when it is not one."""
    pos, end = 0, len(data)
    while pos < end:
        budget[0] -= 1
        if budget[0] < 0:
            return True  # over budget: stop here, the caller refuses
        key, pos = _varint(data, pos)
        if key is None or key >> 3 == 0:
            return False
        wire = key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
            if value is None:
                return False
        elif wire in (1, 5):
            pos += 8 if wire == 1 else 4
        elif wire == 2:
            length, pos = _varint(data, pos)
            if length is None or pos + length > end:
                return False
            if length and depth < MAX_DEPTH:
                _walk(data[pos:pos + length], depth + 1, budget)  # a message, or bytes that fail at once
            pos += length
        else:
            return False  # groups (wire types 3, 4) do not occur in ONNX; 6 and 7 are invalid
    return pos == end


def _varint(data: memoryview, pos: int):
    """``(value, next position)``, or ``(None, pos)`` for a varint that is cut short or over 10 bytes."""
    value, shift = 0, 0
    while pos < len(data) and shift < 70:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7
    return None, pos
