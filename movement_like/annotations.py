"""Editing annotations as pure functions: corrections, merges, identity swaps, occupancy.

These are the edits DUSTrack and SLEAP users make on label sets, written for
our datasets (manual layers, prediction layers, whole multi-layer datasets
alike). Every function returns a new object and never changes its input; axes
are found by name, extra dimensions (``layers``, ``views``) are carried
through.

A *point* is one ``(time, individual, keypoint)`` position; it is *present*
when all its spatial coordinates are finite. Two inputs are matched on their
``frame`` coordinate when both have one (else on ``time``), and on individual
and keypoint names.

* :func:`apply_manual_corrections` — DUSTrack's "dlccorr": manual points win.
* :func:`merge_annotations` — combine two label sets without silent loss,
  with a table of conflicting points and a policy to resolve them.
* :func:`swap_individuals` — fix an identity swap over a time range.
* :func:`track_occupancy`, :func:`annotated_frames`, :func:`complete_frames`,
  :func:`incomplete_frames` — which points exist where.
* :func:`inter_layer_error` — distance and RMSE between two layers.
* :func:`frames_of_interest`, :func:`set_frames_of_interest` — a frame list
  stored on the dataset as a netCDF-safe attribute.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Literal, NamedTuple, TypeVar, cast

import numpy as np
import pandas as pd
import xarray as xr

from movement_like.errors import AnnotationConflictError, InvalidDatasetError
from movement_like.provenance import append_log, log_operation

__all__ = [
    "AnnotationConflictError",
    "MergeResult",
    "apply_manual_corrections",
    "merge_annotations",
    "swap_individuals",
    "track_occupancy",
    "annotated_frames",
    "complete_frames",
    "incomplete_frames",
    "inter_layer_error",
    "frames_of_interest",
    "frames_of_interest_mask",
    "set_frames_of_interest",
]

Data = TypeVar("Data", xr.Dataset, xr.DataArray)
FOI_ATTR = "frames_of_interest"


class MergeResult(NamedTuple):
    """What :func:`merge_annotations` returns: the merged data and the conflict table."""

    merged: Any
    conflicts: pd.DataFrame


# --------------------------------------------------------------------------- #
# shared helpers
# --------------------------------------------------------------------------- #
def _position(data: xr.Dataset | xr.DataArray) -> xr.DataArray:
    if isinstance(data, xr.Dataset):
        if "position" not in data.data_vars:
            raise InvalidDatasetError("the dataset has no 'position' variable")
        return data["position"]
    if not isinstance(data, xr.DataArray):
        raise InvalidDatasetError(
            f"expected an xarray Dataset or DataArray, got {type(data).__name__}"
        )
    return data


def _check_dims(position: xr.DataArray, needed: Sequence[str] = ("time", "space")) -> None:
    missing = [d for d in needed if d not in position.dims]
    if missing:
        raise InvalidDatasetError(
            f"position needs the dims {tuple(needed)}; it has {position.dims} (missing {missing})"
        )


def _present(position: xr.DataArray) -> xr.DataArray:
    """Return whether each point exists: all its spatial coordinates are finite."""
    _check_dims(position)
    # numpy's stubs do not model __array_ufunc__: a DataArray in gives a DataArray out
    return cast(xr.DataArray, np.isfinite(position)).all("space")


def _frames(obj: xr.Dataset | xr.DataArray) -> np.ndarray:
    """Return the ``frame`` values along ``time`` (``time`` values when there is no frame)."""
    if "frame" in obj.coords and obj["frame"].dims == ("time",):
        return np.asarray(obj["frame"].values)
    return np.asarray(obj["time"].values)


def _ordered_union(first: Iterable[Any], second: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys([*first, *second]))


def _ordered_intersection(first: Iterable[Any], second: Iterable[Any]) -> list[Any]:
    kept = set(second)
    return [v for v in dict.fromkeys(first) if v in kept]


def _align(a: Data, b: Data, join: Literal["outer", "inner"]) -> tuple[Data, Data]:
    """Put ``a`` and ``b`` on the same frames, individuals and keypoints.

    Frames come out ascending; names keep the order of ``a`` then the new ones of
    ``b`` (outer) or the order of ``a`` (inner). Time stays in the units of
    ``a``: a frame of ``a`` keeps its time, a new frame gets one in ``a``'s
    units (see :func:`_time_of_frames`). Coordinates along the name dims (such
    as ``keypoint_name``) are filled from ``a``, then ``b``.
    """
    a_has = "frame" in a.coords and a["frame"].dims == ("time",)
    b_has = "frame" in b.coords and b["frame"].dims == ("time",)
    if a_has != b_has:
        raise InvalidDatasetError(
            "one input has a 'frame' coordinate and the other not; they cannot be matched"
        )
    if a_has:
        a2, b2 = a.swap_dims(time="frame"), b.swap_dims(time="frame")
        dim = "frame"
    else:
        a2, b2 = a, b
        dim = "time"
    combine = _ordered_union if join == "outer" else _ordered_intersection
    names = {
        d: combine(a2[d].values.tolist(), b2[d].values.tolist())
        for d in ("individuals", "keypoints", "layers", "views")
        if d in a2.dims and d in b2.dims
    }
    a2, b2 = xr.align(a2, b2, join=join, exclude=list(names))
    a2, b2 = a2.reindex(names), b2.reindex(names)
    a2 = a2.sortby(dim)
    b2 = b2.sortby(dim)
    shared = _name_coords(a, b, names)
    a2, b2 = a2.assign_coords(shared), b2.assign_coords(shared)
    if dim == "frame":
        time = ("frame", _time_of_frames(a, b, a2["frame"].values))
        a2 = a2.assign_coords(time=time).swap_dims(frame="time")
        b2 = b2.assign_coords(time=time).swap_dims(frame="time")
        a2 = a2.assign_coords(frame=("time", a2["frame"].values.astype(np.int64)))
        b2 = b2.assign_coords(frame=("time", b2["frame"].values.astype(np.int64)))
    return a2, b2


def _name_coords(a: Data, b: Data, names: dict[str, list[Any]]) -> dict[str, Any]:
    """Coordinates along a name dim (e.g. ``keypoint_name``), filled from ``a`` then ``b``."""
    coords: dict[str, Any] = {}
    for source in (a, b):
        for cname, coord in source.coords.items():
            if cname in coords or cname in names or len(coord.dims) != 1:
                continue
            dim = coord.dims[0]
            if dim not in names:
                continue
            maps = [
                dict(zip(o[dim].values.tolist(), o[cname].values.tolist(), strict=True))
                for o in (a, b)
                if cname in o.coords and o[cname].dims == (dim,)
            ]
            textual = coord.dtype.kind in "USO"
            values = []
            for name in names[dim]:
                found = next((m[name] for m in maps if name in m), None)
                values.append(found if found is not None else (str(name) if textual else np.nan))
            coords[str(cname)] = (dim, np.array(values, dtype=coord.dtype if textual else None))
    return coords


def _time_of_frames(a: Data, b: Data, frames: np.ndarray) -> np.ndarray:
    """Time values for ``frames``: ``a``'s own, else in ``a``'s units (fps or its time/frame)."""
    known = dict(zip(a["frame"].values.tolist(), a["time"].values.tolist(), strict=True))
    a_frames = np.asarray(a["frame"].values, dtype=np.float64)
    a_times = np.asarray(a["time"].values, dtype=np.float64)
    if a.attrs.get("time_unit") == "seconds" and "fps" in a.attrs:
        convert = lambda f: f / float(a.attrs["fps"])  # noqa: E731
    elif np.array_equal(a_frames, a_times) or a_frames.size == 0:
        convert = float
    elif a_frames.size >= 2:
        slope = (a_times[-1] - a_times[0]) / (a_frames[-1] - a_frames[0])
        convert = lambda f: a_times[0] + (f - a_frames[0]) * slope  # noqa: E731
    else:  # one point in seconds and no fps: take b's time for the others
        other = dict(zip(b["frame"].values.tolist(), b["time"].values.tolist(), strict=True))
        convert = lambda f: other.get(int(f), np.nan)  # noqa: E731
    values = np.array([known[f] if f in known else convert(f) for f in frames.tolist()])
    if a["time"].dtype.kind in "iu" and np.all(values == np.round(values)):
        return values.astype(a["time"].dtype)
    return values.astype(np.float64)


def _transpose_like(result: Data, like: Data) -> Data:
    if isinstance(result, xr.DataArray):
        order = [d for d in like.dims if d in result.dims]
        return result.transpose(*order, ...)
    out = result.copy()
    for name in out.data_vars:
        if name in like.data_vars:
            order = [d for d in like[name].dims if d in out[name].dims]
            out[name] = out[name].transpose(*order, ...)
    return out


def _choose(take_second: xr.DataArray, first: Data, second: Data) -> Data:
    """Per point, the value of ``second`` where ``take_second`` else the one of ``first``."""
    if isinstance(first, xr.DataArray):
        out = xr.where(take_second, second, first, keep_attrs=True)
        out.attrs = dict(first.attrs)
        out.name = first.name
        return out
    out = first.copy()
    for name, var in first.data_vars.items():
        if name not in second.data_vars:
            continue
        mask_dims = [d for d in take_second.dims if d in var.dims]
        if "time" not in var.dims or not mask_dims:
            continue
        extra = [d for d in take_second.dims if d not in var.dims]
        mask = take_second.any(extra) if extra else take_second
        chosen = xr.where(mask, second[name], var)
        chosen.attrs = dict(var.attrs)
        out[name] = chosen
    return out


# --------------------------------------------------------------------------- #
# DUSTrack's dlccorr
# --------------------------------------------------------------------------- #
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
    d, s = _align(dense, sparse, "outer")
    take_manual = _present(_position(s))
    out = _transpose_like(_choose(take_manual, d, s), dense)
    if isinstance(out, xr.Dataset):
        out.attrs = dict(dense.attrs)
        out.attrs["layer"] = "dlccorr"
        out.attrs.pop("source_file", None)
    return out


# --------------------------------------------------------------------------- #
# merging two label sets
# --------------------------------------------------------------------------- #
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
        raise ValueError(
            f"on_conflict must be 'raise', 'keep_base' or 'keep_new', got {on_conflict!r}"
        )
    if not np.isfinite(tolerance) or tolerance < 0:
        raise ValueError(f"tolerance must be a non-negative number, got {tolerance!r}")
    b, n = _align(base, new, "outer")
    pos_b, pos_n = _position(b), _position(n)
    has_b, has_n = _present(pos_b), _present(pos_n)
    both = has_b & has_n
    same = (abs(pos_b - pos_n) <= tolerance).all("space")
    conflict = both & ~same
    table = _conflict_table(conflict, pos_b, pos_n)
    if len(table) and on_conflict == "raise":
        raise AnnotationConflictError(table)
    take_new = has_n & ~has_b
    if on_conflict == "keep_new":
        take_new = take_new | conflict
    merged = _transpose_like(_choose(take_new, b, n), base)
    merged.attrs = dict(base.attrs)
    append_log(
        merged,
        "merge_annotations",
        {"new": new, "on_conflict": on_conflict, "tolerance": tolerance, "n_conflicts": len(table)},
    )
    return MergeResult(merged, table)


# --------------------------------------------------------------------------- #
# identity swaps
# --------------------------------------------------------------------------- #
def _time_mask(data: Data, time: slice | None, frames: slice | None) -> xr.DataArray:
    if time is not None and frames is not None:
        raise ValueError("give time= or frames=, not both")
    chosen, coord = (time, "time") if frames is None else (frames, "frame")
    if chosen is None:
        return xr.ones_like(data["time"], dtype=bool)
    if not isinstance(chosen, slice) or chosen.step is not None:
        raise ValueError(f"{coord}= must be a slice(start, stop) without step, got {chosen!r}")
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
        return _transpose_like(out, data)
    out = data.copy()
    for var_name, var in data.data_vars.items():
        if "individuals" in var.dims and "time" in var.dims:
            chosen = xr.where(mask, swapped[var_name], var)
            chosen.attrs = dict(var.attrs)
            out[var_name] = chosen.transpose(*var.dims)
    return out


# --------------------------------------------------------------------------- #
# which points exist where
# --------------------------------------------------------------------------- #
@log_operation
def track_occupancy(data: xr.Dataset | xr.DataArray) -> xr.Dataset:
    """Which individuals and keypoints have data on which frames, and how often.

    Parameters
    ----------
    data
        A poses Dataset or its ``position`` DataArray (extra dims are kept).

    Returns
    -------
    xarray.Dataset
        ``occupied`` (bool, per point: present or not), ``frames_per_keypoint``
        (number of frames each individual's keypoint is present),
        ``frames_per_individual`` (frames with at least one keypoint of that
        individual), ``keypoints_per_frame`` (present keypoints of each
        individual on each frame), ``individuals_per_frame`` (individuals with
        at least one keypoint on each frame).
    """
    position = _position(data)
    _check_dims(position, ("time", "individuals", "keypoints", "space"))
    occupied = _present(position)
    per_individual = occupied.any("keypoints")
    out = xr.Dataset(
        {
            "occupied": occupied,
            "frames_per_keypoint": occupied.sum("time"),
            "frames_per_individual": per_individual.sum("time"),
            "keypoints_per_frame": occupied.sum("keypoints"),
            "individuals_per_frame": per_individual.sum("individuals"),
        }
    )
    out.attrs = {"log": data.attrs.get("log", "[]")}
    return out


def _point_mask(
    data: xr.Dataset | xr.DataArray,
    keypoints: str | Sequence[str] | None,
    individuals: str | Sequence[str] | None,
) -> xr.DataArray:
    present = _present(_position(data))
    for dim, chosen in (("keypoints", keypoints), ("individuals", individuals)):
        if chosen is None:
            continue
        wanted = [chosen] if isinstance(chosen, str) else list(chosen)
        available = [str(v) for v in present[dim].values]
        missing = [w for w in wanted if w not in available]
        if missing:
            raise InvalidDatasetError(f"no {dim} {missing}; the data has {available}")
        present = present.sel({dim: wanted})
    return present


def _frames_where(data: xr.Dataset | xr.DataArray, mask: xr.DataArray) -> np.ndarray:
    return _frames(data)[np.asarray(mask.values, dtype=bool)]


def annotated_frames(
    data: xr.Dataset | xr.DataArray,
    keypoints: str | Sequence[str] | None = None,
    individuals: str | Sequence[str] | None = None,
) -> np.ndarray:
    """Frames on which any of the chosen points is present.

    Parameters
    ----------
    data
        Dataset or ``position`` DataArray.
    keypoints, individuals
        A name or a list of names; all by default. Extra dims (``layers``) are
        reduced too: select one layer first to ask about that layer.

    Returns
    -------
    numpy.ndarray
        The ``frame`` values (``time`` values when there is no ``frame``),
        ascending.
    """
    present = _point_mask(data, keypoints, individuals)
    return _frames_where(data, present.any([d for d in present.dims if d != "time"]))


def complete_frames(
    data: xr.Dataset | xr.DataArray,
    keypoints: str | Sequence[str] | None = None,
    individuals: str | Sequence[str] | None = None,
) -> np.ndarray:
    """Frames on which every chosen point is present (DUSTrack's ``frames_overlapping``).

    Same parameters and return value as :func:`annotated_frames`.
    """
    present = _point_mask(data, keypoints, individuals)
    return _frames_where(data, present.all([d for d in present.dims if d != "time"]))


def incomplete_frames(
    data: xr.Dataset | xr.DataArray,
    keypoints: str | Sequence[str] | None = None,
    individuals: str | Sequence[str] | None = None,
) -> np.ndarray:
    """Annotated frames missing at least one chosen point (dropped before DLC training).

    Same parameters and return value as :func:`annotated_frames`.
    """
    present = _point_mask(data, keypoints, individuals)
    others = [d for d in present.dims if d != "time"]
    return _frames_where(data, present.any(others) & ~present.all(others))


# --------------------------------------------------------------------------- #
# comparing layers
# --------------------------------------------------------------------------- #
@log_operation
def inter_layer_error(a: xr.Dataset | xr.DataArray, b: xr.Dataset | xr.DataArray) -> xr.Dataset:
    """Per-frame distance and RMSE between two layers on their shared frames.

    Parameters
    ----------
    a, b
        Two layers (Datasets or ``position`` DataArrays), e.g. a manual layer
        and a DeepLabCut prediction layer; matched on frames, individuals and
        keypoints (only those in both are compared).

    Returns
    -------
    xarray.Dataset
        ``distance`` (Euclidean, per shared frame and point; NaN where either
        point is missing), ``n_shared`` (frames where both have the point),
        ``rmse`` (root-mean-square distance over those frames, per individual
        and keypoint; NaN when none are shared) and ``rmse_overall`` (over all
        shared points).
    """
    pa, pb = _align(_position(a), _position(b), "inner")
    _check_dims(pa)
    # numpy's stubs do not model __array_ufunc__: a DataArray in gives a DataArray out
    distance = cast(xr.DataArray, np.sqrt(((pa - pb) ** 2).sum("space", skipna=False)))
    distance.name = "distance"
    distance.attrs = {}
    shared = distance.notnull()
    squared = distance**2
    n_shared = shared.sum("time")
    rmse = np.sqrt(squared.sum("time") / n_shared.where(n_shared > 0))
    total = int(shared.sum())
    overall = float(np.sqrt(squared.sum() / total)) if total else float("nan")
    out = xr.Dataset(
        {
            "distance": distance,
            "n_shared": n_shared,
            "rmse": rmse,
            "rmse_overall": ((), overall),
        }
    )
    out.attrs = {"log": a.attrs.get("log", "[]")}
    return out


# --------------------------------------------------------------------------- #
# frames of interest
# --------------------------------------------------------------------------- #
def frames_of_interest(data: xr.Dataset | xr.DataArray) -> list[int]:
    """Return the frames of interest stored on ``data`` (``[]`` when none)."""
    text = data.attrs.get(FOI_ATTR)
    if text is None:
        return []
    try:
        values = json.loads(text) if isinstance(text, str) else list(np.atleast_1d(text))
    except json.JSONDecodeError as exc:
        raise InvalidDatasetError(
            f"attrs[{FOI_ATTR!r}] is not a JSON list of frame numbers: {text!r}"
        ) from exc
    return [int(v) for v in values]


def frames_of_interest_mask(data: xr.Dataset | xr.DataArray) -> xr.DataArray:
    """Boolean mask along ``time``: whether each frame is a frame of interest."""
    wanted = np.array(frames_of_interest(data), dtype=np.int64)
    mask = np.isin(_frames(data), wanted)
    return xr.DataArray(
        mask, dims=("time",), coords={"time": data["time"]}, name="frames_of_interest"
    )


@log_operation
def set_frames_of_interest(
    data: Data,
    frames: Iterable[int],
    mode: Literal["replace", "add", "remove"] = "replace",
) -> Data:
    """Store a list of frames of interest on a copy of ``data``.

    The list is kept sorted and unique, as a JSON string in
    ``attrs["frames_of_interest"]``, so it survives a netCDF round trip
    unchanged (netCDF attributes cannot hold empty or one-element lists
    faithfully).

    Parameters
    ----------
    data
        Dataset or DataArray.
    frames
        Video frame numbers (non-negative integers).
    mode
        ``"replace"`` the stored list, ``"add"`` to it, or ``"remove"`` from it.

    Returns
    -------
    xarray.Dataset or xarray.DataArray
        A shallow copy with the new list.
    """
    if mode not in ("replace", "add", "remove"):
        raise ValueError(f"mode must be 'replace', 'add' or 'remove', got {mode!r}")
    given = []
    for value in frames:
        if isinstance(value, (bool, np.bool_)) or not float(value).is_integer() or value < 0:
            raise ValueError(f"frames of interest must be non-negative integers, got {value!r}")
        given.append(int(value))
    current = set(frames_of_interest(data))
    if mode == "replace":
        chosen = set(given)
    elif mode == "add":
        chosen = current | set(given)
    else:
        chosen = current - set(given)
    out = data.copy()
    out.attrs = dict(data.attrs)
    out.attrs[FOI_ATTR] = json.dumps(sorted(chosen))
    return out
