"""What nnviz starts from when nothing else is asked for."""

DEFAULT_SEED = 7
"""The weights' seed at launch (window and ``nnviz render`` without ``--seed``): the first picture is
the same in every session, the README's and the first classroom demo alike. Re-roll (R) picks a new one."""
