"""Path deviation and directional change: movement_like against movement 0.17, same run.

Both libraries run the same calls on the same movement-named DataArray
(``(time, space, keypoint, individual)``, 100,000 frames by default, the
centroid of 3 keypoints of 2 individuals, as movement's docs suggest), each
in its own interpreter through ``_movement_switch_peer.py`` (only the import
prefix differs); best of ``--repeats``. Prints the timings and the ratios
movement / ours, and checks that the answers agree.

Usage::

    MOVEMENT_PYTHON=/work/peers/movement/bin/python \\
        python benchmarks/bench_movement_switch.py --frames 100000 --repeats 5
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

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "_movement_switch_peer.py"
CASES = {
    "path_deviation_centroid": "compute_path_deviation",
    "directional_change_centroid": "compute_directional_change",
    "path_deviation": "compute_path_deviation (all keypoints, with NaN)",
    "directional_change": "compute_directional_change (all keypoints, with NaN)",
}


def run(python: str, library: str, workdir: str, frames: int, repeats: int) -> dict:
    completed = subprocess.run(
        [python, str(SCRIPT), workdir, library, "--frames", str(frames)]
        + ["--repeats", str(repeats), *CASES],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"{library} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def alias_cost(repeats: int) -> None:
    """Our functions on the same array named our way and movement's way (the alias lookup)."""
    sys.path.insert(0, str(HERE.parent))
    import xarray as xr

    from benchmarks._timing import best_of
    from movement_like import filtering, kinematics

    rng = np.random.default_rng(1)
    values = np.cumsum(rng.normal(size=(100_000, 4, 20, 2)), axis=0)
    values[rng.random(values.shape[:3]) < 0.01] = np.nan
    ours = xr.DataArray(
        values,
        dims=("time", "individuals", "keypoints", "space"),
        coords={"time": np.arange(100_000) / 30.0, "space": ["x", "y"]},
        name="position",
    )
    theirs = ours.rename(individuals="individual", keypoints="keypoint")
    calls = {
        "rolling_filter(window=5)": lambda d: filtering.rolling_filter(d, 5),
        "interpolate_over_time(max_gap=5)": lambda d: filtering.interpolate_over_time(d, max_gap=5),
        "compute_velocity": kinematics.compute_velocity,
        "compute_speed": kinematics.compute_speed,
    }
    print("\n100000 x 4 x 20 x 2, our dim names vs movement's, best of", repeats)
    print("| function | `individuals`/`keypoints` | `individual`/`keypoint` |")
    print("|---|---|---|")
    for label, call in calls.items():
        mine = best_of(lambda call=call: call(ours), repeats)
        other = best_of(lambda call=call: call(theirs), repeats)
        print(f"| `{label}` | {mine:.3f} s | {other:.3f} s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--alias", action="store_true", help="also time the dim-alias lookup")
    args = parser.parse_args()
    peer = os.environ.get("MOVEMENT_PYTHON") or str(
        HERE.parents[1] / "peers" / "movement" / "bin" / "python"
    )
    if not Path(peer).is_file():
        raise SystemExit("set MOVEMENT_PYTHON to movement 0.17's interpreter")
    with tempfile.TemporaryDirectory() as workdir:
        ours = run(sys.executable, "movement_like", workdir, args.frames, args.repeats)
        theirs = run(peer, "movement", workdir, args.frames, args.repeats)
        with (
            np.load(f"{workdir}/movement_like.npz") as mine,
            np.load(f"{workdir}/movement.npz") as other,
        ):
            for case in CASES:
                np.testing.assert_allclose(
                    mine[case], other[case], rtol=1e-9, atol=1e-9, equal_nan=True
                )
    print(f"{args.frames} frames, best of {args.repeats}; answers agree (rtol 1e-9)")
    print("| function | movement_like | movement 0.17 | movement / ours |")
    print("|---|---|---|---|")
    for case, label in CASES.items():
        ratio = theirs[case] / ours[case]
        mine, other = ours[case] * 1e3, theirs[case] * 1e3
        print(f"| `{label}` | {mine:.1f} ms | {other:.1f} ms | {ratio:.1f}× |")
    if args.alias:
        alias_cost(args.repeats)


if __name__ == "__main__":
    main()
