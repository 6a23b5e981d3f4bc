"""A drawing (see :mod:`~nnviz.gui.network_view.drawing`) as a plain SVG 1.1 file.

Written element by element with ``xml.etree`` so that every renderer draws it alike: text has a font
stack ending in the generic ``sans-serif`` and is anchored (``text-anchor``), a colour bar carries its
gradient on the shape itself, and the lines of one pen are one ``<path>``.
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice

from nnviz.gui.network_view.drawing import (
    FONT_FAMILIES,
    Circle,
    ColorBar,
    Lines,
    Picture,
    Polyline,
    Rects,
    Text,
)

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
FONT_STACK = ", ".join(FONT_FAMILIES)


def svg_bytes(shapes: list, width: int, height: int, background: str | None, title: str = "",
              description: str = "") -> bytes:
    """The SVG document of ``shapes`` on a ``width`` × ``height`` pixel page; ``background`` fills
    the page (``None``: transparent)."""
    # Namespaces are written as plain attributes: every element is in the SVG namespace by default.
    root = ET.Element("svg", {"xmlns": SVG_NS, "xmlns:xlink": XLINK_NS, "version": "1.1", "width": str(width),
                              "height": str(height), "viewBox": f"0 0 {width} {height}"})
    if title:
        ET.SubElement(root, "title").text = title
    if description:
        ET.SubElement(root, "desc").text = description
    defs = ET.SubElement(root, "defs")
    if background is not None:
        ET.SubElement(root, "rect", {"x": "0", "y": "0", "width": str(width), "height": str(height),
                                     "fill": background})
    writer = _Writer(root, defs)
    for shape in shapes:
        writer.add(shape)
    if not len(defs):
        root.remove(defs)
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _num(value: float) -> str:
    """A coordinate with one decimal, no trailing ``.0``: half a device pixel is below what shows."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _nums(values: np.ndarray) -> list[str]:
    rounded = np.round(np.asarray(values, dtype=float), 1)
    return [_num(v) for v in rounded.ravel().tolist()]


