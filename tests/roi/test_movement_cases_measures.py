"""movement 0.17's region-of-interest test cases, part 2: distances, angles, occupancy, files.

Same inputs and expected answers as movement's own ROI unit tests, called with
movement's arguments on movement-named DataArrays. Part 1 is
test_movement_cases_shapes.py.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

from movement_like.roi import (
    LineOfInterest,
    PolygonOfInterest,
    compute_region_occupancy,
    load_rois,
    save_rois,
)

ROOT5 = np.sqrt(5.0)


@pytest.fixture
def targets() -> xr.DataArray:
    """Seven positions along time, around the unit square."""
    return xr.DataArray(
        np.array(
            [
                [-0.5, 0.50],
                [0.00, 0.50],
                [0.40, 0.45],
                [2.00, 1.00],
                [0.40, 0.75],
                [0.95, 0.90],
                [0.80, 0.76],
            ]
        ),
        dims=["time", "space"],
        coords={"space": ["x", "y"]},
    )


def region_named(which, unit_square, unit_square_with_hole, x_axis_segment):
    return {
        "square": unit_square,
        "holed": unit_square_with_hole,
        "line": x_axis_segment,
    }[which]


# --------------------------------------------------------------------------- #
# distances, nearest points, approach vectors (18 cases)
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    ("which", "boundary_only", "expected"),
    [
        ("holed", True, [0.5, 0.0, 0.15, 1.0, 0.0, 0.05, np.hypot(0.05, 0.01)]),
        ("holed", False, [0.5, 0.0, 0.15, 1.0, 0.0, 0.0, 0.0]),
        ("line", False, [0.5 * np.sqrt(2), 0.5, 0.45, np.sqrt(2), 0.75, 0.9, 0.76]),
        (
            "line",
            True,
            [
                0.5 * np.sqrt(2),
                0.5,
                np.hypot(0.4, 0.45),
                np.sqrt(2),
                np.hypot(0.4, 0.75),
                np.hypot(0.05, 0.9),
                np.hypot(0.2, 0.76),
            ],
        ),
    ],
    ids=["holed square, boundary", "holed square", "line", "line end points"],
)
def test_distance(
    targets, unit_square, unit_square_with_hole, x_axis_segment, which, boundary_only, expected
):
    region = region_named(which, unit_square, unit_square_with_hole, x_axis_segment)
    computed = region.compute_distance_to(targets, boundary_only=boundary_only)
    xr.testing.assert_allclose(computed, xr.DataArray(expected, dims=["time"]))


NEAREST = {
    ("square", True): [[0, 0.5], [0, 0.5], [0, 0.45], [1, 1], [0.4, 1], [1, 0.9], [1, 0.76]],
    ("square", False): [
        [0, 0.5],
        [0, 0.5],
        [0.4, 0.45],
        [1, 1],
        [0.4, 0.75],
        [0.95, 0.9],
        [0.8, 0.76],
    ],
    ("holed", True): [
        [0, 0.5],
        [0, 0.5],
        [0.25, 0.45],
        [1, 1],
        [0.4, 0.75],
        [1, 0.9],
        [0.75, 0.75],
    ],
    ("holed", False): [
        [0, 0.5],
        [0, 0.5],
        [0.25, 0.45],
        [1, 1],
        [0.4, 0.75],
        [0.95, 0.9],
        [0.8, 0.76],
    ],
    ("line", False): [[0, 0], [0, 0], [0.4, 0], [1, 0], [0.4, 0], [0.95, 0], [0.8, 0]],
    ("line", True): [[0, 0], [0, 0], [0, 0], [1, 0], [0, 0], [1, 0], [1, 0]],
}


@pytest.mark.parametrize(("which", "boundary_only"), list(NEAREST), ids=lambda v: str(v))
def test_nearest_point(
    targets, unit_square, unit_square_with_hole, x_axis_segment, which, boundary_only
):
    region = region_named(which, unit_square, unit_square_with_hole, x_axis_segment)
    computed = region.compute_nearest_point_to(targets, boundary_only=boundary_only)
    expected = xr.DataArray(
        np.array(NEAREST[which, boundary_only], dtype=float), dims=["time", "nearest point"]
    )
    xr.testing.assert_allclose(computed, expected)


@pytest.mark.parametrize(
    ("which", "position", "candidates"),
    [
        ("square", [0.5, 0.5], [[0.0, 0.5], [0.5, 0.0], [1.0, 0.5], [0.5, 1.0]]),
        ("line", [0.5, 0.0], [[0.0, 0.0], [1.0, 0.0]]),
    ],
    ids=["centre of the square", "middle of the line"],
)
def test_nearest_point_among_equals(
    unit_square, unit_square_with_hole, x_axis_segment, which, position, candidates
):
    region = region_named(which, unit_square, unit_square_with_hole, x_axis_segment)
    position = np.array(position)
    found = region.compute_nearest_point_to(position, boundary_only=True)
    distance = np.sum((found - position) ** 2)
    for candidate in candidates:
        assert np.isclose(np.sum((np.array(candidate) - position) ** 2), distance)
    assert sum(np.allclose(found, candidate) for candidate in candidates) == 1


@pytest.mark.parametrize(
    ("which", "point", "kwargs", "expected"),
    [
        ("square", (-0.5, 0.0), {"unit": True}, [1.0, 0.0]),
        ("line", (0.1, 0.5), {"unit": True}, [0.0, -1.0]),
        ("square", (-0.5, 0.0), {"unit": False}, [0.5, 0.0]),
        ("square", (0.5, 0.5), {"unit": True}, [0.0, 0.0]),
        ("square", (0.25, 0.35), {"boundary_only": True, "unit": True}, [-1.0, 0.0]),
        (
            "line",
            (0.1, 0.5),
            {"boundary_only": True, "unit": True},
            list(np.array([-0.1, -0.5]) / np.hypot(0.1, 0.5)),
        ),
    ],
    ids=[
        "to the square",
        "to the line",
        "not normalised",
        "inside: null",
        "to the edge",
        "to an end",
    ],
)
def test_approach_vector(
    unit_square, unit_square_with_hole, x_axis_segment, which, point, kwargs, expected
):
    region = region_named(which, unit_square, unit_square_with_hole, x_axis_segment)
    assert np.allclose(region.compute_approach_vector(point, **kwargs), expected)


# --------------------------------------------------------------------------- #
# egocentric and allocentric angles (8 cases)
# --------------------------------------------------------------------------- #
def mouse_keypoints() -> xr.DataArray:
    """Five frames of keypoints left, right, their midpoint, and a stray point."""
    left = [[1.25, 0.0], [-0.25, 0.5], [0.375, 0.375], [1.0, -0.25], [0.25, 0.5]]
    right = [[1.0, -0.25], [-0.25, 0.25], [0.5, 0.375], [1.25, 0.0], [0.375, 0.25]]
    stray = [[-0.25, 1.25], [-0.5, 0.375], [1.25, 1.25], [-0.25, -0.25], [0.5, 0.65]]
    middle = (np.array(left) + np.array(right)) / 2
    points = np.stack([left, right, middle, stray], axis=-1)
    return xr.DataArray(
        points,
        dims=["time", "space", "keypoint"],
        coords={"space": ["x", "y"], "keypoint": ["left", "right", "midpt", "wild"]},
    )


def forward_vectors(values) -> xr.DataArray:
    """Forward vectors as movement's compute_forward_vector(left, right) gives them."""
    return xr.DataArray(
        np.array(values, dtype=float), dims=["time", "space"], coords={"space": ["x", "y"]}
    )


