"""Light and dark palettes for the Qt widgets (the plots follow :class:`Appearance` themselves)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

_DARK = {
    QPalette.Window: "#232629",
    QPalette.WindowText: "#e6e6e6",
    QPalette.Base: "#1b1e20",
    QPalette.AlternateBase: "#2a2e32",
    QPalette.ToolTipBase: "#31363b",
    QPalette.ToolTipText: "#f0f0f0",
    QPalette.Text: "#e6e6e6",
    QPalette.Button: "#31363b",
    QPalette.ButtonText: "#e6e6e6",
    QPalette.BrightText: "#ff6b6b",
    QPalette.Highlight: "#3d8ec9",
    QPalette.HighlightedText: "#ffffff",
    QPalette.Link: "#6cb4ee",
    QPalette.PlaceholderText: "#8a8f94",
}

_DISABLED_DARK = {
    QPalette.WindowText: "#7a7f84",
    QPalette.Text: "#7a7f84",
    QPalette.ButtonText: "#7a7f84",
}


def apply_theme(theme: str, app: QApplication | None = None) -> None:
    """Give every widget the light (the style's own) or dark palette."""
    app = app or QApplication.instance()
    if app is None:
        return
    if theme == "dark":
        palette = QPalette()
        for role, colour in _DARK.items():
            palette.setColor(role, QColor(colour))
        for role, colour in _DISABLED_DARK.items():
            palette.setColor(QPalette.Disabled, role, QColor(colour))
    else:
        palette = app.style().standardPalette()
    app.setPalette(palette)
