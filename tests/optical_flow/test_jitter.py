"""reduce_jitter (DUSTrack's lkmovavg): noise reduction, faithfulness, ranges, input checks."""

import numpy as np
import pytest
import xarray as xr

from movement_like.dataset import read_log
from movement_like.optical_flow import VideoReader, reduce_jitter, window_frames

from . import reference


@pytest.fixture(scope="module")
def noisy(curved_truth):
    rng = np.random.default_rng(7)
    position = curved_truth.position
    return position.copy(data=position.values + rng.normal(0.0, 2.0, position.shape))


def _rmse(a, b):
    return float(np.sqrt(np.mean(np.sum((a - b) ** 2, axis=-1))))


def test_window_rounding_is_pythons():
    assert window_frames(0.5, 30) == 15
    assert window_frames(0.5, 25) == 12  # 12.5 rounds half to even
    assert window_frames(0.5, 67) == 34
    assert window_frames(0.3, 30) == 9


def test_noise_is_cut_and_clean_paths_pass_through(curved_truth, noisy):
    video = curved_truth.attrs["video_path"]
    truth = curved_truth.position.values
    smoothed = reduce_jitter(noisy, video, window=0.5, progress=False)
    assert _rmse(noisy.values, truth) >= 3 * _rmse(smoothed.values, truth)
    clean = reduce_jitter(curved_truth.position, video, window=0.5, progress=False)
    assert np.abs(clean.values - truth).max() <= 0.1
    assert smoothed.attrs["lkmovavg_window_frames"] == 15
    assert read_log(smoothed)[-1]["operation"] == "reduce_jitter"
    assert smoothed.name == "position" and smoothed.dims == noisy.dims


def test_matches_the_per_window_reference(curved_truth, curved_frames, noisy):
    ours = reduce_jitter(noisy, curved_truth.attrs["video_path"], window=0.5, progress=False)
    ref = reference.lkmovavg(noisy.values[:, 0], curved_frames, 15)
    assert np.abs(ours.values[:, 0] - ref).max() <= 0.01
    # first and last frames are one window's anchors: the input
    np.testing.assert_array_equal(ours.values[[0, -1]], noisy.values[[0, -1]])


def test_threads_and_chunking_do_not_change_the_result(curved_truth, noisy, monkeypatch):
    video = curved_truth.attrs["video_path"]
    one = reduce_jitter(noisy, video, window=0.3, progress=False, threads=1)
    import movement_like.optical_flow.tracks as tracks

    monkeypatch.setattr(tracks, "DEFAULT_BUFFER_BYTES", 320 * 240 * 64 * 3)  # 64-frame chunks
    two = reduce_jitter(noisy, video, window=0.3, progress=False, threads=2)
    # only the order of the sums differs
    np.testing.assert_allclose(one.values, two.values, rtol=0, atol=1e-9)


def test_windows_stack(curved_truth, noisy):
    out = reduce_jitter(
        noisy, curved_truth.attrs["video_path"], window=0.2, return_windows=True, progress=False
    )
    assert isinstance(out, xr.Dataset)
    n = out.position.attrs["lkmovavg_window_frames"]
    assert out.windows.sizes["window_slot"] == n == 6
    coverage = np.isfinite(out.windows.values[..., 0, 0, 0]).sum(axis=0)
    np.testing.assert_array_equal(coverage[:7], [1, 2, 3, 4, 5, 6, 6])
    np.testing.assert_array_equal(coverage[-3:], [3, 2, 1])
    mean = np.nanmean(out.windows.values, axis=0)
    np.testing.assert_allclose(mean[1:-1], out.position.values[1:-1], atol=1e-9)
    # a window's own path runs from its first anchor to its last
    start = 40
    slot = start % n
    path = out.windows.values[slot, start : start + n, 0, 2]
    np.testing.assert_allclose(path[0], noisy.values[start, 0, 2], atol=1e-4)
    np.testing.assert_allclose(path[-1], noisy.values[start + n - 1, 0, 2], atol=1e-4)


def test_range_keypoints_and_incomplete(curved_truth, noisy):
    video = curved_truth.attrs["video_path"]
    part = reduce_jitter(noisy, video, start=30, end=89, keypoints=["keypoint_1"], progress=False)
    changed = np.any(part.values != noisy.values, axis=-1)[:, 0]
    assert changed[31:89, 1].all()
    assert not changed[:31].any() and not changed[89:].any() and not changed[:, [0, 2, 3, 4]].any()
    holes = noisy.copy(deep=True)
    holes.values[50, 0, 3] = np.nan
    with pytest.raises(ValueError, match="keypoint_3.*skip_incomplete"):
        reduce_jitter(holes, video, progress=False)
    with pytest.warns(UserWarning, match="keypoint_3"):
        skipped = reduce_jitter(holes, video, skip_incomplete=True, progress=False)
    np.testing.assert_array_equal(skipped.values[:, 0, 3], holes.values[:, 0, 3])
    assert np.any(skipped.values[:, 0, 0] != holes.values[:, 0, 0])
    # outside the range the hole does not matter
    reduce_jitter(holes, video, start=60, progress=False)


def test_bad_windows_and_fps(curved_truth, noisy, tmp_path):
    video = curved_truth.attrs["video_path"]
    with pytest.raises(ValueError, match="at least 2"):
        reduce_jitter(noisy, video, window=0.01, progress=False)
    with pytest.raises(ValueError, match="longer than"):
        reduce_jitter(noisy, video, window=10.0, progress=False)
    # an explicit fps overrides the video's
    out = reduce_jitter(noisy, VideoReader(video), window=0.5, fps=12, progress=False)
    assert out.attrs["lkmovavg_window_frames"] == 6
