"""RSTC weights and gap filling: exactness, accuracy on known motion, faithfulness, input checks."""

import numpy as np
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

from movement_like.dataset import read_log
from movement_like.errors import FileFormatError, InvalidDatasetError
from movement_like.optical_flow import (
    FILLED_COORD,
    fill_gaps_optical_flow,
    rstc_track,
    rstc_weights,
)
from movement_like.sample_data.synthetic import make_synthetic_video

from . import reference

DUSTRACK_15 = [
    1.0,
    0.9907,
    0.9733,
    0.9413,
    0.8852,
    0.7939,
    0.6617,
    0.5,
    0.3383,
    0.2061,
    0.1148,
    0.0587,
    0.0267,
    0.0093,
    0.0,
]


def test_weights_for_15_frames_match_dustrack_md():
    forward, reverse = rstc_weights(15)
    np.testing.assert_allclose(forward, DUSTRACK_15, atol=5e-5)
    assert forward[0] == 1.0 and forward[-1] == 0.0
    assert reverse[0] == 0.0 and reverse[-1] == 1.0
    assert forward[7] == pytest.approx(0.5, abs=1e-15)
    ref_f, ref_r = reference.sigmoid_weights(15)
    np.testing.assert_allclose(forward, ref_f, atol=1e-15)
    np.testing.assert_allclose(reverse, ref_r, atol=1e-15)


@given(st.integers(2, 2000))
def test_weights_exact_at_ends_and_sum_to_one(n):
    forward, reverse = rstc_weights(n)
    assert (forward[0], forward[-1], reverse[0], reverse[-1]) == (1.0, 0.0, 0.0, 1.0)
    np.testing.assert_allclose(forward + reverse, 1.0, atol=1e-15)
    assert np.all(np.diff(forward) <= 0)
    np.testing.assert_allclose(forward, reverse[::-1], atol=1e-15)


def test_weights_need_two_frames():
    with pytest.raises(ValueError, match="at least 2"):
        rstc_weights(1)


def test_rstc_track_matches_reference_and_pins_anchors(curved, curved_frames):
    s, e = 40, 71
    ours = rstc_track(curved.path, s, e, curved.positions[s], curved.positions[e])
    ref = reference.rstc(curved_frames[s : e + 1], curved.positions[s], curved.positions[e])
    np.testing.assert_allclose(ours[1:-1], ref[1:-1], atol=1e-6)
    np.testing.assert_array_equal(ours[0], curved.positions[s])
    np.testing.assert_array_equal(ours[-1], curved.positions[e])


def _with_gaps(position, gaps):
    """Copy ``position`` with NaN over ``gaps = [(keypoint index, first, last)]``."""
    sparse = position.copy(deep=True)
    for k, a, b in gaps:
        sparse.values[a : b + 1, 0, k] = np.nan
    return sparse


GAPS = [
    (0, 10, 39),
    (0, 70, 99),
    (1, 25, 54),
    (2, 100, 129),
    (3, 5, 34),
    (4, 60, 89),
    (4, 110, 139),
    (1, 90, 91),
    (2, 50, 50),
]


def test_fill_accuracy_on_curved_motion(curved_truth):
    truth = curved_truth.position
    sparse = _with_gaps(truth, GAPS)
    filled = fill_gaps_optical_flow(sparse, curved_truth.attrs["video_path"], progress=False)
    linear = sparse.interpolate_na(dim="time", method="linear")
    gap = np.isnan(sparse.values[..., 0])
    long_gap = gap.copy()
    long_gap[:, 0, 1][90:92] = False
    long_gap[:, 0, 2][50] = False
    err = np.linalg.norm(filled.values - truth.values, axis=-1)[long_gap]
    err_linear = np.linalg.norm(linear.values - truth.values, axis=-1)[long_gap]
    rmse, rmse_linear = np.sqrt(np.mean(err**2)), np.sqrt(np.mean(err_linear**2))
    assert rmse <= 0.1
    assert rmse <= 0.25 * rmse_linear
    assert rmse_linear > 1.0  # the paths really are curved over 30 frames


