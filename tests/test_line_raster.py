"""Dense fans' pictures: drawn again from the first changed line, here or in the raster worker, always
with the pixels of a fresh drawing."""

import tempfile
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage, QPainter

from nnviz.core import Network
from nnviz.gui.appearance import Appearance
from nnviz.gui.network_view import NetworkView, raster_worker
from nnviz.gui.network_view.line_raster import LineRaster
from nnviz.gui.network_view.raster_worker import RasterWorker
from nnviz.gui.state import NetworkState
from nnviz.pen_canvas import CLIP_MARGIN_PX, MAX_PENS, PenCanvas, pen_ink, visible_parts


def pixels(image: QImage) -> np.ndarray:
    return np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine()).copy()


def shown_view(qtbot, network: Network, inputs) -> tuple[NetworkState, NetworkView]:
    """A view of ``network`` shown at 900 × 600 and painted once."""
    state = NetworkState(network, inputs=inputs)
    view = NetworkView(state, Appearance())
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    qtbot.waitUntil(lambda: view._edge_items and view._edge_items[0]._cache is not None)  # laid out, painted
    return state, view


def changing_fan(seed: int, steps: int):
    """``(points, ink, width, height)`` of a fan changing as the view's do: a line moves, changes pen,
    lines go or come at the end, the zoom changes."""
    rng = np.random.default_rng(seed)
    points, ink = rng.uniform(-5, 65, (300, 4)), rng.integers(1, 6, 300).astype(np.uint8)
    for step in range(steps):
        change = step % 6
        if change == 0:
            points = points.copy()
            points[rng.integers(len(points))] = rng.uniform(0, 60, 4)
        elif change == 1:
            ink = ink.copy()
            ink[rng.integers(len(ink))] = rng.integers(1, 6)
        elif change == 2:
            keep = int(rng.integers(0, len(points) + 1))
            points, ink = points[:keep], ink[:keep]
        elif change == 3:
            more = int(rng.integers(0, 80))
            points, ink = np.r_[points, rng.uniform(0, 60, (more, 4))], np.r_[ink, rng.integers(1, 6, more)]
        yield points, ink.astype(np.uint8), *((64, 64) if step % 11 else (70, 50))


def test_every_picture_of_a_changing_fan_is_the_fresh_one():
    canvas = PenCanvas()
    for step, (points, ink, width, height) in enumerate(changing_fan(3, 200)):
        assert canvas.draw(points, ink, width, height) == PenCanvas().draw(points, ink, width, height), step


def test_an_unchanged_fan_is_neither_drawn_nor_coloured_again_and_painting_on_it_changes_no_later_picture(qapp):
    rng = np.random.default_rng(4)
    points, ink = rng.uniform(0, 40, (50, 4)), rng.integers(1, 4, 50).astype(np.uint8)
    colors = rng.integers(0, 256, (3, 3))
    canvas, raster = PenCanvas(), LineRaster()
    pens = canvas.draw(points, ink, 40, 40)
    assert canvas.draw(points.copy(), ink.copy(), 40, 40) is pens
    first = raster.coloured(pens, colors, 40, 40)
    clean = pixels(first)
    painter = QPainter(first)  # as the view paints a selection's halo on top
    painter.fillRect(0, 0, 40, 40, QColor("white"))
    painter.end()
    again = raster.coloured(pens, colors, 40, 40)
    np.testing.assert_array_equal(pixels(again), clean)
    assert raster.coloured(bytes(pens), colors, 40, 40).cacheKey() == again.cacheKey()  # equal pens: shared
    assert raster.coloured(pens, colors[::-1], 40, 40).cacheKey() != again.cacheKey()  # new colours


def test_later_lines_cover_earlier_ones_in_their_pen_colour(qapp):
    points = np.array([[0.0, 5.0, 9.0, 5.0], [5.0, 0.0, 5.0, 9.0]])
    colors = np.array([[255, 0, 0], [0, 0, 255]])
    pens = PenCanvas().draw(points, pen_ink(np.array([0, 1]), len(colors)), 10, 10)
    image = LineRaster().coloured(pens, colors, 10, 10)
    assert image.pixelColor(5, 5).getRgb() == (0, 0, 255, 255)  # the second line, on top
    assert image.pixelColor(2, 5).getRgb() == (255, 0, 0, 255)
    assert image.pixelColor(2, 2).alpha() == 0  # no line: transparent


def test_too_many_pens_are_refused():
    with pytest.raises(ValueError, match="at most 255 pens"):
        pen_ink(np.zeros(1, int), MAX_PENS + 1)


@pytest.fixture
def worker(qtbot):
    worker = RasterWorker()
    qtbot.waitUntil(worker.is_ready, timeout=30_000)
    yield worker
    worker.close()


