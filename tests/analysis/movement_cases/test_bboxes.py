"""movement 0.17's ``poses_to_bboxes`` cases, on ours given a position DataArray.

Given movement's argument (the ``position`` DataArray, dims named as in
movement 0.17), ours returns movement's answer, the tuple of box centres and
box shapes. Error cases check movement's phrase and builtin type.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import xarray as xr

from movement_like.errors import InvalidDatasetError
from movement_like.transforms import poses_to_bboxes

DIMS = ("time", "space", "keypoint", "individual")
#: per individual, its keypoints' (x, y): two right-angled triangles of side 10
TRIANGLES = [[(0, 0), (10, 0), (10, 10)], [(20, 20), (30, 20), (30, 30)]]


def position(points: list[list[tuple[float, float]]], n_time: int = 5) -> xr.DataArray:
    """The same keypoints at every time point; ``points[individual][keypoint] = (x, y)``."""
    per_time = np.transpose(np.array(points, dtype=float), (2, 1, 0))  # space, keypoint, ind
    return xr.DataArray(
        np.broadcast_to(per_time, (n_time, *per_time.shape)).copy(),
        dims=DIMS,
        coords={
            "time": np.arange(n_time),
            "space": ["x", "y"],
            "keypoint": [f"kpt_{i}" for i in range(per_time.shape[1])],
            "individual": [f"id_{i}" for i in range(per_time.shape[2])],
        },
    )


def box(centres: xr.DataArray, shapes: xr.DataArray, time: int, ind: int) -> list[float]:
    """Centre x, y then width, height of one box."""
    at = {"time": time, "individual": ind}
    return [*centres.isel(at).values.tolist(), *shapes.isel(at).values.tolist()]


@pytest.mark.parametrize(
    ("padding", "side"),
    [(0, 10.0), (5, 20.0), (10.5, 31.0), (100, 210.0)],
    ids=["padding=0", "padding=5", "padding=10.5", "padding=100"],
)
def test_poses_to_bboxes(padding, side):
    data = position(TRIANGLES)
    centres, shapes = poses_to_bboxes(data, padding=padding)
    for out in (centres, shapes):
        assert out.dims == ("time", "space", "individual")
        assert list(out["space"].values) == ["x", "y"]
        assert list(out["individual"].values) == ["id_0", "id_1"]
        np.testing.assert_array_equal(out["time"], data["time"])
    for t in range(5):
        assert box(centres, shapes, t, 0) == [5.0, 5.0, side, side]
        assert box(centres, shapes, t, 1) == [25.0, 25.0, side, side]


def test_poses_to_bboxes_single_keypoint():
    centres, shapes = poses_to_bboxes(position([[(5.0, 10.0)]], n_time=3))
    for t in range(3):
        assert box(centres, shapes, t, 0) == [5.0, 10.0, 0.0, 0.0]


def test_poses_to_bboxes_with_nan():
    data = position(TRIANGLES)
    data[0, :, 0, 0] = np.nan  # time 0, id_0's first keypoint
    data[1, :, 1, 1] = np.nan  # time 1, id_1's second keypoint
    centres, shapes = poses_to_bboxes(data)
    assert box(centres, shapes, 0, 0) == [10.0, 5.0, 0.0, 10.0]
    assert box(centres, shapes, 1, 1) == [25.0, 25.0, 10.0, 10.0]


def test_poses_to_bboxes_all_nan_frame():
    data = position([[(5.0, 5.0)] * 3], n_time=3)
    data[1] = np.nan
    centres, shapes = poses_to_bboxes(data)
    assert np.isnan(box(centres, shapes, 1, 0)).all()
    assert box(centres, shapes, 0, 0) == box(centres, shapes, 2, 0) == [5.0, 5.0, 0.0, 0.0]


def test_poses_to_bboxes_partial_nan_keypoints():
    """A keypoint with x known but y missing is left out of the box."""
    data = position([[(1, 1), (2, 2), (3, 3)]], n_time=2)
    data[0, 1, 1, 0] = np.nan  # time 0, middle keypoint's y
    centres, shapes = poses_to_bboxes(data)
    assert box(centres, shapes, 0, 0) == [2.0, 2.0, 2.0, 2.0]
    assert box(centres, shapes, 1, 0) == [2.0, 2.0, 2.0, 2.0]
    # had the middle x counted, the box would still be (1..3); move it out to be sure
    data[0, 0, 1, 0] = 100.0
    assert box(*poses_to_bboxes(data), 0, 0) == [2.0, 2.0, 2.0, 2.0]


def test_poses_to_bboxes_degenerate_bbox():
    centres, shapes = poses_to_bboxes(position([[(5.0, 5.0)] * 3], n_time=2))
    for t in range(2):
        assert box(centres, shapes, t, 0) == [5.0, 5.0, 0.0, 0.0]


def _three_d() -> xr.DataArray:
    return xr.DataArray(
        np.full((2, 3, 2, 1), 5.0),
        dims=DIMS,
        coords={"space": ["x", "y", "z"], "keypoint": ["a", "b"], "individual": ["id_0"]},
    )


INVALID = {
    "3-D space": (_three_d(), {}, ValueError, "Dimension 'space' must only contain ['x', 'y']"),
    "a Dataset whose position lacks dims": (
        xr.Dataset({"position": xr.DataArray(np.ones((2, 2)), dims=("time", "space"))}),
        {},
        InvalidDatasetError,
        "Input data must contain",
    ),
    "missing dims and coords": (
        xr.DataArray(np.zeros((2, 2)), dims=("foo", "bar"), coords={"foo": ["x", "y"]}),
        {},
        ValueError,
        "Input data must contain",
    ),
    "negative padding": (
        position(TRIANGLES, 2),
        {"padding": -5},
        ValueError,
        "padding must be non-negative",
    ),
    "padding a string": (position(TRIANGLES, 2), {"padding": "10"}, TypeError, "must be a number"),
    "padding a list": (position(TRIANGLES, 2), {"padding": [10]}, TypeError, "must be a number"),
    "padding None": (position(TRIANGLES, 2), {"padding": None}, TypeError, "must be a number"),
}


@pytest.mark.parametrize(("data", "kwargs", "kind", "phrase"), INVALID.values(), ids=INVALID.keys())
def test_poses_to_bboxes_invalid(data, kwargs, kind, phrase):
    with pytest.raises(kind, match=re.escape(phrase)):
        poses_to_bboxes(data, **kwargs)


def test_a_dataset_that_is_not_poses_is_refused_as_movement_refuses_it():
    """movement's TypeError phrase when the argument is neither form."""
    with pytest.raises(TypeError, match="Expected an xarray DataArray"):
        poses_to_bboxes(xr.Dataset({"shape": xr.DataArray([1.0])}))
