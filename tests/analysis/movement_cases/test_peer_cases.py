"""The movement 0.17 cases that compare numbers, run through movement itself as well.

Each test runs the cases' calls under movement's interpreter on the same
rebuilt datasets and checks our arrays equal movement's: values (NaN in the
same places), dims in the same order, and the name. The inventory lists which
case each comparison stands for.
"""

from __future__ import annotations

import numpy as np
import pytest

from movement_like import filtering, kinematics, transforms
from tests.analysis.movement_cases.datasets import DATASETS
from tests.analysis.movement_cases.peer import movement_answer
from tests.peers import needs_peer

ALL = [
    "valid_poses_dataset",
    "valid_bboxes_dataset",
    "valid_poses_dataset_with_nan",
    "valid_bboxes_dataset_with_nan",
]
VARIABLES = ["forward_displacement", "backward_displacement", "velocity", "acceleration", "speed"]


def assert_same(ours, theirs: dict) -> None:
    assert list(ours.dims) == theirs["dims"]
    assert ours.name == theirs["name"]
    np.testing.assert_allclose(ours.values, np.array(theirs["values"], dtype=float), equal_nan=True)


@needs_peer("movement")
def test_kinematics_are_movements():
    """Every variable on every dataset (displacements with movement's ``end_value=0``)."""
    theirs = movement_answer(
        f"""
        from movement import kinematics
        answer = {{}}
        for v in {VARIABLES!r}:
            for d in {ALL!r}:
                func = getattr(kinematics, "compute_" + v)
                answer[v + "|" + d] = encode(func(datasets.DATASETS[d]().position))
        """
    )
    for key, answer in theirs.items():
        variable, dataset = key.split("|")
        func = getattr(kinematics, f"compute_{variable}")
        position = DATASETS[dataset]().position
        ours = func(position, end_value=0) if "displacement" in variable else func(position)
        assert_same(ours, answer)


FILTER_CALLS = {
    "rolling_median_3": "rolling_filter(p, window=3, statistic='median')",
    "rolling_mean_5": "rolling_filter(p, window=5, statistic='mean')",
    "savgol_3_nearest": "savgol_filter(p, window=3, polyorder=2, mode='nearest')",
    "savgol_6_nearest": "savgol_filter(p, window=6, polyorder=2, mode='nearest')",
    "interp_none": "interpolate_over_time(p, method='linear', max_gap=None)",
    "interp_1": "interpolate_over_time(p, method='linear', max_gap=1)",
    "confidence": "filter_by_confidence(p, confidence=ds.confidence, threshold=0.6)",
}


@needs_peer("movement")
def test_filters_are_movements():
    """The filters the cases call, on every dataset, equal movement's arrays."""
    theirs = movement_answer(
        f"""
        from movement.filtering import (
            filter_by_confidence, interpolate_over_time, rolling_filter, savgol_filter
        )
        answer = {{}}
        for d in {ALL!r}:
            ds = datasets.DATASETS[d]()
            p = ds.position
            for name, call in {FILTER_CALLS!r}.items():
                answer[name + "|" + d] = encode(eval(call))
        """
    )
    for key, answer in theirs.items():
        name, dataset = key.split("|")
        ds = DATASETS[dataset]()
        ours = eval(  # noqa: S307 - fixed expressions from this module
            FILTER_CALLS[name], vars(filtering), {"p": ds.position, "ds": ds}
        )
        values = ours.values
        np.testing.assert_allclose(values, np.array(answer["values"], dtype=float), equal_nan=True)
        assert list(ours.dims) == answer["dims"]


#: movement 0.17's compute_path_length has no start/stop (its cases with them are from
#: movement's main branch), so its answers over time ranges are movement's on the slice
PATH_RANGES = [(None, None), (0, 9), (0, 10), (-1, 9), (1, 8), (1.5, 8.5), (2, None)]


@needs_peer("movement")
@pytest.mark.filterwarnings("ignore:The result may be unreliable")
def test_path_length_is_movements():
    """Path length over movement's time ranges and with both NaN policies."""
    theirs = movement_answer(
        f"""
        from movement.kinematics import compute_path_length
        p = datasets.DATASETS["valid_poses_dataset"]().position
        q = datasets.DATASETS["valid_poses_dataset_with_nan"]().position
        answer = [encode(compute_path_length(p.sel(time=slice(a, b)))) for a, b in {PATH_RANGES!r}]
        answer += [encode(compute_path_length(q, nan_policy=n)) for n in ("ffill", "scale")]
        """
    )
    p = DATASETS["valid_poses_dataset"]().position
    q = DATASETS["valid_poses_dataset_with_nan"]().position
    ours = [kinematics.compute_path_length(p, start=a, stop=b) for a, b in PATH_RANGES]
    ours += [kinematics.compute_path_length(q, nan_policy=n) for n in ("ffill", "scale")]
    for mine, answer in zip(ours, theirs, strict=True):
        assert_same(mine, answer)


SCALE_CALLS = [
    "{'factor': 2}",
    "{'factor': 0.5, 'space_unit': 'elephants'}",
    "{'factor': [0.5, 2]}",
]


