"""flow_residual and detect_blips."""

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from movement_like.optical_flow import detect_blips, flow_residual

from . import reference


def test_flow_residual_flags_a_displaced_frame(curved_truth, curved_frames):
    position = curved_truth.position.copy(deep=True)
    position.values[60, 0, 2] += [4.0, -3.0]
    position.values[20, 0, 1] = np.nan
    out = flow_residual(position, curved_truth.attrs["video_path"], progress=False)
    residual = out.residual.values[:, 0]
    assert residual[60, 2] == pytest.approx(5.0, abs=0.3)
    assert np.nanmax(np.delete(residual[:, 2], [59, 60, 61])) < 0.2
    assert np.isnan(residual[[0, 149]]).all()
    assert np.isnan(residual[19:22, 1]).all() and np.isfinite(residual[22:149, 1]).all()
    assert out.residual.dims == ("time", "individuals", "keypoints")
    assert out.lk_estimate.dims == position.dims
    # one LK step from each neighbour, exactly as a plain loop computes it
    m = 75
    fwd = reference.lk_chain(curved_frames[m - 1 : m + 1], position.values[m - 1, 0])[1]
    rev = reference.lk_chain(curved_frames[m : m + 2][::-1], position.values[m + 1, 0])[1]
    expected = 0.5 * (
        np.linalg.norm(position.values[m, 0] - fwd, axis=1)
        + np.linalg.norm(position.values[m, 0] - rev, axis=1)
    )
    np.testing.assert_allclose(residual[m], expected, atol=1e-6)
    agreement = np.linalg.norm(fwd - rev, axis=1)
    np.testing.assert_allclose(out.agreement.values[m, 0], agreement, atol=1e-6)
    np.testing.assert_allclose(out.lk_estimate.values[m, 0], (fwd + rev) / 2, atol=1e-6)


def _trace(n=200, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    xy = np.stack([100 + 10 * np.sin(t / 15), 80 + 5 * np.cos(t / 20)], axis=1)
    return xy + rng.normal(0, 0.05, xy.shape)


def _as_position(xy):
    return xr.DataArray(
        xy[:, None, None, :],
        dims=("time", "individuals", "keypoints", "space"),
        coords={"keypoints": ["k"], "individuals": ["i"], "space": ["x", "y"]},
        name="position",
    )


def test_detect_blips_finds_excursions_and_ignores_the_rest():
    xy = _trace()
    xy[50] += [15, 0]  # one-frame blip
    xy[100:103] += [0, -12]  # three-frame blip
    xy[150:160] += [20, 20]  # too long: a real failure, not a blip
    xy[199] += [30, 0]  # at the edge: no return inside the trace
    blips = detect_blips(_as_position(xy))
    flagged = np.flatnonzero(blips.values[:, 0, 0])
    np.testing.assert_array_equal(flagged, [50, 100, 101, 102])
    assert blips.dims == ("time", "individuals", "keypoints") and blips.dtype == bool
    assert float(blips.blip_threshold.values[0, 0]) > 0
    stricter = detect_blips(_as_position(xy), max_blip_length=2)
    np.testing.assert_array_equal(np.flatnonzero(stricter.values[:, 0, 0]), [50])


def test_detect_blips_constant_motion_flags_nothing():
    xy = np.stack([np.arange(50.0), np.zeros(50)], axis=1)
    out = detect_blips(_as_position(xy))
    assert not out.values.any() and np.isinf(out.blip_threshold.values).all()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(5, 190), st.integers(1, 5))
def test_detect_blips_flags_only_inside_injected_runs(seed, start, length):
    xy = _trace(seed=seed)
    xy[start : start + length] += [25.0, 0.0]
    flagged = np.flatnonzero(detect_blips(_as_position(xy)).values[:, 0, 0])
    assert set(flagged) <= set(range(start, start + length))
    if start + length < 199:
        assert list(flagged) == list(range(start, start + length))
