"""Between DataArrays and the ``(frames, points, 2)`` arrays the LK engine works on.

Axes are found by name: ``time`` and ``space`` must exist; every other dim
(``individuals``, ``keypoints``, ``layers``, ...) is flattened into a list of
points and restored afterwards, so extra dims pass through untouched.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from movement_like.errors import (
    ArgumentTypeError,
    FileFormatError,
    InvalidArgumentError,
    InvalidDatasetError,
)


@dataclass
class PointTable:
    """``position`` as ``values[time, point, xy]`` plus what is needed to go back."""

    source: xr.DataArray  # transposed to (time, *point_dims, space), dense in frames
    values: np.ndarray  # (T, Q, 2) float64 copy
    frames: np.ndarray  # (T,) video frame index of every time point
    point_dims: tuple[str, ...]
    point_shape: tuple[int, ...]
    original_dims: tuple[str, ...]

    @property
    def n_points(self) -> int:
        """Number of flattened points."""
        return self.values.shape[1]

    def point_label(self, q: int) -> str:
        """Human-readable name of point ``q`` (e.g. ``individual_0/snout``)."""
        index = np.unravel_index(q, self.point_shape) if self.point_shape else ()
        parts = []
        for dim, i in zip(self.point_dims, index, strict=True):
            coord = self.source.coords[dim].values if dim in self.source.coords else None
            parts.append(str(coord[i]) if coord is not None else f"{dim}[{i}]")
        return "/".join(parts) if parts else "point"

    def to_dataarray(self, values: np.ndarray, name: str | None = None) -> xr.DataArray:
        """Wrap ``(T, Q, 2)`` values in the source's coords and dims order."""
        shaped = values.reshape((values.shape[0], *self.point_shape, values.shape[-1]))
        out = self.source.copy(data=shaped.astype(self.source.dtype, copy=False))
        out.name = name if name is not None else self.source.name
        return out.transpose(*self.original_dims)

    def pointwise_dataarray(self, mask: np.ndarray) -> xr.DataArray:
        """Wrap ``(T, Q)`` per-point values as a DataArray over time and the point dims."""
        dims = ("time", *self.point_dims)
        coords = {
            name: coord
            for name, coord in self.source.coords.items()
            if set(coord.dims) <= set(dims)
        }
        shaped = mask.reshape((mask.shape[0], *self.point_shape))
        order = [d for d in self.original_dims if d in dims]
        return xr.DataArray(shaped, dims=dims, coords=coords).transpose(*order)


def video_frames(position: xr.DataArray) -> np.ndarray:
    """Return the video frame index of every time point of ``position``.

    Uses the ``frame`` coordinate, or an integer ``time`` coordinate; never
    guesses frames from seconds.
    """
    if "frame" in position.coords and position.coords["frame"].dims == ("time",):
        frames = np.asarray(position.coords["frame"].values)
    elif "time" in position.coords and position.coords["time"].dtype.kind in "iu":
        frames = np.asarray(position.coords["time"].values)
    else:
        raise InvalidDatasetError(
            "position has no integer 'frame' coordinate along 'time' (and 'time' is not "
            "in frames), so its frames cannot be matched to the video; add one with "
            "position.assign_coords(frame=('time', frame_numbers))"
        )
    if frames.dtype.kind == "f":
        if not np.all(np.isfinite(frames)) or np.any(frames != np.round(frames)):
            raise InvalidDatasetError("the 'frame' coordinate must hold whole frame numbers")
    frames = frames.astype(np.int64)
    if len(frames) > 1 and np.any(np.diff(frames) <= 0):
        raise InvalidDatasetError("the 'frame' coordinate must be strictly increasing")
    if len(frames) and frames[0] < 0:
        raise InvalidDatasetError(f"frame numbers must be >= 0, got {int(frames[0])}")
    return frames


