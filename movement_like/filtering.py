"""Clean tracks over time: drop unsure points, fill short gaps, smooth.

Every function takes a DataArray with a ``time`` dim (usually
``ds["position"]``), finds ``time`` by name (any dim order, extra dims such as
``layers`` or ``views`` pass through untouched), works on numpy- and
dask-backed data alike (dask chunks along ``time`` get the overlap a window
needs, so the result does not depend on the chunking), never modifies its
input, and records the call in the result's ``log`` attribute.

How NaN (missing) values travel through each function is part of its
contract and is spelled out in its docstring under *NaN handling*.
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

import bottleneck as bn
import numpy as np
import xarray as xr
from scipy import signal

from movement_like.provenance import log_operation
from movement_like.utils.along_time import map_along_time, time_values
from movement_like.utils.checks import is_whole_number, require_dims
from movement_like.utils.dims import accepts_dim_aliases
from movement_like.utils.reports import nan_runs, report_nan_values

__all__ = [
    "filter_by_confidence",
    "interpolate_over_time",
    "rolling_filter",
    "savgol_filter",
]

STATISTICS = ("median", "mean", "max", "min")
INTERPOLATION_METHODS = ("linear", "nearest", "previous", "next")
SAVGOL_MODES = ("interp", "mirror", "nearest", "constant", "wrap")


# --------------------------------------------------------------------------- #
# argument checks
# --------------------------------------------------------------------------- #
def _check_window(data: xr.DataArray, window: Any, what: str, *, odd: bool = False) -> int:
    """Validate a window length against the length of ``time``."""
    if not is_whole_number(window):
        raise TypeError(f"{what}: window must be a whole number of samples, got {window!r}")
    window = int(window)
    if window < 1:
        raise ValueError(f"{what}: window must be at least 1 sample, got {window}")
    if odd and window % 2 == 0:
        raise ValueError(
            f"{what}: window must be odd so that it is centred on each sample "
            f"(an even window of {window} would shift the result by half a sample); "
            f"use {window - 1} or {window + 1}"
        )
    n_time = data.sizes["time"]
    if window > n_time:
        raise ValueError(
            f"{what}: window ({window} samples) is longer than the series "
            f"({n_time} time points); use a window of at most {n_time}"
        )
    return window


def _require_float(data: xr.DataArray, what: str) -> None:
    if data.dtype.kind != "f":
        raise TypeError(f"{what} needs float data, got dtype {data.dtype}")


def _print_report(before: xr.DataArray, after: xr.DataArray) -> None:
    """Print the NaN reports of the input and the output, as ``movement`` does."""
    print(report_nan_values(before, "input"))
    print(report_nan_values(after, "output"))


def _warn_if_threshold_outside(confidence: xr.DataArray, threshold: float) -> None:
    """Warn when ``threshold`` lies outside the confidence values actually present.

    A threshold below every confidence drops nothing, one above every confidence
    drops everything: both are usually a threshold meant for another program's
    scale (DeepLabCut's likelihood is in [0, 1], SLEAP's scores are not). Lazy
    (dask) confidence is not computed for this check.
    """
    if type(confidence.data).__module__.split(".")[0] == "dask":
        return
    values = np.asarray(confidence.values, dtype=np.float64)
    known = values[~np.isnan(values)]
    if known.size == 0:
        return
    low, high = float(known.min()), float(known.max())
    if threshold < low or threshold > high:
        effect = "drops no point" if threshold < low else "drops every point"
        warnings.warn(
            f"filter_by_confidence: the threshold {threshold} is outside the range of the "
            f"confidence values present [{low:.4g}, {high:.4g}], so it {effect}; confidence "
            "scales differ between programs, pick a threshold inside that range",
            UserWarning,
            stacklevel=5,
        )


# --------------------------------------------------------------------------- #
# filter_by_confidence
# --------------------------------------------------------------------------- #
@accepts_dim_aliases
@log_operation
def filter_by_confidence(
    data: xr.DataArray,
    confidence: xr.DataArray,
    threshold: float = 0.6,
    print_report: bool = False,
    keep_unknown: bool = False,
) -> xr.DataArray:
    """Set points whose confidence is below ``threshold`` to NaN.

    Parameters
    ----------
    data
        Values to filter, e.g. ``ds["position"]``.
    confidence
        Confidence of each point, e.g. ``ds["confidence"]``; it is broadcast
        against ``data`` by dim name (so it has no ``space`` dim).
    threshold
        Points with ``confidence < threshold`` are dropped. Confidence scales
        differ between programs (DeepLabCut: a likelihood in [0, 1]; SLEAP
        scores can exceed 1): look at your data before picking a value. A
        threshold outside the range of the confidence values present (so it
        drops nothing, or everything) gives a ``UserWarning``.
    print_report
        Print the NaN report (:func:`~movement_like.utils.report_nan_values`)
        of the input and of the output, as ``movement`` does.
    keep_unknown
        NaN confidence means *unknown* (for example a proofread or manually
        placed point, or a format that stores no confidence). ``False`` (the
        default, as ``movement`` 0.17) drops such points; ``True`` keeps them.

    Returns
    -------
    xarray.DataArray
        Same dims, coords and name as ``data``.

    NaN handling
    ------------
    NaN in ``data`` stays NaN. A dropped point becomes NaN in every
    ``space`` coordinate. NaN confidence: see ``keep_unknown``.
    """
    require_dims(data, ["time"], "filter_by_confidence")
    if not isinstance(confidence, xr.DataArray):
        raise TypeError(
            "filter_by_confidence: confidence must be an xarray.DataArray "
            f"(e.g. ds['confidence']), got {type(confidence).__name__}"
        )
    extra = [d for d in confidence.dims if d not in data.dims]
    if extra:
        raise ValueError(
            f"filter_by_confidence: confidence has dims {extra} that the data lacks "
            f"(data dims {tuple(map(str, data.dims))})"
        )
    threshold = float(threshold)
    _warn_if_threshold_outside(confidence, threshold)
    drop = confidence < threshold
    if not keep_unknown:
        drop = drop | confidence.isnull()
    result = data.where(~drop)
    result = result.transpose(*data.dims)
    result.attrs = dict(data.attrs)
    result.name = data.name
    if print_report:
        _print_report(data, result)
    return result


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
        raise TypeError(f"interpolate_over_time: method must be a string, got {method!r}")
    if max_gap is not None:
        if not is_whole_number(max_gap):
            raise TypeError(
                f"interpolate_over_time: max_gap must be a whole number of samples or None, "
                f"got {max_gap!r}"
            )
        if max_gap < 0:
            raise ValueError(f"interpolate_over_time: max_gap must be >= 0, got {max_gap}")
        max_gap = int(max_gap)
    _require_float(data, "interpolate_over_time")
    by_time = _interpolation_by_time(data, use_coordinate)
    if method in INTERPOLATION_METHODS and not kwargs:
        times = time_values(data) if by_time else np.arange(data.sizes["time"], dtype=np.float64)

        def kernel(array: np.ndarray, axis: int, times: np.ndarray = times) -> np.ndarray:
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
            raise ValueError(
                f"interpolate_over_time: fill_edges is only available with the methods "
                f"{list(INTERPOLATION_METHODS)} (without extra keyword arguments)"
            )
        result = _interpolate_with_xarray(data, method, max_gap, by_time, kwargs)
    if print_report:
        _print_report(data, result)
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
        raise ValueError(
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
        raise ValueError(
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


# --------------------------------------------------------------------------- #
# rolling_filter
# --------------------------------------------------------------------------- #
def _trailing(array: np.ndarray, window: int, statistic: str, axis: int, min_count: int):
    """Bottleneck's trailing moving statistic (NaN-skipping, ``min_count`` known values)."""
    if array.dtype not in (np.float32, np.float64):
        array = array.astype(np.float64)
    function = getattr(bn, f"move_{statistic}")
    return function(array, window, min_count=min_count, axis=axis)


