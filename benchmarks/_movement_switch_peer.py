"""Run the same analysis cases through ``movement`` or ``movement_like``, save the answers.

One script for both sides, so the two libraries get exactly the same calls
on exactly the same movement-named DataArrays: run it once under the peer's
interpreter (``$MOVEMENT_PYTHON ... movement``) and once under ours
(``python ... movement_like``); only the package prefix differs, which is the
switch a movement user makes. Used by ``tests/analysis/test_movement_peer.py``
(the answers) and ``benchmarks/bench_movement_switch.py`` (the timings).

Usage::

    python _movement_switch_peer.py WORKDIR LIBRARY [--frames N] [--repeats R] [CASE ...]

Inputs are built here from a fixed seed (a random walk in movement's layout
``(time, space, keypoint, individual)``, even time in seconds, some NaN), so
both sides see identical numbers. Each case's result goes to
``WORKDIR/LIBRARY.npz`` (values, dims, name, long_name; text for string
results) and the best-of-``R`` timings to stdout as JSON.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
import warnings
from typing import Any

import numpy as np
import xarray as xr

KEYPOINTS = ["left_ear", "right_ear", "snout"]
INDIVIDUALS = ["id_0", "id_1"]


def build_inputs(n_frames: int) -> dict[str, Any]:
    """The inputs every case reads, from a fixed seed (movement's dim names and layout)."""
    rng = np.random.default_rng(7)
    steps = rng.normal(scale=1.5, size=(n_frames, 2, len(KEYPOINTS), len(INDIVIDUALS)))
    walk = 100.0 + np.cumsum(steps, axis=0)
    coords = {
        "time": np.arange(n_frames) / 30.0,
        "space": ["x", "y"],
        "keypoint": KEYPOINTS,
        "individual": INDIVIDUALS,
    }
    dims = ("time", "space", "keypoint", "individual")
    position = xr.DataArray(walk, dims=dims, coords=coords, name="position")
    holes = position.copy()
    interior = rng.integers(12, n_frames - 12, size=max(3, n_frames // 40))
    for k, t in enumerate(interior):
        holes[t : t + 1 + k % 3, :, k % len(KEYPOINTS), k % len(INDIVIDUALS)] = np.nan
    confidence = xr.DataArray(
        rng.uniform(0.0, 1.0, size=(n_frames, len(KEYPOINTS), len(INDIVIDUALS))),
        dims=("time", "keypoint", "individual"),
        coords={k: v for k, v in coords.items() if k != "space"},
        name="confidence",
    )
    confidence[5, 0, 0] = np.nan
    confidence[9, 1, 1] = np.nan
    centroid = position.mean("keypoint")
    uneven = holes.isel(keypoint=0).assign_coords(
        time=np.cumsum(rng.uniform(0.01, 0.1, size=n_frames))
    )
    rho = np.abs(walk[:, 0]) / 10
    rho[3, 0, 0] = 0.0  # a null vector
    phi = np.broadcast_to(np.linspace(-3, 3, n_frames)[:, None, None], rho.shape)
    polar = xr.DataArray(
        np.stack([rho, phi], axis=1),
        dims=("time", "space_pol", "keypoint", "individual"),
        coords={**{k: v for k, v in coords.items() if k != "space"}, "space_pol": ["rho", "phi"]},
    )
    edge_holes = position.copy()
    edge_holes[1, :, 0, 0] = np.nan
    return {
        "edge_holes": edge_holes,
        "one_frame": position.isel(time=[0]),
        "position": position,
        "holes": holes,
        "confidence": confidence,
        "centroid": centroid,
        "centroid_holes": holes.mean("keypoint"),
        "uneven": uneven,
        "polar": polar,
    }


#: name -> (module, function, positional inputs, keyword arguments). A string
#: argument "@name" is an input; a list under the key "np:..." becomes a numpy array.
CASES: dict[str, tuple[str, str, list[Any], dict[str, Any]]] = {
    "rolling_median_6": ("filtering", "rolling_filter", ["@holes"], {"window": 6}),
    "rolling_mean_10": (
        "filtering",
        "rolling_filter",
        ["@holes"],
        {"window": 10, "statistic": "mean"},
    ),
    "rolling_max_5_mp2": (
        "filtering",
        "rolling_filter",
        ["@holes"],
        {"window": 5, "statistic": "max", "min_periods": 2},
    ),
    "rolling_min_4": ("filtering", "rolling_filter", ["@holes"], {"window": 4, "statistic": "min"}),
    "savgol_7": ("filtering", "savgol_filter", ["@position"], {"window": 7, "polyorder": 2}),
    "savgol_holes_nearest": (
        "filtering",
        "savgol_filter",
        ["@holes"],
        {"window": 5, "polyorder": 2, "mode": "nearest"},
    ),
    "interp_linear": ("filtering", "interpolate_over_time", ["@holes"], {}),
    "interp_gap1": ("filtering", "interpolate_over_time", ["@holes"], {"max_gap": 1}),
    "interp_nearest": (
        "filtering",
        "interpolate_over_time",
        ["@holes"],
        {"method": "nearest", "max_gap": 2},
    ),
    "interp_cubic": ("filtering", "interpolate_over_time", ["@holes"], {"method": "cubic"}),
    "interp_uneven_index": (
        "filtering",
        "interpolate_over_time",
        ["@uneven"],
        {"use_coordinate": False},
    ),
    "confidence_0.6": (
        "filtering",
        "filter_by_confidence",
        ["@position", "@confidence"],
        {"threshold": 0.6},
    ),
    "velocity": ("kinematics", "compute_velocity", ["@holes"], {}),
    "acceleration": ("kinematics", "compute_acceleration", ["@holes"], {}),
    "speed": ("kinematics", "compute_speed", ["@holes"], {}),
    "path_length_ffill": ("kinematics", "compute_path_length", ["@holes"], {}),
    "path_length_scale": (
        "kinematics",
        "compute_path_length",
        ["@holes"],
        {"nan_policy": "scale"},
    ),
    "straightness": ("kinematics", "compute_path_straightness", ["@holes"], {}),
    "turning_angle": ("kinematics", "compute_turning_angle", ["@holes"], {}),
    "turning_angle_deg_min": (
        "kinematics",
        "compute_turning_angle",
        ["@centroid"],
        {"in_degrees": True, "min_step_length": 1.0},
    ),
    "directional_change": ("kinematics", "compute_directional_change", ["@holes"], {}),
    "directional_change_centroid": (
        "kinematics",
        "compute_directional_change",
        ["@centroid"],
        {"min_step_length": 0.5},
    ),
    "path_deviation": ("kinematics", "compute_path_deviation", ["@holes"], {}),
    "path_deviation_centroid": ("kinematics", "compute_path_deviation", ["@centroid"], {}),
    "forward_vector": (
        "kinematics",
        "compute_forward_vector",
        ["@holes", "left_ear", "right_ear"],
        {},
    ),
    "head_direction": (
        "kinematics",
        "compute_head_direction_vector",
        ["@holes", "left_ear", "right_ear"],
        {"camera_view": "bottom_up"},
    ),
    "forward_vector_angle": (
        "kinematics",
        "compute_forward_vector_angle",
        ["@position", "left_ear", "right_ear"],
        {"in_degrees": True},
    ),
    "kinetic_energy": ("kinematics", "compute_kinetic_energy", ["@holes"], {}),
    "kinetic_energy_split": (
        "kinematics",
        "compute_kinetic_energy",
        ["@holes"],
        {"decompose": True, "masses": {"snout": 2.0}},
    ),
    "norm": ("utils.vector", "compute_norm", ["@holes"], {}),
    "unit": ("utils.vector", "convert_to_unit", ["@holes"], {}),
    "cart2pol": ("utils.vector", "cart2pol", ["@holes"], {}),
    "pol2cart": ("utils.vector", "pol2cart", ["@polar"], {}),
    "unit_polar": ("utils.vector", "convert_to_unit", ["@polar"], {}),
    "signed_angle": (
        "utils.vector",
        "compute_signed_angle_2d",
        ["@holes"],
        {"v": {"np:": [1.0, 1.0]}},
    ),
    "scale_1x2": ("transforms", "scale", ["@position"], {"factor": [[2.0, 0.5]]}),
    "forward_displacement": ("kinematics", "compute_forward_displacement", ["@holes"], {}),
    "backward_displacement": ("kinematics", "compute_backward_displacement", ["@holes"], {}),
    "forward_displacement_zero": (
        "kinematics",
        "compute_forward_displacement",
        ["@holes"],
        {"end_value": 0.0},
    ),
    "err_statistic": (
        "filtering",
        "rolling_filter",
        ["@holes"],
        {"window": 3, "statistic": "mode"},
    ),
    "err_savgol_edge": ("filtering", "savgol_filter", ["@edge_holes"], {"window": 5}),
    "err_polyorder": ("filtering", "savgol_filter", ["@position"], {"window": 3, "polyorder": 3}),
    "err_time_points": ("kinematics", "compute_path_length", ["@one_frame"], {}),
    "err_time_points_dc": ("kinematics", "compute_directional_change", ["@one_frame"], {}),
    "report": ("utils.reports", "report_nan_values", ["@holes"], {}),
    "report_label": ("utils.reports", "report_nan_values", ["@position"], {"label": "clean"}),
}

#: our keyword arguments that ask for movement's behaviour (dropped on movement's side)
OURS_ONLY = {"use_coordinate", "end_value"}

#: the cases the speed benchmark times (over many frames)
BENCH_CASES = ["path_deviation_centroid", "directional_change_centroid"]


def resolve(value: Any, inputs: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("@"):
        return inputs[value[1:]]
    if isinstance(value, dict) and set(value) == {"np:"}:
        return np.asarray(value["np:"])
    return value


def call(library: str, case: str, inputs: dict[str, Any]) -> Any:
    module, function, args, kwargs = CASES[case]
    if library == "movement":
        # our options that select movement's behaviour, which movement has without asking
        kwargs = {k: v for k, v in kwargs.items() if k not in OURS_ONLY}
    target = getattr(importlib.import_module(f"{library}.{module}"), function)
    return target(
        *[resolve(a, inputs) for a in args], **{k: resolve(v, inputs) for k, v in kwargs.items()}
    )


def main() -> None:
    workdir, library, *rest = sys.argv[1:]
    frames, repeats, chosen = 200, 1, []
    items = iter(rest)
    for item in items:
        if item == "--frames":
            frames = int(next(items))
        elif item == "--repeats":
            repeats = int(next(items))
        else:
            chosen.append(item)
    warnings.simplefilter("ignore")
    inputs = build_inputs(frames)
    saved: dict[str, np.ndarray] = {}
    meta: dict[str, Any] = {}
    timings: dict[str, float] = {}
    for case in chosen or list(CASES):
        best = float("inf")
        try:
            for _ in range(repeats):
                start = time.perf_counter()
                result = call(library, case, inputs)
                best = min(best, time.perf_counter() - start)
        except Exception as error:  # the other side's answer is compared to the error
            meta[case] = {
                "error": str(error),
                "types": [c.__name__ for c in type(error).__mro__],
            }
            continue
        timings[case] = best
        if isinstance(result, str):
            meta[case] = {"text": result}
            continue
        saved[case] = np.asarray(result.values)
        meta[case] = {
            "dims": [str(d) for d in result.dims],
            "name": None if result.name is None else str(result.name),
            "long_name": result.attrs.get("long_name"),
        }
    np.savez(f"{workdir}/{library}.npz", **saved)
    with open(f"{workdir}/{library}.json", "w", encoding="utf-8") as handle:
        json.dump(meta, handle)
    print(json.dumps(timings))


if __name__ == "__main__":
    main()
