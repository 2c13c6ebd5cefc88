"""Load poses datasets: the facades with the names ``movement`` users know.

Each function is a line or two: the work is done in one module per format
(:mod:`movement_like.io.formats`) and in the contract layer
(:mod:`movement_like.dataset`).
"""

from __future__ import annotations

import os
from typing import Any

import xarray as xr

from movement_like.dataset import poses_from_numpy as from_numpy
from movement_like.io import registry
from movement_like.io.formats.anipose import from_anipose_file, from_anipose_style_df
from movement_like.io.formats.dlc import from_dlc_file, from_dlc_style_df
from movement_like.io.formats.dustrack import from_dustrack_file, from_dustrack_layers
from movement_like.io.formats.idtracker import from_idtracker_file
from movement_like.io.formats.lightningpose import from_lp_file
from movement_like.io.formats.nwb import from_nwb_file
from movement_like.io.formats.sleap import from_sleap_file
from movement_like.utils.checks import fps_checked

__all__ = [
    "from_numpy",
    "from_file",
    "from_dlc_file",
    "from_dlc_style_df",
    "from_lp_file",
    "from_anipose_file",
    "from_anipose_style_df",
    "from_sleap_file",
    "from_nwb_file",
    "from_idtracker_file",
    "from_dustrack_file",
    "from_dustrack_layers",
]

# Every loader checks its fps argument the same way before reading (True is not 1.0).
from_dlc_file = fps_checked(from_dlc_file)
from_dlc_style_df = fps_checked(from_dlc_style_df)
from_lp_file = fps_checked(from_lp_file)
from_anipose_file = fps_checked(from_anipose_file)
from_anipose_style_df = fps_checked(from_anipose_style_df)
from_sleap_file = fps_checked(from_sleap_file)
from_nwb_file = fps_checked(from_nwb_file)
from_idtracker_file = fps_checked(from_idtracker_file)
from_dustrack_file = fps_checked(from_dustrack_file)
from_dustrack_layers = fps_checked(from_dustrack_layers)


def from_file(
    path: str | os.PathLike,
    source_software: str = "auto",
    fps: float | None = None,
    **kwargs: Any,
) -> xr.Dataset:
    """Load a poses file of any supported format.

    Parameters
    ----------
    path
        The file (or, for formats that use one, the folder).
    source_software
        ``"auto"`` (default) detects the format from the file name and first
        bytes; or a format name such as ``"DeepLabCut"``, ``"SLEAP"``, ``"netCDF"``.
    fps
        Frames per second, for formats that do not store it. ``time`` is then in
        seconds.
    **kwargs
        Passed on to the format's reader.

    Raises
    ------
    FileFormatError
        If the format is not recognised (the message lists the supported ones)
        or the file is malformed.
    """
    return registry.load(path, source_software=source_software, fps=fps, kind="poses", **kwargs)
