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

The CSV reader parses the few header rows itself and hands the body to the
pandas C parser in one call, so loading large files is fast.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from movement_like.dataset import frame_numbers as _dataset_frame_numbers
from movement_like.dataset import (
    netcdf_safe_attrs,
    poses_from_numpy,
    require_contract_dims,
    validate_poses,
)
from movement_like.errors import FileFormatError, InvalidDatasetError
from movement_like.io.atomic import atomic_path, check_writable
from movement_like.io.formats.common import HDF5_MAGIC, FileHead
from movement_like.utils.deprecation import warn_deprecated

__all__ = [
    "from_dlc_file",
    "from_dlc_style_df",
    "read_dlc_df",
    "to_dlc_style_df",
    "to_dlc_file",
    "split_file_paths",
    "frame_numbers",
]

SINGLE_ANIMAL_LEVELS = ("scorer", "bodyparts", "coords")
MULTI_ANIMAL_LEVELS = ("scorer", "individuals", "bodyparts", "coords")
#: HDF5 keys tried in this order before falling back to the store's only key.
PREFERRED_H5_KEYS = ("df_with_missing", "tracks", "keypoints")
#: Name of the coordinate along ``time`` that keeps labelled-data image paths.
IMAGE_COORD = "image_path"
DEFAULT_INDIVIDUAL = "individual_0"
DEFAULT_SCORER = "movement_like"
_SPACE_COORDS = ("x", "y", "z")
_LIKELIHOOD = "likelihood"
_KEYPOINT_COORDS = frozenset((*_SPACE_COORDS, _LIKELIHOOD))
_TRAILING_DIGITS = re.compile(r"(\d+)(?=\D*$)")


# --------------------------------------------------------------------------- #
# the in-between form: labelled columns + a float matrix + the row labels
# --------------------------------------------------------------------------- #
@dataclass
class _Table:
    """A DLC table taken apart: what both the CSV and the DataFrame paths produce.

    ``columns`` are label tuples in the order of ``level_names``; ``values`` is
    ``(rows, len(keypoint_columns))`` float64 for the keypoint columns only;
    ``index`` holds one row label per row (int frames, or str image paths, or
    tuples of str for a multi-level image index).
    """

    level_names: tuple[str, ...]
    columns: list[tuple[str, ...]]
    values: np.ndarray
    index: Sequence[Any] | np.ndarray
    index_levels: int = 1


def _level_positions(level_names: Sequence[str], where: str | os.PathLike | None) -> dict:
    names = [str(n) for n in level_names]
    if "bodyparts" not in names or "coords" not in names:
        raise FileFormatError(
            where,
            f"column levels are {names}, but a DeepLabCut table needs 'bodyparts' and 'coords' "
            "(and usually 'scorer', optionally 'individuals')",
            "check that this is a DeepLabCut file",
        )
    return {
        name: names.index(name)
        for name in ("scorer", "individuals", "bodyparts", "coords")
        if name in names
    }


def _is_keypoint_column(labels: tuple[str, ...], pos: dict) -> bool:
    return labels[pos["coords"]] in _KEYPOINT_COORDS and labels[pos["bodyparts"]] != ""


# --------------------------------------------------------------------------- #
# reading: CSV
# --------------------------------------------------------------------------- #
def _header_rows(path: Path, lines: list[str]) -> tuple[list[list[str]], int]:
    """Parse the header rows of a DLC CSV; return them and the number of index columns."""
    rows = list(csv.reader(lines))
    first_cells = [r[0] if r else "" for r in rows]
    if first_cells[:3] == ["scorer", "bodyparts", "coords"]:
        header = rows[:3]
    elif first_cells[:4] == ["scorer", "individuals", "bodyparts", "coords"]:
        header = rows[:4]
    else:
        raise FileFormatError(
            path,
            "the header rows do not match DeepLabCut's layout: the first cells should read "
            f"scorer, [individuals,] bodyparts, coords, but they are {first_cells[:4]}",
            "the file may be truncated or a header row may be missing",
        )
    widths = {len(r) for r in header}
    if len(widths) != 1:
        raise FileFormatError(
            path,
            f"the header rows have different numbers of cells: {[len(r) for r in header]}",
            "every header row must have one cell per column",
        )
    coords_row = header[-1]
    n_index = 1
    while (
        n_index < len(coords_row)
        and coords_row[n_index] == ""
        and all(r[n_index] == "" for r in header)
    ):
        n_index += 1
    if n_index == len(coords_row):
        raise FileFormatError(path, "the header names no data columns")
    return header, n_index


