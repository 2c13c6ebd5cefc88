"""Video frames as a lazy array napari can show: decoded on demand, a few at a time.

:class:`VideoFrames` looks like a ``(n_frames, height, width)`` uint8 array
(``shape``, ``dtype``, ``ndim``, ``__getitem__``), so napari's Image layer
slices it frame by frame. Nothing is decoded up front: the first frame costs
one seek and one decode; a frame that is not cached is decoded together with
the next few (one sequential read, the cheap way to decode), and after each
request a background thread decodes the frames that come after it, so
stepping or playing forward finds them ready. The cache holds at most
``cache_frames`` frames (about 9 MB at 640x480 for the default 30).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

from movement_like.errors import ArgumentTypeError, OutOfRangeError
from movement_like.video import VideoReader

__all__ = ["VideoFrames"]


class VideoFrames:
    """A read-only, lazily decoded ``(frame, y, x)`` grayscale array of a video.

    Parameters
    ----------
    source
        A video file, an image folder, or a :class:`~movement_like.video.VideoReader`.
    cache_frames
        How many decoded frames to keep (least recently used go first).
    read_ahead
        How many frames to decode after each requested frame (0: none).
    prefetch
        Frames to decode at once in the background, e.g. the frame the viewer
        will show first: ``"middle"`` is ``(n_frames - 1) // 2``, where napari
        starts, so that its seek overlaps with loading the points.

    Examples
    --------
    >>> frames = VideoFrames("m3v1mp4.mp4")                         # doctest: +SKIP
    >>> viewer.add_image(frames, contrast_limits=(0, 255))          # doctest: +SKIP
    """

    dtype = np.dtype(np.uint8)

    def __init__(
        self,
        source: str | os.PathLike | VideoReader,
        cache_frames: int = 30,
        read_ahead: int = 8,
        prefetch: Sequence[int | str] = (),
    ):
        self.reader = source if isinstance(source, VideoReader) else VideoReader(source)
        self.cache_frames = max(int(cache_frames), 1)
        self.read_ahead = max(int(read_ahead), 0)
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self._lock = threading.RLock()  # guards the decoder and the cache
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="video-ahead")
        self._pending: Future | None = None
        self.decoded = 0  # frames decoded so far (a measure of laziness)
        self._last = -1  # the previous request: stepping backwards reads ahead backwards
        n = self.reader.n_frames
        wanted = sorted({(n - 1) // 2 if i == "middle" else int(i) % n for i in prefetch})
        if wanted:
            self._pending = self._executor.submit(self._prefetch, wanted)

    # ----------------------------------------------------------- array protocol
    @property
    def shape(self) -> tuple[int, int, int]:
        """``(n_frames, height, width)``."""
        return (self.reader.n_frames, self.reader.height, self.reader.width)

    @property
    def ndim(self) -> int:
        """Always 3."""
        return 3

    @property
    def size(self) -> int:
        """Number of pixels in all frames (nothing is decoded to know it)."""
        n, h, w = self.shape
        return n * h * w

    def __len__(self) -> int:
        return self.reader.n_frames

    def __repr__(self) -> str:
        return f"VideoFrames({str(self.reader.path)!r}, shape={self.shape})"

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        raise ArgumentTypeError(
            "VideoFrames will not decode the whole video into memory; index it by frame"
        )

    def __getitem__(self, key: Any) -> np.ndarray:
        if not isinstance(key, tuple):
            key = (key,)
        first, rest = key[0], key[1:]
        if isinstance(first, (int, np.integer)):
            return self.frame(int(first))[rest] if rest else self.frame(int(first))
        indices = range(self.reader.n_frames)[first]
        if isinstance(indices, int):  # pragma: no cover - range[int] handled above
            return self.frame(indices)
        if len(indices) > self.cache_frames:
            raise OutOfRangeError(
                f"asked for {len(indices)} frames at once; VideoFrames hands out at most "
                f"{self.cache_frames} (cache_frames) so that no call decodes the whole video"
            )
        stack = (
            np.stack([self.frame(i) for i in indices])
            if len(indices)
            else np.empty((0, *self.shape[1:]), dtype=np.uint8)
        )
        return stack[(slice(None), *rest)] if rest else stack

    # ------------------------------------------------------------------ frames
    def frame(self, index: int) -> np.ndarray:
        """Return frame ``index`` (negative counts from the end), decoding it if needed."""
        n = self.reader.n_frames
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise OutOfRangeError(f"frame {index} is outside the video's {n} frames")
        backwards = index < self._last
        self._last = index
        with self._lock:
            cached = self._cache.get(index)
            if cached is not None:
                self._cache.move_to_end(index)
            else:
                if backwards:  # one seek serves the frames before it too
                    self._decode(max(0, index - self.cache_frames + 2), index + 1)
                else:
                    self._decode(index, min(n, index + 1 + self.read_ahead // 2))
                self._cache.move_to_end(index)
                cached = self._cache[index]
        if not backwards:
            self._schedule_ahead(index)
        return cached

    def _decode(self, start: int, stop: int) -> None:
        """Decode frames ``start .. stop-1`` into the cache (caller holds the lock)."""
        for i, gray in self.reader.read_gray(start, stop):
            self._cache[i] = gray
            self._cache.move_to_end(i)
            self.decoded += 1
        while len(self._cache) > self.cache_frames:
            self._cache.popitem(last=False)

    def _schedule_ahead(self, index: int) -> None:
        if self.read_ahead == 0 or (self._pending is not None and not self._pending.done()):
            return
        stop = min(self.reader.n_frames, index + 1 + self.read_ahead)
        start = index + 1
        with self._lock:
            while start < stop and start in self._cache:
                start += 1
        if start < stop:
            self._pending = self._executor.submit(self._ahead, start, stop)

    def _prefetch(self, frames: Sequence[int]) -> None:
        for index in frames:
            with self._lock:
                if index not in self._cache:
                    self._decode(index, index + 1)

    def _ahead(self, start: int, stop: int) -> None:
        with self._lock:
            missing = [i for i in range(start, stop) if i not in self._cache]
            if missing:
                self._decode(missing[0], missing[-1] + 1)

    def wait(self) -> None:
        """Wait for the background read-ahead to finish (for tests and timings)."""
        pending = self._pending
        if pending is not None:
            pending.result()

    def close(self) -> None:
        """Stop reading ahead and release the decoder."""
        self._executor.shutdown(wait=True)
        with self._lock:
            self._cache.clear()
            self.reader.close()
