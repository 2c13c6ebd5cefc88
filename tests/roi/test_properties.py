"""Invariants of the regions, for random regions and paths (hypothesis).

Coordinates are multiples of 1/8 below 2**10, so that translating them is exact
in floating point and "inside" answers must not change at all.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import xarray as xr
from hypothesis import HealthCheck, assume, given, reject, settings
from hypothesis import strategies as st

from movement_like.dataset import poses_from_numpy
from movement_like.roi import (
    LineOfInterest,
    PolygonOfInterest,
    compute_line_crossings,
    compute_number_of_visits,
    compute_region_events,
    compute_region_occupancy,
    compute_time_in_region,
    regions_from_geojson,
    regions_to_geojson,
)
from tests.strategies import NAME

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

EIGHTHS = st.integers(-400, 400).map(lambda v: v / 8)


@st.composite
def star_polygons(draw, name="zone") -> PolygonOfInterest:
    """A simple polygon: vertices at increasing angles around a centre (never crossing)."""
    n = draw(st.integers(3, 8))
    angles = np.sort(draw(st.lists(st.integers(0, 359), min_size=n, max_size=n, unique=True)))
    radii = draw(st.lists(st.integers(8, 200), min_size=n, max_size=n))
    cx, cy = draw(EIGHTHS), draw(EIGHTHS)
    # vertices rounded to eighths
    vertices = [
        (
            cx + round(r * np.cos(np.deg2rad(a)) * 8) / 8,
            cy + round(r * np.sin(np.deg2rad(a)) * 8) / 8,
        )
        for a, r in zip(angles, radii, strict=True)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rounding can make the outline cross itself: dropped
        polygon = PolygonOfInterest(vertices, name=name)
    if not polygon.region.is_valid or polygon.region.area == 0:
        reject()
    return polygon


@st.composite
def paths(draw, n_time=(2, 60)) -> xr.Dataset:
    """A random walk of one or two tracks on the 1/8 grid."""
    t = draw(st.integers(*n_time))
    n_ind = draw(st.integers(1, 2))
    steps = draw(st.lists(st.integers(-160, 160), min_size=t * n_ind * 2, max_size=t * n_ind * 2))
    walk = np.cumsum(np.array(steps, dtype=float).reshape(t, n_ind, 1, 2) / 8, axis=0)
    start = np.array([draw(EIGHTHS), draw(EIGHTHS)])
    return poses_from_numpy(walk + start, fps=draw(st.sampled_from([None, 25.0])))


def shifted_region(region, dx, dy):
    if isinstance(region, PolygonOfInterest):
        holes = [np.asarray(h.coords) + [dx, dy] for h in region.region.interiors]
        return PolygonOfInterest(
            np.asarray(region.coords) + [dx, dy], holes=holes, name=region.name
        )
    return LineOfInterest(
        np.asarray(region.coords) + [dx, dy], loop=region.is_closed, name=region.name
    )


@PROPERTY
@given(region=star_polygons(), ds=paths(), dx=EIGHTHS, dy=EIGHTHS, min_duration=st.integers(0, 4))
def test_translating_points_and_regions_together_changes_nothing(region, ds, dx, dy, min_duration):
    moved = ds.assign(position=ds.position + xr.DataArray([dx, dy], dims="space"))
    there = shifted_region(region, dx, dy)
    xr.testing.assert_identical(
        compute_region_occupancy(ds.position, [region]),
        compute_region_occupancy(moved.position, [there]),
    )
    pd.testing.assert_frame_equal(
        compute_region_events(ds, [region], min_duration=min_duration),
        compute_region_events(moved, [there], min_duration=min_duration),
    )
    for boundary_only in (False, True):
        xr.testing.assert_allclose(
            region.compute_distance_to(ds.position, boundary_only=boundary_only),
            there.compute_distance_to(moved.position, boundary_only=boundary_only),
            atol=1e-9,
        )
        near = region.compute_nearest_point_to(ds.position, boundary_only=boundary_only)
        near_there = there.compute_nearest_point_to(moved.position, boundary_only=boundary_only)
        np.testing.assert_allclose(near.values + [dx, dy], near_there.values, atol=1e-9)
    edge = LineOfInterest(np.asarray(region.coords)[:2])
    pd.testing.assert_frame_equal(
        compute_line_crossings(ds, edge),
        compute_line_crossings(moved, shifted_region(edge, dx, dy)),
    )


@PROPERTY
@given(region=star_polygons(), ds=paths(), min_duration=st.integers(0, 5))
def test_a_region_and_its_complement_split_time_exactly(region, ds, min_duration):
    # the complement: a box around everything, with the region as its hole; the shared
    # boundary belongs to both, so paths that touch it are left out
    assume(not bool((region.compute_distance_to(ds.position, boundary_only=True) == 0).any()))
    low = (
        np.minimum(
            ds.position.min(("time", "individuals", "keypoints")).values, region.region.bounds[:2]
        )
        - 1
    )
    high = (
        np.maximum(
            ds.position.max(("time", "individuals", "keypoints")).values, region.region.bounds[2:]
        )
        + 1
    )
    box = [(low[0], low[1]), (high[0], low[1]), (high[0], high[1]), (low[0], high[1])]
    complement = PolygonOfInterest(box, holes=[region.coords], name="rest")
    occupancy = compute_region_occupancy(ds.position, [region, complement])
    assert bool((occupancy.sum("region") == 1).all())
    step = 1 / 25 if ds.attrs.get("fps") else 1.0
    total = ds.sizes["time"] * step
    spent = compute_time_in_region(ds, [region, complement], min_duration=min_duration * step)
    np.testing.assert_allclose(spent.sum("region").values, total, rtol=1e-12)
    # visits of the two alternate: each exit from one is an entry into the other
    events = compute_region_events(ds, [region, complement], min_duration=min_duration * step)
    for _, track in events.groupby(["individual", "keypoint"]):
        track = track.sort_values("frame_in")
        assert (track.region.values[1:] != track.region.values[:-1]).all()
        assert (track.frame_in.values[1:] == track.frame_out.values[:-1]).all()
        assert track.frame_in.iloc[0] == ds.frame.values[0]
        assert track.frame_out.iloc[-1] == ds.frame.values[-1] + 1


@PROPERTY
@given(region=star_polygons(), ds=paths(n_time=(10, 80)), min_duration=st.integers(1, 6))
def test_visits_last_and_gaps_last_at_least_the_minimum(region, ds, min_duration):
    step = 1 / 25 if ds.attrs.get("fps") else 1.0
    events = compute_region_events(ds, [region], min_duration=min_duration * step)
    n_time = ds.sizes["time"]
    visits = compute_number_of_visits(ds, [region], min_duration=min_duration * step)
    assert len(events) == int(visits.sum())
    spent = compute_time_in_region(ds, [region], min_duration=min_duration * step)
    np.testing.assert_allclose(float(spent.sum()), events.duration.sum(), rtol=1e-9, atol=1e-12)
    for _, track in events.groupby("individual"):
        frames = track.frame_out - track.frame_in
        assert (frames >= min(min_duration, n_time)).all()
        gaps = track.frame_in.values[1:] - track.frame_out.values[:-1]
        assert (gaps >= min_duration).all()


REGION_LISTS = st.lists(
    st.one_of(
        star_polygons(),
        st.lists(st.tuples(EIGHTHS, EIGHTHS), min_size=2, max_size=6, unique=True).map(
            LineOfInterest
        ),
    ),
    min_size=0,
    max_size=4,
)


@PROPERTY
@given(regions=REGION_LISTS, names=st.lists(NAME, min_size=4, max_size=4))
def test_geojson_round_trip(regions, names):
    named = [
        type(r)(np.asarray(r.coords), name=n)
        if isinstance(r, PolygonOfInterest)
        else LineOfInterest(r.coords, name=n)
        for r, n in zip(regions, names, strict=False)
    ]
    back = regions_from_geojson(regions_to_geojson(named))
    assert [type(r) for r in back] == [type(r) for r in named]
    assert [r.name for r in back] == [r.name for r in named]
    assert all(b.region.equals_exact(r.region, 0) for b, r in zip(back, named, strict=True))
