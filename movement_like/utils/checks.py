"""Argument checks shared by the analysis functions, with messages that say what to pass."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import xarray as xr

__all__ = ["require_dims", "require_2d", "is_whole_number"]


def require_dims(data: Any, dims: Iterable[str], what: str) -> None:
    """Raise a clear error when ``data`` is not a DataArray with ``dims``.

    Parameters
    ----------
    data
        The object a user passed in.
    dims
        Dimension names the analysis needs.
    what
        The name of the analysis, for the message.
    """
    if not isinstance(data, xr.DataArray):
        raise TypeError(
            f"{what} needs an xarray.DataArray (e.g. ds['position']), got {type(data).__name__}"
        )
    missing = [d for d in dims if d not in data.dims]
    if missing:
        raise ValueError(
            f"{what} needs the dimension(s) {missing}, but the data has dims "
            f"{tuple(map(str, data.dims))}"
        )


def require_2d(data: xr.DataArray, what: str) -> None:
    """Raise a clear error unless ``data`` has ``space`` = x, y."""
    labels = [str(s) for s in data["space"].values] if "space" in data.coords else []
    if labels != ["x", "y"]:
        raise ValueError(
            f"{what} works on 2-D positions: Dimension 'space' must only contain ['x', 'y'] "
            f"as coordinates, got space={labels}"
        )


def is_whole_number(value: Any) -> bool:
    """Whether ``value`` is a Python or numpy integer (``bool`` excluded)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)
