"""Two-dimensional regions: a polygon with optional holes (an arena, a zone, a nest)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from movement_like.errors import InvalidArgumentError
from movement_like.roi.base import BaseRegionOfInterest
from movement_like.roi.line import LineOfInterest, check_coordinates

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["PolygonOfInterest"]


class PolygonOfInterest(BaseRegionOfInterest):
    """A polygonal region in the x-y plane, possibly with holes.

    The exterior boundary joins the given points in order (and back to the
    first); each hole is given the same way and is not part of the region
    (the centre of a doughnut). Points on the boundary of the polygon or of
    a hole belong to the region.

    Parameters
    ----------
    exterior_boundary
        The points (x, y), in order, of the outer boundary: at least three.
    holes
        A sequence of point sequences, each the boundary of one hole.
    name
        The region's name; ``"Un-named region"`` when not given.

    Raises
    ------
    InvalidArgumentError
        If fewer than three points are given, or a coordinate is not finite.

    Warns
    -----
    UserWarning
        If the polygon is not valid (e.g. its boundary crosses itself or a
        hole sticks out): inside tests may then not be what you expect.
    """

    def __init__(
        self,
        exterior_boundary: Any,
        holes: Sequence[Any] | None = None,
        name: str | None = None,
    ) -> None:
        if len(exterior_boundary) < 3:
            raise InvalidArgumentError(
                f"Need at least 3 points to define a 2D region (got {len(exterior_boundary)})."
            )
        shell = check_coordinates(exterior_boundary, "the exterior boundary")
        hole_rings = [check_coordinates(hole, f"hole {i}") for i, hole in enumerate(holes or [])]
        polygon = shapely.Polygon(shell=shell, holes=hole_rings or None)
        if not polygon.is_valid:
            warnings.warn(
                f"the polygon {name or ''} is not valid ({shapely.is_valid_reason(polygon)}): "
                "inside tests may be wrong; fix it with shapely.make_valid",
                UserWarning,
                stacklevel=2,
            )
        super().__init__(polygon, name=name)

    @property
    def exterior_boundary(self) -> LineOfInterest:
        """The exterior boundary, as a closed :class:`LineOfInterest`."""
        return LineOfInterest(
            self.region.exterior.coords, loop=True, name=f"Exterior boundary of {self.name}"
        )

    @property
    def holes(self) -> tuple[PolygonOfInterest, ...]:
        """The holes, each as a :class:`PolygonOfInterest` (empty tuple when none)."""
        return tuple(
            PolygonOfInterest(ring.coords, name=f"Hole {i} of {self.name}")
            for i, ring in enumerate(self.region.interiors)
        )

    @property
    def interior_boundaries(self) -> tuple[LineOfInterest, ...]:
        """The boundaries of the holes, each a closed :class:`LineOfInterest`."""
        return tuple(
            LineOfInterest(ring.coords, loop=True, name=f"Interior boundary {i} of {self.name}")
            for i, ring in enumerate(self.region.interiors)
        )

    def _draw(self, ax: Axes, **matplotlib_kwargs: Any) -> Any:
        """Add the polygon, holes cut out, as one ``PathPatch``."""
        from matplotlib.patches import PathPatch
        from matplotlib.path import Path

        oriented = shapely.geometry.polygon.orient(self.region, sign=1.0)
        rings = [oriented.exterior, *oriented.interiors]
        path = Path.make_compound_path(
            *(Path(np.asarray(ring.coords)[:, :2], closed=True) for ring in rings)
        )
        style = {"facecolor": "lightblue", "edgecolor": "black", "label": self.name}
        patch = PathPatch(path, **(style | matplotlib_kwargs))
        ax.add_patch(patch)
        ax.autoscale_view()
        return patch
