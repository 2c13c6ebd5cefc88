"""Anipose triangulation CSV (``pose-3d/<trial>.csv``), read and written.

Layout (``formats.md`` §3): one header row, no index column; for every
bodypart in the project's order the columns ``<bp>_x, <bp>_y, <bp>_z,
<bp>_error, <bp>_ncams, <bp>_score``; then the alignment matrix ``M_00 … M_22``,
the alignment centre ``center_0 … center_2`` (the same value on every row) and
the frame number ``fnum``.

Keypoints keep the column order (never sorted). Position comes from ``_x, _y,
_z``, confidence from ``_score``; the reprojection error and the number of
cameras are kept as the extra variables ``reprojection_error`` and
``n_cameras`` ``(time, individuals, keypoints)``; ``M`` and ``center`` go to
``attrs["alignment_matrix"]`` / ``attrs["alignment_center"]`` (JSON).
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from movement_like.dataset import frame_numbers, netcdf_safe_attrs, poses_from_numpy, validate_poses
from movement_like.errors import FileFormatError, InvalidDatasetError
from movement_like.io.atomic import atomic_path
from movement_like.io.formats.common import FileHead

__all__ = [
    "from_anipose_file",
    "from_anipose_style_df",
    "to_anipose_style_df",
    "to_anipose_file",
]

SOURCE_SOFTWARE = "Anipose"
DEFAULT_INDIVIDUAL = "individual_0"
_PER_KEYPOINT = ("x", "y", "z", "error", "ncams", "score")
_MATRIX = [f"M_{i}{j}" for i in range(3) for j in range(3)]
_CENTER = [f"center_{i}" for i in range(3)]
_EXTRA_VARIABLES = {"error": "reprojection_error", "ncams": "n_cameras"}


def _keypoints_of(columns: list[str]) -> list[str]:
    """Keypoints in column order: prefixes of the ``_x`` columns that also have ``_y``, ``_z``."""
    names = set(columns)
    return [
        c[:-2]
        for c in columns
        if c.endswith("_x") and f"{c[:-2]}_y" in names and f"{c[:-2]}_z" in names
    ]


def _check_no_column_missing(columns: list[str], where: str | os.PathLike | None) -> None:
    """Refuse a bodypart that lacks one of its columns (it would load all-NaN, or vanish)."""
    names = set(columns)
    bodyparts = list(
        dict.fromkeys(c[:-2] for c in columns if c[-2:] in ("_x", "_y", "_z") and len(c) > 2)
    )
    for suffixes in (("x", "y", "z"), ("score",), ("error",), ("ncams",)):
        having = [b for b in bodyparts if any(f"{b}_{s}" in names for s in suffixes)]
        if not having:
            continue
        for bodypart in bodyparts:
            for suffix in suffixes:
                if f"{bodypart}_{suffix}" not in names:
                    raise FileFormatError(
                        where,
                        f"the bodypart {bodypart!r} has no '{bodypart}_{suffix}' column, while "
                        "other bodyparts have one",
                        "a column is missing: the file is damaged or was edited; re-export it",
                    )


def from_anipose_style_df(
    df: pd.DataFrame,
    fps: float | None = None,
    individual_name: str = DEFAULT_INDIVIDUAL,
    where: str | os.PathLike | None = None,
) -> xr.Dataset:
    """Build a poses dataset from an Anipose-style DataFrame (see the module notes).

    Parameters
    ----------
    df
        One row per frame; ``<bp>_x/_y/_z`` required, ``<bp>_score``,
        ``<bp>_error``, ``<bp>_ncams``, ``fnum``, ``M_..``, ``center_..`` optional.
    fps
        Frames per second; ``time`` is then in seconds.
    individual_name
        Name of the one individual.
    where
        File the frame came from (for error messages and ``source_file``).

    Returns
    -------
    xarray.Dataset
        3D poses; ``frame`` from ``fnum`` (row numbers when absent).
    """
    columns = [str(c) for c in df.columns]
    keypoints = _keypoints_of(columns)
    _check_no_column_missing(columns, where)
    if not keypoints:
        raise FileFormatError(
            where,
            "has no keypoint columns '<bodypart>_x', '_y', '_z'",
            "Anipose triangulation CSVs (pose-3d/*.csv) have them",
        )
    n = len(df)

    def column(name: str) -> np.ndarray:
        if name not in df:
            return np.full(n, np.nan)
        try:
            return pd.to_numeric(df[name], errors="raise").to_numpy(dtype=np.float64)
        except (ValueError, TypeError) as exc:
            raise FileFormatError(where, f"column {name!r} holds non-numbers ({exc})") from exc

    position = np.stack(
        [np.stack([column(f"{k}_{c}") for c in ("x", "y", "z")], axis=-1) for k in keypoints],
        axis=1,
    )[:, None]
    confidence = np.stack([column(f"{k}_score") for k in keypoints], axis=1)[:, None]
    frames = None
    if "fnum" in df:
        fnum = column("fnum")
        if np.any(~np.isfinite(fnum)) or np.any(fnum != np.round(fnum)):
            raise FileFormatError(where, "'fnum' must hold whole frame numbers")
        if n and float(np.max(np.abs(fnum))) > 2.0**53:
            raise FileFormatError(where, "'fnum' holds a frame number too large to be exact")
        frames = fnum.astype(np.int64)
        if n > 1 and np.any(np.diff(frames) <= 0):
            raise FileFormatError(where, "'fnum' must be strictly increasing")
    ds = poses_from_numpy(
        position,
        confidence,
        individual_names=[individual_name],
        keypoint_names=keypoints,
        fps=fps,
        source_software=SOURCE_SOFTWARE,
        frame_array=frames,
    )
    for suffix, variable in _EXTRA_VARIABLES.items():
        if any(f"{k}_{suffix}" in df for k in keypoints):
            values = np.stack([column(f"{k}_{suffix}") for k in keypoints], axis=1)[:, None]
            ds[variable] = (("time", "individuals", "keypoints"), values)
    extra: dict[str, Any] = {}
    if all(c in df for c in _MATRIX) and n:
        extra["alignment_matrix"] = np.array([column(c)[0] for c in _MATRIX]).reshape(3, 3).tolist()
    if all(c in df for c in _CENTER) and n:
        extra["alignment_center"] = [float(column(c)[0]) for c in _CENTER]
    if where is not None:
        extra["source_file"] = os.fspath(where)
    ds.attrs.update(netcdf_safe_attrs(extra))
    return ds


def from_anipose_file(
    path: str | os.PathLike,
    fps: float | None = None,
    individual_name: str = DEFAULT_INDIVIDUAL,
) -> xr.Dataset:
    """Load an Anipose triangulation CSV (``pose-3d/<trial>.csv``).

    Parameters
    ----------
    path
        The CSV written by ``anipose triangulate`` (or ``filter-3d``).
    fps
        Frames per second (not stored); ``time`` is then in seconds.
    individual_name
        Name of the one individual.

    Returns
    -------
    xarray.Dataset
        3D poses, keypoints in column order, confidence from ``_score``, extra
        variables ``reprojection_error`` and ``n_cameras``, ``frame`` from ``fnum``.
    """
    path = Path(path).expanduser()
    try:
        df = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise FileFormatError(path, f"cannot be parsed as a CSV ({exc})") from exc
    return from_anipose_style_df(df, fps=fps, individual_name=individual_name, where=path)


def read(path: str | os.PathLike, fps: float | None = None, **kwargs: Any) -> xr.Dataset:
    """Registry entry point: :func:`from_anipose_file`."""
    return from_anipose_file(path, fps=fps, **kwargs)


def sniff(head: FileHead) -> bool:
    """Whether a CSV has Anipose's header (``fnum`` and ``<bp>_x, _y, _z`` columns)."""
    if head.is_dir or head.is_hdf5:
        return False
    lines = head.lines(1)
    if not lines:
        return False
    columns = next(csv.reader(lines))
    return "fnum" in columns and bool(_keypoints_of(columns))


