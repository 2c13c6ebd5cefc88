"""Load bounding-boxes datasets."""

from __future__ import annotations

import os
from typing import Any

import xarray as xr

from movement_like.dataset import bboxes_from_numpy as from_numpy
from movement_like.io import registry
from movement_like.io.formats.via import from_via_tracks_file
from movement_like.utils.checks import fps_checked

__all__ = ["from_numpy", "from_file", "from_via_tracks_file"]

# Every loader checks its fps argument the same way before reading (True is not 1.0).
from_via_tracks_file = fps_checked(from_via_tracks_file)


def from_file(
    path: str | os.PathLike,
    source_software: str = "auto",
    fps: float | None = None,
    **kwargs: Any,
) -> xr.Dataset:
    """Load a bounding-boxes file of any supported format (see ``load_poses.from_file``)."""
    return registry.load(path, source_software=source_software, fps=fps, kind="bboxes", **kwargs)
