"""Loading NWB (ndx-pose) and VIA tracks files: movement_like vs movement, same run.

The script writes, with movement_like's own writers,

* one NWB file (``--frames`` frames x 12 keypoints, one individual, timestamps in
  seconds, the layout movement's ``from_nwb_file`` expects: module ``behavior``,
  ``PoseEstimation``), and
* one VIA tracks CSV (``--frames`` frames x 5 tracks, one row per box),

then times the loaders (best of ``--repeats``):

* ``movement_like.io.load_poses.from_nwb_file`` with its default reader (pynwb)
  and with ``backend="h5py"``, and ``load_bboxes.from_via_tracks_file``;
* ``movement.io.load_poses.from_nwb_file`` / ``load_bboxes.from_via_tracks_file`` of
  movement 0.17, run by the interpreter named in ``MOVEMENT_PYTHON`` (skipped, and
  said so, when unset). The peer's arrays are compared to ours (same values, NaN
  where ours are NaN) so that the timings compare equal work.

Usage::

    MOVEMENT_PYTHON=/work/peers/movement/bin/python \\
        /work/venv/bin/python benchmarks/bench_load_nwb_via.py [--frames 36000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _timing import best_of  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

from movement_like.dataset import bboxes_from_numpy, poses_from_numpy  # noqa: E402
from movement_like.io import load_bboxes, load_poses, save_bboxes, save_poses  # noqa: E402

KEYPOINTS = [
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
N_TRACKS = 5


def make_files(folder: Path, n_frames: int) -> dict[str, Path]:
    rng = np.random.default_rng(0)
    position = rng.uniform(0, 1000, (n_frames, 1, len(KEYPOINTS), 2))
    position[rng.random(position.shape[:3]) < 0.05] = np.nan
    poses = poses_from_numpy(
        position,
        rng.uniform(0, 1, position.shape[:3]),
        individual_names=["mouse"],
        keypoint_names=KEYPOINTS,
        fps=30,
        source_software="DeepLabCut",
    )
    [nwb] = save_poses.to_nwb_path(poses, folder / "poses.nwb")
    centre = rng.uniform(100, 900, (n_frames, N_TRACKS, 2)).round(2)
    size = rng.uniform(20, 80, (n_frames, N_TRACKS, 2)).round(2)
    centre[rng.random(centre.shape[:2]) < 0.1] = np.nan
    boxes = bboxes_from_numpy(
        centre,
        size,
        rng.uniform(0, 1, centre.shape[:2]).round(3),
        individual_names=[f"id_{i}" for i in range(N_TRACKS)],
    )
    # movement refuses VIA's empty-region rows: frames without a box are left out
    via = save_bboxes.to_via_tracks_file(boxes, folder / "tracks.csv", keep_empty_frames=False)
    return {"nwb": nwb, "via": via}


MOVEMENT_SNIPPET = """
import json, sys, time, warnings
import numpy as np
warnings.simplefilter("ignore")
from movement.io import load_bboxes, load_poses
kind, path, repeats, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
times = []
for _ in range(repeats):
    start = time.perf_counter()
    if kind == "nwb":
        ds = load_poses.from_nwb_file(path)
    else:
        ds = load_bboxes.from_via_tracks_file(path, use_frame_numbers_from_file=True)
    times.append(time.perf_counter() - start)
if kind == "nwb":
    np.save(out, ds.position.transpose("time", "individual", "keypoint", "space").values)
    names = [str(k) for k in ds.keypoint.values]
else:
    np.save(out, ds.position.transpose("time", "individual", "space").values)
    names = [str(k) for k in ds.individual.values]
print(json.dumps({"seconds": min(times), "names": names}))
"""


def run_movement(python: str, kind: str, path: Path, repeats: int, out: Path) -> dict:
    result = subprocess.run(
        [python, "-c", MOVEMENT_SNIPPET, kind, str(path), str(repeats), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=36_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    movement_python = os.environ.get("MOVEMENT_PYTHON")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = make_files(folder, args.frames)
        print(
            f"NWB: {args.frames} frames x {len(KEYPOINTS)} keypoints "
            f"({paths['nwb'].stat().st_size / 1e6:.1f} MB); VIA: {args.frames} frames x "
            f"{N_TRACKS} tracks ({paths['via'].stat().st_size / 1e6:.1f} MB)"
        )
        ours = {
            "nwb": load_poses.from_nwb_file(paths["nwb"]),
            "via": load_bboxes.from_via_tracks_file(paths["via"], use_frame_numbers_from_file=True),
        }
        timings = {
            "nwb": best_of(lambda: load_poses.from_nwb_file(paths["nwb"]), args.repeats),
            "nwb (h5py)": best_of(
                lambda: load_poses.from_nwb_file(paths["nwb"], backend="h5py"), args.repeats
            ),
            "via": best_of(
                lambda: load_bboxes.from_via_tracks_file(
                    paths["via"], use_frame_numbers_from_file=True
                ),
                args.repeats,
            ),
        }
        for label, seconds in timings.items():
            kind = label.split()[0]
            line = f"{label:<11} movement_like {seconds:7.3f} s"
            if movement_python:
                out = folder / f"movement_{kind}.npy"
                theirs = run_movement(movement_python, kind, paths[kind], args.repeats, out)
                values = np.load(out)
                mine = ours[kind]
                if kind == "nwb":  # movement sorts keypoints alphabetically
                    mine = mine.sel(keypoints=theirs["names"])
                else:
                    mine = mine.sel(individuals=theirs["names"])
                # movement computes boxes in float32 (x + w/2 rounded there): compare at
                # float32 precision; NWB values must be identical
                tolerance = 2e-7 if values.dtype == np.float32 else 0.0
                same = np.allclose(
                    values, mine.position.values, rtol=tolerance, atol=0, equal_nan=True
                )
                line += (
                    f"   movement {theirs['seconds']:7.3f} s   speed-up "
                    f"x{theirs['seconds'] / seconds:.2f}   same values: {same}"
                )
            print(line)
        if not movement_python:
            print(
                "movement not timed: set MOVEMENT_PYTHON to the interpreter of an "
                "environment with movement installed"
            )


if __name__ == "__main__":
    main()
