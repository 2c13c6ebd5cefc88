"""The dock widget: each workflow action gives the numbers of calling our function directly."""

from __future__ import annotations

import numpy as np
import pytest

from movement_like.annotations import apply_manual_corrections
from movement_like.napari import layer_to_dataset, workflow
from movement_like.napari.reader import read_layers
from movement_like.optical_flow import fill_gaps_optical_flow, reduce_jitter
from tests.napari.conftest import require

DENSE, MANUAL = "dlc_iteration-0_1000", "manual"


@pytest.fixture
def widget(clip, viewer, qtbot):
    require("napari")
    from napari.layers import Layer

    from movement_like.napari.widget import DUSTrackWidget

    for t in read_layers(clip["video"]):
        if t[2] != "image":  # offscreen Qt has no GL canvas for images; the widget needs none
            viewer.add_layer(Layer.create(*t))
    w = DUSTrackWidget(viewer)
    qtbot.addWidget(w)
    w.set_layers(MANUAL, DENSE)
    assert w.current_layer.name == MANUAL and w.overlay_layer.name == DENSE
    return w


def _ds(widget, name):
    return layer_to_dataset(next(layer for layer in widget.viewer.layers if layer.name == name))


def _wait(widget, qtbot):
    qtbot.waitUntil(lambda: not widget.busy, timeout=120_000)
    assert widget.last_error is None, widget.last_error


def test_frames_of_interest_mark_and_step(widget):
    widget.viewer.dims.set_current_step(0, 12)
    widget.toggle_frame_of_interest()
    widget.toggle_frame_of_interest(30)
    widget.toggle_frame_of_interest(4)
    assert widget.frames_of_interest == [4, 12, 30]
    widget.next_frame_of_interest()
    assert widget.frame == 30
    widget.previous_frame_of_interest()
    widget.previous_frame_of_interest()
    assert widget.frame == 4
    widget.toggle_frame_of_interest(12)
    assert widget.frames_of_interest == [4, 30]


@pytest.mark.parametrize("scope", ["frame", "marked", "interval"])
def test_copy_overlay_equals_the_function(widget, scope):
    current, overlay = _ds(widget, MANUAL), _ds(widget, DENSE)
    widget.viewer.dims.set_current_step(0, 7)
    for f in (3, 25):
        widget.toggle_frame_of_interest(f)
    widget.set_interval(12, 16)
    frames = {"frame": [7], "marked": [3, 25], "interval": list(range(12, 17))}[scope]
    widget.copy_overlay(scope)
    assert widget.last_error is None
    expected = workflow.copy_from_overlay(current, overlay, frames)
    np.testing.assert_array_equal(_ds(widget, MANUAL)["position"], expected["position"])
    # and it really copied: those frames now hold the overlay's points
    got = _ds(widget, MANUAL)["position"].sel(time=_ds(widget, MANUAL)["frame"].isin(frames))
    want = overlay["position"].sel(time=overlay["frame"].isin(frames))
    np.testing.assert_array_equal(got.values, want.values)


def test_one_keypoint_only(widget):
    current, overlay = _ds(widget, MANUAL), _ds(widget, DENSE)
    widget.keypoint_box.setCurrentText("1")
    widget.viewer.dims.set_current_step(0, 7)
    widget.copy_overlay("frame")
    expected = workflow.copy_from_overlay(current, overlay, [7], "1")
    np.testing.assert_array_equal(_ds(widget, MANUAL)["position"], expected["position"])
    assert np.isnan(_ds(widget, MANUAL)["position"].sel(keypoints="0").values[7]).all()


def test_fill_interval_equals_lk_rstc(widget, qtbot, clip):
    current, overlay = _ds(widget, MANUAL), _ds(widget, DENSE)
    widget.set_interval(10, 20)
    widget.fill_interval()
    _wait(widget, qtbot)
    got = _ds(widget, MANUAL)["position"]
    seeded = workflow.copy_from_overlay(current, overlay, [10, 20])
    direct = fill_gaps_optical_flow(
        seeded["position"], str(clip["video"]), start=10, end=20, progress=False
    )
    np.testing.assert_array_equal(got.values, direct.values)
    assert np.isfinite(got.values[10:21]).all()
    np.testing.assert_array_equal(got.values[[10, 20]], overlay["position"].values[[10, 20]])


