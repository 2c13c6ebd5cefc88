"""Loading a 100k-frame multi-animal DeepLabCut .csv and .h5: movement_like vs movement.

The script writes a synthetic multi-animal DLC prediction table (pandas, as
DeepLabCut does: ``.h5`` key ``df_with_missing`` in table format, ``.csv`` with
4 header rows), then times, in the same run:

* ``movement_like.io.load_poses.from_dlc_file`` (format given),
* ``movement_like.io.load_poses.from_file`` (format auto-detected),
* ``movement.io.load_poses.from_dlc_file`` of movement 0.17, run by the
  interpreter named in ``MOVEMENT_PYTHON`` (skipped, and said so, when unset).

The three are run in interleaved rounds (ours, from_file, movement, ours, ...)
so that changes in machine load hit all alike; each figure is the best round.
The cost of auto-detection itself (``detect_format``: header sniffing only) is
also timed on its own and given as a share of the load time. The OS file cache
is warm for everyone. Usage::

    MOVEMENT_PYTHON=/work/peers/movement/bin/python \\
        /work/venv/bin/python benchmarks/bench_load_dlc.py [--frames 100000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _timing import best_of  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

from movement_like.io import load_poses  # noqa: E402
from movement_like.io.registry import detect_format  # noqa: E402

INDIVIDUALS = ["mouse_black_tail", "mouse_white_tail", "mouse_grey"]
BODYPARTS = [
    "nose",
    "left_ear",
    "right_ear",
    "neck",
    "left_shoulder",
    "right_shoulder",
    "center",
    "left_hip",
    "right_hip",
    "tail_base",
    "tail_mid",
    "tail_tip",
]


def make_files(folder: Path, n_frames: int) -> dict[str, Path]:
    rng = np.random.default_rng(0)
    columns = pd.MultiIndex.from_product(
        [
            ["DLC_dlcrnetms5_benchJan1shuffle1_200000"],
            INDIVIDUALS,
            BODYPARTS,
            ["x", "y", "likelihood"],
        ],
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


def timed(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


#: A long-lived movement process: reads a path per line, loads it, prints the seconds.
MOVEMENT_WORKER = """
import sys, time
from movement.io import load_poses
for line in sys.stdin:
    start = time.perf_counter()
    load_poses.from_dlc_file(line.strip())
    print(time.perf_counter() - start, flush=True)
"""


class MovementWorker:
    """Times ``movement.io.load_poses.from_dlc_file`` in its own interpreter, on request."""

    def __init__(self, python: str):
        self.process = subprocess.Popen(
            [python, "-c", MOVEMENT_WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def load(self, path: Path) -> float:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(f"{path}\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError("the movement process stopped; run it by hand to see why")
        return float(answer)

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    movement_python = os.environ.get("MOVEMENT_PYTHON")
    worker = MovementWorker(movement_python) if movement_python else None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            paths = make_files(Path(tmp), args.frames)
            print(
                f"{args.frames} frames x {len(INDIVIDUALS)} individuals x {len(BODYPARTS)} "
                f"bodyparts x (x, y, likelihood); best of {args.repeats} interleaved rounds"
            )
            for kind, path in paths.items():
                ds = load_poses.from_dlc_file(path)
                assert ds.sizes["time"] == args.frames
                assert ds.sizes["individuals"] == len(INDIVIDUALS)
                if worker:
                    worker.load(path)  # warm-up: imports, file cache
                ours, auto, theirs = [], [], []
                for _ in range(args.repeats):  # interleaved, so load changes hit all alike
                    ours.append(timed(lambda p=path: load_poses.from_dlc_file(p)))
                    auto.append(timed(lambda p=path: load_poses.from_file(p)))
                    if worker:
                        theirs.append(worker.load(path))
                sniff = best_of(lambda p=path: detect_format(p, "poses"), 20)
                size = path.stat().st_size / 1e6
                paired = float(np.median(np.array(auto) / np.array(ours)))
                line = (
                    f".{kind:<3} ({size:6.1f} MB)  movement_like {min(ours):6.3f} s   "
                    f"from_file {min(auto):6.3f} s (median paired ratio {paired:.3f}); "
                    f"auto-detection (detect_format) {1000 * sniff:.2f} ms = "
                    f"{100 * sniff / min(ours):.2f} % of the load"
                )
                if worker:
                    line += (
                        f"   movement {min(theirs):6.3f} s   "
                        f"movement/movement_like x{min(theirs) / min(ours):.2f}"
                    )
                print(line)
    finally:
        if worker:
            worker.close()
    if not worker:
        print(
            "movement not timed: set MOVEMENT_PYTHON to the interpreter of an "
            "environment with movement installed"
        )


if __name__ == "__main__":
    main()
