"""Regions of interest as napari Shapes, both ways: draw one, get a region object.

Polygons become ``polygon`` shapes, lines ``path`` shapes (a closed line, a
``LineOfInterest(loop=True)``, becomes a polygon shape flagged ``loop`` so that
it comes back as a line). Back from napari, polygons, rectangles and ellipses
(as their drawn outline) give :class:`~movement_like.roi.PolygonOfInterest`,
lines and paths give :class:`~movement_like.roi.LineOfInterest`. A shape drawn
while the viewer shows frames has a frame coordinate in front: it is dropped,
a region holds for every frame. Napari is not imported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from movement_like.errors import InvalidArgumentError
from movement_like.roi import BaseRegionOfInterest, LineOfInterest, PolygonOfInterest

__all__ = ["regions_layer_data", "shapes_to_regions", "layer_to_regions"]

_POLYGON_TYPES = ("polygon", "rectangle", "ellipse")
_LINE_TYPES = ("line", "path")


def _yx(coords: Any) -> np.ndarray:
    """(x, y) vertices to napari's (y, x)."""
    xy = np.asarray(coords, dtype=np.float64)[:, :2]
    return xy[:, ::-1].copy()


def regions_layer_data(
    regions: Sequence[BaseRegionOfInterest], name: str = "regions of interest"
) -> tuple[list[np.ndarray], dict[str, Any], str]:
    """Make a napari Shapes layer of regions of interest.

    Parameters
    ----------
    regions
        Polygons and lines of :mod:`movement_like.roi`.
    name
        The layer name.

    Returns
    -------
    tuple
        ``(vertices (y, x) per shape, kwargs, "shapes")`` with features ``name``
        and ``loop`` (the region's name, and whether a line is closed).
    """
    data: list[np.ndarray] = []
    types: list[str] = []
    names: list[str] = []
    loops: list[bool] = []
    for region in regions:
        if isinstance(region, PolygonOfInterest):
            ring = np.asarray(region.region.exterior.coords)[:-1]
            data.append(_yx(ring))
            types.append("polygon")
            loops.append(False)
        elif isinstance(region, LineOfInterest):
            coords = np.asarray(region.region.coords)
            closed = bool(region.is_closed)
            data.append(_yx(coords[:-1] if closed else coords))
            types.append("polygon" if closed else "path")
            loops.append(closed)
        else:
            raise InvalidArgumentError(f"not a region of interest: {region!r}")
        names.append(region.name)
    kwargs = {
        "name": name,
        "shape_type": types,
        "features": pd.DataFrame({"name": names, "loop": loops}),
        "feature_defaults": {"name": "", "loop": False},
        "edge_color": "yellow",
        "face_color": [0.0, 0.0, 0.0, 0.0],
        "edge_width": 2,
        "text": {"string": "{name}", "color": "yellow", "size": 10},
    }
    return data, kwargs, "shapes"


def shapes_to_regions(
    data: Sequence[Any],
    shape_types: Sequence[str],
    names: Sequence[Any] | None = None,
    loops: Sequence[Any] | None = None,
) -> list[PolygonOfInterest | LineOfInterest]:
    """Turn napari shapes into regions of interest.

    Parameters
    ----------
    data
        One ``(n_vertices, D)`` array per shape, napari's order (last two
        columns ``y, x``; a leading frame column is dropped).
    shape_types
        napari's type of each shape.
    names
        Region names (empty or missing: ``region_<index>``).
    loops
        Per shape, whether a polygon shape is really a closed line.

    Returns
    -------
    list
        The regions, in shape order.
    """
    regions: list[PolygonOfInterest | LineOfInterest] = []
    for index, (vertices, kind) in enumerate(zip(data, shape_types, strict=True)):
        vertices = np.asarray(vertices, dtype=np.float64)
        xy = vertices[:, -2:][:, ::-1]
        name = None if names is None else names[index]
        if name is None or (isinstance(name, float) and np.isnan(name)) or str(name) == "":
            name = f"region_{index}"
        loop = bool(loops[index]) if loops is not None and loops[index] is not None else False
        if kind in _POLYGON_TYPES and loop:
            regions.append(LineOfInterest(xy, loop=True, name=str(name)))
        elif kind in _POLYGON_TYPES:
            regions.append(PolygonOfInterest(xy, name=str(name)))
        elif kind in _LINE_TYPES:
            regions.append(LineOfInterest(xy, name=str(name)))
        else:
            raise InvalidArgumentError(
                f"shape {index} is a {kind!r}; regions are polygons, rectangles, "
                "ellipses, lines or paths"
            )
    return regions


def layer_to_regions(layer: Any) -> list[PolygonOfInterest | LineOfInterest]:
    """Turn a napari Shapes layer (drawn or made by :func:`regions_layer_data`) into regions.

    Parameters
    ----------
    layer
        A napari Shapes layer; its ``name`` feature, when present, names the regions.

    Returns
    -------
    list
        The regions; save them with :func:`movement_like.io.rois.save_rois` (GeoJSON).
    """
    features = getattr(layer, "features", pd.DataFrame())
    names = list(features["name"]) if "name" in features else None
    loops = list(features["loop"]) if "loop" in features else None
    return shapes_to_regions(layer.data, layer.shape_type, names, loops)
