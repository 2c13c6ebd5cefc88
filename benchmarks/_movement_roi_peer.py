"""Run ``movement`` 0.17's regions of interest on files written by our side (peer side).

Runs under the peer's own interpreter (``$MOVEMENT_PYTHON``), never ours. Reads
``<workdir>/regions.geojson`` (written by ``movement_like.io.save_rois``) with
``movement.roi.load_rois``, and ``<workdir>/<name>.npy`` positions laid out as
ours ``(time, individuals, keypoints, space)``; wraps them in movement's layout
``(time, space, keypoint, individual)``, runs and times each task, and saves
every result back in OUR layout as ``<workdir>/movement_<task>_<name>.npy``.
It also writes ``<workdir>/movement_regions.geojson`` with movement's own
``save_rois`` for our side to read. Timings go to stdout as one JSON object.

Usage: python _movement_roi_peer.py WORKDIR NAME=TASK[,TASK...] [...]
"""

from __future__ import annotations

import json
import sys
import time
import warnings

import numpy as np
import xarray as xr
from movement.roi import (
    LineOfInterest,
    PolygonOfInterest,
    compute_region_occupancy,
    load_rois,
    save_rois,
)

OURS = ("time", "individual", "keypoint", "space")


def load(workdir: str, name: str) -> xr.DataArray:
    position = np.load(f"{workdir}/{name}.npy")
    _, n_ind, n_kp, _ = position.shape
    da = xr.DataArray(
        position,
        dims=OURS,
        coords={
            "time": np.arange(position.shape[0]),
            "individual": [f"id_{i}" for i in range(n_ind)],
            "keypoint": [f"kp_{k}" for k in range(n_kp)],
            "space": ["x", "y"],
        },
        name="position",
    )
    return da.transpose("time", "space", "keypoint", "individual").copy(deep=True)


def to_ours(result: xr.DataArray) -> np.ndarray:
    order = [d for d in ("region", *OURS) if d in result.dims]
    order += [d for d in result.dims if d not in order]  # "nearest point", "vector to"
    return np.ascontiguousarray(result.transpose(*order).values)


def forward(da: xr.DataArray) -> xr.DataArray:
    """A direction per position for the egocentric angle: the step to the next frame."""
    step = da.shift(time=-1) - da
    return step.fillna(1.0)


def tasks(regions: list) -> dict:
    first = regions[0]
    polygons = [r for r in regions if isinstance(r, PolygonOfInterest)]
    lines = [r for r in regions if isinstance(r, LineOfInterest)]
    return {
        "occupancy": lambda da: compute_region_occupancy(da, polygons),
        "contains_strict": lambda da: first.contains_point(da, include_boundary=False),
        "distance": lambda da: first.compute_distance_to(da),
        "distance_boundary": lambda da: first.compute_distance_to(da, boundary_only=True),
        "nearest": lambda da: first.compute_nearest_point_to(da),
        "nearest_boundary": lambda da: first.compute_nearest_point_to(da, boundary_only=True),
        "approach_unit": lambda da: first.compute_approach_vector(da, unit=True),
        "allocentric": lambda da: first.compute_allocentric_angle_to_nearest_point(da),
        "allocentric_boundary_deg": lambda da: first.compute_allocentric_angle_to_nearest_point(
            da, boundary_only=True, in_degrees=True
        ),
        "egocentric": lambda da: first.compute_egocentric_angle_to_nearest_point(forward(da), da),
        "line_distance": lambda da: lines[0].compute_distance_to(da),
        "line_nearest_boundary": lambda da: lines[0].compute_nearest_point_to(
            da, boundary_only=True
        ),
        "line_angle_to_normal": lambda da: lines[0].compute_angle_to_normal(forward(da), da),
    }


def main() -> None:
    workdir, *specs = sys.argv[1:]
    warnings.simplefilter("ignore")
    regions = load_rois(f"{workdir}/regions.geojson")
    save_rois(regions, f"{workdir}/movement_regions.geojson")
    available = tasks(regions)
    timings: dict = {"regions": [[type(r).__name__, r.name] for r in regions]}
    for spec in specs:
        name, names = spec.split("=", 1)
        da = load(workdir, name)
        timings[name] = {}
        for task in names.split(","):
            start = time.perf_counter()
            result = available[task](da)
            timings[name][task] = time.perf_counter() - start
            np.save(f"{workdir}/movement_{task}_{name}.npy", to_ours(result))
    print(json.dumps(timings))


if __name__ == "__main__":
    main()
