"""Tests of movement_like.kinematics.orientation: forward vector, heading, angular velocity."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given

from movement_like.kinematics import (
    compute_angular_velocity,
    compute_forward_vector,
    compute_forward_vector_angle,
)
from tests.analysis.kinematics.trajectories import EACH, OMEGA, PLANAR_DATASETS, circle
from tests.analysis.test_filtering import assert_invariant, positions


def test_circle_known_answers():
    data, theta = circle()
    forward = compute_forward_vector(data, "left", "right").values[:, 0]
    tangent = np.stack([-np.sin(theta), np.cos(theta)], axis=-1)
    np.testing.assert_allclose(forward, tangent, atol=1e-12)
    backward_view = compute_forward_vector(data, "left", "right", camera_view="bottom_up")
    np.testing.assert_allclose(backward_view.values[:, 0], -tangent, atol=1e-12)

    heading = compute_forward_vector_angle(data, "left", "right")
    expected = np.angle(np.exp(1j * (theta + np.pi / 2)))
    np.testing.assert_allclose(heading.values[:, 0], expected, atol=1e-12)
    rate = compute_angular_velocity(heading)
    np.testing.assert_allclose(rate.values[:, 0], OMEGA, rtol=1e-9)
    rate_deg = compute_angular_velocity(
        compute_forward_vector_angle(data, "left", "right", in_degrees=True), in_degrees=True
    )
    np.testing.assert_allclose(rate_deg.values[:, 0], np.rad2deg(OMEGA), rtol=1e-9)


def test_angular_velocity_crosses_the_seam():
    t = np.arange(8.0)
    angle = np.angle(np.exp(1j * (3.0 + 0.2 * t)))  # passes +pi -> -pi
    da = xr.DataArray(angle, dims=["time"], coords={"time": t}, name="heading")
    np.testing.assert_allclose(compute_angular_velocity(da).values, 0.2, rtol=1e-9)


PLANAR_FUNCTIONS = {
    "forward vector": lambda d: compute_forward_vector(
        d, d.keypoints.values[0], d.keypoints.values[1]
    ),
    "heading": lambda d: compute_forward_vector_angle(
        d, d.keypoints.values[0], d.keypoints.values[1]
    ),
    "angular velocity": lambda d: compute_angular_velocity(
        compute_forward_vector_angle(d, d.keypoints.values[0], d.keypoints.values[1])
    ),
}


@pytest.mark.parametrize("name", sorted(PLANAR_FUNCTIONS))
@EACH
@given(ds=PLANAR_DATASETS)
def test_planar_invariances(ds, name):
    data = ds["position"]
    if data.sizes["time"] < 2 or data.sizes["keypoints"] < 2:
        return
    assert_invariant(PLANAR_FUNCTIONS[name], data)


def test_errors():
    data, _ = circle()
    with pytest.raises(ValueError, match="must differ"):
        compute_forward_vector(data, "left", "left")
    with pytest.raises(ValueError, match="not found"):
        compute_forward_vector(data, "left", "tail")
    with pytest.raises(ValueError, match="camera_view"):
        compute_forward_vector(data, "left", "right", camera_view="side")
    four_d = positions(np.zeros((4, 1, 2, 3))).assign_coords(space=["x", "y", "w"])
    with pytest.raises(ValueError, match="2-D or 3-D positions"):
        compute_forward_vector(four_d, "keypoint_0", "keypoint_1")
