"""Save bounding-boxes datasets (atomic, no overwrite unless asked)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import xarray as xr

from movement_like.io import registry
from movement_like.io.formats.via import to_via_tracks_file
from movement_like.io.netcdf import save_netcdf as to_netcdf

__all__ = ["to_file", "to_netcdf", "to_via_tracks_file"]


def to_file(
    ds: xr.Dataset,
    path: str | os.PathLike,
    to: str | None = None,
    overwrite: bool = False,
    **kwargs: Any,
) -> Any:
    """Write a bounding-boxes dataset in the format named by ``to`` or by the suffix."""
    return registry.save(ds, Path(path), to=to, overwrite=overwrite, **kwargs)
