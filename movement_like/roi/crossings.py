"""Crossings of lines of interest: a doorway, a tripwire, the edge of a zone drawn as a line.

A point crosses a line between two consecutive samples when the step between
them cuts the line. Each crossing gets its direction: ``+1`` from the right
of the line to its left, ``-1`` from left to right, "left" and "right" as seen
walking along the line's stored coordinates (``line.coords``; lines are stored
normalised, so check them). A sample lying exactly on the line counts as being
on its left, so touching the line and turning back is no crossing, and passing
through a vertex shared by two segments is one crossing, not two. A step that
cuts a folded line several times counts its net crossing (in and out again
within one step is none).

The test runs for all steps at once: two orientation tests per step and line
segment (numpy, no loop over frames). A step with a missing end (NaN) crosses
nothing: interpolate first if gaps may hide crossings.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from movement_like.errors import ArgumentTypeError, InvalidArgumentError
from movement_like.roi._points import xy_indices
from movement_like.roi._visits import column_name, sampling_of
from movement_like.roi.line import LineOfInterest
from movement_like.roi.occupancy import as_region_list, unique_region_names
from movement_like.utils.dims import DIM_ALIASES, accepts_dim_aliases

__all__ = ["compute_line_crossings"]


def _crossings_of_segments(
    px: np.ndarray, py: np.ndarray, qx: np.ndarray, qy: np.ndarray, segs: np.ndarray
) -> np.ndarray:
    """Net crossing of each step P→Q over a polyline: +1, -1, 0 (none, or in and out)."""
    direction = np.zeros(px.shape, dtype=np.int64)
    last = len(segs) - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        for i, (ax, ay, bx, by) in enumerate(segs):
            ux, uy = bx - ax, by - ay
            before = ux * (py - ay) - uy * (px - ax)
            after = ux * (qy - ay) - uy * (qx - ax)
            left_before, left_after = before >= 0, after >= 0
            sides = left_before != left_after
            # where along the segment the step meets its line: [0, 1), the last segment [0, 1]
            sx, sy = qx - px, qy - py
            along = ((px - ax) * sy - (py - ay) * sx) / (ux * sy - uy * sx)
            within = (along >= 0) & ((along <= 1) if i == last else (along < 1))
            hit = sides & within
            direction[hit] += np.where(left_after[hit], 1, -1)
    return direction


@accepts_dim_aliases
def compute_line_crossings(
    data: xr.DataArray | xr.Dataset,
    lines: Any,
    *,
    centroid: bool = False,
) -> pd.DataFrame:
    """Every crossing of every line, as a table.

    Parameters
    ----------
    data
        Positions (a DataArray with ``space``, e.g. ``ds.position``) or a
        poses Dataset; any other dims are tracks (their columns come first).
    lines
        A :class:`~movement_like.roi.LineOfInterest` or a sequence of them
        (open or closed).
    centroid
        Follow the centroid of the keypoints instead of every keypoint.

    Returns
    -------
    pandas.DataFrame
        One row per crossing, sorted by track then time: track columns
        (``individual``, ``keypoint`` ...), ``region`` (the line's name),
        ``frame`` and ``time`` of the first sample past the line, and
        ``direction`` (+1 right to left, -1 left to right; see the module notes).

    Raises
    ------
    ArgumentTypeError
        If a region is not a line (use :func:`compute_region_events` for polygons).
    InvalidArgumentError
        If the recording is not regularly sampled.
    """
    lines = as_region_list(lines)
    for line in lines:
        if not isinstance(line, LineOfInterest):
            raise ArgumentTypeError(
                f"{line.name} is a {type(line).__name__}: crossings are of lines; use "
                "compute_region_events for entries into and exits from polygons"
            )
    labels = unique_region_names(lines)
    position = data["position"] if isinstance(data, xr.Dataset) else data
    if centroid:
        if "keypoints" not in position.dims:
            raise InvalidArgumentError("centroid=True needs a 'keypoints' dim to average")
        position = position.mean("keypoints", skipna=True).assign_coords(keypoints="centroid")
    ix, iy = xy_indices(position)
    if "time" not in position.dims:
        raise InvalidArgumentError("crossings are steps along 'time': the data has no 'time' dim")
    fps = data.attrs.get("fps") if isinstance(data, xr.Dataset) else None
    sampling = sampling_of(position, fps)
    track_dims = [str(d) for d in position.dims if d not in ("time", "space")]
    values = np.asarray(position.transpose(*track_dims, "time", "space").values, np.float64)
    x = values[..., ix].reshape(-1, position.sizes["time"])
    y = values[..., iy].reshape(-1, position.sizes["time"])
    rows, steps, regions, directions = [], [], [], []
    for index, line in enumerate(lines):
        coords = np.asarray(line.coords, dtype=np.float64)[:, :2]
        segs = np.hstack([coords[:-1], coords[1:]])
        crossed = _crossings_of_segments(x[:, :-1], y[:, :-1], x[:, 1:], y[:, 1:], segs)
        row, step = np.nonzero(crossed)
        rows.append(row)
        steps.append(step + 1)
        regions.append(np.full(len(row), index))
        directions.append(crossed[row, step])
    row, step = np.concatenate(rows), np.concatenate(steps)
    region, direction = np.concatenate(regions), np.concatenate(directions)
    order = np.lexsort((region, step, row))
    row, step, region, direction = row[order], step[order], region[order], direction[order]
    columns: dict[str, Any] = {}
    if track_dims:
        shape = tuple(position.sizes[d] for d in track_dims)
        for dim, where in zip(track_dims, np.unravel_index(row, shape), strict=True):
            known = position[dim].values if dim in position.coords else None
            names = np.arange(position.sizes[dim]) if known is None else np.asarray(known)
            columns[column_name(dim)] = names[where]
    for name in DIM_ALIASES.values():
        if name in position.coords and name not in position.dims:
            columns[column_name(name)] = np.repeat(position[name].values, len(row))
    columns.update(
        region=np.asarray(labels)[region] if len(region) else np.empty(0, dtype=str),
        frame=sampling.frames[step],
        time=sampling.time[step],
        direction=direction.astype(np.int64),
    )
    return pd.DataFrame(columns)
