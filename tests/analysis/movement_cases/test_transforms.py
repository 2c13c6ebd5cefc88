"""movement 0.17's ``test_transforms.py`` cases, on our ``scale``.

movement's log stores ``repr`` strings (``"'elephants'"``); ours stores JSON
values, which ``read_log`` reads back (docs/coming-from-movement.md), so the log
case checks the values. Error cases check movement's phrase is in our message.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import xarray as xr

from movement_like.provenance import read_log
from movement_like.transforms import scale

SPACE_2D = {"space": ["x", "y"]}
SPACE_3D = {"space": ["x", "y", "z"]}


def zero_to_23(shape: tuple[int, int] = (12, 2)) -> np.ndarray:
    return np.arange(24).reshape(shape)


def array(data: np.ndarray, coords: dict = SPACE_2D, **attrs: str) -> xr.DataArray:
    return xr.DataArray(data, dims=("time", "space"), coords=coords, attrs=attrs)


def without_log(attrs: dict) -> dict:
    return {k: v for k, v in attrs.items() if k != "log"}


SCALE_CASES = {
    "Do nothing": ({}, array(zero_to_23())),
    "No scaling, add space_unit": (
        {"space_unit": "elephants"},
        array(zero_to_23(), space_unit="elephants"),
    ),
    "Double, no space_unit": ({"factor": 2}, array(zero_to_23() * 2)),
    "Halve, no space_unit": ({"factor": 0.5}, array(zero_to_23() * 0.5)),
    "Halve, add space_unit": (
        {"factor": 0.5, "space_unit": "elephants"},
        array(zero_to_23() * 0.5, space_unit="elephants"),
    ),
    "x / 2, y * 2": ({"factor": [0.5, 2]}, array(zero_to_23() * [0.5, 2])),
    "x / 2, y * 2, should squeeze to cast across space": (
        {"factor": np.array([0.5, 2]).reshape(1, 2)},
        array(zero_to_23() * [0.5, 2]),
    ),
}


@pytest.mark.parametrize("case", list(SCALE_CASES))
def test_scale(case):
    kwargs, expected = SCALE_CASES[case]
    result = scale(array(zero_to_23()), **kwargs)
    xr.testing.assert_equal(result, expected)
    assert without_log(result.attrs) == expected.attrs


@pytest.mark.parametrize(
    "dims, shape",
    [
        (("time", "space"), (3, 2)),
        (("space", "time"), (2, 3)),
        (("time", "individual", "keypoint", "space"), (3, 6, 4, 2)),
        (("time", "individual", "keypoint", "space"), (2, 2, 2, 2)),
    ],
    ids=["time-space", "space-time", "time-individuals-keypoints-space", "2x2x2x2"],
)
def test_scale_space_dimension(dims, shape):
    """The factor goes along ``space`` wherever it is."""
    data = xr.DataArray(np.arange(np.prod(shape)).reshape(shape), dims=dims, coords=SPACE_2D)
    result = scale(data, factor=[0.5, 2])
    broadcast = [2 if d == "space" else 1 for d in dims]
    assert result.shape == data.shape
    xr.testing.assert_equal(result, data * np.array([0.5, 2]).reshape(broadcast))


TWICE = {
    "No net scaling, final crabs space_unit": (
        {"factor": 2, "space_unit": "elephants"},
        {"factor": 0.5, "space_unit": "crabs"},
        {"space_unit": "crabs"},
    ),
    "No net scaling, no final space_unit": (
        {"factor": 2, "space_unit": "elephants"},
        {"factor": 0.5, "space_unit": None},
        {},
    ),
    "No net scaling, final elephant space_unit": (
        {"factor": 2, "space_unit": None},
        {"factor": 0.5, "space_unit": "elephants"},
        {"space_unit": "elephants"},
    ),
}


@pytest.mark.parametrize("case", list(TWICE))
def test_scale_twice(case):
    """The second call's space_unit replaces the first, or removes it when None."""
    first, second, attrs = TWICE[case]
    result = scale(scale(array(zero_to_23()), **first), **second)
    xr.testing.assert_equal(result, array(zero_to_23(), **attrs))
    assert without_log(result.attrs) == attrs


@pytest.mark.parametrize(
    "factor, phrase",
    [
        (
            np.zeros((3, 3, 4)),
            "Factor must be an object that can be converted to a 1D numpy array, got 3D",
        ),
        (np.zeros(3), "Factor shape (3,) does not match the shape of the space dimension (2,)"),
    ],
    ids=["3D factor", "space dimension mismatch"],
)
def test_scale_value_error(factor, phrase):
    with pytest.raises(ValueError, match=re.escape(phrase)):
        scale(array(zero_to_23()), factor=factor)


@pytest.mark.parametrize("factor", [2, [1, 2, 0.5]], ids=["uniform scaling", "multi-axis scaling"])
def test_scale_3d_space(factor):
    result = scale(array(zero_to_23((8, 3)), coords=SPACE_3D), factor=factor)
    expected = array(zero_to_23((8, 3)) * np.array(factor).reshape(1, -1), coords=SPACE_3D)
    xr.testing.assert_equal(result, expected)


@pytest.mark.parametrize("factor", [2, [1, 2, 0.5]], ids=["uniform scaling", "multi-axis scaling"])
def test_scale_invalid_3d_space(factor):
    """Three space labels that are not x, y, z: movement's phrase naming the missing 'z'."""
    data = array(zero_to_23((8, 3)), coords={"space": ["x", "flubble", "y"]})
    with pytest.raises(
        ValueError, match=re.escape("Input data must contain ['z'] in the 'space' coordinates.")
    ):
        scale(data, factor=factor)


def test_scale_log():
    """Two calls, two entries in movement's shape (arguments at the top level), JSON values."""
    result = scale(
        scale(array(zero_to_23()), factor=2, space_unit="elephants"),
        factor=[1, 2],
        space_unit="crabs",
    )
    entries = json.loads(result.attrs["log"])
    assert len(entries) == 2
    for entry, factor, unit in zip(entries, [2, [1, 2]], ["elephants", "crabs"], strict=True):
        assert entry["operation"] == "scale"
        assert "datetime" in entry
        assert entry["factor"] == factor  # movement: the repr string "2", "[1, 2]"
        assert entry["space_unit"] == unit  # movement: "'elephants'"
    assert [e["arguments"]["factor"] for e in read_log(result)] == [2, [1, 2]]
