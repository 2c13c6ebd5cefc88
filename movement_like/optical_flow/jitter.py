"""LK jitter reduction: DUSTrack's ``lkmovavg`` ("Reduce jitter").

For a window of ``n = round(window * fps)`` frames sliding one frame at a time,
LK-RSTC runs from the trace's own value at the window's first frame to its
value at the last; every frame's output is the mean of all window paths that
cover it. In the interior this is a motion-compensated moving average: each
nearby noisy estimate is carried to the frame by optical flow before averaging,
so noise falls while real motion is kept. The first and last frames of the
range are covered by one window only and keep their input values.

All windows are tracked together: one LK call per frame pair and direction
for all points of all windows active on it.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import xarray as xr

from movement_like.errors import InvalidArgumentError
from movement_like.optical_flow._points import (
    check_video_length,
    frame_range,
    point_table,
    select_points,
)
from movement_like.optical_flow.rstc import BlendedChunk, Segments, run_segments
from movement_like.provenance import log_operation
from movement_like.utils.progress import Progress
from movement_like.video import open_video

__all__ = ["reduce_jitter", "window_frames"]


def window_frames(window: float, fps: float) -> int:
    """Return DUSTrack's window length in frames, ``round(window * fps)``.

    Python's ``round`` rounds half to even: 0.5 s at 25 fps gives 12 frames.

    Parameters
    ----------
    window
        The window in seconds.
    fps
        Frames per second of the video.

    Returns
    -------
    int
        The window in frames.
    """
    return int(round(float(window) * float(fps)))


@log_operation
def reduce_jitter(
    position: xr.DataArray,
    video: Any,
    window: float = 0.5,
    start: int | None = None,
    end: int | None = None,
    keypoints: str | Sequence[str] | None = None,
    skip_incomplete: bool = False,
    return_windows: bool = False,
    fps: float | None = None,
    lk_params: Mapping[str, Any] | None = None,
    progress: Progress = True,
    lost: str = "keep",
    threads: int | None = None,
) -> xr.DataArray | xr.Dataset:
    """Smooth trajectories with DUSTrack's LK moving average (``lkmovavg``).

    Parameters
    ----------
    position
        Dense positions with dims ``time`` and ``space`` (x, y in px) and a
        ``frame`` coordinate (or integer ``time``); other dims are kept.
    video
        Path to the video, a folder of images, or a
        :class:`~movement_like.video.VideoReader`.
    window
        Window length in seconds (DUSTrack's default 0.5);
        ``n = round(window * fps)`` frames, at least 2.
    start, end
        Video frames (inclusive) to smooth; default all. Frames outside stay as they are.
    keypoints
        Keypoint names to smooth (default all); the others stay as they are.
    skip_incomplete
        Points (keypoint of an individual, ...) that are NaN on some frame of
        the range cannot be smoothed. By default that is an error naming them;
        with True they are left unchanged, with a warning (DUSTrack's behaviour).
    return_windows
        Also return the per-window paths.
    fps
        Frame rate that sets ``n``; default the video's (as DUSTrack does).
    lk_params
        Overrides of DUSTrack's LK settings.
    progress
        Show a tqdm bar (True), nothing (False), or call ``progress(done, total)``
        as frames are tracked (see :mod:`movement_like.utils.progress`).
    lost
        ``"keep"`` (DUSTrack) or ``"nan"``: lost tracks are left out of the mean.
    threads
        LK worker threads (default: all CPUs).

    Returns
    -------
    xarray.DataArray or xarray.Dataset
        The smoothed positions (same dims and coords as ``position``), named
        like it. With ``return_windows``, a Dataset holding them as
        ``position`` and the paths as ``windows`` with a leading ``window_slot``
        dim of size ``n``: the window starting at frame ``s`` is in slot
        ``(s - start) % n`` (DUSTrack's ``.pkl`` layout), NaN where it does not reach.
    """
    table = point_table(position)
    reader = open_video(video)
    check_video_length(reader, table.frames)
    rate = fps if fps is not None else reader.fps
    if rate is None:
        raise InvalidArgumentError(
            f"{reader.path}: the video has no frame rate (an image folder?); pass fps="
        )
    n = window_frames(window, rate)
    i0, i1 = frame_range(table, start, end)
    frames = table.frames[i0 : i1 + 1]
    if len(frames) > 1 and frames[-1] - frames[0] + 1 != len(frames):
        raise InvalidArgumentError(
            "reduce_jitter needs every frame of the range in position (it holds "
            f"{len(frames)} of frames {frames[0]}..{frames[-1]}); fill the gaps first"
        )
    if n < 2:
        raise InvalidArgumentError(
            f"window={window} s at {rate:g} fps is {n} frame(s); LK-RSTC needs at least 2"
        )
    if n > len(frames):
        raise InvalidArgumentError(
            f"window={window} s at {rate:g} fps is {n} frames, longer than the "
            f"{len(frames)} frames to smooth"
        )
    values = table.values
    points = select_points(table, keypoints)
    complete = np.all(np.isfinite(values[i0 : i1 + 1]), axis=(0, 2))
    incomplete = [q for q in points if not complete[q]]
    if incomplete:
        names = [table.point_label(q) for q in incomplete]
        if not skip_incomplete:
            raise InvalidArgumentError(
                f"{len(names)} point(s) are missing on some frames of {frames[0]}..{frames[-1]} "
                f"and cannot be smoothed: {names}; fill the gaps first, narrow start/end, or "
                "pass skip_incomplete=True to leave them unchanged"
            )
        warnings.warn(
            f"skipping {len(names)} point(s) that are missing on some frames: {names}",
            UserWarning,
            stacklevel=3,
        )
        points = np.array([q for q in points if complete[q]], dtype=np.int64)
    out = values.copy()
    n_frames = len(frames)
    n_windows = n_frames - n + 1
    stack = np.full((n, n_frames, values.shape[1], 2), np.nan) if return_windows else None
    if len(points):
        # segment (window w, point j) = w * P + j
        n_pts = len(points)
        w_start = np.repeat(np.arange(n_windows), n_pts)  # window start, as range index
        w_point = np.tile(points, n_windows)
        segments = Segments(
            start=frames[w_start],
            end=frames[w_start + n - 1],
            start_points=values[i0 + w_start, w_point],
            end_points=values[i0 + w_start + n - 1, w_point],
        )
        total = np.zeros((n_frames * n_pts, 2))
        count = np.zeros(n_frames * n_pts)
        column = np.full(values.shape[1], -1)
        column[points] = np.arange(n_pts)

        def consume(chunk: BlendedChunk) -> None:
            seg = chunk.segments[chunk.segment_of_value]
            t = chunk.frames - frames[0]
            key = t * n_pts + column[w_point[seg]]
            good = np.all(np.isfinite(chunk.values), axis=1)
            size = n_frames * n_pts
            for axis in (0, 1):
                total[:, axis] += np.bincount(
                    key[good], weights=chunk.values[good, axis], minlength=size
                )
            count[:] += np.bincount(key[good], minlength=size)
            if stack is not None:
                stack[w_start[seg] % n, t, w_point[seg]] = chunk.values

        run_segments(
            reader,
            segments,
            consume,
            lk_params,
            lost,
            progress,
            f"Reducing jitter ({n_windows} windows of {n} frames)",
            threads,
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (total / count[:, None]).reshape(n_frames, n_pts, 2)
        smoothed = out[i0 : i1 + 1]
        smoothed[:, points] = mean
        # the ends come from one window's anchor: the input itself
        smoothed[0, points] = values[i0, points]
        smoothed[-1, points] = values[i1, points]
    name = str(position.name or "position")
    result = table.to_dataarray(out, name=name)
    result.attrs.update({"lkmovavg_window_s": float(window), "lkmovavg_window_frames": n})
    if stack is None:
        return result
    full = np.full((n, values.shape[0], values.shape[1], 2), np.nan)
    full[:, i0 : i1 + 1] = stack
    windows = xr.concat(
        [table.to_dataarray(full[slot], name="windows") for slot in range(n)], dim="window_slot"
    )
    return xr.Dataset({name: result, "windows": windows})
