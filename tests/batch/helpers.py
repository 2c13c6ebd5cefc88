"""Step functions of "a user's own" module, imported by the workers of the batch tests."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import xarray as xr


def die_once(data: xr.DataArray, marker: str) -> xr.DataArray:
    """Kill the worker process the first time any worker runs it (``marker`` remembers)."""
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return data
    os.kill(os.getpid(), signal.SIGKILL)
    return data  # pragma: no cover


def count_calls(data: xr.DataArray, folder: str) -> xr.DataArray:
    """Leave one file per call in ``folder``, so a test can count what was recomputed."""
    Path(folder, f"call-{os.getpid()}-{os.urandom(4).hex()}").touch()
    return data


def double(ds: xr.Dataset) -> xr.Dataset:
    """A whole-dataset step."""
    return ds.assign(position=ds.position * 2)
