"""Read video frames: OpenCV files or image folders, frame-accurately, in grayscale.

:class:`VideoReader` wraps ``cv2.VideoCapture`` (any file OpenCV can decode) or
a folder of images, and knows the frame count, frame rate and size. Frames are
read frame-accurately in sequence over a range (one seek, then sequential
reads), converted to grayscale the way DUSTrack does it, and never all held in
memory: :func:`stream_frames` decodes in a background thread into a bounded
queue, so decoding overlaps with whatever consumes the frames.

Grayscale conversion: DUSTrack decodes RGB (PyAV) and applies
``cv2.COLOR_RGB2GRAY``; OpenCV decodes BGR, so ``cv2.COLOR_BGR2GRAY`` gives the
same luminance ``0.299 R + 0.587 G + 0.114 B``. Frames that are already 2-D pass
through unchanged (as in DUSTrack).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from movement_like.errors import (
    FileFormatError,
    InvalidArgumentError,
    OutOfRangeError,
    VideoNotFoundError,
)

__all__ = ["IMAGE_SUFFIXES", "VideoNotFoundError", "VideoReader", "open_video", "to_gray"]

#: Image files a folder "video" may hold (read in natural name order).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")


def to_gray(frame: np.ndarray) -> np.ndarray:
    """Return the 8-bit grayscale version of a decoded frame, as DUSTrack makes it.

    Parameters
    ----------
    frame
        ``(H, W)`` (returned unchanged), ``(H, W, 3)`` BGR as OpenCV decodes, or
        ``(H, W, 4)`` BGRA.

    Returns
    -------
    numpy.ndarray
        ``(H, W)`` array.
    """
    import cv2

    if frame.ndim == 2:
        return frame
    if frame.ndim == 3 and frame.shape[2] == 1:
        return frame[:, :, 0]
    if frame.ndim == 3 and frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)


def _natural_key(name: str) -> list[Any]:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


class VideoReader:
    """Frame-accurate sequential access to a video file or an image folder.

    Parameters
    ----------
    source
        A video file OpenCV can decode, or a folder of images (``.png``,
        ``.jpg``, ``.tif``, ``.bmp``) taken in natural name order
        (``img2.png`` before ``img10.png``).
    fps
        Frame rate to use instead of the file's (required for nothing, but image
        folders have none of their own).
    decoder_threads
        Threads FFmpeg may use to decode (0: its default, one per core). The
        default 1 suits optical flow: decoding runs in a background thread
        while the LK workers keep the other cores busy, and a multi-threaded
        decoder would only add CPU time (about 1.5x for MPEG-4 at 640x480) for
        little gain in speed.

    Attributes
    ----------
    path : pathlib.Path
    n_frames : int
    fps : float or None
    width, height : int

    Examples
    --------
    >>> with VideoReader("clip.mp4") as video:                    # doctest: +SKIP
    ...     for index, gray in video.read_gray(100, 200):
    ...         ...
    """

    fps: float | None
    n_frames: int
    width: int
    height: int

    def __init__(
        self, source: str | os.PathLike, fps: float | None = None, decoder_threads: int = 1
    ):
        self.path = Path(source)
        self.decoder_threads = int(decoder_threads)
        if not self.path.exists():
            raise VideoNotFoundError(
                self.path, "video not found", "check the path, or pass the folder of frames"
            )
        self._images: list[Path] | None = None
        self._capture: Any = None
        if self.path.is_dir():
            self._open_folder()
        else:
            self._open_file()
        if fps is not None:
            if not np.isfinite(fps) or fps <= 0:
                raise InvalidArgumentError(f"fps must be a positive number, got {fps!r}")
            self.fps = float(fps)

    # ------------------------------------------------------------------ opening
    def _open_folder(self) -> None:
        import cv2

        images = [
            p for p in self.path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()
        ]
        if not images:
            raise FileFormatError(
                self.path,
                "folder holds no images",
                f"put the frames there as {', '.join(IMAGE_SUFFIXES)} files",
            )
        self._images = sorted(images, key=lambda p: _natural_key(p.name))
        first = cv2.imread(str(self._images[0]), cv2.IMREAD_UNCHANGED)
        if first is None:
            raise FileFormatError(self._images[0], "OpenCV cannot read this image")
        self.height, self.width = int(first.shape[0]), int(first.shape[1])
        self.n_frames = len(self._images)
        self.fps = None

    def _open_file(self) -> None:
        import cv2

        capture = self._new_capture()
        if not capture.isOpened():
            raise FileFormatError(
                self.path,
                "OpenCV cannot open this file as a video",
                "check that it is a video in a format FFmpeg decodes and is not truncated",
            )
        n_frames = int(round(capture.get(cv2.CAP_PROP_FRAME_COUNT)))
        fps = float(capture.get(cv2.CAP_PROP_FPS))
        width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        ok, frame = capture.read()
        if not ok or frame is None:
            capture.release()
            raise FileFormatError(
                self.path, "OpenCV opened the file but cannot decode its first frame"
            )
        if n_frames <= 0:
            capture.release()
            raise FileFormatError(self.path, "the video reports no frames")
        self._capture = capture
        self._position = 1  # index of the frame the next read() returns
        self.n_frames = n_frames
        self.fps = fps if np.isfinite(fps) and fps > 0 else None
        self.height, self.width = (height, width) if width and height else frame.shape[:2]

    def _new_capture(self) -> Any:
        import cv2

        if self.decoder_threads > 0:
            capture = cv2.VideoCapture(
                str(self.path), cv2.CAP_FFMPEG, [cv2.CAP_PROP_N_THREADS, self.decoder_threads]
            )
            if capture.isOpened():
                return capture
        return cv2.VideoCapture(str(self.path))

    # ----------------------------------------------------------------- metadata
    @property
    def size(self) -> tuple[int, int]:
        """``(width, height)`` in px."""
        return (self.width, self.height)

    @property
    def frame_bytes(self) -> int:
        """Bytes of one grayscale frame."""
        return self.width * self.height

    def __len__(self) -> int:
        return self.n_frames

    def __repr__(self) -> str:
        fps = "unknown" if self.fps is None else f"{self.fps:g}"
        return (
            f"VideoReader({str(self.path)!r}, n_frames={self.n_frames}, fps={fps}, "
            f"size={self.width}x{self.height})"
        )

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the decoder."""
        if self._capture is not None:
            self._capture.release()
            self._capture = None

    # ------------------------------------------------------------------ reading
    def _check_range(self, start: int, stop: int) -> None:
        if not (0 <= start <= stop <= self.n_frames):
            raise OutOfRangeError(
                f"{self.path}: frames [{start}, {stop}) are outside the video's "
                f"{self.n_frames} frames"
            )

    def _seek(self, start: int) -> None:
        """Place the decoder so that the next read returns frame ``start``."""
        import cv2

        if self._capture is None:
            self._open_file()
        if self._position == start:
            return
        if start < self._position or start - self._position > 16:
            # OpenCV's FFmpeg backend seeks to the previous key frame and decodes
            # forward, frame-accurately for constant-rate streams; check it.
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, start)
            landed = int(round(self._capture.get(cv2.CAP_PROP_POS_FRAMES)))
            if landed == start:
                self._position = start
                return
            self._capture.release()  # unreliable index: restart and step through
            self._capture = self._new_capture()
            self._position = 0
        while self._position < start:
            if not self._capture.grab():
                raise self._ended_early(self._position)
            self._position += 1

    def _ended_early(self, index: int) -> FileFormatError:
        return FileFormatError(
            self.path,
            f"the video ends at frame {index} although it reports {self.n_frames} frames",
            "the file may be truncated; re-encode it or trim the data to the frames it holds",
        )

    def read_gray(
        self, start: int = 0, stop: int | None = None
    ) -> Iterator[tuple[int, np.ndarray]]:
        """Yield ``(index, gray_frame)`` for frames ``start .. stop-1`` in order.

        Seeks once, then reads sequentially: every frame is decoded once.
        """
        import cv2

        stop = self.n_frames if stop is None else stop
        self._check_range(start, stop)
        if self._images is not None:
            for index in range(start, stop):
                frame = cv2.imread(str(self._images[index]), cv2.IMREAD_UNCHANGED)
                if frame is None:
                    raise FileFormatError(self._images[index], "OpenCV cannot read this image")
                if frame.dtype != np.uint8:
                    frame = cv2.convertScaleAbs(frame, alpha=255.0 / max(float(frame.max()), 1.0))
                if frame.shape[:2] != (self.height, self.width):
                    raise FileFormatError(
                        self._images[index],
                        f"image size {frame.shape[1]}x{frame.shape[0]} differs from the "
                        f"first frame's {self.width}x{self.height}",
                    )
                yield index, to_gray(frame)
            return
        self._seek(start)
        for index in range(start, stop):
            ok, frame = self._capture.read()
            if not ok or frame is None:
                raise self._ended_early(index)
            self._position = index + 1
            yield index, to_gray(frame)

    def gray_frame(self, index: int) -> np.ndarray:
        """Return one grayscale frame (seeks; prefer :meth:`read_gray` for ranges)."""
        for _, frame in self.read_gray(index, index + 1):
            return frame
        raise OutOfRangeError(index)  # pragma: no cover - read_gray yields or raises


def open_video(video: str | os.PathLike | VideoReader, fps: float | None = None) -> VideoReader:
    """Return a :class:`VideoReader` for a path (or ``video`` itself if it is one).

    Parameters
    ----------
    video
        A video file, a folder of images, or a reader.
    fps
        Frames per second, when the file does not say (or says wrongly).

    Returns
    -------
    VideoReader
        A reader of the video's frames, decoded on demand.
    """
    if isinstance(video, VideoReader):
        return video
    if hasattr(video, "path") and hasattr(video, "positions"):  # a SyntheticVideo
        rate = fps if fps is not None else getattr(video, "fps", None)
        return VideoReader(video.path, fps=rate)
    return VideoReader(video, fps=fps)