def _densify(position: xr.DataArray, frames: np.ndarray) -> tuple[xr.DataArray, np.ndarray]:
    """Reindex a sparse ``position`` (frames with holes) onto every frame of its span."""
    dense = np.arange(frames[0], frames[-1] + 1)
    time = position.coords["time"].values
    if time.dtype.kind == "f":
        new_time = np.interp(dense, frames, time)
        new_time[np.searchsorted(dense, frames)] = time  # keep existing times exactly
    else:
        new_time = dense
    out = position.reindex(time=new_time)
    out = out.assign_coords(frame=("time", dense))
    warnings.warn(
        f"position holds {len(frames)} of the {len(dense)} frames {dense[0]}..{dense[-1]}; "
        "the result is reindexed onto every frame of that span",
        UserWarning,
        stacklevel=4,
    )
    return out, dense


def point_table(position: xr.DataArray, densify: bool = False) -> PointTable:
    """Flatten ``position`` into ``(time, point, 2)``; see the module docstring."""
    if not isinstance(position, xr.DataArray):
        raise ArgumentTypeError(
            f"position must be an xarray.DataArray (e.g. ds.position), got {type(position)}"
        )
    for dim in ("time", "space"):
        if dim not in position.dims:
            raise InvalidDatasetError(f"position must have a '{dim}' dimension: {position.dims}")
    if position.sizes["space"] != 2:
        raise InvalidDatasetError(
            f"optical flow works on 2-D image positions; 'space' has {position.sizes['space']}"
        )
    frames = video_frames(position)
    if densify and len(frames) > 1 and frames[-1] - frames[0] + 1 != len(frames):
        position, frames = _densify(position, frames)
    point_dims = tuple(str(d) for d in position.dims if d not in ("time", "space"))
    source = position.transpose("time", *point_dims, "space")
    point_shape = tuple(source.sizes[d] for d in point_dims)
    values = np.array(source.values, dtype=np.float64).reshape(source.sizes["time"], -1, 2)
    return PointTable(
        source=source,
        values=values,
        frames=frames,
        point_dims=point_dims,
        point_shape=point_shape,
        original_dims=tuple(str(d) for d in position.dims),
    )


def select_points(table: PointTable, keypoints: str | Sequence[str] | None) -> np.ndarray:
    """Return the flat indices of the points belonging to ``keypoints`` (all if None)."""
    if keypoints is None:
        return np.arange(table.n_points)
    if "keypoints" not in table.point_dims:
        raise InvalidDatasetError("keypoints were given, but position has no 'keypoints' dim")
    wanted = [keypoints] if isinstance(keypoints, str) else list(keypoints)
    names = [str(k) for k in table.source.coords["keypoints"].values]
    missing = [k for k in wanted if str(k) not in names]
    if missing:
        raise InvalidArgumentError(f"unknown keypoints {missing}; position has {names}")
    axis = table.point_dims.index("keypoints")
    grid = np.indices(table.point_shape).reshape(len(table.point_shape), -1)
    chosen = {names.index(str(k)) for k in wanted}
    return np.flatnonzero(np.isin(grid[axis], sorted(chosen)))


def frame_range(table: PointTable, start: int | None, end: int | None) -> tuple[int, int]:
    """Return time indices ``(i0, i1)`` (inclusive) of video frames ``start..end``."""
    frames = table.frames
    first = int(frames[0]) if start is None else int(start)
    last = int(frames[-1]) if end is None else int(end)
    if first > last:
        raise InvalidArgumentError(f"start ({first}) is after end ({last})")
    for label, frame in (("start", first), ("end", last)):
        if not frames[0] <= frame <= frames[-1]:
            raise InvalidArgumentError(
                f"{label}={frame} is outside the frames of position ({frames[0]}..{frames[-1]})"
            )
    i0 = int(np.searchsorted(frames, first, side="left"))
    i1 = int(np.searchsorted(frames, last, side="right")) - 1
    return i0, i1


def check_video_length(reader: Any, frames: np.ndarray) -> None:
    """Raise if the video is shorter than the frames the data refers to."""
    if len(frames) and int(frames[-1]) >= reader.n_frames:
        raise FileFormatError(
            reader.path,
            f"the video has {reader.n_frames} frames, but the data reaches frame {int(frames[-1])}",
            "check that this is the video the positions were tracked on, or trim the data "
            "with position.sel(time=...)",
        )