#: movement.kinematics.compute_forward_vector(mouse_keypoints(), "left", "right")
MOUSE_FORWARD = [[-1, 1], [-1, 0], [0, -1], [1, -1], [-2, -1]]


@pytest.mark.parametrize(
    ("which", "keypoint", "kwargs", "expected_degrees", "egocentric"),
    [
        (
            "holed",
            "midpt",
            {"in_degrees": True},
            [0, 180, 0, 180, np.rad2deg(np.arccos(2 / ROOT5))],
            True,
        ),
        (
            "holed",
            "wild",
            {"in_degrees": True},
            [180, 180, 45, -90, np.rad2deg(np.pi / 2 + np.arcsin(1 / ROOT5))],
            True,
        ),
        ("square", "midpt", {"in_degrees": True}, [0, 180, np.nan, 180, np.nan], True),
        (
            "square",
            "midpt",
            {"boundary_only": True, "in_degrees": True},
            [0, 180, 0, 180, np.rad2deg(np.arccos(2 / ROOT5))],
            True,
        ),
        ("holed", "midpt", {}, [-135, 0, 90, -135, 180], False),
        ("square", "midpt", {}, [-135, 0, np.nan, -135, np.nan], False),
        ("square", "midpt", {"boundary_only": True}, [-135, 0, 90, -135, 180], False),
    ],
    ids=[
        "egocentric",
        "egocentric from another point",
        "egocentric, null approach",
        "egocentric, boundary",
        "allocentric",
        "allocentric, null approach",
        "allocentric, boundary",
    ],
)
def test_angles(
    unit_square, unit_square_with_hole, which, keypoint, kwargs, expected_degrees, egocentric
):
    region = {"square": unit_square, "holed": unit_square_with_hole}[which]
    position = mouse_keypoints().sel(keypoint=keypoint, drop=True)
    if egocentric:
        angles = region.compute_egocentric_angle_to_nearest_point(
            forward_vectors(MOUSE_FORWARD), position, **kwargs
        )
    else:
        angles = region.compute_allocentric_angle_to_nearest_point(position, **kwargs)
    expected = np.array(expected_degrees, dtype=float)
    if not kwargs.get("in_degrees"):
        expected = np.deg2rad(expected)
    xr.testing.assert_allclose(
        angles.drop_vars(list(angles.coords)), xr.DataArray(expected, dims=["time"])
    )


