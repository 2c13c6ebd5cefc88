"""Which points exist where: occupancy per frame, and the frames with some or all points.

A point is present when all its spatial coordinates are finite.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from movement_like.annotations._alignment import (
    check_dims,
    frame_values,
    position_of,
    present_points,
)
from movement_like.errors import InvalidDatasetError
from movement_like.provenance import log_operation

__all__ = ["track_occupancy", "annotated_frames", "complete_frames", "incomplete_frames"]


@log_operation
def track_occupancy(data: xr.Dataset | xr.DataArray) -> xr.Dataset:
    """Which individuals and keypoints have data on which frames, and how often.

    Parameters
    ----------
    data
        A poses Dataset or its ``position`` DataArray (extra dims are kept).

    Returns
    -------
    xarray.Dataset
        ``occupied`` (bool, per point: present or not), ``frames_per_keypoint``
        (number of frames each individual's keypoint is present),
        ``frames_per_individual`` (frames with at least one keypoint of that
        individual), ``keypoints_per_frame`` (present keypoints of each
        individual on each frame), ``individuals_per_frame`` (individuals with
        at least one keypoint on each frame).
    """
    position = position_of(data)
    check_dims(position, ("time", "individuals", "keypoints", "space"))
    occupied = present_points(position)
    per_individual = occupied.any("keypoints")
    out = xr.Dataset(
        {
            "occupied": occupied,
            "frames_per_keypoint": occupied.sum("time"),
            "frames_per_individual": per_individual.sum("time"),
            "keypoints_per_frame": occupied.sum("keypoints"),
            "individuals_per_frame": per_individual.sum("individuals"),
        }
    )
    out.attrs = {"log": data.attrs.get("log", "[]")}
    return out


def _point_mask(
    data: xr.Dataset | xr.DataArray,
    keypoints: str | Sequence[str] | None,
    individuals: str | Sequence[str] | None,
) -> xr.DataArray:
    present = present_points(position_of(data))
    for dim, chosen in (("keypoints", keypoints), ("individuals", individuals)):
        if chosen is None:
            continue
        wanted = [chosen] if isinstance(chosen, str) else list(chosen)
        available = [str(v) for v in present[dim].values]
        missing = [w for w in wanted if w not in available]
        if missing:
            raise InvalidDatasetError(f"no {dim} {missing}; the data has {available}")
        present = present.sel({dim: wanted})
    return present


def _frames_where(data: xr.Dataset | xr.DataArray, mask: xr.DataArray) -> np.ndarray:
    return frame_values(data)[np.asarray(mask.values, dtype=bool)]


def annotated_frames(
    data: xr.Dataset | xr.DataArray,
    keypoints: str | Sequence[str] | None = None,
    individuals: str | Sequence[str] | None = None,
) -> np.ndarray:
    """Frames on which any of the chosen points is present.

    Parameters
    ----------
    data
        Dataset or ``position`` DataArray.
    keypoints, individuals
        A name or a list of names; all by default. Extra dims (``layers``) are
        reduced too: select one layer first to ask about that layer.

    Returns
    -------
    numpy.ndarray
        The ``frame`` values (``time`` values when there is no ``frame``),
        ascending.
    """
    present = _point_mask(data, keypoints, individuals)
    return _frames_where(data, present.any([d for d in present.dims if d != "time"]))


def complete_frames(
    data: xr.Dataset | xr.DataArray,
    keypoints: str | Sequence[str] | None = None,
    individuals: str | Sequence[str] | None = None,
) -> np.ndarray:
    """Frames on which every chosen point is present (DUSTrack's ``frames_overlapping``).

    Same parameters and return value as :func:`annotated_frames`.

    Parameters
    ----------
    data
        A dataset or ``position`` data array.
    keypoints, individuals
        The points to consider (names or lists of names); None: all of them.

    Returns
    -------
    numpy.ndarray
        The frame numbers, sorted.
    """
    present = _point_mask(data, keypoints, individuals)
    return _frames_where(data, present.all([d for d in present.dims if d != "time"]))


def incomplete_frames(
    data: xr.Dataset | xr.DataArray,
    keypoints: str | Sequence[str] | None = None,
    individuals: str | Sequence[str] | None = None,
) -> np.ndarray:
    """Annotated frames missing at least one chosen point (dropped before DLC training).

    Same parameters and return value as :func:`annotated_frames`.

    Parameters
    ----------
    data
        A dataset or ``position`` data array.
    keypoints, individuals
        The points to consider (names or lists of names); None: all of them.

    Returns
    -------
    numpy.ndarray
        The frame numbers, sorted.
    """
    present = _point_mask(data, keypoints, individuals)
    others = [d for d in present.dims if d != "time"]
    return _frames_where(data, present.any(others) & ~present.all(others))