def test_fill_matches_the_per_window_reference(curved_truth, curved_frames):
    sparse = _with_gaps(curved_truth.position, GAPS)
    for method in ("rstc", "forward"):
        ours = fill_gaps_optical_flow(
            sparse, curved_truth.attrs["video_path"], method=method, progress=False
        )
        ref = reference.fill_gaps(sparse.values[:, 0], curved_frames, method=method)
        assert np.array_equal(np.isnan(ours.values[:, 0]), np.isnan(ref))
        assert np.nanmax(np.abs(ours.values[:, 0] - ref)) <= 0.01


def test_fill_keeps_annotations_bit_exact_and_records_what_it_filled(curved_truth):
    truth = curved_truth.position
    sparse = _with_gaps(truth, GAPS)
    filled = fill_gaps_optical_flow(sparse, curved_truth.attrs["video_path"], progress=False)
    known = ~np.isnan(sparse.values)
    np.testing.assert_array_equal(filled.values[known], sparse.values[known])
    assert filled.dims == truth.dims and filled.name == "position"
    mask = filled.coords[FILLED_COORD]
    assert mask.dims == ("time", "individuals", "keypoints") and mask.dtype == bool
    np.testing.assert_array_equal(mask.values, np.isnan(sparse.values[..., 0]))
    assert np.isnan(sparse.values).any() and not np.isnan(filled.values).any()
    assert read_log(filled)[-1]["operation"] == "fill_gaps_optical_flow"
    assert read_log(sparse) == []  # input untouched
    # the mask survives netCDF
    ds = xr.Dataset({"position": filled})
    assert ds.coords[FILLED_COORD].dtype == bool


def test_fill_is_pure_and_finds_axes_by_name(curved_truth):
    sparse = _with_gaps(curved_truth.position, GAPS[:3])
    before = sparse.copy(deep=True)
    video = curved_truth.attrs["video_path"]
    plain = fill_gaps_optical_flow(sparse, video, progress=False)
    xr.testing.assert_identical(sparse, before)
    transposed = fill_gaps_optical_flow(
        sparse.transpose("space", "keypoints", "time", "individuals"), video, progress=False
    )
    assert transposed.dims == ("space", "keypoints", "time", "individuals")
    xr.testing.assert_allclose(transposed.transpose(*plain.dims), plain)
    # an extra dim (annotation layers) is carried through
    layered = xr.concat([sparse, sparse], dim="layers").assign_coords(layers=["a", "b"])
    out = fill_gaps_optical_flow(layered, video, progress=False)
    assert out.dims == layered.dims
    np.testing.assert_allclose(out.sel(layers="b").values, plain.values)


def test_edges_max_gap_keypoints_and_interval(curved_truth):
    truth = curved_truth.position
    video = curved_truth.attrs["video_path"]
    sparse = _with_gaps(truth, [(0, 0, 9), (1, 140, 149), (2, 20, 49), (3, 20, 25)])
    with pytest.warns(UserWarning, match="2 gap.*left unfilled.*keypoint_0.*keypoint_1"):
        out = fill_gaps_optical_flow(sparse, video, progress=False, max_gap=10)
    assert np.isnan(out.values[:10, 0, 0]).all() and np.isnan(out.values[140:, 0, 1]).all()
    assert np.isnan(out.values[20:50, 0, 2]).all()  # 30 > max_gap
    assert not np.isnan(out.values[20:26, 0, 3]).any()
    only = fill_gaps_optical_flow(
        sparse, video, progress=False, keypoints=["keypoint_2"], start=10, end=130
    )
    assert not np.isnan(only.values[20:50, 0, 2]).any()
    assert np.isnan(only.values[20:26, 0, 3]).all()
    # interval mode (DUSTrack z z a): every frame between start and end is replaced
    noisy = truth.copy(deep=True)
    noisy.values[61:90, 0, 4] += 5.0
    fixed = fill_gaps_optical_flow(
        noisy, video, start=60, end=90, keypoints="keypoint_4", progress=False
    )
    assert np.abs(fixed.values[61:90, 0, 4] - truth.values[61:90, 0, 4]).max() < 0.3
    np.testing.assert_array_equal(fixed.values[:, 0, :4], noisy.values[:, 0, :4])
    assert fixed.coords[FILLED_COORD].values[61:90, 0, 4].all()
    hole = truth.copy(deep=True)
    hole.values[60, 0, 4] = np.nan
    with pytest.raises(ValueError, match="annotations at both frame 60 and frame 90"):
        fill_gaps_optical_flow(hole, video, start=60, end=90, progress=False)