class _Writer:
    """Adds shapes under ``root``; layers of lines go into one ``<g>`` per group name."""

    def __init__(self, root: ET.Element, defs: ET.Element):
        self.root, self.defs = root, defs
        self.groups: dict[str, ET.Element] = {}
        self.ids = 0

    def _new_id(self, prefix: str) -> str:
        self.ids += 1
        return f"{prefix}{self.ids}"

    def add(self, shape) -> None:
        {Lines: self._lines, Polyline: self._polyline, Circle: self._circle, Rects: self._rects, Text: self._text,
         ColorBar: self._color_bar, Picture: self._picture}[type(shape)](shape)

    def _lines(self, shape: Lines) -> None:
        if not len(shape.lines):
            return
        parent = self.root
        if shape.group:
            if shape.group not in self.groups:
                self.groups[shape.group] = ET.SubElement(self.root, "g", {"id": shape.group})
            parent = self.groups[shape.group]
        coords = _nums(shape.lines)
        d = "".join(f"M{coords[i]} {coords[i + 1]}L{coords[i + 2]} {coords[i + 3]}" for i in range(0, len(coords), 4))
        ET.SubElement(parent, "path", {"d": d, "fill": "none", "stroke": shape.color,
                                       "stroke-width": _num(shape.width) if shape.width >= 0.1 else "0.1"})

    def _polyline(self, shape: Polyline) -> None:
        coords = _nums(shape.points)
        points = " ".join(f"{coords[i]},{coords[i + 1]}" for i in range(0, len(coords), 2))
        ET.SubElement(self.root, "polyline", {"points": points, "fill": "none", "stroke": shape.color,
                                              "stroke-width": f"{shape.width:.2f}"})

    def _circle(self, shape: Circle) -> None:
        attributes = {"cx": f"{shape.cx:.2f}", "cy": f"{shape.cy:.2f}", "r": f"{shape.r:.2f}",
                      "fill": shape.fill or "none"}
        if shape.stroke is not None:
            attributes.update({"stroke": shape.stroke, "stroke-width": f"{shape.stroke_width:.2f}"})
            if shape.dashed:  # Qt's DashLine: 4 widths on, 2 off
                attributes["stroke-dasharray"] = f"{4 * shape.stroke_width:.2f} {2 * shape.stroke_width:.2f}"
        ET.SubElement(self.root, "circle", attributes)

    def _rects(self, shape: Rects) -> None:
        style = {"fill": shape.fill or "none"}
        if shape.opacity < 1:
            style["fill-opacity"] = f"{shape.opacity:.3f}"
        if shape.stroke is not None:
            style.update({"stroke": shape.stroke, "stroke-width": f"{shape.stroke_width:.2f}"})
        if len(shape.rects) == 1 or shape.radius:
            for x, y, w, h in shape.rects.tolist():
                attributes = {"x": f"{x:.2f}", "y": f"{y:.2f}", "width": f"{w:.2f}", "height": f"{h:.2f}", **style}
                if shape.radius:
                    attributes.update({"rx": f"{shape.radius:.2f}", "ry": f"{shape.radius:.2f}"})
                ET.SubElement(self.root, "rect", attributes)
            return
        # Many tiles of one colour (a packed column): one path, and edges crisp so that they touch.
        coords = _nums(shape.rects)
        d = "".join(f"M{coords[i]} {coords[i + 1]}h{coords[i + 2]}v{coords[i + 3]}h-{coords[i + 2]}z"
                    for i in range(0, len(coords), 4))
        ET.SubElement(self.root, "path", {"d": d, "shape-rendering": "crispEdges", **style})

    def _text(self, shape: Text) -> None:
        attributes = {"x": f"{shape.x:.2f}", "y": f"{shape.y:.2f}", "font-family": FONT_STACK,
                      "font-size": f"{max(1, round(shape.px))}", "fill": shape.color}
        if shape.bold:
            attributes["font-weight"] = "bold"
        if shape.anchor != "start":
            attributes["text-anchor"] = shape.anchor
        element = ET.SubElement(self.root, "text", attributes)
        element.text = shape.text

    def _color_bar(self, shape: ColorBar) -> None:
        """The bar as one piece per pair of neighbouring stops, each filled with a two-stop gradient in
        page units (ImageMagick's own renderer reads only two stops of a gradient, and no bounding-box
        units), then the outline on top."""
        x, y, w, h = shape.rect
        group = ET.SubElement(self.root, "g")
        for (start, low), (end, high) in zip(shape.stops, shape.stops[1:]):
            gradient_id = self._new_id("colors")
            x0, x1 = x + start * w, x + end * w
            gradient = ET.SubElement(self.defs, "linearGradient", {
                "id": gradient_id, "gradientUnits": "userSpaceOnUse", "x1": f"{x0:.2f}", "y1": "0",
                "x2": f"{x1:.2f}", "y2": "0"})
            ET.SubElement(gradient, "stop", {"offset": "0", "stop-color": low})
            ET.SubElement(gradient, "stop", {"offset": "1", "stop-color": high})
            overlap = 1.0 if end < 1 else 0.0  # the next piece covers it: no hairline seams
            ET.SubElement(group, "rect", {"x": f"{x0:.2f}", "y": f"{y:.2f}", "width": f"{x1 - x0 + overlap:.2f}",
                                          "height": f"{h:.2f}", "fill": f"url(#{gradient_id})", "stroke": "none"})
        ET.SubElement(group, "rect", {
            "x": f"{x:.2f}", "y": f"{y:.2f}", "width": f"{w:.2f}", "height": f"{h:.2f}",
            "rx": f"{shape.radius:.2f}", "ry": f"{shape.radius:.2f}", "fill": "none", "stroke": shape.outline,
            "stroke-width": "1"})

    def _picture(self, shape: Picture) -> None:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        shape.image.save(buffer, "PNG")
        buffer.close()
        x, y, w, h = shape.rect
        attributes = {"x": f"{x:.2f}", "y": f"{y:.2f}", "width": f"{w:.2f}", "height": f"{h:.2f}",
                      "preserveAspectRatio": "none",
                      "xlink:href": "data:image/png;base64," + base64.b64encode(bytes(data)).decode()}
        if shape.round:
            clip_id = self._new_id("disc")
            clip = ET.SubElement(self.defs, "clipPath", {"id": clip_id})
            ET.SubElement(clip, "circle", {"cx": f"{x + w / 2:.2f}", "cy": f"{y + h / 2:.2f}", "r": f"{w / 2:.2f}"})
            attributes["clip-path"] = f"url(#{clip_id})"
        ET.SubElement(self.root, "image", attributes)
