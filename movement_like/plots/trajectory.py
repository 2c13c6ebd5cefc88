"""The centroid trajectory of one individual, coloured by time: ``movement``'s plot.

:func:`plot_centroid_trajectory` takes ``movement.plots.plot_centroid_trajectory``'s
arguments and returns what it returns, ``(fig, ax)``, on ``movement``'s or our
dim names. Beyond ``movement``: ``regions=`` outlines regions of interest over it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr

from movement_like.plots._select import centroid, select_space, xy_labels
from movement_like.plots.tracks import new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

__all__ = ["plot_centroid_trajectory", "DEFAULT_PLOTTING_ARGS"]

#: ``Axes.scatter`` arguments used unless given (``movement``'s defaults).
DEFAULT_PLOTTING_ARGS: dict[str, Any] = {"s": 15, "marker": "o", "alpha": 1.0}


def plot_centroid_trajectory(
    da: xr.DataArray,
    individual: str | None = None,
    keypoints: str | Sequence[str] | None = None,
    ax: Axes | None = None,
    regions: Any = None,
    **kwargs: Any,
) -> tuple[Figure | SubFigure, Axes]:
    """Scatter the trajectory of the centroid of some keypoints of one individual.

    Parameters
    ----------
    da
        Positions with dims ``time`` and ``space``, and optionally
        ``individual(s)`` and ``keypoint(s)`` (either spelling). Other dims
        (``layers``, ``views``) must be selected first.
    individual
        The individual to plot; the first by default. A list is refused.
    keypoints
        A keypoint, or keypoints whose centroid (NaN skipped) is plotted; all
        by default.
    ax
        Draw into these axes (its figure is returned); else a new 6 x 6 figure.
    regions
        Regions of interest to outline over the trajectory (see
        :func:`movement_like.roi.draw_regions`).
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.scatter`; by default points are
        coloured by ``time``, with a colour bar labelled "Time". Giving ``c``
        turns the colour bar off.

    Returns
    -------
    fig : matplotlib.figure.Figure or SubFigure
        ``ax.figure`` when ``ax`` is given.
    ax : matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    ValueError
        If ``individual`` is a list, or ``da`` has dims that must be selected first.
    """
    if isinstance(individual, list):
        raise ValueError("Only one individual can be selected.")
    data = centroid(da, keypoints, "plot_centroid_trajectory")
    if "individuals" in data.dims:
        chosen = individual if individual is not None else data["individuals"].values[0]
        data = data.sel(individuals=chosen)
    fig: Figure | SubFigure
    if ax is None:
        fig, ax = new_figure(figsize=(6, 6))
    else:
        fig = ax.figure
    c_given = "c" in kwargs
    kwargs = {**DEFAULT_PLOTTING_ARGS, **kwargs}
    kwargs.setdefault("c", np.asarray(data["time"].values))
    x_label, y_label = xy_labels(data)
    scatter = ax.scatter(
        np.asarray(select_space(data, x_label).values, dtype=float),
        np.asarray(select_space(data, y_label).values, dtype=float),
        **kwargs,
    )
    if not c_given:
        bar = fig.colorbar(scatter, ax=ax, label="Time")
        if bar.solids is not None:
            bar.solids.set(alpha=1.0)
    if regions is not None:
        from movement_like.roi.draw import draw_regions

        draw_regions(ax, regions)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("Trajectory")
    return fig, ax
