"""Small tools shared by the analysis modules, and the NaN report.

Public
    :func:`report_nan_values` — how many points are missing, per keypoint and
    individual (and any extra dim), as a :class:`pandas.DataFrame`.

Private helpers (used by :mod:`movement_like.filtering`,
:mod:`movement_like.kinematics` and :mod:`movement_like.transforms`)
    Checking that the dims an analysis needs exist, and running a numpy
    function along ``time`` on numpy- or dask-backed data, with the overlap
    between dask chunks that a window needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

__all__ = ["report_nan_values", "nan_runs"]


# --------------------------------------------------------------------------- #
# checks
# --------------------------------------------------------------------------- #
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
        raise ValueError(f"{what} works on 2-D positions (space = ['x', 'y']), got space={labels}")


def is_whole_number(value: Any) -> bool:
    """Whether ``value`` is a Python or numpy integer (``bool`` excluded)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def time_values(data: xr.DataArray) -> np.ndarray:
    """Return the ``time`` coordinate as float64 (sample numbers when it has none)."""
    if "time" in data.coords:
        return np.asarray(data["time"].values, dtype=np.float64)
    return np.arange(data.sizes["time"], dtype=np.float64)


def is_dask(data: xr.DataArray) -> bool:
    """Whether ``data`` is backed by a dask array."""
    return type(data.data).__module__.split(".")[0] == "dask"


# --------------------------------------------------------------------------- #
# running numpy kernels along time, on numpy or dask data
# --------------------------------------------------------------------------- #
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
    time_array = da.from_array(times.reshape(shape), chunks=time_chunks)
    time_array = da.broadcast_to(time_array, array.shape, chunks=array.chunks)

    def with_times(block: np.ndarray, time_block: np.ndarray) -> np.ndarray:
        index: list[int | slice] = [0] * time_block.ndim
        index[axis] = slice(None)
        return kernel(block, axis=axis, times=np.asarray(time_block[tuple(index)]))

    return da.map_overlap(with_times, array, time_array, depth=depths, boundary="none", dtype=dtype)


# --------------------------------------------------------------------------- #
# the NaN report
# --------------------------------------------------------------------------- #
def report_nan_values(data: xr.DataArray | xr.Dataset, variable: str = "position") -> pd.DataFrame:
    """Count missing points per keypoint and individual, as a table.

    A point is missing when any of its ``space`` coordinates is NaN (a point
    with only ``x`` known is no use). Counting runs along ``time``; every other
    dim (``individuals``, ``keypoints``, and extra dims such as ``layers`` or
    ``views``) becomes a level of the row index, so the table has one row per
    track.

    Parameters
    ----------
    data
        A DataArray with a ``time`` dim, or a dataset (then ``data[variable]``).
    variable
        Which variable of a dataset to report on.

    Returns
    -------
    pandas.DataFrame
        Columns ``n_missing`` (int), ``n_total`` (int, the length of ``time``),
        ``fraction_missing`` (float in [0, 1]) and ``longest_gap`` (the longest
        run of consecutive missing samples, int). Sorted like the data.
    """
    if isinstance(data, xr.Dataset):
        if variable not in data.data_vars:
            raise ValueError(
                f"the dataset has no variable {variable!r}; it has "
                f"{sorted(map(str, data.data_vars))}"
            )
        data = data[variable]
    require_dims(data, ["time"], "report_nan_values")
    missing = data.isnull()
    if "space" in missing.dims:
        missing = missing.any("space")
    missing = missing.transpose("time", ...)
    track_dims = [str(d) for d in missing.dims[1:]]
    values = np.asarray(missing.values).reshape(missing.sizes["time"], -1)
    n_time = values.shape[0]
    counts = values.sum(axis=0)
    longest = _longest_runs(values)
    if track_dims:
        index = pd.MultiIndex.from_product(
            [
                np.asarray(missing[d].values)
                if d in missing.coords
                else np.arange(missing.sizes[d])
                for d in track_dims
            ],
            names=track_dims,
        )
    else:
        index = pd.Index([data.name or "data"], name="variable")
    table = pd.DataFrame(
        {
            "n_missing": counts.astype(np.int64),
            "n_total": np.full(counts.shape, n_time, dtype=np.int64),
            "fraction_missing": counts / n_time if n_time else np.zeros(counts.shape),
            "longest_gap": longest.astype(np.int64),
        },
        index=index,
    )
    return table


def _longest_runs(missing: np.ndarray) -> np.ndarray:
    """Longest run of True along axis 0 of a 2-D bool array, per column."""
    n_time, n_tracks = missing.shape
    if n_time == 0 or n_tracks == 0:
        return np.zeros(n_tracks, dtype=np.int64)
    padded = np.zeros((n_time + 2, n_tracks), dtype=np.int8)
    padded[1:-1] = missing
    edges = np.diff(padded, axis=0)
    track, start = np.nonzero(edges.T == 1)  # sorted by track, then time
    _, end = np.nonzero(edges.T == -1)
    longest = np.zeros(n_tracks, dtype=np.int64)
    if start.size:
        np.maximum.at(longest, track, end - start)
    return longest


def nan_runs(missing: np.ndarray) -> list[tuple[int, int]]:
    """Start and end index (inclusive) of every run of ``True`` in a 1-D boolean array."""
    flags = np.asarray(missing, dtype=bool).ravel()
    if flags.size == 0:
        return []
    padded = np.concatenate([[False], flags, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    pairs = zip(edges[::2], edges[1::2], strict=True)
    return [(int(start), int(stop) - 1) for start, stop in pairs]
