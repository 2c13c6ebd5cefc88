"""Region questions on every form of positions: extra dims, any order, dask, numpy, NaN, 3-D."""

from __future__ import annotations

import dask.array as dsa
import numpy as np
import pytest
import xarray as xr

from movement_like.dataset import poses_from_numpy
from movement_like.errors import ArgumentTypeError, InvalidArgumentError
from movement_like.roi import LineOfInterest, PolygonOfInterest, compute_region_occupancy

ARENA = PolygonOfInterest(
    [(0, 0), (40, 0), (40, 30), (0, 30)],
    holes=[[(10, 10), (20, 10), (20, 20), (10, 20)]],
    name="arena",
)
WALL = LineOfInterest([(0, 35), (40, 35)], name="wall")

METHODS = {
    "inside": lambda r, p: r.contains_point(p),
    "inside strictly": lambda r, p: r.contains_point(p, include_boundary=False),
    "distance": lambda r, p: r.compute_distance_to(p),
    "boundary distance": lambda r, p: r.compute_distance_to(p, boundary_only=True),
    "nearest": lambda r, p: r.compute_nearest_point_to(p),
    "approach": lambda r, p: r.compute_approach_vector(p, unit=True),
    "allocentric": lambda r, p: r.compute_allocentric_angle_to_nearest_point(p, boundary_only=True),
    "occupancy": lambda r, p: compute_region_occupancy(p, [r, WALL]),
}


@pytest.fixture
def layered() -> xr.DataArray:
    """Positions with extra dims (layers, views), some missing."""
    rng = np.random.default_rng(3)
    ds = poses_from_numpy(rng.uniform(-5, 45, size=(50, 2, 3, 2)), fps=25.0)
    position = xr.concat([ds.position, ds.position * 0.5], dim="layers").assign_coords(
        layers=["a", "b"]
    )
    position = xr.concat([position, position + 1.0], dim="views").assign_coords(
        views=["top", "side"]
    )
    position[0, 0, 4, 1, 2] = np.nan
    return position.assign_attrs(units="px")


@pytest.mark.parametrize("method", list(METHODS))
def test_extra_dims_any_order_and_dask(layered, method):
    compute = METHODS[method]
    before = layered.copy(deep=True)
    result = compute(ARENA, layered)
    xr.testing.assert_identical(layered, before)  # the input is never modified
    kept = [d for d in layered.dims if d != "space"]
    assert [d for d in result.dims if d in kept] == kept
    for dim in kept:
        xr.testing.assert_equal(result[dim], layered[dim])
    # found by name: a transposed input gives the same answer
    shuffled = compute(ARENA, layered.transpose("space", "keypoints", "time", ...))
    xr.testing.assert_allclose(shuffled.transpose(*result.dims), result)
    # dask in, dask out, same values once computed
    lazy = compute(ARENA, layered.chunk({"time": 7, "space": 1}))
    assert isinstance(lazy.data, dsa.Array)
    xr.testing.assert_allclose(lazy.compute(), result)


def test_missing_positions():
    position = xr.DataArray(
        [[np.nan, 5.0], [5.0, 5.0]], dims=("time", "space"), coords={"space": ["x", "y"]}
    )
    assert ARENA.contains_point(position).values.tolist() == [False, True]
    assert np.isnan(ARENA.compute_distance_to(position).values[0])
    assert np.isnan(ARENA.compute_nearest_point_to(position).values[0]).all()
    assert np.isnan(
        ARENA.compute_allocentric_angle_to_nearest_point(position, boundary_only=True).values[0]
    )


def test_numpy_arrays_and_single_points():
    points = np.array([[[5.0, 5.0], [15.0, 15.0]], [[50.0, 5.0], [0.0, 0.0]]])
    assert ARENA.contains_point(points).tolist() == [[True, False], [False, True]]
    assert ARENA.compute_distance_to(points).tolist() == [[0.0, 5.0], [10.0, 0.0]]
    assert ARENA.compute_nearest_point_to(points).shape == (2, 2, 2)
    assert ARENA.contains_point((5, 5)) is True
    assert isinstance(ARENA.compute_distance_to((50, 5)), np.floating)


def test_space_is_read_by_label_and_z_is_ignored():
    xy = xr.DataArray([[45.0, 5.0]], dims=("time", "space"), coords={"space": ["x", "y"]})
    yxz = xr.DataArray(
        [[5.0, 45.0, 99.0]], dims=("time", "space"), coords={"space": ["y", "x", "z"]}
    )
    assert ARENA.compute_distance_to(xy).item() == ARENA.compute_distance_to(yxz).item() == 5.0
    assert ARENA.compute_nearest_point_to(yxz).values.tolist() == [[40.0, 5.0]]


def test_float32_positions_are_measured_in_float64():
    position = xr.DataArray(np.array([[45.5, 5.0]], dtype=np.float32), dims=("time", "space"))
    assert ARENA.compute_distance_to(position).dtype == np.float64
    assert ARENA.compute_distance_to(position).item() == 5.5


def test_bad_positions_and_regions_are_refused():
    with pytest.raises(InvalidArgumentError, match="'space' dim"):
        ARENA.contains_point(xr.DataArray(np.zeros((3, 2)), dims=("time", "xy")))
    with pytest.raises(InvalidArgumentError, match="'x' and 'y'"):
        ARENA.contains_point(
            xr.DataArray(np.zeros((3, 2)), dims=("time", "space"), coords={"space": ["a", "b"]})
        )
    with pytest.raises(ArgumentTypeError, match="ds.position"):
        ARENA.contains_point(poses_from_numpy(np.zeros((2, 1, 1, 2))))
    with pytest.raises(InvalidArgumentError, match="regions is empty"):
        compute_region_occupancy(xr.DataArray(np.zeros((3, 2)), dims=("time", "space")), [])
    with pytest.raises(ArgumentTypeError, match="regions of interest"):
        compute_region_occupancy(xr.DataArray(np.zeros((3, 2)), dims=("time", "space")), ["arena"])
    with pytest.raises(InvalidArgumentError, match="not finite"):
        PolygonOfInterest([(0, 0), (1, np.nan), (1, 1)])
    with pytest.warns(UserWarning, match="not valid"):
        PolygonOfInterest([(0, 0), (1, 1), (1, 0), (0, 1)], name="bow tie")


def test_duplicate_labels_after_numbering_are_refused():
    a = PolygonOfInterest([(0, 0), (1, 0), (1, 1)], name="a")
    a0 = PolygonOfInterest([(0, 0), (1, 0), (1, 1)], name="a_0")
    with pytest.raises(InvalidArgumentError, match="duplicate labels"):
        compute_region_occupancy(xr.DataArray(np.zeros((1, 2)), dims=("time", "space")), [a, a, a0])


def test_occupancy_of_a_dataset_uses_its_position_and_logs():
    ds = poses_from_numpy(np.full((3, 1, 1, 2), 5.0), fps=10.0)
    occupancy = compute_region_occupancy(ds, [ARENA])
    assert occupancy.dims == ("region", "time", "individuals", "keypoints")
    assert "compute_region_occupancy" in occupancy.attrs["log"]
    assert "log" not in ds.position.attrs  # the input is untouched
