"""What the annotation functions share: what a present point is, and how two inputs are matched.

A *point* is one ``(time, individual, keypoint)`` position; it is *present*
when all its spatial coordinates are finite. Two inputs are matched on their
``frame`` coordinate when both have one (else on ``time``), and on individual
and keypoint names. Package-internal: the functions users call are in the
modules beside this one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal, TypeVar, cast

import numpy as np
import xarray as xr

from movement_like.errors import InvalidDatasetError

Data = TypeVar("Data", xr.Dataset, xr.DataArray)


def position_of(data: xr.Dataset | xr.DataArray) -> xr.DataArray:
    if isinstance(data, xr.Dataset):
        if "position" not in data.data_vars:
            raise InvalidDatasetError("the dataset has no 'position' variable")
        return data["position"]
    if not isinstance(data, xr.DataArray):
        raise InvalidDatasetError(
            f"expected an xarray Dataset or DataArray, got {type(data).__name__}"
        )
    return data


def check_dims(position: xr.DataArray, needed: Sequence[str] = ("time", "space")) -> None:
    missing = [d for d in needed if d not in position.dims]
    if missing:
        raise InvalidDatasetError(
            f"position needs the dims {tuple(needed)}; it has {position.dims} (missing {missing})"
        )


def present_points(position: xr.DataArray) -> xr.DataArray:
    """Return whether each point exists: all its spatial coordinates are finite."""
    check_dims(position)
    # numpy's stubs do not model __array_ufunc__: a DataArray in gives a DataArray out
    return cast(xr.DataArray, np.isfinite(position)).all("space")


def frame_values(obj: xr.Dataset | xr.DataArray) -> np.ndarray:
    """Return the ``frame`` values along ``time`` (``time`` values when there is no frame)."""
    if "frame" in obj.coords and obj["frame"].dims == ("time",):
        return np.asarray(obj["frame"].values)
    return np.asarray(obj["time"].values)


def ordered_union(first: Iterable[Any], second: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys([*first, *second]))


def ordered_intersection(first: Iterable[Any], second: Iterable[Any]) -> list[Any]:
    kept = set(second)
    return [v for v in dict.fromkeys(first) if v in kept]


def align(a: Data, b: Data, join: Literal["outer", "inner"]) -> tuple[Data, Data]:
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
    combine = ordered_union if join == "outer" else ordered_intersection
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


def transpose_like(result: Data, like: Data) -> Data:
    if isinstance(result, xr.DataArray):
        order = [d for d in like.dims if d in result.dims]
        return result.transpose(*order, ...)
    out = result.copy()
    for name in out.data_vars:
        if name in like.data_vars:
            order = [d for d in like[name].dims if d in out[name].dims]
            out[name] = out[name].transpose(*order, ...)
    return out


def choose(take_second: xr.DataArray, first: Data, second: Data) -> Data:
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
