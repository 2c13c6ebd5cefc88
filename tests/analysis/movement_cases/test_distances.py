"""movement 0.17's ``test_kinematics/test_distances.py`` cases, on our pairwise distances.

movement returns one DataArray per pair (a dict for several); ours does with
``output="movement"`` (our default stacks pairs, see docs/coming-from-movement.md),
so the cases pass it. movement's ``_cdist`` cases are run through the public
function, which is what calls it.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from movement_like.kinematics import compute_pairwise_distances
from tests.analysis.movement_cases.datasets import DATASETS, INVALID

R2, R5, R8, R10 = np.sqrt([2, 5, 8, 10])
KNOWN = {
    "individual": np.array(
        [[[0, 1, 1], [1, R2, 0], [1, 2, R2]], [[2, R5, 1], [3, R10, 2], [R5, R8, R2]]]
    ),
    "keypoint": np.array([[[1, 1], [1, 1]], [[1, R5], [3, 1]]]),
}


@pytest.mark.parametrize("dim", ["individual", "keypoint"])
def test_cdist_with_known_values(dim):
    """First two frames, first two labels of ``dim``: every cross distance, dims named by them."""
    labels_dim = "keypoint" if dim == "individual" else "individual"
    position = DATASETS["valid_poses_dataset"]().position.sel(time=slice(0, 1))
    first, second = position[dim].values[:2]
    result = compute_pairwise_distances(position, dim, {first: second}, output="movement")
    labels = position[labels_dim].values
    expected = xr.DataArray(
        KNOWN[dim].astype(float),
        coords=[position.time.values, labels, labels],
        dims=["time", first, second],
    )
    assert result.name == "distance"
    xr.testing.assert_allclose(result.drop_attrs(), expected)


PAIRS = {
    "individual-list": ("individual", {"id_0": ["id_1"]}, None),
    "individual-string": ("individual", {"id_0": "id_1"}, None),
    "individual-two": (
        "individual",
        {"id_0": ["id_1"], "id_1": "id_0"},
        [("id_0", "id_1"), ("id_1", "id_0")],
    ),
    "individual-all": ("individual", "all", None),
    "keypoint-list": ("keypoint", {"centroid": ["left"]}, None),
    "keypoint-string": ("keypoint", {"centroid": "left"}, None),
    "keypoint-two": (
        "keypoint",
        {"centroid": ["left"], "left": "right"},
        [("centroid", "left"), ("left", "right")],
    ),
    "keypoint-all": (
        "keypoint",
        "all",
        [("centroid", "left"), ("centroid", "right"), ("left", "right")],
    ),
}


@pytest.mark.parametrize("case", list(PAIRS))
def test_compute_pairwise_distances_with_valid_pairs(case):
    """One pair gives one DataArray named "distance"; several a dict keyed ``dist_a_b``."""
    dim, pairs, expected_keys = PAIRS[case]
    result = compute_pairwise_distances(
        DATASETS["valid_poses_dataset"]().position, dim, pairs, output="movement"
    )
    if expected_keys is None:
        assert isinstance(result, xr.DataArray) and result.name == "distance"
    else:
        assert isinstance(result, dict)
        assert set(result) == {f"dist_{a}_{b}" for a, b in expected_keys}
        assert all(isinstance(v, xr.DataArray) and v.name == "distance" for v in result.values())


INVALID_CASES = {
    "invalid_dim": ("valid_poses_dataset", "invalid_dim", {"id_0": "id_1"}),
    "invalid_pairs": ("valid_poses_dataset", "keypoint", "invalid_string"),
    "empty_pairs": ("valid_poses_dataset", "individual", {}),
    "missing_dim_poses": ("missing_dim_poses_dataset", "keypoint", "all"),
    "missing_dim_bboxes": ("missing_dim_bboxes_dataset", "individual", "all"),
}


@pytest.mark.parametrize("case", list(INVALID_CASES))
def test_compute_pairwise_distances_with_invalid_input(case):
    """An unknown dim, unknown pairs, no pairs, or no time dim: ValueError."""
    name, dim, pairs = INVALID_CASES[case]
    ds = (DATASETS | INVALID)[name]()
    with pytest.raises(ValueError):
        compute_pairwise_distances(ds.position, dim, pairs, output="movement")
