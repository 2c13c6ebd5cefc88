"""Loading a 100k-frame multi-animal DeepLabCut .csv and .h5: movement_like vs movement.

The script writes a synthetic multi-animal DLC prediction table (pandas, as
DeepLabCut does: ``.h5`` key ``df_with_missing`` in table format, ``.csv`` with
4 header rows), then times, in the same run:

* ``movement_like.io.load_poses.from_dlc_file`` (format given),
* ``movement_like.io.load_poses.from_file`` (format auto-detected),
* ``movement.io.load_poses.from_dlc_file`` of movement 0.17, run by the
  interpreter named in ``MOVEMENT_PYTHON`` (skipped, and said so, when unset).

Each timing is the best of ``--repeats`` runs in a fresh process state (the OS
file cache is warm for everyone). Usage::

    MOVEMENT_PYTHON=/work/peers/movement/bin/python \\
        /work/venv/bin/python benchmarks/bench_load_dlc.py [--frames 100000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from movement_like.io import load_poses  # noqa: E402

INDIVIDUALS = ["mouse_black_tail", "mouse_white_tail", "mouse_grey"]
BODYPARTS = ["nose", "left_ear", "right_ear", "neck", "left_shoulder", "right_shoulder",
             "center", "left_hip", "right_hip", "tail_base", "tail_mid", "tail_tip"]


def make_files(folder: Path, n_frames: int) -> dict[str, Path]:
    rng = np.random.default_rng(0)
    columns = pd.MultiIndex.from_product(
        [["DLC_dlcrnetms5_benchJan1shuffle1_200000"], INDIVIDUALS, BODYPARTS,
         ["x", "y", "likelihood"]],
        names=["scorer", "individuals", "bodyparts", "coords"],
    )
    values = rng.uniform(0, 1000, size=(n_frames, len(columns)))
    values[:, 2::3] = rng.uniform(0, 1, size=(n_frames, len(columns) // 3))
    values[rng.random(values.shape) < 0.05] = np.nan  # tracks have gaps
    df = pd.DataFrame(values, columns=columns)
    stem = "benchDLC_dlcrnetms5_benchJan1shuffle1_200000_el"
    paths = {"csv": folder / f"{stem}.csv", "h5": folder / f"{stem}.h5"}
    df.to_csv(paths["csv"])
    df.to_hdf(paths["h5"], key="df_with_missing", format="table", mode="w")
    return paths


def best_of(func, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


MOVEMENT_SNIPPET = """
import json, sys, time
from movement.io import load_poses
path, repeats = sys.argv[1], int(sys.argv[2])
times = []
for _ in range(repeats):
    start = time.perf_counter()
    ds = load_poses.from_dlc_file(path)
    times.append(time.perf_counter() - start)
print(json.dumps({"seconds": min(times), "sizes": dict(ds.sizes)}))
"""


def time_movement(python: str, path: Path, repeats: int) -> float:
    result = subprocess.run([python, "-c", MOVEMENT_SNIPPET, str(path), str(repeats)],
                            capture_output=True, text=True, check=True)
    return float(json.loads(result.stdout.strip().splitlines()[-1])["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    movement_python = os.environ.get("MOVEMENT_PYTHON")
    with tempfile.TemporaryDirectory() as tmp:
        paths = make_files(Path(tmp), args.frames)
        print(f"{args.frames} frames x {len(INDIVIDUALS)} individuals x {len(BODYPARTS)} "
              f"bodyparts x (x, y, likelihood)")
        for kind, path in paths.items():
            size = path.stat().st_size / 1e6
            ds = load_poses.from_dlc_file(path)
            assert ds.sizes["time"] == args.frames and ds.sizes["individuals"] == len(INDIVIDUALS)
            ours = best_of(lambda p=path: load_poses.from_dlc_file(p), args.repeats)
            auto = best_of(lambda p=path: load_poses.from_file(p), args.repeats)
            line = (f".{kind:<3} ({size:6.1f} MB)  movement_like {ours:6.3f} s   "
                    f"from_file (auto-detect) {auto:6.3f} s ({100 * (auto / ours - 1):+.1f} %)")
            if movement_python:
                theirs = time_movement(movement_python, path, args.repeats)
                line += f"   movement {theirs:6.3f} s   speed-up x{theirs / ours:.2f}"
            print(line)
        if not movement_python:
            print("movement not timed: set MOVEMENT_PYTHON to the interpreter of an "
                  "environment with movement installed")


if __name__ == "__main__":
    main()
