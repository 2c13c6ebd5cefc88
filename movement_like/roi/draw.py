"""Draw regions on a matplotlib Axes: over a trajectory plot, an occupancy map or a video frame.

:func:`draw_regions` adds each region as one artist (a ``PathPatch`` for a
polygon, holes cut out; a ``Line2D`` for a line), outlined in its own colour
with a light fill so the data underneath stays visible, and writes its name.
It works on any Axes in data coordinates, including one showing a video frame
with ``imshow`` (pixel coordinates, y pointing down). matplotlib is imported
only when something is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import shapely

from movement_like.roi.line import LineOfInterest
from movement_like.roi.occupancy import as_region_list
from movement_like.roi.polygon import PolygonOfInterest

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["draw_regions"]


def _label_point(region: Any) -> tuple[float, float]:
    geometry = region.region
    if isinstance(region, PolygonOfInterest):
        point = shapely.point_on_surface(geometry)
    else:
        point = shapely.line_interpolate_point(geometry, 0.5, normalized=True)
    return float(point.x), float(point.y)


def draw_regions(
    ax: Axes,
    regions: Any,
    *,
    labels: bool = True,
    colors: Sequence[Any] | None = None,
    fill_alpha: float = 0.15,
    polygon_kwargs: Mapping[str, Any] | None = None,
    line_kwargs: Mapping[str, Any] | None = None,
) -> list[Any]:
    """Draw regions of interest on ``ax``.

    Parameters
    ----------
    ax
        The matplotlib Axes to draw on (e.g. the one of a trajectory plot,
        or one showing a video frame).
    regions
        A region or a sequence of regions.
    labels
        Write each region's name on it (inside a polygon, at a line's middle).
    colors
        One colour per region (cycled); matplotlib's colour cycle by default.
    fill_alpha
        Opacity of the polygons' fill (0 for outlines only).
    polygon_kwargs
        Extra arguments for the polygons' ``PathPatch`` (override the defaults).
    line_kwargs
        Extra arguments for the lines' ``Line2D`` (override the defaults).

    Returns
    -------
    list
        The artists added: one per region, then the name labels.
    """
    from matplotlib.colors import to_rgba

    regions = as_region_list(regions)
    if colors is None:
        colors = [f"C{i % 10}" for i in range(len(regions))]
    artists = []
    texts = []
    for i, region in enumerate(regions):
        color = colors[i % len(colors)]
        if isinstance(region, LineOfInterest):
            style = {"color": color, "linewidth": 2.0, "label": region.name}
            artist = region._draw(ax, **(style | dict(line_kwargs or {})))
        else:
            style = {
                "facecolor": to_rgba(color, fill_alpha),
                "edgecolor": color,
                "linewidth": 1.5,
                "label": region.name,
            }
            artist = region._draw(ax, **(style | dict(polygon_kwargs or {})))
        artists.append(artist)
        if labels:
            x, y = _label_point(region)
            texts.append(ax.annotate(region.name, (x, y), color=color, ha="center", va="center"))
    return artists + texts
