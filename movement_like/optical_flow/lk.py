"""Lucas-Kanade point tracking (DUSTrack's ``lucas_kanade``), batched and streamed.

:func:`track_points` chains LK from one frame to another for a set of points.
It runs on the batched engine of :mod:`.tracks` (each frame decoded once, one
LK call per frame pair for all points), with DUSTrack's settings and the call
itself in :mod:`.lk_call`; :data:`LK_DEFAULTS`, :func:`lk_parameters` and
:func:`lk_call_timer` are importable from here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from movement_like.errors import InvalidArgumentError, OutOfRangeError
from movement_like.optical_flow.lk_call import (
    LK_DEFAULTS,
    LOST_POLICIES,
    lk_call_timer,
    lk_parameters,
)
from movement_like.optical_flow.tracks import ChunkResult, TrackRows, run_tracks
from movement_like.utils.progress import Progress
from movement_like.video import open_video

__all__ = [
    "LK_DEFAULTS",
    "LOST_POLICIES",
    "lk_parameters",
    "track_points",
    "lk_call_timer",
]


def track_points(
    video: Any,
    points: np.ndarray,
    start: int,
    end: int,
    lk_params: Mapping[str, Any] | None = None,
    lost: str = "keep",
    progress: Progress = False,
) -> np.ndarray:
    """Track points with chained LK from frame ``start`` to frame ``end``.

    DUSTrack's ``lucas_kanade(video, start, end, points)``: if ``end < start``
    the frames are visited backwards. All points go through one LK call per
    frame pair.

    Parameters
    ----------
    video
        A path, an image folder or a :class:`~movement_like.video.VideoReader`.
    points
        ``(P, 2)`` positions (x, y) at frame ``start``; must be finite.
    start, end
        Frame indices (``end`` included), ``start != end``.
    lk_params
        Overrides of DUSTrack's LK settings (:data:`LK_DEFAULTS`).
    lost
        ``"keep"`` (DUSTrack) or ``"nan"`` (NaN from the frame LK loses a point).
    progress
        Show a tqdm bar (True), nothing (False), or call ``progress(done, total)``
        as frames are tracked (see :mod:`movement_like.utils.progress`).

    Returns
    -------
    numpy.ndarray
        ``(abs(end - start) + 1, P, 2)``; row ``i`` is the position at frame
        ``start + i`` (or ``start - i`` backwards); row 0 holds the seeds.
    """
    reader = open_video(video)
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    n_points = len(points)
    start, end = int(start), int(end)
    if start == end:
        raise InvalidArgumentError("start and end must differ")
    for frame in (start, end):
        if not 0 <= frame < reader.n_frames:
            raise OutOfRangeError(
                f"{reader.path}: frame {frame} is outside 0..{reader.n_frames - 1}"
            )
    tracks = TrackRows(np.full(n_points, start), np.full(n_points, end), points)
    n = abs(end - start) + 1
    out = np.full((n, n_points, 2), np.nan)

    def consume(result: ChunkResult) -> None:
        for i, row in enumerate(result.rows):
            path = result.values[result.offsets[i] : result.offsets[i] + result.lengths[i]]
            out[:, row] = path if end > start else path[::-1]

    run_tracks(reader, tracks, consume, lk_params, lost, progress, desc="LK tracking")
    out[0] = points
    return out
