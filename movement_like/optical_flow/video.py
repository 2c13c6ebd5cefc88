"""Old home of the video reader, kept so ``movement_like.optical_flow.video`` imports work.

The reader lives in :mod:`movement_like.video`, the one module every layer may
use to open videos; import it from there.
"""

from movement_like.video import (
    IMAGE_SUFFIXES,
    VideoNotFoundError,
    VideoReader,
    open_video,
    stream_frames,
    to_gray,
)
from movement_like.video import (
    merge_ranges as merge_ranges,  # importable from here before, not in __all__
)

__all__ = [
    "IMAGE_SUFFIXES",
    "VideoNotFoundError",
    "VideoReader",
    "open_video",
    "to_gray",
    "stream_frames",
]
