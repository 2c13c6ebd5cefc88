"""DeepLabCut: pose predictions and labelled data (``.h5`` and ``.csv``), read and written.

DeepLabCut stores one pandas DataFrame per file: columns are a MultiIndex with
levels ``scorer, [individuals,] bodyparts, coords`` and rows are video frames
(predictions) or image paths (labelled data, ``CollectedData_<scorer>``).
See ``formats.md`` §1 for the layouts this module follows.

Unlike a blind reshape, the reader builds its arrays by *label lookup*: every
column is placed by its (individual, bodypart, coord) labels. That handles
multi-animal files whose unique bodyparts sit under the individual ``single``
(columns are then not a full product: the keypoints are the union, NaN where a
combination does not exist) and columns in any order. Keypoints and individuals
keep the order of the file, never sorted.

The CSV reader (:mod:`._csv`) parses the few header rows itself and hands the
body to the pandas C parser in one call, so loading large files is fast. The
``.h5`` reader (:mod:`._h5`) reads pandas' layout with h5py and never unpickles
anything but plain values (PyTables would run code a crafted file names).
Writing is in :mod:`._write`, the table-to-dataset mapping in :mod:`._table`.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from movement_like.errors import FileFormatError, PathNotFoundError
from movement_like.io.formats.common import HDF5_MAGIC, FileHead

from ._csv import _read_csv_table
from ._h5 import PREFERRED_H5_KEYS, read_h5_frame, read_h5_table  # noqa: F401 - re-exported
from ._table import (
    DEFAULT_INDIVIDUAL,  # noqa: F401 - re-exported
    DEFAULT_SCORER,  # noqa: F401 - re-exported
    IMAGE_COORD,  # noqa: F401 - re-exported
    MULTI_ANIMAL_LEVELS,  # noqa: F401 - re-exported
    SINGLE_ANIMAL_LEVELS,  # noqa: F401 - re-exported
    _dataset_from_table,
    _df_to_table,
    _table_to_df,
)
from ._write import (
    frame_numbers,
    split_file_paths,
    to_dlc_file,
    to_dlc_style_df,
    write,  # noqa: F401 - re-exported
)

__all__ = [
    "from_dlc_file",
    "from_dlc_style_df",
    "read_dlc_df",
    "to_dlc_style_df",
    "to_dlc_file",
    "split_file_paths",
    "frame_numbers",
]


# --------------------------------------------------------------------------- #
# reading
# --------------------------------------------------------------------------- #
def read_dlc_df(path: str | os.PathLike, key: str | None = None) -> pd.DataFrame:
    """Read the DataFrame of a DeepLabCut ``.h5`` or ``.csv`` file, as DeepLabCut would.

    Parameters
    ----------
    path
        A DLC ``.h5`` (pandas HDFStore) or ``.csv`` file.
    key
        HDF5 key; by default ``df_with_missing``, else ``tracks``, ``keypoints``,
        else the store's only key.

    Returns
    -------
    pandas.DataFrame
        Columns MultiIndex ``scorer, [individuals,] bodyparts, coords``.
    """
    path = Path(path)
    if _looks_like_hdf5(path):
        return read_h5_frame(path, key)
    table = _read_csv_table(path)
    return _table_to_df(table)


def _looks_like_hdf5(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(HDF5_MAGIC)) == HDF5_MAGIC
    except OSError as exc:
        raise FileFormatError(path, f"cannot be read: {exc}") from exc


def from_dlc_style_df(
    df: pd.DataFrame,
    fps: float | None = None,
    source_software: str = "DeepLabCut",
) -> xr.Dataset:
    """Build a poses dataset from a DeepLabCut-style DataFrame.

    Parameters
    ----------
    df
        Columns MultiIndex with levels ``scorer, [individuals,] bodyparts, coords``
        (coords ``x, y[, z][, likelihood]``); other columns (e.g. LightningPose's
        ``set``) are ignored. Rows: frame numbers, image paths, or a 3-level
        image-path MultiIndex.
    fps
        Frames per second; ``time`` is then in seconds.
    source_software
        Stored in ``attrs["source_software"]``.

    Returns
    -------
    xarray.Dataset
        Poses dataset; see :func:`from_dlc_file` for how rows become ``time``.
    """
    table = _df_to_table(df, None)
    table.values = np.array(table.values, dtype=np.float64, copy=True)  # never share df's memory
    return _dataset_from_table(table, fps, source_software, None)


def from_dlc_file(
    path: str | os.PathLike,
    fps: float | None = None,
    key: str | None = None,
    source_software: str = "DeepLabCut",
) -> xr.Dataset:
    """Load a DeepLabCut ``.h5`` or ``.csv`` file: predictions or labelled data.

    Parameters
    ----------
    path
        Video predictions (single- or multi-animal, 2D or 3D) or labelled data
        (``CollectedData_<scorer>.h5/.csv``).
    fps
        Frames per second (DeepLabCut files do not store it). ``time`` is then
        in seconds; the ``frame`` coordinate always holds the video frame.
    key
        HDF5 key; by default ``df_with_missing``, else ``tracks``, ``keypoints``,
        else the store's only key.
    source_software
        Stored in ``attrs["source_software"]``.

    Returns
    -------
    xarray.Dataset
        Poses dataset. Individuals and keypoints keep the file's order; a
        single-animal file has the one individual ``individual_0``; for
        multi-animal files with unique bodyparts (individual ``single``) the
        keypoints are the union and missing combinations are NaN. Confidence
        is the ``likelihood`` column, NaN when there is none (labelled data,
        3D). Rows indexed by frame numbers give ``frame``; rows indexed by image
        paths (labelled data, one column or three index levels) keep the path in
        the ``image_path`` coordinate and take ``frame`` from the digits of the
        image name (``img0042.png`` -> 42), sorted by frame; when those digits
        are missing or repeat, ``time`` is the row number and there is no
        ``frame``. ``attrs["scorer"]`` holds the scorer.

    Raises
    ------
    FileFormatError
        If the file is not a readable DeepLabCut table; the message names the
        file and the problem.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise PathNotFoundError(f"{path}: no such file")
    if _looks_like_hdf5(path):
        table = read_h5_table(path, key)
    else:
        table = _read_csv_table(path)
    return _dataset_from_table(table, fps, source_software, path)


