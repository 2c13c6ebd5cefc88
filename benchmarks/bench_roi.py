"""Regions of interest: speed against movement 0.17 and raw shapely, and agreement.

Run from the repository root::

    MOVEMENT_PYTHON=/work/peers/movement/bin/python \\
        /work/venv/bin/python benchmarks/bench_roi.py

Data: positions of 20,000 frames x 2 individuals x 10 keypoints (random walks
in a 600 x 400 px arena, no NaN: movement answers inf or fails on NaN), and
three polygons: a ring (a square with a square hole), a rectangle, a hexagon.
They are written to GeoJSON by our ``save_rois`` and read by movement's
``load_rois``, so both libraries measure the very same regions. movement runs
through its own interpreter in a subprocess, in the same run, once per function
(its occupancy takes ~12 s); ours is the best of ``--repeats`` runs,
interleaved with raw ``shapely.contains_xy`` on the same points.

Agreement: every timed result of ours is compared with movement's (occupancy
exactly; distances and angles to 1e-9).

Events and time in region (no movement equivalent): 1,000,000 frames x 2
individuals, 3 regions, from the occupancy and from the positions.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import shapely
import xarray as xr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._timing import best_of  # noqa: E402
from movement_like.dataset import poses_from_numpy  # noqa: E402
from movement_like.roi import (  # noqa: E402
    PolygonOfInterest,
    compute_region_events,
    compute_region_occupancy,
    compute_time_in_region,
    save_rois,
)

PEER = ROOT / "benchmarks" / "_movement_roi_peer.py"
TASKS = ["occupancy", "distance", "allocentric", "egocentric"]


def regions() -> list[PolygonOfInterest]:
    hexagon = [(450 + 60 * np.cos(a), 300 + 60 * np.sin(a)) for a in np.arange(6) * np.pi / 3]
    return [
        PolygonOfInterest(
            [(20, 20), (580, 20), (580, 380), (20, 380)],
            holes=[[(120, 100), (480, 100), (480, 300), (120, 300)]],
            name="periphery",
        ),
        PolygonOfInterest([(150, 120), (450, 120), (450, 280), (150, 280)], name="centre"),
        PolygonOfInterest(hexagon, name="feeder"),
    ]


def positions(n_time: int, n_ind: int, n_kp: int, seed: int = 0) -> np.ndarray:
    """Random walks reflected into the 600 x 400 arena."""
    rng = np.random.default_rng(seed)
    walk = np.cumsum(rng.normal(0, 3, (n_time, n_ind, n_kp, 2)), axis=0)
    walk += rng.uniform(0, 1, (1, n_ind, n_kp, 2)) * [600, 400]
    size = np.array([600.0, 400.0])
    folded = np.mod(walk, 2 * size)
    return np.where(folded > size, 2 * size - folded, folded)


def ours_in_movement_order(result: xr.DataArray) -> np.ndarray:
    order = [d for d in ("region", "time", "individuals", "keypoints") if d in result.dims]
    return result.transpose(*order, ...).values


def forward(da: xr.DataArray) -> xr.DataArray:
    return (da.shift(time=-1) - da).fillna(1.0)


def run_movement(workdir: Path, name: str) -> dict:
    python = os.environ.get(
        "MOVEMENT_PYTHON", str(ROOT.parent / "peers" / "movement" / "bin" / "python")
    )
    if not Path(python).is_file():
        sys.exit(f"no movement interpreter at {python}: set MOVEMENT_PYTHON")
    completed = subprocess.run(
        [python, str(PEER), str(workdir), f"{name}={','.join(TASKS)}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        sys.exit(completed.stderr[-3000:])
    return json.loads(completed.stdout.strip().splitlines()[-1])[name]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=20_000)
    parser.add_argument("--events-frames", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    shapes = regions()
    values = positions(args.frames, 2, 10)
    position = poses_from_numpy(values, fps=30.0).position
    x = np.ascontiguousarray(values[..., 0])
    y = np.ascontiguousarray(values[..., 1])
    raw_geometries = [shapely.Polygon(r.region.exterior, r.region.interiors) for r in shapes]
    ring = shapes[0]
    ours = {
        "occupancy": lambda: compute_region_occupancy(position, shapes),
        "distance": lambda: ring.compute_distance_to(position),
        "allocentric": lambda: ring.compute_allocentric_angle_to_nearest_point(position),
        "egocentric": lambda: ring.compute_egocentric_angle_to_nearest_point(
            forward(position), position
        ),
    }
    raw = {"occupancy": lambda: [shapely.contains_xy(g, x, y) for g in raw_geometries]}

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        save_rois(shapes, workdir / "regions.geojson")
        np.save(workdir / "points.npy", values)
        theirs = run_movement(workdir, "points")
        results = {task: run() for task, run in ours.items()}
        agreement = {}
        for task in TASKS:
            expected = np.load(workdir / f"movement_{task}_points.npy")
            got = ours_in_movement_order(results[task])
            if got.dtype == bool:
                agreement[task] = "identical" if np.array_equal(got, expected) else "DIFFERENT"
            else:
                diff = np.nanmax(np.abs(got - expected))
                same_nan = np.array_equal(np.isnan(got), np.isnan(expected))
                agreement[task] = f"max |diff| {diff:.1e}" + ("" if same_nan else ", NaN DIFFER")

    # interleaved rounds: each round times every function once, so load hits all alike
    rounds = {name: [] for name in [*ours, "raw"]}
    for _ in range(args.repeats):
        for task, run in [*ours.items(), ("raw", raw["occupancy"])]:
            rounds[task].append(best_of(run, 1))
    timings = {task: min(times) for task, times in rounds.items()}
    raw_time = timings["raw"]

    print(f"{args.frames} frames x 2 individuals x 10 keypoints, 3 polygons (one with a hole)")
    print(f"{'function':<34}{'ours':>10}{'movement':>11}{'movement/ours':>15}  agreement")
    for task in TASKS:
        name = {"occupancy": "compute_region_occupancy", "distance": "compute_distance_to"}.get(
            task, f"{task} angle to nearest point"
        )
        print(
            f"{name:<34}{timings[task]:>9.4f}s{theirs[task]:>10.3f}s"
            f"{theirs[task] / timings[task]:>14.0f}x  {agreement[task]}"
        )
    print(
        f"raw shapely.contains_xy, 3 polygons: {raw_time:.4f}s; occupancy ours/raw = "
        f"{timings['occupancy'] / raw_time:.2f}"
    )

    # events and time in region over a long recording
    n = args.events_frames
    long_values = positions(n, 2, 1, seed=1)
    long_ds = poses_from_numpy(long_values, fps=30.0)
    occupancy = compute_region_occupancy(long_ds.position, shapes)
    steps = {
        "occupancy (positions -> booleans)": lambda: compute_region_occupancy(
            long_ds.position, shapes
        ),
        "events from occupancy": lambda: compute_region_events(occupancy),
        "events from occupancy, min_duration 0.2 s": lambda: compute_region_events(
            occupancy, min_duration=0.2
        ),
        "time in region from occupancy": lambda: compute_time_in_region(occupancy),
        "events from positions": lambda: compute_region_events(long_ds, shapes),
        "time in region from positions": lambda: compute_time_in_region(long_ds, shapes),
    }
    events = compute_region_events(occupancy)
    print(f"\n{n} frames x 2 individuals x 1 keypoint, 3 regions ({len(events)} visits)")
    for name, run in steps.items():
        print(f"{name:<46}{best_of(run, max(1, args.repeats // 2)):>8.3f}s")


if __name__ == "__main__":
    main()
