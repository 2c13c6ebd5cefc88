"""Saving and loading the native netCDF state: movement_like vs movement, same run.

A synthetic poses dataset (``--frames`` frames x 4 individuals x 12 keypoints x
2, 10 % NaN) is saved and loaded with

* ``movement_like.io.save_netcdf`` / ``load_netcdf`` (atomic write with a
  read-back check; a screened, h5py-based read that validates the contract),
* ``movement`` 0.17 as its documentation says (``ds.to_netcdf(path)`` and
  ``xarray.load_dataset(path)``: movement saves and loads its state with
  xarray), run by the
  interpreter in ``MOVEMENT_PYTHON`` on the same arrays (skipped, and said so,
  when unset).

Rounds alternate ours and theirs; each figure is the best round. Usage::

    MOVEMENT_PYTHON=/work/peers/movement/bin/python \\
        python benchmarks/bench_netcdf.py [--frames 100000] [--repeats 5]
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from movement_like.io import load_netcdf, load_poses, save_netcdf  # noqa: E402

PEER = r"""
import json, sys, time
import numpy as np, xarray as xr
position = np.load(sys.argv[1] + "/position.npy")
ds = xr.Dataset(
    {"position": (("time", "space", "keypoint", "individual"), position.transpose(0, 3, 2, 1)),
     "confidence": (("time", "keypoint", "individual"),
                    np.ones(position.shape[:3]).transpose(0, 2, 1))},
    coords={"time": np.arange(len(position)) / 30.0, "space": ["x", "y"],
            "keypoint": [f"k{i}" for i in range(position.shape[2])],
            "individual": [f"i{i}" for i in range(position.shape[1])]},
    attrs={"fps": 30.0, "source_software": "bench", "ds_type": "poses"})
import movement  # noqa: F401  (the peer's environment, as its users run it)
load = xr.load_dataset
path = sys.argv[1] + "/theirs.nc"
import os
if os.path.exists(path):
    os.remove(path)
t = time.perf_counter(); ds.to_netcdf(path); save = time.perf_counter() - t
t = time.perf_counter(); back = load(path); back.load(); read = time.perf_counter() - t
print(json.dumps({"save": save, "load": read}))
"""


def ours(workdir: Path, ds) -> dict[str, float]:
    path = workdir / "ours.nc"
    start = time.perf_counter()
    save_netcdf(ds, path, overwrite=True)
    saved = time.perf_counter() - start
    start = time.perf_counter()
    load_netcdf(path)
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    lazy = load_netcdf(path, chunks={})
    lazy.position.sum().compute()
    lazy.close()
    return {"save": saved, "load": loaded, "lazy": time.perf_counter() - start}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    position = rng.normal(size=(args.frames, 4, 12, 2)) * 100
    position[rng.random(position.shape[:3]) < 0.1] = np.nan
    ds = load_poses.from_numpy(position, np.ones(position.shape[:3]), fps=30)
    peer = os.environ.get("MOVEMENT_PYTHON")
    best: dict[str, dict[str, float]] = {"ours": {}, "movement": {}}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        np.save(workdir / "position.npy", position)
        for _ in range(args.repeats):
            for key, value in ours(workdir, ds).items():
                best["ours"][key] = min(best["ours"].get(key, np.inf), value)
            if peer:
                out = subprocess.run(
                    [peer, "-c", PEER, str(workdir)], capture_output=True, text=True, check=True
                )
                for key, value in json.loads(out.stdout.strip().splitlines()[-1]).items():
                    best["movement"][key] = min(best["movement"].get(key, np.inf), value)
    mb = position.nbytes / 1e6
    print(f"{args.frames} frames x 4 individuals x 12 keypoints x 2 ({mb:.0f} MB of positions)")
    print(f"{'step':<10}{'movement_like':>15}{'movement 0.17':>15}{'movement / ours':>17}")
    for step in ("save", "load", "lazy"):
        mine = best["ours"][step]
        theirs = best["movement"].get(step)
        ratio = f"{theirs / mine:.2f}x" if theirs else "-"
        shown = f"{theirs:.3f} s" if theirs else ("n/a" if peer else "MOVEMENT_PYTHON unset")
        print(f"{step:<10}{mine:>13.3f} s{shown:>15}{ratio:>17}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
