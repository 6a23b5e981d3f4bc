"""nnviz: see and touch a small fully-connected neural network."""

__version__ = "0.1.0"
