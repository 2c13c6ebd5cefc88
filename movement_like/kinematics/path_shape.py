"""The shape of a path: deviation from the straight line, directional change, sinuosity, E_max.

The same names, arguments and answers as ``movement``'s (0.17 and its main
branch), computed by one numpy kernel per measure on the array's memory (a
few passes over the data instead of a chain of whole-array xarray steps),
through :func:`xarray.apply_ufunc` so dask-backed data stays lazy (``time``
in one chunk).
"""

from __future__ import annotations

import warnings
from typing import Any, cast

import numpy as np
import xarray as xr

from movement_like.errors import InvalidArgumentError
from movement_like.kinematics._vectors import (
    _named,
    _require_time_points,
    _warn_about_nan_proportion,
)
from movement_like.kinematics.path import compute_turning_angle
from movement_like.provenance import log_operation
from movement_like.utils.checks import require_2d_or_3d, require_dims
from movement_like.utils.dims import accepts_dim_aliases

__all__ = [
    "compute_path_deviation",
    "compute_directional_change",
    "compute_path_sinuosity",
    "compute_path_emax",
]


def _over_time_and_space(data: xr.DataArray, kernel: Any, **kwargs: Any) -> xr.DataArray:
    """Run ``kernel(array (..., time, space)) -> (..., time)``; dims as ``data`` without space."""
    result = xr.apply_ufunc(
        kernel,
        data,
        input_core_dims=[["time", "space"]],
        output_core_dims=[["time"]],
        kwargs=kwargs,
        dask="parallelized",
        output_dtypes=[np.result_type(data.dtype, np.float32)],
        dask_gufunc_kwargs={"allow_rechunk": True},
    )
    return result.transpose(*[d for d in data.dims if d != "space"])


# --------------------------------------------------------------------------- #
# path deviation
# --------------------------------------------------------------------------- #
def _first_known(array: np.ndarray, *, last: bool) -> np.ndarray:
    """First (or last) non-NaN value along axis -2 of ``(..., time, space)``, per component.

    Only the series whose end sample is NaN are searched; the others take
    the end sample directly, so clean data costs nothing here.
    """
    end = array[..., -1 if last else 0, :]
    found = end.copy()
    gaps = np.isnan(end)
    if gaps.any():
        where = np.nonzero(gaps)
        series = np.moveaxis(array, -2, -1)[where]  # (n_gaps, time)
        known = ~np.isnan(series)
        if last:
            index = series.shape[-1] - 1 - np.argmax(known[:, ::-1], axis=-1)
        else:
            index = np.argmax(known, axis=-1)
        values = series[np.arange(series.shape[0]), index]
        found[where] = np.where(known.any(axis=-1), values, np.nan)
    return found


