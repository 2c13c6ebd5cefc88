"""Undo and redo of point edits: Ctrl+Z puts the dataset back exactly, Ctrl+Shift+Z again.

The edits go through napari as a user makes them: a drag with the mouse
(napari's own select-mode mouse binding, fed mouse events), a point added in
add mode, the selected point deleted; the keys are the layer's own bindings.
"""

from __future__ import annotations

import numpy as np
import pytest

from movement_like.io.formats.dustrack import from_dustrack_file
from movement_like.napari import layer_to_dataset
from movement_like.napari.history import EditHistory, edit_history
from movement_like.napari.reader import read_layers
from tests.napari.conftest import require
from tests.napari.mouse import drag, press_key

MANUAL = "manual"


@pytest.fixture
def points(clip, viewer):
    require("napari")
    from napari.layers import Layer

    for t in read_layers(clip["video"], viewer=viewer):
        if t[2] != "image":  # offscreen Qt has no GL canvas for images
            viewer.add_layer(Layer.create(*t))
    layer = viewer.layers[MANUAL]
    viewer.layers.selection.active = layer
    assert edit_history(layer) is not None  # the reader's viewer set-up tracks our layers
    return layer


def _edit_three_ways(layer, viewer):
    frame = int(layer.data[0, 0])
    viewer.dims.set_current_step(0, frame)
    start = layer.data[0].copy()
    drag(layer, start, start + [0, 4.0, -3.0])
    assert not np.allclose(layer.data[0], start)  # it moved
    layer.mode = "add"
    layer.feature_defaults = {"individual": "individual_0", "keypoint": "1", "confidence": 0.5}
    layer.add([[frame + 1, 30.0, 40.0]])
    layer.mode = "select"
    layer.selected_data = {len(layer.data) - 2}
    layer.remove_selected()


def test_three_edits_undone_thrice_are_gone_and_redone_are_back(points, viewer, tmp_path):
    original = layer_to_dataset(points)
    colours, sizes = points.face_color.copy(), points.size.copy()
    _edit_three_ways(points, viewer)
    edited = layer_to_dataset(points)
    assert not edited["position"].equals(original["position"])
    assert len(edit_history(points).undo_stack) == 3  # one step per edit, a drag is one
    for _ in range(3):
        assert press_key(points) is not False  # Ctrl+Z
    assert edit_history(points).undo() is False  # nothing older
    again = layer_to_dataset(points)
    np.testing.assert_array_equal(again["position"].values, original["position"].values)
    np.testing.assert_array_equal(again["confidence"].values, original["confidence"].values)
    np.testing.assert_array_equal(points.face_color, colours)  # drawn as before, too
    np.testing.assert_array_equal(points.size, sizes)
    # saving after undo writes the undone state
    from movement_like.napari.saving import save_layer

    saved = from_dustrack_file(save_layer(points, tmp_path / "clip_annotations_manual.json"))
    np.testing.assert_array_equal(saved["position"].values, original["position"].values)
    for _ in range(3):
        press_key(points, shift=True)  # Ctrl+Shift+Z
    redone = layer_to_dataset(points)
    np.testing.assert_array_equal(redone["position"].values, edited["position"].values)
    np.testing.assert_array_equal(redone["confidence"].values, edited["confidence"].values)


def test_a_new_edit_after_undo_drops_the_redo_steps(points, viewer):
    _edit_three_ways(points, viewer)
    history = edit_history(points)
    history.undo()
    points.add([[3, 10.0, 10.0]])
    assert not history.redo_stack and history.redo() is False


def test_the_history_is_bounded(points):
    history = EditHistory(points, limit=3)
    for i in range(6):
        history.record()
        assert len(history.undo_stack) == min(i + 1, 3)
    one = history.undo_stack[0].nbytes
    small = EditHistory(points, limit=10, max_bytes=2 * one)
    for _ in range(5):
        small.record()
    assert len(small.undo_stack) == 2


def test_widget_undo_and_redo_act_on_the_current_layer(points, viewer, qtbot):
    from movement_like.napari.widget import DUSTrackWidget

    widget = DUSTrackWidget(viewer)
    qtbot.addWidget(widget)
    widget.set_layers(MANUAL, "dlc_iteration-0_1000")
    before = layer_to_dataset(points)
    viewer.dims.set_current_step(0, 7)
    widget.copy_overlay("frame")
    copied = layer_to_dataset(points)
    assert widget.undo() and layer_to_dataset(points)["position"].equals(before["position"])
    assert widget.redo() and layer_to_dataset(points)["position"].equals(copied["position"])
