"""VIA tracks and DUSTrack loaders: this tree against an earlier revision, paired, same run.

On a machine shared with other jobs, two timings taken minutes apart differ by
more than the change being measured. This script writes one VIA tracks CSV
(``--frames`` frames x 5 tracks, 10 % of boxes missing) and one dense DUSTrack
layer (``--frames`` frames x 6 labels), exports ``--base`` (a git revision) with
``git archive``, then for ``--rounds`` rounds loads each file once with the
base and once with this tree, in alternating order, each in a fresh
interpreter, timing CPU time inside the process. It prints the best and median
times of both and the median of the per-round ratios (this tree / base), and
checks that both return the same arrays.

Usage::

    python benchmarks/bench_text_loaders_ab.py [--base main] [--frames 36000] [--rounds 6]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

WORKER = """
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import numpy as np
from movement_like.io import load_bboxes, load_poses
path, out = sys.argv[1], sys.argv[2]
if path.endswith(".csv"):
    load = lambda: load_bboxes.from_via_tracks_file(path, use_frame_numbers_from_file=True)
else:
    load = lambda: load_poses.from_dustrack_file(path)
start = time.process_time()
ds = load()
seconds = time.process_time() - start
np.savez(out, **{k: np.asarray(v.values).astype(str) if np.asarray(v.values).dtype.kind in "OU"
                 else np.asarray(v.values) for k, v in ds.variables.items()})
print("@@" + json.dumps(seconds))
"""


def make_files(folder: Path, n_frames: int) -> list[Path]:
    """Write the VIA tracks CSV and the DUSTrack layer with this tree's writers."""
    from movement_like.dataset import bboxes_from_numpy
    from movement_like.io import save_bboxes

    rng = np.random.default_rng(0)
    position = rng.uniform(50, 500, (n_frames, 5, 2))
    position[rng.random((n_frames, 5)) < 0.1] = np.nan
    boxes = bboxes_from_numpy(
        position,
        rng.uniform(5, 50, (n_frames, 5, 2)),
        rng.random((n_frames, 5)),
        individual_names=[f"id_{i}" for i in range(5)],
    )
    via = save_bboxes.to_via_tracks_file(boxes, folder / "tracks.csv")
    xy = rng.normal(300, 80, size=(6, n_frames, 2))
    layer = {str(k): {str(f): xy[k, f].tolist() for f in range(n_frames)} for k in range(6)}
    dustrack = folder / "scan_annotations_dlccorr.json"
    dustrack.write_text(json.dumps(layer, indent=4))
    return [via, dustrack]


def export(revision: str, folder: Path) -> Path:
    """Export ``movement_like/`` of ``revision`` into ``folder``; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    archive = folder / "base.tar"
    subprocess.run(
        ["git", "-C", str(ROOT), "archive", "-o", str(archive), revision, "movement_like"],
        check=True,
    )
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    return folder


def run(code_root: Path, path: Path, out: Path) -> float:
    """Load ``path`` once in a fresh interpreter importing movement_like from ``code_root``."""
    env = {**os.environ, "PYTHONPATH": str(code_root)}
    result = subprocess.run(
        [sys.executable, "-c", WORKER, str(path), str(out)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("@@"))
    return float(json.loads(line[2:]))


def same_arrays(a: Path, b: Path) -> bool:
    """Whether two saved datasets hold the same variables with the same values."""
    left, right = np.load(a), np.load(b)
    if sorted(left.files) != sorted(right.files):
        return False
    return all(
        left[k].dtype == right[k].dtype
        and np.array_equal(left[k], right[k], equal_nan=left[k].dtype.kind == "f")
        for k in left.files
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="main", help="git revision to compare with (main)")
    parser.add_argument("--frames", type=int, default=36_000)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = export(args.base, folder / "base")
        files = make_files(folder, args.frames)
        for path in files:
            times: dict[str, list[float]] = {"base": [], "this tree": []}
            ratios = []
            for round_ in range(args.rounds):
                order = [("base", base), ("this tree", ROOT)]
                if round_ % 2:
                    order.reverse()
                got = {name: run(root, path, folder / f"{name}.npz") for name, root in order}
                for name, seconds in got.items():
                    times[name].append(seconds)
                ratios.append(got["this tree"] / got["base"])
            same = same_arrays(folder / "base.npz", folder / "this tree.npz")
            print(
                f"{path.name:32s} "
                + "   ".join(
                    f"{name} best {min(t):.3f} s median {statistics.median(t):.3f} s"
                    for name, t in times.items()
                )
                + f"   this tree / base (median of pairs) {statistics.median(ratios):.3f}"
                + f"   same values: {same}"
            )


if __name__ == "__main__":
    main()
