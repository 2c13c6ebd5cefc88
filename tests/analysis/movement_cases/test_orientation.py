"""movement 0.17's ``test_kinematics/test_orientation.py`` cases, on our forward vectors.

movement refuses 3-D ``space`` here; we compute the horizontal facing
direction (docs/coming-from-movement.md), which the 3-D case checks instead.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from movement_like import kinematics


def ears_and_nose() -> xr.DataArray:
    """One individual's left ear, right ear and nose turning a quarter-turn a frame."""
    return xr.DataArray(
        np.array(
            [
                [[[1, 0], [-1, 0], [0, -1]]],
                [[[0, 1], [0, -1], [1, 0]]],
                [[[-1, 0], [1, 0], [0, 1]]],
                [[[0, -1], [0, 1], [-1, 0]]],
            ],
            dtype=float,
        ),
        dims=("time", "individual", "keypoint", "space"),
        coords={
            "time": [0, 1, 2, 3],
            "individual": ["id_0"],
            "keypoint": ["left_ear", "right_ear", "nose"],
            "space": ["x", "y"],
        },
    )


def test_compute_forward_vector():
    """bottom_up gives movement's known unit vectors, top_down their opposite, head = forward."""
    data = ears_and_nose()
    forward = kinematics.compute_forward_vector(
        data, "left_ear", "right_ear", camera_view="bottom_up"
    )
    flipped = kinematics.compute_forward_vector(
        data, "left_ear", "right_ear", camera_view="top_down"
    )
    head = kinematics.compute_head_direction_vector(
        data, "left_ear", "right_ear", camera_view="bottom_up"
    )
    assert (forward.name, flipped.name, head.name) == (
        "forward_vector",
        "forward_vector",
        "head_direction_vector",
    )
    for out in (forward, flipped, head):
        for coord in ("time", "space", "individual"):
            assert (out[coord] == data[coord]).all()
    known = np.array([[[0, -1]], [[1, 0]], [[0, 1]], [[-1, 0]]], dtype=float)
    np.testing.assert_allclose(
        forward.transpose("time", "individual", "space").values, known, atol=1e-12
    )
    np.testing.assert_allclose(
        flipped.transpose("time", "individual", "space").values, -known, atol=1e-12
    )
    xr.testing.assert_allclose(head.rename(None), forward.rename(None))


@pytest.mark.parametrize(
    "input_data",
    [
        "invalid_input_type_for_forward_vector",
        "invalid_dimensions_for_forward_vector",
        "invalid_spatial_dimensions_for_forward_vector",
        "valid_data_array_for_forward_vector",
    ],
)
def test_compute_forward_vector_with_invalid_input(input_data):
    """Each of movement's invalid inputs, one by one (3-D space is our documented difference)."""
    data = ears_and_nose()
    left, right = "left_ear", "right_ear"
    if input_data == "invalid_input_type_for_forward_vector":
        expect, data = pytest.raises(TypeError, match="must be an xarray.DataArray"), data.values
    elif input_data == "invalid_dimensions_for_forward_vector":
        expect = pytest.raises(ValueError, match=r"Input data must contain \['keypoint'\]")
        data = data.sel(keypoint="nose", drop=True)
    elif input_data == "valid_data_array_for_forward_vector":
        expect, right = pytest.raises(ValueError, match="keypoints may not be identical"), left
    else:  # documented difference: z = 0 ears give the horizontal facing direction
        data = data.pad(space=(0, 1), constant_values=0).assign_coords(space=["x", "y", "z"])
        out = kinematics.compute_forward_vector(data, left, right)
        np.testing.assert_allclose(out.sel(space="z"), 0, atol=1e-12)
        planar = kinematics.compute_forward_vector(ears_and_nose(), left, right)
        np.testing.assert_allclose(out.sel(space=["x", "y"]).values, planar.values, atol=1e-12)
        return
    with expect:
        kinematics.compute_forward_vector(data, left, right)


def test_nan_behavior_forward_vector():
    """A missing left ear at time 1 makes that vector NaN and no other."""
    data = ears_and_nose()
    data = data.where((data.time != 1) | (data.keypoint != "left_ear"))
    forward = kinematics.compute_forward_vector(data, "left_ear", "right_ear")
    assert forward.name == "forward_vector"
    assert forward.sel(time=1).shape == (1, 2)
    assert forward.sel(time=1).isnull().all()
    assert not forward.sel(time=[0, 2, 3]).isnull().any()


