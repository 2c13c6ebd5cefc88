"""Figures for a first look at tracked points: matplotlib, no display needed.

Every function draws on the Agg canvas (no window, no ``pyplot`` state), so
figures are ready for ``fig.savefig("out.png")`` or for display in a notebook
(``display(fig)``). matplotlib is imported only when a function is called, so
``import movement_like.plots`` stays cheap.

Functions find axes by name and take ``movement``'s dim names (``individual``,
``keypoint``) as well as ours. :func:`plot_centroid_trajectory` and
:func:`plot_occupancy` take ``movement``'s arguments and return what
``movement``'s do (``(fig, ax)`` and ``(fig, ax, hist_info)``); the others return
the figure. Regions of interest (:mod:`movement_like.roi`) are drawn with
``regions=``, and over a video frame with :func:`plot_frame`.
"""

from movement_like.plots.frame import plot_frame
from movement_like.plots.occupancy import plot_occupancy
from movement_like.plots.tracks import (
    PALETTE,
    nan_runs,
    new_figure,
    plot_confidence_histogram,
    plot_layer_comparison,
    plot_time_series,
    plot_trajectory,
    read_video_frame,
)
from movement_like.plots.trajectory import plot_centroid_trajectory

__all__ = [
    "new_figure",
    "read_video_frame",
    "plot_trajectory",
    "plot_time_series",
    "plot_confidence_histogram",
    "plot_layer_comparison",
    "nan_runs",
    "plot_centroid_trajectory",
    "plot_occupancy",
    "plot_frame",
    "PALETTE",
]
