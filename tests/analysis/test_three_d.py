"""Turning angle, path shape and forward vector on 3-D positions."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.transform import Rotation

from movement_like.kinematics import (
    compute_directional_change,
    compute_forward_vector,
    compute_head_direction_vector,
    compute_path_emax,
    compute_path_sinuosity,
    compute_turning_angle,
)
from movement_like.transforms import egocentric_align

SPACE3 = ["x", "y", "z"]


def path3(points: np.ndarray, dims: tuple[str, ...] = ("time", "space")) -> xr.DataArray:
    return xr.DataArray(
        points,
        dims=dims,
        coords={"time": np.arange(points.shape[0], dtype=float), "space": SPACE3},
        name="position",
    )


def helix(n: int = 30, w: float = 0.3, h: float = 0.2) -> np.ndarray:
    t = np.arange(n, dtype=float)
    return np.stack([np.cos(w * t), np.sin(w * t), h * t], axis=-1)


def test_helix_has_constant_turning_angle():
    w, h = 0.3, 0.2
    angle = compute_turning_angle(path3(helix(w=w, h=h)))
    chord2 = (2 * np.sin(w / 2)) ** 2
    expected = np.arccos((chord2 * np.cos(w) + h * h) / (chord2 + h * h))
    assert np.isnan(angle.values[:2]).all()
    np.testing.assert_allclose(angle.values[2:], expected, rtol=1e-12)
    change = compute_directional_change(path3(helix(w=w, h=h)))
    np.testing.assert_allclose(change.values[2:], expected / 2, rtol=1e-12)


def test_right_angle_in_the_xz_plane():
    points = np.array([[0.0, 0, 0], [1, 0, 0], [1, 0, 1]])
    angle = compute_turning_angle(path3(points))
    assert angle.values[2] == pytest.approx(np.pi / 2)
    degrees = compute_turning_angle(path3(points), in_degrees=True)
    assert degrees.values[2] == pytest.approx(90.0)
    assert degrees.attrs["units"] == "degrees"


def test_flat_3d_path_gives_unsigned_2d_values():
    rng = np.random.default_rng(0)
    xy = np.cumsum(rng.normal(size=(40, 2)), axis=0)
    flat = np.concatenate([xy, np.zeros((40, 1))], axis=1)
    two = xr.DataArray(xy, dims=("time", "space"), coords={"space": ["x", "y"]})
    three = path3(flat)
    np.testing.assert_allclose(
        compute_turning_angle(three).values, np.abs(compute_turning_angle(two).values)
    )
    np.testing.assert_allclose(
        compute_directional_change(three).values, compute_directional_change(two).values
    )
    assert float(compute_path_sinuosity(three)) == pytest.approx(float(compute_path_sinuosity(two)))
    assert float(compute_path_emax(three)) == pytest.approx(float(compute_path_emax(two)))


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    quaternion=st.lists(st.floats(-1, 1), min_size=4, max_size=4).filter(
        lambda q: np.linalg.norm(q) > 0.1
    ),
)
def test_rotation_invariance(seed, quaternion):
    points = np.cumsum(np.random.default_rng(seed).normal(size=(12, 3)), axis=0)
    rotated = Rotation.from_quat(quaternion).apply(points)
    for func in (compute_turning_angle, compute_directional_change):
        np.testing.assert_allclose(
            func(path3(rotated)).values, func(path3(points)).values, atol=1e-9
        )
    for func in (compute_path_sinuosity, compute_path_emax):
        np.testing.assert_allclose(
            float(func(path3(rotated))), float(func(path3(points))), rtol=1e-7
        )


def test_input_not_mutated_and_dims_carried():
    points = np.stack([helix(10), helix(10, w=-0.5)], axis=1)  # (time, individuals, space)
    data = xr.DataArray(
        points.transpose(2, 0, 1),
        dims=("space", "time", "individuals"),
        coords={"space": SPACE3, "individuals": ["a", "b"]},
    )
    before = data.copy(deep=True)
    angle = compute_turning_angle(data)
    assert angle.dims == ("time", "individuals")
    assert compute_directional_change(data).dims == ("time", "individuals")
    assert compute_path_sinuosity(data).dims == ("individuals",)
    xr.testing.assert_identical(data, before)
    # movement's names and order come back as given
    moved = data.rename(individuals="individual")
    assert compute_turning_angle(moved).dims == ("time", "individual")


def ears(camera_view: str = "top_down") -> xr.DataArray:
    # left ear at +y of the right ear: seen from above the animal faces -x
    points = np.zeros((3, 2, 2, 3))  # time, individual, keypoint, space
    points[:, :, 0] = [0.0, 2.0, 5.0]
    points[:, :, 1] = [0.0, 0.0, 1.0]
    return xr.DataArray(
        points.transpose(0, 3, 2, 1),
        dims=("time", "space", "keypoint", "individual"),
        coords={"space": SPACE3, "keypoint": ["left", "right"], "individual": ["m0", "m1"]},
    )


def test_forward_vector_in_3d_is_the_cross_product_with_up():
    data = ears()
    before = data.copy(deep=True)
    for view, up in (("top_down", [0, 0, -1.0]), ("bottom_up", [0, 0, 1.0])):
        forward = compute_forward_vector(data, "left", "right", camera_view=view)
        assert forward.dims == ("time", "space", "individual")
        assert list(forward["space"].values) == SPACE3
        across = (data.sel(keypoint="left") - data.sel(keypoint="right")).transpose(
            "time", "individual", "space"
        )
        cross = np.cross(across.values, up)
        cross /= np.linalg.norm(cross, axis=-1, keepdims=True)
        np.testing.assert_allclose(forward.transpose("time", "individual", "space").values, cross)
        np.testing.assert_allclose(
            np.linalg.norm(forward.values, axis=1), 1.0
        )  # unit length over space
    head = compute_head_direction_vector(data, "left", "right")
    assert head.name == "head_direction_vector"
    two = compute_forward_vector(data.sel(space=["x", "y"]), "left", "right")
    np.testing.assert_array_equal(
        compute_forward_vector(data, "left", "right").sel(space=["x", "y"]).values, two.values
    )
    xr.testing.assert_identical(data, before)


def test_forward_vector_nan_in_3d():
    data = ears().copy()
    data[1, 2, 0, 0] = np.nan  # z of the left ear, frame 1, m0
    forward = compute_forward_vector(data, "left", "right")
    assert np.isnan(forward.values[1, :, 0]).all()
    assert not np.isnan(forward.values[1, :, 1]).any()


def test_egocentric_refuses_3d_and_says_why():
    with pytest.raises(ValueError, match="up vector"):
        egocentric_align(ears().rename(keypoint="keypoints"), "left", "right")


def test_other_spaces_refused():
    data = xr.DataArray(np.zeros((4, 2)), dims=("time", "space"), coords={"space": ["x", "z"]})
    with pytest.raises(ValueError, match="2-D or 3-D positions"):
        compute_turning_angle(data)
