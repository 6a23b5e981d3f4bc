import os

# Tests run with no display; a developer may still override this to watch them.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
