"""movement 0.17's ``test_kinematics/test_path.py`` straightness cases, on our path measures.

(Its path-length cases are the same as those of ``test_kinematics.py``, see
:mod:`test_kinematics`, and the inventory points them there.)
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from movement_like.kinematics import compute_path_straightness


def track_array(points: list | np.ndarray, n_ind: int = 1, n_kp: int = 1) -> xr.DataArray:
    """One 2-D path repeated for ``n_ind`` individuals and ``n_kp`` keypoints."""
    points = np.asarray(points, dtype=float)
    data = np.tile(points[:, :, None, None], (1, 1, n_kp, n_ind))
    return xr.DataArray(
        data,
        dims=("time", "space", "keypoint", "individual"),
        coords={
            "time": np.arange(len(points)),
            "space": ["x", "y"],
            "keypoint": [f"kp_{k}" for k in range(n_kp)],
            "individual": [f"id_{i}" for i in range(n_ind)],
        },
    )


def straight_line(length: int = 10, n_ind: int = 1, n_kp: int = 1) -> xr.DataArray:
    t = np.arange(length, dtype=float)
    return track_array(np.stack([t, t], axis=-1), n_ind, n_kp)


CLOSED_LOOP = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
#: (0,0) -> (3,0) -> (3,4): chord 5, length 7
L_SHAPE = [[0, 0], [1, 0], [2, 0], [3, 0], [3, 1], [3, 2], [3, 3], [3, 4]]


@pytest.mark.parametrize(
    "data, expected",
    [(straight_line(), 1.0), (track_array(CLOSED_LOOP), 0.0), (track_array(L_SHAPE), 5 / 7)],
    ids=["straight_line", "closed_loop", "known_si"],
)
def test_straightness_known_values(data, expected):
    """Straight line 1, closed loop 0, the L-shaped path 5/7."""
    assert np.allclose(compute_path_straightness(data).values, expected, atol=1e-6)


def test_straightness_stationary_is_nan():
    """No path length: the index is NaN, not a division error."""
    still = track_array(np.full((5, 2), 3.0))
    assert np.isnan(compute_path_straightness(still).values).all()


def test_straightness_between_zero_and_one():
    result = compute_path_straightness(track_array(L_SHAPE))
    assert ((result.values >= 0) & (result.values <= 1)).all()


@pytest.mark.parametrize("n_ind, n_kp", [(1, 1), (2, 3), (3, 2)], ids=["1-1", "2-3", "3-2"])
def test_straightness_output_shape(n_ind, n_kp):
    """time and space are reduced; individual and keypoint are kept."""
    result = compute_path_straightness(straight_line(n_ind=n_ind, n_kp=n_kp))
    assert "time" not in result.dims and "space" not in result.dims
    assert result.sizes["individual"] == n_ind and result.sizes["keypoint"] == n_kp


def test_straightness_output_name_and_units():
    result = compute_path_straightness(straight_line())
    assert result.name == "straightness_index"
    assert result.attrs["long_name"] == "Path Straightness Index"


def test_straightness_rejects_missing_time_dim():
    data = xr.DataArray(
        np.random.default_rng(0).random((5, 2)),
        dims=("individual", "space"),
        coords={"space": ["x", "y"]},
    )
    with pytest.raises(ValueError):
        compute_path_straightness(data)


def test_straightness_rejects_too_short():
    with pytest.raises(ValueError):
        compute_path_straightness(straight_line(length=1))
