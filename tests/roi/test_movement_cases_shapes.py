"""movement 0.17's region-of-interest test cases, part 1: building, inside tests, normals, plots.

Each case below is one case of movement's own ROI unit tests (same inputs, same
expected answers), called with movement's arguments on movement-named
DataArrays (``individual``, ``keypoint``). Part 2 is test_movement_cases_measures.py.
"""

from __future__ import annotations

import re

import matplotlib
import numpy as np
import pytest
import shapely
import xarray as xr

from movement_like.roi import LineOfInterest, PolygonOfInterest

matplotlib.use("Agg")

ROOT2 = np.sqrt(2.0)


# --------------------------------------------------------------------------- #
# building regions (7 cases)
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    ("with_hole", "name", "expected_name"),
    [(False, None, "Un-named region"), (True, "elephant", "elephant")],
    ids=["default name", "explicit name with a hole"],
)
def test_polygon_is_built(square_corners, central_hole, with_hole, name, expected_name):
    holes = [central_hole] if with_hole else None
    polygon = PolygonOfInterest(square_corners, holes=holes, name=name)
    assert isinstance(polygon.region, shapely.Polygon)
    assert polygon.is_closed and polygon.dimensions == 2
    assert len(polygon.coords) == len(square_corners) + 1
    assert polygon.name == expected_name
    assert repr(polygon) == str(polygon) and "-gon" in repr(polygon)


def test_polygon_needs_three_points():
    with pytest.raises(
        ValueError, match=re.escape("Need at least 3 points to define a 2D region (got 2)")
    ):
        PolygonOfInterest(np.array([[0.0, 0.0], [1.0, 0.0]]))


@pytest.mark.parametrize(
    ("points", "loop", "name", "closed", "extra_coords"),
    [
        ([[0.0, 0.0], [1.0, 0.0]], False, None, False, 0),
        ([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]], True, "triangle", True, 1),
    ],
    ids=["open", "looped"],
)
def test_line_is_built(points, loop, name, closed, extra_coords):
    line = LineOfInterest(np.array(points), loop=loop, name=name)
    assert line.name == (name or "Un-named region")
    assert line.dimensions == 1 and line.is_closed == closed
    assert len(line.coords) == len(points) + extra_coords
    assert repr(line) == str(line) and "line segment(s)" in repr(line)


@pytest.mark.parametrize(
    ("points", "loop", "message"),
    [
        ([[0.0, 0.0]], False, "Need at least 2 points to define a 1D region (got 1)"),
        ([[0.0, 0.0], [1.0, 0.0]], True, "Cannot create a loop from a single line segment."),
    ],
    ids=["too few points", "loop of one segment"],
)
def test_line_refuses(points, loop, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        LineOfInterest(np.array(points), loop=loop)


# --------------------------------------------------------------------------- #
# is a point inside? (23 cases)
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    ("point", "include_boundary", "inside"),
    [
        ([0, 0], True, True),
        ([0, 0], False, False),
        ([0.5, 0.5], True, True),
        ([0.5, 0.5], False, True),
        ([2.0, 2.0], True, False),
        ([0.5, 0.5, 0.5], True, True),
        ([0.1, 0.2, 0.5], True, False),
    ],
    ids=[
        "start",
        "start excluded",
        "middle",
        "middle, boundary excluded",
        "beyond",
        "3-D on",
        "3-D off",
    ],
)
def test_point_on_line(diagonal, point, include_boundary, inside):
    """A line's boundary is its two end points."""
    assert diagonal.contains_point(point, include_boundary) == inside


@pytest.mark.parametrize(
    ("point", "include_boundary", "inside"),
    [
        ([0, 0], True, True),
        ([0, 0], False, False),
        ([0.25, 0.25], True, True),
        ([0.25, 0.25], False, False),
        ([0.5, 0.5], True, False),
        ([0.1, 0.1], True, True),
        ([2.0, 2.0], True, False),
        ([0.5, 0.5, 0.5], True, False),
        ([0.1, 0.1, 0.5], True, True),
    ],
    ids=[
        "outer corner",
        "outer corner excluded",
        "hole corner",
        "hole corner excluded",
        "in the hole",
        "in the region",
        "outside",
        "3-D in the hole",
        "3-D in the region",
    ],
)
def test_point_in_polygon(unit_square_with_hole, point, include_boundary, inside):
    assert unit_square_with_hole.contains_point(point, include_boundary) == inside


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        ([[0.15, 0.15], [0.1, 0.1], [0.80, 0.80]], [True, True, True]),
        ([[0.55, 0.55], [0.5, 0.5], [0.7, 0.7], [0.6, 0.6]], [False] * 4),
        ([[0.55, 0.55], [0.1, 0.1], [0.7, 0.7], [0, 0]], [False, True, False, True]),
        ([[2, 2], [-2, -2]], [False, False]),
    ],
    ids=["3 inside", "4 in the hole", "2 in the hole, 1 inside, 1 on the edge", "2 outside"],
)
def test_points_in_polygon(unit_square_with_hole, points, expected):
    positions = xr.DataArray(np.array(points), dims=["points", "space"])
    xr.testing.assert_equal(
        unit_square_with_hole.contains_point(positions), xr.DataArray(expected, dims=["points"])
    )


@pytest.mark.parametrize(
    ("shape", "dims", "expected_dims"),
    [
        ((4, 2), ["points", "space"], ("points",)),
        ((2, 2, 2), ["time", "points", "space"], ("time", "points")),
        ((2, 2, 2, 5), ["time", "points", "space", "individual"], ("time", "points", "individual")),
    ],
    ids=["points", "time, points", "time, points, individual"],
)
def test_space_is_consumed(unit_square_with_hole, shape, dims, expected_dims):
    result = unit_square_with_hole.contains_point(xr.DataArray(np.zeros(shape), dims=dims))
    assert result.dims == expected_dims
    assert result.shape == tuple(s for s, d in zip(shape, dims, strict=True) if d != "space")


