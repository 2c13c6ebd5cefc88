"""Regions of interest: ``movement``'s ``roi``, vectorised, and the read-outs done by hand.

Same names, same answers as ``movement.roi`` (0.17)::

    from movement_like.roi import PolygonOfInterest, LineOfInterest, compute_region_occupancy
    arena = PolygonOfInterest([(0, 0), (600, 0), (600, 400), (0, 400)], name="arena")
    occupancy = compute_region_occupancy(ds.position, [arena])      # dims: region, time, ...
    distance = arena.compute_distance_to(ds.position, boundary_only=True)

Beyond ``movement``: entries and exits as a table (:func:`compute_region_events`),
crossings of lines with their direction (:func:`compute_line_crossings`),
time in region, latency to first entry, number of visits and the transition
matrix per track (:mod:`~movement_like.roi.dwell`), regions stored in the
dataset so that they survive netCDF (:func:`set_regions`, :func:`get_regions`),
regions from idtracker.ai's setup points and VIA shapes
(:mod:`~movement_like.roi.sources`), and :func:`draw_regions` for any Axes.

GeoJSON files in ``movement``'s layout are read and written by
:func:`save_rois` / :func:`load_rois` (:mod:`movement_like.roi.io`, as
``movement.roi.io``), and the regions a user drew in VIA by :func:`load_via_regions`.
"""

from __future__ import annotations

from movement_like.roi.base import BaseRegionOfInterest
from movement_like.roi.crossings import compute_line_crossings
from movement_like.roi.draw import draw_regions
from movement_like.roi.dwell import (
    compute_latency_to_first_entry,
    compute_number_of_visits,
    compute_time_in_region,
    compute_transition_matrix,
)
from movement_like.roi.events import compute_region_events
from movement_like.roi.geojson import regions_from_geojson, regions_to_geojson
from movement_like.roi.io import load_rois, load_via_regions, save_rois
from movement_like.roi.line import LineOfInterest
from movement_like.roi.occupancy import compute_region_occupancy
from movement_like.roi.persist import get_regions, set_regions
from movement_like.roi.polygon import PolygonOfInterest
from movement_like.roi.sources import regions_from_setup_points, regions_from_via_shapes

__all__ = [
    "BaseRegionOfInterest",
    "PolygonOfInterest",
    "LineOfInterest",
    "compute_region_occupancy",
    "save_rois",
    "load_rois",
    "load_via_regions",
    "compute_region_events",
    "compute_line_crossings",
    "compute_time_in_region",
    "compute_latency_to_first_entry",
    "compute_number_of_visits",
    "compute_transition_matrix",
    "set_regions",
    "get_regions",
    "regions_to_geojson",
    "regions_from_geojson",
    "regions_from_setup_points",
    "regions_from_via_shapes",
    "draw_regions",
]