@needs_peer("movement")
def test_scale_is_movements():
    """scale's values and space_unit equal movement's for the cases' factors."""
    theirs = movement_answer(
        f"""
        import numpy as np, xarray as xr
        from movement.transforms import scale
        d = xr.DataArray(
            np.arange(24).reshape(12, 2), dims=("time", "space"), coords={{"space": ["x", "y"]}}
        )
        answer = []
        for kw in {SCALE_CALLS!r}:
            r = scale(d, **eval(kw))
            answer.append([r.values.tolist(), r.attrs.get("space_unit")])
        """
    )
    import xarray as xr

    d = xr.DataArray(
        np.arange(24).reshape(12, 2), dims=("time", "space"), coords={"space": ["x", "y"]}
    )
    for kw, (values, unit) in zip(SCALE_CALLS, theirs, strict=True):
        ours = transforms.scale(d, **eval(kw))  # noqa: S307 - fixed literals from this module
        np.testing.assert_allclose(ours.values, values)
        assert ours.attrs.get("space_unit") == unit


HOMOGRAPHY_POINTS = [
    # a turned, stretched square with midpoints on two sides and one point 1e-5 off a side
    [[0, 0], [0.5, 1e-5], [0.5, 0], [1, 0], [1.0, 0.5], [1, 1], [0, 1]],
    # a perspective view of a 3 x 3 grid with one repeated corner
    [[0, 0], [1, 0], [2, 0], [0, 1], [1, 1], [2, 1], [0, 2], [1, 2], [2, 2], [0, 0]],
]
PERSPECTIVE = [[1.2, 0.1, 5.0], [-0.2, 0.9, 2.0], [0.05, 0.02, 1.0]]


@needs_peer("movement")
def test_compute_homography_transform_is_movements():
    """The same matrix as movement's for clicked points with repeats and points on a line."""
    snippet = f"""
        import numpy as np
        from movement.transforms import compute_homography_transform
        m = np.array({PERSPECTIVE!r})
        answer = []
        for rows in {HOMOGRAPHY_POINTS!r}:
            src = np.array(rows, dtype=float)
            image = np.column_stack([src, np.ones(len(src))]) @ m.T
            dst = image[:, :2] / image[:, 2:]
            answer.append([dst.tolist(), compute_homography_transform(src, dst).tolist()])
        """
    theirs = movement_answer(snippet)
    for rows, (dst, matrix) in zip(HOMOGRAPHY_POINTS, theirs, strict=True):
        ours = transforms.compute_homography_transform(np.array(rows, dtype=float), dst)
        np.testing.assert_allclose(ours, matrix, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(ours, PERSPECTIVE, atol=1e-3)


@needs_peer("movement")
def test_poses_to_bboxes_is_movements():
    """Box centres and shapes equal movement's on keypoints with gaps, for several paddings."""
    snippet = """
        import numpy as np, xarray as xr
        from movement.transforms import poses_to_bboxes
        values = np.random.default_rng(7).uniform(0, 50, (6, 2, 4, 3))
        values[0, :, 0, 0] = np.nan
        values[1, 1, 2, 1] = np.nan
        values[2, :, :, 2] = np.nan
        d = xr.DataArray(values, dims=("time", "space", "keypoint", "individual"),
                         coords={"space": ["x", "y"]})
        answer = [[encode(a) for a in poses_to_bboxes(d, padding=p)] for p in (0, 5, 10.5)]
        """
    theirs = movement_answer(snippet)
    import xarray as xr

    values = np.random.default_rng(7).uniform(0, 50, (6, 2, 4, 3))
    values[0, :, 0, 0] = np.nan
    values[1, 1, 2, 1] = np.nan
    values[2, :, :, 2] = np.nan
    d = xr.DataArray(
        values, dims=("time", "space", "keypoint", "individual"), coords={"space": ["x", "y"]}
    )
    for padding, pair in zip((0, 5, 10.5), theirs, strict=True):
        for ours, movement in zip(
            transforms.poses_to_bboxes(d, padding=padding), pair, strict=True
        ):
            assert_same(ours, movement)


@needs_peer("movement")
def test_turns_and_path_deviation_are_movements():
    """Turning angle, directional change and path deviation equal movement's on uneven time."""
    snippet = """
        import numpy as np, xarray as xr
        from movement import kinematics
        values = np.cumsum(np.random.default_rng(5).normal(size=(10, 2, 2)), axis=0)
        values[4, 0, 1] = np.nan
        time = [0, 1, 2, 4, 7, 11, 16, 22, 29, 37]
        d = xr.DataArray(values, dims=("time", "space", "individual"),
                         coords={"time": time, "space": ["x", "y"], "individual": ["a", "b"]})
        answer = [encode(kinematics.compute_turning_angle(d)),
                  encode(kinematics.compute_directional_change(d, in_degrees=True)),
                  encode(kinematics.compute_path_deviation(d))]
        """
    theirs = movement_answer(snippet)
    import xarray as xr

    values = np.cumsum(np.random.default_rng(5).normal(size=(10, 2, 2)), axis=0)
    values[4, 0, 1] = np.nan
    time = [0, 1, 2, 4, 7, 11, 16, 22, 29, 37]
    d = xr.DataArray(
        values,
        dims=("time", "space", "individual"),
        coords={"time": time, "space": ["x", "y"], "individual": ["a", "b"]},
    )
    ours = [
        kinematics.compute_turning_angle(d),
        kinematics.compute_directional_change(d, in_degrees=True),
        kinematics.compute_path_deviation(d),
    ]
    for mine, movement in zip(ours, theirs, strict=True):
        assert list(mine.dims) == movement["dims"]
        assert mine.name == movement["name"]
        # a deviation of 0 comes out as rounding noise (1e-16) in both, not the same noise
        expected = np.array(movement["values"], dtype=float)
        np.testing.assert_allclose(mine.values, expected, rtol=1e-7, atol=1e-12, equal_nan=True)
