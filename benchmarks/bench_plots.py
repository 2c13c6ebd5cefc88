"""movement's plots and ours on the same data, in the same run; and what the I/O spellings cost.

Run from the repository root::

    MOVEMENT_PYTHON=/work/peers/movement/bin/python python benchmarks/bench_plots.py

Data: 100,000 frames x 2 individuals x 4 keypoints in 2-D (a random walk, 1 %
NaN), written once as ``.npy`` and wrapped by each library in its own layout.
Timed: ``plot_occupancy`` (centroid of all keypoints, both individuals pooled)
and ``plot_centroid_trajectory`` (one individual), figure built and drawn to an
Agg canvas, best of ``--repeats``; movement runs through its own interpreter in a
subprocess. The histograms are compared (they must be equal). Also timed: the
cost of the ``file=`` / ``layout=`` facades over the functions they call.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._timing import best_of  # noqa: E402

PEER = r"""
import json, sys, time
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from movement.plots import plot_centroid_trajectory, plot_occupancy

work, repeats = sys.argv[1], int(sys.argv[2])
ours = np.load(f"{work}/position.npy")  # (time, individual, keypoint, space)
da = xr.DataArray(
    ours.transpose(0, 3, 2, 1),
    dims=("time", "space", "keypoint", "individual"),
    coords={"time": np.arange(ours.shape[0]), "space": ["x", "y"],
            "keypoint": [f"k{i}" for i in range(ours.shape[2])],
            "individual": [f"id_{i}" for i in range(ours.shape[1])]},
)

def best(func):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = func()
        times.append(time.perf_counter() - start)
        plt.close("all")
    return min(times), out

def occupancy():
    fig, ax, info = plot_occupancy(da, bins=50)
    fig.canvas.draw()
    return info

def trajectory():
    fig, ax = plot_centroid_trajectory(da)
    fig.canvas.draw()

t_occ, info = best(occupancy)
t_traj, _ = best(trajectory)
np.save(f"{work}/movement_h.npy", info["h"])
print(json.dumps({"plot_occupancy": t_occ, "plot_centroid_trajectory": t_traj}))
"""


def main() -> None:
    """Time both libraries' plots and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    from movement_like import plots
    from movement_like.dataset import poses_from_numpy
    from movement_like.io import load_poses
    from movement_like.io.movement_compat import to_movement

    rng = np.random.default_rng(0)
    steps = rng.normal(0, 1, (args.frames, 2, 1, 2))
    position = 300 + np.cumsum(steps, axis=0) + rng.normal(0, 2, (args.frames, 2, 4, 2))
    position[rng.uniform(size=position.shape[:3]) < 0.01] = np.nan
    ds = poses_from_numpy(position)
    da = to_movement(ds).position  # movement's names and order, as its users pass them

    def occupancy():
        fig, _, info = plots.plot_occupancy(da, bins=50)
        fig.canvas.draw()
        return info

    def trajectory():
        fig, _ = plots.plot_centroid_trajectory(da)
        fig.canvas.draw()

    ours = {
        "plot_occupancy": best_of(occupancy, args.repeats),
        "plot_centroid_trajectory": best_of(trajectory, args.repeats),
    }
    h = occupancy()["h"]

    facade = best_of(
        lambda: load_poses.from_numpy(position, layout="movement_like"), args.repeats * 5
    )
    direct = best_of(lambda: poses_from_numpy(position), args.repeats * 5)
    theirs_layout = position.transpose(0, 3, 2, 1)
    movement_layout = best_of(
        lambda: load_poses.from_numpy(theirs_layout, layout="movement"), args.repeats * 5
    )

    python = os.environ.get("MOVEMENT_PYTHON") or str(ROOT.parent / "peers/movement/bin/python")
    theirs: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as work:
        np.save(f"{work}/position.npy", position)
        if Path(python).is_file():
            done = subprocess.run(
                [python, "-c", PEER, work, str(args.repeats)],
                capture_output=True,
                text=True,
                timeout=600,
            )
            if done.returncode != 0:
                sys.exit(done.stderr[-3000:])
            theirs = json.loads(done.stdout.strip().splitlines()[-1])
            same = np.array_equal(np.load(f"{work}/movement_h.npy"), h)
            print(f"occupancy histograms equal to movement's: {same}")
        else:
            print(f"no movement interpreter at {python}: ours only")

    print(f"{args.frames:,} frames x 2 individuals x 4 keypoints, best of {args.repeats}")
    for name, seconds in ours.items():
        line = f"  {name:26s} ours {seconds:7.3f} s"
        if name in theirs:
            line += f"   movement {theirs[name]:7.3f} s   ratio {theirs[name] / seconds:5.1f}x"
        print(line)
    print(
        f"  from_numpy facade          {facade * 1e3:7.2f} ms  "
        f"(poses_from_numpy {direct * 1e3:.2f} ms; "
        f"layout='movement' {movement_layout * 1e3:.2f} ms)"
    )


if __name__ == "__main__":
    main()
