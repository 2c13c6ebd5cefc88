"""Regions from the tools that record them: idtracker.ai's setup points, VIA's region shapes.

idtracker.ai stores the sets of points a user clicks in its validator (the
arena ``border``, a food source ...) as ``setup_points``, a mapping of name to
an (n, 2) array of (x, y) pixels in the frame of the trajectories; the
idtracker.ai loader keeps it in ``attrs["setup_points"]`` (as JSON). VIA (the
VGG Image Annotator) stores each drawn region as ``shape_attributes``
(polygon, polyline, rect, circle, ellipse, point) with free
``region_attributes``. DUSTrack layers hold points only, never regions.

These functions convert what the tools wrote; reading their files is the job
of the loaders (``load_poses.from_idtracker_file``,
:func:`movement_like.roi.io.load_via_regions`).
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import xarray as xr

from movement_like.errors import InvalidArgumentError
from movement_like.roi.base import BaseRegionOfInterest
from movement_like.roi.line import LineOfInterest
from movement_like.roi.polygon import PolygonOfInterest

__all__ = ["regions_from_setup_points", "regions_from_via_shapes"]


def _setup_mapping(setup_points: Any) -> Mapping[str, Any]:
    if isinstance(setup_points, (xr.Dataset, xr.DataArray)):
        if "setup_points" not in setup_points.attrs:
            raise InvalidArgumentError(
                "the data has no attrs['setup_points']: idtracker.ai writes them only when "
                "setup points were drawn (load the trajectories with "
                "load_poses.from_idtracker_file)"
            )
        setup_points = setup_points.attrs["setup_points"]
    if isinstance(setup_points, (str, bytes)):
        try:
            setup_points = json.loads(setup_points)
        except json.JSONDecodeError as exc:
            raise InvalidArgumentError(f"setup_points is not valid JSON ({exc})") from None
    if not isinstance(setup_points, Mapping):
        raise InvalidArgumentError(
            f"setup_points must map names to (n, 2) point arrays; got {type(setup_points).__name__}"
        )
    return setup_points


def regions_from_setup_points(setup_points: Any) -> list[BaseRegionOfInterest]:
    """Regions from idtracker.ai's ``setup_points`` (e.g. the arena border).

    A set of three or more points is a polygon (the ``border`` is the arena),
    two points a line; a single point is not a region and is left out with a
    warning.

    Parameters
    ----------
    setup_points
        The mapping ``{name: (n, 2) array}``, its JSON text, or a dataset
        loaded by ``load_poses.from_idtracker_file`` (its
        ``attrs["setup_points"]``).

    Returns
    -------
    list of PolygonOfInterest or LineOfInterest
        One region per point set, named by its key, in the mapping's order.

    Raises
    ------
    InvalidArgumentError
        If there are no setup points, or a point set is not (n, 2) numbers.
    """
    regions: list[BaseRegionOfInterest] = []
    for name, points in _setup_mapping(setup_points).items():
        try:
            vertices = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        except (TypeError, ValueError) as exc:
            raise InvalidArgumentError(
                f"setup point set {name!r} is not an (n, 2) array of numbers ({exc})"
            ) from None
        if len(vertices) >= 3:
            regions.append(PolygonOfInterest(vertices, name=str(name)))
        elif len(vertices) == 2:
            regions.append(LineOfInterest(vertices, name=str(name)))
        else:
            warnings.warn(
                f"setup point set {name!r} has {len(vertices)} point(s), not a region: left out",
                UserWarning,
                stacklevel=2,
            )
    return regions


def _ellipse(cx: float, cy: float, rx: float, ry: float, theta: float, n: int) -> np.ndarray:
    angle = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    x, y = rx * np.cos(angle), ry * np.sin(angle)
    cos, sin = math.cos(theta), math.sin(theta)
    return np.column_stack([cx + x * cos - y * sin, cy + x * sin + y * cos])


def _via_vertices(shape: Mapping[str, Any], vertices: int) -> tuple[str, np.ndarray]:
    """Return the kind ("polygon" or "line") and vertices of one VIA shape."""
    kind = shape.get("name")
    number = float
    if kind in ("polygon", "polyline"):
        xs, ys = shape.get("all_points_x"), shape.get("all_points_y")
        if not isinstance(xs, list) or not isinstance(ys, list) or len(xs) != len(ys):
            raise InvalidArgumentError(
                f"a VIA {kind} needs all_points_x and all_points_y of one length; got {shape}"
            )
        points = np.column_stack([[number(v) for v in xs], [number(v) for v in ys]])
        return ("polygon" if kind == "polygon" else "line"), points
    if kind == "rect":
        x, y, w, h = (number(shape[k]) for k in ("x", "y", "width", "height"))
        return "polygon", np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]])
    if kind == "circle":
        cx, cy, r = (number(shape[k]) for k in ("cx", "cy", "r"))
        return "polygon", _ellipse(cx, cy, r, r, 0.0, vertices)
    if kind == "ellipse":
        cx, cy, rx, ry = (number(shape[k]) for k in ("cx", "cy", "rx", "ry"))
        return "polygon", _ellipse(cx, cy, rx, ry, number(shape.get("theta", 0.0)), vertices)
    raise InvalidArgumentError(f"VIA shape {kind!r} is not a region")


def regions_from_via_shapes(
    regions: Iterable[Mapping[str, Any]],
    name_attribute: str | None = None,
    circle_vertices: int = 64,
) -> list[BaseRegionOfInterest]:
    """Regions from VIA regions (``shape_attributes`` and ``region_attributes``).

    ``polygon`` and ``rect`` become polygons, ``polyline`` a line, ``circle``
    and ``ellipse`` polygons of ``circle_vertices`` vertices; ``point``
    shapes are left out with a warning.

    Parameters
    ----------
    regions
        VIA regions: mappings with ``shape_attributes`` (and optionally
        ``region_attributes``), as in a VIA JSON export; or bare shape
        attribute mappings.
    name_attribute
        The region attribute holding the name; by default ``name``, else the
        first text attribute; regions without one are named
        ``"<shape> <number>"``.
    circle_vertices
        Vertices of the polygon that stands for a circle or an ellipse.

    Returns
    -------
    list of PolygonOfInterest or LineOfInterest
        One region per VIA region, in order.

    Raises
    ------
    InvalidArgumentError
        If a shape lacks its coordinates.
    """
    out: list[BaseRegionOfInterest] = []
    for index, entry in enumerate(regions):
        shape = entry.get("shape_attributes", entry)
        attributes = entry.get("region_attributes") or {}
        if shape.get("name") == "point":
            warnings.warn(
                f"VIA region {index} is a point, not a region: left out", UserWarning, stacklevel=2
            )
            continue
        try:
            kind, vertices = _via_vertices(shape, circle_vertices)
        except InvalidArgumentError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidArgumentError(
                f"VIA region {index} ({shape}) is incomplete ({exc})"
            ) from exc
        texts = {k: v for k, v in attributes.items() if isinstance(v, str) and v}
        key = name_attribute or ("name" if "name" in texts else next(iter(texts), None))
        name = str(attributes.get(key)) if key in attributes else f"{shape.get('name')} {index}"
        if kind == "polygon":
            out.append(PolygonOfInterest(vertices, name=name))
        else:
            out.append(LineOfInterest(vertices, name=name))
    return out
