"""One video frame with what was tracked on it and the regions of interest over it.

:func:`plot_frame` reads the frame with :class:`movement_like.video.VideoReader`
(a video file or a folder of images), shows it in pixel coordinates (y down),
and draws over it the keypoints at that frame (optionally with the path of the
frames before), and regions of interest with their names. It is the figure to
check that regions were drawn where the arena is, and tracks where the animal is.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr

from movement_like.errors import InvalidArgumentError
from movement_like.plots._select import select_space, xy_labels
from movement_like.plots.tracks import PALETTE, new_figure, read_video_frame
from movement_like.utils.dims import to_contract_dims

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

__all__ = ["plot_frame", "time_index_of_frame", "REGION_COLORS"]

#: Region colours over a frame: the end of :data:`PALETTE`, so that they differ from
#: the colours of the first individuals' points.
REGION_COLORS = PALETTE[:1:-1]


def time_index_of_frame(data: xr.DataArray | xr.Dataset, frame: int) -> int:
    """Return the index along ``time`` of video frame ``frame``.

    The ``frame`` coordinate says it when the data has one; else the data is
    taken to start at frame 0 with one time point per frame.

    Parameters
    ----------
    data
        The dataset or array the frame is looked up in.
    frame
        The video frame number.

    Returns
    -------
    int
        The position along ``time`` that holds that frame.

    Raises
    ------
    ValueError
        If the data holds no such frame.
    """
    if "frame" in data.coords:
        hits = np.flatnonzero(np.asarray(data["frame"].values) == int(frame))
        if not hits.size:
            raise InvalidArgumentError(f"the data has no time point at frame {frame}")
        return int(hits[0])
    n_time = int(data.sizes["time"])
    if not 0 <= int(frame) < n_time:
        raise InvalidArgumentError(f"frame {frame} is outside the data's {n_time} time points")
    return int(frame)


def plot_frame(
    video: str | os.PathLike | np.ndarray,
    frame: int = 0,
    position: xr.DataArray | xr.Dataset | None = None,
    regions: Any = None,
    individuals: str | Sequence[str] | None = None,
    keypoints: str | Sequence[str] | None = None,
    trail: int = 0,
    ax: Axes | None = None,
    title: str | None = None,
    region_kwargs: dict[str, Any] | None = None,
) -> tuple[Figure | SubFigure, Axes]:
    """Show one video frame with the tracked points and regions of interest over it.

    Parameters
    ----------
    video
        A video file or image folder (read with
        :class:`~movement_like.video.VideoReader`), or the frame itself as an
        image array (grayscale or RGB).
    frame
        The frame to show (0-based).
    position
        Positions (a ``position`` DataArray or a dataset holding one), in pixels;
        ``movement``'s dim names work too. The points at ``frame`` are drawn, one
        colour per individual, one marker per keypoint.
    regions
        Regions of interest to draw (see :func:`movement_like.roi.draw_regions`).
    individuals, keypoints
        Which to draw; all by default.
    trail
        Also draw the path of the ``trail`` frames before ``frame``.
    ax
        Draw into these axes; else a new figure sized to the frame.
    title
        Axes title (default: the frame number).
    region_kwargs
        Passed on to :func:`~movement_like.roi.draw_regions` (``fill_alpha``,
        ``colors``, ``labels`` ...); regions are coloured with
        :data:`REGION_COLORS` by default.

    Returns
    -------
    fig : matplotlib.figure.Figure or SubFigure
    ax : matplotlib.axes.Axes

    Raises
    ------
    FileNotFoundError
        If the video does not exist.
    ValueError
        If the frame cannot be read, or the data holds no such frame.
    """
    if isinstance(video, np.ndarray):
        image = video
    else:
        image = read_video_frame(video, frame)
    height, width = image.shape[:2]
    fig: Figure | SubFigure
    if ax is None:
        scale = 8.0 / max(width, height)
        fig, ax = new_figure(figsize=(max(width * scale, 3.0), max(height * scale, 3.0)))
    else:
        fig = ax.figure
    ax.imshow(image, cmap="gray", origin="upper", interpolation="nearest")
    if position is not None:
        _draw_points(ax, position, frame, individuals, keypoints, trail)
    if regions is not None:
        from movement_like.roi.draw import draw_regions

        options = {"colors": REGION_COLORS, **(region_kwargs or {})}
        draw_regions(ax, regions, **options)
    ax.set_xlim(-0.5, width - 0.5)
    ax.set_ylim(height - 0.5, -0.5)
    ax.set_xlabel("x (pixels)")
    ax.set_ylabel("y (pixels)")
    ax.set_title(title if title is not None else f"frame {frame}")
    handles, _ = ax.get_legend_handles_labels()
    if handles:
        ax.legend(loc="upper right", fontsize="small", framealpha=0.8)
    return fig, ax


def _draw_points(
    ax: Axes,
    position: xr.DataArray | xr.Dataset,
    frame: int,
    individuals: str | Sequence[str] | None,
    keypoints: str | Sequence[str] | None,
    trail: int,
) -> None:
    """Draw the keypoints at ``frame`` (and their trail) on ``ax``."""
    da = position["position"] if isinstance(position, xr.Dataset) else position
    da, _ = to_contract_dims(da)
    if "individuals" not in da.dims:
        da = da.expand_dims(individuals=["individual"])
    if "keypoints" not in da.dims:
        da = da.expand_dims(keypoints=["centroid"])
    extra = [str(d) for d in da.dims if d not in ("time", "individuals", "keypoints", "space")]
    if extra:
        raise InvalidArgumentError(
            f"plot_frame cannot draw the dims {extra}; select one value of each"
        )
    if individuals is not None:
        chosen = [individuals] if isinstance(individuals, str) else list(individuals)
        da = da.sel(individuals=chosen)
    if keypoints is not None:
        da = da.sel(keypoints=[keypoints] if isinstance(keypoints, str) else list(keypoints))
    index = time_index_of_frame(da, frame)
    x_label, y_label = xy_labels(da)
    x_all = select_space(da, x_label).transpose("time", "individuals", "keypoints").values
    y_all = select_space(da, y_label).transpose("time", "individuals", "keypoints").values
    markers = ["o", "s", "^", "D", "v", "P", "X", "*"]
    names = [str(n) for n in da["individuals"].values]
    keypoint_names = [str(k) for k in da["keypoints"].values]
    for i, name in enumerate(names):
        colour = PALETTE[i % len(PALETTE)]
        if trail > 0:
            start = max(0, index - int(trail))
            centre_x = np.nanmean(x_all[start : index + 1, i], axis=-1)
            centre_y = np.nanmean(y_all[start : index + 1, i], axis=-1)
            ax.plot(centre_x, centre_y, color=colour, linewidth=1.0, alpha=0.8)
        for k, keypoint in enumerate(keypoint_names):
            ax.plot(
                [x_all[index, i, k]],
                [y_all[index, i, k]],
                linestyle="none",
                marker=markers[k % len(markers)],
                markersize=6,
                markeredgecolor="black",
                markeredgewidth=0.6,
                color=colour,
                label=f"{name} / {keypoint}" if len(names) > 1 else keypoint,
            )
