"""Reading and writing a dense DUSTrack layer JSON: movement_like vs DUSTrack.

The script writes a dense layer (every frame of every label, like a ``dlccorr``
or ``lkmovavg`` layer) and times, in the same run:

* ``movement_like.io.load_poses.from_dustrack_file`` (read, checked, into a dataset),
* ``movement_like.io.save_poses.to_dustrack_file`` (write, byte-identical to DUSTrack),
* DUSTrack's ``VideoAnnotation(fname=...)`` (load) and ``.save()``, run by the
  interpreter named in ``DUSTRACK_PYTHON`` (skipped, and said so, when unset).

Each timing is the best of ``--repeats`` runs. Usage::

    DUSTRACK_PYTHON=/work/peers/dustrack/bin/python \\
        /work/venv/bin/python benchmarks/bench_dustrack_layers.py [--frames 36000] [--labels 6]
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _timing import best_of  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

from movement_like.io import load_poses, save_poses  # noqa: E402

PEER_CODE = """
import json, sys, time, os
from dustrack.annotations import VideoAnnotation
path, out, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
load, save = [], []
for _ in range(repeats):
    t = time.perf_counter(); ann = VideoAnnotation(fname=path); load.append(time.perf_counter() - t)
    if os.path.exists(out): os.remove(out)
    t = time.perf_counter(); ann.save(out); save.append(time.perf_counter() - t)
print("@@" + json.dumps({"read": min(load), "write": min(save)}))
"""


def make_layer(path: Path, n_frames: int, n_labels: int) -> None:
    rng = np.random.default_rng(0)
    xy = rng.normal(300, 80, size=(n_labels, n_frames, 2))
    layer = {str(k): {str(f): xy[k, f].tolist() for f in range(n_frames)} for k in range(n_labels)}
    path.write_text(json.dumps(layer, indent=4))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=36000)
    parser.add_argument("--labels", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        source = folder / "scan_annotations_dlccorr.json"
        make_layer(source, args.frames, args.labels)
        size = source.stat().st_size / 1e6
        print(f"dense layer: {args.frames} frames x {args.labels} labels, {size:.1f} MB")
        ds = load_poses.from_dustrack_file(source)
        ours = {
            "read": best_of(lambda: load_poses.from_dustrack_file(source), args.repeats),
            "write": best_of(
                lambda: save_poses.to_dustrack_file(ds, folder / "ours.json", overwrite=True),
                args.repeats,
            ),
        }
        peer = os.environ.get("DUSTRACK_PYTHON")
        theirs = None
        if peer:
            result = subprocess.run(
                [
                    peer,
                    "-c",
                    PEER_CODE,
                    str(source),
                    str(folder / "theirs.json"),
                    str(args.repeats),
                ],
                cwd=folder,
                capture_output=True,
                text=True,
                check=True,
            )
            line = next(x for x in result.stdout.splitlines() if x.startswith("@@"))
            theirs = json.loads(line[2:])
            identical = (folder / "ours.json").read_bytes() == (folder / "theirs.json").read_bytes()
            print(f"files written by both are byte-identical: {identical}")
        else:
            print("DUSTRACK_PYTHON not set: DUSTrack not timed (no peer interpreter given)")
        for step in ("read", "write"):
            line = f"{step:5s}  movement_like {ours[step]:.3f} s"
            if theirs:
                line += f"   DUSTrack {theirs[step]:.3f} s   ratio {theirs[step] / ours[step]:.2f}x"
            print(line)


if __name__ == "__main__":
    main()