def test_angle_to_normal(diagonal):
    """Equal to the egocentric angle where the approach vector is the normal."""
    left = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 2.0]])
    right = np.array([[0.05, 0.95], [0.95, 0.05], [1.05, 1.95]])
    position = xr.DataArray(
        (left + right) / 2, dims=["time", "space"], coords={"space": ["x", "y"]}
    )
    #: movement.kinematics.compute_forward_vector of these left and right keypoints
    forward = forward_vectors([[-1, -1], [1, 1], [-1, -1]])
    to_normal = diagonal.compute_angle_to_normal(forward, position)
    xr.testing.assert_allclose(to_normal, xr.DataArray(np.deg2rad([-90.0] * 3), dims=["time"]))
    egocentric = diagonal.compute_egocentric_angle_to_nearest_point(forward, position)
    assert np.isclose(egocentric, to_normal).tolist() == [True, True, False]


# --------------------------------------------------------------------------- #
# occupancy (7 cases)
# --------------------------------------------------------------------------- #
@pytest.fixture
def triangles(triangle_corners):
    moved = {
        offset: PolygonOfInterest(
            [(x + offset, y + offset) for x, y in triangle_corners], name="triangle"
        )
        for offset in (0.01, 1.0)
    }
    return {
        "triangle": PolygonOfInterest(triangle_corners, name="triangle"),
        "pizza": PolygonOfInterest(triangle_corners, name="pizza_slice"),
        "moved a little": moved[0.01],
        "moved away": moved[1.0],
    }


FOUR_POINTS = [[0.15, 0.15], [0.85, 0.85], [0.5, 0.5], [1.5, 1.5]]


@pytest.mark.parametrize(
    ("names", "points", "expected", "labels"),
    [
        (
            ["triangle", "square", "holed"],
            FOUR_POINTS,
            [[True, False, True, False], [True, True, True, False], [True, True, False, False]],
            ["triangle", "Unit square", "Unit square with hole"],
        ),
        (
            ["triangle"] * 3,
            FOUR_POINTS,
            [[True, False, True, False]] * 3,
            ["triangle_0", "triangle_1", "triangle_2"],
        ),
        (["triangle", "pizza"], [[0.5, 0.5]], [[True], [True]], ["triangle", "pizza_slice"]),
        (
            ["triangle", "moved a little", "moved away"],
            [[0.5, 0.5]],
            [[True], [True], [False]],
            ["triangle_0", "triangle_1", "triangle_2"],
        ),
        (["pizza"], [[0.5, 0.5]], [[True]], ["pizza_slice"]),
    ],
    ids=["three shapes", "three of one name", "two names", "three moved, one name", "one"],
)
def test_occupancy(triangles, unit_square, unit_square_with_hole, names, points, expected, labels):
    shapes = triangles | {"square": unit_square, "holed": unit_square_with_hole}
    data = xr.DataArray(np.array(points), dims=["time", "space"], coords={"space": ["x", "y"]})
    occupancy = compute_region_occupancy(data, [shapes[n] for n in names])
    assert occupancy.dims == ("region", "time")
    assert (occupancy.data == np.array(expected)).all()
    assert occupancy.region.values.tolist() == labels


