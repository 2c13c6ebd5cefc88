"""movement 0.17's ``compute_signed_angle_2d`` cases (``test_vector.py``), on ours.

Each angle case is checked both ways round: with ``v_as_left_operand=True``
the angle changes sign, except pi, which stays pi (the range is (-pi, pi]).
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import xarray as xr

from movement_like.utils import vector

X = np.array([1.0, 0.0])
Y = np.array([0.0, 1.0])
AXES = np.array([X, Y, -X, -Y])
DIAGONALS = np.array([[1.0, 1.0], [-1.0, 1.0], [-1.0, -1.0], [1.0, -1.0]])


def over_time(values: np.ndarray) -> xr.DataArray:
    return xr.DataArray(
        values,
        dims=("time", "space"),
        coords={"time": np.arange(len(values)), "space": ["x", "y"]},
    )


ANGLES = {
    "x-axis to x-axis": (X.reshape(1, 2), X, [0.0]),
    "+/- axes to x-axis": (AXES, X, [0.0, -np.pi / 2, np.pi, np.pi / 2]),
    "+/- axes to -ve x-axis": (AXES, -X, [np.pi, np.pi / 2, 0.0, -np.pi / 2]),
    "-pi/4 trailing axes": (DIAGONALS, AXES, [-np.pi / 4] * 4),
    "Two DataArrays given": (AXES, over_time(-AXES), [np.pi] * 4),
    "Rotation by '-pi' should map to pi.": (np.array([-X, X]), np.array([X, -X]), [np.pi] * 2),
}


@pytest.mark.parametrize(("u", "v", "expected"), ANGLES.values(), ids=ANGLES.keys())
def test_compute_signed_angle_2d(u, v, expected):
    u = over_time(u)
    expected = np.asarray(expected)
    swapped = np.where(expected < np.pi, -expected, expected)
    angles = vector.compute_signed_angle_2d(u, v)
    assert angles.dims == ("time",)
    np.testing.assert_array_equal(angles["time"], u["time"])
    np.testing.assert_allclose(angles.values, expected, atol=1e-12)
    reverse = vector.compute_signed_angle_2d(u, v, v_as_left_operand=True)
    np.testing.assert_allclose(reverse.values, swapped, atol=1e-12)


ERRORS = {
    "Error: v is not 1 or 2 dimensional": (
        np.zeros((3, 3, 3)),
        ValueError,
        "v must be 1D or 2D, but got 3D",
    ),
    "Error: v is not an array or DataArray": (
        "this is not an array",
        TypeError,
        "v must be an xarray.DataArray or np.ndarray, but got <class 'str'>",
    ),
    "Error: v has incompatible shape": (
        np.zeros((3, 2)),
        ValueError,
        "conflicting sizes for dimension 'time'",
    ),
}


@pytest.mark.parametrize(("v", "kind", "phrase"), ERRORS.values(), ids=ERRORS.keys())
def test_compute_signed_angle_2d_errors(v, kind, phrase):
    with pytest.raises(kind, match=re.escape(phrase)):
        vector.compute_signed_angle_2d(over_time(np.array([-X, X])), v)


@pytest.mark.parametrize(
    "extra",
    [(1,), (2, 3), (1, 2)],
    ids=[
        "[1D] Trailing singleton dimension",
        "[2D] Individuals-keypoints esque",
        "[2D] As if .sel had been used on an additional axis",
    ],
)
def test_multidimensional_input(extra):
    """Extra dims after ``space`` come out, named and labelled, with the same angle on each."""
    names = [f"edim{i}" for i in range(len(extra))]
    values = AXES.reshape(4, 2, *([1] * len(extra))) * np.ones((1, 1, *extra))
    coords = {"time": [f"t{i}" for i in range(4)], "space": ["x", "y"]}
    coords |= {name: range(size) for name, size in zip(names, extra, strict=True)}
    u = xr.DataArray(values, dims=("time", "space", *names), coords=coords)
    angles = vector.compute_signed_angle_2d(u, X)
    assert angles.dims == ("time", *names)
    for name in ["time", *names]:
        np.testing.assert_array_equal(angles[name], u[name])
    per_time = np.array([0.0, -np.pi / 2, np.pi, np.pi / 2]).reshape(4, *([1] * len(extra)))
    np.testing.assert_allclose(angles.values, np.broadcast_to(per_time, angles.shape), atol=1e-12)
