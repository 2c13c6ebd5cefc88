"""Load poses datasets: the facades with the names ``movement`` users know.

Each function is a line or two: the work is done in one module per format
(:mod:`movement_like.io.formats`) and in the contract layer
(:mod:`movement_like.dataset`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import xarray as xr

from movement_like.dataset import poses_from_numpy
from movement_like.io import registry
from movement_like.io._arguments import accepts_file_aliases, take_one
from movement_like.io.array_layout import movement_to_ours, resolve_layout
from movement_like.io.formats import anipose, dlc, dustrack, idtracker, lightningpose, sleap
from movement_like.io.formats.anipose import from_anipose_style_df
from movement_like.io.formats.dlc import from_dlc_style_df
from movement_like.io.formats.dustrack import from_dustrack_layers
from movement_like.io.formats.nwb import from_nwb_file
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


def _as_array(values: Any) -> np.ndarray | None:
    """``values`` as an array, or ``None`` if it is not one (the contract then says why)."""
    try:
        return np.asarray(values)
    except Exception:  # ragged lists and the like
        return None


# The readers, taking movement's ``file=`` / ``file_path=`` as well as our ``path=``, and
# checking their fps argument the same way before reading (True is not 1.0).
from_dlc_file = accepts_file_aliases(fps_checked(dlc.from_dlc_file))
from_lp_file = accepts_file_aliases(fps_checked(lightningpose.from_lp_file))
from_anipose_file = accepts_file_aliases(fps_checked(anipose.from_anipose_file))
from_sleap_file = accepts_file_aliases(fps_checked(sleap.from_sleap_file))
from_idtracker_file = accepts_file_aliases(fps_checked(idtracker.from_idtracker_file))
from_dustrack_file = accepts_file_aliases(fps_checked(dustrack.from_dustrack_file))
from_dlc_style_df = fps_checked(from_dlc_style_df)
from_anipose_style_df = fps_checked(from_anipose_style_df)
from_nwb_file = fps_checked(from_nwb_file)
from_dustrack_layers = fps_checked(from_dustrack_layers)


def from_numpy(
    position_array: Any,
    confidence_array: Any = None,
    individual_names: str | Sequence[str] | None = None,
    keypoint_names: str | Sequence[str] | None = None,
    fps: float | None = None,
    source_software: str | None = None,
    frame_array: Any = None,
    time_array: Any = None,
    layout: str = "auto",
) -> xr.Dataset:
    """Build a poses dataset from arrays in our axis order or in ``movement``'s.

    Parameters
    ----------
    position_array
        Ours: ``(time, individuals, keypoints, space)``; ``movement``'s:
        ``(time, space, keypoint, individual)``. Space has 2 or 3 values.
    confidence_array
        ``(time, individuals, keypoints)`` (ours) or ``(time, keypoint,
        individual)`` (``movement``'s); NaN (unknown) when omitted.
    individual_names, keypoint_names, fps, source_software, frame_array, time_array
        As in :func:`movement_like.dataset.poses_from_numpy`. In ``movement``'s
        layout, individuals default to ``id_0 …`` as ``movement`` names them.
    layout
        ``"auto"`` (default): the order that the shapes of the arrays and the
        number of names allow. An array that fits both, such as ``(10, 2, 3,
        2)`` with nothing else to tell them apart, is refused rather than
        guessed; one that fits only ``movement``'s is read so, with a
        :class:`~movement_like.io.array_layout.LayoutAssumedWarning`.
        ``"movement_like"`` or ``"movement"`` says which it is.

    Returns
    -------
    xarray.Dataset
        Always in our layout (see :func:`movement_like.io.movement_compat.to_movement`
        for ``movement``'s).

    Raises
    ------
    InvalidArgumentError
        If ``layout="auto"`` and the array fits both orders, or ``layout`` is unknown.
    InvalidDatasetError
        If the arrays fit no order, or the names or values are invalid.
    """
    position, confidence = position_array, confidence_array
    if layout != "movement_like":
        array = _as_array(position_array)
        if array is not None:
            chosen = resolve_layout(
                layout, "poses", array, confidence_array, individual_names, keypoint_names
            )
            if chosen == "movement":
                position = movement_to_ours(array, "poses", "position")
                confidence = movement_to_ours(confidence_array, "poses", "confidence")
                if individual_names is None and position.ndim == 4:
                    individual_names = [f"id_{i}" for i in range(position.shape[1])]
    return poses_from_numpy(
        position,
        confidence,
        individual_names,
        keypoint_names,
        fps,
        source_software,
        frame_array,
        time_array,
    )


def from_file(
    path: str | os.PathLike | None = None,
    source_software: str = "auto",
    fps: float | None = None,
    *,
    file: str | os.PathLike | None = None,
    file_path: str | os.PathLike | None = None,
    **kwargs: Any,
) -> xr.Dataset:
    """Load a poses file of any supported format.

    Parameters
    ----------
    path, file, file_path
        The file (or, for formats that use one, the folder); ``file`` and
        ``file_path`` are ``movement``'s spellings (pass one of the three).
    source_software
        ``"auto"`` (default) detects the format from the file name and first
        bytes; or a format name such as ``"DeepLabCut"``, ``"SLEAP"``, ``"netCDF"``.
    fps
        Frames per second, for formats that do not store it. ``time`` is then in
        seconds.
    **kwargs
        Passed on to the format's reader.

    Returns
    -------
    xarray.Dataset
        A poses dataset following our contract.

    Raises
    ------
    FileFormatError
        If the format is not recognised (the message lists the supported ones)
        or the file is malformed.
    """
    where = take_one("from_file", {"path": path, "file": file, "file_path": file_path})
    return registry.load(where, source_software=source_software, fps=fps, kind="poses", **kwargs)
