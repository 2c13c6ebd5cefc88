"""Vector helpers on DataArrays: norms, unit vectors, polar coordinates, signed angles.

The same names, arguments and answers as ``movement.utils.vector`` (0.17), so
code written for it runs unchanged. Cartesian vectors lie along a ``space`` dim
(coordinates ``x``, ``y`` and optionally ``z``); polar ones along ``space_pol``
(coordinates ``rho``, ``phi``). Every other dim is carried through in its
place, the arithmetic is whole-array (numpy or dask underneath), and the input
is never modified.
"""

from __future__ import annotations

from typing import Any, NoReturn, cast

import numpy as np
import xarray as xr

from movement_like.errors import ArgumentTypeError, InvalidArgumentError, InvalidDatasetError

__all__ = [
    "compute_norm",
    "convert_to_unit",
    "cart2pol",
    "pol2cart",
    "compute_signed_angle_2d",
]


def _labels(data: xr.DataArray, dim: str) -> list[str]:
    return [str(v) for v in data[dim].values] if dim in data.coords else []


def _require(data: Any, dim: str, labels: list[str], *, exact: bool = False) -> None:
    if not isinstance(data, xr.DataArray):
        raise ArgumentTypeError(f"expected an xarray.DataArray, got {type(data).__name__}")
    if dim not in data.dims:
        raise InvalidDatasetError(
            f"Input data must contain ['{dim}'] as dimensions; the data has dims "
            f"{tuple(map(str, data.dims))}"
        )
    present = _labels(data, dim)
    missing = [label for label in labels if label not in present]
    if missing or (exact and present != labels):
        raise InvalidDatasetError(
            f"Input data must contain {labels} in the '{dim}' coordinates"
            f"{' exactly' if exact else ''}; it has {present}"
        )


def _no_spatial_dim() -> NoReturn:
    raise InvalidDatasetError(
        "Input data array must contain either 'space' or 'space_pol' as dimensions."
    )


def _sum_of_squares(data: xr.DataArray, dim: str) -> xr.DataArray:
    """Sum of the squared components along ``dim``, component by component (no copy of data)."""
    total = data.isel({dim: 0}, drop=True) ** 2
    for i in range(1, data.sizes[dim]):
        total = total + data.isel({dim: i}, drop=True) ** 2
    return total


def compute_norm(data: xr.DataArray) -> xr.DataArray:
    """Length (Euclidean norm) of the vectors along ``space``, or their ``rho``.

    Parameters
    ----------
    data
        Vectors along ``space`` (coordinates include ``x``, ``y``) or along
        ``space_pol`` (``rho``, ``phi``).

    Returns
    -------
    xarray.DataArray
        The dims of ``data`` without the spatial one. NaN where any component
        is NaN.
    """
    if isinstance(data, xr.DataArray) and "space" in data.dims:
        _require(data, "space", ["x", "y"])
        return np.sqrt(_sum_of_squares(data, "space"))  # type: ignore[return-value]
    if isinstance(data, xr.DataArray) and "space_pol" in data.dims:
        _require(data, "space_pol", ["rho", "phi"])
        return data.sel(space_pol="rho", drop=True)
    if not isinstance(data, xr.DataArray):
        raise ArgumentTypeError(f"expected an xarray.DataArray, got {type(data).__name__}")
    _no_spatial_dim()


def convert_to_unit(data: xr.DataArray) -> xr.DataArray:
    """Scale every vector to length 1, keeping its direction.

    Parameters
    ----------
    data
        Vectors along ``space`` or ``space_pol``.

    Returns
    -------
    xarray.DataArray
        Same dims as ``data``. The null vector has no direction: it becomes
        NaN (in polar coordinates both ``rho`` and ``phi``), as do vectors
        with a NaN component.
    """
    if isinstance(data, xr.DataArray) and "space" in data.dims:
        _require(data, "space", ["x", "y"])
        return data / compute_norm(data)
    if isinstance(data, xr.DataArray) and "space_pol" in data.dims:
        _require(data, "space_pol", ["rho", "phi"])
        rho = data.sel(space_pol="rho", drop=True)
        known = rho.notnull() & (rho != 0)
        unit_rho = xr.ones_like(rho).where(known)
        phi = data.sel(space_pol="phi", drop=True).where(known)
        out = xr.concat([unit_rho, phi], dim="space_pol", coords="minimal")
        out = out.assign_coords(space_pol=data["space_pol"].values)
        return out.transpose(*data.dims)
    if not isinstance(data, xr.DataArray):
        raise ArgumentTypeError(f"expected an xarray.DataArray, got {type(data).__name__}")
    _no_spatial_dim()