def _read_head_lines(path: Path, count: int = 4) -> list[str]:
    lines = []
    try:
        with open(path, "rb") as handle:
            for _ in range(count):
                raw = handle.readline()
                if not raw:
                    break
                lines.append(raw.decode("utf-8", errors="replace").rstrip("\r\n"))
    except OSError as exc:
        raise FileFormatError(path, f"cannot be read: {exc}") from exc
    if lines:
        lines[0] = lines[0].lstrip("\ufeff")
    return lines


def _cells_per_row_match(path: Path, skip_lines: int, n_cols: int, n_rows: int) -> bool:
    """Whether the data rows hold ``n_cols`` cells each, counted without parsing.

    Counts commas with numpy in one pass of block reads (fast); only when the
    count is off and the file has quoted cells (which may contain commas) does
    it fall back to the csv module.
    """
    block = bytearray(1 << 22)
    view = memoryview(block)
    as_bytes = np.frombuffer(block, dtype=np.uint8)
    commas, quoted = 0, False
    with open(path, "rb") as handle:
        for _ in range(skip_lines):
            handle.readline()
        while size := handle.readinto(view):
            chunk = as_bytes[:size]
            commas += int(np.count_nonzero(chunk == ord(",")))
            quoted = quoted or bool(np.any(chunk == ord('"')))
    if commas == (n_cols - 1) * n_rows:
        return True
    if not quoted:
        return False
    with open(path, newline="", encoding="utf-8", errors="replace") as text:
        rows = csv.reader(text)
        for _ in range(skip_lines):
            next(rows, None)
        return all(len(row) == n_cols for row in rows if row)


def _read_csv_table(path: Path) -> _Table:
    """Read a DLC-style CSV (3 or 4 header rows, 1 or 3 index columns) into a :class:`_Table`."""
    header, n_index = _header_rows(path, _read_head_lines(path))
    n_header = len(header)
    n_cols = len(header[0])
    level_names = tuple(r[0] for r in header)
    columns_all = [tuple(r[j] for r in header) for j in range(n_index, n_cols)]
    pos = _level_positions(level_names, path)
    is_kp = [_is_keypoint_column(c, pos) for c in columns_all]
    try:  # types are inferred: naming a dtype per column makes pandas' C parser slower
        body = pd.read_csv(path, header=None, skiprows=n_header, skip_blank_lines=True)
    except pd.errors.EmptyDataError:
        body = pd.DataFrame({i: pd.Series(dtype=np.float64) for i in range(n_cols)})
    except (pd.errors.ParserError, ValueError) as exc:
        raise FileFormatError(
            path,
            f"the data rows do not parse as a DeepLabCut table: {exc}",
            "rows must have as many cells as the header, with numbers or empty cells",
        ) from exc
    if body.shape[1] != n_cols:
        raise FileFormatError(
            path,
            f"the header has {n_cols} columns but the data rows have {body.shape[1]}",
            "the file is malformed (mismatched column counts)",
        )
    # A row with fewer cells than the header is read with NaN in its last cells:
    # when the last column has gaps, count the cells to tell the two apart.
    if len(body) and body.iloc[:, -1].isna().any():
        if not _cells_per_row_match(path, n_header, n_cols, len(body)):
            raise FileFormatError(
                path,
                f"some data rows have fewer cells than the header ({n_cols} columns)",
                "the file is malformed (mismatched column counts)",
            )
    keypoint_positions = [n_index + j for j, k in enumerate(is_kp) if k]
    keypoint_body = body.iloc[:, keypoint_positions]
    not_numbers = [
        j
        for j, dtype in zip(keypoint_positions, keypoint_body.dtypes, strict=True)
        if dtype.kind not in "fiu"
    ]
    if not_numbers:
        bad = columns_all[not_numbers[0] - n_index]
        raise FileFormatError(
            path,
            f"the column {bad} holds text where numbers are expected",
            "keypoint cells must be numbers or empty",
        )
    values = keypoint_body.to_numpy(dtype=np.float64, na_value=np.nan)
    if n_index == 1:
        first = body.iloc[:, 0]
        index: Sequence[Any] | np.ndarray = (
            first.to_numpy(dtype=np.int64)
            if first.dtype.kind in "iu"
            else _int_index_or_strings(first.to_numpy())
        )
    else:
        parts = body.iloc[:, :n_index].to_numpy(dtype=object)
        index = [tuple("" if pd.isna(p) else str(p) for p in row) for row in parts]
    columns = [c for c, k in zip(columns_all, is_kp, strict=True) if k]
    return _Table(level_names, columns, values, index, n_index)


