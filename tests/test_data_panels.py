"""The data panels: the paintable input image, the output bars, receptive fields, the confusion matrix, the
bundled data sets in the Training panel, and per-layer activations from the Controls panel."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox
from settling import settle

from nnviz.core import Network
from nnviz.core.targets import predict_labels
from nnviz.gui.appearance import Appearance
from nnviz.gui.colors import map_rgb, weight_colormap
from nnviz.gui.controls import ControlsPanel
from nnviz.gui.data_panel.confusion import ConfusionMatrix
from nnviz.gui.data_panel.image_input import INK_STRENGTH, ImageInput, brush_stroke
from nnviz.gui.data_panel.output_bars import OutputBars
from nnviz.gui.data_panel.receptive_fields import GAP, ReceptiveFields, mosaic
from nnviz.gui.data_panel.sample import ShownSample, input_image_shape
from nnviz.gui.state import NetworkState
from nnviz.gui.training.data import TrainingData
from nnviz.gui.training.panel import TrainingPanel
from nnviz.gui.training.runner import TrainingRunner


@pytest.fixture(scope="module")
def digits_data():
    data = TrainingData()
    data.set_dataset("digits")
    return data


@pytest.fixture
def state():
    return NetworkState(Network([64, 16, 10], activation="relu", output_activation="softmax", loss="cross_entropy",
                                seed=5, bias=True))


@pytest.fixture
def image_input(qtbot, state, digits_data):
    sample = ShownSample(state, digits_data)
    widget = ImageInput(state, digits_data, sample)
    widget.sample = sample
    qtbot.addWidget(widget)
    widget.resize(300, 320)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


# -- the brush and the image ---------------------------------------------------------------------------
def test_a_dab_inks_its_pixel_by_the_strength_and_neighbours_by_the_gaussian():
    sigma = 0.6
    image = brush_stroke(np.zeros((8, 8)), (2.5, 3.5), (2.5, 3.5), sigma)
    assert image[3, 2] == pytest.approx(INK_STRENGTH)
    assert image[3, 3] == pytest.approx(INK_STRENGTH * np.exp(-1 / (2 * sigma**2)))
    assert image[4, 3] == pytest.approx(INK_STRENGTH * np.exp(-2 / (2 * sigma**2)))
    assert np.all(image <= 1) and np.all(image >= 0)


def test_a_stroke_has_no_gaps_and_erasing_clears_under_the_brush():
    image = brush_stroke(np.zeros((8, 8)), (0.5, 4.5), (7.5, 4.5), 0.6)
    # Stamps every σ/2: no pixel on the line is farther than σ/4 from one.
    assert np.all(image[4] >= INK_STRENGTH * np.exp(-1 / 32) - 1e-12) and np.all(image[4] <= INK_STRENGTH)
    erased = brush_stroke(image, (3.5, 4.5), (3.5, 4.5), 0.6, erase=True)
    assert erased[4, 3] == 0.0 and erased[4, 0] == pytest.approx(image[4, 0] * (1 - np.exp(-9 / 0.72)))


def test_image_shape_from_the_data_or_a_square_input_size(digits_data):
    assert input_image_shape(64, digits_data) == (8, 8)
    assert input_image_shape(784, digits_data) == (28, 28)
    assert input_image_shape(2, digits_data) is None and input_image_shape(9, digits_data) is None


def test_a_click_paints_live_and_clear_empties(qtbot, state, image_input):
    canvas = image_input.canvas
    assert canvas.objectName() == "inputImage" and image_input.image_shape == (8, 8)
    image_input.findChild(object, "clearInput").click()
    rect = canvas.image_rect()
    centre_of_pixel = QPoint(int(rect.left() + rect.width() * 2.5 / 8), int(rect.top() + rect.height() * 5.5 / 8))
    qtbot.mouseClick(canvas, Qt.LeftButton, pos=centre_of_pixel)
    image = np.asarray(state.inputs).reshape(8, 8)
    assert image[5, 2] == pytest.approx(INK_STRENGTH, abs=0.05)
    assert image[5, 2] == image.max() and image[0, 7] < 1e-6
    settle(state, qtbot)
    assert np.allclose(state.trace.post[0], state.inputs)  # the forward pass followed the stroke
    qtbot.mouseClick(canvas, Qt.RightButton, pos=centre_of_pixel)
    assert np.asarray(state.inputs).reshape(8, 8)[5, 2] < 0.05
    qtbot.mouseClick(canvas, Qt.LeftButton, pos=centre_of_pixel)
    image_input.findChild(object, "clearInput").click()
    assert not np.any(state.inputs)


def test_a_sample_index_loads_that_sample_with_its_true_label(qtbot, state, image_input, digits_data):
    spin = image_input.findChild(object, "sampleIndex")
    assert spin.maximum() == digits_data.n_samples - 1
    spin.setValue(7)
    x, y = digits_data.sample(7)
    assert np.array_equal(state.inputs, x)
    assert image_input.sample.label == int(y) and f"true class: <b>{int(y)}</b>" in image_input.true_label.text()
    # Drawing over the sample ends it: the label is no longer true.
    canvas = image_input.canvas
    qtbot.mouseClick(canvas, Qt.LeftButton, pos=canvas.rect().center())
    settle(state, qtbot)
    assert image_input.sample.label is None and "Your drawing" in image_input.true_label.text()
    image_input.findChild(object, "showSample").click()
    assert np.array_equal(state.inputs, x) and image_input.sample.label == int(y)


def test_the_image_input_says_why_it_is_not_shown(qtbot, state, image_input):
    state.set_layer_sizes([3, 16, 10])
    settle(state, qtbot)
    assert image_input.stack.currentWidget() is image_input.unavailable
    assert "not an image" in image_input.unavailable.text()
    assert not image_input.sample_index.isEnabled()


# -- output bars -----------------------------------------------------------------------------------------
def test_output_bars_are_probabilities_named_by_class(qtbot, state, digits_data):
    sample = ShownSample(state, digits_data)
    bars = OutputBars(state, digits_data, sample, Appearance())
    qtbot.addWidget(bars)
    bars.show()
    sample.show(3)
    settle(state, qtbot)
    shown = bars.bars()
    values = np.array([v for _, _, v in shown])
    assert [label for _, label, _ in shown] == list(digits_data.class_names)
    assert bars.is_probability and values.sum() == pytest.approx(1.0) and np.all(values >= 0)
    assert bars.predicted == int(np.argmax(state.trace.output))
    assert bars.true_unit == int(digits_data.sample(3)[1])
    bars.grab()  # paints without error


# -- receptive fields ------------------------------------------------------------------------------------
def test_mosaic_colours_each_weight_by_the_weight_map():
    lut = np.rint(map_rgb(weight_colormap(), np.linspace(0, 1, 256))).astype(np.uint8)
    weights = np.array([[-1.0, 0.0, 1.0, 0.5], [0.0, 0.0, 0.0, -0.5], [1.0, 1.0, 1.0, 1.0]])
    picture = mosaic(weights, (2, 2), columns=2, limit=1.0, lut=lut, background=np.array([1, 2, 3], np.uint8))
    assert picture.shape == (2 * 2 + GAP, 2 * 2 + GAP, 3)
    assert np.array_equal(picture[0, 0], lut[0]) and np.array_equal(picture[0, 1], lut[127])
    assert np.array_equal(picture[0, 2], [1, 2, 3])  # the gap
    assert np.array_equal(picture[1, 4], lut[63])  # unit 1's last weight, −0.5 → (−0.5 + 1) · 127.5
    assert np.array_equal(picture[3, 0], lut[255])  # unit 2 starts the second row


def test_receptive_fields_report_the_hovered_unit(qtbot, state, digits_data):
    fields = ReceptiveFields(state, digits_data, Appearance())
    qtbot.addWidget(fields)
    fields.resize(300, 300)
    fields.show()
    qtbot.waitExposed(fields)
    fields.refresh_now()
    assert fields.n_units == 16
    seen = []
    fields.unitHovered.connect(seen.append)
    mosaic_widget = fields.picture
    for unit in (0, 5):
        rect = mosaic_widget._rect()
        scale = rect.width() / mosaic_widget._image.width()
        row, column = divmod(unit, fields.columns)
        point = QPoint(int(rect.left() + (column * (8 + GAP) + 4) * scale),
                       int(rect.top() + (row * (8 + GAP) + 4) * scale))
        assert fields.unit_at(point.x(), point.y()) == unit
        qtbot.mouseMove(mosaic_widget, point)
    assert seen[-2:] == [0, 5] or seen[-1] == 5


def test_hovering_a_receptive_field_highlights_the_unit_in_the_graph(qtbot):
    from nnviz.gui.main_window import MainWindow

    window = MainWindow(Network([64, 8, 10], seed=2))
    qtbot.addWidget(window)
    window.receptive_fields.unitHovered.emit(3)
    assert window.view.selected == ("node", 1, 3)
    window.receptive_fields.unitHovered.emit(-1)
    assert window.view.selected is None
    window.document.maybe_save = lambda: True


# -- confusion matrix ------------------------------------------------------------------------------------
def test_confusion_matrix_counts_true_against_predicted(qtbot):
    data = TrainingData()
    data.set_dataset("iris")
    state = NetworkState(Network([4, 5, 3], seed=1, bias=True))
    matrix_widget = ConfusionMatrix(state, data, Appearance())
    qtbot.addWidget(matrix_widget)
    matrix_widget.show()
    assert matrix_widget.split == "test"
    matrix_widget.refresh_now()
    predicted = predict_labels(state.network, data.X_test)
    expected = np.zeros((3, 3), int)
    for true, guess in zip(data.y_test.astype(int), predicted):
        expected[true, guess] += 1
    assert np.array_equal(matrix_widget.matrix, expected)
    assert f"{np.trace(expected) / len(data.y_test):.1%}" in matrix_widget.accuracy.text()
    matrix_widget.set_split("train")
    matrix_widget.refresh_now()
    assert matrix_widget.matrix.sum() == len(data.y_train)
    state.set_layer_sizes([2, 5, 3])
    matrix_widget.refresh_now()
    assert matrix_widget.matrix is None and "input" in matrix_widget.unavailable.text()


# -- bundled data sets in the Training panel -------------------------------------------------------------
def test_tabular_sets_are_standardised_on_their_training_rows_images_are_not(digits_data):
    data = TrainingData()
    data.set_dataset("wine")
    assert np.allclose(data.X_train.mean(axis=0), 0) and np.allclose(data.X_train.std(axis=0), 1)
    assert data.class_names == ("class_0", "class_1", "class_2") and data.image_shape is None
    assert digits_data.X_train.min() == 0 and digits_data.X_train.max() == 1
    assert digits_data.image_shape == (8, 8) and digits_data.n_classes == 10


def test_match_network_makes_digits_trainable_and_keeps_the_hidden_layers(qtbot, digits_data):
    state = NetworkState(Network([2, 6, 5, 1], activation="tanh", seed=3, bias=True))
    data = TrainingData()
    runner = TrainingRunner(state, data)
    panel = TrainingPanel(state, data, runner, Appearance())
    qtbot.addWidget(panel)
    panel.show()
    panel.dataset.setCurrentIndex(panel.dataset.findData("digits"))
    assert panel.dataset.busy and data.name == "xor"  # read on the worker thread: the window goes on
    assert "Loading Digits" in panel.data_info.text()
    qtbot.waitUntil(lambda: data.name == "digits", timeout=20000)
    assert panel.dataset.currentData() == "digits"
    settle(state, qtbot)
    assert runner.trainer is None and panel.match_network.isVisible()
    panel.match_network.click()
    settle(state, qtbot)
    net = state.network
    assert net.layer_sizes == (64, 6, 5, 10) and net.activations == ["tanh", "tanh", "softmax"]
    assert net.loss == "cross_entropy"
    assert runner.trainer is not None and not panel.match_network.isVisible()
    runner.trainer.step_epoch()
    assert np.isfinite(runner.trainer.history.train_loss[-1])
    # Back to a two-class toy set: one output unit, and a softmax would always say 1.
    panel.dataset.setCurrentIndex(panel.dataset.findData("xor"))
    panel.match_network.click()
    settle(state, qtbot)
    assert state.network.layer_sizes == (2, 6, 5, 1) and state.network.output_activation == "sigmoid"
    assert runner.trainer is not None


# -- per-layer activations -------------------------------------------------------------------------------
def test_a_layer_row_changes_that_layer_alone_and_training_follows(qtbot):
    state = NetworkState(Network([2, 4, 4, 1], activation="tanh", seed=3))
    data = TrainingData()
    runner = TrainingRunner(state, data)
    panel = ControlsPanel(state)
    qtbot.addWidget(panel)
    trainer = runner.trainer
    emitted = []
    state.settingsChanged.connect(lambda: emitted.append(1))
    combo = panel.findChild(QComboBox, "layerActivation_2")
    combo.setCurrentIndex(combo.findData("relu"))
    settle(state, qtbot)
    assert state.network.activations == ["tanh", "relu", "tanh"] and emitted == [1]
    assert runner.trainer is not trainer  # a new activation restarts the history
    # The global combo sets every hidden layer; it must notice the mixed layers even though the first is tanh.
    panel.findChild(QComboBox, "activation").setCurrentIndex(panel.findChild(QComboBox, "activation").findData("tanh"))
    state.set_activation("tanh")
    settle(state, qtbot)
    assert state.network.activations[:2] == ["tanh", "tanh"] and emitted == [1, 1]
    assert panel.findChild(QComboBox, "layerActivation_2").currentData() == "tanh"


def test_state_loss_setter_refuses_a_loss_the_output_cannot_take(qtbot):
    state = NetworkState(Network([2, 3, 3], activation="tanh", seed=3))
    with pytest.raises(ValueError, match="cross-entropy"):
        state.set_loss("cross_entropy")
    emitted = []
    state.settingsChanged.connect(lambda: emitted.append(1))
    state.set_layer_activation(2, "softmax")
    state.set_loss("cross_entropy")
    settle(state, qtbot)
    assert state.network.loss == "cross_entropy" and emitted == [1]
    state.set_layer_activation(2, "softmax")
    settle(state, qtbot)
    assert emitted == [1]  # nothing changed, nothing sent


def test_a_panel_behind_another_tab_waits_until_its_tab_is_raised(qtbot):
    from nnviz.gui.main_window import MainWindow

    window = MainWindow(Network([64, 8, 10], seed=2, output_activation="softmax"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.training_data.set_dataset("digits")
    window.fields_dock.raise_()
    qtbot.waitUntil(lambda: window.receptive_fields.n_units == 8)
    confusion = window.confusion
    qtbot.wait(20)
    assert confusion.matrix is None and confusion._refresh.stale  # off screen: nothing counted yet
    window.confusion_dock.raise_()
    qtbot.waitUntil(lambda: confusion.matrix is not None)
    assert confusion.matrix.sum() == len(window.training_data.y_test)
    window.document.maybe_save = lambda: True


def test_configure_orders_loss_and_output_so_that_every_step_is_valid(qtbot):
    state = NetworkState(Network([2, 3, 3], activation="tanh", seed=3))
    emitted = []
    state.settingsChanged.connect(lambda: emitted.append(1))
    state.configure(output_activation="softmax", loss="cross_entropy")  # the loss needs the new output
    assert state.network.activations == ["tanh", "softmax"] and state.network.loss == "cross_entropy"
    state.configure(layer_sizes=[2, 3, 1], output_activation="linear", loss="mse")  # the old output needed CE
    settle(state, qtbot)
    assert state.network.layer_sizes == (2, 3, 1) and state.network.output_activation == "linear"
    assert state.network.loss == "mse" and emitted == [1]  # one turn, one signal
