"""Video files: which names are videos, finding the video of a data file, probing it.

:func:`find_video` looks for the video of a stem in a folder (any of
:data:`VIDEO_SUFFIXES`), :func:`probe_video` reads its frame count and rate
without decoding its frames (a DUSTrack layer spans the frames of its video).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import NamedTuple

from movement_like.errors import FileFormatError

__all__ = ["VIDEO_SUFFIXES", "VideoInfo", "find_video", "is_video_file", "probe_video"]

#: Video suffixes tried, in order, when looking for the video of a data file
#: (:func:`find_video`). DUSTrack itself only tries ``.mp4``.
VIDEO_SUFFIXES: tuple[str, ...] = (".mp4", ".avi", ".mov", ".mkv", ".m4v", ".mpg", ".mpeg", ".wmv")


def is_video_file(path: str | os.PathLike) -> bool:
    """Whether ``path`` has one of the :data:`VIDEO_SUFFIXES` (case-insensitive).

    Parameters
    ----------
    path
        A file name; it need not exist.

    Returns
    -------
    bool
        True for ``clip.mp4``, ``clip.AVI``; False for a folder or a data file.
    """
    return Path(path).suffix.lower() in VIDEO_SUFFIXES


def find_video(folder: str | os.PathLike, stem: str) -> Path | None:
    """Return the video ``{stem}{suffix}`` in ``folder`` (first of :data:`VIDEO_SUFFIXES`).

    Parameters
    ----------
    folder
        Where to look.
    stem
        The video's file name without suffix.

    Returns
    -------
    pathlib.Path or None
        The first existing file, trying each suffix in lower then upper case;
        None when there is none.
    """
    folder = Path(folder)
    for suffix in VIDEO_SUFFIXES:
        for candidate in (folder / f"{stem}{suffix}", folder / f"{stem}{suffix.upper()}"):
            if candidate.is_file():
                return candidate
    return None


class VideoInfo(NamedTuple):
    """What :func:`probe_video` finds out about a video without reading its frames.

    Attributes
    ----------
    n_frames
        The number of frames.
    fps
        Frames per second, or None when the file does not say.
    """

    n_frames: int
    fps: float | None


def probe_video(
    video: str | os.PathLike,
    fix: str = "check that it is a video in a format FFmpeg decodes and is not truncated",
) -> VideoInfo:
    """Return the frame count and frame rate of a video file, read with OpenCV.

    The count comes from the container; a container that does not store it
    (OpenCV reports 0) is counted by grabbing every frame, without decoding
    them to images.

    Parameters
    ----------
    video
        A video file.
    fix
        The advice of the error when OpenCV cannot open the file (callers
        say what else the user can pass instead of the video).

    Returns
    -------
    VideoInfo
        ``(n_frames, fps)``; ``fps`` is None when the file has no valid rate.

    Raises
    ------
    FileFormatError
        If OpenCV cannot open the file.
    """
    import cv2

    capture = cv2.VideoCapture(str(video))
    try:
        if not capture.isOpened():
            raise FileFormatError(video, "OpenCV cannot open this video", fix)
        n_frames = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
        fps = float(capture.get(cv2.CAP_PROP_FPS))
        if n_frames <= 0:  # some containers do not store it: count by decoding
            n_frames = 0
            while capture.grab():
                n_frames += 1
    finally:
        capture.release()
    return VideoInfo(n_frames, fps if math.isfinite(fps) and fps > 0 else None)
