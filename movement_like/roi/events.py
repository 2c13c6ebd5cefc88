"""Entries into and exits from regions, as a table of visits.

One row per visit: a maximal run of consecutive samples during which a track
(one individual, keypoint or centroid, layer ...) is in a region, with the frame
and time it entered, the frame and time it left (the first sample outside, one
step past the last sample when the recording ends inside), and the duration.
Boundary jitter (a point hovering on an edge, a one-frame tracking dropout) is
handled by ``min_duration``: see :mod:`movement_like.roi._visits`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from movement_like.roi._visits import Runs, Sampling, column_name, occupancy_of, runs, sampling_of
from movement_like.utils.dims import DIM_ALIASES, accepts_dim_aliases

__all__ = ["compute_region_events", "EVENT_COLUMNS"]

#: The columns that follow the track columns (individual, keypoint, ...).
EVENT_COLUMNS = ("region", "frame_in", "frame_out", "time_in", "time_out", "duration")


def series_layout(occupancy: xr.DataArray) -> tuple[xr.DataArray, list[str]]:
    """Lay the occupancy out as (region, tracks..., time); name the track dims.

    Parameters
    ----------
    occupancy
        Booleans with dims ``region``, ``time`` and any others.

    Returns
    -------
    ordered : xarray.DataArray
        ``occupancy`` transposed so that ``time`` is last.
    track_dims : list of str
        The dims other than ``region`` and ``time``, in their order.
    """
    track_dims = [str(d) for d in occupancy.dims if d not in ("region", "time")]
    return occupancy.transpose("region", *track_dims, "time"), track_dims


def visits_of(
    occupancy: xr.DataArray, min_duration: float, fps: float | None = None
) -> tuple[Runs, Sampling, xr.DataArray, list[str]]:
    """Visits (runs of True) of every region and track.

    Parameters
    ----------
    occupancy
        Booleans with dims ``region``, ``time`` and any others.
    min_duration
        The hysteresis duration, in the units of ``time``.
    fps
        Frames per second, for a recording of one sample.

    Returns
    -------
    visits : Runs
        One run per visit; its ``row`` is ``region * n_tracks + track``.
    sampling : Sampling
        The time axis.
    ordered : xarray.DataArray
        The occupancy laid out as (region, tracks..., time).
    track_dims : list of str
        The track dims.
    """
    sampling = sampling_of(occupancy, fps)
    ordered, track_dims = series_layout(occupancy)
    states = np.asarray(ordered.values).reshape(-1, ordered.sizes["time"])
    found = runs(states, sampling.samples(min_duration))
    inside = found.value.astype(bool)
    visits = Runs(
        row=found.row[inside],
        start=found.start[inside],
        length=found.length[inside],
        value=found.value[inside],
    )
    return visits, sampling, ordered, track_dims


def exit_times(
    sampling: Sampling, start: np.ndarray, length: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return the times of entry and of exit (the first sample after) of visits.

    Parameters
    ----------
    sampling
        The time axis.
    start, length
        First sample and number of samples of each visit.

    Returns
    -------
    time_in, time_out : numpy.ndarray
        The time of the first sample of each visit, and of the first sample
        after it (one step past the last sample for a visit ending the recording).
    """
    time = sampling.time
    end = start + length
    within = end < len(time)
    time_out = np.where(within, time[np.minimum(end, len(time) - 1)], time[end - 1] + sampling.step)
    return time[start], time_out


def _labels(ordered: xr.DataArray, dim: str) -> np.ndarray:
    if dim in ordered.coords:
        return np.asarray(ordered[dim].values)
    return np.arange(ordered.sizes[dim])


@accepts_dim_aliases
def compute_region_events(
    data: xr.DataArray | xr.Dataset,
    regions: Any = None,
    *,
    min_duration: float = 0.0,
    centroid: bool = False,
) -> pd.DataFrame:
    """Every visit to every region, as a table of entries and exits.

    Parameters
    ----------
    data
        Positions (a DataArray with a ``space`` dim, e.g. ``ds.position``), a
        poses Dataset, or an occupancy from
        :func:`~movement_like.roi.compute_region_occupancy`. Dims may be named
        ours (``individuals``, ``keypoints``) or ``movement``'s
        (``individual``, ``keypoint``); extra dims (``layers``, ``views``)
        become columns too.
    regions
        The regions (for positions; a Dataset's stored regions by default).
    min_duration
        Against boundary jitter, in the units of ``time`` (seconds when the
        data has an fps): a change of state (entering or leaving) counts only
        once the new state has lasted this long, so shorter visits are dropped
        and shorter exits bridged. 0 (default) keeps every run.
    centroid
        Follow the centroid of the keypoints (their mean, of those known at
        each frame) instead of every keypoint; the keypoint column then reads
        ``"centroid"``.

    Returns
    -------
    pandas.DataFrame
        One row per visit, sorted by track then entry time: a column per track
        dim (``individual``, ``keypoint``, then others such as ``layers``),
        then ``region``, ``frame_in`` (first frame inside), ``frame_out``
        (first frame outside; one past the last frame if the recording ends
        inside), ``time_in``, ``time_out`` and ``duration`` (= ``time_out -
        time_in``, in the units of ``time``).

    Raises
    ------
    InvalidArgumentError
        If the recording is not regularly sampled (sparse labels), or
        ``min_duration`` is negative.

    Notes
    -----
    A missing position (NaN) is in no region, as in ``movement``'s
    occupancy; use ``min_duration`` (or interpolate first) so that a short
    tracking gap does not split a visit.
    """
    fps = data.attrs.get("fps") if isinstance(data, xr.Dataset) else None
    occupancy = occupancy_of(data, regions, centroid)
    visits, sampling, ordered, track_dims = visits_of(occupancy, min_duration, fps)
    n_tracks = int(np.prod([ordered.sizes[d] for d in track_dims], dtype=np.int64))
    region_index, track = np.divmod(visits.row, max(n_tracks, 1))
    order = np.lexsort((region_index, visits.start, track))
    region_index, track = region_index[order], track[order]
    start, length = visits.start[order], visits.length[order]
    columns: dict[str, Any] = {}
    track_shape = tuple(ordered.sizes[d] for d in track_dims)
    positions = np.unravel_index(track, track_shape) if track_dims else ()
    for dim, position in zip(track_dims, positions, strict=True):
        columns[column_name(dim)] = _labels(ordered, dim)[position]
    for name in DIM_ALIASES.values():  # a track picked with .sel() still says which it is
        if name in ordered.coords and name not in ordered.dims:
            columns[column_name(name)] = np.repeat(ordered[name].values, len(start))
    time_in, time_out = exit_times(sampling, start, length)
    frame_in = sampling.frames[start]
    columns.update(
        region=np.asarray(ordered["region"].values)[region_index],
        frame_in=frame_in,
        frame_out=frame_in + length * sampling.frame_step,
        time_in=time_in,
        time_out=time_out,
        duration=time_out - time_in,
    )
    table = pd.DataFrame(columns)
    table.attrs["time_unit"] = occupancy.attrs.get("time_unit") or (
        data.attrs.get("time_unit") if isinstance(data, xr.Dataset) else None
    )
    return table
