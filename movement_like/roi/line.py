"""One-dimensional regions: lines of interest (a wall, a doorway, a marked line on the floor)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
import xarray as xr

from movement_like.errors import InvalidArgumentError
from movement_like.roi._angles import signed_angle_2d
from movement_like.roi._points import apply_to_points
from movement_like.roi.base import BaseRegionOfInterest, as_space, in_units

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["LineOfInterest"]


def check_coordinates(points: Any, what: str) -> np.ndarray:
    """Vertices as a float (n, 2) array, refusing non-finite or non-2-D coordinates.

    Parameters
    ----------
    points
        A sequence of (x, y) pairs (a list, an array, a shapely coordinate sequence).
    what
        What the points are, for the error message.

    Returns
    -------
    numpy.ndarray
        The vertices, shape (n, 2).

    Raises
    ------
    InvalidArgumentError
        If the points are not (x, y) pairs of finite numbers.
    """
    try:
        vertices = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(f"{what} must be a sequence of (x, y) points ({exc})") from exc
    if vertices.ndim != 2 or vertices.shape[1] < 2:
        raise InvalidArgumentError(
            f"{what} must be a sequence of (x, y) points; got an array of shape {vertices.shape}"
        )
    vertices = vertices[:, :2]
    if not np.all(np.isfinite(vertices)):
        raise InvalidArgumentError(f"{what} has coordinates that are not finite numbers")
    return vertices


class LineOfInterest(BaseRegionOfInterest):
    """A line (one or more straight segments, open or closed) in the x-y plane.

    The points are joined in order. A closed line (``loop=True``) goes back to
    its first point. Its boundary (for ``boundary_only``) is its two end points;
    a closed line has none. The stored geometry is normalised (``shapely.normalize``),
    as in ``movement``, so the coordinates may come back in reverse order.

    Parameters
    ----------
    points
        The points (x, y), in order: at least two (three for a loop).
    loop
        Join the last point back to the first.
    name
        The line's name; ``"Un-named region"`` when not given.

    Raises
    ------
    InvalidArgumentError
        If there are too few points, or a coordinate is not finite.
    """

    def __init__(self, points: Any, loop: bool = False, name: str | None = None) -> None:
        if len(points) < 2:
            raise InvalidArgumentError(
                f"Need at least 2 points to define a 1D region (got {len(points)})."
            )
        if len(points) < 3 and loop:
            raise InvalidArgumentError("Cannot create a loop from a single line segment.")
        vertices = check_coordinates(points, "the line")
        line = shapely.LinearRing(vertices) if loop else shapely.LineString(vertices)
        super().__init__(shapely.normalize(line), name=name)

    def normal(self, on_same_side_as: Any = (0.0, 0.0)) -> Any:
        """Compute the unit normal to this (single-segment) line, pointing to a given side.

        Parameters
        ----------
        on_same_side_as
            A point, or positions (as for :meth:`contains_point`): the normal
            points to the half-plane holding it. Default: the origin.

        Returns
        -------
        xarray.DataArray or numpy.ndarray
            The unit normal (x, y): one per position, on a new last dim
            ``"normal"`` replacing ``space`` for DataArray input.

        Raises
        ------
        InvalidArgumentError
            If the line has more than one segment.
        """
        if len(self.coords) > 2:
            raise InvalidArgumentError("Normal is not defined for multi-segment geometries.")
        (x0, y0), (x1, y1) = (c[:2] for c in self.coords)
        normal = np.array([y1 - y0, -(x1 - x0)])
        normal /= np.hypot(*normal)

        def kernel(x: np.ndarray, y: np.ndarray) -> np.ndarray:
            side = (x - x0) * normal[0] + (y - y0) * normal[1]
            sign = np.where(side < 0, -1.0, 1.0)[..., None]
            return sign * normal

        return apply_to_points(
            on_same_side_as, kernel, dtype=np.float64, out_dim="normal", out_size=2
        )

    def compute_angle_to_normal(
        self, direction: xr.DataArray, position: xr.DataArray, in_degrees: bool = False
    ) -> xr.DataArray:
        """Compute the signed angle from the normal towards the line to a direction.

        The normal points from each position towards the line (it is the
        approach vector of the infinite line through the segment).

        Parameters
        ----------
        direction
            The direction vectors (e.g. a forward vector), ``space`` = x, y.
        position
            Positions the direction vectors start from.
        in_degrees
            Return degrees instead of radians.

        Returns
        -------
        xarray.DataArray
            ``"signed_angle"``, in (-π, π] (or degrees).
        """
        towards = -1.0 * as_space(self.normal(position), "normal")
        return in_units(signed_angle_2d(towards, direction), in_degrees)

    def _draw(self, ax: Axes, **matplotlib_kwargs: Any) -> Any:
        """Add the line as one ``Line2D``."""
        coords = np.asarray(self.coords)
        (line,) = ax.plot(coords[:, 0], coords[:, 1], **({"label": self.name} | matplotlib_kwargs))
        return line