def _int_index_or_strings(raw: np.ndarray) -> np.ndarray:
    """Frame numbers as int64 when every label is a whole number, else the labels as str."""
    try:
        numbers = pd.to_numeric(pd.Series(raw), errors="raise").to_numpy()
        if numbers.dtype.kind in "iu":
            return numbers.astype(np.int64)
        if (
            numbers.dtype.kind == "f"
            and np.all(np.isfinite(numbers))
            and np.all(numbers == np.round(numbers))
        ):
            return numbers.astype(np.int64)  # "12.0" written by a float index
    except (ValueError, TypeError):
        pass
    return np.array(
        ["" if (isinstance(v, float) and np.isnan(v)) else str(v) for v in raw], dtype=object
    )


# --------------------------------------------------------------------------- #
# reading: HDF5 and DataFrames
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
        return _read_h5_df(path, key)
    table = _read_csv_table(path)
    return _table_to_df(table)


def _looks_like_hdf5(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(HDF5_MAGIC)) == HDF5_MAGIC
    except OSError as exc:
        raise FileFormatError(path, f"cannot be read: {exc}") from exc


def _read_h5_df(path: Path, key: str | None) -> pd.DataFrame:
    try:
        store = pd.HDFStore(path, mode="r")
    except Exception as exc:  # tables raises several types for damaged files
        raise FileFormatError(
            path,
            f"cannot be opened as an HDF5 file ({type(exc).__name__}: {exc})",
            "the file may be truncated or damaged; re-export it from DeepLabCut",
        ) from exc
    try:
        keys = [k.lstrip("/") for k in store.keys()]
        if key is None:
            key = next((k for k in PREFERRED_H5_KEYS if k in keys), None)
            if key is None and len(keys) == 1:
                key = keys[0]
        if key is None:
            if not keys:
                raise FileFormatError(
                    path,
                    "holds no pandas table, so it is not a DeepLabCut .h5 file",
                    "DeepLabCut files are written by pandas (key 'df_with_missing')",
                )
            raise FileFormatError(
                path,
                f"holds several pandas tables {keys} and none is called "
                f"{', '.join(PREFERRED_H5_KEYS)}",
                "pass key=... to choose one",
            )
        if key not in keys:
            raise FileFormatError(path, f"has no table {key!r}; it holds {keys}")
        try:
            df = store[key]
        except Exception as exc:
            raise FileFormatError(
                path,
                f"the table {key!r} cannot be read ({type(exc).__name__}: {exc})",
                "the file may be truncated or damaged",
            ) from exc
    finally:
        store.close()
    if not isinstance(df, pd.DataFrame):
        raise FileFormatError(path, f"the object under {key!r} is not a DataFrame")
    return df


def _df_to_table(df: pd.DataFrame, where: str | os.PathLike | None) -> _Table:
    if not isinstance(df, pd.DataFrame):
        raise InvalidDatasetError(f"expected a pandas DataFrame, got {type(df).__name__}")
    if not isinstance(df.columns, pd.MultiIndex):
        raise FileFormatError(
            where,
            "the columns are not a MultiIndex (scorer, [individuals,] bodyparts, coords)",
            "read DeepLabCut CSVs with header=[0, 1, 2] (or [0, 1, 2, 3]) and index_col=0",
        )
    level_names = tuple(str(n) for n in df.columns.names)
    pos = _level_positions(level_names, where)
    all_columns = [tuple(str(v) for v in c) for c in df.columns]
    keep = np.array([_is_keypoint_column(c, pos) for c in all_columns], dtype=bool)
    columns = [c for c, k in zip(all_columns, keep, strict=True) if k]
    sub = df.iloc[:, np.flatnonzero(keep)]
    try:
        values = sub.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise FileFormatError(where, f"keypoint columns hold non-numbers: {exc}") from exc
    index: Sequence[Any] | np.ndarray
    if isinstance(df.index, pd.MultiIndex):
        index = [tuple(str(p) for p in row) for row in df.index]
        levels = df.index.nlevels
    else:
        levels = 1
        raw = df.index.to_numpy()
        index = (
            raw.astype(np.int64)
            if raw.dtype.kind in "iu"
            else _int_index_or_strings(raw.astype(object))
        )
    return _Table(level_names, columns, values, index, levels)


