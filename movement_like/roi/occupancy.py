"""Which region each position is in: ``movement``'s ``compute_region_occupancy``.

One boolean per position and region, with a new leading dim ``region`` in
place of ``space``. The coordinates of the points are read once, and each
region answers for all of them in one vectorised call (shapely's
``intersects_xy`` on a prepared geometry), so the cost is that of the raw
shapely calls plus one output array.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import xarray as xr

from movement_like.errors import InvalidArgumentError
from movement_like.provenance import append_log
from movement_like.roi import _geometry
from movement_like.roi._points import xy_indices
from movement_like.roi.base import BaseRegionOfInterest, as_region_list
from movement_like.roi.persist import get_regions
from movement_like.utils.dims import accepts_dim_aliases

__all__ = ["compute_region_occupancy", "unique_region_names"]


def unique_region_names(regions: Sequence[BaseRegionOfInterest]) -> list[str]:
    """Label regions by name, made unique the way ``movement`` does.

    A name given to several regions gets a suffix ``_0``, ``_1``, ...,
    zero-padded to ``ceil(log10(count))`` digits (so 100 regions named
    ``"zone"`` become ``zone_00`` ... ``zone_99``); unique names stay as they are.

    Parameters
    ----------
    regions
        The regions, in order.

    Returns
    -------
    list of str
        One label per region.

    Raises
    ------
    InvalidArgumentError
        If the suffixed names collide with another region's name (e.g. two
        regions ``"a"`` and one ``"a_0"``), which would make the labels ambiguous.
    """
    counts = Counter(region.name for region in regions)
    used: Counter[str] = Counter()
    labels = []
    for region in regions:
        name = region.name
        if counts[name] > 1:
            width = math.ceil(math.log10(counts[name]))
            name = f"{name}_{str(used[region.name]).zfill(width)}"
            used[region.name] += 1
        labels.append(name)
    if len(set(labels)) != len(labels):
        clashes = sorted({label for label in labels if labels.count(label) > 1})
        raise InvalidArgumentError(
            f"the region names give duplicate labels {clashes} once repeated names are "
            "numbered; rename the regions so that every label is unique"
        )
    return labels


def _occupancy_block(block: np.ndarray, regions: Sequence[Any], ix: int, iy: int) -> np.ndarray:
    """Booleans (..., region) for a block of positions (..., space)."""
    x = np.asarray(block[..., ix], dtype=np.float64)
    y = np.asarray(block[..., iy], dtype=np.float64)
    out = np.empty((*x.shape, len(regions)), dtype=bool)
    for i, region in enumerate(regions):
        out[..., i] = _geometry.covers_xy(region.region, x, y)
    return out


@accepts_dim_aliases
def compute_region_occupancy(data: xr.DataArray | xr.Dataset, regions: Any = None) -> xr.DataArray:
    """Whether each position lies in each region (boundary included).

    Parameters
    ----------
    data
        Positions: a DataArray with a ``space`` dim (any other dims, numpy
        or dask), or a poses Dataset (its ``position`` is used).
    regions
        The regions (a sequence of regions of interest, or one). For a
        Dataset, the regions stored in it (:func:`~movement_like.roi.set_regions`)
        when not given.

    Returns
    -------
    xarray.DataArray
        Booleans with dims ``("region", *other dims of data)``: ``space`` is
        replaced by a leading ``region`` dim labelled with the region names
        (repeated names numbered, see :func:`unique_region_names`). Missing
        (NaN) positions are in no region. Name and attributes of ``data`` are
        kept; when ``data`` carries an operation ``log``, the call is logged.

    Raises
    ------
    InvalidArgumentError
        If ``regions`` is empty, or ``data`` has no ``space`` dim.
    """
    if isinstance(data, xr.Dataset):
        if regions is None:
            regions = get_regions(data)
            if not regions:
                raise InvalidArgumentError(
                    "pass the regions: this dataset stores none (store them with set_regions)"
                )
        log = data.attrs.get("log")
        data = data["position"]
        if log is not None and "log" not in data.attrs:
            data = data.copy(deep=False)
            data.attrs = {**data.attrs, "log": log}
    if regions is None:
        raise InvalidArgumentError("pass the regions (a list of regions of interest)")
    regions = as_region_list(regions)
    labels = unique_region_names(regions)
    ix, iy = xy_indices(data)
    if data.chunks is not None:
        data = data.chunk({"space": -1})
    occupancy = xr.apply_ufunc(
        _occupancy_block,
        data,
        kwargs={"regions": regions, "ix": ix, "iy": iy},
        input_core_dims=[["space"]],
        output_core_dims=[["region"]],
        dask="parallelized",
        output_dtypes=[bool],
        dask_gufunc_kwargs={"output_sizes": {"region": len(regions)}},
        keep_attrs=True,
    )
    occupancy = occupancy.transpose("region", ...).assign_coords(region=np.asarray(labels))
    if "log" in data.attrs:
        append_log(
            occupancy,
            "compute_region_occupancy",
            {"regions": [f"{type(r).__name__} {r.name}" for r in regions]},
        )
    return occupancy
