"""Tests of movement_like.kinematics.path: path length, straightness, turning angle."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

from movement_like.dataset import poses_from_numpy
from movement_like.kinematics import (
    compute_path_length,
    compute_path_straightness,
    compute_turning_angle,
)
from tests.analysis.kinematics.trajectories import (
    DT,
    EACH,
    OMEGA,
    PLANAR_DATASETS,
    SPACE_DATASETS,
    R,
    circle,
    refuses_one_time_point,
    straight_line,
)
from tests.analysis.test_filtering import assert_invariant, positions


def test_straight_line_known_answers():
    times = np.array([0.0, 0.1, 0.3, 0.35, 0.8, 1.0, 1.7])  # uneven on purpose
    line = straight_line(times)
    assert compute_path_length(line).item() == pytest.approx(5.0 * 1.7)
    assert compute_path_straightness(line).item() == pytest.approx(1.0)
    turning = compute_turning_angle(line).values[:, 0, 0]
    assert np.isnan(turning[[0, 1]]).all()  # movement's convention: the turn arriving at t
    np.testing.assert_allclose(turning[2:], 0, atol=1e-12)


def test_circle_known_answers():
    data, theta = circle()
    n = theta.size
    centre = data.sel(keypoints="centre")
    assert compute_path_length(centre).item() == pytest.approx(
        (n - 1) * 2 * R * np.sin(OMEGA * DT / 2), rel=1e-12
    )
    turning = compute_turning_angle(centre).values[2:, 0]
    np.testing.assert_allclose(turning, OMEGA * DT, rtol=1e-10)
    degrees = compute_turning_angle(centre, in_degrees=True)
    assert degrees.attrs["units"] == "degrees"
    np.testing.assert_allclose(degrees.values[2:, 0], np.rad2deg(OMEGA * DT), rtol=1e-10)


def test_path_length_nan_policies():
    x = np.array([0.0, 1.0, np.nan, 3.0, 4.0])
    xy = np.stack([x, np.zeros(5)], axis=-1)[:, None, None, :]
    data = poses_from_numpy(xy)["position"]
    assert compute_path_length(data, nan_policy="ffill").item() == pytest.approx(4.0)
    # 2 known steps of 4, total 2, scaled by 4/2
    assert compute_path_length(data, nan_policy="scale").item() == pytest.approx(4.0)
    assert np.isnan(compute_path_length(data, nan_policy="propagate").item())
    assert compute_path_length(data, start=3, stop=4).item() == pytest.approx(1.0)
    empty = poses_from_numpy(np.full((3, 1, 1, 2), np.nan))["position"]
    assert np.isnan(compute_path_length(empty).item())
    with pytest.raises(ValueError, match="Invalid value for nan_policy"):
        compute_path_length(data, nan_policy="drop")


SPACE_FUNCTIONS = {
    "path length ffill": compute_path_length,
    "path length scale": lambda d: compute_path_length(d, nan_policy="scale"),
    "straightness": compute_path_straightness,
}
PLANAR_FUNCTIONS = {
    "turning angle": compute_turning_angle,
}


@pytest.mark.parametrize("name", sorted(SPACE_FUNCTIONS))
@EACH
@given(ds=SPACE_DATASETS)
def test_invariances(ds, name):
    data = ds["position"]
    function = SPACE_FUNCTIONS[name]
    if refuses_one_time_point(function, data):
        return
    assert_invariant(function, data)


@pytest.mark.parametrize("name", sorted(PLANAR_FUNCTIONS))
@EACH
@given(ds=PLANAR_DATASETS)
def test_planar_invariances(ds, name):
    data = ds["position"]
    if data.sizes["time"] < 2:
        return
    assert_invariant(PLANAR_FUNCTIONS[name], data)


def test_errors():
    four_d = positions(np.zeros((4, 1, 2, 3))).assign_coords(space=["x", "y", "w"])
    with pytest.raises(ValueError, match="2-D or 3-D positions"):
        compute_turning_angle(four_d)
