"""The batched LK engine: many independent tracks, each frame decoded once, streamed.

Every track of a job -- all points of all windows or gaps, forward and
backward -- is a *row* (:class:`TrackRows`); the engine decodes each frame
once, and for every frame pair makes ONE LK call per direction for all rows
active on that pair. LK tracks each point independently, so the result is the
same as one call per window (DUSTrack's way, which rebuilds both images'
pyramids for every call).

Work is cut into chunks of consecutive frames (sized from a memory budget);
each chunk holds the rows whose whole span lies inside it. A background thread
decodes, a pool of worker threads runs the forward and backward sweeps of the
chunks (OpenCV releases the GIL), and the main thread hands finished chunks to
the caller (:class:`ChunkResult`). Rows longer than a chunk are tracked on
their own, streaming.

Lost points: ``lost="keep"`` keeps whatever position OpenCV returns (DUSTrack
ignores LK's ``status``); ``lost="nan"`` ends a track at the first frame LK
reports ``status == 0`` and gives NaN from there on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from movement_like.errors import InvalidArgumentError, OutOfRangeError
from movement_like.optical_flow.lk_call import check_lost, lk_call, lk_parameters
from movement_like.utils.progress import Progress, progress_bar
from movement_like.video import VideoReader, merge_ranges, stream_frames

__all__ = ["DEFAULT_BUFFER_BYTES", "TrackRows", "ChunkResult", "run_tracks"]

#: Default memory for decoded frames held at once (all chunks in flight).
DEFAULT_BUFFER_BYTES = 256 * 1024**2


@dataclass
class TrackRows:
    """Independent LK tracks ("rows") of one job.

    Row ``r`` is seeded at frame ``first[r]`` with ``seeds[r]`` and chained one
    frame at a time to frame ``last[r]`` (forward if ``last > first``, else
    backward).

    Attributes
    ----------
    first
        The seed frame of each row.
    last
        The frame each row is tracked to.
    seeds
        The seed position of each row, shape ``(rows, 2)``.
    """

    first: np.ndarray
    last: np.ndarray
    seeds: np.ndarray

    def __post_init__(self) -> None:
        self.first = np.asarray(self.first, dtype=np.int64).ravel()
        self.last = np.asarray(self.last, dtype=np.int64).ravel()
        self.seeds = np.asarray(self.seeds, dtype=np.float64).reshape(-1, 2)
        if not (len(self.first) == len(self.last) == len(self.seeds)):
            raise InvalidArgumentError(
                "first, last and seeds must describe the same number of rows"
            )
        if np.any(self.first == self.last):
            raise InvalidArgumentError("every track must span at least two frames")
        if not np.all(np.isfinite(self.seeds)):
            bad = np.flatnonzero(~np.all(np.isfinite(self.seeds), axis=1))
            raise InvalidArgumentError(
                f"LK cannot start from NaN: {len(bad)} seed point(s) are not finite "
                f"(first at frame {int(self.first[bad[0]])})"
            )

    def __len__(self) -> int:
        return len(self.first)

    @property
    def lo(self) -> np.ndarray:
        """First frame of each row's span."""
        return np.minimum(self.first, self.last)

    @property
    def hi(self) -> np.ndarray:
        """Last frame of each row's span."""
        return np.maximum(self.first, self.last)


@dataclass
class ChunkResult:
    """Paths of some rows, in frame order.

    ``values[offsets[i] : offsets[i] + lengths[i]]`` is the path of row
    ``rows[i]`` over frames ``lo[i] .. lo[i] + lengths[i] - 1``: the seed at
    frame ``first`` (as float32, as DUSTrack stores it) and LK positions elsewhere.

    Attributes
    ----------
    rows
        Which rows of the job these paths belong to.
    lo
        The first frame of each row's path.
    lengths
        The number of frames of each row's path.
    offsets
        Where each row's path starts in ``values``.
    values
        The positions of all paths, one after another, shape ``(total, 2)``.
    """

    rows: np.ndarray
    lo: np.ndarray
    lengths: np.ndarray
    offsets: np.ndarray
    values: np.ndarray