def to_anipose_style_df(ds: xr.Dataset, individual: str | None = None) -> pd.DataFrame:
    """Convert a 3D poses dataset of one individual to Anipose's column layout.

    Parameters
    ----------
    ds
        3D poses dataset; ``reprojection_error``/``n_cameras`` and the
        ``alignment_*`` attrs are used when present (else NaN / identity / 0).
    individual
        Which individual to write; required when there are several.

    Returns
    -------
    pandas.DataFrame
        Columns ``<bp>_x … <bp>_score`` per keypoint, ``M_00 … M_22``,
        ``center_0 … center_2``, ``fnum``.
    """
    validate_poses(ds)
    if ds.sizes["space"] != 3:
        raise InvalidDatasetError("Anipose files hold 3D poses; this dataset is 2D")
    for dim in ("individuals", "keypoints"):
        if ds.sizes[dim] == 0:
            raise InvalidDatasetError(
                f"the dataset has no {dim}, so there is nothing to write as an Anipose file "
                "(it would hold no keypoint columns and could not be loaded back)"
            )
    if individual is None:
        if ds.sizes["individuals"] != 1:
            raise InvalidDatasetError(
                f"Anipose files hold one individual; pass individual= (one of "
                f"{[str(i) for i in ds['individuals'].values]})"
            )
        individual = str(ds["individuals"].values[0])
    one = ds.sel(individuals=individual)
    # float64 throughout: a float32 written as text would come back as a different float64
    position = one["position"].transpose("time", "keypoints", "space").values.astype(np.float64)
    parts: dict[str, np.ndarray] = {}
    n = position.shape[0]

    def per_keypoint(name: str) -> np.ndarray:
        if name in one:
            return one[name].transpose("time", "keypoints").values.astype(np.float64)
        return np.full(position.shape[:2], np.nan)

    score = one["confidence"].transpose("time", "keypoints").values.astype(np.float64)
    error = per_keypoint("reprojection_error")
    ncams = per_keypoint("n_cameras")
    for k, name in enumerate(str(k) for k in one["keypoints"].values):
        parts[f"{name}_x"] = position[:, k, 0]
        parts[f"{name}_y"] = position[:, k, 1]
        parts[f"{name}_z"] = position[:, k, 2]
        parts[f"{name}_error"] = error[:, k]
        parts[f"{name}_ncams"] = ncams[:, k]
        parts[f"{name}_score"] = score[:, k]
    matrix = np.asarray(_json_attr(ds, "alignment_matrix", np.eye(3).tolist()), dtype=np.float64)
    center = np.asarray(_json_attr(ds, "alignment_center", [0.0, 0.0, 0.0]), dtype=np.float64)
    for name, value in zip(_MATRIX, matrix.ravel(), strict=True):
        parts[name] = np.full(n, value)
    for name, value in zip(_CENTER, center.ravel(), strict=True):
        parts[name] = np.full(n, value)
    parts["fnum"] = frame_numbers(one, "writing an Anipose file")
    return pd.DataFrame(parts)


def _json_attr(ds: xr.Dataset, name: str, default: Any) -> Any:
    raw = ds.attrs.get(name)
    if raw is None:
        return default
    try:
        return json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return default


def to_anipose_file(
    ds: xr.Dataset,
    path: str | os.PathLike,
    overwrite: bool = False,
    individual: str | None = None,
) -> Path:
    """Save a 3D poses dataset as an Anipose triangulation CSV, atomically.

    Parameters
    ----------
    ds
        3D poses dataset (see :func:`to_anipose_style_df`).
    path
        Target ``.csv``.
    overwrite
        Replace an existing file.
    individual
        Which individual to write; required when there are several.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    df = to_anipose_style_df(ds, individual=individual)
    target = Path(path).expanduser()
    with atomic_path(target, overwrite) as tmp:
        df.to_csv(tmp, index=False)
    return target


def write(ds: xr.Dataset, path: str | os.PathLike, overwrite: bool = False, **kwargs: Any) -> Path:
    """Registry entry point: :func:`to_anipose_file`."""
    return to_anipose_file(ds, path, overwrite=overwrite, **kwargs)
