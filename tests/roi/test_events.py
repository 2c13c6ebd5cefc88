"""Entries, exits, dwell times and crossings on constructed paths, where every answer is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from movement_like.dataset import poses_from_numpy
from movement_like.errors import InvalidArgumentError
from movement_like.roi import (
    LineOfInterest,
    PolygonOfInterest,
    compute_latency_to_first_entry,
    compute_line_crossings,
    compute_number_of_visits,
    compute_region_events,
    compute_region_occupancy,
    compute_time_in_region,
    compute_transition_matrix,
)

SQUARE = PolygonOfInterest([(0, 0), (10, 0), (10, 10), (0, 10)], name="square")
HOLED = PolygonOfInterest(
    [(0, 0), (10, 0), (10, 10), (0, 10)], holes=[[(4, 4), (6, 4), (6, 6), (4, 6)]], name="holed"
)


def walk(xs, ys=5.0, fps=None, individuals=("mouse",)) -> xr.Dataset:
    """One keypoint walking through the given x (and y) positions, one per frame."""
    xs = np.asarray(xs, dtype=float)
    ys = np.broadcast_to(np.asarray(ys, dtype=float), xs.shape)
    track = np.stack([xs, ys], axis=-1)
    position = np.stack([track + 0.0 * i for i in range(len(individuals))], axis=1)[:, :, None]
    return poses_from_numpy(
        position, individual_names=list(individuals), keypoint_names=["snout"], fps=fps
    )


# --------------------------------------------------------------------------- #
# crossing a square's edge at known frames
# --------------------------------------------------------------------------- #
def test_crossing_an_edge_at_known_frames():
    # x = -5 ... 15: on the left edge at frame 5, on the right edge at frame 15
    ds = walk(np.arange(21) - 5.0)
    events = compute_region_events(ds, [SQUARE])
    assert events.columns.tolist() == [
        "individual",
        "keypoint",
        "region",
        "frame_in",
        "frame_out",
        "time_in",
        "time_out",
        "duration",
    ]
    assert events.to_dict("records") == [
        {
            "individual": "mouse",
            "keypoint": "snout",
            "region": "square",
            "frame_in": 5,
            "frame_out": 16,
            "time_in": 5.0,
            "time_out": 16.0,
            "duration": 11.0,
        }
    ]
    assert events.attrs["time_unit"] == "frames"
    assert compute_time_in_region(ds, [SQUARE]).item() == 11.0
    assert compute_latency_to_first_entry(ds, [SQUARE]).item() == 5.0
    assert compute_number_of_visits(ds, [SQUARE]).item() == 1


def test_seconds_follow_the_time_coordinate():
    ds = walk(np.arange(21) - 5.0, fps=10.0)
    (event,) = compute_region_events(ds, [SQUARE]).itertuples()
    assert (event.frame_in, event.frame_out) == (5, 16)
    assert event.time_in == ds.time.values[5] and event.time_out == ds.time.values[16]
    assert event.duration == pytest.approx(1.1, rel=1e-12)
    assert compute_time_in_region(ds, [SQUARE]).item() == pytest.approx(1.1, rel=1e-12)
    assert compute_latency_to_first_entry(ds, [SQUARE]).item() == pytest.approx(0.5, rel=1e-12)


def test_excluded_boundary_is_movement_s_contains():
    ds = walk(np.arange(21) - 5.0)
    inside = SQUARE.contains_point(ds.position, include_boundary=False)
    assert np.flatnonzero(inside.values.ravel()).tolist() == list(range(6, 15))


# --------------------------------------------------------------------------- #
# back and forth across an edge, and the minimum duration
# --------------------------------------------------------------------------- #
#: outside 0-2, inside 3-6, out 7 (one frame of jitter), in 8-11, out 12-14, in 15-16 (the end)
BACK_AND_FORTH = [-3, -2, -1, 1, 2, 3, 4, -1, 1, 2, 3, 4, -1, -2, -3, 1, 2]


def test_back_and_forth_visits():
    ds = walk(BACK_AND_FORTH)
    events = compute_region_events(ds, [SQUARE])
    assert events[["frame_in", "frame_out", "duration"]].values.tolist() == [
        [3, 7, 4.0],
        [8, 12, 4.0],
        [15, 17, 2.0],  # still inside at the end: out one step past the last frame
    ]
    assert compute_number_of_visits(ds, [SQUARE]).item() == 3
    assert compute_time_in_region(ds, [SQUARE]).item() == 10.0


def test_minimum_duration_bridges_jitter_and_drops_short_visits():
    ds = walk(BACK_AND_FORTH)
    events = compute_region_events(ds, [SQUARE], min_duration=3)
    # the 1-frame exit at 7 is bridged; the 2-frame visit at the end is dropped
    assert events[["frame_in", "frame_out", "duration"]].values.tolist() == [[3, 12, 9.0]]
    assert compute_time_in_region(ds, [SQUARE], min_duration=3).item() == 9.0
    assert compute_number_of_visits(ds, [SQUARE], min_duration=3).item() == 1


def test_minimum_duration_at_the_start_takes_the_first_lasting_state():
    # one frame inside, then outside for good: the start is jitter, no visit
    ds = walk([1, -1, -2, -3, -4])
    assert compute_region_events(ds, [SQUARE], min_duration=2).empty
    assert compute_region_events(ds, [SQUARE]).frame_in.tolist() == [0]
    # nothing lasts: the track keeps the state it starts in
    ds = walk([1, -1, 1, -1, 1])
    assert compute_region_events(ds, [SQUARE], min_duration=2)[
        ["frame_in", "frame_out"]
    ].values.tolist() == [[0, 5]]


def test_minimum_duration_in_seconds():
    ds = walk(BACK_AND_FORTH, fps=10.0)
    events = compute_region_events(ds, [SQUARE], min_duration=0.25)  # 3 frames
    assert events.frame_in.tolist() == [3] and events.frame_out.tolist() == [12]
    with pytest.raises(InvalidArgumentError, match="min_duration"):
        compute_region_events(ds, [SQUARE], min_duration=-1)


# --------------------------------------------------------------------------- #
# a hole
# --------------------------------------------------------------------------- #
def test_walking_through_a_hole():
    # along y = 5: in the region 0-3 (frames 5-8), in the hole for x in (4, 6), back in 6-10
    ds = walk(np.arange(21) - 5.0)
    events = compute_region_events(ds, [HOLED])
    assert events[["frame_in", "frame_out"]].values.tolist() == [[5, 10], [11, 16]]
    assert compute_time_in_region(ds, [HOLED]).item() == 10.0
    assert compute_number_of_visits(ds, [HOLED]).item() == 2
    # the hole's own edges (x = 4 and x = 6, frames 9 and 11) belong to the region
    occupancy = compute_region_occupancy(ds.position, [HOLED]).values.ravel()
    assert occupancy[9] and occupancy[11] and not occupancy[10]


# --------------------------------------------------------------------------- #
# several regions, tracks and the transition matrix
# --------------------------------------------------------------------------- #
LEFT = PolygonOfInterest([(0, 0), (4, 0), (4, 10), (0, 10)], name="left")
RIGHT = PolygonOfInterest([(6, 0), (10, 0), (10, 10), (6, 10)], name="right")


def test_transitions_between_regions():
    # left, gap, right, gap, left, gap, right, outside
    xs = [1, 2, 5, 7, 8, 5, 2, 3, 4.5, 7, 8, 12]
    ds = walk(xs)
    matrix = compute_transition_matrix(ds, [LEFT, RIGHT])
    assert matrix.dims == ("individuals", "keypoints", "from_region", "to_region")
    counts = matrix.sel(individuals="mouse", keypoints="snout")
    assert counts.sel(from_region="left", to_region="right").item() == 2
    assert counts.sel(from_region="right", to_region="left").item() == 1
    assert int(counts.sum()) == 3
    with_outside = compute_transition_matrix(ds, [LEFT, RIGHT], include_outside=True).squeeze()
    assert with_outside.from_region.values.tolist() == ["left", "right", "outside"]
    assert with_outside.sel(from_region="left", to_region="outside").item() == 2
    assert with_outside.sel(from_region="outside", to_region="right").item() == 2
    assert with_outside.sel(from_region="right", to_region="outside").item() == 2
    normalised = compute_transition_matrix(ds, [LEFT, RIGHT], normalize=True).squeeze()
    assert normalised.sel(from_region="left").values.tolist() == [0.0, 1.0]
    assert normalised.sel(from_region="right").values.tolist() == [1.0, 0.0]


def test_nested_regions_count_for_the_first_listed():
    inner = PolygonOfInterest([(2, 2), (8, 2), (8, 8), (2, 8)], name="inner")
    ds = walk([1, 5, 5, 1, 5, 12])
    matrix = compute_transition_matrix(ds, [inner, SQUARE]).squeeze()
    assert matrix.sel(from_region="square", to_region="inner").item() == 2
    assert matrix.sel(from_region="inner", to_region="square").item() == 1


def test_tracks_are_columns_and_dims_of_the_read_outs():
    ds = walk(BACK_AND_FORTH, individuals=("a", "b"))
    ds["position"].loc[{"individuals": "b"}] = ds.position.sel(individuals="b") + [20.0, 0.0]
    events = compute_region_events(
        ds, [SQUARE, PolygonOfInterest([(15, 0), (25, 0), (25, 10), (15, 10)], name="far")]
    )
    # b, 20 px to the right, stays in "far" from start to end: one visit
    assert events.individual.tolist() == ["a", "a", "a", "b"]
    assert events[events.individual == "b"][
        ["region", "frame_in", "frame_out"]
    ].values.tolist() == [["far", 0, 17]]
    visits = compute_number_of_visits(ds, [SQUARE])
    assert visits.dims == ("region", "individuals", "keypoints")
    assert visits.sel(individuals="b").item() == 0
    latency = compute_latency_to_first_entry(ds, [SQUARE])
    assert np.isnan(latency.sel(individuals="b").item())


def test_centroid_and_movement_dims():
    position = np.zeros((6, 1, 2, 2))
    position[:, 0, 0, 0] = [-3, -1, 1, 3, 5, 7]  # snout
    position[:, 0, 1, 0] = [-5, -3, -1, 1, 3, 5]  # tail: the centroid is 1 behind the snout
    # the centroid, -4 -2 0 2 4 6, is on the square's edge at frame 2 and inside to the end
    position[..., 1] = 5
    ds = poses_from_numpy(position, individual_names=["m"], keypoint_names=["snout", "tail"])
    events = compute_region_events(ds, [SQUARE], centroid=True)
    assert events[["keypoint", "frame_in", "frame_out"]].values.tolist() == [["centroid", 2, 6]]
    # movement's dim names and layout: same table, same read-outs, named back its way
    theirs = ds.position.rename(individuals="individual", keypoints="keypoint")
    theirs = theirs.transpose("time", "space", "keypoint", "individual")
    pd.testing.assert_frame_equal(compute_region_events(theirs, [SQUARE], centroid=True), events)
    time_in = compute_time_in_region(theirs, [SQUARE])
    assert time_in.dims == ("region", "keypoint", "individual")
    assert (
        time_in.sel(keypoint="snout").item() == 4.0 and time_in.sel(keypoint="tail").item() == 3.0
    )


def test_occupancy_can_be_given_directly_and_extra_dims_are_columns():
    ds = walk(BACK_AND_FORTH)
    layered = xr.concat([ds.position, ds.position + 100.0], dim="layers").assign_coords(
        layers=["manual", "dlc"]
    )
    occupancy = compute_region_occupancy(layered, [SQUARE])
    events = compute_region_events(occupancy)
    assert events.columns[:3].tolist() == ["layers", "individual", "keypoint"]
    assert events.layers.tolist() == ["manual"] * 3
    with pytest.raises(InvalidArgumentError, match="already an occupancy"):
        compute_region_events(occupancy, [SQUARE])


def test_sparse_time_is_refused():
    ds = poses_from_numpy(np.zeros((3, 1, 1, 2)), frame_array=[0, 1, 5], fps=10.0)
    with pytest.raises(InvalidArgumentError, match="regularly sampled"):
        compute_region_events(ds, [SQUARE])


def test_missing_points_are_outside():
    xs = np.array([1.0, 2, np.nan, 3, 4])
    ds = walk(xs)
    assert compute_region_events(ds, [SQUARE])[["frame_in", "frame_out"]].values.tolist() == [
        [0, 2],
        [3, 5],
    ]
    assert compute_region_events(ds, [SQUARE], min_duration=2)[
        ["frame_in", "frame_out"]
    ].values.tolist() == [[0, 5]]


# --------------------------------------------------------------------------- #
# crossing a line back and forth
# --------------------------------------------------------------------------- #
DOOR = LineOfInterest([(0, 5), (10, 5)], name="door")


def test_line_crossed_back_and_forth():
    # x fixed at 5; y: below, above (frame 2), below (frame 4), touch and back,
    # touch and on (frame 10)
    ys = [3, 4, 6, 7, 4, 3, 5, 3, 4, 5, 6]
    ds = walk([5.0] * len(ys), ys)
    crossings = compute_line_crossings(ds, DOOR)
    assert crossings.columns.tolist() == [
        "individual",
        "keypoint",
        "region",
        "frame",
        "time",
        "direction",
    ]
    # walking along the door from (0, 5) to (10, 5), above (+y) is its left: upwards is +1
    assert crossings[["frame", "direction"]].values.tolist() == [[2, 1], [4, -1], [10, 1]]


def test_line_crossings_beside_the_line_and_through_gaps():
    ds = walk([12.0, 12.0, 5.0, 5.0, np.nan, 5.0], [4, 6, 6, 4, 4, 6])
    # beside the segment (x = 12) is no crossing; a crossing in a gap is reported after it
    assert compute_line_crossings(ds, DOOR)[["frame", "direction"]].values.tolist() == [
        [3, -1],
        [5, 1],
    ]
    ds = walk([5.0, 5.0, 5.0], [4, np.nan, 6])
    assert compute_line_crossings(ds, DOOR)[["frame", "direction"]].values.tolist() == [[2, 1]]


def test_polyline_vertex_is_crossed_once():
    bend = LineOfInterest([(0, 0), (5, 5), (10, 0)], name="bend")
    ds = walk([5.0, 5.0], [7.0, 3.0])  # straight down through the vertex (5, 5)
    assert compute_line_crossings(ds, bend).direction.abs().sum() == 1
    with pytest.raises(TypeError, match="crossings are of lines"):
        compute_line_crossings(ds, SQUARE)
