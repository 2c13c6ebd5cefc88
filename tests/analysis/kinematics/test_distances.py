"""Tests of movement_like.kinematics.distances: pairwise distances."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

from movement_like.dataset import bboxes_from_numpy, poses_from_numpy
from movement_like.kinematics import compute_pairwise_distances
from tests.analysis.kinematics.trajectories import EACH, SPACE_DATASETS, circle, straight_line
from tests.analysis.test_filtering import assert_invariant


def test_circle_known_answers():
    data, _ = circle()
    # left and right are always 1 apart, each 0.5 from the centre
    keypoint_distances = compute_pairwise_distances(data, dim="keypoints")
    np.testing.assert_allclose(keypoint_distances.sel(pairs="left-right").values, 1.0, rtol=1e-12)
    np.testing.assert_allclose(keypoint_distances.sel(pairs="centre-left").values, 0.5, rtol=1e-12)


def test_distances_between_individuals():
    t = np.arange(5)
    a = np.stack([t * 1.0, t * 0.0], axis=-1)
    b = a + np.array([3.0, 4.0])
    c = a + np.array([0.0, 1.0])
    tail = np.array([1.0, 0.0])
    points = np.stack(
        [
            np.stack([a, a + tail], axis=1),
            np.stack([b, b + tail], axis=1),
            np.stack([c, c + tail], axis=1),
        ],
        axis=1,
    )  # (time, individuals, keypoints, space)
    data = poses_from_numpy(
        points, individual_names=["A", "B", "C"], keypoint_names=["nose", "tail"]
    )["position"]
    matched = compute_pairwise_distances(data)
    assert matched.dims == ("time", "pairs", "keypoints")
    assert matched["pairs"].values.tolist() == ["A-B", "A-C", "B-C"]
    assert matched["first"].values.tolist() == ["A", "A", "B"]
    np.testing.assert_allclose(matched.sel(pairs="A-B").values, 5.0)
    np.testing.assert_allclose(matched.sel(pairs="A-C").values, 1.0)
    np.testing.assert_allclose(matched.sel(pairs="B-C").values, np.hypot(3, 3))
    crossed = compute_pairwise_distances(data, pairs={"A": "B"}, across="all")
    assert crossed.dims == ("time", "pairs", "keypoints_first", "keypoints_second")
    np.testing.assert_allclose(
        crossed.sel(keypoints_first="nose", keypoints_second="tail").values, np.hypot(4, 4)
    )
    listed = compute_pairwise_distances(data, pairs=[("C", "A")])
    np.testing.assert_allclose(listed.values, 1.0)
    assert matched.name == "distance"


def test_distances_between_boxes():
    centres = np.zeros((4, 2, 2))
    centres[:, 1] = [6.0, 8.0]
    centres[:, 1, 0] += np.arange(4) * 2.0  # box 1 moves along x, 2 units per frame
    ds = bboxes_from_numpy(centres, np.ones_like(centres), individual_names=["a", "b"])
    distance = compute_pairwise_distances(ds["position"])
    assert distance.dims == ("time", "pairs")
    np.testing.assert_allclose(distance.values[:, 0], np.hypot(6 + np.arange(4) * 2, 8))


SPACE_FUNCTIONS = {
    "distances matched": compute_pairwise_distances,
    "distances keypoints": lambda d: compute_pairwise_distances(d, dim="keypoints"),
    "distances all": lambda d: compute_pairwise_distances(d, across="all"),
}


@pytest.mark.parametrize("name", sorted(SPACE_FUNCTIONS))
@EACH
@given(ds=SPACE_DATASETS)
def test_invariances(ds, name):
    data = ds["position"]
    if name == "distances keypoints" and data.sizes["keypoints"] < 2:
        return
    if name != "distances keypoints" and data.sizes["individuals"] < 2:
        return
    assert_invariant(SPACE_FUNCTIONS[name], data)


def test_errors():
    line = straight_line(np.arange(5.0))
    with pytest.raises(ValueError, match="dim must be 'individuals' or 'keypoints'"):
        compute_pairwise_distances(line, dim="space")
    with pytest.raises(ValueError, match="no pairs"):
        compute_pairwise_distances(line)
    with pytest.raises(ValueError, match="not found"):
        compute_pairwise_distances(line, pairs={"individual_0": "ghost"})