def _new_result(rows: np.ndarray, tracks: TrackRows) -> ChunkResult:
    lo = tracks.lo[rows]
    lengths = tracks.hi[rows] - lo + 1
    offsets = np.cumsum(lengths) - lengths
    values = np.full((int(lengths.sum()), 2), np.nan)
    seeds32 = tracks.seeds[rows].astype(np.float32)
    values[offsets + (tracks.first[rows] - lo)] = seeds32
    return ChunkResult(rows=rows, lo=lo, lengths=lengths, offsets=offsets, values=values)


def _sweep(
    frames: list[np.ndarray | None],
    base: int,
    tracks: TrackRows,
    result: ChunkResult,
    which: np.ndarray,
    forward: bool,
    params: dict[str, Any],
    lost: str,
) -> None:
    """Chain LK through ``frames`` (frame ``base + i`` at ``frames[i]``) for some rows.

    ``which`` indexes ``result.rows``; all those rows go in one direction. One
    LK call is made per frame pair for all rows active on it.
    """
    if len(which) == 0:
        return
    rows = result.rows[which]
    first = tracks.first[rows]
    last = tracks.last[rows]
    write_base = result.offsets[which] - result.lo[which]
    current = tracks.seeds[rows].astype(np.float32)
    order = np.argsort(first if forward else -first, kind="stable")
    starts_sorted = first[order]
    n = len(frames)
    if forward:
        pairs = range(int(first.min()), int(last.max()))  # pair (k -> k + 1)
        step = 1
    else:
        pairs = range(int(first.max()), int(last.min()), -1)  # pair (k -> k - 1)
        step = -1
    active = np.zeros(0, dtype=np.int64)
    pointer = 0
    for k in pairs:
        # rows seeded at frame k join
        if forward:
            end = int(np.searchsorted(starts_sorted, k, side="right"))
        else:
            end = int(np.searchsorted(-starts_sorted, -k, side="right"))
        if end > pointer:
            active = np.concatenate([active, order[pointer:end]])
            pointer = end
        if active.size == 0:
            continue
        target = k + step
        i_prev, i_next = k - base, target - base
        prev = frames[i_prev] if 0 <= i_prev < n else None
        nxt = frames[i_next] if 0 <= i_next < n else None
        if prev is None or nxt is None:  # pragma: no cover - the planner guarantees both
            raise RuntimeError(f"frame pair ({k}, {target}) is not in the chunk")
        moved, status = lk_call(prev, nxt, current[active], params)
        if lost == "nan":
            moved[status == 0] = np.nan
        current[active] = moved
        result.values[write_base[active] + target] = moved
        keep = last[active] != target
        if lost == "nan":
            keep &= np.isfinite(moved[:, 0])
        active = active[keep]


@dataclass
class _Chunk:
    a: int
    b: int
    rows: np.ndarray


def _plan_chunks(tracks: TrackRows, capacity: int) -> tuple[list[_Chunk], np.ndarray]:
    """Group rows into chunks of at most ``capacity`` consecutive frames.

    Returns the chunks (in frame order) and the rows longer than a chunk.
    """
    lo, hi = tracks.lo, tracks.hi
    span = hi - lo + 1
    long_rows = np.flatnonzero(span > capacity)
    rows = np.flatnonzero(span <= capacity)
    rows = rows[np.lexsort((hi[rows], lo[rows]))]
    chunks: list[_Chunk] = []
    if len(rows) == 0:
        return chunks, long_rows
    # greedy: a chunk starts at the lowest unassigned row and takes every row
    # (in order of first frame) that ends within `capacity` frames of its start
    row_lo, row_hi = lo[rows], hi[rows]
    i = 0
    while i < len(rows):
        a = int(row_lo[i])
        limit = a + capacity - 1
        fits = row_hi[i:] <= limit
        misfit = np.flatnonzero(~fits)
        j = i + (int(misfit[0]) if len(misfit) else len(rows) - i)
        chunk_rows = rows[i:j]
        chunks.append(_Chunk(a=a, b=int(row_hi[i:j].max()), rows=chunk_rows))
        i = j
    return chunks, long_rows


