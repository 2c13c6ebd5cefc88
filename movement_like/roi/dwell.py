"""Per-track read-outs of regions: time spent, latency to enter, visits, transitions.

Each read-out is one DataArray with a ``region`` dim (or ``from_region`` and
``to_region``) and the track dims of the input (``individuals``, ``keypoints``,
``layers`` ... named as the caller named them). They count the same visits as
:func:`~movement_like.roi.compute_region_events`, with the same
``min_duration`` rule, so they always agree with the events table: the time in
a region is the sum of its visits' durations, the latency is the first visit's
entry time minus the start of the recording.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from movement_like.errors import InvalidArgumentError
from movement_like.roi._visits import occupancy_of, runs, sampling_of
from movement_like.roi.events import exit_times, series_layout, visits_of
from movement_like.utils.dims import accepts_dim_aliases

__all__ = [
    "compute_time_in_region",
    "compute_latency_to_first_entry",
    "compute_number_of_visits",
    "compute_transition_matrix",
    "OUTSIDE",
]

#: The label of "in no region" in a transition matrix with ``include_outside=True``.
OUTSIDE = "outside"


def _per_track(
    values: np.ndarray, ordered: xr.DataArray, track_dims: list[str], name: str
) -> xr.DataArray:
    """Wrap a (region × tracks) result with the coordinates of the occupancy."""
    shape = (ordered.sizes["region"], *(ordered.sizes[d] for d in track_dims))
    kept = ordered.isel(time=0, drop=True).coords
    coords = {k: v for k, v in kept.items() if set(v.dims) <= {"region", *track_dims}}
    return xr.DataArray(
        values.reshape(shape), dims=("region", *track_dims), coords=coords, name=name
    )


def _fps(data: Any) -> float | None:
    return data.attrs.get("fps") if isinstance(data, xr.Dataset) else None


@accepts_dim_aliases
def compute_time_in_region(
    data: xr.DataArray | xr.Dataset,
    regions: Any = None,
    *,
    min_duration: float = 0.0,
    centroid: bool = False,
) -> xr.DataArray:
    """Total time each track spends in each region.

    Parameters
    ----------
    data, regions, min_duration, centroid
        As for :func:`~movement_like.roi.compute_region_events`.

    Returns
    -------
    xarray.DataArray
        ``time_in_region``, dims ``("region", *track dims)``: the number of
        samples inside times the time step, in the units of ``time``.
    """
    occupancy = occupancy_of(data, regions, centroid)
    visits, sampling, ordered, track_dims = visits_of(occupancy, min_duration, _fps(data))
    n_rows = int(np.prod(ordered.shape[:-1], dtype=np.int64))
    samples = np.bincount(visits.row, weights=visits.length, minlength=n_rows)
    return _per_track(samples * sampling.step, ordered, track_dims, "time_in_region")


@accepts_dim_aliases
def compute_number_of_visits(
    data: xr.DataArray | xr.Dataset,
    regions: Any = None,
    *,
    min_duration: float = 0.0,
    centroid: bool = False,
) -> xr.DataArray:
    """How many times each track enters each region (a visit under way at the start counts).

    Parameters
    ----------
    data, regions, min_duration, centroid
        As for :func:`~movement_like.roi.compute_region_events`.

    Returns
    -------
    xarray.DataArray
        ``number_of_visits`` (integers), dims ``("region", *track dims)``.
    """
    occupancy = occupancy_of(data, regions, centroid)
    visits, _, ordered, track_dims = visits_of(occupancy, min_duration, _fps(data))
    n_rows = int(np.prod(ordered.shape[:-1], dtype=np.int64))
    counts = np.bincount(visits.row, minlength=n_rows).astype(np.int64)
    return _per_track(counts, ordered, track_dims, "number_of_visits")


@accepts_dim_aliases
def compute_latency_to_first_entry(
    data: xr.DataArray | xr.Dataset,
    regions: Any = None,
    *,
    min_duration: float = 0.0,
    centroid: bool = False,
) -> xr.DataArray:
    """Time from the start of the recording to each track's first visit of each region.

    Parameters
    ----------
    data, regions, min_duration, centroid
        As for :func:`~movement_like.roi.compute_region_events`.

    Returns
    -------
    xarray.DataArray
        ``latency_to_first_entry``, dims ``("region", *track dims)``, in the
        units of ``time``: 0 for a track that starts inside, NaN for one that
        never enters.
    """
    occupancy = occupancy_of(data, regions, centroid)
    visits, sampling, ordered, track_dims = visits_of(occupancy, min_duration, _fps(data))
    n_rows = int(np.prod(ordered.shape[:-1], dtype=np.int64))
    latency = np.full(n_rows, np.nan)
    # visits come row by row in time order: the first of each row is its first entry
    rows, first = np.unique(visits.row, return_index=True)
    time_in, _ = exit_times(sampling, visits.start[first], visits.length[first])
    latency[rows] = time_in - sampling.time[0]
    return _per_track(latency, ordered, track_dims, "latency_to_first_entry")


@accepts_dim_aliases
def compute_transition_matrix(
    data: xr.DataArray | xr.Dataset,
    regions: Any = None,
    *,
    min_duration: float = 0.0,
    centroid: bool = False,
    include_outside: bool = False,
    normalize: bool = False,
) -> xr.DataArray:
    """How often each track goes from one region to another.

    At each sample a track is in one region (the first of the list that
    contains it, so list nested regions innermost first) or outside all of
    them. The sequence of regions visited, after the ``min_duration`` rule,
    gives the transitions.

    Parameters
    ----------
    data, regions, min_duration, centroid
        As for :func:`~movement_like.roi.compute_region_events`.
    include_outside
        Count "outside every region" as a state of its own, labelled
        ``"outside"``. By default time outside is skipped: leaving A and
        next entering B is one transition A → B, and leaving A and coming
        back to A counts on the diagonal.
    normalize
        Divide each row by its total (the probability of the next region
        given the current one); rows with no transition are NaN.

    Returns
    -------
    xarray.DataArray
        ``transition_matrix``, dims ``(*track dims, "from_region", "to_region")``:
        counts (integers), or fractions with ``normalize=True``.

    Raises
    ------
    InvalidArgumentError
        If ``include_outside`` is set and a region is named ``"outside"``.
    """
    occupancy = occupancy_of(data, regions, centroid)
    sampling = sampling_of(occupancy, _fps(data))
    ordered, track_dims = series_layout(occupancy)
    labels = [str(v) for v in ordered["region"].values]
    if include_outside and OUTSIDE in labels:
        raise InvalidArgumentError(
            f"a region is named {OUTSIDE!r}: rename it, or use include_outside=False"
        )
    inside = np.asarray(ordered.values)
    n_regions, n_time = inside.shape[0], inside.shape[-1]
    track_shape = inside.shape[1:-1]
    n_tracks = int(np.prod(track_shape, dtype=np.int64))
    inside = inside.reshape(n_regions, n_tracks, n_time)
    # state: index of the first region containing the point, n_regions when outside
    state = np.full((n_tracks, n_time), n_regions, dtype=np.int64)
    for index in range(n_regions - 1, -1, -1):
        state[inside[index]] = index
    found = runs(state, sampling.samples(min_duration))
    row, value = found.row, found.value
    if not include_outside:
        kept = value != n_regions
        row, value = row[kept], value[kept]
    follows = row[1:] == row[:-1]
    n_states = n_regions + 1
    flat = (row[1:] * n_states + value[:-1]) * n_states + value[1:]
    counts = np.bincount(flat[follows], minlength=n_tracks * n_states * n_states)
    counts = counts.reshape(*track_shape, n_states, n_states)
    names = labels + [OUTSIDE]
    if not include_outside:
        counts = counts[..., :n_regions, :n_regions]
        names = labels
    result: np.ndarray = counts.astype(np.int64)
    if normalize:
        totals = result.sum(axis=-1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            result = np.where(totals > 0, result / np.where(totals > 0, totals, 1), np.nan)
    kept_coords = ordered.isel(time=0, region=0, drop=True).coords
    coords: dict[str, Any] = {
        str(k): v for k, v in kept_coords.items() if set(v.dims) <= set(track_dims)
    }
    coords.update(from_region=names, to_region=names)
    return xr.DataArray(
        result,
        dims=(*track_dims, "from_region", "to_region"),
        coords=coords,
        name="transition_matrix",
    )
