"""The in-between form of a DeepLabCut table and how it becomes a poses dataset.

Both readers (CSV, HDF5) and DataFrames produce a :class:`_Table`: labelled
columns, a float matrix of the keypoint columns and the row labels. The
dataset is built by *label lookup*: every column is placed by its
(individual, bodypart, coord) labels, so multi-animal files with unique
bodyparts (individual ``single``) and columns in any order work; keypoints and
individuals keep the order of the file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from movement_like.dataset import netcdf_safe_attrs, poses_from_numpy
from movement_like.errors import FileFormatError, InvalidDatasetError

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


#: Image names become one fixed-width string array, as wide as the longest name: a single
#: damaged name of 200,000 characters in a 1,000-row file would ask for 763 MiB. Past this
#: size, an array 16 times larger than the names themselves is refused as damage.
MAX_IMAGE_NAME_BYTES = 64 << 20


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


_INT64_MAX = np.iinfo(np.int64).max


def _checked_int64(numbers: np.ndarray, where: str | os.PathLike | None) -> np.ndarray:
    """Frame numbers as int64, refusing any that int64 cannot hold (never wrapping)."""
    if numbers.dtype.kind == "u" and numbers.size and int(numbers.max()) > _INT64_MAX:
        raise FileFormatError(
            where,
            f"the frame number {int(numbers.max())} is too large (at most {_INT64_MAX})",
            "the row labels must be video frame numbers",
        )
    if numbers.dtype.kind == "f":
        finite = numbers[np.isfinite(numbers)]
        if finite.size and float(np.max(np.abs(finite))) > 2.0**53:
            raise FileFormatError(
                where,
                f"the frame number {float(np.max(np.abs(finite))):g} is too large to be exact",
                "the row labels must be video frame numbers",
            )
    return numbers.astype(np.int64)


def _int_index_or_strings(raw: np.ndarray, where: str | os.PathLike | None = None) -> np.ndarray:
    """Frame numbers as int64 when every label is a whole number, else the labels as str."""
    try:
        numbers = pd.to_numeric(pd.Series(raw), errors="raise").to_numpy()
    except (ValueError, TypeError, OverflowError):
        numbers = None
    if numbers is not None:
        if numbers.dtype.kind in "iu":
            return _checked_int64(numbers, where)
        if (
            numbers.dtype.kind == "f"
            and np.all(np.isfinite(numbers))
            and np.all(numbers == np.round(numbers))
        ):
            return _checked_int64(numbers, where)  # "12.0" written by a float index
    return np.array(
        ["" if (isinstance(v, float) and np.isnan(v)) else str(v) for v in raw], dtype=object
    )


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
            _checked_int64(raw, where)
            if raw.dtype.kind in "iu"
            else _int_index_or_strings(raw.astype(object), where)
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
    longest = max((len(p) for p in paths), default=0)
    total = sum(len(p) for p in paths)
    if len(paths) * longest * 4 > MAX_IMAGE_NAME_BYTES and longest * len(paths) > 16 * total:
        raise FileFormatError(
            where,
            f"one image name in the index is {longest} characters long, far longer than the "
            f"others (the names would take {len(paths) * longest * 4 >> 20} MiB as one array)",
            "the index column is damaged; check the first column of the file",
        )
    parsed = [_TRAILING_DIGITS.search(Path(p).name) for p in paths]
    if all(m and len(m.group(1)) <= 18 for m in parsed) and n_rows:  # int64, no overflow
        frames = np.array([int(m.group(1)) for m in parsed if m], dtype=np.int64)
        order = np.argsort(frames, kind="stable")
        if n_rows == 1 or np.all(np.diff(frames[order]) > 0):
            return frames[order], paths[order], order
    return None, paths, np.arange(n_rows)


def _check_no_coordinate_missing(
    individuals: Sequence[str | None],
    bodyparts: Sequence[str],
    coords: Sequence[str],
    where: str | os.PathLike | None,
) -> None:
    """Refuse a keypoint that lacks a coordinate other keypoints have (it would be all-NaN)."""
    every = _ordered_unique(list(coords))
    have: dict[tuple[str | None, str], set[str]] = {}
    for individual, bodypart, coord in zip(individuals, bodyparts, coords, strict=True):
        have.setdefault((individual, bodypart), set()).add(coord)
    for (individual, bodypart), present in have.items():
        missing = [c for c in every if c not in present]
        if missing:
            whose = f"bodypart {bodypart!r}" + (
                f" of individual {individual!r}" if individual is not None else ""
            )
            raise FileFormatError(
                where,
                f"the {whose} has no {missing[0]!r} column, while other bodyparts have one",
                "a column is missing: the file is damaged or was edited; re-export it",
            )


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
    _check_no_coordinate_missing(
        [ind_labels[j] if ind_labels else None for j in range(len(columns))],
        bp_labels,
        coord_labels,
        where,
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