# --------------------------------------------------------------------------- #
# normals of a segment (5 cases)
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    ("segment", "point", "expected"),
    [
        (None, (0.0, 1.0), (-1 / ROOT2, 1 / ROOT2)),
        (None, (1.0, 0.0), (1 / ROOT2, -1 / ROOT2)),
        ([(0.5, 0.5), (1.0, 1.0)], (1.0, 0.0), (1 / ROOT2, -1 / ROOT2)),
        (None, (1.0, 2.0), (-1 / ROOT2, 1 / ROOT2)),
    ],
    ids=["towards (0, 1)", "towards (1, 0)", "away from the origin", "beyond the segment's end"],
)
def test_normal(diagonal, segment, point, expected):
    line = diagonal if segment is None else LineOfInterest(segment)
    assert np.allclose(line.normal(point), expected)


def test_no_normal_of_several_segments():
    with pytest.raises(ValueError, match="Normal is not defined for multi-segment geometries."):
        LineOfInterest([(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)]).normal((0.5, 0.5))


# --------------------------------------------------------------------------- #
# a polygon's boundaries and holes (3 cases)
# --------------------------------------------------------------------------- #
SHAVED = (
    np.array([[0.0, 0.0], [0.0, 0.25], [0.25, 0.0]]),
    np.array([[0.75, 0.0], [1.0, 0.25], [1.0, 0.0]]),
)


@pytest.mark.parametrize("holes", ["none", "central", "shaved corners"])
def test_boundaries_and_holes(square_corners, central_hole, holes):
    rings = {"none": (), "central": (central_hole,), "shaved corners": SHAVED}[holes]
    if holes == "shaved corners":  # holes touching the outline: not a valid polygon, and we say so
        with pytest.warns(UserWarning, match="not valid"):
            polygon = PolygonOfInterest(square_corners, holes=rings, name="Holey")
    else:
        polygon = PolygonOfInterest(square_corners, holes=rings, name="Holey")
    assert isinstance(polygon.exterior_boundary, LineOfInterest)
    assert shapely.LinearRing(square_corners).equals_exact(polygon.exterior_boundary.region, 1e-8)
    interiors, cut_out = polygon.interior_boundaries, polygon.holes
    assert isinstance(interiors, tuple) and isinstance(cut_out, tuple)
    assert len(interiors) == len(cut_out) == len(rings)
    for ring, line, hole in zip(rings, interiors, cut_out, strict=True):
        assert isinstance(line, LineOfInterest) and isinstance(hole, PolygonOfInterest)
        assert shapely.LinearRing(ring).equals_exact(line.region, 1e-8)
        assert shapely.Polygon(ring).equals_exact(hole.region, 1e-8)


# --------------------------------------------------------------------------- #
# plots (6 cases)
# --------------------------------------------------------------------------- #
def cheese() -> PolygonOfInterest:
    """A wedge with four holes."""
    wedge = [(0, 0), (4, 0), (4, 0.5), (0, 2)]
    holes = [
        [(0.5, 0.5), (0.5, 0.75), (0.625, 0.625)],
        [(3, 0.25), (3.25, 0.5), (3.25, 0.75), (2.75, 0.75), (2.625, 0.5)],
        [(1.0, 0.1), (2, 0.1), (1.75, 0.2), (1.5, 0.3), (1.25, 0.2)],
        [(0.5, 1.75), (0.75, 1.5), (1.0, 1.25), (1.25, 1.25), (1.5, 1.4)],
    ]
    return PolygonOfInterest(wedge, holes=holes, name="Havarti")


def ring_arena() -> PolygonOfInterest:
    """An 18-sided ring, 40 px wide (like the Aeon arena of movement's sample data)."""
    angles = np.pi / 2 + 2 * np.pi * np.arange(18) / 18
    unit = np.column_stack([np.cos(angles), np.sin(angles)])
    centre = np.array([712.5, 541.0])
    return PolygonOfInterest(centre + 545 * unit, holes=[centre + 525 * unit], name="Arena")


@pytest.mark.parametrize(
    ("which", "kwargs"),
    [
        ("unit square", {}),
        ("unit square with hole", {}),
        ("cheese", {"facecolor": "yellow", "edgecolor": "black", "ax": "new"}),
        ("ring", {"facecolor": ("black", 0.0)}),
        ("segment", {}),
        ("multi-segment", {}),
    ],
)
def test_plot(unit_square, unit_square_with_hole, which, kwargs):
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import PathPatch

    region = {
        "unit square": unit_square,
        "unit square with hole": unit_square_with_hole,
        "cheese": cheese(),
        "ring": ring_arena(),
        "segment": LineOfInterest([(0.0, 0.0), (1.0, 0.0)]),
        "multi-segment": LineOfInterest([(0.0, 0.0), (1.0, 0), (1.0, 1.0), (0.0, 1)]),
    }[which]
    if kwargs.get("ax") == "new":
        _, ax = plt.subplots()
        region.plot(**(kwargs | {"ax": ax}))
    else:
        _, ax = region.plot(**(kwargs | {"ax": None}))
    plt.close("all")
    if region.dimensions == 2:
        assert len(ax.patches) == 1 and len(ax.lines) == 0
        assert type(ax.patches[0]) is PathPatch
    else:
        assert len(ax.patches) == 0 and len(ax.lines) == 1
        assert type(ax.lines[0]) is Line2D
