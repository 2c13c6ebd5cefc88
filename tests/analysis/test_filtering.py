"""Tests of movement_like.filtering: invariances, NaN rules, known answers, bad input.

``assert_invariant`` (used by the kinematics and transforms tests too) checks
that a function gives the same result on a transposed input, on a dask input
chunked along time with chunk borders inside any window, and with an extra
``layers`` dim, as on the plain input, and that it never modifies its input.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from movement_like.dataset import poses_from_numpy, read_log
from movement_like.filtering import (
    filter_by_confidence,
    interpolate_over_time,
    rolling_filter,
    savgol_filter,
)
from tests.strategies import poses_datasets

PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- #
# the invariance check shared by the analysis tests
# --------------------------------------------------------------------------- #
def _tolerances(reference: xr.DataArray) -> dict[str, float]:
    values = np.asarray(reference.values, dtype=np.float64)
    finite = values[np.isfinite(values)]
    scale = float(np.max(np.abs(finite))) if finite.size else 1.0
    if reference.dtype == np.float32:
        return {"rtol": 1e-4, "atol": 1e-4 * max(scale, 1.0)}
    return {"rtol": 1e-9, "atol": 1e-9 * max(scale, 1.0)}


def assert_same(result: xr.DataArray, reference: xr.DataArray, label: str) -> None:
    """``result`` equals ``reference`` up to dim order (values, NaN, coords, name)."""
    assert isinstance(result, xr.DataArray), label
    assert set(result.dims) == set(reference.dims), (label, result.dims, reference.dims)
    result = result.transpose(*reference.dims)
    assert result.name == reference.name, (label, result.name, reference.name)
    for name, coord in reference.coords.items():
        assert name in result.coords, (label, name)
        np.testing.assert_array_equal(result[name].values, coord.values, err_msg=label)
    got, want = np.asarray(result.values), np.asarray(reference.values)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want), err_msg=f"{label}: NaN pattern")
    np.testing.assert_allclose(got, want, equal_nan=True, err_msg=label, **_tolerances(reference))


def assert_invariant(
    function: Callable[[xr.DataArray], xr.DataArray], data: xr.DataArray, chunk: int = 2
) -> xr.DataArray:
    """Check transposition, dask chunking, an extra ``layers`` dim and purity; return f(data)."""
    before = copy.deepcopy(data)
    reference = function(data)
    xr.testing.assert_identical(data, before)  # the input is never modified
    assert reference.name, "outputs must be named"
    assert isinstance(read_log(reference), list) and read_log(reference), "the call is logged"

    transposed = data.transpose(*reversed(data.dims))
    assert_same(function(transposed), reference, "transposed")

    chunked = data.chunk({"time": chunk})
    lazy = function(chunked)
    assert_same(lazy.compute(), reference, "dask")
    xr.testing.assert_identical(data, before)

    other = data + 1.5
    layered = xr.concat([data, other], dim="layers").assign_coords(layers=["a", "b"])
    with_layers = function(layered)
    assert "layers" in with_layers.dims
    assert_same(with_layers.sel(layers="a", drop=True), reference, "layers a")
    assert_same(with_layers.sel(layers="b", drop=True), function(other), "layers b")
    # layers leading and chunked at the same time
    assert_same(
        function(layered.chunk({"time": chunk})).sel(layers="a", drop=True).compute(),
        reference,
        "layers + dask",
    )
    return reference


def positions(
    values: np.ndarray, fps: float | None = 30.0, frames: np.ndarray | None = None
) -> xr.DataArray:
    """A position DataArray from a (time, individuals, keypoints, space) array."""
    ds = poses_from_numpy(values, fps=fps, frame_array=frames)
    return ds["position"]


def series(values, fps: float | None = None) -> xr.DataArray:
    """A one-keypoint, one-individual, x-only position series from 1-D values."""
    values = np.asarray(values, dtype=np.float64)
    array = np.stack([values, values * 0], axis=-1)[:, None, None, :]
    return positions(array, fps=fps)


def x_of(result: xr.DataArray) -> np.ndarray:
    return result.isel(individuals=0, keypoints=0).sel(space="x").values


# --------------------------------------------------------------------------- #
# naive references written independently of the implementation
# --------------------------------------------------------------------------- #
def naive_rolling(x: np.ndarray, window: int, statistic: str, min_periods: int) -> np.ndarray:
    half = window // 2
    padded = np.pad(x, (half, half), mode="reflect")
    out = np.full(x.shape, np.nan)
    for i in range(x.size):
        values = padded[i : i + window]
        known = values[~np.isnan(values)]
        if known.size >= min_periods:
            out[i] = {"median": np.median, "mean": np.mean, "max": np.max, "min": np.min}[
                statistic
            ](known)
    return out


def naive_interpolate(
    x: np.ndarray, t: np.ndarray, max_gap: int | None, fill_edges: bool
) -> np.ndarray:
    out = x.copy()
    known = np.flatnonzero(~np.isnan(x))
    if known.size == 0:
        return out
    i = 0
    while i < x.size:
        if not np.isnan(x[i]):
            i += 1
            continue
        j = i
        while j < x.size and np.isnan(x[j]):
            j += 1
        length = j - i
        if max_gap is None or length <= max_gap:
            if i > 0 and j < x.size:
                out[i:j] = np.interp(t[i:j], [t[i - 1], t[j]], [x[i - 1], x[j]])
            elif fill_edges and i == 0 and j < x.size:
                out[i:j] = x[j]
            elif fill_edges and j == x.size and i > 0:
                out[i:j] = x[i - 1]
        i = j
    return out


# --------------------------------------------------------------------------- #
# property tests: invariances
# --------------------------------------------------------------------------- #
@PROPERTY
@given(
    ds=poses_datasets(max_time=16, max_individuals=2, max_keypoints=2),
    window=st.sampled_from([1, 3, 5]),
    statistic=st.sampled_from(["median", "mean", "max", "min"]),
    min_periods=st.sampled_from([None, 1, 2]),
)
def test_rolling_filter_invariances(ds, window, statistic, min_periods):
    assume(ds.sizes["time"] >= window)
    if min_periods is not None:
        min_periods = min(min_periods, window)
    result = assert_invariant(
        lambda d: rolling_filter(d, window, statistic, min_periods=min_periods), ds["position"]
    )
    # against an independent reference, series by series
    data = ds["position"].values.astype(np.float64)
    flat = data.reshape(data.shape[0], -1)
    want = np.stack(
        [
            naive_rolling(flat[:, i], window, statistic, min_periods or window)
            for i in range(flat.shape[1])
        ],
        axis=1,
    ).reshape(data.shape)
    np.testing.assert_allclose(result.values, want, equal_nan=True, **_tolerances(result))


@PROPERTY
@given(
    ds=poses_datasets(max_time=20, max_individuals=2, max_keypoints=2),
    window=st.sampled_from([3, 5, 7]),
    polyorder=st.sampled_from([0, 1, 2]),
    mode=st.sampled_from(["interp", "mirror", "nearest", "constant", "wrap"]),
)
def test_savgol_filter_invariances(ds, window, polyorder, mode):
    assume(ds.sizes["time"] >= window)
    assert_invariant(
        lambda d: savgol_filter(d, window, polyorder, mode=mode, edge_nans="propagate"),
        ds["position"],
        chunk=3,
    )


@PROPERTY
@given(
    ds=poses_datasets(max_time=20, max_individuals=2, max_keypoints=2),
    method=st.sampled_from(["linear", "nearest", "previous", "next"]),
    max_gap=st.sampled_from([None, 0, 1, 2, 5]),
    fill_edges=st.booleans(),
)
def test_interpolate_invariances(ds, method, max_gap, fill_edges):
    result = assert_invariant(
        lambda d: interpolate_over_time(d, method, max_gap=max_gap, fill_edges=fill_edges),
        ds["position"],
    )
    if method == "linear":
        t = np.asarray(ds["time"].values, dtype=np.float64)
        data = ds["position"].values.astype(np.float64)
        flat = data.reshape(data.shape[0], -1)
        want = np.stack(
            [naive_interpolate(flat[:, i], t, max_gap, fill_edges) for i in range(flat.shape[1])],
            axis=1,
        ).reshape(data.shape)
        np.testing.assert_allclose(result.values, want, equal_nan=True, **_tolerances(result))


@PROPERTY
@given(
    ds=poses_datasets(max_time=12),
    threshold=st.floats(0, 1),
    keep_unknown=st.booleans(),
)
def test_filter_by_confidence_invariances(ds, threshold, keep_unknown):
    confidence = ds["confidence"]
    result = assert_invariant(
        lambda d: filter_by_confidence(
            d,
            confidence if "layers" not in d.dims else confidence,
            threshold,
            keep_unknown=keep_unknown,
        ),
        ds["position"],
    )
    conf = confidence.values[..., None]
    dropped = (conf < threshold) | (np.isnan(conf) & (not keep_unknown))
    want = np.where(dropped, np.nan, ds["position"].values)
    np.testing.assert_array_equal(result.values, want)


# --------------------------------------------------------------------------- #
# NaN rules, as documented
# --------------------------------------------------------------------------- #
def test_rolling_nan_widens_by_half_window_each_side():
    x = np.arange(20.0)
    x[10] = np.nan
    out = x_of(rolling_filter(series(x), 5))
    assert np.flatnonzero(np.isnan(out)).tolist() == [8, 9, 10, 11, 12]
    assert np.isnan(x_of(rolling_filter(series(x), 5, min_periods=1))).sum() == 0
    # min_periods=4: one NaN in the window still leaves 4 known values
    assert np.isnan(x_of(rolling_filter(series(x), 5, min_periods=4))).sum() == 0


def test_rolling_reflects_at_the_ends():
    x = np.array([0.0, 10.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    out = x_of(rolling_filter(series(x), 3, statistic="max"))
    # sample 0 sees the mirrored window [10, 0, 10]
    assert out.tolist() == [10.0, 10.0, 10.0, 4.0, 5.0, 6.0, 6.0]
    y = np.arange(10.0)
    y[1] = np.nan  # mirrored to index -1, so sample 0 loses its window as well
    assert np.flatnonzero(np.isnan(x_of(rolling_filter(series(y), 5)))).tolist() == [0, 1, 2, 3]


def test_rolling_window_one_is_a_copy():
    data = series([1.0, np.nan, 3.0])
    out = rolling_filter(data, 1)
    np.testing.assert_array_equal(out.values, data.values)
    assert out.data is not data.data


def test_savgol_nan_rules():
    x = np.sin(np.arange(30) / 3)
    x[15] = np.nan
    out = x_of(savgol_filter(series(x), 5))
    assert np.flatnonzero(np.isnan(out)).tolist() == [13, 14, 15, 16, 17]
    # NaN in the first edge window (mode="interp"): an error, as movement's, by default
    y = np.sin(np.arange(30) / 3)
    y[0] = np.nan
    with pytest.raises(ValueError, match="mode='interp'"):
        savgol_filter(series(y), 5)
    # ... or the whole edge fit is NaN when asked
    out = x_of(savgol_filter(series(y), 5, edge_nans="propagate"))
    assert np.flatnonzero(np.isnan(out)).tolist() == [0, 1, 2]
    y[0], y[3] = 0.0, np.nan
    out = x_of(savgol_filter(series(y), 5, edge_nans="propagate"))
    assert np.flatnonzero(np.isnan(out)).tolist() == [0, 1, 2, 3, 4, 5]
    # "wrap": a NaN at the start reaches the last samples too
    out = x_of(savgol_filter(series(np.r_[np.nan, np.arange(29.0)]), 5, mode="wrap"))
    assert np.flatnonzero(np.isnan(out)).tolist() == [0, 1, 2, 28, 29]


def test_savgol_without_nan_equals_scipy():
    from scipy.signal import savgol_filter as scipy_savgol

    rng = np.random.default_rng(1)
    values = rng.normal(size=(40, 2, 3, 2))
    for kwargs in ({}, {"mode": "nearest"}, {"deriv": 1, "delta": 0.5}):
        got = savgol_filter(positions(values), 7, 3, **kwargs).values
        np.testing.assert_array_equal(got, scipy_savgol(values, 7, 3, axis=0, **kwargs))


def test_interpolate_gap_rules():
    x = np.array([np.nan, 1, np.nan, 3, np.nan, np.nan, np.nan, 7, np.nan, np.nan])
    assert np.isnan(x_of(interpolate_over_time(series(x), max_gap=2))).tolist() == [
        True,
        False,
        False,
        False,
        True,
        True,
        True,
        False,
        True,
        True,
    ]
    out = x_of(interpolate_over_time(series(x), max_gap=3, fill_edges=True))
    np.testing.assert_array_equal(out, [1, 1, 2, 3, 4, 5, 6, 7, 7, 7])
    # edge runs longer than max_gap are left alone too
    out = x_of(interpolate_over_time(series(x), max_gap=1, fill_edges=True))
    assert np.isnan(out).tolist() == [False] + [False] * 3 + [True] * 3 + [False] + [True] * 2
    assert np.isnan(x_of(interpolate_over_time(series([np.nan] * 4)))).all()
    out = x_of(interpolate_over_time(series(x), max_gap=0))
    np.testing.assert_array_equal(out, x)


def test_interpolate_uses_the_time_coordinate():
    values = np.array([0.0, np.nan, 30.0])[:, None, None, None].repeat(2, axis=-1)
    sparse = positions(values, fps=None, frames=np.array([0, 1, 3]))
    out = interpolate_over_time(sparse)
    assert out.values[1, 0, 0, 0] == pytest.approx(10.0)  # frame 1 of 0..3
    nearest = interpolate_over_time(sparse, method="nearest")
    assert nearest.values[1, 0, 0, 0] == 0.0
    assert interpolate_over_time(sparse, method="next").values[1, 0, 0, 0] == 30.0


def test_filter_by_confidence_drops_unknown_by_default():
    values = np.ones((3, 1, 1, 2))
    ds = poses_from_numpy(values, np.array([0.9, np.nan, 0.1])[:, None, None])
    kept = filter_by_confidence(ds["position"], ds["confidence"], keep_unknown=True)
    assert np.isnan(kept.values[:, 0, 0, 0]).tolist() == [False, False, True]
    dropped = filter_by_confidence(ds["position"], ds["confidence"])
    assert np.isnan(dropped.values[:, 0, 0, 0]).tolist() == [False, True, True]
    assert kept.name == "position"
    assert read_log(kept)[-1]["operation"] == "filter_by_confidence"


def test_log_chains_and_input_untouched():
    data = series(np.arange(10.0))
    data.attrs["log"] = '[{"operation": "load", "arguments": {}}]'
    out = rolling_filter(interpolate_over_time(data, max_gap=2), 3, statistic="mean")
    assert [e["operation"] for e in read_log(out)] == [
        "load",
        "interpolate_over_time",
        "rolling_filter",
    ]
    assert len(read_log(data)) == 1


# --------------------------------------------------------------------------- #
# bad input
# --------------------------------------------------------------------------- #
def test_window_longer_than_series():
    with pytest.raises(ValueError, match="longer than the series"):
        rolling_filter(series(np.arange(4.0)), 5)
    with pytest.raises(ValueError, match="longer than the series"):
        savgol_filter(series(np.arange(4.0)), 5)


def test_even_windows_follow_xarrays_centring():
    x = np.arange(10.0) ** 2
    out = x_of(rolling_filter(series(x), 4, statistic="mean"))
    # window of sample i: i-2 .. i+1, the ends mirrored (x[-1] = x[1], x[10] = x[8])
    padded = np.r_[x[2], x[1], x, x[8]]
    want = [padded[i : i + 4].mean() for i in range(10)]
    np.testing.assert_allclose(out, want)
    assert not np.isnan(x_of(savgol_filter(series(x), 6))).any()


def test_polyorder_not_below_window():
    with pytest.raises(ValueError, match="polyorder .3. must be smaller than the window .3."):
        savgol_filter(series(np.arange(10.0)), 3, polyorder=3)
    with pytest.raises(ValueError, match="axis"):
        savgol_filter(series(np.arange(10.0)), 3, axis=0)


def test_missing_time_dim():
    no_time = series(np.arange(10.0)).isel(time=0)
    for call in (
        lambda: rolling_filter(no_time, 3),
        lambda: savgol_filter(no_time, 3),
        lambda: interpolate_over_time(no_time),
        lambda: filter_by_confidence(no_time, no_time),
    ):
        with pytest.raises(ValueError, match=r"needs the dimension\(s\) \['time'\]"):
            call()
    with pytest.raises(TypeError, match="xarray.DataArray"):
        rolling_filter(np.arange(10.0), 3)


def test_unknown_statistic_method_and_arguments():
    data = series(np.arange(10.0))
    with pytest.raises(ValueError, match="Invalid statistic 'mode'"):
        rolling_filter(data, 3, statistic="mode")
    with pytest.raises(ValueError, match="method 'bogus' failed"):
        interpolate_over_time(data.where(data != 3), method="bogus")
    with pytest.raises(ValueError, match="max_gap must be >= 0"):
        interpolate_over_time(data, max_gap=-1)
    with pytest.raises(ValueError, match="min_periods must be between 1 and the window"):
        rolling_filter(data, 3, min_periods=4)
    with pytest.raises(TypeError, match="window must be a whole number"):
        rolling_filter(data, 2.5)
    with pytest.raises(ValueError, match="unknown mode"):
        savgol_filter(data, 3, mode="bogus")


# --------------------------------------------------------------------------- #
# the NaN report (movement_like.utils)
# --------------------------------------------------------------------------- #
def test_nan_report_table_table():
    from movement_like.utils import nan_report_table

    values = np.zeros((6, 2, 2, 2))
    values[[1, 2, 3], 0, 1, 0] = np.nan  # a 3-frame gap, x only: the point counts as missing
    values[[0, 5], 1, 0, :] = np.nan
    ds = poses_from_numpy(values, individual_names=["a", "b"], keypoint_names=["nose", "tail"])
    table = nan_report_table(ds)
    assert table.index.names == ["individuals", "keypoints"]
    assert table.loc[("a", "tail")].tolist() == [3, 6, 0.5, 3]
    assert table.loc[("b", "nose")].tolist() == [2, 6, 2 / 6, 1]
    assert table.loc[("a", "nose"), "n_missing"] == 0
    layered = xr.concat([ds["position"], ds["position"].fillna(0)], dim="layers")
    by_layer = nan_report_table(layered.transpose("space", "keypoints", "time", ...))
    assert set(by_layer.index.names) == {"layers", "individuals", "keypoints"}
    assert by_layer["n_missing"].sum() == 5
    with pytest.raises(ValueError, match="no variable"):
        nan_report_table(ds, "velocity")


@PROPERTY
@given(ds=poses_datasets(max_time=15))
def test_nan_report_table_matches_a_direct_count(ds):
    from movement_like.utils import nan_report_table

    table = nan_report_table(ds)
    missing = np.isnan(ds["position"].values).any(axis=-1)
    assert table["n_missing"].tolist() == missing.sum(axis=0).ravel().tolist()
    longest = []
    for column in missing.reshape(missing.shape[0], -1).T:
        best = run = 0
        for flag in column:
            run = run + 1 if flag else 0
            best = max(best, run)
        longest.append(best)
    assert table["longest_gap"].tolist() == longest