def _track_long_row(
    reader: VideoReader,
    tracks: TrackRows,
    row: int,
    capacity: int,
    params: dict[str, Any],
    lost: str,
) -> ChunkResult:
    """Track one row longer than a chunk, holding at most ``capacity`` frames."""
    result = _new_result(np.array([row]), tracks)
    first, last = int(tracks.first[row]), int(tracks.last[row])
    if last > first:
        prev = None
        current = tracks.seeds[row : row + 1].astype(np.float32)
        for index, frame in reader.read_gray(first, last + 1):
            if prev is not None and np.all(np.isfinite(current)):
                moved, status = lk_call(prev, frame, current, params)
                if lost == "nan" and status[0] == 0:
                    moved[:] = np.nan
                current = moved
                result.values[index - first] = moved[0]
            prev = frame
        return result
    # backward: read blocks from the end, chain within each, carry the point down
    current = tracks.seeds[row : row + 1].astype(np.float32)
    top_frame = None  # the frame just above the current block (needed for the link)
    block_end = first
    while block_end >= last and np.all(np.isfinite(current)):
        block_start = max(last, block_end - capacity + 1)
        block = [frame for _, frame in reader.read_gray(block_start, block_end + 1)]
        if top_frame is not None:
            block.append(top_frame)
        top = len(block) - 1
        for i in range(top, 0, -1):
            moved, status = lk_call(block[i], block[i - 1], current, params)
            if lost == "nan" and status[0] == 0:
                moved[:] = np.nan
            current = moved
            result.values[block_start + i - 1 - last] = moved[0]
            if not np.all(np.isfinite(current)):
                break
        top_frame = block[0]
        block_end = block_start - 1
    return result


