"""LK-RSTC: Reverse Sigmoid Tracking Correction, and gap filling with it.

Between two annotations (frame ``s`` and ``e > s``) LK tracks forward from the
first and, separately, backward from the second; the two paths are blended per
frame with complementary logistic weights rescaled to be exactly 1 and 0 at the
ends (epsilon = 0.01), so the result passes through both annotations
(Magana-Salgado, Namburi et al. 2023, BioMed Eng OnLine 22:52; DUSTrack's
``lucas_kanade_rstc``). :func:`fill_gaps_optical_flow` applies it to every gap
of a position array -- DUSTrack's "auto" mode -- or to one chosen interval
(its ``z z a`` operation).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
from movement_like.optical_flow.tracks import ChunkResult, TrackRows, run_tracks
from movement_like.provenance import log_operation
from movement_like.utils.progress import Progress
from movement_like.utils.reports import nan_runs
from movement_like.video import open_video

__all__ = [
    "RSTC_EPSILON",
    "FILLED_COORD",
    "rstc_weights",
    "rstc_track",
    "fill_gaps_optical_flow",
]

#: DUSTrack's steepness parameter of the sigmoid weights.
RSTC_EPSILON = 0.01
#: Name of the boolean coordinate marking the values filled by optical flow.
FILLED_COORD = "lk_filled"


def _weight_values(
    index: np.ndarray, n_frames: np.ndarray, epsilon: float
) -> tuple[np.ndarray, np.ndarray]:
    """Forward and reverse RSTC weights at ``index`` of windows of ``n_frames`` frames."""
    index = np.asarray(index, dtype=np.float64)
    last = np.asarray(n_frames, dtype=np.float64) - 1
    b = 2 * np.log(1 / epsilon - 1) / last
    c = last / 2
    forward = (1 / (1 + np.exp(b * (index - c))) - 0.5) / (1 - 2 * epsilon) + 0.5
    reverse = (1 / (1 + np.exp(-b * (index - c))) - 0.5) / (1 - 2 * epsilon) + 0.5
    # the formula reaches 1 and 0 at the ends up to rounding; make it exact
    at_start, at_end = index == 0, index == last
    forward = np.where(at_start, 1.0, np.where(at_end, 0.0, forward))
    reverse = np.where(at_start, 0.0, np.where(at_end, 1.0, reverse))
    return forward, reverse


def rstc_weights(n_frames: int, epsilon: float = RSTC_EPSILON) -> tuple[np.ndarray, np.ndarray]:
    """Return the forward and reverse RSTC weights of a window of ``n_frames`` frames.

    ``w_f(x) = (1 / (1 + exp(b (x - c))) - 1/2) / (1 - 2 eps) + 1/2`` with
    ``b = 2 ln(1/eps - 1) / (n - 1)`` and ``c = (n - 1) / 2``; ``w_r`` is its
    mirror image. ``w_f`` falls from exactly 1 to exactly 0 and ``w_f + w_r = 1``.

    Parameters
    ----------
    n_frames
        Window length in frames, at least 2.
    epsilon
        Steepness (DUSTrack: 0.01); the raw logistic equals ``1 - eps`` at the ends.

    Returns
    -------
    tuple of numpy.ndarray
        ``(w_f, w_r)``, each of length ``n_frames``.
    """
    if int(n_frames) < 2:
        raise InvalidArgumentError(f"RSTC needs at least 2 frames, got {n_frames}")
    if not 0 < epsilon < 0.5:
        raise InvalidArgumentError(f"epsilon must be in (0, 0.5), got {epsilon}")
    n = int(n_frames)
    return _weight_values(np.arange(n), np.full(n, n), epsilon)


# --------------------------------------------------------------------------- #
# segments: an RSTC window (forward row + backward row) per point
# --------------------------------------------------------------------------- #
@dataclass
class Segments:
    """RSTC windows ``start[i] .. end[i]`` (frames), anchored at two positions each."""

    start: np.ndarray
    end: np.ndarray
    start_points: np.ndarray  # (S, 2)
    end_points: np.ndarray  # (S, 2)
    forward_only: bool = False

    def __len__(self) -> int:
        return len(self.start)

    def rows(self) -> TrackRows:
        """Rows ``0..S-1`` forward from the start; rows ``S..2S-1`` backward from the end."""
        if self.forward_only:
            return TrackRows(self.start, self.end, self.start_points)
        return TrackRows(
            np.concatenate([self.start, self.end]),
            np.concatenate([self.end, self.start]),
            np.concatenate([self.start_points, self.end_points]),
        )


@dataclass
class BlendedChunk:
    """RSTC paths of some segments: ``values`` flat in frame order per segment."""

    segments: np.ndarray
    lengths: np.ndarray
    frames: np.ndarray  # frame of every value
    segment_of_value: np.ndarray  # index into `segments` of every value
    index_in_window: np.ndarray  # 0 .. n-1 of every value
    values: np.ndarray  # (sum lengths, 2)


def _ramp(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenate ``arange(s, s + n)`` for every ``(s, n)``, vectorized."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    group_start = np.cumsum(lengths) - lengths
    within = np.arange(total, dtype=np.int64) - np.repeat(group_start, lengths)
    return np.repeat(starts, lengths) + within


def blend_chunk(
    result: ChunkResult,
    n_segments: int,
    forward_only: bool = False,
    epsilon: float = RSTC_EPSILON,
) -> BlendedChunk:
    """Blend the forward and backward paths of the segments in one chunk."""
    rows = result.rows
    fwd = np.flatnonzero(rows < n_segments)
    fwd = fwd[np.argsort(rows[fwd], kind="stable")]
    segments = rows[fwd]
    lengths = result.lengths[fwd]
    flat_f = _ramp(result.offsets[fwd], lengths)
    forward_values = result.values[flat_f]
    index = _ramp(np.zeros(len(fwd), dtype=np.int64), lengths)
    if forward_only:
        values = forward_values
    else:
        bwd = np.flatnonzero(rows >= n_segments)
        bwd = bwd[np.argsort(rows[bwd], kind="stable")]
        if not np.array_equal(rows[bwd] - n_segments, segments):  # pragma: no cover
            raise RuntimeError("a segment's two tracks ended up in different chunks")
        backward_values = result.values[_ramp(result.offsets[bwd], lengths)]
        w_f, w_r = _weight_values(index, np.repeat(lengths, lengths), epsilon)
        # DUSTrack: path = forward * w_f + reverse * w_r, the reverse path in frame order
        values = forward_values * w_f[:, None]
        values += backward_values * w_r[:, None]
    return BlendedChunk(
        segments=segments,
        lengths=lengths,
        frames=_ramp(result.lo[fwd], lengths),
        segment_of_value=np.repeat(np.arange(len(fwd)), lengths),
        index_in_window=index,
        values=values,
    )


def run_segments(
    reader: Any,
    segments: Segments,
    consume: Any,
    lk_params: Mapping[str, Any] | None,
    lost: str,
    progress: Progress,
    desc: str,
    threads: int | None = None,
) -> None:
    """Track and blend every segment; ``consume(BlendedChunk)`` per chunk."""
    n = len(segments)

    def on_chunk(result: ChunkResult) -> None:
        consume(blend_chunk(result, n, segments.forward_only))

    run_tracks(reader, segments.rows(), on_chunk, lk_params, lost, progress, desc, threads)


def rstc_track(
    video: Any,
    start: int,
    end: int,
    start_points: np.ndarray,
    end_points: np.ndarray,
    lk_params: Mapping[str, Any] | None = None,
    lost: str = "keep",
    progress: Progress = False,
) -> np.ndarray:
    """Return the RSTC paths of points between frames ``start`` and ``end`` (inclusive).

    DUSTrack's ``lucas_kanade_rstc(video, start, end, start_points, end_points)``.

    Parameters
    ----------
    video
        Path, image folder or :class:`~movement_like.video.VideoReader`.
    start, end
        Frames with ``end > start``.
    start_points, end_points
        ``(P, 2)`` positions at ``start`` and at ``end``.
    lk_params, lost, progress
        As in :func:`~movement_like.optical_flow.lk.track_points`.

    Returns
    -------
    numpy.ndarray
        ``(end - start + 1, P, 2)``; the first and last rows are the anchors.
    """
    reader = open_video(video)
    start, end = int(start), int(end)
    if end <= start:
        raise InvalidArgumentError(f"RSTC needs end > start, got start={start}, end={end}")
    p_start = np.asarray(start_points, dtype=np.float64).reshape(-1, 2)
    p_end = np.asarray(end_points, dtype=np.float64).reshape(-1, 2)
    if p_start.shape != p_end.shape:
        raise InvalidArgumentError("start_points and end_points must have the same shape")
    n_points = len(p_start)
    segments = Segments(np.full(n_points, start), np.full(n_points, end), p_start, p_end)
    out = np.full((end - start + 1, n_points, 2), np.nan)

    def consume(chunk: BlendedChunk) -> None:
        out[chunk.frames - start, chunk.segments[chunk.segment_of_value]] = chunk.values

    run_segments(reader, segments, consume, lk_params, lost, progress, "LK-RSTC")
    out[0], out[-1] = p_start, p_end
    return out


# --------------------------------------------------------------------------- #
# gap filling
# --------------------------------------------------------------------------- #
@log_operation
def fill_gaps_optical_flow(
    position: xr.DataArray,
    video: Any,
    method: str = "rstc",
    max_gap: int | None = None,
    start: int | None = None,
    end: int | None = None,
    keypoints: str | Sequence[str] | None = None,
    lk_params: Mapping[str, Any] | None = None,
    progress: Progress = True,
    lost: str = "keep",
    threads: int | None = None,
) -> xr.DataArray:
    """Fill missing positions by tracking the video with Lucas-Kanade optical flow.

    Every run of missing frames of a point with an annotation on both sides is
    filled (DUSTrack's "auto" mode): with ``method="rstc"`` LK tracks forward
    from the annotation before the gap and backward from the one after, and the
    paths are blended with the RSTC sigmoid weights; ``method="forward"`` keeps
    the forward track only. All gaps of all points are tracked together, with
    one LK call per frame pair and direction. The annotations themselves are
    kept bit-exact and values outside the gaps are untouched.

    With both ``start`` and ``end`` the call is DUSTrack's interval operation
    (``z z a``): each chosen point must be annotated at frames ``start`` and
    ``end``, and every frame in between is replaced by the RSTC path.

    Parameters
    ----------
    position
        Positions with dims ``time`` and ``space`` (x, y in px) and a ``frame``
        coordinate (or integer ``time``) giving the video frame; other dims are
        kept. A missing point is NaN. Sparse data (frames missing from
        ``time``) is first reindexed onto every frame of its span.
    video
        Path to a video OpenCV reads, a folder of images, or a
        :class:`~movement_like.video.VideoReader`.
    method
        ``"rstc"`` (default) or ``"forward"``.
    max_gap
        Longest run of missing frames to fill; longer gaps stay NaN. None: no limit.
    start, end
        Video frames limiting the work (inclusive); both given: interval mode.
    keypoints
        Keypoint names to fill (default all).
    lk_params
        Overrides of DUSTrack's LK settings (winSize 45, maxLevel 2, criteria
        EPS|COUNT 10/0.03).
    progress
        Show a tqdm bar (True), nothing (False), or call ``progress(done, total)``
        as frames are tracked (see :mod:`movement_like.utils.progress`).
    lost
        ``"keep"`` (DUSTrack: ignore LK's status) or ``"nan"``: a track ends
        where LK loses the point, and a frame where either track is lost
        stays NaN.
    threads
        LK worker threads (default: all CPUs).

    Returns
    -------
    xarray.DataArray
        The filled positions, with a boolean coordinate ``lk_filled`` (dims of
        ``position`` without ``space``) that is True where optical flow wrote a
        value (or did in an earlier call).

    Warns
    -----
    UserWarning
        When gaps touch the first or last frame and so have no annotation on
        one side: they are left unfilled.
    """
    if method not in ("rstc", "forward"):
        raise InvalidArgumentError(f"method must be 'rstc' or 'forward', got {method!r}")
    if max_gap is not None and int(max_gap) < 1:
        raise InvalidArgumentError(f"max_gap must be a positive number of frames, got {max_gap}")
    table = point_table(position, densify=True)
    reader = open_video(video)
    check_video_length(reader, table.frames)
    points = select_points(table, keypoints)
    i0, i1 = frame_range(table, start, end)
    values = table.values
    valid = np.all(np.isfinite(values), axis=2)

    seg_start: list[int] = []
    seg_end: list[int] = []
    seg_point: list[int] = []
    edge_gaps: list[str] = []
    if start is not None and end is not None:
        if i1 - i0 < 1:
            raise InvalidArgumentError(f"start ({start}) and end ({end}) must be different frames")
        unannotated = [table.point_label(q) for q in points if not (valid[i0, q] and valid[i1, q])]
        if unannotated:
            raise InvalidArgumentError(
                f"interval mode needs annotations at both frame {start} and frame {end}; "
                f"missing for {unannotated}"
            )
        for q in points:
            seg_start.append(i0)
            seg_end.append(i1)
            seg_point.append(int(q))
    else:
        for q in points:
            for a, b in nan_runs(~valid[i0 : i1 + 1, q]):
                a, b = a + i0, b + i0
                if a == i0 or b == i1:  # no annotation on one side (within the range)
                    edge_gaps.append(
                        f"{table.point_label(q)} (frames {table.frames[a]}-{table.frames[b]})"
                    )
                    continue
                if max_gap is not None and b - a + 1 > int(max_gap):
                    continue
                seg_start.append(a - 1)
                seg_end.append(b + 1)
                seg_point.append(int(q))
    if edge_gaps:
        warnings.warn(
            f"{len(edge_gaps)} gap(s) touch the first or last frame (of the data, or of "
            f"start/end) and have no annotation on one side, so they were left unfilled: "
            f"{', '.join(edge_gaps[:10])}" + (" ..." if len(edge_gaps) > 10 else ""),
            UserWarning,
            stacklevel=3,
        )

    out = values.copy()
    filled = np.zeros(valid.shape, dtype=bool)
    if FILLED_COORD in table.source.coords:
        previous = table.source.coords[FILLED_COORD].transpose("time", *table.point_dims)
        earlier = previous.values  # NaN on frames added by reindexing sparse data
        earlier = np.where(earlier == True, True, False)  # noqa: E712 - also maps NaN to False
        filled |= earlier.reshape(filled.shape)
    if seg_start:
        s_idx = np.array(seg_start)
        e_idx = np.array(seg_end)
        q_idx = np.array(seg_point)
        segments = Segments(
            start=table.frames[s_idx],
            end=table.frames[e_idx],
            start_points=values[s_idx, q_idx],
            end_points=values[e_idx, q_idx],
            forward_only=method == "forward",
        )
        frame0 = int(table.frames[0])

        def consume(chunk: BlendedChunk) -> None:
            seg = chunk.segments[chunk.segment_of_value]
            inner = (chunk.index_in_window > 0) & (
                chunk.index_in_window < chunk.lengths[chunk.segment_of_value] - 1
            )
            t = chunk.frames[inner] - frame0
            q = q_idx[seg[inner]]
            new = chunk.values[inner]
            out[t, q] = new
            filled[t, q] = np.all(np.isfinite(new), axis=1)

        run_segments(
            reader,
            segments,
            consume,
            lk_params,
            lost,
            progress,
            f"Filling {len(segments)} gap(s) with LK-{method.upper()}",
            threads,
        )
    result = table.to_dataarray(out, name=str(position.name or "position"))
    return result.assign_coords({FILLED_COORD: table.pointwise_dataarray(filled)})
