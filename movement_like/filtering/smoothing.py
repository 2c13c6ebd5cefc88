"""Smooth along time: a rolling statistic, or a Savitzky-Golay filter."""

from __future__ import annotations

from typing import Any, Literal

import bottleneck as bn
import numpy as np
import xarray as xr
from scipy import signal

from movement_like.errors import ArgumentTypeError, InvalidArgumentError
from movement_like.filtering._common import (
    SAVGOL_MODES,
    STATISTICS,
    _check_window,
    _prints_report,
    _require_float,
)
from movement_like.provenance import log_operation
from movement_like.utils.along_time import map_along_time
from movement_like.utils.checks import is_whole_number, require_dims
from movement_like.utils.dims import accepts_dim_aliases


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


@_prints_report
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
        raise InvalidArgumentError(
            f"rolling_filter: Invalid statistic {statistic!r}. Must be one of {list(STATISTICS)}."
        )
    window = _check_window(data, window, "rolling_filter")
    if min_periods is None:
        min_count = window
    else:
        if not is_whole_number(min_periods):
            raise ArgumentTypeError(
                f"rolling_filter: min_periods must be an int or None, got {min_periods!r}"
            )
        if not 1 <= min_periods <= window:
            raise InvalidArgumentError(
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


@_prints_report
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
        raise InvalidArgumentError(
            "savgol_filter: 'axis' may not be given; the filter always runs along 'time'"
        )
    unknown = sorted(set(kwargs) - {"mode", "cval", "deriv", "delta"})
    if unknown:
        raise ArgumentTypeError(f"savgol_filter: unexpected keyword argument(s) {unknown}")
    mode = kwargs.get("mode", "interp")
    if mode not in SAVGOL_MODES:
        raise InvalidArgumentError(
            f"savgol_filter: unknown mode {mode!r}; choose one of {list(SAVGOL_MODES)}"
        )
    if edge_nans not in ("raise", "propagate"):
        raise InvalidArgumentError(
            f"savgol_filter: edge_nans must be 'raise' or 'propagate', got {edge_nans!r}"
        )
    window = _check_window(data, window, "savgol_filter")
    if not is_whole_number(polyorder) or polyorder < 0:
        raise InvalidArgumentError(
            f"savgol_filter: polyorder must be a whole number >= 0, got {polyorder!r}"
        )
    if polyorder >= window:
        raise InvalidArgumentError(
            f"savgol_filter: polyorder ({polyorder}) must be smaller than the window "
            f"({window}); a polynomial of that order would pass through every sample"
        )
    _require_float(data, "savgol_filter")
    if mode == "interp" and edge_nans == "raise" and _edge_windows_hold_nan(data, window):
        raise InvalidArgumentError(
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
    return result


def _edge_windows_hold_nan(data: xr.DataArray, window: int) -> bool:
    """Whether the first or last ``window`` samples along ``time`` hold a NaN."""
    n_time = data.sizes["time"]
    head = data.isel(time=slice(0, window)).isnull().any()
    tail = data.isel(time=slice(max(0, n_time - window), None)).isnull().any()
    return bool(head | tail)