def test_occupancy_numbers_many_repeated_names(triangles, unit_square, unit_square_with_hole):
    regions = (
        [triangles["triangle"]] * 1000
        + [unit_square] * 100
        + [unit_square_with_hole] * 10
        + [triangles["pizza"]]
    )
    data = xr.DataArray(
        np.array([[0.5, 0.5]]), dims=["time", "space"], coords={"space": ["x", "y"]}
    )
    expected = xr.DataArray(
        np.array([[True]] * 1100 + [[False]] * 10 + [[True]]),
        dims=["region", "time"],
        coords={
            "region": [f"triangle_{i:03d}" for i in range(1000)]
            + [f"Unit square_{i:02d}" for i in range(100)]
            + [f"Unit square with hole_{i}" for i in range(10)]
            + ["pizza_slice"]
        },
    )
    xr.testing.assert_identical(compute_region_occupancy(data, regions), expected)


def test_occupancy_keeps_movement_dims(triangles):
    """movement's two-individuals array: (time, space, keypoint, individual)."""
    time = np.arange(4)
    one = np.zeros((4, 2, 2, 1))
    one[:, 1, 0, 0] = time + 1  # snout
    one[:, 1, 1, 0] = time - 1  # tail
    flipped = one.copy()
    flipped[:, 1] *= -1  # the second mouse walks the other way
    two = np.concatenate([one, flipped], axis=3)
    data = xr.DataArray(
        two,
        dims=["time", "space", "keypoint", "individual"],
        coords={
            "time": time,
            "space": ["x", "y"],
            "keypoint": ["snout", "tail"],
            "individual": ["id_0", "id_1"],
        },
    )
    occupancy = compute_region_occupancy(data, [triangles["triangle"]] * 3)
    assert set(data.dims) & set(occupancy.dims) == {"time", "keypoint", "individual"}
    assert set(data.dims) - set(occupancy.dims) == {"space"}
    assert set(occupancy.dims) - set(data.dims) == {"region"}
    assert occupancy.region.shape == (3,)


# --------------------------------------------------------------------------- #
# GeoJSON files (7 cases)
# --------------------------------------------------------------------------- #
def test_save_writes_a_feature_collection(unit_square, diagonal, tmp_path):
    path = tmp_path / "rois.geojson"
    save_rois([unit_square, diagonal], path)
    content = json.loads(path.read_text())
    assert content["type"] == "FeatureCollection" and len(content["features"]) == 2


def test_load_gives_a_list(unit_square, diagonal, tmp_path):
    save_rois([unit_square, diagonal], tmp_path / "rois.geojson")
    loaded = load_rois(tmp_path / "rois.geojson")
    assert isinstance(loaded, list) and len(loaded) == 2


def test_round_trip_keeps_types(unit_square, diagonal, tmp_path):
    save_rois([unit_square, diagonal], tmp_path / "rois.geojson")
    polygon, line = load_rois(tmp_path / "rois.geojson")
    assert isinstance(polygon, PolygonOfInterest) and isinstance(line, LineOfInterest)


def test_round_trip_keeps_geometry(unit_square, diagonal, tmp_path):
    save_rois([unit_square, diagonal], tmp_path / "rois.geojson")
    for original, loaded in zip(
        [unit_square, diagonal], load_rois(tmp_path / "rois.geojson"), strict=True
    ):
        assert loaded.region.equals(original.region)


def test_round_trip_keeps_names(unit_square, diagonal, tmp_path):
    save_rois([unit_square, diagonal], tmp_path / "rois.geojson")
    assert [r.name for r in load_rois(tmp_path / "rois.geojson")] == [
        unit_square.name,
        diagonal.name,
    ]


def test_empty_collection(tmp_path):
    save_rois([], tmp_path / "empty.geojson")
    assert load_rois(tmp_path / "empty.geojson") == []


def test_mixed_collection(unit_square, unit_square_with_hole, diagonal, tmp_path):
    loop = LineOfInterest([(0, 0), (1, 0), (1, 1)], loop=True, name="triangle_loop")
    save_rois([unit_square, unit_square_with_hole, diagonal, loop], tmp_path / "mixed.geojson")
    loaded = load_rois(tmp_path / "mixed.geojson")
    assert [type(r) for r in loaded] == [
        PolygonOfInterest,
        PolygonOfInterest,
        LineOfInterest,
        LineOfInterest,
    ]
    assert loaded[3].is_closed
