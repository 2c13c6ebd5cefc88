import numpy as np
import pytest
import xarray as xr

from movement_like.errors import InvalidDatasetError
from movement_like.utils.dims import accepts_dim_aliases, to_caller_dims, to_contract_dims


def movement_array():
    return xr.DataArray(
        np.arange(24.0).reshape(3, 2, 2, 2),
        dims=("time", "space", "keypoint", "individual"),
        coords={"space": ["x", "y"], "keypoint": ["a", "b"], "individual": ["m", "n"]},
    )


def test_movement_names_go_in_and_come_back():
    @accepts_dim_aliases
    def mean_over_keypoints(data):
        assert "keypoints" in data.dims and "keypoint" not in data.dims
        return data.mean("keypoints")

    out = mean_over_keypoints(movement_array())
    assert out.dims == ("time", "space", "individual")
    assert list(out["individual"].values) == ["m", "n"]


def test_contract_names_untouched_and_no_copy():
    data = movement_array().rename(keypoint="keypoints", individual="individuals")
    same, renames = to_contract_dims(data)
    assert same is data and renames == {}


def test_scalar_coordinate_left_by_sel_is_renamed_both_ways():
    picked = movement_array().sel(individual="m")
    renamed, renames = to_contract_dims(picked)
    assert "individuals" in renamed.coords and renames["individuals"] == "individual"
    back = to_caller_dims((renamed, [renamed]), renames)
    assert "individual" in back[0].coords and "individual" in back[1][0].coords


def test_both_spellings_refused():
    data = movement_array().expand_dims(individuals=["z"])
    with pytest.raises(InvalidDatasetError, match="two names of one axis"):
        to_contract_dims(data)