def test_the_worker_draws_the_pictures_drawn_here_and_forgotten_ones_are_not_kept(worker, monkeypatch):
    made = []
    mkstemp = tempfile.mkstemp

    def spy(**kwargs):
        descriptor, path = mkstemp(**kwargs)
        made.append(path)
        return descriptor, path

    monkeypatch.setattr(tempfile, "mkstemp", spy)
    here = {0: PenCanvas(), 1: PenCanvas()}
    for step, (points, ink, width, height) in enumerate(changing_fan(5, 61)):
        fan = step % 2
        ticket = worker.submit(fan, points, ink, width, height)
        if step % 7 == 3:  # a picture the view no longer needs (new strokes before the paint)
            worker.forget(ticket)
            here[fan].draw(points, ink, width, height)
            continue
        assert worker.collect(ticket) == here[fan].draw(points, ink, width, height), step
    assert not worker._answered and not worker._forgotten and not worker._unmapped
    assert made and not any(Path(path).exists() for path in made)  # deleted once the process had mapped them
    worker.drop(0)
    points, ink, width, height = next(changing_fan(6, 1))
    assert worker.collect(worker.submit(0, points, ink, width, height)) == PenCanvas().draw(points, ink, width, height)


def test_a_resized_view_asks_the_worker_for_its_fitted_pictures_only(qtbot, monkeypatch, worker):
    """A resize refits the view: its dense fans are asked of the worker at the fitted zoom, once, and none is
    drawn here (asked before the fit, they were forgotten, and filled the worker's queue)."""
    monkeypatch.setattr(raster_worker, "_shared", worker)
    state, view = shown_view(qtbot, Network([784, 128, 64, 10], seed=3), np.random.default_rng(2).random(784))
    dense = [item for item in view._edge_items if item.delegated is not None or len(item.edges) > 2000]
    assert dense
    forgotten, drawn_here = [], []
    forget = worker.forget
    monkeypatch.setattr(worker, "forget", lambda ticket: forgotten.append(ticket) or forget(ticket))
    for item in dense:
        draw_image = item._draw_image
        monkeypatch.setattr(item, "_draw_image", lambda *args, draw=draw_image: drawn_here.append(1) or draw(*args))
    before = [item._cache for item in dense]
    view.resize(860, 560)
    qtbot.waitUntil(lambda: all(item._cache is not old for item, old in zip(dense, before)))
    assert not forgotten and not drawn_here


def test_after_a_zoom_the_pictures_drawn_here_are_drawn_before_the_items_paint(qtbot, monkeypatch, worker):
    """The worker's fans are asked first, then this process draws its own pictures while the worker draws; the
    paint only collects the worker's (it used to wait for them, then draw the wide fan)."""
    monkeypatch.setattr(raster_worker, "_shared", worker)
    state, view = shown_view(qtbot, Network([784, 128, 64, 10], seed=3), np.random.default_rng(2).random(784))
    events = []
    for layer, item in enumerate(view._edge_items):
        draw_image, paint = item._draw_image, item.paint
        monkeypatch.setattr(item, "_draw_image",
                            lambda *args, draw=draw_image, layer=layer: events.append(("drawn", layer)) or draw(*args))
        monkeypatch.setattr(item, "paint",
                            lambda *args, paint=paint, layer=layer: events.append(("painted", layer)) or paint(*args))
    view._viewbox.scaleBy((1 / 1.05, 1 / 1.05))
    qtbot.waitUntil(lambda: any(kind == "painted" for kind, _ in events))
    drawn = [layer for kind, layer in events if kind == "drawn"]
    assert drawn == [2]  # the 640 wide lines of 64 → 10; the two dense fans are the worker's
    assert events.index(("drawn", 2)) < events.index(("painted", 0))


def test_when_the_worker_dies_the_view_draws_its_fans_itself(worker):
    points, ink, width, height = next(changing_fan(7, 1))
    ticket = worker.submit(0, points, ink, width, height)
    worker._process.kill()
    worker._process.wait()
    assert worker.collect(ticket) in (None, PenCanvas().draw(points, ink, width, height))  # it may have answered
    assert worker.submit(0, points, ink, width, height) is None
    assert worker.collect(ticket + 1) is None


