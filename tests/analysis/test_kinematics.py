"""Tests of movement_like.kinematics: known answers on analytic paths, invariances, errors."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings

from movement_like.dataset import poses_from_numpy
from movement_like.kinematics import (
    compute_acceleration,
    compute_angular_velocity,
    compute_backward_displacement,
    compute_forward_displacement,
    compute_forward_vector,
    compute_forward_vector_angle,
    compute_kinetic_energy,
    compute_pairwise_distances,
    compute_path_length,
    compute_path_straightness,
    compute_speed,
    compute_time_derivative,
    compute_turning_angle,
    compute_velocity,
)
from tests.analysis.test_filtering import assert_invariant, positions
from tests.strategies import poses_datasets

# --------------------------------------------------------------------------- #
# analytic trajectories
# --------------------------------------------------------------------------- #
VELOCITY = np.array([3.0, -4.0])  # speed 5


def straight_line(times: np.ndarray) -> xr.DataArray:
    """One individual, one keypoint moving at constant velocity; uneven time allowed."""
    xy = np.array([1.0, 2.0]) + times[:, None] * VELOCITY
    return poses_from_numpy(xy[:, None, None, :], time_array=times)["position"]


R, OMEGA, DT = 2.0, 0.3, 0.1


def circle(n: int = 50) -> tuple[xr.DataArray, np.ndarray]:
    """Counter-clockwise circle of radius R at angular velocity OMEGA.

    Keypoints: ``centre`` on the circle, ``left`` and ``right`` half a unit
    outside and inside it, so a top-down forward vector is the tangent.
    """
    t = np.arange(n) * DT
    theta = OMEGA * t
    radial = np.stack([np.cos(theta), np.sin(theta)], axis=-1)
    centre = R * radial
    points = np.stack([centre, centre + 0.5 * radial, centre - 0.5 * radial], axis=1)
    ds = poses_from_numpy(points[:, None], keypoint_names=["centre", "left", "right"], fps=1 / DT)
    return ds["position"], theta


def test_straight_line_known_answers():
    times = np.array([0.0, 0.1, 0.3, 0.35, 0.8, 1.0, 1.7])  # uneven on purpose
    line = straight_line(times)
    velocity = compute_velocity(line)
    np.testing.assert_allclose(velocity.values[:, 0, 0], np.tile(VELOCITY, (7, 1)), atol=1e-12)
    np.testing.assert_allclose(compute_acceleration(line).values, 0, atol=1e-10)
    np.testing.assert_allclose(compute_speed(line).values, 5.0, rtol=1e-12)
    assert compute_path_length(line).item() == pytest.approx(5.0 * 1.7)
    assert compute_path_straightness(line).item() == pytest.approx(1.0)
    turning = compute_turning_angle(line).values[:, 0, 0]
    assert np.isnan(turning[[0, 1]]).all()  # movement's convention: the turn arriving at t
    np.testing.assert_allclose(turning[2:], 0, atol=1e-12)
    forward = compute_forward_displacement(line).values[:, 0, 0]
    np.testing.assert_allclose(forward[:-1], np.diff(times)[:, None] * VELOCITY)
    assert np.isnan(forward[-1]).all()
    backward = compute_backward_displacement(line).values[:, 0, 0]
    np.testing.assert_allclose(backward[1:], -np.diff(times)[:, None] * VELOCITY)
    assert np.isnan(backward[0]).all()


def test_circle_known_answers():
    data, theta = circle()
    n = theta.size
    centre = data.sel(keypoints="centre")
    # central differences on a circle are exact up to the chord factor sin(wh)/(wh)
    speed = compute_speed(centre).values[:, 0]
    np.testing.assert_allclose(speed[1:-1], R * np.sin(OMEGA * DT) / DT, rtol=1e-12)
    assert speed[1:-1] == pytest.approx(R * OMEGA, rel=1e-3)
    acceleration = np.linalg.norm(compute_acceleration(centre).values[:, 0], axis=-1)
    np.testing.assert_allclose(acceleration[2:-2], R * np.sin(OMEGA * DT) ** 2 / DT**2, rtol=1e-10)
    assert acceleration[2:-2] == pytest.approx(R * OMEGA**2, rel=1e-3)
    assert compute_path_length(centre).item() == pytest.approx(
        (n - 1) * 2 * R * np.sin(OMEGA * DT / 2), rel=1e-12
    )
    turning = compute_turning_angle(centre).values[2:, 0]
    np.testing.assert_allclose(turning, OMEGA * DT, rtol=1e-10)
    degrees = compute_turning_angle(centre, in_degrees=True)
    assert degrees.attrs["units"] == "degrees"
    np.testing.assert_allclose(degrees.values[2:, 0], np.rad2deg(OMEGA * DT), rtol=1e-10)

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
    # distances: left and right are always 1 apart, each 0.5 from the centre
    keypoint_distances = compute_pairwise_distances(data, dim="keypoints")
    np.testing.assert_allclose(keypoint_distances.sel(pairs="left-right").values, 1.0, rtol=1e-12)
    np.testing.assert_allclose(keypoint_distances.sel(pairs="centre-left").values, 0.5, rtol=1e-12)


def test_angular_velocity_crosses_the_seam():
    t = np.arange(8.0)
    angle = np.angle(np.exp(1j * (3.0 + 0.2 * t)))  # passes +pi -> -pi
    da = xr.DataArray(angle, dims=["time"], coords={"time": t}, name="heading")
    np.testing.assert_allclose(compute_angular_velocity(da).values, 0.2, rtol=1e-9)


def test_distances_between_individuals():
    t = np.arange(5)
    a = np.stack([t * 1.0, t * 0.0], axis=-1)
    b = a + np.array([3.0, 4.0])
    c = a + np.array([0.0, 1.0])
    tail = np.array([1.0, 0.0])
    points = np.stack(
        [
            np.stack([a, a + tail], axis=1),
            np.stack([b, b + tail], axis=1),
            np.stack([c, c + tail], axis=1),
        ],
        axis=1,
    )  # (time, individuals, keypoints, space)
    data = poses_from_numpy(
        points, individual_names=["A", "B", "C"], keypoint_names=["nose", "tail"]
    )["position"]
    matched = compute_pairwise_distances(data)
    assert matched.dims == ("time", "pairs", "keypoints")
    assert matched["pairs"].values.tolist() == ["A-B", "A-C", "B-C"]
    assert matched["first"].values.tolist() == ["A", "A", "B"]
    np.testing.assert_allclose(matched.sel(pairs="A-B").values, 5.0)
    np.testing.assert_allclose(matched.sel(pairs="A-C").values, 1.0)
    np.testing.assert_allclose(matched.sel(pairs="B-C").values, np.hypot(3, 3))
    crossed = compute_pairwise_distances(data, pairs={"A": "B"}, across="all")
    assert crossed.dims == ("time", "pairs", "keypoints_first", "keypoints_second")
    np.testing.assert_allclose(
        crossed.sel(keypoints_first="nose", keypoints_second="tail").values, np.hypot(4, 4)
    )
    listed = compute_pairwise_distances(data, pairs=[("C", "A")])
    np.testing.assert_allclose(listed.values, 1.0)
    assert matched.name == "distance"


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
    with pytest.raises(ValueError, match="unknown nan_policy"):
        compute_path_length(data, nan_policy="drop")


def test_kinetic_energy():
    data, _ = circle()
    centre = data.sel(keypoints=["centre"])
    speed = R * np.sin(OMEGA * DT) / DT
    energy = compute_kinetic_energy(centre, masses={"centre": 2.0})
    np.testing.assert_allclose(energy.values[1:-1, 0], speed**2, rtol=1e-10)
    # two keypoints moving together: all translational
    line = straight_line(np.arange(5.0))
    two = xr.concat([line, line + 1.0], dim="keypoints").assign_coords(keypoints=["a", "b"])
    split = compute_kinetic_energy(two, decompose=True)
    assert split.dims == ("time", "individuals", "energy")
    np.testing.assert_allclose(split.sel(energy="translational").values, 25.0)
    np.testing.assert_allclose(split.sel(energy="internal").values, 0.0, atol=1e-9)
    with pytest.raises(ValueError, match="at least 2 keypoints"):
        compute_kinetic_energy(line, decompose=True)


# --------------------------------------------------------------------------- #
# invariances
# --------------------------------------------------------------------------- #
EACH = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SPACE_FUNCTIONS = {
    "velocity": compute_velocity,
    "acceleration": compute_acceleration,
    "speed": compute_speed,
    "second derivative": lambda d: compute_time_derivative(d, 2),
    "forward displacement": compute_forward_displacement,
    "backward displacement": compute_backward_displacement,
    "path length ffill": compute_path_length,
    "path length scale": lambda d: compute_path_length(d, nan_policy="scale"),
    "straightness": compute_path_straightness,
    "distances matched": compute_pairwise_distances,
    "distances keypoints": lambda d: compute_pairwise_distances(d, dim="keypoints"),
    "distances all": lambda d: compute_pairwise_distances(d, across="all"),
    "kinetic energy": compute_kinetic_energy,
    "kinetic energy split": lambda d: compute_kinetic_energy(d, decompose=True),
}
PLANAR_FUNCTIONS = {
    "turning angle": compute_turning_angle,
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


@pytest.mark.parametrize("name", sorted(SPACE_FUNCTIONS))
@EACH
@given(ds=poses_datasets(max_time=10, max_individuals=3, max_keypoints=3, dtypes=(np.float64,)))
def test_invariances(ds, name):
    data = ds["position"]
    function = SPACE_FUNCTIONS[name]
    if data.sizes["time"] < 2 and not name.startswith(("distances", "forward", "backward")):
        with pytest.raises(ValueError, match="At least 2 time points are required"):
            function(data)
        return
    if name.startswith("distances keypoints") and data.sizes["keypoints"] < 2:
        return
    if name.startswith("distances") and "keypoints" not in name and data.sizes["individuals"] < 2:
        return
    if name == "kinetic energy split" and data.sizes["keypoints"] < 2:
        return
    assert_invariant(function, data)


@pytest.mark.parametrize("name", sorted(PLANAR_FUNCTIONS))
@EACH
@given(
    ds=poses_datasets(
        max_time=10, max_individuals=2, max_keypoints=3, spaces=(2,), dtypes=(np.float64,)
    ),
)
def test_planar_invariances(ds, name):
    data = ds["position"]
    if data.sizes["time"] < 2 or (name != "turning angle" and data.sizes["keypoints"] < 2):
        return
    assert_invariant(PLANAR_FUNCTIONS[name], data)


# --------------------------------------------------------------------------- #
# bad input
# --------------------------------------------------------------------------- #
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
    with pytest.raises(ValueError, match="dim must be 'individuals' or 'keypoints'"):
        compute_pairwise_distances(line, dim="space")
    with pytest.raises(ValueError, match="no pairs"):
        compute_pairwise_distances(line)
    with pytest.raises(ValueError, match="not found"):
        compute_pairwise_distances(line, pairs={"individual_0": "ghost"})
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
    with pytest.raises(ValueError, match="2-D or 3-D positions"):
        compute_turning_angle(four_d)


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


def test_distances_between_boxes_and_speed_of_boxes():
    from movement_like.dataset import bboxes_from_numpy

    centres = np.zeros((4, 2, 2))
    centres[:, 1] = [6.0, 8.0]
    centres[:, 1, 0] += np.arange(4) * 2.0  # box 1 moves along x, 2 units per frame
    ds = bboxes_from_numpy(centres, np.ones_like(centres), individual_names=["a", "b"])
    distance = compute_pairwise_distances(ds["position"])
    assert distance.dims == ("time", "pairs")
    np.testing.assert_allclose(distance.values[:, 0], np.hypot(6 + np.arange(4) * 2, 8))
    np.testing.assert_allclose(compute_speed(ds["position"]).values, [[0, 2]] * 4)
