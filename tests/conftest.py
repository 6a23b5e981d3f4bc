import os
import tempfile

# Tests run with no display; a developer may still override this to watch them.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Settings, recent files and recovery copies written by tests must not touch the user's own.
_sandbox = tempfile.mkdtemp(prefix="nnviz-tests-")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_sandbox, "config")
os.environ["XDG_DATA_HOME"] = os.path.join(_sandbox, "data")


def pytest_addoption(parser):
    parser.addoption(
        "--fuzz-examples", type=int, default=100, metavar="N",
        help="hypothesis examples per fuzz strategy in the slow tests (default 100; try 20000 by hand)",
    )
    parser.addoption(
        "--soak-changes", type=int, default=30, metavar="N",
        help="structure changes in the hours-of-use soak test (default 30; the issue's figure is 5000)",
    )