def _table_to_df(table: _Table) -> pd.DataFrame:
    columns = pd.MultiIndex.from_tuples(table.columns, names=list(table.level_names))
    if table.index_levels > 1:
        index: Any = pd.MultiIndex.from_tuples(list(table.index))
    else:
        index = pd.Index(table.index)
    return pd.DataFrame(table.values, index=index, columns=columns)


# --------------------------------------------------------------------------- #
# table -> dataset
# --------------------------------------------------------------------------- #
def _ordered_unique(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _frames_from_index(
    table: _Table, where: str | os.PathLike | None
) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray]:
    """Return (frames or None, image paths or None, row order)."""
    n_rows = len(table.index)
    index = table.index
    if isinstance(index, np.ndarray) and index.dtype.kind in "iu":
        frames = index.astype(np.int64)
        order = np.argsort(frames, kind="stable")
        frames = frames[order]
        if n_rows > 1 and np.any(np.diff(frames) == 0):
            dup = int(frames[np.flatnonzero(np.diff(frames) == 0)[0]])
            raise FileFormatError(where, f"frame {dup} appears in more than one row")
        return frames, None, order
    if table.index_levels > 1:
        paths = np.array(["/".join(p for p in row) for row in index], dtype=object)
    else:
        paths = np.array([str(p) for p in index], dtype=object)
    parsed = [_TRAILING_DIGITS.search(Path(p).name) for p in paths]
    if all(parsed) and n_rows:
        frames = np.array([int(m.group(1)) for m in parsed if m], dtype=np.int64)
        order = np.argsort(frames, kind="stable")
        if n_rows == 1 or np.all(np.diff(frames[order]) > 0):
            return frames[order], paths[order], order
    return None, paths, np.arange(n_rows)


