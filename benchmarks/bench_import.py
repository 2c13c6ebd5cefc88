"""Time ``from movement_like.io import load_poses`` against ``from movement.io import load_poses``.

Each import runs in a fresh interpreter (best of ``--repeats``), so nothing is cached
in memory; the peer runs through its own interpreter, named by ``MOVEMENT_PYTHON``
(skipped, and said so, when unset). Also lists which heavy modules the import pulls in.

    MOVEMENT_PYTHON=../peers/movement/bin/python python benchmarks/bench_import.py
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

HEAVY = ["pynwb", "sleap_io", "cv2", "matplotlib", "ndx_pose", "dask.distributed"]
PROBE = """
import json, sys, time
start = time.perf_counter()
{statement}
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "heavy": [m for m in {heavy!r} if m in sys.modules]}}))
"""


def best_import(python: str, statement: str, repeats: int) -> dict:
    """Best wall time of ``statement`` over ``repeats`` fresh interpreters."""
    runs = []
    for _ in range(repeats):
        code = PROBE.format(statement=statement, heavy=HEAVY)
        out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout))
    return min(runs, key=lambda r: r["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    ours = best_import(sys.executable, "from movement_like.io import load_poses", args.repeats)
    print(f"movement_like: {ours['seconds']:.3f} s, heavy modules imported: {ours['heavy']}")
    peer = os.environ.get("MOVEMENT_PYTHON")
    if not peer:
        print("MOVEMENT_PYTHON not set: movement not timed (no peer interpreter given)")
        return
    theirs = best_import(peer, "from movement.io import load_poses", args.repeats)
    print(f"movement:      {theirs['seconds']:.3f} s, heavy modules imported: {theirs['heavy']}")
    print(f"ratio movement / movement_like: {theirs['seconds'] / ours['seconds']:.1f}x")


if __name__ == "__main__":
    main()
