"""What a painter paints on, in the view's units."""

from __future__ import annotations

from PySide6.QtGui import QPaintDevice
from PySide6.QtWidgets import QWidget


def logical_size(device: QPaintDevice) -> tuple[float, float]:
    """``(width, height)`` of ``device`` in logical pixels (device pixels / its pixel ratio): a widget counts
    logical pixels, an image or a pixmap device pixels (a HiDPI screen has two a logical pixel)."""
    if isinstance(device, QWidget):
        return float(device.width()), float(device.height())
    ratio = device.devicePixelRatioF()
    return device.width() / ratio, device.height() / ratio
