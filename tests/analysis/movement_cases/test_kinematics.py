"""movement 0.17's ``test_kinematics/test_kinematics.py`` cases, on our kinematics.

Displacements: movement writes 0 where there is no next (previous) position, we
write NaN unless ``end_value=0`` is passed (docs/coming-from-movement.md); the
cases pass ``end_value=0`` and check that it gives movement's array exactly.
"""

from __future__ import annotations

import re
from contextlib import nullcontext

import numpy as np
import pytest
import xarray as xr

from movement_like import kinematics
from tests.analysis.movement_cases.datasets import DATASETS, INVALID, count_nans

VARIABLES = ["forward_displacement", "backward_displacement", "velocity", "acceleration", "speed"]
_FORWARD = [
    np.vstack([np.ones((9, 2)), np.zeros((1, 2))]),
    np.vstack([np.ones((9, 2)), np.zeros((1, 2))]) * np.array([1, -1]),
]
#: per individual, (time, space) or (time,) for speed
EXPECTED = {
    "forward_displacement": _FORWARD,
    "backward_displacement": [np.roll(-f, 1, axis=0) for f in _FORWARD],
    "velocity": [np.ones((10, 2)), np.ones((10, 2)) * np.array([1, -1])],
    "acceleration": [np.zeros((10, 2)), np.zeros((10, 2))],
    "speed": [np.full(10, np.sqrt(2)), np.full(10, np.sqrt(2))],
}
EXPECTED_NANS = {
    "valid_poses_dataset_with_nan": {
        "forward_displacement": [30, 0],
        "backward_displacement": [30, 0],
        "velocity": [36, 0],
        "acceleration": [40, 0],
        "speed": [18, 0],
    },
    "valid_bboxes_dataset_with_nan": {
        "forward_displacement": [10, 0],
        "backward_displacement": [10, 0],
        "velocity": [12, 0],
        "acceleration": [14, 0],
        "speed": [6, 0],
    },
}


def compute(variable: str, position: xr.DataArray) -> xr.DataArray:
    """Call ``compute_<variable>`` with movement's end convention for displacements."""
    func = getattr(kinematics, f"compute_{variable}")
    return func(position, end_value=0) if "displacement" in variable else func(position)


@pytest.mark.parametrize("valid_dataset", ["valid_poses_dataset", "valid_bboxes_dataset"])
@pytest.mark.parametrize("kinematic_variable", VARIABLES)
def test_kinematics(kinematic_variable, valid_dataset):
    """Uniform linear motion gives movement's displacement, velocity, acceleration, speed."""
    position = DATASETS[valid_dataset]().position
    result = compute(kinematic_variable, position)
    assert result.name == kinematic_variable
    expected = np.stack(EXPECTED[kinematic_variable], axis=-1)
    if "keypoint" in position.dims:
        expected = np.repeat(expected[..., None, :], position.sizes["keypoint"], axis=-2)
    np.testing.assert_allclose(result.values, expected)
    if "displacement" in kinematic_variable:  # our default: NaN where movement writes 0
        edge = -1 if kinematic_variable.startswith("forward") else 0
        default = getattr(kinematics, f"compute_{kinematic_variable}")(position)
        assert default.isel(time=edge).isnull().all()


@pytest.mark.filterwarnings("ignore:The result may be unreliable")
@pytest.mark.parametrize("valid_dataset_with_nan", list(EXPECTED_NANS))
@pytest.mark.parametrize("kinematic_variable", VARIABLES)
def test_kinematics_with_dataset_with_nans(kinematic_variable, valid_dataset_with_nan):
    """Missing positions spread to exactly as many kinematic values as in movement."""
    ds = DATASETS[valid_dataset_with_nan]()
    result = compute(kinematic_variable, ds.position)
    assert result.name == kinematic_variable
    counts = [count_nans(result.isel(individual=i)) for i in range(ds.sizes["individual"])]
    assert counts == EXPECTED_NANS[valid_dataset_with_nan][kinematic_variable]


@pytest.mark.parametrize(
    "invalid_dataset, expected_exception",
    [
        ("not_a_dataset", AttributeError),
        ("empty_dataset", AttributeError),
        ("missing_var_poses_dataset", AttributeError),
        ("missing_var_bboxes_dataset", AttributeError),
        ("missing_dim_poses_dataset", ValueError),
        ("missing_dim_bboxes_dataset", ValueError),
    ],
)
@pytest.mark.parametrize("kinematic_variable", VARIABLES)
def test_kinematics_with_invalid_dataset(kinematic_variable, invalid_dataset, expected_exception):
    """No position variable: AttributeError (as in movement); no time dim: ValueError."""
    with pytest.raises(expected_exception):
        position = INVALID[invalid_dataset]().position
        getattr(kinematics, f"compute_{kinematic_variable}")(position)


