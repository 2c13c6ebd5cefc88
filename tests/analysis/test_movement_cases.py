"""movement 0.17's unit-test cases for filtering, kinematics, vectors and reports, run on us.

The cases (what is called, with which of movement's arguments, and what must
come out) follow what movement's own tests assert, written here from scratch
on movement-named DataArrays (``individual``, ``keypoint``, movement's
layout ``(time, space, keypoint, individual)``), so a movement user's code
and expectations carry over with only the import changed.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings

from movement_like import filtering, kinematics, transforms
from movement_like.provenance import read_log
from movement_like.utils import reports, vector
from tests.analysis.test_filtering import assert_invariant
from tests.strategies import poses_datasets

MOVEMENT_DIMS = ("time", "space", "keypoint", "individual")


def movement_array(values: np.ndarray, times: np.ndarray | None = None) -> xr.DataArray:
    """A movement-named position array from ``(time, space, keypoint, individual)`` values."""
    n_time, n_space, n_kp, n_ind = values.shape
    return xr.DataArray(
        values.astype(float),
        dims=MOVEMENT_DIMS,
        coords={
            "time": np.arange(n_time, dtype=float) if times is None else times,
            "space": ["x", "y", "z"][:n_space],
            "keypoint": [f"kp{k}" for k in range(n_kp)],
            "individual": [f"id_{i}" for i in range(n_ind)],
        },
        name="position",
    )


def track(xy: list | np.ndarray) -> xr.DataArray:
    """One 2-D track ``(time, space)`` from a list of points."""
    xy = np.asarray(xy, dtype=float)
    return xr.DataArray(
        xy,
        dims=("time", "space"),
        coords={"time": np.arange(len(xy), dtype=float), "space": ["x", "y"]},
    )


@pytest.fixture
def walk() -> xr.DataArray:
    rng = np.random.default_rng(3)
    return movement_array(np.cumsum(rng.normal(size=(20, 2, 3, 2)), axis=0))


# --------------------------------------------------------------------------- #
# movement's dims in, movement's dims out
# --------------------------------------------------------------------------- #
CALLS = {
    "rolling": lambda d: filtering.rolling_filter(d, 6),
    "savgol": lambda d: filtering.savgol_filter(d, 5),
    "interp": lambda d: filtering.interpolate_over_time(d, max_gap=2),
    "velocity": kinematics.compute_velocity,
    "speed": kinematics.compute_speed,
    "path_length": kinematics.compute_path_length,
    "turning": kinematics.compute_turning_angle,
    "deviation": kinematics.compute_path_deviation,
    "directional": kinematics.compute_directional_change,
    "forward": lambda d: kinematics.compute_forward_vector(d, "kp0", "kp1"),
    "energy": kinematics.compute_kinetic_energy,
    "scale": lambda d: transforms.scale(d, 2.0),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_movement_dims_in_and_out(walk, name):
    result = CALLS[name](walk)
    assert not {"individuals", "keypoints"} & set(result.dims)
    kept = [d for d in walk.dims if d in result.dims]
    assert [d for d in result.dims if d in walk.dims] == kept  # the caller's order
    assert "individual" in result.dims
    assert walk.dims == MOVEMENT_DIMS and "log" not in walk.attrs  # input untouched


def test_both_spellings_of_one_axis_are_refused(walk):
    both = walk.assign_coords(individuals=("individual", ["a", "b"]))
    with pytest.raises(ValueError, match="two names of one axis"):
        kinematics.compute_speed(both)


def test_pairwise_distances_take_movement_dim_name(walk):
    distances = kinematics.compute_pairwise_distances(walk, "individual")
    assert "keypoint" in distances.dims and "pairs" in distances.dims


# --------------------------------------------------------------------------- #
# filtering
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    "call",
    [
        lambda d: filtering.filter_by_confidence(d, d.isel(space=0), 0.0, print_report=True),
        lambda d: filtering.interpolate_over_time(d, print_report=True),
        lambda d: filtering.rolling_filter(d, 3, print_report=True),
        lambda d: filtering.savgol_filter(d, 5, print_report=True, mode="nearest"),
    ],
    ids=["confidence", "interpolate", "rolling", "savgol"],
)
def test_print_report_on_every_filter(walk, call, capsys):
    holes = walk.copy()
    holes[4, :, 0, 0] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        call(holes)
    printed = capsys.readouterr().out
    assert "Missing points (marked as NaN) in input" in printed
    assert "in output" in printed


@pytest.mark.parametrize("window", [6, 10])
def test_even_rolling_windows_as_movement(window):
    x = np.sin(np.arange(30.0) / 4)
    data = movement_array(np.tile(x[:, None, None, None], (1, 2, 1, 1)))
    out = filtering.rolling_filter(data, window, statistic="mean").values[:, 0, 0, 0]
    half = window // 2
    padded = np.pad(x, half, mode="reflect")
    want = [padded[i : i + window].mean() for i in range(30)]
    np.testing.assert_allclose(out, want)


def test_invalid_statistic_phrase(walk):
    with pytest.raises(ValueError, match="Invalid statistic"):
        filtering.rolling_filter(walk, 3, statistic="std")


def test_savgol_edge_nan_raises_in_interp_mode(walk):
    holes = walk.copy()
    holes[0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="mode='interp'"):
        filtering.savgol_filter(holes, 5)
    assert np.isnan(filtering.savgol_filter(holes, 5, mode="nearest").values[0, 0, 0, 0])
    with pytest.raises(ValueError, match="polyorder"):
        filtering.savgol_filter(walk, 3, polyorder=3)


def test_filter_by_confidence_drops_nan_confidence_and_warns_on_threshold(walk):
    confidence = xr.full_like(walk.isel(space=0, drop=True), 0.9)
    confidence[2, 0, 0] = np.nan
    confidence[3, 0, 0] = 0.1
    out = filtering.filter_by_confidence(walk, confidence, threshold=0.5)
    assert np.isnan(out.values[[2, 3], :, 0, 0]).all()
    assert not np.isnan(out.values[4]).any()
    with pytest.warns(UserWarning, match="outside the range of the confidence"):
        filtering.filter_by_confidence(walk, confidence, threshold=1.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        filtering.filter_by_confidence(walk, confidence, threshold=0.5)


def test_interpolate_on_uneven_time_is_never_silent():
    times = np.array([0.0, 1.0, 4.0, 5.0])
    data = movement_array(np.array([0.0, 1.0, np.nan, 5.0])[:, None, None, None], times)
    with pytest.warns(UserWarning, match="use_coordinate"):
        by_time = filtering.interpolate_over_time(data)
    assert by_time.values[2, 0, 0, 0] == pytest.approx(4.0)  # placed at t = 4
    by_index = filtering.interpolate_over_time(data, use_coordinate=False)
    assert by_index.values[2, 0, 0, 0] == pytest.approx(3.0)  # movement: half-way by index


def test_interpolate_passes_other_methods_to_xarray(walk):
    holes = walk.copy()
    holes[5:7, :, 1, 1] = np.nan
    out = filtering.interpolate_over_time(holes, method="cubic")
    want = holes.interpolate_na("time", method="cubic", use_coordinate=True)
    xr.testing.assert_allclose(out, want)


# --------------------------------------------------------------------------- #
# kinematics
# --------------------------------------------------------------------------- #
def test_turning_angle_is_reported_where_the_turn_arrives():
    zigzag = track([[0, 0], [1, 0], [1, 1], [2, 1], [2, 2]])
    angle = kinematics.compute_turning_angle(zigzag).values
    assert np.isnan(angle[:2]).all()
    np.testing.assert_allclose(angle[2:], [np.pi / 2, -np.pi / 2, np.pi / 2])
    back = kinematics.compute_turning_angle(track([[0, 0], [1, 0], [0, 0]]), in_degrees=True)
    assert back.values[2] == pytest.approx(180.0) and back.attrs["units"] == "degrees"
    short = kinematics.compute_turning_angle(zigzag, min_step_length=1.0)
    assert np.isnan(short.values).all()


def test_path_length_warns_about_missing_values(walk):
    holes = walk.copy()
    holes[:8, :, 0, 0] = np.nan
    with pytest.warns(UserWarning, match="The result may be unreliable"):
        length = kinematics.compute_path_length(holes)
    assert length.name == "path_length" and length.attrs["long_name"] == "Path Length"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kinematics.compute_path_length(holes, nan_warn_threshold=0.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        kinematics.compute_path_length(walk, nan_warn_threshold=1.5)
    with pytest.raises(ValueError, match="At least 2 time points are required"):
        kinematics.compute_path_length(walk.isel(time=[0]))
    straightness = kinematics.compute_path_straightness(walk)
    assert straightness.name == "straightness_index"


def test_kinetic_energy_sums_the_known_keypoints(walk):
    holes = walk.copy()
    holes[:, :, 0, 0] = np.nan
    energy = kinematics.compute_kinetic_energy(holes)
    without = kinematics.compute_kinetic_energy(walk.sel(keypoint=["kp1", "kp2"]))
    xr.testing.assert_allclose(energy.sel(individual="id_0"), without.sel(individual="id_0"))
    holes[:, :, :, 0] = np.nan
    assert (kinematics.compute_kinetic_energy(holes).sel(individual="id_0") == 0).all()
    strict = kinematics.compute_kinetic_energy(holes, missing="propagate")
    assert strict.sel(individual="id_0").isnull().all()
    split = kinematics.compute_kinetic_energy(walk, decompose=True)
    assert list(split["energy"].values) == ["translational", "internal"]


def test_head_direction_vector(walk):
    head = kinematics.compute_head_direction_vector(walk, "kp0", "kp1")
    forward = kinematics.compute_forward_vector(walk, "kp0", "kp1")
    assert head.name == "head_direction_vector"
    np.testing.assert_array_equal(head.values, forward.values)


def test_path_deviation_known_answers():
    path = track([[0, 0], [3, 2], [5, -1], [10, 0]])
    deviation = kinematics.compute_path_deviation(path)
    np.testing.assert_allclose(deviation.values, [0, 2, 1, 0])
    assert deviation.name == "path_deviation"
    assert deviation.attrs["long_name"] == "Path Deviation"
    # NaN at the ends: the line goes through the first and last known positions
    ends = track([[np.nan, np.nan], [0, 0], [3, 2], [10, 0], [np.nan, np.nan]])
    np.testing.assert_allclose(kinematics.compute_path_deviation(ends).values[1:4], [0, 2, 0])
    # 3-D: distance to the line along x
    xyz = xr.DataArray(
        np.array([[0, 0, 0], [1, 3, 4], [2, 0, 0.0]]),
        dims=("time", "space"),
        coords={"space": ["x", "y", "z"]},
    )
    np.testing.assert_allclose(kinematics.compute_path_deviation(xyz).values, [0, 5, 0])


def test_path_deviation_degenerate_chords(walk):
    loop = walk.copy()
    loop[-1] = loop[0]
    with pytest.raises(ValueError, match="identical for all tracks"):
        kinematics.compute_path_deviation(loop)
    some = walk.copy()
    some[-1, :, :, 0] = some[0, :, :, 0]
    with pytest.warns(UserWarning, match="Path deviation is undefined for tracks"):
        deviation = kinematics.compute_path_deviation(some)
    assert deviation.sel(individual="id_0").isnull().all()
    assert deviation.sel(individual="id_1").notnull().all()


def test_directional_change_on_uneven_time():
    times = np.array([0.0, 1.0, 3.0, 4.0])
    path = track([[0, 0], [1, 0], [1, 1], [0, 1]]).assign_coords(time=times)
    dc = kinematics.compute_directional_change(path)
    assert np.isnan(dc.values[:2]).all()
    np.testing.assert_allclose(dc.values[2:], [(np.pi / 2) / 3.0, (np.pi / 2) / 3.0])
    assert dc.name == "directional_change"
    assert dc.attrs["long_name"] == "Directional Change"
    degrees = kinematics.compute_directional_change(path, in_degrees=True)
    np.testing.assert_allclose(degrees.values[2:], [30.0, 30.0])


def zigzag(step: float, n: int = 21) -> xr.DataArray:
    """A regular zigzag: steps of length ``step * sqrt(2)`` turning +-90 degrees."""
    x = np.arange(n) * step
    y = np.where(np.arange(n) % 2 == 0, 0.0, step)
    return track(np.c_[x, y])


def test_path_sinuosity_known_values():
    straight = track(np.c_[np.arange(10.0), np.zeros(10)])
    assert kinematics.compute_path_sinuosity(straight).item() == pytest.approx(0.0)
    # mean cosine 0, no step variation: S = 2 / sqrt(p)
    for step in (1.0, 4.0):
        sinuosity = kinematics.compute_path_sinuosity(zigzag(step))
        assert sinuosity.item() == pytest.approx(2 / np.sqrt(step * np.sqrt(2)))
    assert sinuosity.name == "sinuosity" and sinuosity.attrs["long_name"] == "Path Sinuosity"
    still = track(np.ones((6, 2)))
    assert np.isnan(kinematics.compute_path_sinuosity(still).item())
    with pytest.raises(ValueError, match="3 time points are required"):
        kinematics.compute_path_sinuosity(straight.isel(time=[0, 1]))
    empty = straight.copy(data=np.full((10, 2), np.nan))
    with pytest.warns(UserWarning, match="The result may be unreliable"):
        assert np.isnan(kinematics.compute_path_sinuosity(empty).item())


def regular_polygon(sides: int, laps: int = 2, side: float = 2.0) -> xr.DataArray:
    angles = np.arange(sides * laps + 1) * 2 * np.pi / sides
    steps = side * np.c_[np.cos(angles[:-1]), np.sin(angles[:-1])]
    return track(np.vstack([[0.0, 0.0], np.cumsum(steps, axis=0)]))


def test_path_emax_known_values():
    hexagon = regular_polygon(6)  # turns of 60 degrees: mean cosine 1/2
    assert kinematics.compute_path_emax(hexagon, in_spatial_units=False).item() == pytest.approx(1)
    emax = kinematics.compute_path_emax(hexagon)
    assert emax.item() == pytest.approx(2.0)  # times the step length
    assert emax.attrs["long_name"] == "Maximum Expected Displacement"
    triangle = regular_polygon(3)  # 120 degrees: mean cosine -1/2
    assert kinematics.compute_path_emax(triangle, in_spatial_units=False).item() == pytest.approx(
        -1 / 3
    )
    straight = track(np.c_[np.arange(10.0), np.zeros(10)])
    assert np.isposinf(kinematics.compute_path_emax(straight).item())
    # 3-D paths are accepted here (a deliberate difference: only cos theta enters);
    # other spaces are refused with movement's phrase
    with pytest.raises(ValueError, match="Dimension 'space' must only contain"):
        kinematics.compute_path_emax(
            xr.DataArray(np.zeros((5, 3)), dims=("time", "space"), coords={"space": list("xyw")})
        )


# --------------------------------------------------------------------------- #
# transforms, provenance, reports
# --------------------------------------------------------------------------- #
def test_scale_squeezes_a_row_factor(walk):
    scaled = transforms.scale(walk, factor=[[2.0, 3.0]], space_unit="cm")
    np.testing.assert_allclose(scaled.sel(space="y").values, 3 * walk.sel(space="y").values)
    assert scaled.attrs["space_unit"] == "cm"
    entry = json.loads(scaled.attrs["log"])[-1]
    assert entry["operation"] == "scale" and "datetime" in entry
    assert entry["space_unit"] == "cm" and entry["factor"] == [[2.0, 3.0]]
    assert read_log(scaled)[-1]["arguments"]["space_unit"] == "cm"


def test_read_log_accepts_movements_entries(walk):
    logged = walk.copy()
    logged.attrs["log"] = json.dumps(
        [{"operation": "scale", "datetime": "2025-06-05 15:08:16", "factor": "0.1"}]
    )
    entries = read_log(filtering.rolling_filter(logged, 3))
    assert entries[0] == {
        "operation": "scale",
        "arguments": {"factor": "0.1"},
        "datetime": "2025-06-05 15:08:16",
    }
    assert entries[1]["operation"] == "rolling_filter"
    assert entries[1]["arguments"]["window"] == 3


def test_report_nan_values_text():
    data = movement_array(np.zeros((4, 2, 2, 1)))
    assert reports.report_nan_values(data) == "No missing points (marked as NaN) in position."
    data[1, 0, 1, 0] = np.nan
    text = reports.report_nan_values(data, label="mine")
    assert text.startswith("Missing points (marked as NaN) in mine:\n\n")
    assert "1/4 (25.0%)" in text and "kp1" in text and "kp0" not in text
    unnamed = xr.DataArray(np.array([1.0, np.nan]), dims="time")
    assert reports.report_nan_values(unnamed).startswith("Missing points (marked as NaN) in data")


# --------------------------------------------------------------------------- #
# utils.vector
# --------------------------------------------------------------------------- #
def test_norm_and_unit_vectors():
    vectors = track([[3, 4], [0, 0], [np.nan, 1]])
    np.testing.assert_allclose(vector.compute_norm(vectors).values, [5, 0, np.nan])
    unit = vector.convert_to_unit(vectors).values
    np.testing.assert_allclose(unit[0], [0.6, 0.8])
    assert np.isnan(unit[1:]).all()  # the null vector has no direction
    with pytest.raises(ValueError, match="either 'space' or 'space_pol'"):
        vector.compute_norm(xr.DataArray(np.zeros(3), dims="time"))


def test_polar_round_trip():
    vectors = track([[1, 0], [0, 2], [-1, 0], [0, 0], [-0.0, -0.0], [1, -1]])
    polar = vector.cart2pol(vectors)
    assert polar.dims == ("time", "space_pol")
    assert list(polar["space_pol"].values) == ["rho", "phi"]
    np.testing.assert_allclose(polar.sel(space_pol="rho"), [1, 2, 1, 0, 0, np.sqrt(2)])
    np.testing.assert_allclose(
        polar.sel(space_pol="phi"), [0, np.pi / 2, np.pi, 0, 0, -np.pi / 4], atol=1e-12
    )
    np.testing.assert_allclose(vector.pol2cart(polar).values, vectors.values, atol=1e-12)
    assert vector.compute_norm(polar).equals(polar.sel(space_pol="rho", drop=True))
    unit = vector.convert_to_unit(polar)
    np.testing.assert_allclose(unit.sel(space_pol="rho"), [1, 1, 1, np.nan, np.nan, 1])


def test_signed_angle():
    u = track([[1, 0], [1, 0], [1, 0], [0, 0]])
    v = track([[0, 1], [-1, 0], [1, -1], [1, 0]])
    np.testing.assert_allclose(
        vector.compute_signed_angle_2d(u, v).values, [np.pi / 2, np.pi, -np.pi / 4, np.nan]
    )
    left = vector.compute_signed_angle_2d(u, v, v_as_left_operand=True).values
    np.testing.assert_allclose(left, [-np.pi / 2, np.pi, np.pi / 4, np.nan])
    per_time = vector.compute_signed_angle_2d(u, np.array([[0, 1], [0, 1], [0, 1], [0, 1]]))
    assert per_time.name == "signed_angle"
    np.testing.assert_allclose(per_time.values[:3], np.pi / 2)
    with pytest.raises(ValueError, match="1D or 2D"):
        vector.compute_signed_angle_2d(u, np.zeros((2, 2, 2)))
    with pytest.raises(TypeError, match="xarray.DataArray or np.ndarray"):
        vector.compute_signed_angle_2d(u, [1, 0])


# --------------------------------------------------------------------------- #
# the new functions keep the analysis contract (any dim order, dask, extra dims, pure)
# --------------------------------------------------------------------------- #
NEW_FUNCTIONS = {
    "path deviation": kinematics.compute_path_deviation,
    "directional change": kinematics.compute_directional_change,
    "sinuosity": kinematics.compute_path_sinuosity,
    "emax": kinematics.compute_path_emax,
    "emax dimensionless": lambda d: kinematics.compute_path_emax(d, in_spatial_units=False),
    "turning angle": kinematics.compute_turning_angle,
}


@pytest.mark.parametrize("name", sorted(NEW_FUNCTIONS))
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ds=poses_datasets(
        max_time=10, max_individuals=2, max_keypoints=2, spaces=(2,), dtypes=(np.float64,)
    )
)
def test_new_functions_keep_the_contract(ds, name):
    data = ds["position"]
    if data.sizes["time"] < 3:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            assert_invariant(NEW_FUNCTIONS[name], data)
        except ValueError as error:
            assert "identical for all tracks" in str(error)
