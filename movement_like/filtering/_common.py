"""What the filters share: argument checks, the constants, the NaN-report decorator."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import xarray as xr

from movement_like.errors import ArgumentTypeError, InvalidArgumentError
from movement_like.utils.checks import is_whole_number
from movement_like.utils.reports import report_nan_values

STATISTICS = ("median", "mean", "max", "min")
INTERPOLATION_METHODS = ("linear", "nearest", "previous", "next")
SAVGOL_MODES = ("interp", "mirror", "nearest", "constant", "wrap")


# --------------------------------------------------------------------------- #
# argument checks
# --------------------------------------------------------------------------- #
def _check_window(data: xr.DataArray, window: Any, what: str, *, odd: bool = False) -> int:
    """Validate a window length against the length of ``time``."""
    if not is_whole_number(window):
        raise ArgumentTypeError(f"{what}: window must be a whole number of samples, got {window!r}")
    window = int(window)
    if window < 1:
        raise InvalidArgumentError(f"{what}: window must be at least 1 sample, got {window}")
    if odd and window % 2 == 0:
        raise InvalidArgumentError(
            f"{what}: window must be odd so that it is centred on each sample "
            f"(an even window of {window} would shift the result by half a sample); "
            f"use {window - 1} or {window + 1}"
        )
    n_time = data.sizes["time"]
    if window > n_time:
        raise InvalidArgumentError(
            f"{what}: window ({window} samples) is longer than the series "
            f"({n_time} time points); use a window of at most {n_time}"
        )
    return window


def _require_float(data: xr.DataArray, what: str) -> None:
    if data.dtype.kind != "f":
        raise ArgumentTypeError(f"{what} needs float data, got dtype {data.dtype}")


F = TypeVar("F", bound=Callable[..., Any])


def _prints_report(func: F) -> F:
    """Let a filter print the NaN reports of its input and output when ``print_report``.

    Applied outside :func:`accepts_dim_aliases`, so the reports name the dims
    as the caller does (``keypoint`` for a movement array), exactly as
    ``movement`` prints them.
    """
    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = func(*args, **kwargs)
        bound = signature.bind(*args, **kwargs)
        if bound.arguments.get("print_report", False):
            print(report_nan_values(bound.arguments["data"], "input"))
            print(report_nan_values(result, "output"))
        return result

    return wrapper  # type: ignore[return-value]
