"""How two inputs are matched: time units and name coordinates are kept."""

from __future__ import annotations

import numpy as np

from movement_like import annotations as an
from movement_like.dataset import validate_poses
from tests.analysis.annotations.helpers import layer


def test_alignment_keeps_time_units_and_name_coordinates():
    dense = layer({(0, "a", "0"): (1, 1)}, n_frames=4, fps=10.0).assign_coords(
        keypoint_name=("keypoints", ["boundary", "fascia"])
    )
    sparse = layer({(5, "a", "2"): (2, 2)}, n_frames=6, keypoints=("1", "2")).assign_coords(
        keypoint_name=("keypoints", ["other", "bone"])
    )
    out = an.apply_manual_corrections(dense, sparse)
    assert out["keypoint_name"].values.tolist() == ["boundary", "fascia", "bone"]
    np.testing.assert_allclose(out["time"].values, np.arange(6) / 10.0)
    assert out.attrs["time_unit"] == "seconds"
    validate_poses(out)
    from_arrays = an.apply_manual_corrections(dense["position"], sparse["position"])
    np.testing.assert_allclose(from_arrays["time"].values, np.arange(6) / 10.0)
    reverse = an.apply_manual_corrections(sparse, dense)
    assert reverse["time"].values.tolist() == list(range(6))
    assert reverse["time"].dtype.kind == "i"
