"""Deprecated old home of the synthetic-video generator (now in ``sample_data.synthetic``).

The generator makes sample data (it writes video files), so it lives with the
sample data, above the analysis layer. Importing this module warns with
:class:`FutureWarning`; it goes in movement_like 0.3.
"""

from movement_like.sample_data.synthetic import (
    SyntheticMotion,
    SyntheticVideo,
    default_points,
    make_synthetic_video,
    synthetic_frames,
)
from movement_like.utils.deprecation import warn_deprecated

__all__ = [
    "SyntheticMotion",
    "SyntheticVideo",
    "make_synthetic_video",
    "synthetic_frames",
    "default_points",
]

warn_deprecated(
    "movement_like.optical_flow.synthetic",
    "movement_like.sample_data.synthetic",
    since="0.2",
    removed_in="0.3",
)
