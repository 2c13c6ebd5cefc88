"""Regions as GeoJSON: ``movement``'s layout, written and read without touching files.

The layout is the one ``movement.roi.save_rois`` writes and ``load_rois`` reads:
a ``FeatureCollection`` with one ``Feature`` per region, its ``geometry`` a
``Polygon`` (exterior ring, then holes) or a ``LineString``, and its
``properties`` the ``name`` and the ``roi_type`` (``"PolygonOfInterest"`` or
``"LineOfInterest"``)::

    {"type": "FeatureCollection",
     "features": [{"type": "Feature",
                   "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], ...]]},
                   "properties": {"name": "centre", "roi_type": "PolygonOfInterest"}}]}

Reading checks everything before building anything: a text that is not such a
collection gets a :class:`~movement_like.errors.FileFormatError` that says what
is wrong and where (feature number, ring number). A closed ``LineString`` (and
``movement``'s ``LinearRing``) becomes a closed :class:`LineOfInterest`.
Coordinates are written exactly (shortest round-trip repr of each float).

File I/O lives in :mod:`movement_like.roi.io`; storing regions in a dataset in
:mod:`movement_like.roi.persist`. Both use these functions.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from typing import Any

import shapely

from movement_like.errors import ArgumentTypeError, FileFormatError
from movement_like.roi.base import BaseRegionOfInterest
from movement_like.roi.line import LineOfInterest
from movement_like.roi.polygon import PolygonOfInterest

__all__ = ["regions_to_geojson", "regions_from_geojson", "ROI_TYPES"]

#: The roi_type property of each class, and the geometry types it may have.
ROI_TYPES: Mapping[str, tuple[str, ...]] = {
    "PolygonOfInterest": ("Polygon",),
    "LineOfInterest": ("LineString", "LinearRing"),
}


def _feature(region: BaseRegionOfInterest) -> dict[str, Any]:
    if not isinstance(region, BaseRegionOfInterest):
        raise ArgumentTypeError(
            f"only regions of interest can be written as GeoJSON, not {type(region).__name__}"
        )
    return {
        "type": "Feature",
        "geometry": json.loads(shapely.to_geojson(region.region)),
        "properties": {"name": region.name, "roi_type": type(region).__name__},
    }


def regions_to_geojson(regions: Sequence[BaseRegionOfInterest], indent: int | None = None) -> str:
    """Write regions as GeoJSON text in ``movement``'s layout.

    Parameters
    ----------
    regions
        The regions, in order (may be empty).
    indent
        Indentation of the JSON text (``movement``'s files use 2); None for
        one compact line.

    Returns
    -------
    str
        A GeoJSON ``FeatureCollection``.
    """
    collection = {"type": "FeatureCollection", "features": [_feature(r) for r in regions]}
    separators = None if indent is not None else (",", ":")
    return json.dumps(collection, indent=indent, separators=separators)


class _Reader:
    """Checks of one GeoJSON collection, with errors naming the source and the place."""

    def __init__(self, source: str | os.PathLike | None):
        self.source = source

    def fail(self, problem: str) -> FileFormatError:
        return FileFormatError(
            self.source,
            problem,
            "regions must be a GeoJSON FeatureCollection of Polygon or LineString features, "
            "as movement_like.io.save_rois and movement.roi.save_rois write",
        )

    def positions(self, value: Any, where: str, minimum: int) -> list[list[float]]:
        if not isinstance(value, list) or len(value) < minimum:
            raise self.fail(f"{where} must be a list of at least {minimum} [x, y] positions")
        out = []
        for i, position in enumerate(value):
            if (
                not isinstance(position, list)
                or len(position) < 2
                or not all(
                    isinstance(c, (int, float)) and not isinstance(c, bool) for c in position
                )
            ):
                raise self.fail(f"{where}, position {i} is not an [x, y] pair of numbers")
            if not all(math.isfinite(c) for c in position[:2]):
                raise self.fail(f"{where}, position {i} has a coordinate that is not finite")
            out.append([float(position[0]), float(position[1])])
        return out

    def region(self, feature: Any, index: int) -> LineOfInterest | PolygonOfInterest:
        where = f"feature {index}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise self.fail(f"{where} is not a GeoJSON Feature")
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict):
            raise self.fail(f"{where} has no geometry object")
        kind = geometry.get("type")
        properties = feature.get("properties")
        if properties is None:
            properties = {}
        if not isinstance(properties, dict):
            raise self.fail(f"{where}: 'properties' must be an object or null")
        name = properties.get("name")
        if name is not None and not isinstance(name, str):
            raise self.fail(f"{where}: the name must be a string, not {type(name).__name__}")
        roi_type = properties.get("roi_type")
        if roi_type is not None:
            if roi_type not in ROI_TYPES:
                raise self.fail(f"{where}: unknown roi_type {roi_type!r}")
            if kind not in ROI_TYPES[roi_type]:
                raise self.fail(
                    f"{where}: roi_type '{roi_type}' does not match geometry type '{kind}'"
                )
        coordinates = geometry.get("coordinates")
        if kind == "Polygon":
            if not isinstance(coordinates, list) or not coordinates:
                raise self.fail(f"{where}: a Polygon needs a list of rings")
            rings = [
                self.positions(ring, f"{where}, ring {i}", 4) for i, ring in enumerate(coordinates)
            ]
            return PolygonOfInterest(rings[0], holes=rings[1:], name=name)
        if kind in ("LineString", "LinearRing"):
            points = self.positions(coordinates, f"{where} (a {kind})", 2)
            closed = len(points) >= 4 and points[0] == points[-1]
            return LineOfInterest(points, loop=closed or kind == "LinearRing", name=name)
        raise self.fail(
            f"{where} has geometry type {kind!r}; regions are Polygon, LineString or LinearRing"
        )


def regions_from_geojson(
    content: str | Mapping[str, Any], source: str | os.PathLike | None = None
) -> list[LineOfInterest | PolygonOfInterest]:
    """Regions from GeoJSON text (or its parsed object) in ``movement``'s layout.

    Parameters
    ----------
    content
        The GeoJSON text, or the object ``json.loads`` made of it.
    source
        Where the text came from (a file, ``"attrs['regions']"``), for error messages.

    Returns
    -------
    list of LineOfInterest or PolygonOfInterest
        The regions, in the order of the features.

    Raises
    ------
    FileFormatError
        If the content is not valid JSON or not a collection of region features.
    """
    reader = _Reader(source)
    if isinstance(content, (str, bytes)):
        try:
            content = json.loads(content)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
            raise reader.fail(f"is not valid JSON ({exc})") from None
    if not isinstance(content, Mapping) or content.get("type") != "FeatureCollection":
        raise reader.fail("is not a GeoJSON FeatureCollection")
    features = content.get("features")
    if not isinstance(features, list):
        raise reader.fail("the FeatureCollection has no list of 'features'")
    return [reader.region(feature, i) for i, feature in enumerate(features)]