@pytest.mark.parametrize("selected", [False, True])  # fans worked out in the worker from weights, or sent as lines
def test_a_view_draws_the_same_picture_with_and_without_the_worker(qtbot, monkeypatch, worker, selected):
    def trained_view_picture():
        """A view's picture after a training step moved the weights (its fans asked as soon as known)."""
        state, view = shown_view(qtbot, Network([784, 128, 64, 10], seed=3), np.random.default_rng(2).random(784))
        if selected:
            view.select_node(2, 7)
        collected.clear()  # the training step's pictures only
        state.network.weights[0][:5] *= 3.0
        state.notify_weights_changed()
        state.flush()
        picture = pixels(view.viewport().grab().toImage())
        view.close()
        return picture

    collected = []
    collect = worker.collect_fan
    monkeypatch.setattr(worker, "collect_fan", lambda ticket: collected.append(collect(ticket)) or collected[-1])
    monkeypatch.setattr(raster_worker, "_shared", worker)
    through_worker = trained_view_picture()
    assert collected and all(answer is not None for answer in collected)  # drawn in the worker, and used
    worked_out = [answer[1] is not None for answer in collected]  # measures: worked out from the weights
    assert any(worked_out) == (not selected)

    here = RasterWorker()
    here.close()  # given up before it starts: every fan drawn in this process
    monkeypatch.setattr(raster_worker, "_shared", here)
    np.testing.assert_array_equal(trained_view_picture(), through_worker)


def test_lines_are_cut_to_the_picture_and_the_rest_dropped():
    rng = np.random.default_rng(9)
    points = rng.uniform(-2000, 2000, (500, 4))
    points[:50] = rng.uniform(0, 60, (50, 4))  # inside: kept whole
    points[50] = [-100, 10, -100, 50]  # upright, left of the picture
    points[51] = [-100, -100, -50, 1000]  # slanted, left of it all along
    parts, kept = visible_parts(points, 64, 48)
    assert kept[:50].all() and not kept[50] and not kept[51]
    np.testing.assert_array_equal(parts[:50], points[:50])
    margin = CLIP_MARGIN_PX + 1e-9
    assert ((parts[:, 0::2] >= -margin) & (parts[:, 0::2] <= 64 + margin)).all()
    assert ((parts[:, 1::2] >= -margin) & (parts[:, 1::2] <= 48 + margin)).all()
    original = points[kept]
    for ends in (parts[:, :2], parts[:, 2:]):  # on the line it was cut from, between its ends
        along = ends - original[:, :2]
        direction = original[:, 2:] - original[:, :2]
        np.testing.assert_allclose(along[:, 0] * direction[:, 1], along[:, 1] * direction[:, 0], atol=1e-6 * 4000 ** 2)
    # A line crossing the picture is kept; one that misses it (sampled densely) is dropped.
    t = np.linspace(0, 1, 4001)[None, :, None]
    samples = original[:, None, :2] + t * (original[:, None, 2:] - original[:, None, :2])
    assert (((samples[..., 0] >= -CLIP_MARGIN_PX) & (samples[..., 0] <= 64 + CLIP_MARGIN_PX)
             & (samples[..., 1] >= -CLIP_MARGIN_PX) & (samples[..., 1] <= 48 + CLIP_MARGIN_PX)).any(axis=1)).all()


def test_training_steps_go_to_the_worker_and_edits_are_drawn_here_with_the_pictures_of_a_fresh_view(
        qtbot, monkeypatch, worker):
    """The largest dense fan's strokes are worked out in the worker from its weights while they all move; an
    edit of one weight moves one edge here instead; either way the view shows what a view drawing all in
    this process shows."""
    monkeypatch.setattr(raster_worker, "_shared", worker)
    rng = np.random.default_rng(4)
    state, view = shown_view(qtbot, Network([784, 128, 64, 10], seed=5), rng.random(784))
    fan = view._edge_items[0]
    here = RasterWorker()
    here.close()  # given up: the reference view draws every fan in this process

    def reference():
        monkeypatch.setattr(raster_worker, "_shared", here)
        _, other = shown_view(qtbot, state.network.copy(), state.inputs)
        other._viewbox.setRange(xRange=view._viewbox.viewRange()[0], yRange=view._viewbox.viewRange()[1], padding=0)
        picture = pixels(other.viewport().grab().toImage())
        other.close()
        monkeypatch.setattr(raster_worker, "_shared", worker)
        return picture

    weights = state.network.weights[0]
    for step, change in enumerate(["train", "train", "edit", "edit", "train", "edit"]):
        if change == "train":
            for layer_weights in state.network.weights:
                layer_weights += 0.02 * rng.standard_normal(layer_weights.shape) * np.abs(layer_weights).mean()
            state.notify_weights_changed()
        else:
            to, frm = np.unravel_index(np.argmax(np.abs(weights)), weights.shape)  # a painted edge
            state.set_weight(0, int(to), int(frm), -0.9 * float(weights[to, frm]))
        state.flush()
        shown = pixels(view.viewport().grab().toImage())
        assert (fan.delegated is not None) == (change == "train"), step
        np.testing.assert_array_equal(shown, reference(), err_msg=f"step {step}: {change}")
