"""How things look: theme, palette, presentation scale, weight colour range and level of detail.

Kept apart from :class:`~nnviz.gui.state.NetworkState` because none of it changes the model; the
views take both and repaint when either changes.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

THEMES = ("light", "dark")
PALETTES = ("default", "colorblind")
"""``default``: blue negative, near-white 0, red positive. ``colorblind``: a blue–orange map that
stays distinct for deuteranopia and protanopia."""
WEIGHT_SCALES = ("layer", "network", "fixed")
"""Weight colour modes: each layer's own ±max|w|, ±max|w| of the whole network, or ±weight_range
(see :mod:`nnviz.gui.network_view.weight_scale`)."""


MATRIX_ABOVE = 10_000
"""Edges above which a weight layer is shown as a matrix when matrices for big layers are on: beyond
a few thousand lines a dense fan is a hairball."""


class Appearance(QObject):
    """View options shared by every view; each setter emits ``changed`` only on a real change.

    Attributes:
        theme: ``"light"`` or ``"dark"``.
        palette: ``"default"`` or ``"colorblind"``.
        scale: presentation scale, 1.0 normally; fonts, nodes and edges grow with it (0.5 … 4).
        weight_range: ``None`` for symmetric ±max|w| (automatic), or a positive fixed limit.
        per_layer_colors: normalise edge colours per layer instead of over the whole network.
        max_edges_per_layer: level of detail; the strongest this many edges of each layer are
            drawn (``None`` draws every edge, the exact full picture).
        matrix_above: weight layers of more edges than this are drawn as a weight matrix (a
            heatmap) instead of edges; ``None``: none by size (imported models set
            :data:`MATRIX_ABOVE`).
        matrix_layers: weight layers toggled by hand against that rule (a frozenset of indices).
    """

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._values = {
            "theme": "light",
            "palette": "default",
            "scale": 1.0,
            "weight_range": None,
            "per_layer_colors": False,
            "max_edges_per_layer": 20_000,
            "matrix_above": None,
            "matrix_layers": frozenset(),
        }

    def __getattr__(self, name):
        values = self.__dict__.get("_values")
        if values is not None and name in values:
            return values[name]
        raise AttributeError(name)

    def shows_matrix(self, weight_layer: int, n_edges: int) -> bool:
        """Whether weight layer ``weight_layer`` of ``n_edges`` weights is drawn as a weight matrix."""
        by_size = self.matrix_above is not None and n_edges > self.matrix_above
        return by_size != (weight_layer in self.matrix_layers)

    def set(self, **values) -> None:
        """Set one or more options; unknown names and bad values raise ``ValueError``."""
        changed = False
        for name, value in values.items():
            if name not in self._values:
                raise ValueError(f"unknown appearance option {name!r}")
            value = _check(name, value)
            if self._values[name] != value:
                self._values[name] = value
                changed = True
        if changed:
            self.changed.emit()


def _check(name, value):
    if name == "theme" and value not in THEMES:
        raise ValueError(f"theme must be one of {THEMES}, got {value!r}")
    if name == "palette" and value not in PALETTES:
        raise ValueError(f"palette must be one of {PALETTES}, got {value!r}")
    if name == "scale":
        value = float(value)
        if not 0.5 <= value <= 4.0:
            raise ValueError(f"scale must be between 0.5 and 4, got {value}")
    if name == "weight_range" and value is not None:
        value = float(value)
        if not value > 0 or value == float("inf"):
            raise ValueError(f"a fixed weight range must be a positive number, got {value}")
    if name == "per_layer_colors":
        value = bool(value)
    if name == "max_edges_per_layer" and value is not None:
        value = int(value)
        if value < 1:
            raise ValueError("max_edges_per_layer must be at least 1, or None for every edge")
    if name == "matrix_above" and value is not None:
        value = int(value)
        if value < 0:
            raise ValueError("matrix_above must be 0 or more edges, or None for no matrices by size")
    if name == "matrix_layers":
        value = frozenset(int(layer) for layer in value)
        if any(layer < 0 for layer in value):
            raise ValueError("matrix_layers holds weight layer indices (0 or more)")
    return value
