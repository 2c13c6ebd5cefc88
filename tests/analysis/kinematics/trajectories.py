"""Analytic trajectories and shared hypothesis settings for the kinematics tests."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, settings

from movement_like.dataset import poses_from_numpy
from tests.strategies import poses_datasets

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


# --------------------------------------------------------------------------- #
# invariances: each test module parametrizes over its own functions
# --------------------------------------------------------------------------- #
EACH = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SPACE_DATASETS = poses_datasets(
    max_time=10, max_individuals=3, max_keypoints=3, dtypes=(np.float64,)
)
PLANAR_DATASETS = poses_datasets(
    max_time=10, max_individuals=2, max_keypoints=3, spaces=(2,), dtypes=(np.float64,)
)


def refuses_one_time_point(function: Callable[[xr.DataArray], object], data: xr.DataArray) -> bool:
    """True (after checking the error) when ``data`` is too short for a time derivative."""
    if data.sizes["time"] >= 2:
        return False
    with pytest.raises(ValueError, match="At least 2 time points are required"):
        function(data)
    return True
