"""Video for every layer: find, probe and read frames (OpenCV files or image folders).

This package is the one place that opens videos: the readers of the I/O layer
(a DUSTrack layer finds and probes the video it annotates), optical flow and
the plots all go through it. It imports only :mod:`movement_like.errors`, and
OpenCV (``cv2``) inside the functions that need it.

* :mod:`.files`: :func:`find_video` looks for the video of a stem in a folder
  (any of :data:`VIDEO_SUFFIXES`), :func:`probe_video` reads its frame count
  and rate;
* :mod:`.reader`: :class:`VideoReader`, frame-accurate grayscale frames of a
  file or an image folder;
* :mod:`.stream`: :func:`stream_frames`, frames decoded in a background thread.
"""

from movement_like.errors import VideoNotFoundError
from movement_like.video.files import (
    VIDEO_SUFFIXES,
    VideoInfo,
    find_video,
    is_video_file,
    probe_video,
)
from movement_like.video.reader import IMAGE_SUFFIXES, VideoReader, open_video, to_gray
from movement_like.video.stream import merge_ranges, stream_frames

__all__ = [
    "IMAGE_SUFFIXES",
    "VIDEO_SUFFIXES",
    "VideoInfo",
    "VideoNotFoundError",
    "VideoReader",
    "find_video",
    "is_video_file",
    "merge_ranges",
    "open_video",
    "probe_video",
    "to_gray",
    "stream_frames",
]
