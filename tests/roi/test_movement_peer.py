"""Agreement with movement 0.17 itself, run through its own interpreter in the same test run.

Our ``save_rois`` writes the regions; movement's ``load_rois`` reads them (ours →
movement) and its ``save_rois`` writes them back, which our ``load_rois`` reads
(movement → ours). movement then computes every region function on the same
positions as ours, and the answers are compared value by value.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from movement_like.roi import (
    LineOfInterest,
    PolygonOfInterest,
    compute_region_occupancy,
    load_rois,
    save_rois,
)
from tests.peers import needs_peer, peer_python

ROOT = Path(__file__).resolve().parents[2]
PEER_SCRIPT = ROOT / "benchmarks" / "_movement_roi_peer.py"

TASKS = [
    "occupancy",
    "contains_strict",
    "distance",
    "distance_boundary",
    "nearest",
    "nearest_boundary",
    "approach_unit",
    "allocentric",
    "allocentric_boundary_deg",
    "egocentric",
    "line_distance",
    "line_nearest_boundary",
    "line_angle_to_normal",
]


def peer_regions() -> list:
    pentagon = [(10, 0), (30, 5), (35, 25), (15, 35), (0, 20)]
    hole = [(12, 12), (22, 12), (22, 22), (12, 22)]
    return [
        PolygonOfInterest(pentagon, holes=[hole], name="pentagon with hole"),
        PolygonOfInterest([(0, 0), (20, 0), (20, 20), (0, 20)], name="square"),
        LineOfInterest([(5, 30), (30, 10)], name="wall"),
        LineOfInterest([(0, 0), (8, 3), (8, 9)], loop=True, name="loop"),
    ]


def positions(seed: int = 0) -> np.ndarray:
    """Random points around the regions, plus points exactly on their edges and corners."""
    rng = np.random.default_rng(seed)
    values = rng.uniform(-5, 40, size=(300, 2, 3, 2))
    values[:20, 0, 0] = [[12, y] for y in np.linspace(12, 22, 20)]  # on an edge of the hole
    values[20:25, 1, 1] = [(10, 0), (30, 5), (35, 25), (15, 35), (0, 20)]  # on the corners
    values[25:30, 0, 2] = [[0, 0], [20, 10], [10, 20], [17.5, 15], [5, 30]]
    return values


def ours(values: np.ndarray) -> xr.DataArray:
    return xr.DataArray(
        values,
        dims=("time", "individuals", "keypoints", "space"),
        coords={
            "time": np.arange(len(values)),
            "individuals": ["id_0", "id_1"],
            "keypoints": ["kp_0", "kp_1", "kp_2"],
            "space": ["x", "y"],
        },
        name="position",
    )


def as_movement(da: xr.DataArray) -> xr.DataArray:
    named = da.rename(individuals="individual", keypoints="keypoint")
    return named.transpose("time", "space", "keypoint", "individual")


def forward(da: xr.DataArray) -> xr.DataArray:
    return (da.shift(time=-1) - da).fillna(1.0)


def our_tasks(da: xr.DataArray, regions: list) -> dict:
    first, square, wall = regions[0], regions[1], regions[2]
    return {
        "occupancy": lambda: compute_region_occupancy(da, [first, square]),
        "contains_strict": lambda: first.contains_point(da, include_boundary=False),
        "distance": lambda: first.compute_distance_to(da),
        "distance_boundary": lambda: first.compute_distance_to(da, boundary_only=True),
        "nearest": lambda: first.compute_nearest_point_to(da),
        "nearest_boundary": lambda: first.compute_nearest_point_to(da, boundary_only=True),
        "approach_unit": lambda: first.compute_approach_vector(da, unit=True),
        "allocentric": lambda: first.compute_allocentric_angle_to_nearest_point(da),
        "allocentric_boundary_deg": lambda: first.compute_allocentric_angle_to_nearest_point(
            da, boundary_only=True, in_degrees=True
        ),
        "egocentric": lambda: first.compute_egocentric_angle_to_nearest_point(forward(da), da),
        "line_distance": lambda: wall.compute_distance_to(da),
        "line_nearest_boundary": lambda: wall.compute_nearest_point_to(da, boundary_only=True),
        "line_angle_to_normal": lambda: wall.compute_angle_to_normal(forward(da), da),
    }


def in_our_order(result: xr.DataArray) -> np.ndarray:
    names = {"individual": "individuals", "keypoint": "keypoints"}
    result = result.rename({k: v for k, v in names.items() if k in result.dims})
    order = [d for d in ("region", "time", "individuals", "keypoints") if d in result.dims]
    return result.transpose(*order, ...).values


@needs_peer("movement")
def test_same_answers_and_files_both_ways(tmp_path):
    regions = peer_regions()
    save_rois(regions, tmp_path / "regions.geojson")
    values = positions()
    np.save(tmp_path / "points.npy", values)
    completed = subprocess.run(
        [peer_python("movement"), str(PEER_SCRIPT), str(tmp_path), f"points={','.join(TASKS)}"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])

    # ours -> movement: movement read our file into the same regions
    assert report["regions"] == [[type(r).__name__, r.name] for r in regions]
    # movement -> ours: movement's own file is byte for byte ours, and reads back the same
    theirs = tmp_path / "movement_regions.geojson"
    assert theirs.read_bytes() == (tmp_path / "regions.geojson").read_bytes()
    back = load_rois(theirs)
    assert [type(r) for r in back] == [type(r) for r in regions]
    assert [r.name for r in back] == [r.name for r in regions]
    assert all(b.region.equals(r.region) for b, r in zip(back, regions, strict=True))
    assert back[3].is_closed

    # the same answers, on our layout and on movement's (dims individual, keypoint)
    for layout in (ours(values), as_movement(ours(values))):
        computed = our_tasks(layout, regions)
        for task in TASKS:
            expected = np.load(tmp_path / f"movement_{task}_points.npy")
            result = in_our_order(computed[task]())
            assert result.shape == expected.shape, task
            if result.dtype == bool:
                np.testing.assert_array_equal(result, expected, err_msg=task)
            else:
                np.testing.assert_allclose(result, expected, rtol=1e-12, atol=1e-12, err_msg=task)


@pytest.mark.parametrize("task", ["distance", "nearest"])
def test_missing_points_are_nan_where_movement_fails(task):
    """movement answers inf (distance) or raises (nearest point) for NaN: we answer NaN."""
    region = peer_regions()[0]
    da = ours(np.full((2, 2, 3, 2), np.nan))
    result = (
        region.compute_distance_to(da)
        if task == "distance"
        else region.compute_nearest_point_to(da)
    )
    assert bool(result.isnull().all())
    assert not bool(region.contains_point(da).any())
