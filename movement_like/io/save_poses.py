"""Save poses datasets: the facades with the names ``movement`` users know.

Every writer is atomic (a temporary file renamed into place) and refuses to
replace an existing file unless ``overwrite=True``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import xarray as xr

from movement_like.io import registry
from movement_like.io.formats.anipose import to_anipose_file
from movement_like.io.formats.dlc import to_dlc_file, to_dlc_style_df
from movement_like.io.formats.dlc_labelled import to_dlc_labelled_data
from movement_like.io.formats.dustrack import to_dustrack_file
from movement_like.io.formats.lightningpose import to_lp_file
from movement_like.io.formats.nwb import NWBSaveConfig, to_nwb_file, to_nwb_path
from movement_like.io.formats.sleap import to_sleap_analysis_file
from movement_like.io.netcdf import save_netcdf as to_netcdf

__all__ = [
    "to_file",
    "to_netcdf",
    "to_dlc_file",
    "to_dlc_style_df",
    "to_lp_file",
    "to_anipose_file",
    "to_sleap_analysis_file",
    "to_nwb_file",
    "to_nwb_path",
    "NWBSaveConfig",
    "to_dustrack_file",
    "to_dlc_labelled_data",
]


def to_file(
    ds: xr.Dataset,
    path: str | os.PathLike,
    to: str | None = None,
    overwrite: bool = False,
    **kwargs: Any,
) -> Any:
    """Write a poses dataset in the format named by ``to`` or by the suffix of ``path``.

    Raises
    ------
    FileFormatError
        If the format cannot be told from the suffix (the message lists the
        writable formats).
    OverwriteError
        If ``path`` exists and ``overwrite`` is false.
    """
    return registry.save(ds, Path(path), to=to, overwrite=overwrite, **kwargs)
