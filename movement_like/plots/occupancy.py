"""Where the animals were: a 2-D histogram of positions, ``movement``'s occupancy plot.

:func:`plot_occupancy` takes ``movement.plots.plot_occupancy``'s arguments and
returns what it returns, ``(fig, ax, {"h", "xedges", "yedges"})``, on
``movement``'s or our dim names. Beyond ``movement``: ``regions=`` outlines
regions of interest over the histogram (outlines only, so the counts show).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import xarray as xr

from movement_like.plots._select import _as_selection, centroid, select_space, xy_labels
from movement_like.plots.tracks import new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

__all__ = ["plot_occupancy", "DEFAULT_HIST_ARGS"]

#: ``Axes.hist2d`` arguments used unless given (``movement``'s defaults).
DEFAULT_HIST_ARGS: dict[str, Any] = {"alpha": 1.0, "bins": 30, "cmap": "viridis"}

HistInfoKeys = Literal["h", "xedges", "yedges"]


def plot_occupancy(
    da: xr.DataArray,
    individuals: Hashable | Sequence[Hashable] | None = None,
    keypoints: Hashable | Sequence[Hashable] | None = None,
    ax: Axes | None = None,
    regions: Any = None,
    **kwargs: Any,
) -> tuple[Figure | SubFigure, Axes, dict[HistInfoKeys, np.ndarray]]:
    """Draw a 2-D occupancy histogram of the centroid of some keypoints.

    The chosen keypoints are averaged into one centroid per individual and
    frame (NaN skipped); the chosen individuals are pooled; time points whose
    centroid is NaN are left out.

    Parameters
    ----------
    da
        Positions with dims ``time`` and ``space``, and optionally
        ``individual(s)`` and ``keypoint(s)`` (either spelling). Other dims
        (``layers``, ``views``) must be selected first.
    individuals
        An individual or a list of them to pool; all by default.
    keypoints
        A keypoint or a list of them (their centroid is counted); all by default.
    ax
        Draw into these axes (its figure is returned); else a new figure.
    regions
        Regions of interest to outline over the histogram (no fill).
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.hist2d` (defaults:
        :data:`DEFAULT_HIST_ARGS`), e.g. ``bins=[30, 20]``, ``cmin=1``, ``norm="log"``.

    Returns
    -------
    fig : matplotlib.figure.Figure or SubFigure
        ``ax``'s figure when ``ax`` is given.
    ax : matplotlib.axes.Axes
        The axes drawn on.
    hist2d_info : dict
        ``h`` (counts, x bins × y bins), ``xedges`` and ``yedges``, as
        :meth:`~matplotlib.axes.Axes.hist2d` returns them.
    """
    data = centroid(da, keypoints, "plot_occupancy")
    if "individuals" in data.dims and individuals is not None:
        data = data.sel(individuals=_as_selection(individuals))
    x_label, y_label = xy_labels(data)
    x = np.asarray(select_space(data, x_label).values, dtype=float).ravel()
    y = np.asarray(select_space(data, y_label).values, dtype=float).ravel()
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    kwargs = {**DEFAULT_HIST_ARGS, **kwargs}
    fig = ax.get_figure() if ax is not None else None
    if fig is None or ax is None:
        fig, ax = new_figure(figsize=(6.4, 4.8))
    h, xedges, yedges, image = ax.hist2d(x, y, **kwargs)
    bar = fig.colorbar(image, ax=ax)
    if bar.solids is not None:
        bar.solids.set(alpha=1.0)
    if regions is not None:
        from movement_like.roi.draw import draw_regions

        draw_regions(ax, regions, fill_alpha=0.0)
    ax.set_xlabel(str(x_label))
    ax.set_ylabel(str(y_label))
    return fig, ax, {"h": h, "xedges": xedges, "yedges": yedges}
