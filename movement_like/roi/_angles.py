"""Signed angles between 2-D vectors, with ``movement``'s conventions.

A private copy for the regions of interest: ``movement_like.utils.vector`` (being
written alongside) will offer the public ``compute_signed_angle_2d``; after both
land, this module should call it instead.

The signed angle from ``u`` to ``v`` is the rotation that brings ``u`` onto
``v``: ``arctan2(u × v, u · v)`` of the unit vectors, in (-π, π] (-π is
reported as π). A null vector has no direction, so its angles are NaN.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from movement_like.errors import ArgumentTypeError, InvalidArgumentError

__all__ = ["signed_angle_2d", "as_space_vector"]


def _require_xy(data: xr.DataArray, what: str) -> None:
    if "space" not in data.dims or "space" not in data.coords:
        raise InvalidArgumentError(
            f"{what} needs a 'space' dim labelled ['x', 'y']; it has dims {tuple(data.dims)}"
        )
    labels = [str(v) for v in data["space"].values]
    if labels != ["x", "y"]:
        raise InvalidArgumentError(
            f"{what} is only defined in 2-D: 'space' must be exactly ['x', 'y'], found {labels}"
        )


def as_space_vector(vector: Any, like: xr.DataArray) -> xr.DataArray:
    """Turn a reference vector into a DataArray that broadcasts against ``like``.

    Parameters
    ----------
    vector
        A DataArray with ``space`` = [x, y], or a numpy array of shape (2,),
        (1, 2) or (n, 2) (n vectors along ``time``).
    like
        The vectors it will be compared with (its ``space`` and ``time``
        coordinates are borrowed).

    Returns
    -------
    xarray.DataArray
        The vector(s), with dims ``("space",)`` or ``("time", "space")``.

    Raises
    ------
    InvalidArgumentError
        If a numpy vector has more than two dims (after dropping length-1 axes).
    ArgumentTypeError
        If ``vector`` is neither a DataArray nor a numpy array.
    """
    if isinstance(vector, xr.DataArray):
        return vector
    if not isinstance(vector, np.ndarray):
        raise ArgumentTypeError(
            f"a reference vector must be an xarray.DataArray or np.ndarray, got {type(vector)}"
        )
    values = vector.squeeze()
    if values.ndim == 1:
        dims: tuple[str, ...] = ("space",)
    elif values.ndim == 2:
        dims = ("time", "space")
    else:
        raise InvalidArgumentError(f"v must be 1D or 2D, but got {values.ndim}D.")
    coords = {d: like.coords[d] for d in dims if d in like.coords}
    return xr.DataArray(values, dims=dims, coords=coords)


def _unit(data: xr.DataArray) -> xr.DataArray:
    norm = np.sqrt((data * data).sum("space", skipna=False))
    return data / norm


def signed_angle_2d(u: xr.DataArray, v: Any) -> xr.DataArray:
    """Compute the signed angle from ``u`` to ``v``, in radians, in (-π, π].

    Parameters
    ----------
    u
        2-D vectors with a ``space`` dim labelled ``["x", "y"]``.
    v
        A vector or vectors to compare with: see :func:`as_space_vector`.

    Returns
    -------
    xarray.DataArray
        Named ``"signed_angle"``, with the dims of ``u`` (and ``v``) except
        ``space``; NaN where either vector is null or missing.
    """
    _require_xy(u, "the signed angle")
    v = as_space_vector(v, u)
    _require_xy(v, "the signed angle")
    u, v = _unit(u), _unit(v)
    ux, uy = u.sel(space="x", drop=True), u.sel(space="y", drop=True)
    vx, vy = v.sel(space="x", drop=True), v.sel(space="y", drop=True)
    angles = np.arctan2(ux * vy - uy * vx, ux * vx + uy * vy)
    angles = angles.where(~(angles <= -np.pi), np.pi)  # NaN stays NaN
    angles.name = "signed_angle"
    return angles