def _dataset_from_table(
    table: _Table,
    fps: float | None,
    source_software: str,
    where: str | os.PathLike | None,
) -> xr.Dataset:
    pos = _level_positions(table.level_names, where)
    columns = table.columns
    if not columns:
        raise FileFormatError(
            where,
            "has no keypoint columns (coords x, y[, z][, likelihood])",
            "check that this is a DeepLabCut/LightningPose file",
        )
    has_individuals = "individuals" in pos
    ind_labels = [c[pos["individuals"]] for c in columns] if has_individuals else None
    bp_labels = [c[pos["bodyparts"]] for c in columns]
    coord_labels = [c[pos["coords"]] for c in columns]
    individuals = _ordered_unique(ind_labels) if ind_labels else [DEFAULT_INDIVIDUAL]
    keypoints = _ordered_unique(bp_labels)
    n_space = 3 if "z" in coord_labels else 2
    slot = {"x": 0, "y": 1, "z": 2, _LIKELIHOOD: n_space}
    ind_of = {name: i for i, name in enumerate(individuals)}
    kp_of = {name: k for k, name in enumerate(keypoints)}
    ind_idx = np.array([ind_of[n] for n in ind_labels] if ind_labels else [0] * len(columns))
    kp_idx = np.array([kp_of[n] for n in bp_labels])
    slot_idx = np.array([slot[c] for c in coord_labels])
    n_ind, n_kp, n_slot = len(individuals), len(keypoints), n_space + 1
    flat = (ind_idx * n_kp + kp_idx) * n_slot + slot_idx
    if len(np.unique(flat)) != len(flat):
        repeated = pd.Series(flat).duplicated(keep=False).to_numpy()
        examples = sorted({columns[j] for j in np.flatnonzero(repeated)})[:3]
        raise FileFormatError(
            where,
            "several columns carry the same (individual, bodypart, coord) labels, "
            f"e.g. {examples} (several scorers in one file?)",
            "keep the columns of one scorer only",
        )
    frames, image_paths, order = _frames_from_index(table, where)
    values = table.values
    if not np.array_equal(order, np.arange(len(order))):
        values = values[order]
    n_time = values.shape[0]
    if np.array_equal(flat, np.arange(n_ind * n_kp * n_slot)):  # full product, DLC's order
        block = values.reshape(n_time, n_ind, n_kp, n_slot)
    else:
        block = np.full((n_time, n_ind * n_kp * n_slot), np.nan)
        block[:, flat] = values
        block = block.reshape(n_time, n_ind, n_kp, n_slot)
    position = block[..., :n_space]  # views of one block: no copy
    confidence = block[..., n_space]
    ds = poses_from_numpy(
        position,
        confidence,
        individual_names=individuals,
        keypoint_names=keypoints,
        fps=fps,
        source_software=source_software,
        frame_array=frames if frames is not None else None,
    )
    if frames is None:  # image names without a usable frame number: rows are just rows
        ds = ds.drop_vars("frame")
    if image_paths is not None:
        ds = ds.assign_coords({IMAGE_COORD: ("time", image_paths.astype(str))})
    scorers = _ordered_unique([c[pos["scorer"]] for c in columns]) if "scorer" in pos else []
    extra: dict[str, Any] = {}
    if len(scorers) == 1:
        extra["scorer"] = scorers[0]
    elif scorers:
        extra["scorer"] = scorers
    if image_paths is not None:
        extra["image_index_levels"] = int(table.index_levels)
    if where is not None:
        extra["source_file"] = os.fspath(where)
    ds.attrs.update(netcdf_safe_attrs(extra))
    return ds


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
        raise FileNotFoundError(f"{path}: no such file")
    if _looks_like_hdf5(path):
        table = _df_to_table(_read_h5_df(path, key), path)
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


# --------------------------------------------------------------------------- #
# writing
# --------------------------------------------------------------------------- #
def frame_numbers(ds: xr.Dataset) -> np.ndarray:
    """Return the video frame of every time point; deprecated, use ``dataset.frame_numbers``.

    Parameters
    ----------
    ds
        A dataset of ours.

    Returns
    -------
    numpy.ndarray
        The video frame of every time point.
    """
    warn_deprecated(
        "movement_like.io.formats.dlc.frame_numbers(ds)",
        "movement_like.dataset.frame_numbers(ds)",
        since="0.2",
        removed_in="0.3",
    )
    return _dataset_frame_numbers(ds, "writing a DeepLabCut file")


def _row_index(ds: xr.Dataset, image_index: str) -> pd.Index:
    if image_index not in ("auto", "frame", "path", "levels"):
        raise ValueError(
            f"image_index must be 'auto', 'frame', 'path' or 'levels', got {image_index!r}"
        )
    has_paths = IMAGE_COORD in ds.coords
    if image_index in ("path", "levels") and not has_paths:
        raise InvalidDatasetError(
            f"image_index={image_index!r} needs an '{IMAGE_COORD}' coordinate along time"
        )
    if image_index == "auto":
        if not has_paths:
            image_index = "frame"
        else:
            image_index = "levels" if ds.attrs.get("image_index_levels") == 3 else "path"
    if image_index == "frame":
        return pd.Index(_dataset_frame_numbers(ds, "writing a DeepLabCut file"))
    paths = [str(p) for p in ds[IMAGE_COORD].values]
    if image_index == "path":
        return pd.Index(paths, dtype=object)
    parts = [p.split("/") for p in paths]
    if any(len(p) != 3 for p in parts):
        bad = next(p for p in paths if len(p.split("/")) != 3)
        raise InvalidDatasetError(
            f"image_index='levels' needs paths 'labeled-data/<video>/<image>', got {bad!r}"
        )
    return pd.MultiIndex.from_tuples([tuple(p) for p in parts])


def _scorer_name(ds: xr.Dataset, scorer: str | None) -> str:
    if scorer is not None:
        return str(scorer)
    stored = ds.attrs.get("scorer")
    if isinstance(stored, str) and stored and not stored.startswith("["):
        return stored
    return DEFAULT_SCORER


