"""Video reading and optical flow: LK tracking, RSTC gap filling, LK jitter reduction.

This package is the analysis layer's window onto video. It reproduces DUSTrack's
Lucas-Kanade algorithms (see ``docs/dustrack.md``) with batched, streaming code.
OpenCV (``cv2``) is imported inside the functions that need it.
"""

from movement_like.optical_flow.synthetic import (
    SyntheticMotion,
    SyntheticVideo,
    default_points,
    make_synthetic_video,
    synthetic_frames,
)

__all__ = [
    "SyntheticMotion",
    "SyntheticVideo",
    "default_points",
    "make_synthetic_video",
    "synthetic_frames",
]
