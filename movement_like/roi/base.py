"""The region of interest: a named shapely geometry and what to ask it about positions.

:class:`BaseRegionOfInterest` holds what lines and polygons share: the name,
the geometry, and ``movement``'s questions (is a point inside, how far, which
point of the region is nearest, the approach vector and the angles to it), each
answered for every position of a DataArray at once (see
:mod:`movement_like.roi._geometry`). Positions are found by their ``space``
dim; every other dim (``time``, ``individuals`` or ``individual``, ``layers``,
``views`` ...) is carried through in its order, and dask arrays stay lazy.

A region includes its boundary and its interior: a point inside has distance 0
and a null approach vector. ``boundary_only=True`` measures to the boundary
instead (a polygon's rings; a line's two end points).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
import xarray as xr

from movement_like.errors import ArgumentTypeError, InvalidArgumentError
from movement_like.roi import _geometry
from movement_like.roi._angles import signed_angle_2d
from movement_like.roi._points import apply_to_points

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

__all__ = ["BaseRegionOfInterest"]

DEFAULT_NAME = "Un-named region"


def _approach(
    geometry: shapely.Geometry,
    x: np.ndarray,
    y: np.ndarray,
    boundary_only: bool,
    unit: bool,
) -> np.ndarray:
    """Vectors from each point to the nearest point of ``geometry``, shape ``x.shape + (2,)``."""
    vectors = _geometry.nearest_xy(geometry, x, y, boundary_only)
    vectors[..., 0] -= x
    vectors[..., 1] -= y
    if unit:
        norm = np.hypot(vectors[..., 0], vectors[..., 1])[..., None]
        # the null vector has no direction: it stays null, as in movement
        scale = np.where(np.isclose(norm, 0.0), 1.0, norm)
        vectors /= scale
    return vectors


def in_units(angles: xr.DataArray, in_degrees: bool) -> xr.DataArray:
    """Convert radians to degrees when asked (name and attributes kept)."""
    return angles.copy(data=np.rad2deg(angles.data)) if in_degrees else angles


def as_space(vectors: xr.DataArray, dim: str) -> xr.DataArray:
    """Rename a 2-vector dim to ``space`` labelled ``["x", "y"]``."""
    return vectors.rename({dim: "space"}).assign_coords(space=["x", "y"])


class BaseRegionOfInterest(ABC):
    """A named region of interest (a line or a polygon): use its subclasses.

    Regions wrap a ``shapely`` geometry (the :attr:`region` property) rather
    than subclass it, so that they stay immutable and carry a name. Subclasses:
    :class:`~movement_like.roi.LineOfInterest` and
    :class:`~movement_like.roi.PolygonOfInterest`.

    Parameters
    ----------
    geometry
        The ``shapely`` geometry of the region.
    name
        A human-readable name; ``"Un-named region"`` when not given.
    """

    def __init__(self, geometry: shapely.Geometry, name: str | None = None) -> None:
        self._name = name
        self._shapely_geometry = geometry
        shapely.prepare(geometry)

    # ------------------------------------------------------------------ #
    # what the region is
    # ------------------------------------------------------------------ #
    @property
    def name(self) -> str:
        """Name of the region (``"Un-named region"`` when none was given)."""
        return self._name if self._name else DEFAULT_NAME

    @property
    def region(self) -> shapely.Geometry:
        """The ``shapely`` geometry of the region."""
        return self._shapely_geometry

    @property
    def coords(self) -> Any:
        """Coordinates of the points that define the region (a polygon's exterior ring)."""
        region = self.region
        if isinstance(region, shapely.Polygon):
            return region.exterior.coords
        return region.coords

    @property
    def dimensions(self) -> int:
        """Dimensionality of the region: 1 for lines, 2 for polygons."""
        return int(shapely.get_dimensions(self.region))

    @property
    def is_closed(self) -> bool:
        """Whether the region is closed: a polygon, or a line ending where it starts."""
        return self.dimensions > 1 or (
            self.dimensions == 1 and self.region.coords[0] == self.region.coords[-1]
        )

    def __str__(self) -> str:
        kind = "-gon" if self.dimensions > 1 else " line segment(s)"
        header = f"{type(self).__name__} {self.name} ({len(self.coords) - 1}{kind})\n"
        return header + " -> ".join(f"({c[0]}, {c[1]})" for c in self.coords)

    def __repr__(self) -> str:
        return str(self)

    # ------------------------------------------------------------------ #
    # questions about positions
    # ------------------------------------------------------------------ #
    def contains_point(self, position: Any, /, include_boundary: bool = True) -> Any:
        """Whether each position lies in the region.

        Parameters
        ----------
        position
            Positions: a DataArray with a ``space`` dim, an array whose last
            axis is space, or one point ``[x, y(, z)]``. Only x and y are used.
        include_boundary
            Count positions on the boundary as inside (default) or outside.

        Returns
        -------
        xarray.DataArray or bool
            Booleans with the dims of ``position`` except ``space``; a bool for
            one point. Missing (NaN) positions are outside.
        """
        kernel = partial(_geometry.covers_xy, self.region, include_boundary=include_boundary)
        return apply_to_points(position, kernel, dtype=bool)

    def compute_distance_to(self, point: Any, boundary_only: bool = False) -> Any:
        """Euclidean distance from each position to the region (0 inside it).

        Parameters
        ----------
        point
            Positions, as for :meth:`contains_point`.
        boundary_only
            Measure to the boundary instead of the whole region.

        Returns
        -------
        xarray.DataArray or float
            Distances with the dims of ``point`` except ``space``; NaN for
            missing positions (``movement`` gives ``inf`` there).
        """
        kernel = partial(_geometry.distance_xy, self.region, boundary_only=boundary_only)
        return apply_to_points(point, kernel, dtype=np.float64)

    def compute_nearest_point_to(self, position: Any, /, boundary_only: bool = False) -> Any:
        """Find the point of the region nearest to each position.

        Of several equally near points, the one on the first boundary segment
        is returned (GEOS's rule, as in ``movement``).

        Parameters
        ----------
        position
            Positions, as for :meth:`contains_point`.
        boundary_only
            Look only on the boundary.

        Returns
        -------
        xarray.DataArray or numpy.ndarray
            The (x, y) of the nearest points, on a new last dim
            ``"nearest point"`` replacing ``space``; NaN for missing positions.
        """
        kernel = partial(_geometry.nearest_xy, self.region, boundary_only=boundary_only)
        return apply_to_points(
            position, kernel, dtype=np.float64, out_dim="nearest point", out_size=2
        )

    def compute_approach_vector(
        self, point: Any, boundary_only: bool = False, unit: bool = False
    ) -> Any:
        """Compute the vector from each position to the nearest point of the region.

        Parameters
        ----------
        point
            Positions, as for :meth:`contains_point`.
        boundary_only
            Approach the boundary instead of the whole region.
        unit
            Return unit vectors (null vectors stay null).

        Returns
        -------
        xarray.DataArray or numpy.ndarray
            The (x, y) vectors on a new last dim ``"vector to"`` replacing
            ``space``; null for positions inside the region.
        """
        kernel = partial(_approach, self.region, boundary_only=boundary_only, unit=unit)
        return apply_to_points(point, kernel, dtype=np.float64, out_dim="vector to", out_size=2)

    def _approach_in_space(self, position: xr.DataArray, boundary_only: bool) -> xr.DataArray:
        return as_space(self.compute_approach_vector(position, boundary_only), "vector to")

    def compute_allocentric_angle_to_nearest_point(
        self,
        position: xr.DataArray,
        boundary_only: bool = False,
        in_degrees: bool = False,
        reference_vector: np.ndarray | xr.DataArray | None = None,
    ) -> xr.DataArray:
        """Compute the signed angle from the approach vector to a fixed reference direction.

        Parameters
        ----------
        position
            Positions (a DataArray with a ``space`` dim).
        boundary_only
            Approach the boundary instead of the whole region.
        in_degrees
            Return degrees instead of radians.
        reference_vector
            The fixed direction: ``(1, 0)`` (the x axis) by default; a numpy
            array (2,), (1, 2) or (n, 2) along time, or a DataArray with
            ``space`` = x, y.

        Returns
        -------
        xarray.DataArray
            ``"signed_angle"``, in (-π, π] (or degrees), with the dims of
            ``position`` except ``space``; NaN where the approach vector is
            null (a position inside the region).
        """
        if reference_vector is None:
            reference_vector = np.array([[1.0, 0.0]])
        angles = signed_angle_2d(self._approach_in_space(position, boundary_only), reference_vector)
        return in_units(angles, in_degrees)

    def compute_egocentric_angle_to_nearest_point(
        self,
        direction: xr.DataArray,
        position: xr.DataArray,
        boundary_only: bool = False,
        in_degrees: bool = False,
    ) -> xr.DataArray:
        """Compute the signed angle from the approach vector to a moving direction (a heading).

        Parameters
        ----------
        direction
            The direction vectors (e.g. a forward vector), a DataArray with
            ``space`` = x, y.
        position
            Positions the approach vectors start from.
        boundary_only
            Approach the boundary instead of the whole region.
        in_degrees
            Return degrees instead of radians.

        Returns
        -------
        xarray.DataArray
            ``"signed_angle"``, in (-π, π] (or degrees); NaN where the
            approach vector is null.
        """
        angles = signed_angle_2d(self._approach_in_space(position, boundary_only), direction)
        return in_units(angles, in_degrees)

    # ------------------------------------------------------------------ #
    # drawing
    # ------------------------------------------------------------------ #
    @abstractmethod
    def _draw(self, ax: Axes, **matplotlib_kwargs: Any) -> Any:
        """Add the region to ``ax`` as one matplotlib artist and return it."""

    def plot(
        self, ax: Axes | None = None, **matplotlib_kwargs: Any
    ) -> tuple[Figure | SubFigure, Axes]:
        """Draw the region on ``ax``, or on a new figure.

        Parameters
        ----------
        ax
            The axes to draw on; a new figure is made when None.
        **matplotlib_kwargs
            Passed to the matplotlib artist (``facecolor``, ``edgecolor``,
            ``color``, ``label`` ...). The label defaults to the name.

        Returns
        -------
        fig : matplotlib.figure.Figure or SubFigure
            The figure of ``ax``.
        ax : matplotlib.axes.Axes
            The axes drawn on.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(1, 1)
        self._draw(ax, **matplotlib_kwargs)
        figure = ax.get_figure()
        assert figure is not None  # an Axes in use always belongs to a figure
        return figure, ax


def as_region_list(regions: Any) -> list[BaseRegionOfInterest]:
    """One region or a sequence of regions as a checked, non-empty list."""
    if isinstance(regions, BaseRegionOfInterest):
        return [regions]
    regions = list(regions)
    if not regions:
        raise InvalidArgumentError("regions is empty: pass at least one region of interest")
    for region in regions:
        if not isinstance(region, BaseRegionOfInterest):
            raise ArgumentTypeError(
                f"regions must be regions of interest (PolygonOfInterest, LineOfInterest); "
                f"got {type(region).__name__}"
            )
    return regions
