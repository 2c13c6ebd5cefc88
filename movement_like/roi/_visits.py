"""Visits: the runs of consecutive samples spent in a region, found for every series at once.

Shared by the events table (:mod:`movement_like.roi.events`) and the dwell
read-outs (:mod:`movement_like.roi.dwell`). A *series* is one track along
``time`` (one individual, keypoint, layer ...); the occupancy of every region
and series is flattened into rows of one 2-D array and its runs are found with
a handful of whole-array numpy operations (no loop over frames or series).

The minimum duration (against boundary jitter) is a hysteresis on the runs: a
change of state counts only once the new state has lasted ``min_duration``;
a shorter run takes the state of the last run that did last (or, at the start
of a track, of the first one that does). The same rule applies to the
categorical "which region" state used by the transition matrix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from movement_like.errors import InvalidArgumentError
from movement_like.roi.occupancy import compute_region_occupancy
from movement_like.roi.persist import get_regions
from movement_like.utils.along_time import time_values
from movement_like.utils.dims import DIM_ALIASES

__all__ = ["Sampling", "Runs", "occupancy_of", "centroid_of", "sampling_of", "runs", "column_name"]

#: Relative tolerance on the time steps of a regularly sampled recording.
STEP_TOLERANCE = 1e-6


def column_name(dim: str) -> str:
    """Name the table column of a dim: ``movement``'s singular name where it has one."""
    singular = {ours: alias for alias, ours in DIM_ALIASES.items()}
    return singular.get(dim, dim)


def occupancy_of(data: Any, regions: Any, centroid: bool) -> xr.DataArray:
    """Return the occupancy to analyse: given directly, or computed from positions.

    Parameters
    ----------
    data
        An occupancy DataArray (booleans with a ``region`` dim, as returned by
        :func:`~movement_like.roi.compute_region_occupancy`), positions (a
        DataArray with ``space``) or a poses Dataset.
    regions
        The regions, for positions (None for an occupancy, or for a Dataset
        that stores its regions).
    centroid
        Use the centroid of the keypoints (their mean, of those known at
        each frame) instead of every keypoint.

    Returns
    -------
    xarray.DataArray
        Booleans with dims ``region``, ``time`` and the others.
    """
    if isinstance(data, xr.DataArray) and "region" in data.dims and "space" not in data.dims:
        if regions is not None:
            raise InvalidArgumentError(
                "data is already an occupancy (it has a 'region' dim): do not pass regions"
            )
        if data.dtype != bool:
            raise InvalidArgumentError(
                f"an occupancy must be booleans (from compute_region_occupancy); got {data.dtype}"
            )
        if centroid:
            raise InvalidArgumentError("centroid=True needs positions, not an occupancy")
        occupancy = data
    else:
        if isinstance(data, xr.Dataset):
            if regions is None:
                regions = get_regions(data) or None
            data = data["position"]
        if centroid:
            data = centroid_of(data)
        occupancy = compute_region_occupancy(data, regions)
    if "time" not in occupancy.dims:
        raise InvalidArgumentError("visits are runs along 'time': the data has no 'time' dim")
    return occupancy


def centroid_of(position: xr.DataArray) -> xr.DataArray:
    """Average the keypoints known at each frame into one keypoint, ``"centroid"``.

    Parameters
    ----------
    position
        Positions with a ``keypoints`` dim.

    Returns
    -------
    xarray.DataArray
        The positions without ``keypoints``, with a scalar ``keypoints``
        coordinate ``"centroid"``; NaN where no keypoint is known.
    """
    if "keypoints" not in position.dims:
        raise InvalidArgumentError("centroid=True needs a 'keypoints' dim to average")
    return position.mean("keypoints", skipna=True).assign_coords(keypoints="centroid")


@dataclass(frozen=True)
class Sampling:
    """The regular sampling of the ``time`` axis: time, frame numbers and step."""

    time: np.ndarray
    frames: np.ndarray
    step: float
    frame_step: int

    def samples(self, duration: float) -> int:
        """Return the number of samples a duration needs (at least 1)."""
        if not math.isfinite(duration) or duration < 0:
            raise InvalidArgumentError(f"min_duration must be a number >= 0; got {duration}")
        return max(1, math.ceil(duration / self.step - STEP_TOLERANCE))


