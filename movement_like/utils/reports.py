"""Reports on missing values: how many points are missing, and where the gaps are.

:func:`report_nan_values` returns ``movement``'s text report;
:func:`nan_report_table` the same counts, with the longest gap, as a table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from movement_like.errors import InvalidArgumentError
from movement_like.utils.checks import require_dims

__all__ = ["report_nan_values", "nan_report_table", "nan_runs"]


def report_nan_values(da: xr.DataArray, label: str | None = None) -> str:
    """Report how many points are missing (NaN), as ``movement``'s text report.

    A point is missing when any of its ``space`` coordinates is NaN. The
    count runs along ``time``, per label of every other dim; labels with no
    missing point are left out. The text is the one
    ``movement.utils.reports.report_nan_values`` (0.17) returns, so code that
    prints or compares it keeps working; :func:`nan_report_table` gives the
    same counts (and the longest gap) as a table.

    Parameters
    ----------
    da
        A DataArray with a ``time`` dim (any other dims, any names).
    label
        Names the data in the report; by default the DataArray's name, else
        ``"data"``.

    Returns
    -------
    str
        ``"No missing points (marked as NaN) in <label>."``, or
        ``"Missing points (marked as NaN) in <label>:"`` followed by a table
        of ``count/total (percent%)`` with the last dim as columns.
    """
    require_dims(da, ["time"], "report_nan_values")
    name = label or da.name or "data"
    missing = da.isnull()
    if "space" in missing.dims:
        missing = missing.any("space")
    counts = missing.sum("time").compute()  # a small array; dask cannot drop labels lazily
    counts = counts.where(counts > 0, other=0, drop=True)
    if counts.size == 0 or bool(counts.isnull().all()):
        return f"No missing points (marked as NaN) in {name}."
    total = da.sizes["time"]
    percent = (counts / total * 100).round(2)
    text = counts.astype(int).astype(str) + f"/{total} (" + percent.astype(str) + "%)"
    if text.ndim > 1:
        text = text.stack(new_dim=text.dims[:-1])
    table = text.to_pandas()
    body = table if isinstance(table, np.ndarray) else table.to_string()
    return f"Missing points (marked as NaN) in {name}:\n\n{body}"


def nan_report_table(data: xr.DataArray | xr.Dataset, variable: str = "position") -> pd.DataFrame:
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
            raise InvalidArgumentError(
                f"the dataset has no variable {variable!r}; it has "
                f"{sorted(map(str, data.data_vars))}"
            )
        data = data[variable]
    require_dims(data, ["time"], "nan_report_table")
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
    """Start and end index (inclusive) of every run of ``True`` in a 1-D boolean array.

    Parameters
    ----------
    missing
        Boolean flags, True where a value is missing (flattened if not 1-D).

    Returns
    -------
    list of tuple of int
        ``(start, end)`` pairs, both inclusive, in order; empty when nothing is missing.
    """
    flags = np.asarray(missing, dtype=bool).ravel()
    if flags.size == 0:
        return []
    padded = np.concatenate([[False], flags, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    pairs = zip(edges[::2], edges[1::2], strict=True)
    return [(int(start), int(stop) - 1) for start, stop in pairs]
