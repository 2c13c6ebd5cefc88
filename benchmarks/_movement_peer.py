"""Run ``movement`` 0.17 on arrays written by ``bench_analysis.py`` (peer side).

This script runs under the peer's own interpreter (``$MOVEMENT_PYTHON``), never
under ours. It reads ``<workdir>/<name>.npy`` arrays laid out as ours
``(time, individuals, keypoints, space)`` plus ``<name>_time.npy``, wraps them
in ``movement``'s layout ``(time, space, keypoint, individual)``, times the
movement functions, and writes every result back in OUR layout as
``<workdir>/movement_<task>_<name>.npy`` so the caller can compare values.
Timings go to stdout as one JSON object.

Usage: python _movement_peer.py WORKDIR NAME=TASK[,TASK...] [NAME=TASK,... ...]

Timings are printed as ``{"NAME": {"TASK": seconds, ...}, ...}``.
"""

from __future__ import annotations

import json
import sys
import time
import warnings

import numpy as np
import xarray as xr
from movement import filtering, kinematics

OURS = ("time", "individual", "keypoint", "space")
#: distances are huge (pairs x keypoints^2 per frame): only the first frames are saved
SAVED_DISTANCE_FRAMES = 2000


def load(workdir: str, name: str) -> xr.DataArray:
    position = np.load(f"{workdir}/{name}.npy")
    times = np.load(f"{workdir}/{name}_time.npy")
    _, n_ind, n_kp, n_space = position.shape
    da = xr.DataArray(
        position,
        dims=OURS,
        coords={
            "time": times,
            "individual": [f"id_{i}" for i in range(n_ind)],
            "keypoint": [f"kp_{k}" for k in range(n_kp)],
            "space": ["x", "y", "z"][:n_space],
        },
        name="position",
    )
    # movement >= 0.17 order; a fresh C-contiguous copy, as its loaders produce
    return da.transpose("time", "space", "keypoint", "individual").copy(deep=True)


def to_ours(result: xr.DataArray) -> np.ndarray:
    order = [d for d in OURS if d in result.dims]
    return np.ascontiguousarray(result.transpose(*order).values)


def distances_to_ours(result: dict, n_ind: int) -> np.ndarray:
    """Stack movement's ``dist_a_b`` arrays as (time, pairs, keypoints, keypoints), first frames."""
    pairs = [(a, b) for a in range(n_ind) for b in range(a + 1, n_ind)]
    stacked = []
    for a, b in pairs:
        da = result[f"dist_id_{a}_id_{b}"]
        # dims: time, id_a (keypoints of a), id_b (keypoints of b)
        stacked.append(da.transpose("time", f"id_{a}", f"id_{b}").values[:SAVED_DISTANCE_FRAMES])
    return np.stack(stacked, axis=1)


TASKS = {
    "rolling_median5": lambda da: filtering.rolling_filter(da, 5, statistic="median"),
    "rolling_mean5": lambda da: filtering.rolling_filter(da, 5, statistic="mean"),
    "rolling_max7": lambda da: filtering.rolling_filter(da, 7, statistic="max"),
    "rolling_min3_mp1": lambda da: filtering.rolling_filter(da, 3, statistic="min", min_periods=1),
    "savgol7": lambda da: filtering.savgol_filter(da, 7, polyorder=2),
    "savgol11_p3": lambda da: filtering.savgol_filter(da, 11, polyorder=3, mode="nearest"),
    "interp_gap5": lambda da: filtering.interpolate_over_time(da, max_gap=5),
    "interp": lambda da: filtering.interpolate_over_time(da),
    "velocity": kinematics.compute_velocity,
    "acceleration": kinematics.compute_acceleration,
    "speed": kinematics.compute_speed,
    "distances": lambda da: kinematics.compute_pairwise_distances(da, "individual", "all"),
}


def main() -> None:
    workdir, *specs = sys.argv[1:]
    warnings.simplefilter("ignore")
    timings: dict[str, dict[str, float]] = {}
    for spec in specs:
        name, tasks = spec.split("=", 1)
        da = load(workdir, name)
        n_ind = da.sizes["individual"]
        timings[name] = {}
        for task in tasks.split(","):
            start = time.perf_counter()
            result = TASKS[task](da)
            timings[name][task] = time.perf_counter() - start
            values = distances_to_ours(result, n_ind) if task == "distances" else to_ours(result)
            np.save(f"{workdir}/movement_{task}_{name}.npy", values)
            del result, values
    print(json.dumps(timings))


if __name__ == "__main__":
    main()
