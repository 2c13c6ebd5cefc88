"""A fuzzing worker: make each mutant it is sent, load it, say how that ended.

Run as ``python -m tests.fuzzing.worker --memory-mib N``. It imports every
reader's dependencies once, caps its own address space (``RLIMIT_AS``) at what
it uses after those imports plus ``N`` MiB, says ``{"ready": ...}`` and then
reads one JSON task per line on stdin::

    {"recipe": {...}, "source": "/path/to/source", "workdir": "/tmp/..."}

and answers one JSON line per task on its original stdout (the library's own
prints go to /dev/null)::

    {"outcome": "loaded" | "ours" | "foreign" | "memory" | "invalid" | "unmade",
     "error": "module.Class", "message": "...", "where": "file.py:123"}

Hangs and crashes are seen by the parent (:mod:`tests.fuzzing.pool`), which
kills and restarts the worker.
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import os
import resource
import shutil
import sys
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

MESSAGE_CHARS = 300


def _address_space() -> int:
    """Bytes of virtual memory this process has mapped now."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _import_readers() -> None:
    """Import what the readers import, so that a restart costs the same for every mutant."""
    import h5py  # noqa: F401
    import netCDF4  # noqa: F401
    import pandas  # noqa: F401
    import xarray  # noqa: F401

    import movement_like.io  # noqa: F401  (imports every built-in format's reader)

    for optional in ("pynwb", "ndx_pose", "sleap_io", "h5netcdf", "tables"):
        try:
            __import__(optional)
        except ImportError:
            pass


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _where(exc: BaseException) -> str:
    """The deepest frame of ``movement_like`` the exception went through (else the deepest)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "movement_like" in f.filename]
    frame = (ours or frames or [None])[-1]
    if frame is None:
        return "?"
    return f"{Path(frame.filename).name}:{frame.lineno}"


def classify(exc: BaseException) -> dict[str, Any]:
    """Say whether an exception from a loader is ours, foreign, or a memory-cap hit."""
    from movement_like.errors import MovementLikeError

    chain = _chain(exc)
    if any(isinstance(e, MemoryError) for e in chain) or any(
        "allocat" in str(e).lower() and "memory" in str(e).lower() for e in chain
    ):
        outcome = "memory"
    elif isinstance(exc, MovementLikeError):
        outcome = "ours"
    else:
        outcome = "foreign"
    culprit = exc
    if outcome == "memory":
        culprit = next((e for e in chain if isinstance(e, MemoryError)), exc)
    kind = type(culprit)
    return {
        "outcome": outcome,
        "error": f"{kind.__module__}.{kind.__qualname__}",
        "message": str(culprit)[:MESSAGE_CHARS],
        "where": _where(exc),
    }


def run_one(task: dict[str, Any]) -> dict[str, Any]:
    """Make the mutant of one task, load it, validate it, and remove it."""
    from movement_like.dataset import validate_dataset
    from movement_like.io import load_dataset
    from tests.fuzzing.mutations import apply

    recipe = task["recipe"]
    workdir = Path(task["workdir"]) / f"m{os.getpid()}"
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        try:
            path = apply(recipe, Path(task["source"]), workdir)
        except Exception as exc:  # a mutation that does not apply to this file
            return {"outcome": "unmade", "error": type(exc).__name__, "message": str(exc)[:300]}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ds = load_dataset(path, source_software=recipe.get("source_software", "auto"))
        except BaseException as exc:  # noqa: BLE001 - classifying is the point
            if isinstance(exc, KeyboardInterrupt):
                raise
            return classify(exc)
        try:
            validate_dataset(ds)
        except Exception as exc:
            found = classify(exc)
            return found | {"outcome": "invalid"}
        finally:
            close = getattr(ds, "close", None)
            if close is not None:
                close()
        return {"outcome": "loaded"}
    finally:
        for leftover in workdir.iterdir():
            if leftover.is_dir() and not leftover.is_symlink():  # a zarr store
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)


def main() -> None:
    """Serve tasks on stdin until it closes."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--memory-mib", type=int, default=1024)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--fault-file", default=None)
    args = parser.parse_args()
    faults = open(args.fault_file or os.devnull, "w")  # noqa: SIM115 - lives as long as the worker
    faulthandler.enable(file=faults)  # a crash leaves its Python stack here
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the worker
    _import_readers()
    baseline = _address_space()
    limit = baseline + args.memory_mib * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    answers.write(json.dumps({"ready": True, "baseline": baseline, "limit": limit}) + "\n")
    for line in sys.stdin:
        task = json.loads(line)
        faults.seek(0)
        faults.truncate()
        # a hang leaves its stack there too, just before the parent gives up on it
        faulthandler.dump_traceback_later(max(0.1, args.timeout * 0.9), file=faults)
        start = time.perf_counter()
        try:
            answer = run_one(task)
        except MemoryError:
            answer = {"outcome": "memory", "error": "builtins.MemoryError", "message": ""}
        faulthandler.cancel_dump_traceback_later()
        answer["seconds"] = round(time.perf_counter() - start, 3)
        answers.write(json.dumps(answer) + "\n")


if __name__ == "__main__":
    main()
