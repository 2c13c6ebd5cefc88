"""Crossings of lines of interest: a doorway, a tripwire, the edge of a zone drawn as a line.

A point crosses a line between two consecutive samples when the step between
them cuts the line. Each crossing gets its direction: ``+1`` from the right
of the line to its left, ``-1`` from left to right, "left" and "right" as seen
walking along the line's stored coordinates (``line.coords``; lines are stored
normalised, so check them). A sample lying exactly on the line keeps the side
the track came from, so touching the line and turning back is no crossing,
going on through it is one (at the first sample off the line), and passing
through a vertex shared by two segments is one crossing, not two. A step that
cuts a folded line several times counts its net crossing (in and out again
within one step is none). Missing samples (NaN) are skipped: a crossing during
a tracking gap is reported at the first sample after the gap.

The test runs for all samples at once: one orientation test per sample and
line segment, and one intersection test per step (numpy, no loop over frames).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from movement_like.errors import ArgumentTypeError, InvalidArgumentError
from movement_like.roi._points import xy_indices
from movement_like.roi._visits import centroid_of, column_name, sampling_of
from movement_like.roi.line import LineOfInterest
from movement_like.roi.occupancy import as_region_list, unique_region_names
from movement_like.utils.dims import DIM_ALIASES, accepts_dim_aliases

__all__ = ["compute_line_crossings"]


def _last_index(mask: np.ndarray) -> np.ndarray:
    """For each sample (along the last axis), the index of the last True at or before it; -1."""
    index = np.where(mask, np.arange(mask.shape[-1]), -1)
    return np.maximum.accumulate(index, axis=-1)


def _crossings_of_segments(
    x: np.ndarray, y: np.ndarray, segs: np.ndarray, closed: bool
) -> np.ndarray:
    """Net crossing (+1, -1, 0) of each track (rows) at each sample (columns) over a polyline.

    A sample counts when its side of a segment's line differs from the side
    of the track before it, and the step from the previous known sample cuts
    that segment. Samples on the line keep the side the track had; missing
    samples are skipped (the step joins the known samples around the gap).
    """
    known = np.isfinite(x) & np.isfinite(y)
    if x.shape[-1] == 0:
        return np.zeros(x.shape, dtype=np.int64)
    previous = np.empty_like(known, dtype=np.int64)
    previous[..., 0] = -1
    previous[..., 1:] = _last_index(known)[..., :-1]
    has_step = known & (previous >= 0)
    before = np.maximum(previous, 0)
    rows = np.arange(x.shape[0])[:, None]
    px, py = x[rows, before], y[rows, before]
    direction = np.zeros(x.shape, dtype=np.int64)
    last = len(segs) - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        for i, (ax, ay, bx, by) in enumerate(segs):
            ux, uy = bx - ax, by - ay
            side = np.sign(ux * (y - ay) - uy * (x - ax)).astype(np.int8)
            side[~known] = 0
            # a sample on the line keeps the side the track had before
            last_side = _last_index(side != 0)
            held = np.where(last_side >= 0, side[rows, np.maximum(last_side, 0)], 0)
            held_before = held[rows, before]
            changed = has_step & (held != 0) & (held_before != 0) & (held != held_before)
            changed &= side != 0  # the change happens at the first sample off the line
            # where along the segment the step meets its line: [0, 1), an open line's end [0, 1]
            sx, sy = x - px, y - py
            along = ((px - ax) * sy - (py - ay) * sx) / (ux * sy - uy * sx)
            within = (along >= 0) & ((along <= 1) if (i == last and not closed) else (along < 1))
            hit = changed & within
            direction[hit] += held[hit]
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
        position = centroid_of(position)
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
        crossed = _crossings_of_segments(x, y, segs, line.is_closed)
        row, step = np.nonzero(crossed)
        rows.append(row)
        steps.append(step)
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
