"""Vector helpers shared by the kinematics modules (xarray in, xarray out)."""

from __future__ import annotations

import warnings
from typing import Any, cast

import numpy as np
import xarray as xr

from movement_like.errors import InvalidArgumentError
from movement_like.utils.reports import report_nan_values

NAN_POLICIES = ("ffill", "scale", "propagate")


# --------------------------------------------------------------------------- #
# small vector helpers (xarray in, xarray out; numpy or dask underneath)
# --------------------------------------------------------------------------- #
def _norm(vectors: xr.DataArray, consume: bool = False) -> xr.DataArray:
    """Euclidean length over ``space``; NaN when any component is NaN.

    With ``consume=True`` a numpy-backed ``vectors`` (a temporary the caller
    owns, never user input) is squared in place, which saves one full-size
    allocation and pass over memory.
    """
    axis = vectors.get_axis_num("space")
    if consume and isinstance(vectors.data, np.ndarray) and vectors.dtype.kind == "f":
        values = vectors.data
        np.multiply(values, values, out=values)
        index: list[slice | int] = [slice(None)] * values.ndim
        components = []
        for i in range(values.shape[axis]):
            index[axis] = i
            components.append(values[tuple(index)])
        total = components[0].copy() if len(components) == 1 else components[0] + components[1]
        for component in components[2:]:
            total += component
        np.sqrt(total, out=total)
        return vectors.isel(space=0, drop=True).copy(data=total)
    squares = vectors.isel(space=0, drop=True) ** 2
    for i in range(1, vectors.sizes["space"]):
        squares = squares + vectors.isel(space=i, drop=True) ** 2
    # numpy's stubs do not model __array_ufunc__: a DataArray in gives a DataArray out
    return cast(xr.DataArray, np.sqrt(squares))


def _along(ndim: int, axis: int, start: int | None, stop: int | None) -> tuple[slice, ...]:
    """Index selecting ``start:stop`` along ``axis`` of an ``ndim``-d array, all of the rest."""
    index = [slice(None)] * ndim
    index[axis] = slice(start, stop)
    return tuple(index)


def _xy(vectors: xr.DataArray) -> tuple[xr.DataArray, xr.DataArray]:
    return vectors.sel(space="x", drop=True), vectors.sel(space="y", drop=True)


def _signed_angle(ux: Any, uy: Any, vx: Any, vy: Any) -> xr.DataArray:
    """Angle turning ``u`` into ``v``, counter-clockwise positive, in (-pi, pi]."""
    angle = np.arctan2(ux * vy - uy * vx, ux * vx + uy * vy)
    return xr.where(angle <= -np.pi, np.pi, angle)


def _unsigned_angle_3d(u: xr.DataArray, v: xr.DataArray) -> xr.DataArray:
    """Unsigned angle between 3-D vectors over ``space`` (x, y, z), in [0, pi].

    ``atan2(|u x v|, u . v)``: accurate for small and near-straight angles,
    and needs no unit vectors. NaN when a component is NaN.
    """
    ux, uy, uz = (u.sel(space=c, drop=True) for c in ("x", "y", "z"))
    vx, vy, vz = (v.sel(space=c, drop=True) for c in ("x", "y", "z"))
    cx = uy * vz - uz * vy
    cy = uz * vx - ux * vz
    cz = ux * vy - uy * vx
    cross = np.sqrt(cx**2 + cy**2 + cz**2)
    dot = ux * vx + uy * vy + uz * vz
    return cast(xr.DataArray, np.arctan2(cross, dot))


def _require_time_points(data: xr.DataArray, count: int, what: str) -> None:
    if data.sizes["time"] < count:
        noun = what.removeprefix("compute_").replace("_", " ")  # movement's wording
        raise InvalidArgumentError(
            f"{what}: At least {count} time points are required to compute {noun}, "
            f"but {data.sizes['time']} were found."
        )


def _warn_about_nan_proportion(data: xr.DataArray, threshold: float, what: str) -> None:
    """Warn (``UserWarning``) about tracks with at least ``threshold`` of their points NaN.

    As ``movement``: a point is NaN when any ``space`` coordinate is; the
    warning lists the tracks concerned with their NaN report.
    """
    threshold = float(threshold)
    if not 0 <= threshold <= 1:
        raise InvalidArgumentError(
            f"{what}: nan_warn_threshold must be between 0 and 1, got {threshold}"
        )
    missing = data.isnull()
    if "space" in missing.dims:
        missing = missing.any("space")
    counts = missing.sum("time")
    flagged = counts >= data.sizes["time"] * threshold
    if not bool(flagged.any()):
        return
    report = report_nan_values(data.where(flagged, 0.0))  # only the flagged tracks
    warnings.warn(
        "The result may be unreliable for point tracks with many missing values. "
        f"The following tracks have at least {threshold * 100:.3} % NaN values:\n{report}",
        UserWarning,
        stacklevel=5,
    )


def _named(result: xr.DataArray, name: str, source: xr.DataArray, **attrs: Any) -> xr.DataArray:
    """Name ``result``, start its attrs from the source's log, add ``attrs``."""
    result.name = name
    result.attrs = {k: v for k, v in source.attrs.items() if k == "log"} | attrs
    return result


def _shift(data: xr.DataArray, steps: int) -> xr.DataArray:
    """``data.shift(time=steps)``, also when ``|steps|`` >= the length (all NaN).

    xarray's shift of a dask array by its whole length fails, so that case is
    built directly.
    """
    if abs(steps) >= data.sizes["time"]:
        return xr.full_like(data, np.nan, dtype=np.result_type(data.dtype, np.float32))
    return data.shift(time=steps)