def read(path: str | os.PathLike, fps: float | None = None, **kwargs: Any) -> xr.Dataset:
    """Registry entry point: :func:`from_dlc_file`."""
    return from_dlc_file(path, fps=fps, **kwargs)


# --------------------------------------------------------------------------- #
# sniffing
# --------------------------------------------------------------------------- #
def header_first_cells(head: FileHead) -> list[str]:
    """First cells of the first lines of a text file (for DLC-style sniffers)."""
    lines = head.lines(4)
    try:
        return [row[0] if row else "" for row in csv.reader(lines)]
    except csv.Error:
        return []


def is_dlc_style_csv(head: FileHead) -> bool:
    """Whether a text file starts with DeepLabCut's CSV header rows."""
    cells = header_first_cells(head)
    return cells[:3] == ["scorer", "bodyparts", "coords"] or cells[:4] == [
        "scorer",
        "individuals",
        "bodyparts",
        "coords",
    ]


def _h5_has_pandas_frame(head: FileHead) -> bool:
    """Whether a top-level group (from the head's cached attributes) is a pandas frame."""
    return any(
        attrs.get("pandas_type") in ("frame_table", "frame")
        for attrs in head.h5_group_attrs.values()
    )


def sniff(head: FileHead) -> bool:
    """Whether the file is a DeepLabCut ``.h5`` (a pandas frame) or DLC-style ``.csv``."""
    if head.is_dir:
        return False
    if head.is_hdf5:
        return _h5_has_pandas_frame(head)
    return is_dlc_style_csv(head)
