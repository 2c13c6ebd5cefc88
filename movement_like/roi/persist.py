"""Regions that travel with their data: stored in a dataset as GeoJSON text.

:func:`set_regions` puts the regions in ``attrs["regions"]`` as one compact
GeoJSON string (``movement``'s layout, see :mod:`movement_like.roi.geojson`).
A string attribute is what netCDF keeps exactly, so ``save_netcdf`` then
``load_netcdf`` gives the same regions back, and so does any tool that copies
a dataset's attributes. :func:`get_regions` reads them back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import xarray as xr

from movement_like.provenance import append_log
from movement_like.roi.base import BaseRegionOfInterest, as_region_list
from movement_like.roi.geojson import regions_from_geojson, regions_to_geojson
from movement_like.roi.line import LineOfInterest
from movement_like.roi.polygon import PolygonOfInterest

__all__ = ["REGIONS_ATTR", "set_regions", "get_regions"]

#: The attribute that holds a dataset's regions.
REGIONS_ATTR = "regions"

XrObject = TypeVar("XrObject", xr.Dataset, xr.DataArray)


def set_regions(data: XrObject, regions: Sequence[BaseRegionOfInterest]) -> XrObject:
    """Return a copy of ``data`` that carries ``regions`` (replacing any it had).

    Parameters
    ----------
    data
        A dataset (or data array); it is not modified.
    regions
        The regions to store, in order (at least one).

    Returns
    -------
    xarray.Dataset or xarray.DataArray
        A shallow copy of ``data`` (the arrays are shared) with the regions
        in ``attrs["regions"]`` and the operation in its ``log``.
    """
    regions = as_region_list(regions)
    out = data.copy(deep=False)
    out.attrs = {**data.attrs, REGIONS_ATTR: regions_to_geojson(regions)}
    return append_log(
        out, "set_regions", {"regions": [f"{type(r).__name__} {r.name}" for r in regions]}
    )


def get_regions(data: xr.Dataset | xr.DataArray) -> list[LineOfInterest | PolygonOfInterest]:
    """Read the regions stored in ``data`` by :func:`set_regions` (none: an empty list).

    Parameters
    ----------
    data
        A dataset or data array, e.g. one loaded with ``load_netcdf``.

    Returns
    -------
    list of LineOfInterest or PolygonOfInterest
        The regions, in the order they were stored.

    Raises
    ------
    FileFormatError
        If ``attrs["regions"]`` is not GeoJSON regions.
    """
    text = data.attrs.get(REGIONS_ATTR)
    if text is None:
        return []
    source = data.attrs.get("source_file")
    where = f"attrs['{REGIONS_ATTR}']" + (f" of {source}" if source else "")
    return regions_from_geojson(text, source=where)
