"""Save poses datasets: the facades with the names ``movement`` users know.

Every writer is atomic (a temporary file renamed into place) and refuses to
replace an existing file unless ``overwrite=True``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import xarray as xr

from movement_like.io import netcdf, registry
from movement_like.io._arguments import accepts_file_aliases, take_one
from movement_like.io.formats import anipose, dlc, lightningpose, sleap
from movement_like.io.formats.dlc import to_dlc_style_df
from movement_like.io.formats.dlc_labelled import to_dlc_labelled_data
from movement_like.io.formats.dustrack import to_dustrack_file
from movement_like.io.formats.nwb import NWBSaveConfig, to_nwb_file, to_nwb_path

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


# The writers, taking movement's ``file_path=`` (and ``file=``) as well as our ``path=``.
to_netcdf = accepts_file_aliases(netcdf.save_netcdf)
"""netCDF writer (:func:`movement_like.io.netcdf.save_netcdf`)."""
to_dlc_file = accepts_file_aliases(dlc.to_dlc_file)
"""DeepLabCut writer (:func:`movement_like.io.formats.dlc.to_dlc_file`)."""
to_lp_file = accepts_file_aliases(lightningpose.to_lp_file)
"""LightningPose writer (:func:`movement_like.io.formats.lightningpose.to_lp_file`)."""
to_anipose_file = accepts_file_aliases(anipose.to_anipose_file)
"""Anipose writer (:func:`movement_like.io.formats.anipose.to_anipose_file`)."""
to_sleap_analysis_file = accepts_file_aliases(sleap.to_sleap_analysis_file)
"""SLEAP analysis HDF5 writer (:func:`movement_like.io.formats.sleap.to_sleap_analysis_file`)."""


def to_file(
    ds: xr.Dataset,
    path: str | os.PathLike | None = None,
    to: str | None = None,
    overwrite: bool = False,
    *,
    file: str | os.PathLike | None = None,
    file_path: str | os.PathLike | None = None,
    **kwargs: Any,
) -> Any:
    """Write a poses dataset in the format named by ``to`` or by the suffix of ``path``.

    ``file_path`` and ``file`` are ``movement``'s spellings of ``path``; pass one.

    Parameters
    ----------
    ds
        The poses dataset to write.
    path, file, file_path
        Where to write; ``file`` and ``file_path`` are ``movement``'s spellings
        (pass one of the three).
    to
        The format's name; None picks it from the suffix of ``path``.
    overwrite
        Replace an existing file; by default an existing file is refused.
    **kwargs
        Passed on to the format's writer.

    Returns
    -------
    pathlib.Path or list of pathlib.Path
        What the writer returns: the path, or the paths, written.

    Raises
    ------
    FileFormatError
        If the format cannot be told from the suffix (the message lists the
        writable formats).
    OverwriteError
        If ``path`` exists and ``overwrite`` is false.
    """
    where = take_one("to_file", {"path": path, "file": file, "file_path": file_path})
    return registry.save(ds, Path(where), to=to, overwrite=overwrite, **kwargs)
