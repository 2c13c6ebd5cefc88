"""Edits of label sets: manual corrections over a trace, merges, identity swaps.

* :func:`apply_manual_corrections`: DUSTrack's "dlccorr", manual points win.
* :func:`merge_annotations`: combine two label sets without silent loss, with
  a table of conflicting points and a policy to resolve them.
* :func:`swap_individuals`: fix an identity swap over a time range.

Every function returns a new object and never changes its input.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd
import xarray as xr

from movement_like.annotations._alignment import (
    Data,
    align,
    choose,
    position_of,
    present_points,
    transpose_like,
)
from movement_like.errors import AnnotationConflictError, InvalidArgumentError, InvalidDatasetError
from movement_like.provenance import append_log, log_operation

__all__ = ["MergeResult", "apply_manual_corrections", "merge_annotations", "swap_individuals"]


class MergeResult(NamedTuple):
    """What :func:`merge_annotations` returns: the merged data and the conflict table.

    Attributes
    ----------
    merged
        The merged dataset or data array.
    conflicts
        One row per point the inputs disagree on (empty when they agree).
    """

    merged: Any
    conflicts: pd.DataFrame


@log_operation
def apply_manual_corrections(dense: Data, sparse: Data) -> Data:
    """Overlay sparse manual points on a dense trace (DUSTrack's "Apply manual corrections").

    For every (frame, individual, keypoint), the manual point wins where it is
    present, else the dense value is kept — exactly one frame is replaced per
    correction, with no blending. Frames, individuals and keypoints are the
    union of both inputs (DUSTrack merges label sets the same way).

    Parameters
    ----------
    dense
        The baseline: a dense layer (e.g. DeepLabCut predictions), Dataset or
        ``position`` DataArray.
    sparse
        The manual corrections, same kind as ``dense``.

    Returns
    -------
    xarray.Dataset or xarray.DataArray
        Like ``dense``. For a Dataset every variable with a ``time`` dim
        (``position``, ``confidence``) follows the same per-point choice, so a
        corrected point carries the manual confidence (NaN = unknown). The
        Dataset's ``layer`` attribute becomes ``"dlccorr"``.
    """
    d, s = align(dense, sparse, "outer")
    take_manual = present_points(position_of(s))
    out = transpose_like(choose(take_manual, d, s), dense)
    if isinstance(out, xr.Dataset):
        out.attrs = dict(dense.attrs)
        out.attrs["layer"] = "dlccorr"
        out.attrs.pop("source_file", None)
    return out


def _conflict_table(conflict: xr.DataArray, base: xr.DataArray, new: xr.DataArray) -> pd.DataFrame:
    """One row per conflicting point: where it is and both values."""
    point_dims = [d for d in conflict.dims]
    order = ["time"] + [d for d in point_dims if d != "time"]
    conflict = conflict.transpose(*order)
    hits = np.argwhere(conflict.values)
    space = [str(s) for s in base["space"].values]
    columns: dict[str, Any] = {}
    if "frame" in conflict.coords:
        columns["frame"] = conflict["frame"].values[hits[:, 0]] if len(hits) else []
    columns["time"] = conflict["time"].values[hits[:, 0]] if len(hits) else []
    singular = {
        "individuals": "individual",
        "keypoints": "keypoint",
        "layers": "layer",
        "views": "view",
    }
    for axis, dim in enumerate(order[1:], start=1):
        values = conflict[dim].values if dim in conflict.coords else np.arange(conflict.sizes[dim])
        dim_name = str(dim)
        columns[singular.get(dim_name, dim_name)] = values[hits[:, axis]] if len(hits) else []
    base_v = base.transpose(*order, "space").values
    new_v = new.transpose(*order, "space").values
    index = tuple(hits.T)
    for side, values in (("base", base_v), ("new", new_v)):
        for j, axis_name in enumerate(space):
            columns[f"{side}_{axis_name}"] = values[index + (j,)] if len(hits) else []
    return pd.DataFrame(columns)


def merge_annotations(
    base: Data,
    new: Data,
    on_conflict: Literal["raise", "keep_base", "keep_new"] = "raise",
    tolerance: float = 0.0,
) -> MergeResult:
    """Combine two annotation sets point by point without silent loss.

    Points present in only one input are taken; points present in both with
    the same coordinates (within ``tolerance`` pixels on every axis) are kept
    once (from ``base``); points whose coordinates differ are *conflicts*,
    listed in a table and resolved by ``on_conflict``. Frames, individuals and
    keypoints are the union of both inputs.

    Parameters
    ----------
    base, new
        Datasets (``position`` decides; every variable with a ``time`` dim
        follows the same choice) or ``position`` DataArrays.
    on_conflict
        ``"raise"`` (default): raise :class:`AnnotationConflictError` (its
        ``conflicts`` attribute holds the table) when there is any conflict;
        ``"keep_base"`` / ``"keep_new"``: keep that side's point.
    tolerance
        Largest per-axis difference, in pixels, still counted as identical.

    Returns
    -------
    MergeResult
        ``(merged, conflicts)``: the merged data (like ``base``) and a
        :class:`pandas.DataFrame` with one row per conflict: ``frame`` (when
        known), ``time``, ``individual``, ``keypoint`` (and ``layer``/``view``
        for such dims), then ``base_x, base_y[, base_z], new_x, new_y[, new_z]``.
    """
    if on_conflict not in ("raise", "keep_base", "keep_new"):
        raise InvalidArgumentError(
            f"on_conflict must be 'raise', 'keep_base' or 'keep_new', got {on_conflict!r}"
        )
    if not np.isfinite(tolerance) or tolerance < 0:
        raise InvalidArgumentError(f"tolerance must be a non-negative number, got {tolerance!r}")
    b, n = align(base, new, "outer")
    pos_b, pos_n = position_of(b), position_of(n)
    has_b, has_n = present_points(pos_b), present_points(pos_n)
    both = has_b & has_n
    same = (abs(pos_b - pos_n) <= tolerance).all("space")
    conflict = both & ~same
    table = _conflict_table(conflict, pos_b, pos_n)
    if len(table) and on_conflict == "raise":
        raise AnnotationConflictError(table)
    take_new = has_n & ~has_b
    if on_conflict == "keep_new":
        take_new = take_new | conflict
    merged = transpose_like(choose(take_new, b, n), base)
    merged.attrs = dict(base.attrs)
    append_log(
        merged,
        "merge_annotations",
        {"new": new, "on_conflict": on_conflict, "tolerance": tolerance, "n_conflicts": len(table)},
    )
    return MergeResult(merged, table)


def _time_mask(data: Data, time: slice | None, frames: slice | None) -> xr.DataArray:
    if time is not None and frames is not None:
        raise InvalidArgumentError("give time= or frames=, not both")
    chosen, coord = (time, "time") if frames is None else (frames, "frame")
    if chosen is None:
        return xr.ones_like(data["time"], dtype=bool)
    if not isinstance(chosen, slice) or chosen.step is not None:
        raise InvalidArgumentError(
            f"{coord}= must be a slice(start, stop) without step, got {chosen!r}"
        )
    if coord not in data.coords:
        raise InvalidDatasetError(f"the data has no '{coord}' coordinate")
    values = data[coord]
    mask = xr.ones_like(values, dtype=bool)
    if chosen.start is not None:
        mask = mask & (values >= chosen.start)
    if chosen.stop is not None:
        mask = mask & (values <= chosen.stop)
    return mask


@log_operation
def swap_individuals(
    data: Data,
    a: str,
    b: str,
    time: slice | None = None,
    frames: slice | None = None,
) -> Data:
    """Swap the identities of two individuals over a time range (SLEAP's track swap).

    Parameters
    ----------
    data
        Dataset (every variable with both ``individuals`` and ``time`` dims is
        swapped) or DataArray.
    a, b
        Names of the two individuals.
    time
        ``slice(start, stop)`` of ``time`` values, both ends included (as
        ``.sel``); ``None`` swaps over the whole recording.
    frames
        The same with ``frame`` values instead of ``time``.

    Returns
    -------
    xarray.Dataset or xarray.DataArray
        A copy where, inside the range, what was ``a`` is now ``b`` and the
        reverse. Applying it twice with the same arguments gives the input back.
    """
    if "individuals" not in data.dims:
        raise InvalidDatasetError("the data has no 'individuals' dimension")
    names = [str(n) for n in data["individuals"].values]
    for name in (a, b):
        if name not in names:
            raise InvalidDatasetError(f"no individual {name!r}; the data has {names}")
    mask = _time_mask(data, time, frames)
    order = list(data["individuals"].values)
    ia, ib = names.index(a), names.index(b)
    order[ia], order[ib] = order[ib], order[ia]
    swapped = data.sel(individuals=order).assign_coords(individuals=data["individuals"].values)
    if isinstance(data, xr.DataArray):
        out = xr.where(mask, swapped, data, keep_attrs=True)
        out.name = data.name
        out.attrs = dict(data.attrs)
        return transpose_like(out, data)
    out = data.copy()
    for var_name, var in data.data_vars.items():
        if "individuals" in var.dims and "time" in var.dims:
            chosen = xr.where(mask, swapped[var_name], var)
            chosen.attrs = dict(var.attrs)
            out[var_name] = chosen.transpose(*var.dims)
    return out
