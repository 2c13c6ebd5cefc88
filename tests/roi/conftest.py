"""Regions shared by the region-of-interest tests (the shapes movement's own tests use)."""

from __future__ import annotations

import numpy as np
import pytest

from movement_like.roi import LineOfInterest, PolygonOfInterest


@pytest.fixture
def square_corners() -> np.ndarray:
    """Corners of the unit square, listed clockwise from the origin (as movement lists them)."""
    return np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0]])


@pytest.fixture
def central_hole(square_corners) -> np.ndarray:
    """A square hole of side 0.5 centred on (0.5, 0.5)."""
    return 0.25 + 0.5 * square_corners


@pytest.fixture
def unit_square(square_corners) -> PolygonOfInterest:
    return PolygonOfInterest(square_corners, name="Unit square")


@pytest.fixture
def unit_square_with_hole(square_corners, central_hole) -> PolygonOfInterest:
    return PolygonOfInterest(square_corners, holes=[central_hole], name="Unit square with hole")


@pytest.fixture
def triangle_corners() -> list[tuple[float, float]]:
    return [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0)]


@pytest.fixture
def triangle(triangle_corners) -> PolygonOfInterest:
    return PolygonOfInterest(triangle_corners, name="triangle")


@pytest.fixture
def diagonal() -> LineOfInterest:
    """The segment of y = x from (0, 0) to (1, 1), unnamed."""
    return LineOfInterest([(0, 0), (1, 1)])


@pytest.fixture
def x_axis_segment() -> LineOfInterest:
    """The segment from (0, 0) to (1, 0), unnamed."""
    return LineOfInterest([[0.0, 0.0], [1.0, 0.0]])
