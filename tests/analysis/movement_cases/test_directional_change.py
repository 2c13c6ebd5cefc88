"""movement 0.17's ``compute_directional_change`` cases, on ours.

The turn arriving at ``t`` divided by the time it took, ``t - t[-2 steps]``;
checked on uneven ``time`` so a centred interval would fail.
"""

from __future__ import annotations

import re
from contextlib import nullcontext

import numpy as np
import pytest
import xarray as xr

from movement_like.kinematics import compute_directional_change
from tests.analysis.movement_cases.datasets import DATASETS


def two_paths(points_a, points_b, time=None) -> xr.DataArray:
    values = np.stack([np.asarray(points_a, float), np.asarray(points_b, float)], axis=-1)
    time = np.arange(len(values)) if time is None else time
    return xr.DataArray(
        values,
        dims=("time", "space", "individual"),
        coords={"time": time, "space": ["x", "y"], "individual": ["id_0", "id_1"]},
    )


STRAIGHT = two_paths([[i, 2 * i] for i in range(10)], [[-i, 0.5 * i] for i in range(10)])
STATIONARY = two_paths([[3, 4]] * 10, [[-1, 0]] * 10)


@pytest.mark.parametrize(
    ("data", "all_nan"),
    [(STRAIGHT, False), (STATIONARY, True)],
    ids=["straight-line", "stationary"],
)
def test_directional_change_known_values(data, all_nan):
    change = compute_directional_change(data)
    assert change.name == "directional_change"
    assert change.attrs["long_name"] == "Directional Change"
    if all_nan:
        assert change.isnull().all()
    else:
        assert change.isel(time=[0, 1]).isnull().all()
        np.testing.assert_allclose(change.isel(time=slice(2, None)).values, 0.0, atol=1e-12)


@pytest.mark.parametrize(
    ("in_degrees", "turn"), [(False, 3 * np.pi / 4), (True, 135.0)], ids=["radians", "degrees"]
)
def test_directional_change_nonzero_value(in_degrees, turn):
    """Straight for eight steps, then a 135-degree turn on the last, on uneven time."""
    time = np.array([0, 1, 2, 4, 7, 11, 16, 22, 29, 37], dtype=float)
    east = [[i, 0] for i in range(9)] + [[8 - np.sqrt(0.5), np.sqrt(0.5)]]
    north = [[0, i] for i in range(9)] + [[-np.sqrt(0.5), 8 - np.sqrt(0.5)]]
    change = compute_directional_change(two_paths(east, north, time), in_degrees=in_degrees)
    np.testing.assert_allclose(change.isel(time=-1).values, abs(turn) / (37 - 22))
    assert change.isel(time=[0, 1]).isnull().all()
    assert change.isel(time=slice(2, None)).notnull().all()


TOO_FEW = pytest.raises(ValueError, match=re.escape("At least 2 time points are required"))


@pytest.mark.parametrize(
    ("time_slice", "expectation"),
    [
        (slice(None, None), nullcontext()),
        (slice(0, 9), nullcontext()),
        (slice(1, 8), nullcontext()),
        (slice(9, 0), TOO_FEW),
        (slice(0, 0.5), TOO_FEW),
    ],
    ids=[
        "full-range",
        "explicit-full-range",
        "partial-range",
        "start-greater-than-stop",
        "too-few-time-points",
    ],
)
def test_directional_change_across_time_ranges(time_slice, expectation):
    position = DATASETS["valid_poses_dataset"]()["position"].sel(time=time_slice)
    with expectation:
        change = compute_directional_change(position)
        assert change.name == "directional_change"
        assert change.attrs["long_name"] == "Directional Change"
        assert change.sizes["time"] == position.sizes["time"]