def test_sparse_frames_are_reindexed(curved_truth):
    truth = curved_truth.position
    labelled = truth.isel(time=[0, 30, 60, 61, 62, 100])
    with pytest.warns(UserWarning, match="reindexed"):
        out = fill_gaps_optical_flow(labelled, curved_truth.attrs["video_path"], progress=False)
    np.testing.assert_array_equal(out.frame.values, np.arange(0, 101))
    np.testing.assert_allclose(out.time.values, truth.time.values[:101])
    assert np.abs(out.values - truth.values[:101]).max() < 0.3
    # a second call keeps the earlier record of filled values
    again = out.copy(deep=True)
    again.values[70:80, 0, 0] = np.nan
    twice = fill_gaps_optical_flow(again, curved_truth.attrs["video_path"], progress=False)
    filled_before = out.coords[FILLED_COORD].values
    np.testing.assert_array_equal(twice.coords[FILLED_COORD].values, filled_before)
    sparse_again = out.isel(time=[0, 50, 100])
    with pytest.warns(UserWarning, match="reindexed"):
        third = fill_gaps_optical_flow(
            sparse_again, curved_truth.attrs["video_path"], progress=False
        )
    # frame 50 was filled by the first call and is kept as such; 0 and 100 were labelled
    assert third.coords[FILLED_COORD].values[[0, 100]].sum() == 0
    assert third.coords[FILLED_COORD].values[50].all()
    assert third.coords[FILLED_COORD].values[1:50].all()


def test_bad_inputs(curved_truth, tmp_path):
    position = curved_truth.position
    with pytest.raises(FileFormatError, match="not found"):
        fill_gaps_optical_flow(position, tmp_path / "missing.mp4", progress=False)
    short = make_synthetic_video(tmp_path / "short.mkv", n_frames=20, size=(64, 48))
    with pytest.raises(FileFormatError, match="has 20 frames, but the data reaches frame 149"):
        fill_gaps_optical_flow(position, short.path, progress=False)
    no_frames = position.drop_vars("frame")
    with pytest.raises(InvalidDatasetError, match="frame"):
        fill_gaps_optical_flow(no_frames, short.path, progress=False)
    with pytest.raises(ValueError, match="method"):
        fill_gaps_optical_flow(position, short.path, method="spline", progress=False)
    with pytest.raises(ValueError, match="unknown keypoints"):
        fill_gaps_optical_flow(
            position, curved_truth.attrs["video_path"], keypoints=["tail"], progress=False
        )
    with pytest.raises(InvalidDatasetError, match="space"):
        fill_gaps_optical_flow(
            position.isel(space=[0]), curved_truth.attrs["video_path"], progress=False
        )


def test_lost_nan_policy_leaves_lost_frames_unfilled(tmp_path):
    video = make_synthetic_video(tmp_path / "v.mkv", n_frames=30, size=(96, 64), n_points=1)
    ds = video.to_dataset()
    pos = ds.position.copy(deep=True)
    pos.values[:, 0, 0] = [-500.0, -500.0]  # far outside: LK loses it at once
    pos.values[5:20, 0, 0] = np.nan
    out = fill_gaps_optical_flow(pos, video.path, lost="nan", progress=False)
    assert np.isnan(out.values[5:20]).all() and not out.coords[FILLED_COORD].values.any()
    kept = fill_gaps_optical_flow(pos, video.path, lost="keep", progress=False)
    assert np.isfinite(kept.values).all()
