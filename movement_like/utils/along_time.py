"""Running a numpy kernel along ``time`` on numpy- or dask-backed data.

A kernel written once for a numpy block runs on the whole array when the data
is in memory, and per dask chunk with exactly the overlap its window needs when
the data is lazy, so the result never depends on the chunking.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import xarray as xr

__all__ = ["map_along_time", "time_values", "is_dask"]


def time_values(data: xr.DataArray) -> np.ndarray:
    """Return the ``time`` coordinate as float64 (sample numbers when it has none).

    Parameters
    ----------
    data
        The array whose ``time`` axis is wanted.

    Returns
    -------
    numpy.ndarray
        One float64 value per time point: the coordinate, or 0, 1, 2, ... without one.
    """
    if "time" in data.coords:
        return np.asarray(data["time"].values, dtype=np.float64)
    return np.arange(data.sizes["time"], dtype=np.float64)


def is_dask(data: xr.DataArray) -> bool:
    """Whether ``data`` is backed by a dask array.

    Parameters
    ----------
    data
        The array to inspect; dask-backed data is processed chunk by chunk.

    Returns
    -------
    bool
        True when ``data.data`` is a dask array, so no work has been computed yet.
    """
    return type(data.data).__module__.split(".")[0] == "dask"


def _rechunk_time(array: Any, axis: int, min_chunk: int) -> Any:
    """Rechunk ``array`` along ``axis`` so that every chunk has ``min_chunk`` samples."""
    chunks = array.chunks[axis]
    if len(chunks) == 1 or min(chunks) >= min_chunk:
        return array
    size = max(min_chunk, max(chunks))
    total = sum(chunks)
    new = [size] * (total // size)
    remainder = total - size * len(new)
    if remainder and new and remainder < min_chunk:
        new[-1] += remainder  # a short last chunk joins the one before it
    elif remainder:
        new.append(remainder)
    return array.rechunk({axis: tuple(new)})


def map_along_time(
    data: xr.DataArray,
    kernel: Callable[..., np.ndarray],
    depth: int | None,
    *,
    with_time: bool = False,
    min_chunk: int = 1,
    dtype: Any = None,
) -> Any:
    """Run ``kernel(array, axis=..., [times=...])`` along ``time``; return the raw array.

    ``kernel`` maps a numpy block to a block of the same shape, reading at most
    ``depth`` samples either side of each output sample along ``time`` (and
    treating the ends of its block as the ends of the series). On numpy data it
    runs once on the whole array. On dask data it runs per chunk with ``depth``
    samples of overlap from the neighbouring chunks (``dask.array.map_overlap``,
    no padding at the true ends), so chunk borders give exactly the result of
    the whole array; ``depth=None`` means the kernel needs the whole series and
    ``time`` is put in one chunk. ``min_chunk`` rechunks ``time`` first so that
    every chunk holds at least that many samples (for kernels that fit windows
    at the ends). With ``with_time=True`` the kernel also gets ``times``, the
    float64 ``time`` values of its block.

    Parameters
    ----------
    data
        The array to process; it must have a ``time`` dimension.
    kernel
        Function of a numpy block (and ``axis=``, plus ``times=`` if asked) returning
        a block of the same shape.
    depth
        How many samples either side of an output sample the kernel reads, which is
        the overlap taken from neighbouring dask chunks; None means the whole series.
    with_time
        Pass the float64 ``time`` values of each block to the kernel as ``times``.
    min_chunk
        Smallest number of ``time`` samples per dask chunk (rechunked first if needed).
    dtype
        The dtype of the kernel's output, for dask; None means the input's dtype.

    Returns
    -------
    numpy.ndarray or dask.array.Array
        The kernel's result with the shape of ``data`` (lazy when ``data`` is dask).
    """
    axis = data.get_axis_num("time")
    array = data.data
    times = time_values(data)
    dtype = data.dtype if dtype is None else np.dtype(dtype)
    if not is_dask(data):
        if with_time:
            return kernel(array, axis=axis, times=times)
        return kernel(array, axis=axis)

    import dask.array as da

    if depth is None or depth >= array.shape[axis] or min_chunk >= array.shape[axis]:
        array = array.rechunk({axis: -1})
        if with_time:
            return array.map_blocks(
                lambda block: kernel(block, axis=axis, times=times), dtype=dtype
            )
        return array.map_blocks(lambda block: kernel(block, axis=axis), dtype=dtype)

    array = _rechunk_time(array, axis, max(depth, min_chunk, 1))
    depths = {i: (depth if i == axis else 0) for i in range(array.ndim)}
    if not with_time:
        return da.map_overlap(
            lambda block: kernel(block, axis=axis),
            array,
            depth=depths,
            boundary="none",
            dtype=dtype,
        )
    shape = [1] * array.ndim
    shape[axis] = -1
    time_chunks = tuple((c if i == axis else (1,)) for i, c in enumerate(array.chunks))
    # one value per time step, broadcast by map_blocks against the data's single chunk
    # along every other dim: broadcasting it to the data's shape first would make each
    # overlapped block a full-size copy of the time stamps (and ship it between workers)
    time_array = da.from_array(times.reshape(shape), chunks=time_chunks)

    def with_times(block: np.ndarray, time_block: np.ndarray) -> np.ndarray:
        index: list[int | slice] = [0] * time_block.ndim
        index[axis] = slice(None)
        return kernel(block, axis=axis, times=np.asarray(time_block[tuple(index)]))

    return da.map_overlap(with_times, array, time_array, depth=depths, boundary="none", dtype=dtype)
