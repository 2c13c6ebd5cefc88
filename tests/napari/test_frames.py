"""The lazy video array: right frames, read ahead in a bounded cache, stopped when closed.

And the viewer set-up the reader does: an empty viewer starts at frame 0 (the
middle frame is never decoded), and a video layer's decoder stops when the
layer leaves the viewer. napari's ``ViewerModel`` (no Qt) is enough for both.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

from movement_like.napari.frames import VideoFrames
from movement_like.napari.reader import read_layers
from movement_like.video import VideoReader
from tests.napari.conftest import require


@pytest.fixture(scope="module")
def truth(clip):
    with VideoReader(clip["video"]) as reader:
        return np.stack([g for _, g in reader.read_gray()])


def test_without_read_ahead_only_what_is_asked_is_decoded(clip, truth):
    frames = VideoFrames(clip["video"])
    for i in (0, 5, 6, 20):
        np.testing.assert_array_equal(frames[i], truth[i])
    assert frames.decoded == 4 and not frames.reading_ahead  # no thread unless asked
    frames.close()


def test_read_ahead_makes_the_next_step_a_cache_hit(clip, truth):
    frames = VideoFrames(clip["video"], cache_frames=10, read_ahead=4)
    frames[3]
    assert frames.wait(timeout=30)
    hits = frames.hits
    for i in range(4, 8):  # each step was decoded ahead while the previous one was shown
        np.testing.assert_array_equal(frames[i], truth[i])
        assert frames.wait(timeout=30)
    assert frames.hits == hits + 4
    frames.close()
    assert not frames.reading_ahead


def test_stepping_through_stays_bounded_and_exact(clip, truth):
    frames = VideoFrames(clip["video"], cache_frames=6, read_ahead=20)
    assert frames.read_ahead == 4  # the window always fits in the cache
    for i in [*range(len(truth)), *range(len(truth) - 1, -1, -3)]:
        np.testing.assert_array_equal(frames[i], truth[i])
        assert len(frames._cache) <= 6
    assert frames[2:5].shape == (3, *truth.shape[1:])
    np.testing.assert_array_equal(frames[7:8, 10:20, 5], truth[7:8, 10:20, 5])
    frames.close()


def test_many_threads_asking_at_once_get_the_right_frames(clip, truth):
    frames = VideoFrames(clip["video"], cache_frames=8, read_ahead=5)
    rng = np.random.default_rng(1)
    wrong: list[int] = []

    def ask(seed: int) -> None:
        for i in np.random.default_rng(seed).integers(0, len(truth), 40):
            if not np.array_equal(frames[int(i)], truth[i]):
                wrong.append(int(i))

    workers = [threading.Thread(target=ask, args=(int(s),)) for s in rng.integers(0, 99, 4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert not wrong
    frames.close()


def test_a_dropped_array_stops_its_thread(clip):
    import gc

    frames = VideoFrames(clip["video"], read_ahead=4)
    frames[0]
    frames[9]  # a new request while reading ahead: the thread drops its stale work
    assert frames.wait(timeout=30)
    thread = frames._thread
    del frames
    gc.collect()
    thread.join(timeout=10)
    assert not thread.is_alive()


def _model():
    require("napari")
    from napari.components import ViewerModel

    return ViewerModel()


def _add(viewer, tuples):
    from napari.layers import Layer

    return [viewer.add_layer(Layer.create(*t)) for t in tuples]


def test_reader_viewer_starts_at_frame_0_and_never_decodes_the_middle(clip, truth):
    viewer = _model()
    tuples = read_layers(clip["video"], viewer=viewer)
    layers = _add(viewer, tuples)
    frames = tuples[0][0]
    assert isinstance(frames, VideoFrames)
    assert viewer.dims.current_step[0] == 0
    np.testing.assert_array_equal(np.asarray(layers[0]._slice.image.raw)[..., :], truth[0])
    frames.wait(timeout=30)
    middle = (len(truth) - 1) // 2
    assert middle not in frames._cache and max(frames._cache) <= frames.read_ahead
    # the points shown are those of frame 0, and stepping still works as napari's
    points = next(layer for layer in layers if type(layer).__name__ == "Points")
    shown = points.data[points._view_indices]
    assert len(shown) and (shown[:, 0] == 0).all()
    viewer.dims.set_current_step(0, 17)
    np.testing.assert_array_equal(np.asarray(layers[0]._slice.image.raw), truth[17])
    viewer.layers.clear()
    assert not frames.reading_ahead  # removing the layer stopped its decoder


def test_a_viewer_with_layers_is_left_alone(clip):
    viewer = _model()
    import napari.layers

    viewer.add_layer(napari.layers.Points(np.array([[30.0, 1, 1], [0, 2, 2]])))
    assert viewer.dims.current_step[0] == 15  # napari's middle
    _add(viewer, read_layers(clip["video"], viewer=viewer))
    assert viewer.dims.current_step[0] == 15


def test_a_failed_first_insert_never_leaves_the_sliders_blocked():
    import napari.layers

    from movement_like.napari.viewer_setup import start_at_first_frame

    class Unreadable:  # a lazy array that breaks after its first frame: napari's add fails
        shape, dtype, ndim, size = (5, 4, 4), np.dtype(np.uint8), 3, 80
        reads = 0

        def __getitem__(self, key):
            self.reads += 1
            if self.reads > 1:
                raise OSError("cannot read")
            return np.zeros((1, 4, 4), np.uint8)

    viewer = _model()
    start_at_first_frame(viewer)
    broken = napari.layers.Image(Unreadable(), contrast_limits=(0, 255))
    with pytest.raises(OSError):
        viewer.add_layer(broken)  # fails inside napari's insert, after the hold began
    viewer.layers.clear()
    viewer.add_layer(napari.layers.Points(np.array([[30.0, 1, 1], [0, 2, 2]])))
    assert not viewer.dims.events.point.blocked()
    assert not viewer.dims.events.current_step.blocked()
    viewer.dims.set_current_step(0, 9)
    assert viewer.dims.current_step[0] == 9
