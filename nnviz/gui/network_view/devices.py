"""What a painter paints on, in the view's units, and how a painter's transform maps scene units onto it."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtGui import QPaintDevice, QTransform
from PySide6.QtWidgets import QWidget


def logical_size(device: QPaintDevice) -> tuple[float, float]:
    """``(width, height)`` of ``device`` in logical pixels (device pixels / its pixel ratio): a widget counts
    logical pixels, an image or a pixmap device pixels (a HiDPI screen has two a logical pixel)."""
    if isinstance(device, QWidget):
        return float(device.width()), float(device.height())
    ratio = device.devicePixelRatioF()
    return device.width() / ratio, device.height() / ratio


def affine(transform: QTransform, offset=(0.0, 0.0)) -> tuple[np.ndarray, np.ndarray]:
    """``(matrix (2, 2), shift (2,))`` that map points (row vectors) as ``transform`` does, minus ``offset``
    pixels: ``points @ matrix + shift`` (see :func:`~nnviz.fan_strokes.device_points`)."""
    return (np.array([[transform.m11(), transform.m12()], [transform.m21(), transform.m22()]]),
            np.array([transform.dx() - offset[0], transform.dy() - offset[1]]))


def pixels_per_unit(transform: QTransform) -> float:
    """How many pixels a scene unit spans under ``transform`` (the zoom)."""
    return math.sqrt(abs(transform.determinant()))
