"""``dlc_trackermap.txt``: the human-readable names of DUSTrack's points.

Each line is ``<bodypart> - <name>`` (``point0 - muscle_boundary``); a layer
read next to a trackermap gets a ``keypoint_name`` coordinate from it.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

import xarray as xr

from movement_like.io.formats.dustrack.naming import bodypart_of

__all__ = ["read_trackermap"]

TRACKERMAP_NAME = "dlc_trackermap.txt"


def read_trackermap(path: str | os.PathLike) -> dict[str, str]:
    """Read ``dlc_trackermap.txt``: DLC bodypart → human-readable name.

    Each non-empty line is ``<bodypart> - <name>`` (split at the first
    ``" - "``); a byte-order mark is tolerated. Lines without the separator are
    skipped with a warning (DUSTrack would crash on them).

    Parameters
    ----------
    path
        The file, or the folder (DLC project root) holding it.

    Returns
    -------
    dict
        ``{"point0": "muscle_boundary", ...}``; ``{}`` if there is no file.
    """
    path = Path(path)
    if path.is_dir():
        path = path / TRACKERMAP_NAME
    if not path.is_file():
        return {}
    mapping: dict[str, str] = {}
    text = path.read_text(encoding="utf-8-sig")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if " - " not in line:
            warnings.warn(
                f"{path}: line {number} ({line!r}) has no ' - ' separator; skipped",
                stacklevel=2,
            )
            continue
        key, name = (part.strip() for part in line.split(" - ", 1))
        mapping[key] = name
    return mapping


def _keypoint_names(keypoints: Sequence[str], trackermap: Mapping[str, str]) -> list[str]:
    """Human-readable names (DUSTrack: ``trackermap.get(bodypart, bodypart)``)."""
    return [trackermap.get(bodypart_of(k), bodypart_of(k)) for k in keypoints]


def _trackermap_folders(anchor: Path, dlc_project: Path | None) -> list[Path]:
    """Where ``dlc_trackermap.txt`` is looked for: the project, else next to the data."""
    if dlc_project is not None:
        return [dlc_project]
    folders = [anchor]
    if (anchor.parent / "config.yaml").is_file():  # <project>/videos/<video>
        folders.append(anchor.parent)
    return folders


def find_trackermap(anchor: Path, dlc_project: Path | None) -> dict[str, str]:
    for folder in _trackermap_folders(anchor, dlc_project):
        mapping = read_trackermap(folder)
        if mapping:
            return mapping
    return {}


def with_keypoint_names(ds: xr.Dataset, trackermap: Mapping[str, str]) -> xr.Dataset:
    """Add the ``keypoint_name`` coordinate from a trackermap (unchanged without one)."""
    if not trackermap:
        return ds
    return ds.assign_coords(
        keypoint_name=("keypoints", _keypoint_names(list(ds["keypoints"].values), trackermap))
    )
