"""Which points exist where: occupancy, annotated, complete and incomplete frames."""

from __future__ import annotations

import pytest

from movement_like import annotations as an
from movement_like.errors import InvalidDatasetError


def test_track_occupancy(sparse_layer):
    occ = an.track_occupancy(sparse_layer)
    assert occ["occupied"].dtype == bool
    assert occ["frames_per_keypoint"].sel(individuals="a").values.tolist() == [2, 1]
    assert occ["frames_per_keypoint"].sel(individuals="b").values.tolist() == [0, 1]
    assert occ["frames_per_individual"].values.tolist() == [2, 1]
    assert occ["keypoints_per_frame"].sel(individuals="a").values.tolist() == [0, 2, 0, 1, 0, 0]
    assert occ["individuals_per_frame"].values.tolist() == [0, 1, 0, 1, 1, 0]
    assert "frame" in occ.coords


def test_annotated_complete_and_incomplete_frames(sparse_layer):
    assert an.annotated_frames(sparse_layer).tolist() == [1, 3, 4]
    assert an.annotated_frames(sparse_layer, keypoints="0").tolist() == [1, 3]
    assert an.annotated_frames(sparse_layer, individuals="b").tolist() == [4]
    assert an.complete_frames(sparse_layer, individuals="a").tolist() == [1]
    assert an.incomplete_frames(sparse_layer, individuals="a").tolist() == [3]
    assert an.complete_frames(sparse_layer).tolist() == []
    with pytest.raises(InvalidDatasetError, match="no keypoints"):
        an.annotated_frames(sparse_layer, keypoints="zz")