def _rolling_kernel(array: np.ndarray, axis: int, window: int, statistic: str, min_count: int):
    """Centred moving statistic of a block, its two ends mirrored (``reflect``).

    On dask blocks the mirrored ends that are not the true ends of the series
    fall in the overlap, which is cut off afterwards.
    """
    half = window // 2
    pad = [(0, 0)] * array.ndim
    pad[axis] = (half, half)
    trailing = _trailing(np.pad(array, pad, mode="reflect"), window, statistic, axis, min_count)
    # sample i sits at padded index i + half; its window covers samples
    # i - half .. i + half (odd window) or i - half .. i + half - 1 (even window,
    # xarray's centring), so it ends at padded index i + window - 1
    keep = [slice(None)] * array.ndim
    keep[axis] = slice(window - 1, window - 1 + array.shape[axis])
    return trailing[tuple(keep)]


@accepts_dim_aliases
@log_operation
def rolling_filter(
    data: xr.DataArray,
    window: int,
    statistic: Literal["median", "mean", "max", "min"] = "median",
    min_periods: int | None = None,
    print_report: bool = False,
) -> xr.DataArray:
    """Replace each sample by a statistic of the centred window around it.

    Parameters
    ----------
    data
        Values with a ``time`` dim, e.g. ``ds["position"]``.
    window
        Window length in samples, at most the length of ``time``. An odd
        window is centred on each sample; an even one (``movement`` accepts
        them too) covers ``window // 2`` samples before and ``window // 2 - 1``
        after, as xarray's centred rolling window. ``window=1`` returns a copy.
    statistic
        ``"median"`` (robust to single-frame jumps), ``"mean"``, ``"max"`` or
        ``"min"``.
    min_periods
        How many known (non-NaN) values a window needs to give a value;
        ``None`` means the whole window (``window``).
    print_report
        Print the NaN report of the input and of the output, as ``movement``
        does.

    Returns
    -------
    xarray.DataArray
        Same dims, coords and name as ``data``.

    NaN handling
    ------------
    The statistic skips NaN. An output sample is NaN when its window holds
    fewer than ``min_periods`` known values. With the default
    (``min_periods=window``) any NaN in the window gives NaN, so a gap of
    ``g`` samples widens to ``g + 2 * (window // 2)``; ``min_periods=1`` gives
    NaN only where the whole window is missing. At the two ends the series is
    mirrored (``reflect``: ``x[2], x[1] | x[0], x[1], ...``) so the ends keep
    full windows; mirrored NaN count as NaN. This is the same as
    ``movement.filtering.rolling_filter`` (0.17).

    Notes
    -----
    Computed with bottleneck's moving-window functions (O(n log w) median),
    directly on the array's memory along ``time``; on dask data each chunk
    overlaps its neighbours by ``window // 2`` samples.
    """
    require_dims(data, ["time"], "rolling_filter")
    if statistic not in STATISTICS:
        raise ValueError(
            f"rolling_filter: Invalid statistic {statistic!r}. Must be one of {list(STATISTICS)}."
        )
    window = _check_window(data, window, "rolling_filter")
    if min_periods is None:
        min_count = window
    else:
        if not is_whole_number(min_periods):
            raise TypeError(
                f"rolling_filter: min_periods must be an int or None, got {min_periods!r}"
            )
        if not 1 <= min_periods <= window:
            raise ValueError(
                f"rolling_filter: min_periods must be between 1 and the window ({window}), "
                f"got {min_periods}"
            )
        min_count = int(min_periods)
    _require_float(data, "rolling_filter")
    half = window // 2
    if half == 0:
        values = data.data.copy()
    else:

        def kernel(array: np.ndarray, axis: int) -> np.ndarray:
            return _rolling_kernel(array, axis, window, statistic, min_count)

        values = map_along_time(data, kernel, half, min_chunk=half + 1)
    result = data.copy(data=values)
    if print_report:
        _print_report(data, result)
    return result


