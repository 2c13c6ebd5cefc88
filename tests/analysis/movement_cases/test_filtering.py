"""movement 0.17's ``test_filtering.py`` cases, on our filters.

Same datasets (see :mod:`datasets`), same arguments, same expected NaN counts
and errors as movement's tests assert; written from scratch.
"""

from __future__ import annotations

from contextlib import nullcontext

import pytest
import xarray as xr

from movement_like.filtering import (
    filter_by_confidence,
    interpolate_over_time,
    rolling_filter,
    savgol_filter,
)
from tests.analysis.movement_cases.datasets import DATASETS, count_consecutive_nans, count_nans

WITHOUT_NAN = ["valid_poses_dataset", "valid_bboxes_dataset"]
WITH_NAN = ["valid_poses_dataset_with_nan", "valid_bboxes_dataset_with_nan"]
ALL = WITHOUT_NAN + WITH_NAN
FILTERS = {
    "rolling_filter": (rolling_filter, {"window": 3, "statistic": "median"}),
    "savgol_filter": (savgol_filter, {"window": 3, "polyorder": 2, "mode": "nearest"}),
}
#: NaN count per individual after either filter (window 3)
FILTERED_NANS = {
    "valid_poses_dataset": [0, 0],
    "valid_bboxes_dataset": [0, 0],
    "valid_poses_dataset_with_nan": [38, 0],
    "valid_bboxes_dataset_with_nan": [14, 0],
}


def nans_per_individual(data: xr.DataArray) -> list[int]:
    return [count_nans(data.isel(individual=i)) for i in range(data.sizes["individual"])]


@pytest.mark.parametrize("filter_name", list(FILTERS))
@pytest.mark.parametrize("valid_dataset", ALL)
def test_filter_with_nans_on_position(valid_dataset, filter_name):
    """A NaN anywhere in the window makes the filtered sample NaN (movement's counts)."""
    func, kwargs = FILTERS[filter_name]
    ds = DATASETS[valid_dataset]()
    filtered = func(ds.position, **kwargs, print_report=True)
    assert nans_per_individual(filtered) == FILTERED_NANS[valid_dataset]


OVERRIDES = {
    "mode_nearest_print_report": ({"mode": "nearest", "print_report": True}, None),
    "axis": ({"axis": 1}, "axis"),
    "mode_nearest_axis": ({"mode": "nearest", "axis": 1}, "axis"),
    "polyorder_5": ({"polyorder": 5}, "polyorder"),
}


@pytest.mark.parametrize("override", list(OVERRIDES))
@pytest.mark.parametrize("valid_dataset", ALL)
def test_savgol_filter_kwargs_override(valid_dataset, override):
    """SciPy keywords pass, except ``axis`` (ValueError); a bad polyorder is SciPy's error."""
    kwargs, match = OVERRIDES[override]
    expect = nullcontext() if match is None else pytest.raises(ValueError, match=match)
    with expect:
        savgol_filter(DATASETS[valid_dataset]().position, window=3, **kwargs)


@pytest.mark.parametrize("statistic", ["mean", "median", "max", "min", "invalid"])
@pytest.mark.parametrize("valid_dataset", ALL)
def test_rolling_filter_statistic(valid_dataset, statistic):
    """The four statistics work; anything else is movement's 'Invalid statistic' ValueError."""
    expect = (
        pytest.raises(ValueError, match="Invalid statistic")
        if statistic == "invalid"
        else nullcontext()
    )
    with expect:
        out = rolling_filter(DATASETS[valid_dataset]().position, window=3, statistic=statistic)
        assert out.dims == ("time", "space", *DATASETS[valid_dataset]().position.dims[2:])


#: max_gap -> total NaN left after linear interpolation [poses, bboxes]
INTERPOLATED_NANS = {
    "None": (None, [22, 0]),
    "0": (0, [28, 6]),
    "1": (1, [26, 4]),
    "2": (2, [22, 0]),
}


@pytest.mark.parametrize("max_gap", list(INTERPOLATED_NANS))
@pytest.mark.parametrize("valid_dataset_with_nan", WITH_NAN)
def test_interpolate_over_time_on_position(valid_dataset_with_nan, max_gap):
    """``max_gap`` counts missing samples, so frames and seconds leave the same NaN."""
    gap, expected = INTERPOLATED_NANS[max_gap]
    in_frames = DATASETS[valid_dataset_with_nan]()
    in_seconds = in_frames.assign_coords(time=in_frames.time * 0.1)
    counts = [
        count_nans(
            interpolate_over_time(ds.position, method="linear", max_gap=gap, print_report=True)
        )
        for ds in (in_frames, in_seconds)
    ]
    assert counts[0] == counts[1] == expected[WITH_NAN.index(valid_dataset_with_nan)]


@pytest.mark.parametrize("filter_name", ["rolling_filter", "savgol_filter"])
@pytest.mark.parametrize("window", [3, 5, 6, 10])
@pytest.mark.parametrize("valid_dataset_with_nan", WITH_NAN)
def test_filter_with_nans_on_position_varying_window(valid_dataset_with_nan, window, filter_name):
    """Filtering never removes NaN and adds at most (window - 1) per run of NaN."""
    position = DATASETS[valid_dataset_with_nan]().position
    if filter_name == "rolling_filter":
        filtered = rolling_filter(position, window=window)
    else:
        filtered = savgol_filter(position, window=window, polyorder=2, mode="nearest")
    before, after = count_nans(position), count_nans(filtered)
    assert before <= after <= before + (window - 1) * count_consecutive_nans(position)


EDGE_MODES = {
    "default mode (interp): raise error": (None, True),
    "explicitly pass mode=interp: raise error": ("interp", True),
    "explicitly pass mode=nearest: no error": ("nearest", False),
    "explicitly pass mode=mirror: no error": ("mirror", False),
}


@pytest.mark.parametrize("mode", list(EDGE_MODES))
@pytest.mark.parametrize("valid_dataset_with_nan", WITH_NAN)
def test_savgol_filter_mode_edge_nans(valid_dataset_with_nan, mode):
    """NaN in an edge window raises movement's ``mode='interp'`` error in interp mode only."""
    value, raises = EDGE_MODES[mode]
    kwargs = {"window": 3, "polyorder": 2} | ({} if value is None else {"mode": value})
    expect = pytest.raises(ValueError, match="mode='interp'") if raises else nullcontext()
    with expect:
        savgol_filter(DATASETS[valid_dataset_with_nan]().position, **kwargs)


@pytest.mark.parametrize("valid_dataset_no_nans", WITHOUT_NAN)
def test_filter_by_confidence_on_position(valid_dataset_no_nans):
    """The five samples below 0.6 confidence become NaN in both spatial coordinates."""
    ds = DATASETS[valid_dataset_no_nans]()
    filtered = filter_by_confidence(
        ds.position, confidence=ds.confidence, threshold=0.6, print_report=True
    )
    assert isinstance(filtered, xr.DataArray)
    assert count_nans(filtered) == ds.sizes["space"] * 5
