"""The network picture: the view widget and what it draws (nodes, edges, legend), its texts and its export."""

from .view import NetworkView

__all__ = ["NetworkView"]
