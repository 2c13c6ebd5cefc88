"""Frames of interest stored on a dataset survive netCDF."""

from __future__ import annotations

import json

import numpy as np
import pytest

from movement_like import annotations as an
from movement_like.dataset import validate_poses
from tests.analysis.annotations.helpers import layer


def test_frames_of_interest_round_trip_through_netcdf(tmp_path):
    from movement_like.io import load_netcdf, save_netcdf

    ds = layer({(1, "a", "0"): (1, 1)}, n_frames=10)
    assert an.frames_of_interest(ds) == []
    marked = an.set_frames_of_interest(ds, [7, 2, 2, np.int64(5)])
    assert an.frames_of_interest(marked) == [2, 5, 7]
    assert "frames_of_interest" not in ds.attrs  # pure
    marked = an.set_frames_of_interest(marked, [9], mode="add")
    marked = an.set_frames_of_interest(marked, [5], mode="remove")
    assert an.frames_of_interest(marked) == [2, 7, 9]
    assert an.frames_of_interest_mask(marked).values.tolist() == [
        False,
        False,
        True,
        False,
        False,
        False,
        False,
        True,
        False,
        True,
    ]
    validate_poses(marked)
    for frames in ([2, 7, 9], [4], []):
        one = an.set_frames_of_interest(ds, frames)
        save_netcdf(one, tmp_path / f"foi{len(frames)}.nc")
        back = load_netcdf(tmp_path / f"foi{len(frames)}.nc")
        assert an.frames_of_interest(back) == frames
        assert json.loads(back.attrs["frames_of_interest"]) == frames
    with pytest.raises(ValueError, match="non-negative integers"):
        an.set_frames_of_interest(ds, [1.5])
    with pytest.raises(ValueError, match="non-negative integers"):
        an.set_frames_of_interest(ds, [-1])
