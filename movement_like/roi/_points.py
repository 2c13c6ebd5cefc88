"""Apply a vectorised geometry kernel to positions, whatever form they come in.

Positions come as a DataArray with a ``space`` dim (numpy- or dask-backed, any
other dims, in any order), as a numpy array whose last axis is space, or as one
point (a list or tuple of coordinates). The kernel sees the ``x`` and ``y``
coordinates as numpy arrays and answers for all points at once; the result
keeps every other dim and coordinate of the input, the way ``movement``'s
``broadcastable_method`` does (``space`` is consumed; a kernel that returns a
vector puts it on a new last dim).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import xarray as xr

from movement_like.errors import ArgumentTypeError, InvalidArgumentError

__all__ = ["xy_indices", "apply_to_points"]

Kernel = Callable[[np.ndarray, np.ndarray], np.ndarray]


def xy_indices(data: xr.DataArray) -> tuple[int, int]:
    """Positions of ``x`` and ``y`` along ``space``: by label when labelled, else 0 and 1.

    Parameters
    ----------
    data
        A DataArray with a ``space`` dim.

    Returns
    -------
    tuple of int
        The indices of ``x`` and ``y`` along ``space``.

    Raises
    ------
    InvalidArgumentError
        If there is no ``space`` dim, or it has fewer than two entries, or its
        labels lack ``x`` or ``y``.
    """
    if "space" not in data.dims:
        raise InvalidArgumentError(
            f"positions need a 'space' dim (x, y[, z]); this array has dims {tuple(data.dims)}"
        )
    if data.sizes["space"] < 2:
        raise InvalidArgumentError(
            f"positions need at least x and y along 'space'; found {data.sizes['space']} value"
        )
    if "space" not in data.coords:
        return 0, 1
    labels = [str(label) for label in data["space"].values]
    if "x" not in labels or "y" not in labels:
        raise InvalidArgumentError(f"the 'space' coordinate must hold 'x' and 'y'; found {labels}")
    return labels.index("x"), labels.index("y")


def _single_point(values: np.ndarray, kernel: Kernel, out_size: int) -> Any:
    """Answer for one point the way ``movement`` does: a bool, a float or a vector."""
    if values.shape[0] < 2:
        raise InvalidArgumentError(f"a point needs at least x and y; got {values.tolist()}")
    result = kernel(values[0:1], values[1:2])
    if out_size:
        return np.asarray(result[0], dtype=np.float64)
    item = result[0]
    return bool(item) if result.dtype == bool else np.float64(item)


def apply_to_points(
    data: Any,
    kernel: Kernel,
    *,
    dtype: type | np.dtype,
    out_dim: str | None = None,
    out_size: int = 0,
) -> Any:
    """Run ``kernel(x, y)`` on every position of ``data``.

    Parameters
    ----------
    data
        A DataArray with a ``space`` dim, a numpy array (last axis = space),
        or one point as a sequence of coordinates.
    kernel
        Takes x and y arrays of one shape and returns an array of that shape,
        or of that shape plus ``(out_size,)`` when ``out_dim`` is given.
    dtype
        Type of the kernel's values (for lazy dask results).
    out_dim
        Name of the new last dim holding a vector result (e.g.
        ``"nearest point"``); None for a scalar result.
    out_size
        Length of the vector result along ``out_dim``.

    Returns
    -------
    xarray.DataArray, numpy.ndarray, bool or float
        A DataArray for DataArray input (``space`` replaced by ``out_dim`` or
        dropped, name and attributes kept, dask stays lazy); a numpy array for
        array input; a bool, float or 1-D array for a single point.
    """
    if isinstance(data, xr.Dataset):
        raise ArgumentTypeError(
            "pass the positions as a DataArray (e.g. ds.position), not the whole Dataset"
        )
    if not isinstance(data, xr.DataArray):
        values = np.asarray(data, dtype=np.float64)
        if values.ndim == 0:
            raise InvalidArgumentError(f"expected a point or an array of points; got {data!r}")
        if values.ndim == 1:
            return _single_point(values, kernel, out_size)
        if values.shape[-1] < 2:
            raise InvalidArgumentError(
                f"the last axis of a points array is space (x, y[, z]); got shape {values.shape}"
            )
        return kernel(values[..., 0], values[..., 1])
    ix, iy = xy_indices(data)
    if data.chunks is not None:
        data = data.chunk({"space": -1})

    def on_block(block: np.ndarray) -> np.ndarray:
        return kernel(
            np.asarray(block[..., ix], dtype=np.float64), np.asarray(block[..., iy], np.float64)
        )

    extra: dict[str, Any] = {}
    if out_dim is not None:
        extra["dask_gufunc_kwargs"] = {"output_sizes": {out_dim: out_size}}
    return xr.apply_ufunc(
        on_block,
        data,
        input_core_dims=[["space"]],
        output_core_dims=[[out_dim] if out_dim is not None else []],
        dask="parallelized",
        output_dtypes=[dtype],
        keep_attrs=True,
        **extra,
    )
