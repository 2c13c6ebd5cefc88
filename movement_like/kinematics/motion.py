"""Derivatives of position over time: displacement, velocity, acceleration, speed.

Derivatives use the ``time`` coordinate, so uneven or sparse time stamps give
correct rates (per second when the frame rate is known, else per frame).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from movement_like.errors import ArgumentTypeError, InvalidArgumentError
from movement_like.kinematics._vectors import (
    _along,
    _named,
    _norm,
    _require_time_points,
    _shift,
)
from movement_like.provenance import log_operation
from movement_like.utils.along_time import map_along_time, time_values
from movement_like.utils.checks import is_whole_number, require_dims
from movement_like.utils.dims import accepts_dim_aliases


# --------------------------------------------------------------------------- #
# derivatives
# --------------------------------------------------------------------------- #
def _uneven_gradient(array: np.ndarray, axis: int, times: np.ndarray) -> np.ndarray:
    """numpy.gradient's formula for uneven spacing, applied whatever the spacing.

    The same arithmetic, in the same order, as :func:`numpy.gradient` with a
    coordinate array whose steps are not all equal (``edge_order=1``), so
    results are bitwise equal to it; used on dask blocks, whose few time
    stamps may happen to be evenly spaced when the whole series is not.
    """
    # like numpy.gradient: float input keeps its precision, anything else becomes float64
    out = np.empty_like(array, dtype=array.dtype if array.dtype.kind == "f" else np.float64)
    steps = np.diff(times)
    shape = [1] * array.ndim
    shape[axis] = -1

    def along(start: int | None, stop: int | None) -> tuple[slice, ...]:
        return _along(array.ndim, axis, start, stop)

    if array.shape[axis] > 2:
        dx1, dx2 = steps[:-1], steps[1:]
        a = (-(dx2) / (dx1 * (dx1 + dx2))).reshape(shape)
        b = ((dx2 - dx1) / (dx1 * dx2)).reshape(shape)
        c = (dx1 / (dx2 * (dx1 + dx2))).reshape(shape)
        out[along(1, -1)] = (
            a * array[along(None, -2)] + b * array[along(1, -1)] + c * array[along(2, None)]
        )
    out[along(0, 1)] = (array[along(1, 2)] - array[along(0, 1)]) / steps[0]
    out[along(-1, None)] = (array[along(-1, None)] - array[along(-2, -1)]) / steps[-1]
    return out


def _derivative(data: xr.DataArray, order: int) -> xr.DataArray:
    """Differentiate ``order`` times, exactly as numpy.gradient on the whole series would.

    numpy.gradient uses the simpler even-spacing formula when all time steps
    are exactly equal (then a NaN at ``t`` does not reach the rate at ``t``,
    only at ``t - 1`` and ``t + 1``), and the general formula otherwise (a NaN
    at ``t`` also makes the rate at ``t`` NaN). The choice is made once, on
    the whole ``time`` coordinate, so dask chunks follow the same rule.
    """
    steps = np.diff(time_values(data))
    even_step = float(steps[0]) if steps.size and np.all(steps == steps[0]) else None

    def kernel(array: np.ndarray, axis: int, times: np.ndarray) -> np.ndarray:
        if even_step is not None:
            return np.gradient(array, even_step, axis=axis, edge_order=1)
        return _uneven_gradient(array, axis, times)

    result = data
    for _ in range(order):
        values = map_along_time(result, kernel, 1, with_time=True, min_chunk=2)
        result = result.copy(data=values)
    return result


@accepts_dim_aliases
@log_operation
def compute_time_derivative(data: xr.DataArray, order: int = 1) -> xr.DataArray:
    """Differentiate ``order`` times along the ``time`` coordinate.

    Each derivative uses second-order accurate central differences on the
    actual time stamps (uneven spacing included) and first-order one-sided
    differences at the two ends, exactly like :func:`numpy.gradient` on
    the whole series (and so ``movement``), whatever the dask chunking. A
    NaN at ``t`` makes the rates at ``t - 1`` and ``t + 1`` NaN, and the
    rate at ``t`` too unless the time steps are all exactly equal (then the
    central difference does not read ``t``).

    Parameters
    ----------
    data
        Values with a ``time`` dim (at least 2 time points).
    order
        1 for a rate (velocity from position), 2 for its rate, and so on.

    Returns
    -------
    xarray.DataArray
        Same dims as ``data``, named ``"derivative_<order>"``.
    """
    # the order is checked first, as movement does, so a bad order is reported as such
    if not is_whole_number(order):
        raise ArgumentTypeError(f"compute_time_derivative: order must be an int, got {order!r}")
    if order < 1:
        raise InvalidArgumentError(f"compute_time_derivative: order must be >= 1, got {order}")
    require_dims(data, ["time"], "compute_time_derivative")
    _require_time_points(data, 2, "compute_time_derivative")
    return _named(_derivative(data, int(order)), f"derivative_{order}", data)


@accepts_dim_aliases
@log_operation
def compute_velocity(data: xr.DataArray) -> xr.DataArray:
    """Velocity: the first time derivative of position, per ``space`` axis.

    See :func:`compute_time_derivative` for the method and NaN behaviour;
    units are space units per time unit (per second, or per frame when the
    frame rate is unknown). Equals ``movement.kinematics.compute_velocity``.

    Parameters
    ----------
    data
        Positions with ``time`` and ``space`` dims (e.g. ``ds.position``), in
        our dim names or ``movement``'s; any other dims are carried through.

    Returns
    -------
    xarray.DataArray
        Same dims as ``data``, named ``"velocity"``.
    """
    require_dims(data, ["time", "space"], "compute_velocity")
    _require_time_points(data, 2, "compute_velocity")
    return _named(_derivative(data, 1), "velocity", data)


@accepts_dim_aliases
@log_operation
def compute_acceleration(data: xr.DataArray) -> xr.DataArray:
    """Acceleration: the derivative of the velocity (two central differences).

    Parameters
    ----------
    data
        Positions with ``time`` and ``space`` dims (e.g. ``ds.position``), in
        our dim names or ``movement``'s; any other dims are carried through.

    Returns
    -------
    xarray.DataArray
        Same dims as ``data``, named ``"acceleration"``.
    """
    require_dims(data, ["time", "space"], "compute_acceleration")
    _require_time_points(data, 2, "compute_acceleration")
    return _named(_derivative(data, 2), "acceleration", data)


@accepts_dim_aliases
@log_operation
def compute_speed(data: xr.DataArray) -> xr.DataArray:
    """Speed: the length of the velocity vector.

    Parameters
    ----------
    data
        Positions with ``time`` and ``space`` dims (e.g. ``ds.position``), in
        our dim names or ``movement``'s; any other dims are carried through.

    Returns
    -------
    xarray.DataArray
        The dims of ``data`` without ``space``, named ``"speed"``; NaN where
        any component of the velocity is NaN.
    """
    require_dims(data, ["time", "space"], "compute_speed")
    _require_time_points(data, 2, "compute_speed")
    return _named(_norm(_derivative(data, 1), consume=True), "speed", data)


def _with_end(result: xr.DataArray, index: int, end_value: float) -> xr.DataArray:
    """Set the sample at ``index`` along time to ``end_value`` (unless it is NaN)."""
    if np.isnan(end_value) or result.sizes["time"] == 0:
        return result
    position = np.arange(result.sizes["time"]) == (index % result.sizes["time"])
    is_end = xr.DataArray(position, dims=["time"])
    return result.where(~is_end, end_value)


@accepts_dim_aliases
@log_operation
def compute_forward_displacement(data: xr.DataArray, end_value: float = np.nan) -> xr.DataArray:
    """Vector from each position to the next one: ``x[t+1] - x[t]``.

    The last sample has no next position and is NaN by default
    (``movement`` 0.17 puts 0 there, which reads as "did not move"; pass
    ``end_value=0`` for that). A NaN position makes the two displacements
    that touch it NaN.

    Parameters
    ----------
    data
        Positions with ``time`` and ``space``.
    end_value
        The value of the last sample (NaN by default; 0 as ``movement``).

    Returns
    -------
    xarray.DataArray
        Same dims as ``data``, named ``"forward_displacement"``.
    """
    require_dims(data, ["time", "space"], "compute_forward_displacement")
    result = _with_end(_shift(data, -1) - data, -1, float(end_value))
    return _named(result, "forward_displacement", data)


@accepts_dim_aliases
@log_operation
def compute_backward_displacement(data: xr.DataArray, end_value: float = np.nan) -> xr.DataArray:
    """Vector from each position back to the previous one: ``x[t-1] - x[t]``.

    The first sample has no previous position and is NaN by default
    (``movement`` 0.17 puts 0 there; pass ``end_value=0`` for that).

    Parameters
    ----------
    data
        Positions with ``time`` and ``space``.
    end_value
        The value of the first sample (NaN by default; 0 as ``movement``).

    Returns
    -------
    xarray.DataArray
        Same dims as ``data``, named ``"backward_displacement"``.
    """
    require_dims(data, ["time", "space"], "compute_backward_displacement")
    result = _with_end(_shift(data, 1) - data, 0, float(end_value))
    return _named(result, "backward_displacement", data)
