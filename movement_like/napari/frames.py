"""Video frames as a lazy array napari can show: decoded on demand, and ahead when asked.

:class:`VideoFrames` looks like a ``(n_frames, height, width)`` uint8 array
(``shape``, ``dtype``, ``ndim``, ``__getitem__``), so napari's Image layer
slices it frame by frame. Nothing is decoded up front: a frame costs one seek
and one decode the first time it is asked for, and the last ``cache_frames``
frames asked for or decoded are kept.

Stepping forward is what a viewer does most, and decoding the next frame of a
stream is far cheaper than seeking to it. With ``read_ahead=k``, every request
for frame ``i`` (going forward) hands frames ``i+1 .. i+k`` to one background
thread, which decodes them in sequence into the cache, so the next step finds
its frame there. The reader of the napari plugin turns this on for the video
layers it makes; elsewhere it is off unless asked (``read_ahead=0``, the
default), so no thread runs behind a script's back.

The cache is bounded (``cache_frames`` frames, about 9 MB at 640x480 for 30),
the read-ahead window always fits in it, and two locks keep it safe: one for
the cache (held for a dictionary look-up, so a cache hit never waits for a
decode) and one for the decoder (whoever decodes holds it, one frame at a
time, so a request that misses waits for at most one background frame). The
thread stops with :meth:`VideoFrames.close` (the plugin calls it when the
layer leaves the viewer, and so when the viewer closes) or when the array is
garbage-collected.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from movement_like.errors import ArgumentTypeError, OutOfRangeError
from movement_like.video import VideoReader

__all__ = ["VideoFrames"]


class _Ahead:
    """What the background decoder is asked to do: frames to decode, or stop.

    Kept apart from :class:`VideoFrames` so that the thread holds no strong
    reference to the array (it is collected, and the thread stops, when the
    layer drops it).
    """

    def __init__(self) -> None:
        self.wake = threading.Condition()
        self.wanted: list[int] = []
        self.generation = 0  # bumped by every new request: the thread drops stale work
        self.busy = False
        self.stopped = False

    def ask(self, frames: Sequence[int]) -> None:
        with self.wake:
            self.wanted = list(frames)
            self.generation += 1
            self.wake.notify_all()

    def stop(self) -> None:
        with self.wake:
            self.stopped = True
            self.wanted = []
            self.wake.notify_all()

    def _done(self) -> bool:
        return self.stopped or not (self.wanted or self.busy)

    def idle(self, timeout: float | None = None) -> bool:
        with self.wake:
            return self.wake.wait_for(self._done, timeout)


def _decode_ahead(state: _Ahead, ref: weakref.ref) -> None:
    """Run the background thread: decode each wanted frame in order, until stopped."""
    while True:
        with state.wake:
            state.wake.wait_for(lambda: state.stopped or bool(state.wanted))
            if state.stopped:
                return
            wanted, generation = state.wanted, state.generation
            state.wanted, state.busy = [], True
        frames = None
        try:
            for index in wanted:
                frames = ref()
                if frames is None or state.stopped or state.generation != generation:
                    break
                frames._decode_one(index)
        finally:
            frames = None  # never wait holding the array: it must be collectable while idle
            with state.wake:
                state.busy = False
                state.wake.notify_all()


class VideoFrames:
    """A read-only, lazily decoded ``(frame, y, x)`` grayscale array of a video.

    Parameters
    ----------
    source
        A video file, an image folder, or a :class:`~movement_like.video.VideoReader`.
    cache_frames
        How many decoded frames to keep (least recently used go first).
    read_ahead
        How many frames to decode in the background after each frame asked for
        going forward (0: none, and no thread). At most ``cache_frames - 2``.
    prefetch
        Frames to decode in the background at once, e.g. the frame the viewer
        will show first (``"middle"`` is ``(n_frames - 1) // 2``, where napari
        starts a new viewer unless told otherwise), so that the decode overlaps
        with loading the points.

    Examples
    --------
    >>> frames = VideoFrames("m3v1mp4.mp4", read_ahead=8)          # doctest: +SKIP
    >>> viewer.add_image(frames, contrast_limits=(0, 255))          # doctest: +SKIP
    """

    dtype = np.dtype(np.uint8)

    def __init__(
        self,
        source: str | os.PathLike | VideoReader,
        cache_frames: int = 30,
        read_ahead: int = 0,
        prefetch: Sequence[int | str] = (),
    ):
        self.reader = source if isinstance(source, VideoReader) else VideoReader(source)
        self.cache_frames = max(int(cache_frames), 2)
        self.read_ahead = min(max(int(read_ahead), 0), self.cache_frames - 2)
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._decoder_lock = threading.Lock()
        self.decoded = 0  # frames decoded so far (a measure of laziness)
        self.hits = 0  # requests answered from the cache
        self._last = -1  # the previous request: stepping backwards reads backwards
        self._ahead = _Ahead()
        self._thread: threading.Thread | None = None
        self._closed = False
        n = self.reader.n_frames
        wanted = [(n - 1) // 2 if i == "middle" else int(i) % n for i in prefetch]
        if wanted:
            self._start_thread()
            self._ahead.ask(list(dict.fromkeys(wanted)))

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
        if len(indices) == 1:  # what napari asks for: one frame, as a (1, h, w) view
            stack = self.frame(indices[0])[None]
        elif len(indices):
            stack = np.stack([self.frame(i) for i in indices])
        else:
            stack = np.empty((0, *self.shape[1:]), dtype=np.uint8)
        return stack[(slice(None), *rest)] if rest else stack

    # ------------------------------------------------------------------ frames
    def frame(self, index: int) -> np.ndarray:
        """Return frame ``index`` (negative counts from the end), decoding it if needed.

        The array is the cache's own: read it, do not write into it.
        """
        n = self.reader.n_frames
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise OutOfRangeError(f"frame {index} is outside the video's {n} frames")
        backwards = index < self._last
        self._last = index
        found = self._cached(index)
        if found is None:
            with self._decoder_lock:
                found = self._cached(index)  # the background thread may just have made it
                if found is None:
                    start = max(0, index - self.cache_frames + 2) if backwards else index
                    found = self._decode_range(start, index + 1)[index]
        else:
            self.hits += 1
        if self.read_ahead and not backwards and not self._closed:
            self._start_thread()
            self._ahead.ask(range(index + 1, min(n, index + 1 + self.read_ahead)))
        return found

    def _cached(self, index: int) -> np.ndarray | None:
        with self._cache_lock:
            found = self._cache.get(index)
            if found is not None:
                self._cache.move_to_end(index)
            return found

    def _store(self, index: int, gray: np.ndarray) -> None:
        with self._cache_lock:
            self._cache[index] = gray
            self._cache.move_to_end(index)
            while len(self._cache) > self.cache_frames:
                self._cache.popitem(last=False)

    def _decode_range(self, start: int, stop: int) -> dict[int, np.ndarray]:
        """Decode frames ``start .. stop-1`` into the cache (the caller holds the decoder)."""
        made = {}
        for i, gray in self.reader.read_gray(start, stop):
            self._store(i, gray)
            made[i] = gray
            self.decoded += 1
        return made

    def _decode_one(self, index: int) -> None:
        """Decode one frame unless cached (the background thread's step)."""
        if self._cached(index) is not None:
            return
        with self._decoder_lock:
            if self._closed or self._cached(index) is not None:
                return
            self._decode_range(index, index + 1)

    def _start_thread(self) -> None:
        if self._thread is not None or self._closed:
            return
        self._thread = threading.Thread(
            target=_decode_ahead,
            args=(self._ahead, weakref.ref(self)),
            name="video-read-ahead",
            daemon=True,
        )
        self._thread.start()
        weakref.finalize(self, self._ahead.stop)

    @property
    def reading_ahead(self) -> bool:
        """Whether the background decoder thread is running."""
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the background decoder has nothing left to do (for tests and timings).

        Returns
        -------
        bool
            False if ``timeout`` (seconds) passed first.
        """
        return self._ahead.idle(timeout)

    def close(self) -> None:
        """Stop reading ahead, drop the cache and release the decoder (idempotent)."""
        self._closed = True
        self._ahead.stop()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        with self._decoder_lock:
            with self._cache_lock:
                self._cache.clear()
            self.reader.close()