@pytest.mark.parametrize(
    "order, expected_exception",
    [(0, ValueError), (-1, ValueError), (1.0, TypeError), ("1", TypeError)],
)
def test_time_derivative_with_invalid_order(order, expected_exception):
    """A non-positive order is a ValueError, a non-integer order a TypeError."""
    with pytest.raises(expected_exception):
        kinematics.compute_time_derivative(np.arange(10), order=order)


TOO_FEW = "At least 2 time points are required to compute path length"
TIME_RANGES = [
    (None, None, None),
    (0, None, None),
    (0, 9, None),
    (0, 10, None),
    (-1, 9, None),
    (1, 8, None),
    (1.5, 8.5, None),
    (2, None, None),
    (9, 0, TOO_FEW),
    ("text", 9, TOO_FEW),
    (0, 0.5, TOO_FEW),
]


@pytest.mark.parametrize(
    "start, stop, error", TIME_RANGES, ids=[f"{a}-{b}" for a, b, _ in TIME_RANGES]
)
def test_path_length_across_time_ranges(start, stop, error):
    """sqrt(2) per frame step inside [start, stop]; fewer than 2 frames is movement's error."""
    position = DATASETS["valid_poses_dataset"]().position
    expect = nullcontext() if error is None else pytest.raises(ValueError, match=error)
    with expect:
        result = kinematics.compute_path_length(position, start=start, stop=stop)
        assert result.name == "path_length"
        first = 0 if start is None else np.ceil(max(0, start))
        last = 9 if stop is None else np.floor(min(9, stop))
        expected = xr.DataArray(
            np.full((3, 2), np.sqrt(2) * (last - first)),
            dims=("keypoint", "individual"),
            coords={"keypoint": position.keypoint, "individual": position.individual},
        )
        xr.testing.assert_allclose(result.drop_attrs(), expected)


@pytest.mark.parametrize(
    "nan_policy, expected_id_0",
    [
        ("ffill", [np.sqrt(2) * 9, np.sqrt(2) * 8, np.nan]),
        ("scale", [np.sqrt(2) * 9, np.sqrt(2) * 9, np.nan]),
        ("invalid", None),
    ],
    ids=["ffill", "scale", "invalid"],
)
def test_path_length_with_nan(nan_policy, expected_id_0):
    """``scale`` restores id_0's true length; ``ffill`` misses the leading gap; others refused."""
    position = DATASETS["valid_poses_dataset_with_nan"]().position
    expect = (
        pytest.raises(ValueError, match="Invalid value for nan_policy")
        if expected_id_0 is None
        else nullcontext()
    )
    with pytest.warns(UserWarning, match="The result may be unreliable"), expect:
        result = kinematics.compute_path_length(position, nan_policy=nan_policy)
        assert result.name == "path_length"
        np.testing.assert_allclose(result.sel(individual="id_0").values, expected_id_0)


_NOT_ID_1_NOR_LEFT = r"(?s)(?!.*id_1)(?!.*left)"
WARN_CASES = {
    "standard-threshold-100": (
        "valid_poses_dataset_with_nan",
        1,
        _NOT_ID_1_NOR_LEFT + r".*The result may be unreliable.*right.*id_0.*10/10.*",
    ),
    "standard-threshold-20": (
        "valid_poses_dataset_with_nan",
        0.2,
        _NOT_ID_1_NOR_LEFT
        + r".*The result may be unreliable.*centroid.*right.*id_0.*3/10.*10/10.*",
    ),
    "invalid-threshold": ("valid_poses_dataset_with_nan", -1, None),
    "cross-nan-threshold-50": (
        "valid_poses_dataset_with_cross_nan",
        0.5,
        r"(?s)(?!.*1/10)(?=.*10/10)(?=.*6/10).*The result may be unreliable.*",
    ),
}


@pytest.mark.parametrize("case", list(WARN_CASES))
def test_path_length_nan_warn_threshold(case):
    """The warning names exactly the tracks over the threshold, with their NaN counts."""
    dataset, threshold, pattern = WARN_CASES[case]
    position = DATASETS[dataset]().position
    if pattern is None:
        with pytest.raises(ValueError, match="between 0 and 1"):
            kinematics.compute_path_length(position, nan_warn_threshold=threshold)
        return
    with pytest.warns(UserWarning) as caught:
        result = kinematics.compute_path_length(position, nan_warn_threshold=threshold)
    assert result.name == "path_length"
    assert any(re.match(pattern, str(w.message)) for w in caught), [str(w.message) for w in caught]