def _poses_block(ds: xr.Dataset, likelihood: bool | None) -> tuple[np.ndarray, list[str]]:
    """(time, individuals, keypoints, coords) float64 block and its coords labels."""
    require_contract_dims(ds, "a DeepLabCut file")
    position = ds["position"].transpose("time", "individuals", "keypoints", "space").values
    confidence = ds["confidence"].transpose("time", "individuals", "keypoints").values
    space = [str(s) for s in ds["space"].values]
    if likelihood is None:
        likelihood = len(space) == 2 or bool(np.any(np.isfinite(confidence)))
    with_likelihood = likelihood
    parts = [position.astype(np.float64, copy=False)]
    labels = list(space)
    if with_likelihood:
        parts.append(confidence.astype(np.float64, copy=False)[..., None])
        labels.append(_LIKELIHOOD)
    return np.concatenate(parts, axis=-1), labels


def to_dlc_style_df(
    ds: xr.Dataset,
    split_individuals: bool = False,
    scorer: str | None = None,
    image_index: Literal["auto", "frame", "path", "levels"] = "auto",
    likelihood: bool | None = None,
) -> pd.DataFrame | dict[str, pd.DataFrame]:
    """Convert a poses dataset to DeepLabCut-style DataFrame(s).

    Parameters
    ----------
    ds
        Poses dataset (dims found by name; no extra dims such as ``layers``).
    split_individuals
        False: one multi-animal DataFrame (levels ``scorer, individuals,
        bodyparts, coords``). True: a dict ``{individual: DataFrame}`` of
        single-animal DataFrames (levels ``scorer, bodyparts, coords``).
    scorer
        Value of the ``scorer`` level; default ``attrs["scorer"]`` when the data
        came from one scorer, else ``"movement_like"``.
    image_index
        Row labels. ``"frame"``: frame numbers (the ``frame`` coordinate, else
        derived from ``time``). ``"path"``: the ``image_path`` strings
        (DeepLabCut ≤ 2.1 labelled data). ``"levels"``: a 3-level index
        ``("labeled-data", video, image)`` split from ``image_path``
        (DeepLabCut ≥ 2.2). ``"auto"`` (default): the layout the data was read
        from, else frame numbers.
    likelihood
        Whether to write the ``likelihood`` coord (from ``confidence``). By
        default: always for 2D, for 3D only when some confidence is known.

    Returns
    -------
    pandas.DataFrame or dict of pandas.DataFrame
        Float64 values; coords ``x, y, likelihood`` for 2D; ``x, y, z`` for 3D
        (plus ``likelihood`` only when some confidence is known, so nothing is
        lost). The row index is unnamed, as DeepLabCut writes it.
    """
    validate_poses(ds)
    block, coords = _poses_block(ds, likelihood)
    index = _row_index(ds, image_index)
    scorer_name = _scorer_name(ds, scorer)
    individuals = [str(i) for i in ds["individuals"].values]
    keypoints = [str(k) for k in ds["keypoints"].values]
    n_time = block.shape[0]
    if split_individuals:
        columns = pd.MultiIndex.from_product(
            [[scorer_name], keypoints, coords], names=list(SINGLE_ANIMAL_LEVELS)
        )
        return {
            name: pd.DataFrame(
                block[:, i].reshape(n_time, -1), index=index.copy(), columns=columns.copy()
            )
            for i, name in enumerate(individuals)
        }
    columns = pd.MultiIndex.from_product(
        [[scorer_name], individuals, keypoints, coords], names=list(MULTI_ANIMAL_LEVELS)
    )
    return pd.DataFrame(block.reshape(n_time, -1), index=index, columns=columns)


_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def split_file_paths(path: str | os.PathLike, individuals: Sequence[str]) -> dict[str, Path]:
    """File paths used by ``split_individuals=True``: ``<stem>_<individual><suffix>``.

    Characters that cannot appear in file names are replaced by ``_``.

    Raises
    ------
    InvalidDatasetError
        If two individuals would get the same file name.
    """
    target = Path(path)
    stem, suffix = target.name[: -len(target.suffix) or None], target.suffix
    paths = {
        name: target.with_name(f"{stem}_{_UNSAFE_IN_FILE_NAMES.sub('_', name)}{suffix}")
        for name in individuals
    }
    if len(set(paths.values())) != len(paths):
        raise InvalidDatasetError(
            f"individual names {list(individuals)} give clashing file names; rename them first"
        )
    return paths


