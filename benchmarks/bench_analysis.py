"""Filtering and kinematics: speed against movement 0.17 and raw numpy, and agreement.

Run from the repository root::

    MOVEMENT_PYTHON=/work/peers/movement/bin/python \
        /work/venv/bin/python benchmarks/bench_analysis.py

Data: a 100,000 x 4 x 20 x 2 float64 position array (random walks), 2 % of the
points NaN in runs of 1-8 frames, 30 fps. ``movement`` runs through its own
interpreter (``$MOVEMENT_PYTHON``, it needs Python 3.12) in a subprocess, in
the same run, on the very same array; raw-numpy baselines (bottleneck,
numpy.gradient) run here. Our timings are the best of ``--repeat`` runs,
interleaved with the baselines, so machine load hits both alike; movement's are
one run each (its rolling median alone takes ~20 s).

Agreement: on a NaN-free 5,000 x 4 x 20 x 2 array with uneven time stamps,
every compared function must match movement to 1e-9 (max abs difference
printed); on the big array with NaN, the timed results are compared as well
(same NaN pattern, same values).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import bottleneck as bn
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._timing import best_of  # noqa: E402
from movement_like.dataset import poses_from_numpy  # noqa: E402
from movement_like.filtering import (  # noqa: E402
    interpolate_over_time,
    rolling_filter,
    savgol_filter,
)
from movement_like.kinematics import (  # noqa: E402
    compute_acceleration,
    compute_pairwise_distances,
    compute_speed,
    compute_velocity,
)

PEER = ROOT / "benchmarks" / "_movement_peer.py"
SHAPE = (100_000, 4, 20, 2)
FPS = 30.0
SAVED_DISTANCE_FRAMES = 2000  # as in _movement_peer.py

AGREEMENT: dict[str, Callable] = {
    "rolling_median5": lambda d: rolling_filter(d, 5, "median"),
    "rolling_mean5": lambda d: rolling_filter(d, 5, "mean"),
    "rolling_max7": lambda d: rolling_filter(d, 7, "max"),
    "rolling_min3_mp1": lambda d: rolling_filter(d, 3, "min", min_periods=1),
    "savgol7": lambda d: savgol_filter(d, 7, 2),
    "savgol11_p3": lambda d: savgol_filter(d, 11, 3, mode="nearest"),
    "interp_gap5": lambda d: interpolate_over_time(d, max_gap=5),
    "interp": interpolate_over_time,
    "velocity": compute_velocity,
    "acceleration": compute_acceleration,
    "speed": compute_speed,
}
BIG_TASKS = ["rolling_median5", "interp_gap5", "distances", "velocity", "speed"]


def make_positions(shape=SHAPE, nan_fraction=0.02, seed=0) -> np.ndarray:
    """Random walks with NaN runs of 1-8 frames covering ``nan_fraction`` of the points."""
    rng = np.random.default_rng(seed)
    n_time, n_ind, n_kp, _ = shape
    positions = np.cumsum(rng.normal(0, 1, shape), axis=0)
    positions += rng.uniform(0, 500, (1, *shape[1:]))
    if nan_fraction:
        missing = np.zeros(shape[:3], dtype=bool)
        target = int(nan_fraction * missing.size)
        while missing.sum() < target:
            n = max(1, (target - int(missing.sum())) // 4)
            starts = rng.integers(0, n_time, n)
            lengths = rng.integers(1, 9, n)
            track = rng.integers(0, n_ind * n_kp, n)
            steps = np.arange(8)
            t = starts[:, None] + steps[None, :]
            keep = (steps[None, :] < lengths[:, None]) & (t < n_time)
            rows = np.broadcast_to(track[:, None], t.shape)[keep]
            missing.reshape(n_time, -1)[t[keep], rows] = True
        excess = int(missing.sum()) - target
        if excess > 0:  # trim to the exact fraction, from the last NaN points
            flat = np.flatnonzero(missing)
            missing.ravel()[flat[-excess:]] = False
        positions[missing] = np.nan
    return positions


def run_peer(python: str, workdir: Path, specs: dict[str, list[str]]) -> dict:
    args = [f"{name}={','.join(tasks)}" for name, tasks in specs.items()]
    completed = subprocess.run(
        [python, str(PEER), str(workdir), *args], capture_output=True, text=True
    )
    if completed.returncode != 0:
        raise RuntimeError(f"movement peer failed:\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing (best kept)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    options = parser.parse_args()

    python = os.environ.get("MOVEMENT_PYTHON")
    print(
        f"array {SHAPE} float64, 2 % NaN; best of {options.repeat}; "
        f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}"
    )
    if not python:
        print(
            "MOVEMENT_PYTHON is not set: no movement peer interpreter given, so the "
            "movement ratios and the agreement check are SKIPPED (only raw-numpy ratios)."
        )

    positions = make_positions()
    times = np.arange(SHAPE[0]) / FPS
    position = poses_from_numpy(positions, fps=FPS)["position"]
    rng = np.random.default_rng(1)
    clean = make_positions((5_000, 4, 20, 2), nan_fraction=0.0, seed=2)
    clean_times = np.cumsum(rng.uniform(0.02, 0.05, 5_000))
    figures: dict[str, dict] = {"ours": {}, "baseline": {}, "movement": {}, "agreement": {}}

    with tempfile.TemporaryDirectory(prefix="bench_analysis_") as tmp:
        workdir = Path(tmp)
        peer: dict = {}
        if python:
            np.save(workdir / "big.npy", positions)
            np.save(workdir / "big_time.npy", times)
            np.save(workdir / "clean.npy", clean)
            np.save(workdir / "clean_time.npy", clean_times)
            print("running movement 0.17 through", python, "...", flush=True)
            peer = run_peer(python, workdir, {"big": BIG_TASKS, "clean": sorted(AGREEMENT)})
            figures["movement"] = peer["big"]

        ours = figures["ours"]
        base = figures["baseline"]
        repeat = options.repeat
        # interleave ours and the baselines so that load affects both
        for _ in range(repeat):
            for key, function in (
                ("rolling_median5", lambda: rolling_filter(position, 5)),
                ("bn.move_median", lambda: bn.move_median(positions, 5, axis=0)),
                ("interp_gap5", lambda: interpolate_over_time(position, max_gap=5)),
                ("distances_matched", lambda: compute_pairwise_distances(position)),
                ("velocity", lambda: compute_velocity(position)),
                ("speed", lambda: compute_speed(position)),
                ("np.gradient", lambda: np.gradient(positions, times, axis=0)),
            ):
                seconds = best_of(function, 1)
                table = base if key.startswith(("bn.", "np.")) else ours
                table[key] = min(table.get(key, np.inf), seconds)
        ours["distances_all"] = best_of(
            lambda: compute_pairwise_distances(position, across="all"), max(1, repeat // 2)
        )
        lazy = position.chunk({"time": 10_000})
        dask_times = {
            "rolling median w5": best_of(lambda: rolling_filter(lazy, 5).compute(), 2),
            "interpolate max_gap=5": best_of(
                lambda: interpolate_over_time(lazy, max_gap=5).compute(), 2
            ),
            "speed": best_of(lambda: compute_speed(lazy).compute(), 2),
        }
        figures["dask"] = dask_times

        # ------------------------------------------------------------------ report
        rows = []
        mv = figures["movement"]
        print("\nspeed (seconds, best of the runs)")
        print(
            "  vs movement: 'x faster' = movement / ours;"
            " vs raw numpy: 'x of it' = ours / numpy (lower is better)"
        )
        print(f"  {'task':46s} {'ours':>7s} {'other':>8s} {'ratio':>14s}  target")

        def row(label, mine, other, target, passed, versus_numpy=False):
            status = "PASS" if passed else "FAIL"
            value = mine / other if versus_numpy else other / mine
            text = f"{value:6.2f} x of it" if versus_numpy else f"{value:6.1f} x faster"
            rows.append(
                {
                    "task": label,
                    "ours_s": mine,
                    "other_s": other,
                    "ratio": value,
                    "target": target,
                    "status": status,
                }
            )
            print(f"  {label:46s} {mine:7.3f} {other:8.3f} {text:>14s}  {target}: {status}")

        med = ours["rolling_median5"]
        if mv:
            row(
                "rolling median w5 vs movement",
                med,
                mv["rolling_median5"],
                ">= 20x",
                mv["rolling_median5"] / med >= 20,
            )
        row(
            "rolling median w5 vs bn.move_median (raw)",
            med,
            base["bn.move_median"],
            "<= 1.5x",
            med <= 1.5 * base["bn.move_median"],
            versus_numpy=True,
        )
        if mv:
            row(
                "interpolate max_gap=5 vs movement",
                ours["interp_gap5"],
                mv["interp_gap5"],
                ">= 4x",
                mv["interp_gap5"] / ours["interp_gap5"] >= 4,
            )
            row(
                "distances 4 ind., same keypoint vs movement",
                ours["distances_matched"],
                mv["distances"],
                ">= 50x",
                mv["distances"] / ours["distances_matched"] >= 50,
            )
            row(
                "distances 4 ind., keypoint x keypoint vs mov.",
                ours["distances_all"],
                mv["distances"],
                ">= 50x",
                mv["distances"] / ours["distances_all"] >= 50,
            )
        row(
            "velocity vs np.gradient (raw)",
            ours["velocity"],
            base["np.gradient"],
            "<= 2x",
            ours["velocity"] <= 2 * base["np.gradient"],
            versus_numpy=True,
        )
        row(
            "speed vs np.gradient (raw)",
            ours["speed"],
            base["np.gradient"],
            "<= 2x",
            ours["speed"] <= 2 * base["np.gradient"],
            versus_numpy=True,
        )
        if mv:
            print(f"  (movement velocity {mv['velocity']:.3f} s, speed {mv['speed']:.3f} s)")
        print(
            "  dask-backed input, chunks of 10,000 frames, computed (information only): "
            + ", ".join(f"{k} {v:.3f} s" for k, v in dask_times.items())
        )
        figures["rows"] = rows

        # -------------------------------------------------------------- agreement
        if python:
            print("\nagreement with movement 0.17 (max |ours - movement|; 1e-9 required)")
            clean_da = poses_from_numpy(clean, time_array=clean_times)["position"]
            all_ok = True
            for task, function in AGREEMENT.items():
                theirs = np.load(workdir / f"movement_{task}_clean.npy")
                mine = function(clean_da).values
                diff = float(np.max(np.abs(mine - theirs)))
                ok = mine.shape == theirs.shape and not np.isnan(mine).any() and diff <= 1e-9
                all_ok &= ok
                figures["agreement"][f"clean {task}"] = diff
                status = "PASS" if ok else "FAIL"
                print(f"  NaN-free, uneven time  {task:18s} {diff:9.2e}  {status}")
            checks = {
                "rolling_median5": lambda: rolling_filter(position, 5).values,
                "interp_gap5": lambda: interpolate_over_time(position, max_gap=5).values,
                "velocity": lambda: compute_velocity(position).values,
                "speed": lambda: compute_speed(position).values,
                "distances": lambda: (
                    compute_pairwise_distances(
                        position.isel(time=slice(0, SAVED_DISTANCE_FRAMES)), across="all"
                    ).values
                ),
            }
            for task, function in checks.items():
                theirs = np.load(workdir / f"movement_{task}_big.npy")
                mine = function()
                same_nan = bool(np.array_equal(np.isnan(mine), np.isnan(theirs)))
                known = ~np.isnan(theirs)
                diff = float(np.max(np.abs(mine[known] - theirs[known]))) if known.any() else 0.0
                ok = same_nan and diff <= 1e-9
                all_ok &= ok
                figures["agreement"][f"big {task}"] = diff
                print(
                    f"  2 % NaN (big array)    {task:18s} {diff:9.2e}  same NaN: {same_nan}"
                    f"  {'PASS' if ok else 'FAIL'}"
                )
            print(f"agreement: {'PASS' if all_ok else 'FAIL'}")

    if options.json:
        options.json.write_text(json.dumps(figures, indent=2, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
