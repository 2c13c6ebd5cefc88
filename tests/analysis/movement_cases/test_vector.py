"""movement 0.17's ``test_vector.py`` cases, on our vector helpers."""

from __future__ import annotations

from contextlib import nullcontext

import numpy as np
import pytest
import xarray as xr

from movement_like.utils import vector


def cart_pol() -> xr.Dataset:
    """Nine vectors around the circle, in Cartesian (``space``) and polar (``space_pol``) form."""
    x = np.array([-0.0, -1.0, 0.0, 1.0, 1.0, 1.0, 0.0, -1.0, -10.0])
    y = np.array([-0.0, -1.0, -1.0, -1.0, 0.0, 1.0, 1.0, 1.0, 0.0])
    time = np.arange(len(x))
    # phi of the null vector is 0, as movement 0.17 sets it (arctan2 of signed zeros is -pi)
    phi = np.pi * np.array([0.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0])
    return xr.Dataset(
        {
            "cart": xr.DataArray(
                np.column_stack((x, y)),
                dims=("time", "space"),
                coords={"time": time, "space": ["x", "y"]},
            ),
            "pol": xr.DataArray(
                np.column_stack((np.hypot(x, y), phi)),
                dims=("time", "space_pol"),
                coords={"time": time, "space_pol": ["rho", "phi"]},
            ),
        }
    )


def with_nan() -> xr.Dataset:
    ds = cart_pol()
    ds.cart.loc[{"time": slice(2, 3)}] = np.nan
    ds.pol.loc[{"time": slice(2, 3)}] = np.nan
    return ds


def relabelled(dim: str) -> xr.Dataset:
    ds = cart_pol()
    ds[dim] = ["a", "b"]
    return ds


DATA = {
    "cart_pol_dataset": cart_pol,
    "cart_pol_dataset_with_nan": with_nan,
    "cart_pol_dataset_missing_cart_dim": lambda: cart_pol().rename({"space": "spice"}),
    "cart_pol_dataset_missing_cart_coords": lambda: relabelled("space"),
    "cart_pol_dataset_missing_pol_dim": lambda: cart_pol().rename({"space_pol": "spice_pol"}),
    "cart_pol_dataset_missing_pol_coords": lambda: relabelled("space_pol"),
}


def expectation(name: str):
    return pytest.raises(ValueError) if "missing" in name else nullcontext()


CART_CASES = [
    "cart_pol_dataset",
    "cart_pol_dataset_with_nan",
    "cart_pol_dataset_missing_cart_dim",
    "cart_pol_dataset_missing_cart_coords",
]
POL_CASES = [
    "cart_pol_dataset",
    "cart_pol_dataset_with_nan",
    "cart_pol_dataset_missing_pol_dim",
    "cart_pol_dataset_missing_pol_coords",
]


@pytest.mark.parametrize("ds", CART_CASES)
def test_cart2pol(ds):
    data = DATA[ds]()
    with expectation(ds):
        xr.testing.assert_allclose(vector.cart2pol(data.cart), data.pol)


@pytest.mark.parametrize("ds", POL_CASES)
def test_pol2cart(ds):
    data = DATA[ds]()
    with expectation(ds):
        xr.testing.assert_allclose(vector.pol2cart(data.pol), data.cart)


@pytest.mark.parametrize("ds", CART_CASES)
def test_compute_norm(ds):
    """The norm from either form is the same, with only the time dim left."""
    data = DATA[ds]()
    with expectation(ds):
        result = vector.compute_norm(data.cart)
        expected = np.sqrt(data.cart.sel(space="x") ** 2 + data.cart.sel(space="y") ** 2)
        xr.testing.assert_allclose(result, expected)
        xr.testing.assert_allclose(result, vector.compute_norm(data.pol))
        assert result.dims == ("time",)


@pytest.mark.parametrize("ds", CART_CASES[:3])
def test_convert_to_unit(ds):
    """Unit vectors agree across forms; null or NaN vectors give NaN; rho becomes 1."""
    data = DATA[ds]()
    with expectation(ds):
        unit_cart = vector.convert_to_unit(data.cart)
        unit_pol = vector.convert_to_unit(data.pol)
        xr.testing.assert_allclose(unit_cart, vector.pol2cart(unit_pol))
        xr.testing.assert_allclose(unit_pol, vector.cart2pol(unit_cart))
        assert unit_cart.dims == data.cart.dims
        undefined = (data.cart == 0).all("space") | data.cart.isnull().any("space")
        assert unit_cart.where(undefined).isnull().all()
        expected = data.pol.copy()
        expected.loc[{"space_pol": "rho"}] = 1
        xr.testing.assert_allclose(unit_pol, expected.where(~undefined))