def _write_df(df: pd.DataFrame, path: Path, overwrite: bool) -> Path:
    suffix = path.suffix.lower()
    with atomic_path(path, overwrite) as tmp:
        if suffix == ".csv":
            df.to_csv(tmp)
        else:
            df.to_hdf(tmp, key="df_with_missing", format="table", mode="w")
    return path


def _check_suffix(path: Path, allowed: Sequence[str], what: str) -> None:
    if path.suffix.lower() not in allowed:
        raise FileFormatError(
            path,
            f"{what} files must end in {' or '.join(allowed)}",
            f"change the suffix to one of {', '.join(allowed)}",
        )


def to_dlc_file(
    ds: xr.Dataset,
    path: str | os.PathLike,
    split_individuals: bool | Literal["auto"] = "auto",
    overwrite: bool = False,
    scorer: str | None = None,
    image_index: Literal["auto", "frame", "path", "levels"] = "auto",
    likelihood: bool | None = None,
) -> list[Path]:
    """Save a poses dataset as DeepLabCut ``.h5`` (recommended) or ``.csv`` file(s).

    The ``.h5`` is written as DeepLabCut does (pandas table format under the key
    ``df_with_missing``); the ``.csv`` has one header row per column level and
    an unnamed index, so ``pandas.read_csv(path, header=[0, 1, 2(, 3)],
    index_col=0)`` reads it back. Each file is written atomically.

    Parameters
    ----------
    ds
        Poses dataset.
    path
        Target file, ending in ``.h5`` or ``.csv``.
    split_individuals
        ``"auto"`` (default): single-animal layout when there is one individual,
        multi-animal layout otherwise. ``False``: one multi-animal file at
        ``path`` (keeps the individual names, also for one individual).
        ``True``: single-animal files, one per individual, at
        ``<stem>_<individual><suffix>``; with one individual the file is
        ``path`` itself.
    overwrite
        Replace existing files; otherwise :class:`~movement_like.errors.OverwriteError`
        is raised before anything is written.
    scorer, image_index
        See :func:`to_dlc_style_df`.
    likelihood
        Whether to write ``likelihood`` columns. By default as in
        :func:`to_dlc_style_df`, except for labelled data (rows indexed by image
        paths) without any known confidence: DeepLabCut's ``CollectedData``
        layout has ``x, y`` only, so no ``likelihood`` is written.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    target = Path(path).expanduser()
    _check_suffix(target, (".h5", ".csv"), "DeepLabCut")
    if split_individuals == "auto":
        split_individuals = ds.sizes.get("individuals", 0) == 1
    elif not isinstance(split_individuals, bool):
        raise ValueError(
            f"split_individuals must be True, False or 'auto', got {split_individuals!r}"
        )
    labelled = image_index in ("path", "levels") or (
        image_index == "auto" and IMAGE_COORD in ds.coords
    )
    if likelihood is None and labelled and "confidence" in ds:
        likelihood = bool(np.any(np.isfinite(ds["confidence"].values)))
    options: dict[str, Any] = {
        "scorer": scorer,
        "image_index": image_index,
        "likelihood": likelihood,
    }
    if not split_individuals:
        df = to_dlc_style_df(ds, split_individuals=False, **options)
        assert isinstance(df, pd.DataFrame)
        return [_write_df(df, target, overwrite)]
    frames = to_dlc_style_df(ds, split_individuals=True, **options)
    assert isinstance(frames, dict)
    if len(frames) == 1:
        targets = {name: target for name in frames}
    else:
        targets = split_file_paths(target, list(frames))
    for file in targets.values():  # refuse before writing anything
        check_writable(file, overwrite)
    return [_write_df(frames[name], file, overwrite) for name, file in targets.items()]


def write(
    ds: xr.Dataset, path: str | os.PathLike, overwrite: bool = False, **kwargs: Any
) -> list[Path]:
    """Registry entry point: :func:`to_dlc_file`."""
    return to_dlc_file(ds, path, overwrite=overwrite, **kwargs)
