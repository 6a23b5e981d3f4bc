"""The file behind the window: open/save (network or lecture), lectures and the picture export."""