# --------------------------------------------------------------------------- #
# savgol_filter
# --------------------------------------------------------------------------- #
def _savgol_kernel(
    array: np.ndarray, axis: int, window: int, polyorder: int, options: dict[str, Any]
) -> np.ndarray:
    """Savitzky-Golay on a block; NaN wherever the window of a sample holds a NaN."""
    missing = np.isnan(array)
    if not missing.any():
        return signal.savgol_filter(array, window, polyorder, axis=axis, **options)
    filled = np.where(missing, 0.0, array).astype(array.dtype, copy=False)
    smoothed = signal.savgol_filter(filled, window, polyorder, axis=axis, **options)
    # which outputs read a NaN: the same filter shape (window, boundary mode) applied
    # to the NaN indicator with equal weights
    mask_options = {k: options[k] for k in ("mode",) if k in options}
    touched = signal.savgol_filter(
        missing.astype(np.float64), window, 0, axis=axis, cval=0.0, **mask_options
    )
    smoothed[touched > 0.5 / window] = np.nan
    return smoothed


@accepts_dim_aliases
@log_operation
def savgol_filter(
    data: xr.DataArray,
    window: int,
    polyorder: int = 2,
    print_report: bool = False,
    *,
    edge_nans: Literal["raise", "propagate"] = "raise",
    **kwargs: Any,
) -> xr.DataArray:
    """Smooth along ``time`` with a Savitzky-Golay filter (local polynomial fit).

    Parameters
    ----------
    data
        Values with a ``time`` dim, e.g. ``ds["position"]``.
    window
        Window length in samples, at most the length of ``time``; odd
        windows are centred on each sample (SciPy also takes even ones).
    polyorder
        Order of the fitted polynomial, smaller than ``window``. Higher orders
        keep sharper peaks but smooth less.
    print_report
        Print the NaN report of the input and of the output, as ``movement``
        does.
    edge_nans
        What a NaN in an edge window does with ``mode="interp"`` (where the
        first and last ``window // 2`` samples come from a polynomial fitted
        to the first or last ``window`` samples). ``"raise"`` (default, as
        ``movement`` 0.17 and SciPy >= 1.17): a ``ValueError`` naming
        ``mode='interp'``. ``"propagate"``: those edge samples become NaN and
        the rest is filtered.
    **kwargs
        Passed to :func:`scipy.signal.savgol_filter`: ``mode`` (``"interp"``
        default, ``"mirror"``, ``"nearest"``, ``"constant"``, ``"wrap"``),
        ``cval``, ``deriv``, ``delta``. ``axis`` is not accepted: the filter
        always runs along ``time``.

    Returns
    -------
    xarray.DataArray
        Same dims, coords and name as ``data``.

    NaN handling
    ------------
    An output sample is NaN when any input sample its value is computed from
    is NaN: the centred window of ``window`` samples, or, for the first and
    last ``window // 2`` samples with ``mode="interp"``, the first or last
    ``window`` samples (the edge fit); with the other modes the window is
    completed as the mode says (mirrored, repeated, wrapped or ``cval``). So
    a gap of ``g`` samples widens to ``g + 2 * (window // 2)`` inside the
    series. NaN in an edge window with ``mode="interp"``: see
    ``edge_nans``. Without NaN the values are exactly those of
    :func:`scipy.signal.savgol_filter`.
    """
    require_dims(data, ["time"], "savgol_filter")
    if "axis" in kwargs:
        raise ValueError(
            "savgol_filter: 'axis' may not be given; the filter always runs along 'time'"
        )
    unknown = sorted(set(kwargs) - {"mode", "cval", "deriv", "delta"})
    if unknown:
        raise TypeError(f"savgol_filter: unexpected keyword argument(s) {unknown}")
    mode = kwargs.get("mode", "interp")
    if mode not in SAVGOL_MODES:
        raise ValueError(
            f"savgol_filter: unknown mode {mode!r}; choose one of {list(SAVGOL_MODES)}"
        )
    if edge_nans not in ("raise", "propagate"):
        raise ValueError(
            f"savgol_filter: edge_nans must be 'raise' or 'propagate', got {edge_nans!r}"
        )
    window = _check_window(data, window, "savgol_filter")
    if not is_whole_number(polyorder) or polyorder < 0:
        raise ValueError(f"savgol_filter: polyorder must be a whole number >= 0, got {polyorder!r}")
    if polyorder >= window:
        raise ValueError(
            f"savgol_filter: polyorder ({polyorder}) must be smaller than the window "
            f"({window}); a polynomial of that order would pass through every sample"
        )
    _require_float(data, "savgol_filter")
    if mode == "interp" and edge_nans == "raise" and _edge_windows_hold_nan(data, window):
        raise ValueError(
            "savgol_filter: mode='interp' does not support NaNs in edge windows (the first "
            f"or last {window} samples of a series fit the edge polynomial); use "
            "mode='nearest'/'mirror', fill edge NaNs before filtering (interpolate_over_time "
            "with fill_edges=True), or pass edge_nans='propagate' to get NaN there"
        )
    options = dict(kwargs)

    def kernel(array: np.ndarray, axis: int) -> np.ndarray:
        return _savgol_kernel(array, axis, window, int(polyorder), options)

    depth = None if mode == "wrap" else window // 2
    values = map_along_time(data, kernel, depth, min_chunk=window)
    result = data.copy(data=values)
    if print_report:
        _print_report(data, result)
    return result


def _edge_windows_hold_nan(data: xr.DataArray, window: int) -> bool:
    """Whether the first or last ``window`` samples along ``time`` hold a NaN."""
    n_time = data.sizes["time"]
    head = data.isel(time=slice(0, window)).isnull().any()
    tail = data.isel(time=slice(max(0, n_time - window), None)).isnull().any()
    return bool(head | tail)
