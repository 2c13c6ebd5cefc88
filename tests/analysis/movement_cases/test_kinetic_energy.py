"""movement 0.17's ``test_kinematics/test_kinetic_energy.py`` cases, on our kinetic energy.

movement 0.17 splits the energy into translational and internal parts with
``decompose=True`` (the case file was written before that argument and calls
without it); the cases call with ``decompose=True``. Our result is named
``"kinetic_energy"`` where movement's has no name (docs/coming-from-movement.md).
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from movement_like.kinematics import compute_kinetic_energy
from tests.analysis.movement_cases.datasets import poses_dataset


def test_basic_shape_and_values():
    """Two frames, one individual, three keypoints: (time, individual, energy), all >= 0."""
    data = np.array([[[[1, 0], [0, 1], [1, 1]]], [[[2, 0], [0, 2], [2, 2]]]], dtype=float)
    position = xr.DataArray(
        data,
        dims=("time", "individual", "keypoint", "space"),
        coords={"time": [0, 1], "individual": [0], "keypoint": [0, 1, 2], "space": ["x", "y"]},
    )
    result = compute_kinetic_energy(position, decompose=True)
    assert set(result.dims) == {"time", "individual", "energy"}
    assert list(result.energy.values) == ["translational", "internal"]
    assert result.shape == (2, 1, 2)
    assert (result >= 0).all()


def test_uniform_linear_motion():
    """Rigid translation at sqrt(2) a frame, 3 unit masses: translational 3, internal 0."""
    energy = compute_kinetic_energy(poses_dataset().position, decompose=True)
    assert np.allclose(energy.sel(energy="translational"), 3)
    assert np.allclose(energy.sel(energy="internal"), 0)


def spinning() -> xr.DataArray:
    """Four keypoints a quarter-turn apart, turning once around the origin in 10 frames."""
    angles = np.linspace(0, 2 * np.pi, 10)[:, None] + np.arange(4)[None, :] * np.pi / 2
    data = np.stack([np.cos(angles), np.sin(angles)], axis=-1)[:, None]
    return xr.DataArray(
        data,
        dims=("time", "individual", "keypoint", "space"),
        coords={
            "time": np.arange(10),
            "individual": ["id0"],
            "keypoint": [f"k{i}" for i in range(4)],
            "space": ["x", "y"],
        },
    )


def test_pure_rotation():
    """Spinning on the spot: no translational energy, internal energy throughout."""
    energy = compute_kinetic_energy(spinning(), decompose=True)
    assert np.allclose(energy.sel(energy="translational"), 0)
    assert (energy.sel(energy="internal") > 0).all()


def test_weighted_kinetic_energy():
    """Doubling every mass doubles the energy."""
    position = poses_dataset().position
    masses = {"centroid": 2.0, "left": 2.0, "right": 2.0}
    xr.testing.assert_allclose(
        compute_kinetic_energy(position, masses=masses, decompose=True),
        compute_kinetic_energy(position, decompose=True) * 2,
    )


def test_insufficient_keypoints():
    """The split needs two keypoints: movement 0.17's ValueError and phrase.

    (The case file's phrase, "Position array must contain at least two
    keypoints", is from before 0.17; 0.17 raises with the phrase used here.)
    """
    position = poses_dataset("single_keypoint_array").position
    with pytest.raises(ValueError, match="At least 2 keypoints are required to decompose"):
        compute_kinetic_energy(position, decompose=True)
