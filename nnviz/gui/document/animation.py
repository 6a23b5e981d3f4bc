"""Animations as GIF, animated PNG or WebP: frames (see :mod:`nnviz.core.animation`) drawn off-screen
as export figures and encoded with Pillow (imported only here, when an animation is made).

:class:`AnimationExport` works in slices: :meth:`~AnimationExport.step` draws a few frames and
returns, so that a window can keep answering between slices and a progress dialog can cancel.
Nothing is written until the last frame is drawn; the file then appears at once (atomic write).
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage

from nnviz.core.animation import Frame, frame_duration_ms
from nnviz.core.fileio import atomic_write
from nnviz.fan_strokes import finite_max
from nnviz.gui.appearance import Appearance
from nnviz.gui.network_view.export import FigureOptions, check_size, figure_of, render_image

FORMATS = {".gif": "GIF", ".png": "PNG", ".apng": "PNG", ".webp": "WEBP"}
"""Animated picture formats by file extension (``.png`` is an animated PNG)."""
FILTER = "GIF animation (*.gif);;Animated PNG (*.png);;WebP animation (*.webp)"
MAX_BYTES = 1_500_000_000
"""Most memory the drawn frames may take before they are encoded."""


def animation_format(path) -> str:
    """Pillow's format name for ``path``; raises ``ValueError`` for an extension it cannot animate."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"save the animation as .gif, .png (animated PNG) or .webp, not "
                         f"{suffix or 'a file without extension'}")
    return FORMATS[suffix]


class AnimationExport:
    """Draws ``frames`` at ``width`` × ``height`` pixels with ``appearance`` and ``options`` and
    writes them to ``path`` at ``fps`` frames per second, looping forever.

    The weight colours keep their meaning through the animation: unless the appearance fixes a
    range or colours per layer, the colour range is the largest |w| seen so far (it only grows).
    Raises ``ValueError`` at once for a bad path, size, frame rate or a too large animation.
    """

    def __init__(self, frames: Iterator[Frame], total: int, path, width: int, height: int, fps: float,
                 appearance: Appearance, options: FigureOptions | None = None):
        self.format = animation_format(path)
        check_size(width, height)
        self.duration = frame_duration_ms(fps)
        if total * width * height * 4 > MAX_BYTES:
            raise ValueError(f"{total} frames of {width} × {height} need more than "
                             f"{MAX_BYTES // 1_000_000_000} GB of memory; use fewer frames or a smaller size")
        self.path, self.width, self.height, self.total = Path(path), width, height, total
        self._frames = frames
        self._appearance = appearance
        self._options = options or FigureOptions()
        self._pictures: list = []
        self._weight_limit = 0.0
        self._drawn = 0
        self.done = False

    @property
    def drawn(self) -> int:
        """Frames drawn so far."""
        return self._drawn

    def step(self, count: int = 1) -> bool:
        """Draw up to ``count`` more frames; after the last one write the file. Returns True when the
        animation is written. Raises ``OSError`` if the file cannot be written (nothing is left behind)."""
        for _ in range(count):
            frame = next(self._frames, None)
            if frame is None:
                self._write()
                self.done = True
                return True
            self._pictures.append(self._picture(self._draw(frame)))
            self._drawn += 1
        return False

    def run(self) -> None:
        """Draw every frame and write the file (the headless export)."""
        while not self.step(8):
            pass

    def _draw(self, frame: Frame) -> QImage:
        look = Appearance()
        base = self._appearance
        look.set(theme=base.theme, palette=base.palette, scale=base.scale, per_layer_colors=base.per_layer_colors,
                 weight_range=base.weight_range, max_edges_per_layer=base.max_edges_per_layer)
        if base.weight_range is None and not base.per_layer_colors:
            largest = max(finite_max(w) for w in frame.network.weights)
            if frame.network.bias:
                largest = max(largest, *(finite_max(b) for b in frame.network.biases))
            self._weight_limit = max(self._weight_limit, largest)
            if self._weight_limit > 0:
                look.set(weight_range=self._weight_limit)
        # GIF has no partial transparency: its frames keep the theme's background.
        options = dataclasses.replace(self._options, note=frame.note or self._options.note,
                                      transparent=self._options.transparent and self.format != "GIF")
        return render_image(figure_of(frame.network, frame.inputs, look), self.width, self.height, 1.0, options)

    def _picture(self, image: QImage):
        from PIL import Image  # Pillow only for animations

        rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
        pixels = np.frombuffer(rgba.constBits(), np.uint8).reshape(self.height, rgba.bytesPerLine())
        picture = Image.fromarray(pixels[:, :4 * self.width].reshape(self.height, self.width, 4).copy(), "RGBA")
        if self.format == "GIF":  # 256 colours per frame, kept as such (a quarter of the memory)
            return picture.convert("RGB").quantize(256, dither=Image.Dither.NONE)
        return picture if self._options.transparent else picture.convert("RGB")

    def _write(self) -> None:
        first, *rest = self._pictures
        buffer = io.BytesIO()
        extra = {"lossless": True} if self.format == "WEBP" else {}
        first.save(buffer, self.format, save_all=True, append_images=rest, duration=self.duration, loop=0, **extra)
        self._pictures = []
        atomic_write(self.path, buffer.getvalue())
