"""VIA (VGG Image Annotator) "tracks" CSV: bounding boxes with a track id per box.

The format is VIA 2.x's region CSV (``filename, file_size, file_attributes,
region_count, region_id, region_shape_attributes, region_attributes``) used as a
convention: every region is a ``rect`` whose ``region_attributes`` hold a
``track`` id (an int, or a string such as ``"1"`` or ``"2.0"``) and maybe a
``confidence``.

What this reader does differently from ``movement``, on purpose:

* the frame number comes from ``file_attributes["frame"]`` when every row has
  one, else from the LAST run of digits of the file name without its extension
  (``img1000.png`` is frame 1000, not 0 as with a leading-zero regex);
* ``region_count`` and ``region_id`` are ignored: real files get them wrong;
* track ids such as ``"2.0"`` are accepted, and images without regions keep
  their frame (with missing boxes).

The ``frame`` coordinate always holds the frame numbers of the file and the
``filename`` coordinate the image names; ``time`` counts the distinct frames
(``0..n-1``) unless ``use_frame_numbers_from_file``.

One module per idea:

* :mod:`.cells`: the header and every cell (JSON columns, frame numbers, track ids);
* :mod:`.reader`: the file as a dataset (:func:`from_via_tracks_file`);
* :mod:`.writer`: a dataset as a file that reads back as written (:func:`to_via_tracks_file`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import xarray as xr

from movement_like.io.formats.via.cells import HEADER, sniff  # noqa: F401  (the registry's)
from movement_like.io.formats.via.reader import from_via_tracks_file
from movement_like.io.formats.via.writer import to_via_tracks_file

__all__ = ["HEADER", "from_via_tracks_file", "to_via_tracks_file"]


# --------------------------------------------------------------------------- #
# registry entry points (not part of __all__: the registry calls them)
# --------------------------------------------------------------------------- #
def read(path: str | os.PathLike, fps: float | None = None, **kwargs: Any) -> xr.Dataset:
    """Registry reader: :func:`from_via_tracks_file`."""
    return from_via_tracks_file(path, fps=fps, **kwargs)


def write(ds: xr.Dataset, path: str | os.PathLike, overwrite: bool = False, **kwargs: Any) -> Path:
    """Registry writer: :func:`to_via_tracks_file`."""
    return to_via_tracks_file(ds, path, overwrite=overwrite, **kwargs)
