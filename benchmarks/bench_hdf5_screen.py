"""What screening an HDF5 file costs a load: the same loads with the screens on and off.

Every HDF5 reader screens a file before reading it (``movement_like.io.hdf5``:
the raw-byte check of heaps, object headers and variable-length values, then a
walk of links and datasets). This script writes the NWB file of
``bench_load_nwb_via.py`` and times, in one process and alternating, the
loaders as shipped and with both screens replaced by no-ops, so the ratio is
the price of the safety. It also times each screen alone, and the real NWB
and SLEAP files when they are found.

Usage::

    python benchmarks/bench_hdf5_screen.py [--frames 36000] [--rounds 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_load_nwb_via import make_files  # noqa: E402

import movement_like.io.hdf5 as hdf5  # noqa: E402
from movement_like.io import load_poses  # noqa: E402
from movement_like.io.hdf5_raw import check_raw_structure  # noqa: E402


def _time(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def paired(load: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Best load time with the screens on, and off, alternating each round."""
    real_check, real_screen = hdf5.check_raw_structure, hdf5.screen
    on, off = [], []
    for _ in range(rounds):
        hdf5._heap_problem.cache_clear()  # a new file version each time, as a user's first load
        on.append(_time(load))
        hdf5.check_raw_structure = lambda path: None
        hdf5.screen = lambda *args, **kwargs: None
        try:
            off.append(_time(load))
        finally:
            hdf5.check_raw_structure, hdf5.screen = real_check, real_screen
    return min(on), min(off)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=36_000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    print(f"load average {os.getloadavg()[0]:.2f}; best of {args.rounds} alternating rounds")
    with tempfile.TemporaryDirectory() as tmp:
        nwb = make_files(Path(tmp), args.frames)["nwb"]
        size = nwb.stat().st_size / 1e6
        cases = {
            f"NWB {args.frames} frames ({size:.1f} MB), pynwb": lambda: load_poses.from_nwb_file(
                nwb
            ),
            f"NWB {args.frames} frames ({size:.1f} MB), h5py": lambda: load_poses.from_nwb_file(
                nwb, backend="h5py"
            ),
        }
        realdata = Path(
            os.environ.get(
                "MOVEMENT_LIKE_REALDATA", Path(__file__).resolve().parents[2] / "shared/realdata"
            )
        )
        slp = realdata / "sleap" / "centered_pair_predictions.slp"
        if slp.is_file():
            cases["SLEAP centered_pair_predictions.slp (1.6 MB)"] = lambda: (
                load_poses.from_sleap_file(slp)
            )
        print(f"{'load':<48} {'screened':>9} {'unscreened':>11} {'ratio':>6}")
        for label, load in cases.items():
            load()  # imports and caches warmed
            on, off = paired(load, args.rounds)
            print(f"{label:<48} {on * 1e3:7.1f} ms {off * 1e3:8.1f} ms {on / off:6.3f}")
        raw = statistics.median(_time(lambda: check_raw_structure(nwb)) for _ in range(args.rounds))
        print(f"raw-byte check alone on the NWB file: {raw * 1e3:.2f} ms (median)")


if __name__ == "__main__":
    main()