def _deviation_kernel(array: np.ndarray) -> np.ndarray:
    start = _first_known(array, last=False)  # (..., space)
    chord = _first_known(array, last=True) - start
    length = np.sqrt(np.sum(chord * chord, axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = chord / length[..., None]
    n_space = array.shape[-1]
    if n_space == 2:
        # |(P - A) x u| for 2-D vectors: one fused pass per component
        out = (array[..., 0] - start[..., None, 0]) * unit[..., None, 1]
        out -= (array[..., 1] - start[..., None, 1]) * unit[..., None, 0]
        return np.abs(out, out=out)
    offset = array - start[..., None, :]
    along = np.einsum("...ts,...s->...t", offset, unit)
    offset -= along[..., None] * unit[..., None, :]
    return np.sqrt(np.einsum("...ts,...ts->...t", offset, offset))


@accepts_dim_aliases
@log_operation
def compute_path_deviation(data: xr.DataArray) -> xr.DataArray:
    """Distance of each position from the straight line through the path's ends.

    The line passes through ``A`` and ``B``, the first and last known
    positions of each track (per ``space`` component, as ``movement``); the
    deviation at ``t`` is the length of the part of ``P(t) - A`` that is
    perpendicular to ``B - A``. Works in 2-D and 3-D.

    Parameters
    ----------
    data
        Positions with ``time`` and ``space``.

    Returns
    -------
    xarray.DataArray
        The dims of ``data`` without ``space``, in space units, named
        ``"path_deviation"`` (``long_name`` "Path Deviation"). NaN where the
        position is missing, and for tracks whose ends coincide (with a
        ``UserWarning``).

    Raises
    ------
    ValueError
        With fewer than 2 time points, or when the ends coincide for every
        track (the line is undefined).
    """
    require_dims(data, ["time", "space"], "compute_path_deviation")
    _require_time_points(data, 2, "compute_path_deviation")
    _check_chords(data)
    result = _over_time_and_space(data, _deviation_kernel)
    return _named(result, "path_deviation", data, long_name="Path Deviation")


def _check_chords(data: xr.DataArray) -> None:
    """Raise when every track's ends coincide, warn when some do (as movement)."""
    moved = data.transpose(..., "time", "space")
    array = np.asarray(moved.data) if isinstance(moved.data, np.ndarray) else None
    if array is None:
        filled = moved.ffill("time").bfill("time")
        chord = filled.isel(time=-1) - filled.isel(time=0)
        length = np.sqrt(np.asarray((chord**2).sum("space").values))
    else:
        start = _first_known(array, last=False)
        chord = _first_known(array, last=True) - start
        length = np.sqrt(np.sum(chord * chord, axis=-1))
    degenerate = np.asarray(length) == 0
    if degenerate.size and degenerate.all():
        raise InvalidArgumentError(
            "compute_path_deviation: Path deviation is undefined because the start and end "
            "positions are identical for all tracks."
        )
    if degenerate.any():
        labels = [d for d in moved.dims if d not in ("time", "space")]
        where = np.argwhere(degenerate)
        tracks = [
            tuple(
                moved[d].values[i] if d in moved.coords else i
                for d, i in zip(labels, row, strict=True)
            )
            for row in where
        ]
        warnings.warn(
            "Path deviation is undefined for tracks where the start and end positions are "
            f"identical. The following tracks will return NaN: {tracks}",
            UserWarning,
            stacklevel=5,
        )


# --------------------------------------------------------------------------- #
# directional change
# --------------------------------------------------------------------------- #
def _directional_change_kernel(
    array: np.ndarray, times: np.ndarray, min_step_length: float, in_degrees: bool
) -> np.ndarray:
    x, y = array[..., 0], array[..., 1]
    dx = x[..., 1:] - x[..., :-1]  # step arriving at t (t >= 1)
    dy = y[..., 1:] - y[..., :-1]
    px, py, sx, sy = dx[..., :-1], dy[..., :-1], dx[..., 1:], dy[..., 1:]
    cross = px * sy
    cross -= py * sx
    dot = px * sx
    dot += py * sy
    length2 = dx * dx
    length2 += dy * dy
    if array.shape[-1] == 3:  # |u x v| from all three components; u . v gains the z terms
        z = array[..., 2]
        dz = z[..., 1:] - z[..., :-1]
        pz, sz = dz[..., :-1], dz[..., 1:]
        cross_x = py * sz - pz * sy
        cross_y = pz * sx - px * sz
        cross = np.sqrt(cross_x * cross_x + cross_y * cross_y + cross * cross)
        dot += pz * sz
        length2 += dz * dz
    turn = np.abs(np.arctan2(cross, dot))  # atan2 needs no unit vectors
    # a step no longer than min_step_length has no direction; NaN steps stay NaN
    limit = float(min_step_length) ** 2 if min_step_length > 0 else 0.0
    short = length2 <= limit
    turn[short[..., :-1] | short[..., 1:]] = np.nan
    if in_degrees:
        np.rad2deg(turn, out=turn)
    span = times[2:] - times[:-2]
    turn /= span
    out = np.full(array.shape[:-1], np.nan, dtype=turn.dtype)
    out[..., 2:] = turn
    return out


@accepts_dim_aliases
@log_operation
def compute_directional_change(
    data: xr.DataArray, in_degrees: bool = False, min_step_length: float = 0.0
) -> xr.DataArray:
    """Directional change: the absolute turning angle per unit of time, ``|theta_t| / (t - t_2)``.

    ``theta_t`` is :func:`compute_turning_angle` at ``t`` (the turn between
    the steps ``t-2 -> t-1`` and ``t-1 -> t``) and the time is the span of
    those two steps, so uneven time is handled. The first two samples are NaN.
    In 3-D the turn is the unsigned angle between the steps (see
    :func:`compute_turning_angle`), which is ``|theta|`` already, so the
    measure means the same in 2-D and 3-D.

    Parameters
    ----------
    data
        Positions with ``time`` and ``space`` = x, y or x, y, z.
    in_degrees
        Degrees per time unit instead of radians per time unit.
    min_step_length
        Turns next to a step of at most this length are NaN.

    Returns
    -------
    xarray.DataArray
        The dims of ``data`` without ``space``, named ``"directional_change"``
        (``long_name`` "Directional Change").
    """
    require_dims(data, ["time", "space"], "compute_directional_change")
    n_space = require_2d_or_3d(data, "compute_directional_change")
    _require_time_points(data, 2, "compute_directional_change")
    times = (
        np.asarray(data["time"].values, dtype=np.float64)
        if "time" in data.coords
        else np.arange(data.sizes["time"], dtype=np.float64)
    )
    ordered = data.sel(space=["x", "y", "z"][:n_space])
    result = _over_time_and_space(
        ordered,
        _directional_change_kernel,
        times=times,
        min_step_length=float(min_step_length),
        in_degrees=bool(in_degrees),
    )
    return _named(result, "directional_change", data, long_name="Directional Change")


# --------------------------------------------------------------------------- #
# sinuosity and E_max (turning-angle statistics)
# --------------------------------------------------------------------------- #
def _step_lengths(data: xr.DataArray) -> xr.DataArray:
    steps = data.diff("time")
    return np.sqrt((steps**2).sum("space", skipna=False))  # type: ignore[return-value]


def _mean_cosine(data: xr.DataArray) -> xr.DataArray:
    theta = compute_turning_angle(data)
    return cast(xr.DataArray, np.cos(theta)).mean("time", skipna=True)


@accepts_dim_aliases
@log_operation
def compute_path_sinuosity(data: xr.DataArray, nan_warn_threshold: float = 0.2) -> xr.DataArray:
    """Sinuosity of a path (Benhamou 2004, corrected index, Eq. 8).

    ``S = 2 / sqrt(p * ((1 + c) / (1 - c) + b**2))`` with ``p`` the mean step
    length, ``c`` the mean cosine of the turning angles and ``b`` the
    coefficient of variation of the step lengths (population standard
    deviation / mean). 0 for a straight path; in 1 / sqrt(space unit).

    Parameters
    ----------
    data
        Positions with ``time`` (at least 3 points) and ``space`` = x, y or
        x, y, z. Only ``cos theta`` enters, and the cosine of the unsigned
        3-D turn is the cosine of the signed 2-D one, so 3-D paths need no
        plane.
    nan_warn_threshold
        A ``UserWarning`` lists the tracks with at least this proportion of
        missing points.

    Returns
    -------
    xarray.DataArray
        The dims of ``data`` without ``time`` and ``space``, named
        ``"sinuosity"`` (``long_name`` "Path Sinuosity"). NaN steps and turns
        are left out of the means; a stationary or empty track gives NaN.

    References
    ----------
    Benhamou, S. (2004). How to reliably estimate the tortuosity of an
    animal's path. Journal of Theoretical Biology 229(2), 209-220.
    """
    require_dims(data, ["time", "space"], "compute_path_sinuosity")
    _require_time_points(data, 3, "compute_path_sinuosity")
    _warn_about_nan_proportion(data, nan_warn_threshold, "compute_path_sinuosity")
    lengths = _step_lengths(data)
    mean_length = lengths.mean("time", skipna=True)
    variation = lengths.std("time", skipna=True) / mean_length
    cosine = _mean_cosine(data)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = 2.0 * (mean_length * ((1.0 + cosine) / (1.0 - cosine) + variation**2)) ** -0.5
    return _named(result, "sinuosity", data, long_name="Path Sinuosity")


@accepts_dim_aliases
@log_operation
def compute_path_emax(
    data: xr.DataArray, in_spatial_units: bool = True, nan_warn_threshold: float = 0.2
) -> xr.DataArray:
    """Maximum expected displacement ``E_max`` (Cheung et al. 2007).

    ``E_max_a = c / (1 - c)`` with ``c`` the mean cosine of the turning
    angles (dimensionless); ``E_max_b = p * E_max_a`` with ``p`` the mean
    step length (space units). Large for persistent paths, +inf for a
    straight one, near 0 for sinuous ones.

    Parameters
    ----------
    data
        Positions with ``time`` (at least 3 points) and ``space`` = x, y or
        x, y, z. Only ``cos theta`` enters, and the cosine of the unsigned
        3-D turn is the cosine of the signed 2-D one, so 3-D paths need no
        plane.
    in_spatial_units
        ``True`` (default): ``E_max_b``; ``False``: ``E_max_a``.
    nan_warn_threshold
        A ``UserWarning`` lists the tracks with at least this proportion of
        missing points.

    Returns
    -------
    xarray.DataArray
        The dims of ``data`` without ``time`` and ``space``, named
        ``"maximum_expected_displacement"`` (``long_name`` "Maximum Expected
        Displacement"). NaN turns and steps are left out of the means.

    References
    ----------
    Cheung, A., Zhang, S., Stricker, C. & Srinivasan, M. V. (2007). Animal
    navigation: the difficulty of moving in a straight line. Biological
    Cybernetics 97(1), 47-61.
    """
    require_dims(data, ["time", "space"], "compute_path_emax")
    _require_time_points(data, 3, "compute_path_emax")
    _warn_about_nan_proportion(data, nan_warn_threshold, "compute_path_emax")
    cosine = _mean_cosine(data)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = cosine / (1 - cosine)
    if in_spatial_units:
        result = result * _step_lengths(data).mean("time", skipna=True)
    return _named(
        result,
        "maximum_expected_displacement",
        data,
        long_name="Maximum Expected Displacement",
    )