def run_tracks(
    video: VideoReader,
    tracks: TrackRows,
    consume: Callable[[ChunkResult], None],
    lk_params: Mapping[str, Any] | None = None,
    lost: str = "keep",
    progress: Progress = True,
    desc: str = "LK tracking",
    threads: int | None = None,
    buffer_bytes: int | None = None,
) -> None:
    """Track every row, handing results to ``consume`` chunk by chunk (main thread).

    Parameters
    ----------
    video
        The video.
    tracks
        The rows.
    consume
        Called with each :class:`ChunkResult`, in frame order, in the calling thread.
    lk_params
        Overrides of :data:`LK_DEFAULTS`.
    lost
        ``"keep"`` or ``"nan"`` (see the module docstring).
    progress
        Show a tqdm progress bar over the frames tracked (True), nothing
        (False), or call ``progress(done, total)`` as they are
        (see :mod:`movement_like.utils.progress`).
    desc
        Progress-bar label.
    threads
        Worker threads for LK (default: the number of CPUs). With 1, everything
        (decoding included) runs in the calling thread.
    buffer_bytes
        Memory allowed for decoded frames held at once (default
        :data:`DEFAULT_BUFFER_BYTES`).
    """
    import cv2

    check_lost(lost)
    params = lk_parameters(lk_params)
    if len(tracks) == 0:
        return
    if int(tracks.hi.max()) >= video.n_frames:
        raise OutOfRangeError(
            f"{video.path}: tracking needs frame {int(tracks.hi.max())}, "
            f"but the video has {video.n_frames} frames"
        )
    threads = max(1, int(threads or os.cpu_count() or 1))
    if buffer_bytes is None:
        buffer_bytes = DEFAULT_BUFFER_BYTES
    in_flight = 2  # chunks decoded and queued or being tracked, besides the one filling
    capacity = max(64, int(buffer_bytes // max(video.frame_bytes, 1) // (in_flight + 1)))
    chunks, long_rows = _plan_chunks(tracks, capacity)
    regular = np.setdiff1d(np.arange(len(tracks)), long_rows)
    ranges = merge_ranges(zip(tracks.lo[regular], tracks.hi[regular], strict=True))
    n_frames_total = sum(b - a + 1 for a, b in ranges)
    n_frames_total += int(np.sum(tracks.hi[long_rows] - tracks.lo[long_rows] + 1))

    saved_threads = cv2.getNumThreads()
    cv2.setNumThreads(1)  # our threads share the cores; no nested pools
    bar = progress_bar(n_frames_total, desc, "frame", progress)
    try:
        if chunks:
            _run_chunks(video, tracks, chunks, ranges, consume, params, lost, threads, bar)
        for row in long_rows:
            result = _track_long_row(video, tracks, int(row), capacity, params, lost)
            consume(result)
            bar.update(int(result.lengths[0]))
    finally:
        cv2.setNumThreads(saved_threads)
        bar.close()


def _chunk_job(
    frames: list[np.ndarray | None],
    base: int,
    tracks: TrackRows,
    params: dict[str, Any],
    lost: str,
    forward: bool | None,
    result: ChunkResult,
) -> None:
    """Run the forward and/or backward sweep of one chunk (``forward=None``: both)."""
    directions = (True, False) if forward is None else (forward,)
    is_forward = tracks.last[result.rows] > tracks.first[result.rows]
    for direction in directions:
        which = np.flatnonzero(is_forward == direction)
        _sweep(frames, base, tracks, result, which, direction, params, lost)


def _run_chunks(
    video: VideoReader,
    tracks: TrackRows,
    chunks: list[_Chunk],
    ranges: list[tuple[int, int]],
    consume: Callable[[ChunkResult], None],
    params: dict[str, Any],
    lost: str,
    threads: int,
    bar: Any,
) -> None:
    buffer: dict[int, np.ndarray] = {}
    next_chunk = 0
    pending: list[tuple[_Chunk, ChunkResult, list[Future]]] = []
    counted_upto = -1  # frames below this were counted on the progress bar

    def finish_oldest() -> None:
        nonlocal counted_upto
        chunk, result, futures = pending.pop(0)
        for future in futures:
            future.result()
        consume(result)
        keep_from = (
            pending[0][0].a
            if pending
            else (chunks[next_chunk].a if next_chunk < len(chunks) else chunk.b + 1)
        )
        for index in [i for i in buffer if i < keep_from]:
            del buffer[index]
        new = sum(max(0, min(b, chunk.b) - max(a, counted_upto + 1) + 1) for a, b in ranges)
        counted_upto = max(counted_upto, chunk.b)
        bar.update(new)

    def submit_ready(executor: ThreadPoolExecutor | None, last_decoded: int) -> None:
        nonlocal next_chunk
        while next_chunk < len(chunks) and chunks[next_chunk].b <= last_decoded:
            chunk = chunks[next_chunk]
            next_chunk += 1
            # frames outside every row's span were never decoded (None)
            frames = [buffer.get(i) for i in range(chunk.a, chunk.b + 1)]
            result = _new_result(chunk.rows, tracks)
            futures: list[Future] = []
            if executor is None:
                _chunk_job(frames, chunk.a, tracks, params, lost, None, result)
            else:
                for direction in (True, False):
                    futures.append(
                        executor.submit(
                            _chunk_job,
                            frames,
                            chunk.a,
                            tracks,
                            params,
                            lost,
                            direction,
                            result,
                        )
                    )
            pending.append((chunk, result, futures))
            while len(pending) > (2 if executor is not None else 0):
                finish_oldest()

    if threads == 1:
        for first, last in ranges:
            for index, frame in video.read_gray(first, last + 1):
                buffer[index] = frame
                submit_ready(None, index)
        while pending:
            finish_oldest()
        return
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="movement_like-lk") as pool:
        try:
            for index, frame in stream_frames(video, ranges, max_buffered=32):
                buffer[index] = frame
                submit_ready(pool, index)
            while pending:
                finish_oldest()
        finally:
            for _, _, futures in pending:
                for future in futures:
                    future.cancel()
