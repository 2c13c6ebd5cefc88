"""Video reading and optical flow: LK tracking, RSTC gap filling, LK jitter reduction.

This package is the analysis layer's window onto video. It reproduces DUSTrack's
Lucas-Kanade algorithms (``docs/dustrack.md``) with batched, streaming code:
each frame is decoded once, and all points of all windows or gaps share one
``cv2.calcOpticalFlowPyrLK`` call per frame pair and direction. OpenCV
(``cv2``) is imported inside the functions that need it.

Public functions
----------------
fill_gaps_optical_flow
    LK-RSTC (or forward LK) through every gap with annotations on both sides.
reduce_jitter
    DUSTrack's ``lkmovavg`` motion-compensated moving average.
flow_residual, detect_blips
    Quality checks: model vs one-step LK, and the MAD jump detector.
track_points, rstc_track, rstc_weights
    The LK primitives.
VideoReader, open_video
    Frame-accurate streaming video (or image folder) reading, from
    :mod:`movement_like.video`.

The synthetic-video generator (``make_synthetic_video`` and friends) moved to
:mod:`movement_like.sample_data.synthetic`; its old names here still work and
warn with :class:`FutureWarning`.
"""

from typing import Any

from movement_like.optical_flow.jitter import reduce_jitter, window_frames
from movement_like.optical_flow.lk import LK_DEFAULTS, lk_call_timer, lk_parameters, track_points
from movement_like.optical_flow.quality import detect_blips, flow_residual
from movement_like.optical_flow.rstc import (
    FILLED_COORD,
    RSTC_EPSILON,
    fill_gaps_optical_flow,
    rstc_track,
    rstc_weights,
)
from movement_like.video import VideoNotFoundError, VideoReader, open_video, to_gray

__all__ = [
    "FILLED_COORD",
    "LK_DEFAULTS",
    "RSTC_EPSILON",
    "SyntheticMotion",
    "SyntheticVideo",
    "VideoNotFoundError",
    "VideoReader",
    "default_points",
    "detect_blips",
    "fill_gaps_optical_flow",
    "flow_residual",
    "lk_call_timer",
    "lk_parameters",
    "make_synthetic_video",
    "open_video",
    "reduce_jitter",
    "rstc_track",
    "rstc_weights",
    "synthetic_frames",
    "to_gray",
    "track_points",
    "window_frames",
]

#: Names that moved to :mod:`movement_like.sample_data.synthetic` (deprecated here).
_MOVED_TO_SAMPLE_DATA = (
    "SyntheticMotion",
    "SyntheticVideo",
    "default_points",
    "make_synthetic_video",
    "synthetic_frames",
)


def __getattr__(name: str) -> Any:
    """Resolve the deprecated names of the synthetic-video generator (PEP 562)."""
    if name in _MOVED_TO_SAMPLE_DATA:
        from movement_like.sample_data import synthetic
        from movement_like.utils.deprecation import warn_deprecated

        warn_deprecated(
            f"movement_like.optical_flow.{name}",
            f"movement_like.sample_data.synthetic.{name}",
            since="0.2",
            removed_in="0.3",
        )
        return getattr(synthetic, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
