"""Load bounding-boxes datasets: the facades with the names ``movement`` users know."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import xarray as xr

from movement_like.dataset import bboxes_from_numpy
from movement_like.io import registry
from movement_like.io._arguments import accepts_file_aliases, take_one
from movement_like.io.array_layout import movement_to_ours, resolve_layout
from movement_like.io.formats import via
from movement_like.utils.checks import fps_checked

__all__ = ["from_numpy", "from_file", "from_via_tracks_file"]

#: The VIA reader, taking ``movement``'s ``file=`` / ``file_path=`` as well as ``path=``
#: and checking its fps argument as every loader does (True is not 1.0).
from_via_tracks_file = accepts_file_aliases(fps_checked(via.from_via_tracks_file))


def from_numpy(
    position_array: Any,
    shape_array: Any,
    confidence_array: Any = None,
    individual_names: str | Sequence[str] | None = None,
    frame_array: Any = None,
    fps: float | None = None,
    source_software: str | None = None,
    time_array: Any = None,
    layout: str = "auto",
) -> xr.Dataset:
    """Build a bounding-boxes dataset from arrays in our axis order or in ``movement``'s.

    Parameters
    ----------
    position_array, shape_array
        Box centres and sizes: ``(time, individuals, space)`` (ours) or
        ``(time, space, individual)`` (``movement``'s); space is ``x, y``.
    confidence_array
        ``(time, individuals)`` in both orders; NaN (unknown) when omitted.
    individual_names, frame_array, fps, source_software, time_array
        As in :func:`movement_like.dataset.bboxes_from_numpy`; ``movement``'s
        ``(time, 1)`` frame column is accepted. In ``movement``'s layout,
        individuals default to ``id_0 …`` as ``movement`` names them.
    layout
        ``"auto"`` (default), ``"movement_like"`` or ``"movement"``, as in
        :func:`movement_like.io.load_poses.from_numpy`. Two individuals in 2-D,
        ``(time, 2, 2)``, fit both orders, so they need ``layout=``.

    Returns
    -------
    xarray.Dataset
        Always in our layout.
    """
    position, shape = position_array, shape_array
    if layout != "movement_like":
        try:
            array = np.asarray(position_array)
        except Exception:  # ragged input: the contract says why
            array = None
        if array is not None:
            chosen = resolve_layout(layout, "bboxes", array, confidence_array, individual_names)
            if chosen == "movement":
                position = movement_to_ours(array, "bboxes", "position")
                shape = movement_to_ours(shape_array, "bboxes", "position")
                if individual_names is None and position.ndim == 3:
                    individual_names = [f"id_{i}" for i in range(position.shape[1])]
                if frame_array is not None and np.ndim(frame_array) == 2:
                    frame_array = np.asarray(frame_array).reshape(-1)
    return bboxes_from_numpy(
        position,
        shape,
        confidence_array,
        individual_names,
        frame_array,
        fps,
        source_software,
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
    """Load a bounding-boxes file of any supported format (see ``load_poses.from_file``).

    ``file`` and ``file_path`` are ``movement``'s spellings of ``path``; pass one.

    Parameters
    ----------
    path, file, file_path
        The file (or, for formats that use one, the folder); ``file`` and
        ``file_path`` are ``movement``'s spellings (pass one of the three).
    source_software
        ``"auto"`` (default) detects the format from the file name and first
        bytes; or a format name such as ``"VIA-tracks"``.
    fps
        Frames per second, for formats that do not store it. ``time`` is then in
        seconds.
    **kwargs
        Passed on to the format's reader.

    Returns
    -------
    xarray.Dataset
        A bounding-boxes dataset following our contract.
    """
    where = take_one("from_file", {"path": path, "file": file, "file_path": file_path})
    return registry.load(where, source_software=source_software, fps=fps, kind="bboxes", **kwargs)
