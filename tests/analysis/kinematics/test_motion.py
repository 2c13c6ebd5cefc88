"""Tests of movement_like.kinematics.motion: derivatives, speed, displacement."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

from movement_like.dataset import bboxes_from_numpy, poses_from_numpy
from movement_like.kinematics import (
    compute_acceleration,
    compute_backward_displacement,
    compute_forward_displacement,
    compute_speed,
    compute_time_derivative,
    compute_velocity,
)
from tests.analysis.kinematics.trajectories import (
    DT,
    EACH,
    OMEGA,
    SPACE_DATASETS,
    VELOCITY,
    R,
    circle,
    refuses_one_time_point,
    straight_line,
)
from tests.analysis.test_filtering import assert_invariant


def test_straight_line_known_answers():
    times = np.array([0.0, 0.1, 0.3, 0.35, 0.8, 1.0, 1.7])  # uneven on purpose
    line = straight_line(times)
    velocity = compute_velocity(line)
    np.testing.assert_allclose(velocity.values[:, 0, 0], np.tile(VELOCITY, (7, 1)), atol=1e-12)
    np.testing.assert_allclose(compute_acceleration(line).values, 0, atol=1e-10)
    np.testing.assert_allclose(compute_speed(line).values, 5.0, rtol=1e-12)
    forward = compute_forward_displacement(line).values[:, 0, 0]
    np.testing.assert_allclose(forward[:-1], np.diff(times)[:, None] * VELOCITY)
    assert np.isnan(forward[-1]).all()
    backward = compute_backward_displacement(line).values[:, 0, 0]
    np.testing.assert_allclose(backward[1:], -np.diff(times)[:, None] * VELOCITY)
    assert np.isnan(backward[0]).all()


def test_circle_known_answers():
    data, _ = circle()
    centre = data.sel(keypoints="centre")
    # central differences on a circle are exact up to the chord factor sin(wh)/(wh)
    speed = compute_speed(centre).values[:, 0]
    np.testing.assert_allclose(speed[1:-1], R * np.sin(OMEGA * DT) / DT, rtol=1e-12)
    assert speed[1:-1] == pytest.approx(R * OMEGA, rel=1e-3)
    acceleration = np.linalg.norm(compute_acceleration(centre).values[:, 0], axis=-1)
    np.testing.assert_allclose(acceleration[2:-2], R * np.sin(OMEGA * DT) ** 2 / DT**2, rtol=1e-10)
    assert acceleration[2:-2] == pytest.approx(R * OMEGA**2, rel=1e-3)


def test_speed_of_boxes():
    centres = np.zeros((4, 2, 2))
    centres[:, 1] = [6.0, 8.0]
    centres[:, 1, 0] += np.arange(4) * 2.0  # box 1 moves along x, 2 units per frame
    ds = bboxes_from_numpy(centres, np.ones_like(centres), individual_names=["a", "b"])
    np.testing.assert_allclose(compute_speed(ds["position"]).values, [[0, 2]] * 4)


SPACE_FUNCTIONS = {
    "velocity": compute_velocity,
    "acceleration": compute_acceleration,
    "speed": compute_speed,
    "second derivative": lambda d: compute_time_derivative(d, 2),
    "forward displacement": compute_forward_displacement,
    "backward displacement": compute_backward_displacement,
}


@pytest.mark.parametrize("name", sorted(SPACE_FUNCTIONS))
@EACH
@given(ds=SPACE_DATASETS)
def test_invariances(ds, name):
    data = ds["position"]
    function = SPACE_FUNCTIONS[name]
    if not name.endswith("displacement") and refuses_one_time_point(function, data):
        return
    assert_invariant(function, data)


def test_errors():
    line = straight_line(np.arange(5.0))
    with pytest.raises(ValueError, match=r"needs the dimension\(s\) \['time'\]"):
        compute_velocity(line.isel(time=0))
    with pytest.raises(ValueError, match=r"\['space'\]"):
        compute_speed(line.isel(space=0))
    with pytest.raises(ValueError, match="At least 2 time points are required"):
        compute_velocity(line.isel(time=[0]))
    with pytest.raises(ValueError, match="order must be >= 1"):
        compute_time_derivative(line, 0)


def test_derivative_nan_rule_follows_numpy_gradient():
    x = np.arange(10.0) ** 2
    x[5] = np.nan
    xy = np.stack([x, x], axis=-1)[:, None, None, :]
    even = poses_from_numpy(xy)["position"]  # time = frame numbers, equal steps
    uneven = poses_from_numpy(xy, time_array=np.cumsum(np.linspace(1, 2, 10)))["position"]
    for data, nan_at in ((even, [4, 6]), (uneven, [4, 5, 6])):
        for values in (data, data.chunk({"time": 3})):
            rate = compute_velocity(values).values[:, 0, 0, 0]
            assert np.flatnonzero(np.isnan(rate)).tolist() == nan_at
            np.testing.assert_array_equal(
                rate, np.gradient(data.values, data.time.values, axis=0)[:, 0, 0, 0]
            )
