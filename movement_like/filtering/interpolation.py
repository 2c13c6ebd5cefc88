"""Fill gaps (runs of NaN) along time from the known values around them."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import xarray as xr

from movement_like.errors import ArgumentTypeError, InvalidArgumentError
from movement_like.filtering._common import (
    INTERPOLATION_METHODS,
    _prints_report,
    _require_float,
)
from movement_like.provenance import log_operation
from movement_like.utils.along_time import map_along_time, time_values
from movement_like.utils.checks import is_whole_number, require_dims
from movement_like.utils.dims import accepts_dim_aliases
from movement_like.utils.reports import nan_runs


# --------------------------------------------------------------------------- #
# interpolate_over_time
# --------------------------------------------------------------------------- #
def _interpolate_kernel(
    array: np.ndarray,
    axis: int,
    times: np.ndarray,
    method: str,
    max_gap: int | None,
    fill_edges: bool,
) -> np.ndarray:
    """Fill NaN runs along ``axis`` of a numpy array (see interpolate_over_time).

    Works on the missing values only: finds the runs of consecutive NaN per
    series, decides which runs to fill, and fills them in one vectorised step,
    so the cost is one copy of the array plus a little per missing value.
    """
    moved = np.moveaxis(array, axis, 0)
    out = moved.copy()  # C-contiguous in the moved order
    n_time = out.shape[0]
    flat = out.reshape(n_time, -1)
    t_nan, series = np.nonzero(np.isnan(flat))
    if t_nan.size == 0 or n_time < 2:
        return np.moveaxis(out, 0, axis)
    order = np.lexsort((t_nan, series))
    t_nan, series = t_nan[order], series[order]
    new_run = np.empty(t_nan.size, dtype=bool)
    new_run[0] = True
    new_run[1:] = (series[1:] != series[:-1]) | (t_nan[1:] != t_nan[:-1] + 1)
    starts = np.flatnonzero(new_run)
    ends = np.append(starts[1:], t_nan.size) - 1
    before = t_nan[starts] - 1  # last known sample before the run (-1: none)
    after = t_nan[ends] + 1  # first known sample after it (n_time: none)
    length = after - before - 1
    has_before = before >= 0
    has_after = after < n_time
    fill = has_before & has_after
    if fill_edges:
        fill |= has_before ^ has_after
    if max_gap is not None:
        fill &= length <= max_gap
    if not fill.any():
        return np.moveaxis(out, 0, axis)
    run_of = np.cumsum(new_run) - 1
    chosen = fill[run_of]
    t_fill = t_nan[chosen]
    s_fill = series[chosen]
    run_fill = run_of[chosen]
    lo = before[run_fill]
    hi = after[run_fill]
    lo_ok = lo >= 0
    hi_ok = hi < n_time
    lo_c = np.where(lo_ok, lo, 0)
    hi_c = np.where(hi_ok, hi, 0)
    y_lo = flat[lo_c, s_fill]
    y_hi = flat[hi_c, s_fill]
    # edge runs (only reached with fill_edges) take the one known neighbour
    y_lo = np.where(lo_ok, y_lo, y_hi)
    y_hi = np.where(hi_ok, y_hi, y_lo)
    x = times[t_fill]
    x_lo = np.where(lo_ok, times[lo_c], x)
    x_hi = np.where(hi_ok, times[hi_c], x)
    if method == "linear":
        span = x_hi - x_lo
        with np.errstate(invalid="ignore", divide="ignore"):
            slope = np.where(span > 0, (y_hi - y_lo) / np.where(span > 0, span, 1), 0.0)
        values = y_lo + slope * (x - x_lo)
    elif method == "nearest":
        values = np.where((x - x_lo) <= (x_hi - x), y_lo, y_hi)
    elif method == "previous":
        values = np.where(lo_ok, y_lo, y_hi)
    else:  # "next"
        values = np.where(hi_ok, y_hi, y_lo)
    flat[t_fill, s_fill] = values
    return np.moveaxis(out, 0, axis)


@_prints_report
@accepts_dim_aliases
@log_operation
def interpolate_over_time(
    data: xr.DataArray,
    method: str = "linear",
    max_gap: int | None = None,
    print_report: bool = False,
    *,
    fill_edges: bool = False,
    use_coordinate: bool | None = None,
    **kwargs: Any,
) -> xr.DataArray:
    """Fill gaps (runs of NaN) along ``time`` from the known values around them.

    Parameters
    ----------
    data
        Values with a ``time`` dim, e.g. ``ds["position"]``.
    method
        ``"linear"`` (straight line between the known values on both sides,
        placed by the ``time`` coordinate, so uneven or sparse time is handled
        correctly), ``"nearest"`` (the closer neighbour in time; the earlier
        one on ties), ``"previous"`` or ``"next"`` (carry a value forward or
        backward). Any other method of
        :meth:`xarray.DataArray.interpolate_na` (``"cubic"``, ``"pchip"``,
        ``"akima"``, ...) is passed to it, as ``movement`` does, with the same
        ``max_gap`` meaning; so are ``**kwargs``.
    max_gap
        The longest run of consecutive missing samples that is filled
        (``max_gap=5`` fills gaps of 1 to 5 missing frames). Longer runs are
        left entirely NaN, never partly filled. ``None`` fills every gap; ``0``
        fills nothing. For dense frame-indexed data a sample is a frame; for
        sparse data (only labelled frames on ``time``) it is a labelled sample.
    fill_edges
        Also fill the runs at the start and end of a series (they have a known
        value on one side only) with that nearest known value. Off by default:
        extrapolating is guessing.
    print_report
        Print the NaN report of the input and of the output, as ``movement``
        does.
    use_coordinate
        Where the filled values are placed on an uneven ``time`` axis.
        ``True``: by the ``time`` values (a value between samples 1 s and 3 s
        apart is placed by time, which is right for sparse or dropped-frame
        data). ``False``: by sample index, as ``movement`` 0.17 does (it calls
        ``interpolate_na(use_coordinate=False)``), as if the samples were
        evenly spaced. ``None`` (default): by time, with a ``UserWarning``
        when ``time`` is uneven (there the two answers differ); pass ``True``
        or ``False`` to choose and silence it. On even time both agree.
    **kwargs
        Passed to :meth:`xarray.DataArray.interpolate_na` (then the xarray
        path is taken whatever the ``method``).

    Returns
    -------
    xarray.DataArray
        Same dims, coords and name as ``data``.

    NaN handling
    ------------
    Each scalar series (one individual, keypoint and space coordinate) is
    filled on its own. A run is filled when it has known values on both
    sides and is at most ``max_gap`` long (with ``fill_edges``, also when it
    touches an end of the series). A series with no known value stays all
    NaN. Known values are never changed. On dask data, ``max_gap=None`` puts
    ``time`` in one chunk (a gap may span the whole series); with a
    ``max_gap``, chunks overlap by ``max_gap + 1`` samples instead.
    """
    require_dims(data, ["time"], "interpolate_over_time")
    if not isinstance(method, str):
        raise ArgumentTypeError(f"interpolate_over_time: method must be a string, got {method!r}")
    if max_gap is not None:
        if not is_whole_number(max_gap):
            raise ArgumentTypeError(
                f"interpolate_over_time: max_gap must be a whole number of samples or None, "
                f"got {max_gap!r}"
            )
        if max_gap < 0:
            raise InvalidArgumentError(
                f"interpolate_over_time: max_gap must be >= 0, got {max_gap}"
            )
        max_gap = int(max_gap)
    _require_float(data, "interpolate_over_time")
    by_time = _interpolation_by_time(data, use_coordinate)
    if method in INTERPOLATION_METHODS and not kwargs:
        # the kernel gets each block's own times: a closure over the whole time
        # coordinate would travel with every dask task (20 MB each for 2.5 M frames)
        def kernel(array: np.ndarray, axis: int, times: np.ndarray) -> np.ndarray:
            return _interpolate_kernel(array, axis, times, method, max_gap, bool(fill_edges))

        depth = None if max_gap is None else max_gap + 1
        if by_time:
            values = map_along_time(data, kernel, depth, with_time=True)
        else:
            values = map_along_time(
                data, lambda a, axis: kernel(a, axis, np.arange(a.shape[axis], dtype=float)), depth
            )
        result = data.copy(data=values)
    else:
        if fill_edges:
            raise InvalidArgumentError(
                f"interpolate_over_time: fill_edges is only available with the methods "
                f"{list(INTERPOLATION_METHODS)} (without extra keyword arguments)"
            )
        result = _interpolate_with_xarray(data, method, max_gap, by_time, kwargs)
    return result


def _interpolation_by_time(data: xr.DataArray, use_coordinate: bool | None) -> bool:
    """Whether to place interpolated values by ``time`` (see interpolate_over_time)."""
    if use_coordinate is not None:
        return bool(use_coordinate)
    steps = np.diff(time_values(data))
    if steps.size and not np.allclose(steps, steps[0], rtol=1e-9, atol=0.0):
        warnings.warn(
            "interpolate_over_time: the time axis is uneven, so values are placed by the "
            "time coordinate, which differs from movement 0.17 (it places them by sample "
            "index); pass use_coordinate=True to keep this, use_coordinate=False for "
            "movement's values",
            UserWarning,
            stacklevel=5,
        )
    return True


def _interpolate_with_xarray(
    data: xr.DataArray,
    method: str,
    max_gap: int | None,
    by_time: bool,
    kwargs: dict[str, Any],
) -> xr.DataArray:
    """Interpolate with the methods we do not implement, through xarray's ``interpolate_na``.

    ``max_gap`` keeps its meaning (the longest run of missing samples filled):
    xarray measures a gap between the known values around it, one more.
    """
    if "dim" in kwargs or "use_coordinate" in kwargs:
        raise InvalidArgumentError(
            "interpolate_over_time: 'dim' and 'use_coordinate' may not be passed through; "
            "the interpolation always runs along 'time' (see use_coordinate=)"
        )
    if max_gap is not None and by_time:
        # xarray's max_gap is then in time units; ours stays in samples
        filled = data.interpolate_na("time", method=method, use_coordinate=True, **kwargs)  # type: ignore[arg-type]
        short = data.isnull() & _runs_at_most(data, max_gap)
        return xr.where(short, filled, data, keep_attrs=True)
    try:
        return data.interpolate_na(
            "time",
            method=method,  # type: ignore[arg-type]
            use_coordinate=by_time,
            max_gap=None if max_gap is None else max_gap + 1,
            **kwargs,
        )
    except (ValueError, TypeError) as error:
        raise InvalidArgumentError(
            f"interpolate_over_time: method {method!r} failed in xarray's interpolate_na: "
            f"{error}; our own methods are {list(INTERPOLATION_METHODS)}"
        ) from error


def _runs_at_most(data: xr.DataArray, max_gap: int) -> xr.DataArray:
    """Mark the NaN samples whose run of consecutive NaN is at most ``max_gap`` long."""
    missing = np.moveaxis(np.asarray(data.isnull().values), data.get_axis_num("time"), 0)
    flat = missing.reshape(missing.shape[0], -1)
    short = np.zeros_like(flat)
    for column in range(flat.shape[1]):
        for start, stop in nan_runs(flat[:, column]):
            if stop - start + 1 <= max_gap:
                short[start : stop + 1, column] = True
    back = np.moveaxis(short.reshape(missing.shape), 0, data.get_axis_num("time"))
    return data.copy(data=back)
