"""Tests of movement_like.kinematics.energy: kinetic energy and its decomposition."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given

from movement_like.kinematics import compute_kinetic_energy
from tests.analysis.kinematics.trajectories import (
    DT,
    EACH,
    OMEGA,
    SPACE_DATASETS,
    R,
    circle,
    refuses_one_time_point,
    straight_line,
)
from tests.analysis.test_filtering import assert_invariant


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
    with pytest.raises(ValueError, match="At least 2 keypoints are required"):
        compute_kinetic_energy(line, decompose=True)


SPACE_FUNCTIONS = {
    "kinetic energy": compute_kinetic_energy,
    "kinetic energy split": lambda d: compute_kinetic_energy(d, decompose=True),
}


@pytest.mark.parametrize("name", sorted(SPACE_FUNCTIONS))
@EACH
@given(ds=SPACE_DATASETS)
def test_invariances(ds, name):
    data = ds["position"]
    function = SPACE_FUNCTIONS[name]
    if refuses_one_time_point(function, data):
        return
    if name == "kinetic energy split" and data.sizes["keypoints"] < 2:
        return
    assert_invariant(function, data)
