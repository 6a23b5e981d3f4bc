"""A HiDPI screen (two device pixels a logical pixel), in a process of its own: the pixel ratio is set
before Qt starts."""

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from nnviz.gui.network_view.devices import logical_size

SCRIPT = """
import numpy as np
from PySide6.QtWidgets import QApplication
app = QApplication([])
from nnviz.core import Network
from nnviz.gui.appearance import Appearance
from nnviz.gui.network_view import NetworkView
from nnviz.gui.state import NetworkState
state = NetworkState(Network([784, 128, 64, 10], seed=1), inputs=np.linspace(0, 1, 784))
view = NetworkView(state, Appearance())
view.resize(900, 600)
view.show()
for _ in range(20):
    app.processEvents()
image = view.viewport().grab().toImage()
ratio = image.devicePixelRatio()
assert ratio == 2.0, ratio
view._node_item.hide()
edges_only = view.viewport().grab().toImage()
for layer in (2, 3):  # circles, also in the view's right and bottom halves
    for index in range(0, view.state.network.layer_sizes[layer], 7):
        centre = view.mapFromScene(view.node_scene_pos(layer, index))
        x, y = int(centre.x() * ratio), int(centre.y() * ratio)
        assert image.pixel(x, y) != edges_only.pixel(x, y), (layer, index)  # a disc over the edges' ends
print("ok")
"""


def test_every_node_is_drawn_on_a_hidpi_screen():
    env = dict(os.environ, QT_SCALE_FACTOR="2", QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=Path(__file__).parent.parent, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-2000:]


def test_a_widget_counts_logical_pixels_an_image_device_pixels(qapp):
    widget = QWidget()
    widget.resize(300, 200)
    assert logical_size(widget) == (300.0, 200.0)
    image = QImage(600, 400, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(2.0)
    assert logical_size(image) == (300.0, 200.0)
