"""movement 0.17's ``compute_turning_angle`` cases (``TestTurningAngle``), on ours.

The turn made on the way to position ``t`` is reported at ``t``. movement
refuses 3-D ``space``; we give the unsigned 3-D turn (docs/coming-from-movement.md),
which the 3-D case checks instead.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import xarray as xr

from movement_like.kinematics import compute_turning_angle


def path(points) -> xr.DataArray:
    points = np.asarray(points, dtype=float)
    return xr.DataArray(
        points,
        dims=("time", "space"),
        coords={"time": np.arange(len(points)), "space": ["x", "y"]},
    )


def walkers() -> xr.DataArray:
    """Two individuals, two keypoints each, walking different zig-zags for six frames."""
    rng = np.random.default_rng(3)
    steps = rng.normal(size=(6, 2, 2, 2))
    return xr.DataArray(
        np.cumsum(steps, axis=0),
        dims=("time", "individual", "keypoint", "space"),
        coords={
            "time": np.arange(6),
            "individual": ["id_0", "id_1"],
            "keypoint": ["left_ear", "nose"],
            "space": ["x", "y"],
        },
    )


@pytest.mark.parametrize(("in_degrees", "units"), [(True, "degrees"), (False, "radians")])
def test_output_shape_and_attributes(in_degrees, units):
    data = walkers()
    angles = compute_turning_angle(data, in_degrees=in_degrees)
    assert angles.dims == ("time", "individual", "keypoint")
    assert angles.sizes["time"] == data.sizes["time"]
    assert angles.name == "turning_angle"
    assert angles.attrs["units"] == units


def test_invalid_input_missing_time():
    data = xr.DataArray(np.zeros((3, 2)), dims=("frame", "space"), coords={"space": ["x", "y"]})
    with pytest.raises(ValueError, match=re.escape("Input data must contain ['time']")):
        compute_turning_angle(data)


def test_invalid_input_missing_space():
    data = xr.DataArray(np.zeros((3, 2)), dims=("time", "axis"), coords={"axis": ["x", "y"]})
    with pytest.raises(ValueError, match=re.escape("Input data must contain ['space']")):
        compute_turning_angle(data)


def test_three_d_space_gives_the_unsigned_turn():
    """movement: ValueError "Dimension 'space' must only contain"; ours: the 3-D turn."""
    data = xr.DataArray(
        [[0, 0, 0], [1, 0, 0], [1, 0, 1]],
        dims=("time", "space"),
        coords={"space": ["x", "y", "z"]},
    )
    angles = compute_turning_angle(data, in_degrees=True)
    np.testing.assert_allclose(angles.values, [np.nan, np.nan, 90.0])


SIDE = np.deg2rad(170)
KNOWN = {
    "straight_line": ([[0, 0], [1, 0], [2, 0]], 0.0),
    "pos_turn_90": ([[0, 0], [1, 0], [1, 1]], 90.0),
    "neg_turn_90": ([[0, 0], [1, 0], [1, -1]], -90.0),
    "wrap_across_pi_boundary": (
        [[0, 0], [np.cos(SIDE), np.sin(SIDE)], [2 * np.cos(SIDE), 0.0]],
        20.0,
    ),
    "u_turn_180": ([[0, 0], [1, 0], [0, 0]], 180.0),
}


@pytest.mark.parametrize(("points", "degrees"), KNOWN.values(), ids=KNOWN.keys())
def test_known_turning_angles(points, degrees):
    angles = compute_turning_angle(path(points), in_degrees=True)
    assert angles.attrs["units"] == "degrees"
    assert np.isnan(angles.values[:2]).all()
    assert angles.values[2] == pytest.approx(degrees, abs=1e-6)


@pytest.mark.parametrize(
    ("min_step", "masked"),
    [(0.0, False), (1e-4, True), (5, True)],
    ids=["default_threshold", "small_threshold", "large_threshold"],
)
def test_min_step_length_masking(min_step, masked):
    """A 1e-5 step in the middle: both turns touching it go NaN once it is below the minimum."""
    data = path([[0, 0], [1, 0], [1 + 1e-5, 1e-5], [2, 1e-5]])
    angles = compute_turning_angle(data, min_step_length=min_step)
    assert np.isnan(angles.values[2:]).tolist() == [masked, masked]


@pytest.mark.parametrize(
    "points",
    [[[5, 5]] * 4, [[0, 0], [1, 0]]],
    ids=["stationary", "only_two_timepoints"],
)
def test_all_nan_output(points):
    assert compute_turning_angle(path(points)).isnull().all()


def test_nan_propagation():
    data = walkers()
    data.loc[{"time": 2, "individual": "id_0", "keypoint": "left_ear"}] = np.nan
    angles = compute_turning_angle(data)
    track = angles.sel(individual="id_0", keypoint="left_ear").values
    assert np.isnan(track[[2, 3]]).all()  # the two turns using the lost step
    assert np.isnan(track[4])  # and the turn from the step leaving it
    assert np.isfinite(track[5])
    assert np.isfinite(angles.sel(individual="id_1").values[2:]).all()


def test_stationary_keypoint_independent_masking():
    values = np.zeros((4, 2, 2))
    values[:, 0, 0] = [0, 1, 2, 3]
    values[:, 1, :] = 5.0
    data = xr.DataArray(
        values,
        dims=("time", "keypoint", "space"),
        coords={"time": np.arange(4), "keypoint": ["kp_0", "kp_1"], "space": ["x", "y"]},
    )
    angles = compute_turning_angle(data)
    moving = angles.sel(keypoint="kp_0").values
    assert np.isnan(moving[:2]).all()
    np.testing.assert_allclose(moving[2:], 0.0, atol=1e-10)
    assert np.isnan(angles.sel(keypoint="kp_1").values).all()
