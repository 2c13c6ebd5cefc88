"""Frames streamed over frame ranges, decoded in a background thread into a bounded queue.

Decoding overlaps with whatever consumes the frames (OpenCV releases the GIL),
memory stays bounded, and every range costs one seek.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from movement_like.video.reader import VideoReader

__all__ = ["merge_ranges", "stream_frames"]


def merge_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge inclusive frame ranges ``[(first, last), ...]`` into sorted disjoint ones.

    Ranges that touch (``last + 1 == next first``) are merged too.

    Parameters
    ----------
    ranges
        Inclusive ``(first, last)`` frame ranges, in any order.

    Returns
    -------
    list of tuple
        Sorted, disjoint, non-touching ranges covering the same frames.
    """
    merged: list[list[int]] = []
    for first, last in sorted((int(a), int(b)) for a, b in ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return [(a, b) for a, b in merged]


class _StreamError:
    def __init__(self, exc: BaseException):
        self.exc = exc


def stream_frames(
    reader: VideoReader,
    ranges: Sequence[tuple[int, int]],
    max_buffered: int = 32,
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(index, gray)`` for inclusive frame ranges, decoded in a background thread.

    The decoder runs ahead of the consumer by at most ``max_buffered`` frames
    (a bounded queue), so decoding overlaps with the consumer's work (OpenCV
    releases the GIL) and memory stays bounded. Each range costs one seek.

    Parameters
    ----------
    reader
        The video.
    ranges
        Inclusive ``(first, last)`` frame ranges, sorted and disjoint
        (see :func:`merge_ranges`).
    max_buffered
        Queue size in frames.
    """
    frames: queue.Queue = queue.Queue(maxsize=max(1, max_buffered))
    stop = threading.Event()
    done = object()

    def produce() -> None:
        try:
            for first, last in ranges:
                for item in reader.read_gray(first, last + 1):
                    while not stop.is_set():
                        try:
                            frames.put(item, timeout=0.1)
                            break
                        except queue.Full:
                            continue
                    if stop.is_set():
                        return
            frames.put(done)
        except BaseException as exc:  # handed to the consumer
            frames.put(_StreamError(exc))

    thread = threading.Thread(target=produce, name="movement_like-decoder", daemon=True)
    thread.start()
    try:
        while True:
            item = frames.get()
            if item is done:
                return
            if isinstance(item, _StreamError):
                raise item.exc
            yield item
    finally:
        stop.set()
        while thread.is_alive():
            try:
                frames.get_nowait()
            except queue.Empty:
                thread.join(timeout=0.05)