def _regular_step(values: np.ndarray, what: str) -> float | None:
    if len(values) < 2:
        return None
    steps = np.diff(values)
    step = float((values[-1] - values[0]) / (len(values) - 1))
    if not step > 0 or not np.allclose(steps, step, rtol=STEP_TOLERANCE, atol=0):
        raise InvalidArgumentError(
            f"visits need a regularly sampled recording, but the {what} steps range from "
            f"{steps.min()} to {steps.max()}; reindex sparse data to every frame first "
            "(missing frames as NaN)"
        )
    return step


def sampling_of(occupancy: xr.DataArray, fps: float | None = None) -> Sampling:
    """Return the time, frame numbers and steps of a regularly sampled occupancy.

    Parameters
    ----------
    occupancy
        The occupancy (its ``time`` coordinate and optional ``frame`` coordinate).
    fps
        Frames per second, used only to know the step of a one-sample recording.

    Returns
    -------
    Sampling
        Time values, frame numbers, time step and frame step.

    Raises
    ------
    InvalidArgumentError
        If the time (or frame) steps are not all equal.
    """
    time = time_values(occupancy)
    step = _regular_step(time, "time")
    if "frame" in occupancy.coords and occupancy["frame"].dims == ("time",):
        frames = np.asarray(occupancy["frame"].values, dtype=np.int64)
        frame_step = _regular_step(frames.astype(np.float64), "frame")
        frame_step_int = int(round(frame_step)) if frame_step is not None else 1
    else:
        frame_step_int = 1
        if step is None:
            frames = np.zeros(len(time), dtype=np.int64)
        else:
            frames = np.rint(time / step).astype(np.int64)
    if step is None:
        step = 1.0 / fps if fps else 1.0
    return Sampling(time=time, frames=frames, step=step, frame_step=frame_step_int)


@dataclass(frozen=True)
class Runs:
    """Runs of one state along time, for every row (series) of a 2-D array."""

    row: np.ndarray
    start: np.ndarray
    length: np.ndarray
    value: np.ndarray


def runs(states: np.ndarray, min_samples: int = 1) -> Runs:
    """Find the runs of equal consecutive states in each row, after the minimum-duration rule.

    Parameters
    ----------
    states
        A 2-D array (rows × time) of booleans or integer codes.
    min_samples
        A run shorter than this does not change the state (see module notes).

    Returns
    -------
    Runs
        Row, start column, length and state of every run, row by row, in time
        order; consecutive runs always differ in state.
    """
    n_rows, n_time = states.shape
    if n_rows == 0 or n_time == 0:
        empty = np.empty(0, dtype=np.int64)
        return Runs(empty, empty, empty, np.empty(0, dtype=states.dtype))
    flat = np.ascontiguousarray(states).ravel()
    begins = np.empty(flat.shape, dtype=bool)
    begins[0] = True
    np.not_equal(flat[1:], flat[:-1], out=begins[1:])
    begins[::n_time] = True
    start = np.flatnonzero(begins)
    length = np.diff(np.append(start, flat.size))
    value = flat[start]
    row = start // n_time
    column = start - row * n_time
    if min_samples > 1:
        value = _debounced(row, column, length, value, min_samples)
        keep = np.ones(len(start), dtype=bool)
        keep[1:] = (value[1:] != value[:-1]) | (row[1:] != row[:-1])
        first = np.flatnonzero(keep)
        length = np.add.reduceat(length, first)
        row, column, value = row[first], column[first], value[first]
    return Runs(row=row, start=column, length=length, value=value)


def _debounced(
    row: np.ndarray, column: np.ndarray, length: np.ndarray, value: np.ndarray, min_samples: int
) -> np.ndarray:
    """Return the state of each run under the hysteresis rule."""
    n = len(row)
    index = np.arange(n)
    lasting = length >= min_samples
    # the last lasting run at or before each run, in the same row
    before = np.maximum.accumulate(np.where(lasting, index, -1))
    has_before = before >= 0
    has_before[has_before] = row[before[has_before]] == row[has_before]
    # else the first lasting run after it, in the same row
    after = np.minimum.accumulate(np.where(lasting, index, n)[::-1])[::-1]
    has_after = after < n
    has_after[has_after] = row[after[has_after]] == row[has_after]
    # a row with no lasting run keeps the state it starts in
    first_of_row = np.maximum.accumulate(np.where(column == 0, index, 0))
    return np.where(
        has_before,
        value[np.where(has_before, before, 0)],
        np.where(has_after, value[np.where(has_after, after, 0)], value[first_of_row]),
    )