@pytest.mark.parametrize("action", ["fill", "jitter"])
def test_progress_is_determinate_and_reaches_the_total(widget, qtbot, action):
    if action == "fill":
        widget.set_interval(5, 30)
        widget.fill_interval()
    else:
        widget.set_layers(DENSE, None)
        widget.reduce_jitter()
    assert widget.busy and widget.progress.isVisible() is not None
    _wait(widget, qtbot)
    qtbot.waitUntil(lambda: bool(widget.progress_steps), timeout=10_000)
    done = [d for d, _ in widget.progress_steps]
    total = widget.progress_steps[-1][1]
    assert total > 0 and done == sorted(done) and done[-1] == total
    assert widget.progress.maximum() == total and widget.progress.value() == total
    assert widget.worker.pbar.total == total and widget.worker.pbar.n == total


def test_apply_manual_corrections_makes_dlccorr(widget):
    current, overlay = _ds(widget, MANUAL), _ds(widget, DENSE)
    widget.apply_corrections()
    assert widget.last_error is None
    names = [layer.name for layer in widget.viewer.layers]
    assert "dlccorr" in names and "manual_manual_corrections" in names
    assert type(widget.viewer.layers["dlccorr"]).__name__ == "Tracks"
    direct = apply_manual_corrections(overlay, current)
    np.testing.assert_array_equal(_ds(widget, "dlccorr")["position"], direct["position"])
    assert widget.current_layer.name == "dlccorr"
    assert widget.overlay_layer.name == "manual_manual_corrections"


def test_reduce_jitter_equals_lkmovavg(widget, qtbot, clip):
    widget.set_layers(DENSE, None)
    widget.window_box.setValue(0.2)
    dense = _ds(widget, DENSE)
    widget.reduce_jitter()
    _wait(widget, qtbot)
    name = "dlc_iteration-0_0.200"  # DUSTrack's name for a DLC trace's lkmovavg
    assert name in [layer.name for layer in widget.viewer.layers]
    direct = reduce_jitter(dense["position"], str(clip["video"]), window=0.2, progress=False)
    np.testing.assert_array_equal(_ds(widget, name)["position"].values, direct.values)


def test_errors_are_shown_not_raised(widget):
    widget.set_layers(MANUAL, None)
    widget.copy_overlay("frame")
    assert "overlay" in str(widget.last_error)


def test_save_never_overwrites_unasked(widget, tmp_path):
    target = tmp_path / "clip_annotations_manual.json"
    widget.save_current(target)
    with pytest.raises(FileExistsError):
        widget.save_current(target)
    widget.save_current(target, overwrite=True)
    state = widget.save_state(tmp_path / "state.nc")
    assert state.exists()


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("dlccorr", "dlccorr_lkmovavg_0.500"),
        ("dlc_iteration-2_250000", "dlc_iteration-2_0.500"),
        ("iteration-2", "iteration-2_lkmovavg_0.500"),
    ],
)
def test_jitter_names_follow_dustrack(source, name):
    assert workflow.jitter_layer_name(source, 0.5) == name


def test_widget_screenshot_for_the_docs(widget):
    from pathlib import Path

    target = Path(__file__).resolve().parents[2] / "docs" / "images" / "napari_widget.png"
    widget.resize(420, 700)
    image = widget.grab()
    assert image.width() > 100 and image.height() > 100
    assert image.save(str(target))


def test_new_manual_layer_then_correct_then_dlccorr(widget):
    overlay = _ds(widget, DENSE)
    widget.new_manual_layer()
    assert widget.last_error is None
    layer = widget.current_layer
    assert layer.name == "manual-1" and len(layer.data) == 0
    layer.feature_defaults = {"individual": "individual_0", "keypoint": "2", "confidence": np.nan}
    layer.add([[6, 33.0, 44.0]])  # the one correction, drawn in napari
    widget.apply_corrections()
    corrected = _ds(widget, "dlccorr")["position"]
    expected = overlay["position"].copy()
    expected[6, 0, 2] = [44.0, 33.0]
    np.testing.assert_array_equal(corrected.values, expected.values)


def test_undo_restores_the_layer_before_a_copy(widget):
    before = _ds(widget, MANUAL)
    widget.viewer.dims.set_current_step(0, 7)
    widget.copy_overlay("frame")
    assert not np.array_equal(_ds(widget, MANUAL)["position"], before["position"], equal_nan=True)
    assert widget.undo()
    np.testing.assert_array_equal(_ds(widget, MANUAL)["position"], before["position"])
    assert not widget.undo()


def test_renaming_a_layer_in_napari_keeps_it_chosen(widget):
    widget.current_layer.name = "mine"
    assert widget.current_box.currentText() == "mine"
    assert widget.current_layer.name == "mine"