def cart2pol(data: xr.DataArray) -> xr.DataArray:
    """Cartesian ``(x, y)`` to polar ``(rho, phi)``, along a new ``space_pol`` dim.

    Parameters
    ----------
    data
        Vectors along ``space`` with coordinates ``x`` and ``y``.

    Returns
    -------
    xarray.DataArray
        ``space`` replaced, in its place, by ``space_pol`` with coordinates
        ``rho`` (the length) and ``phi`` (the angle from +x towards +y, in
        radians, in [-pi, pi]). ``phi`` is 0 for the null vector (``rho``
        within 1e-9 of 0), whatever the signs of its zeros.
    """
    _require(data, "space", ["x", "y"])
    x = data.sel(space="x", drop=True)
    y = data.sel(space="y", drop=True)
    rho = cast(xr.DataArray, np.sqrt(x**2 + y**2))
    phi = cast(xr.DataArray, np.arctan2(y, x))
    phi = phi.where(~(abs(rho) <= 1e-9), 0.0)
    out = xr.concat([rho, phi], dim="space_pol", coords="minimal")
    out = out.assign_coords(space_pol=["rho", "phi"])
    dims = ["space_pol" if d == "space" else d for d in data.dims]
    return out.transpose(*dims)


def pol2cart(data: xr.DataArray) -> xr.DataArray:
    """Polar ``(rho, phi)`` to Cartesian ``(x, y)``, along a new ``space`` dim.

    Parameters
    ----------
    data
        Vectors along ``space_pol`` with coordinates ``rho`` and ``phi``
        (radians).

    Returns
    -------
    xarray.DataArray
        ``space_pol`` replaced, in its place, by ``space`` with coordinates
        ``x`` and ``y``.
    """
    _require(data, "space_pol", ["rho", "phi"])
    rho = data.sel(space_pol="rho", drop=True)
    phi = data.sel(space_pol="phi", drop=True)
    out = xr.concat([rho * np.cos(phi), rho * np.sin(phi)], dim="space", coords="minimal")
    out = out.assign_coords(space=["x", "y"])
    dims = ["space" if d == "space_pol" else d for d in data.dims]
    return out.transpose(*dims)


def _as_vectors(v: Any, u: xr.DataArray) -> xr.DataArray:
    """``v`` as a DataArray along ``space`` (and ``time``), broadcastable against ``u``."""
    if isinstance(v, xr.DataArray):
        _require(v, "space", ["x", "y"], exact=True)
        return v
    if not isinstance(v, np.ndarray):
        raise ArgumentTypeError(f"v must be an xarray.DataArray or np.ndarray, but got {type(v)}.")
    array = np.asarray(v, dtype=np.float64).squeeze()
    if array.ndim == 1:
        dims = ["space"]
    elif array.ndim == 2:
        dims = ["time", "space"]
        if "time" not in u.dims or array.shape[0] != u.sizes["time"]:
            raise InvalidArgumentError(
                f"conflicting sizes for dimension 'time': v of shape {array.shape} needs "
                f"one vector per time point of u ({u.sizes.get('time', 0)})"
            )
    else:
        raise InvalidArgumentError(f"v must be 1D or 2D, but got {array.ndim}D.")
    if array.shape[-1] != 2:
        raise InvalidArgumentError(
            f"v must hold 2-D vectors (x, y), got {array.shape[-1]} components"
        )
    coords = {d: u.coords[d] for d in dims if d in u.coords}
    return xr.DataArray(array, dims=dims, coords=coords)


def compute_signed_angle_2d(
    u: xr.DataArray, v: xr.DataArray | np.ndarray, v_as_left_operand: bool = False
) -> xr.DataArray:
    """Signed angle turning ``u`` onto ``v``: counter-clockwise positive, in (-pi, pi].

    ``atan2(u x v, u . v)`` of the unit vectors, so the lengths do not
    matter; a null or NaN vector gives NaN.

    Parameters
    ----------
    u
        2-D vectors along ``space`` (coordinates exactly ``x``, ``y``).
    v
        A DataArray along ``space`` broadcast against ``u`` by dim name, or a
        numpy array of shape ``(2,)`` or ``(1, 2)`` (one vector) or ``(n, 2)``
        (one per time point of ``u``).
    v_as_left_operand
        Return the angle from ``v`` to ``u`` instead (the sign flips; ``pi``
        stays ``pi``).

    Returns
    -------
    xarray.DataArray
        The broadcast dims of ``u`` and ``v`` without ``space``, named
        ``"signed_angle"``.
    """
    _require(u, "space", ["x", "y"], exact=True)
    w = _as_vectors(v, u)
    u_unit = convert_to_unit(u)
    w_unit = convert_to_unit(w)
    ux, uy = u_unit.sel(space="x", drop=True), u_unit.sel(space="y", drop=True)
    vx, vy = w_unit.sel(space="x", drop=True), w_unit.sel(space="y", drop=True)
    cross = ux * vy - uy * vx
    if v_as_left_operand:
        cross = -cross
    angle = cast(xr.DataArray, np.arctan2(cross, ux * vx + uy * vy))
    angle = angle.where(~(angle <= -np.pi), np.pi)
    angle.name = "signed_angle"
    return angle
