"""SLEAP: analysis HDF5 (read and write), analysis CSV (read) and ``.slp`` (read).

Layouts follow ``formats.md`` §4; one module per kind of file:

* :mod:`.analysis_h5`: ``*.analysis.h5``, every layout SLEAP and sleap-io write;
* :mod:`.analysis_csv`: ``*.analysis.csv``, one row per (frame, instance);
* :mod:`.slp`: the SLEAP project/predictions file, read through ``sleap-io``
  (an optional dependency: ``pip install "movement_like[sleap]"``);
* :mod:`.writer`: poses dataset -> ``*.analysis.h5``.

Untracked instances (no track assigned) are never dropped: every frame's
untracked instances fill instance *slots* in file order, and each slot becomes
one individual, ``untracked_0``, ``untracked_1`` … (or ``individual_0`` …
when the file has no tracks at all). Tracked instances keep their track.

HDF5 files are read through :mod:`movement_like.io.hdf5`: a damaged file gives
a :class:`~movement_like.errors.FileFormatError`, a dataset declaring more than
the file holds is refused before it is read, and nothing outside the file
(external links, the videos a ``.slp`` names) is opened unless asked.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import xarray as xr

from movement_like.errors import FileFormatError, PathNotFoundError
from movement_like.io.formats.common import FileHead
from movement_like.io.formats.sleap._shared import MAX_FRAMES
from movement_like.io.formats.sleap.analysis_csv import from_sleap_analysis_csv
from movement_like.io.formats.sleap.analysis_h5 import from_sleap_analysis_h5
from movement_like.io.formats.sleap.slp import from_slp_file
from movement_like.io.formats.sleap.writer import to_sleap_analysis_file

__all__ = [
    "from_sleap_file",
    "from_sleap_analysis_h5",
    "from_sleap_analysis_csv",
    "from_slp_file",
    "to_sleap_analysis_file",
]


# --------------------------------------------------------------------------- #
# dispatch, sniffing
# --------------------------------------------------------------------------- #
def _is_slp(head: FileHead) -> bool:
    keys = head.h5_keys
    return keys.get("metadata") == "group" and ("frames" in keys or "instances" in keys)


def _is_analysis_h5(head: FileHead) -> bool:
    keys = head.h5_keys
    return keys.get("node_names") == "dataset" and (
        "tracks" in keys or "track_occupancy" in keys or "track_names" in keys
    )


def _is_analysis_csv(head: FileHead) -> bool:
    lines = head.lines(1)
    return bool(lines) and lines[0].startswith("track,frame_idx,")


def sniff(head: FileHead) -> bool:
    """Whether the file is a SLEAP ``.slp``, analysis ``.h5`` or analysis ``.csv``."""
    if head.is_dir:
        return False
    if head.is_hdf5:
        return _is_slp(head) or _is_analysis_h5(head)
    return _is_analysis_csv(head)


def from_sleap_file(
    path: str | os.PathLike,
    fps: float | None = None,
    video: int = 0,
    allow_external_links: bool = False,
    max_frames: int = MAX_FRAMES,
) -> xr.Dataset:
    """Load any SLEAP file: ``.slp``, ``*.analysis.h5`` or ``*.analysis.csv``.

    Parameters
    ----------
    path
        The file; its kind is told from its content, not its name.
    fps
        Frames per second; ``time`` is then in seconds.
    video
        For ``.slp`` files: index of the video to load (default the first).
    allow_external_links
        For HDF5 files: follow links to other files (refused by default).
    max_frames
        For ``.slp`` and ``.csv`` files: at most this many rows (frames
        ``min(0, first) … last``); a larger range is refused as a damaged frame
        index. Raise it for longer videos.

    Returns
    -------
    xarray.Dataset
        See :func:`from_slp_file`, :func:`from_sleap_analysis_h5` and
        :func:`from_sleap_analysis_csv`.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise PathNotFoundError(f"{path}: no such file")
    head = FileHead.of(path)
    if head.is_hdf5:
        if _is_slp(head):
            return from_slp_file(
                path,
                fps=fps,
                video=video,
                allow_external_links=allow_external_links,
                max_frames=max_frames,
            )
        return from_sleap_analysis_h5(path, fps=fps, allow_external_links=allow_external_links)
    if path.suffix.lower() == ".slp":
        raise FileFormatError(
            path,
            "is not an HDF5 file, so not a readable .slp",
            "the file may be truncated or damaged",
        )
    if _is_analysis_csv(head):
        return from_sleap_analysis_csv(path, fps=fps, max_frames=max_frames)
    if path.suffix.lower() in (".h5", ".hdf5"):
        raise FileFormatError(
            path, "cannot be opened as an HDF5 file", "the file may be truncated or damaged"
        )
    raise FileFormatError(path, "is neither a SLEAP .slp, analysis .h5 nor analysis .csv")


def read(path: str | os.PathLike, fps: float | None = None, **kwargs: Any) -> xr.Dataset:
    """Registry entry point: :func:`from_sleap_file`."""
    return from_sleap_file(path, fps=fps, **kwargs)


def write(ds: xr.Dataset, path: str | os.PathLike, overwrite: bool = False, **kwargs: Any) -> Path:
    """Registry entry point: :func:`to_sleap_analysis_file`."""
    return to_sleap_analysis_file(ds, path, overwrite=overwrite, **kwargs)