AXIS_X, AXIS_Y = np.array([1.0, 0.0]), np.array([0.0, 1.0])


def spinning_on_the_spot() -> xr.DataArray:
    """Left and right keypoints opposite on the unit circle, an eighth-turn a frame."""
    left = np.array(
        [
            -AXIS_X,
            (-AXIS_X - AXIS_Y) / np.sqrt(2),
            -AXIS_Y,
            (AXIS_X - AXIS_Y) / np.sqrt(2),
            AXIS_X,
            (AXIS_X + AXIS_Y) / np.sqrt(2),
            AXIS_Y,
            (-AXIS_X + AXIS_Y) / np.sqrt(2),
        ]
    )
    data = np.stack([left, -left], axis=-1)
    return xr.DataArray(
        data,
        dims=("time", "space", "keypoint"),
        coords={"space": ["x", "y"], "keypoint": ["left", "right"]},
    )


def push_into_range(
    values: xr.DataArray, lower: float = -np.pi, upper: float = np.pi
) -> xr.DataArray:
    """Wrap angles into ``(lower, upper]``."""
    width = upper - lower
    wrapped = (values - lower) % width + lower
    return wrapped.where(wrapped != lower, upper)


@pytest.mark.parametrize(
    "swap_left_right, swap_camera_view",
    [(True, True), (True, False), (False, True), (False, False)],
    ids=["(TT) LR, Camera", "(TF) LR", "(FT) Camera", "(FF)"],
)
def test_antisymmetry_properties(swap_left_right, swap_camera_view):
    """Swapping left and right, or the camera, turns every angle by pi."""
    data = spinning_on_the_spot()
    kwargs = (
        {"left_keypoint": "right", "right_keypoint": "left"}
        if swap_left_right
        else {
            "left_keypoint": "left",
            "right_keypoint": "right",
        }
    )
    if swap_camera_view:
        kwargs["camera_view"] = "bottom_up"
    swapped = kinematics.compute_forward_vector_angle(data=data, reference_vector=AXIS_X, **kwargs)
    plain = kinematics.compute_forward_vector_angle(
        data=data, left_keypoint="left", right_keypoint="right", reference_vector=AXIS_X
    )
    assert swapped.name == plain.name == "forward_vector_angle"
    expected = plain.copy(deep=True)
    for swapped_flag in (swap_left_right, swap_camera_view):
        if swapped_flag:
            expected = push_into_range(expected + np.pi)
    xr.testing.assert_allclose(push_into_range(swapped), push_into_range(expected))


def test_in_degrees_toggle():
    data = spinning_on_the_spot()
    args = {
        "data": data,
        "left_keypoint": "left",
        "right_keypoint": "right",
        "reference_vector": AXIS_X,
    }
    radians = kinematics.compute_forward_vector_angle(**args, in_degrees=False)
    degrees = kinematics.compute_forward_vector_angle(**args, in_degrees=True)
    assert radians.name == degrees.name == "forward_vector_angle"
    xr.testing.assert_allclose(degrees, np.rad2deg(radians))


@pytest.mark.parametrize("transformation", ["scale", "translation"])
def test_transformation_invariance(transformation):
    """A common translation, or stretching the left-right vector, leaves the angle unchanged."""
    data = spinning_on_the_spot()
    values = data.values.copy()
    n = values.shape[0]
    if transformation == "translation":
        values += np.arange(n).reshape(n, 1, 1)
    else:
        values[:, :, 0] *= np.arange(1, n + 1).reshape(n, 1)
    moved = data.copy(data=values)
    args = {"left_keypoint": "left", "right_keypoint": "right", "reference_vector": AXIS_X}
    xr.testing.assert_allclose(
        kinematics.compute_forward_vector_angle(data, **args),
        kinematics.compute_forward_vector_angle(moved, **args),
    )


def test_casts_from_tuple():
    data = spinning_on_the_spot()
    as_array = kinematics.compute_forward_vector_angle(data, "left", "right", AXIS_X)
    xr.testing.assert_allclose(
        as_array, kinematics.compute_forward_vector_angle(data, "left", "right", (1.0, 0.0))
    )
    xr.testing.assert_allclose(
        as_array, kinematics.compute_forward_vector_angle(data, "left", "right", [1.0, 0.0])
    )
