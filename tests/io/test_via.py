"""VIA tracks CSV: the real VGG file, round trips, frame numbers, bad rows."""

from __future__ import annotations

import csv
import json
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from movement_like.dataset import bboxes_from_numpy, validate_bboxes
from movement_like.errors import FileFormatError, OverwriteError
from movement_like.io import load_bboxes, save_bboxes
from movement_like.io.formats.via import HEADER
from tests.strategies import bboxes_datasets, sparse_frames

SHERLOCK = "via/sherlock_ep01_tracks_FRCNN.csv"


def _write(path, rows, header=HEADER):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
    return path


def _row(filename, track, x=1, y=2, w=3, h=4, fattr=None, shape=None, extra=None):
    rattr = {"track": track, **(extra or {})}
    shape = shape or {"name": "rect", "x": x, "y": y, "width": w, "height": h}
    return [filename, 0, json.dumps(fattr or {}), 1, 0, json.dumps(shape), json.dumps(rattr)]


# --------------------------------------------------------------------------- #
# the real file
# --------------------------------------------------------------------------- #
def test_sherlock_real_file(realdata):
    path = realdata / SHERLOCK
    ds = load_bboxes.from_via_tracks_file(path, use_frame_numbers_from_file=True)
    validate_bboxes(ds)
    assert dict(ds.sizes) == {"time": 266, "individuals": 4, "space": 2}
    assert list(ds.individuals.values) == ["id_320", "id_321", "id_322", "id_324"]
    assert ds.time.values[0] == 11384 and ds.time.values[-1] == 11649
    assert ds.frame.values[0] == 11384 and ds.filename.values[0] == "./images/00011384.jpg"
    # 427 boxes although region_count is always 1 and region_id always 0
    assert int(ds.position.notnull().all("space").sum()) == 427
    assert np.isnan(ds.confidence.values).all()
    # exact values, read independently with pandas
    table = pd.read_csv(path)
    first = json.loads(table.region_shape_attributes[0])
    assert json.loads(table.region_attributes[0])["track"] == 320
    assert ds.position.sel(time=11384, individuals="id_320").values.tolist() == [
        first["x"] + first["width"] / 2,
        first["y"] + first["height"] / 2,
    ]
    assert ds.shape.sel(time=11384, individuals="id_320").values.tolist() == [
        first["width"],
        first["height"],
    ]
    last = json.loads(table.region_shape_attributes.iloc[-1])
    track = json.loads(table.region_attributes.iloc[-1])["track"]
    frame = int(table.filename.iloc[-1][-12:-4])
    assert ds.shape.sel(time=frame, individuals=f"id_{track}").values.tolist() == [
        last["width"],
        last["height"],
    ]


def test_sherlock_default_time_counts_frames_and_fps(realdata):
    ds = load_bboxes.from_file(realdata / SHERLOCK, fps=25)
    assert ds.attrs["source_software"] == "VIA-tracks"
    assert ds.attrs["fps"] == 25.0 and ds.attrs["time_unit"] == "seconds"
    np.testing.assert_allclose(ds.time.values, np.arange(266) / 25)
    assert ds.frame.values.tolist() == list(range(11384, 11650))


def test_sherlock_round_trip_keeps_everything(realdata, tmp_path):
    ds = load_bboxes.from_via_tracks_file(realdata / SHERLOCK, use_frame_numbers_from_file=True)
    out = save_bboxes.to_via_tracks_file(ds, tmp_path / "copy.csv")
    back = load_bboxes.from_via_tracks_file(out, use_frame_numbers_from_file=True)
    for name in ("position", "shape", "confidence"):
        np.testing.assert_array_equal(back[name].values, ds[name].values)
    assert back.filename.values.tolist() == ds.filename.values.tolist()
    assert back.individuals.values.tolist() == ds.individuals.values.tolist()


# --------------------------------------------------------------------------- #
# round trips
# --------------------------------------------------------------------------- #
@st.composite
def image_boxes(draw):
    """Boxes inside the image (x, y >= 0) with arbitrary float bits, ids id_<n>."""
    n_time = draw(st.integers(1, 8))
    n_ind = draw(st.integers(1, 4))
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    size = st.floats(0, 500, allow_nan=False, width=32 if dtype == np.float32 else 64)
    corner = st.floats(0, 4000, allow_nan=False, width=32 if dtype == np.float32 else 64)
    shape = np.array(
        draw(st.lists(size, min_size=n_time * n_ind * 2, max_size=n_time * n_ind * 2)), dtype=dtype
    ).reshape(n_time, n_ind, 2)
    top_left = np.array(
        draw(st.lists(corner, min_size=shape.size, max_size=shape.size)), dtype=dtype
    ).reshape(shape.shape)
    position = (top_left + shape / 2).astype(dtype)
    missing = np.array(
        draw(st.lists(st.booleans(), min_size=n_time * n_ind, max_size=n_time * n_ind))
    ).reshape(n_time, n_ind)
    position[missing] = np.nan
    shape[missing] = np.nan
    confidence = np.array(
        draw(
            st.lists(
                st.one_of(st.just(np.nan), st.floats(0, 1)),
                min_size=n_time * n_ind,
                max_size=n_time * n_ind,
            )
        ),
        dtype=dtype,
    ).reshape(n_time, n_ind)
    confidence[missing] = np.nan
    ids = draw(st.lists(st.integers(0, 10_000), min_size=n_ind, max_size=n_ind, unique=True))
    return bboxes_from_numpy(
        position,
        shape,
        confidence,
        individual_names=[f"id_{i}" for i in sorted(ids)],
        frame_array=draw(sparse_frames(n_time)),
        source_software="test",
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ds=image_boxes())
def test_round_trip_is_exact(ds, tmp_path):
    path = save_bboxes.to_via_tracks_file(ds, tmp_path / "boxes.csv", overwrite=True)
    back = load_bboxes.from_via_tracks_file(path, use_frame_numbers_from_file=True)
    # individuals that have no box at all cannot be written (VIA has no empty track)
    present = [n for n in ds.individuals.values if ds.position.sel(individuals=n).notnull().any()]
    assert back.individuals.values.tolist() == present
    assert back.frame.values.tolist() == ds.frame.values.tolist()
    assert back.time.values.tolist() == ds.frame.values.tolist()
    for name in ("position", "shape", "confidence"):
        expected = ds[name].sel(individuals=present).values.astype(np.float64)
        np.testing.assert_array_equal(back[name].values, expected)


def test_string_track_names_round_trip(tmp_path):
    ds = bboxes_from_numpy(
        np.ones((2, 2, 2)), np.ones((2, 2, 2)), individual_names=["crab A", "id_7"]
    )
    path = save_bboxes.to_file(ds, tmp_path / "b.csv", to="VIA")
    back = load_bboxes.from_file(path, source_software="VIA-tracks")
    assert sorted(back.individuals.values.tolist()) == ["crab A", "id_7"]


def test_writer_refuses_overwrite_and_needs_frames(tmp_path):
    ds = bboxes_from_numpy(np.ones((2, 1, 2)), np.ones((2, 1, 2)), individual_names=["id_1"])
    path = save_bboxes.to_via_tracks_file(ds, tmp_path / "a.csv")
    with pytest.raises(OverwriteError):
        save_bboxes.to_via_tracks_file(ds, path)
    no_frames = bboxes_from_numpy(np.ones((2, 1, 2)), np.ones((2, 1, 2)), time_array=[0.5, 1.0])
    with pytest.raises(ValueError, match="frame"):
        save_bboxes.to_via_tracks_file(no_frames, tmp_path / "b.csv")


def test_writer_output_is_via_layout(tmp_path):
    ds = bboxes_from_numpy(
        np.array([[[10.0, 20.0], [np.nan, np.nan]], [[11.0, 21.0], [30.0, 40.0]]]),
        np.full((2, 2, 2), 4.0),
        np.array([[0.5, np.nan], [np.nan, 0.25]]),
        individual_names=["id_1", "id_2"],
        frame_array=[7, 1000],
    )
    path = save_bboxes.to_via_tracks_file(ds, tmp_path / "v.csv")
    table = pd.read_csv(path)
    assert tuple(table.columns) == HEADER
    assert table.filename.tolist() == ["00007.png", "01000.png", "01000.png"]
    assert table.region_count.tolist() == [1, 2, 2] and table.region_id.tolist() == [0, 0, 1]
    assert json.loads(table.region_shape_attributes[0]) == {
        "name": "rect",
        "x": 8,
        "y": 18,
        "width": 4,
        "height": 4,
    }
    assert json.loads(table.region_attributes[0]) == {"track": 1, "confidence": 0.5}
    assert json.loads(table.region_attributes[1]) == {"track": 1}


# --------------------------------------------------------------------------- #
# frame numbers
# --------------------------------------------------------------------------- #
def test_frame_is_last_digit_run_not_leading_zero_regex(tmp_path):
    path = _write(
        tmp_path / "f.csv",
        [_row("img1000.png", 1), _row("frame_12.png", 1), _row("cam2/shot3_0100.jpg", "2.0")],
    )
    ds = load_bboxes.from_via_tracks_file(path, use_frame_numbers_from_file=True)
    assert ds.frame.values.tolist() == [12, 100, 1000]
    assert ds.individuals.values.tolist() == ["id_1", "id_2"]


def test_frame_from_file_attributes(tmp_path):
    rows = [_row("a.png", 3, fattr={"frame": 5}), _row("b.png", 3, fattr={"frame": "9"})]
    ds = load_bboxes.from_via_tracks_file(
        _write(tmp_path / "a.csv", rows), use_frame_numbers_from_file=True
    )
    assert ds.frame.values.tolist() == [5, 9]
    assert ds.attrs["frame_source"] == "file_attributes"


def test_regexp_collision_is_an_error(tmp_path):
    rows = [_row("v12_f0003.png", 1), _row("v12_f0004.png", 1)]
    with pytest.raises(FileFormatError, match="both give frame 12"):
        load_bboxes.from_via_tracks_file(_write(tmp_path / "b.csv", rows), frame_regexp=r"v(\d+)_")
    ds = load_bboxes.from_via_tracks_file(
        _write(tmp_path / "c.csv", rows), frame_regexp=r"_f(\d+)\."
    )
    assert ds.frame.values.tolist() == [3, 4]


def test_images_without_regions_keep_their_frame(tmp_path):
    rows = [_row("0001.png", 1), ["0002.png", 0, "{}", 0, 0, "{}", "{}"], _row("0003.png", 1)]
    ds = load_bboxes.from_via_tracks_file(_write(tmp_path / "e.csv", rows))
    assert ds.frame.values.tolist() == [1, 2, 3]
    assert np.isnan(ds.position.values[1]).all()


# --------------------------------------------------------------------------- #
# bad input
# --------------------------------------------------------------------------- #
def test_non_rect_shape_is_a_clear_error(tmp_path):
    rows = [
        _row("0001.png", 1),
        _row("0002.png", 1, shape={"name": "circle", "cx": 1, "cy": 2, "r": 3}),
    ]
    message = r"row 3, column 'region_shape_attributes': region shape 'circle' is not a 'rect'"
    with pytest.raises(FileFormatError, match=message):
        load_bboxes.from_via_tracks_file(_write(tmp_path / "c.csv", rows))


def test_unparseable_frame_is_a_clear_error(tmp_path):
    path = _write(tmp_path / "n.csv", [_row("0001.png", 1), _row("frame.png", 1)])
    message = r"row 3, column 'filename': cannot read a frame number.*'frame.png'"
    with pytest.raises(FileFormatError, match=message):
        load_bboxes.from_via_tracks_file(path)
    path = _write(tmp_path / "m.csv", [_row("a.png", 1, fattr={"frame": "x"})])
    with pytest.raises(FileFormatError, match="not a frame number"):
        load_bboxes.from_via_tracks_file(path)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([_row("1.png", 1), _row("1.png", 1)], "second box in frame 1"),
        (
            [
                [
                    "1.png",
                    0,
                    "{}",
                    1,
                    0,
                    json.dumps({"name": "rect", "x": 1, "y": 1, "width": 2, "height": 2}),
                    "{}",
                ]
            ],
            "no 'track' id",
        ),
        ([_row("1.png", 2.5)], "not a whole number"),
        ([_row("1.png", 1, shape={"name": "rect", "x": 1, "y": 1})], "a rect needs x, y, width"),
        ([["1.png", 0, "{not json", 1, 0, "{}", "{}"]], "not valid JSON"),
    ],
)
def test_bad_rows(tmp_path, rows, message):
    with pytest.raises(FileFormatError, match=message):
        load_bboxes.from_via_tracks_file(_write(tmp_path / "bad.csv", rows))


def test_wrong_header(tmp_path):
    path = _write(tmp_path / "h.csv", [], header=("filename", "x", "y"))
    with pytest.raises(FileFormatError, match="header must be the 7 VIA columns"):
        load_bboxes.from_via_tracks_file(path)


def test_loaded_boxes_survive_netcdf(realdata, tmp_path):
    import xarray as xr

    from movement_like.io import load_netcdf, save_netcdf

    ds = load_bboxes.from_via_tracks_file(realdata / SHERLOCK)
    save_netcdf(ds, tmp_path / "state.nc")
    xr.testing.assert_identical(load_netcdf(tmp_path / "state.nc"), ds)


def test_empty_frames_can_be_left_out_for_movement(tmp_path):
    ds = bboxes_from_numpy(
        np.array([[[5.0, 5.0]], [[np.nan, np.nan]], [[6.0, 6.0]]]),
        np.ones((3, 1, 2)),
        individual_names=["id_1"],
    )
    kept = load_bboxes.from_via_tracks_file(save_bboxes.to_via_tracks_file(ds, tmp_path / "a.csv"))
    assert kept.frame.values.tolist() == [0, 1, 2]
    path = save_bboxes.to_via_tracks_file(ds, tmp_path / "b.csv", keep_empty_frames=False)
    assert "{}" not in path.read_text()
    assert load_bboxes.from_via_tracks_file(path).frame.values.tolist() == [0, 2]


def test_rows_with_missing_or_extra_cells(tmp_path):
    short = tmp_path / "short.csv"
    short.write_text(",".join(HEADER) + '\n0001.png,0,"{}",0,0,"{}","{}"\n0002.png,0,"{}",1,0\n')
    with pytest.raises(FileFormatError, match="row 3 has empty region columns"):
        load_bboxes.from_via_tracks_file(short)
    short.write_text(",".join(HEADER) + '\n0002.png,0,"{}",1,0\n')
    with pytest.raises(FileFormatError, match="rows have 5 cells instead of 7"):
        load_bboxes.from_via_tracks_file(short)
    long = tmp_path / "long.csv"
    long.write_text(
        ",".join(HEADER) + '\n0001.png,0,"{}",0,0,"{}","{}"\n0002.png,0,{},0,0,{},{},x\n'
    )
    with pytest.raises(FileFormatError, match="not a well-formed VIA CSV"):
        load_bboxes.from_via_tracks_file(long)


def _keeps_its_name(name):
    """Names VIA tracks cannot keep: numbers ("5", "2.0") and non-canonical ids ("id_07")."""
    try:
        float(name)
        return False
    except ValueError:
        pass
    match = re.match(r"^id_(-?\d+)$", name)
    return match is None or name == f"id_{int(match.group(1))}"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ds=bboxes_datasets(max_time=6))
def test_any_boxes_round_trip_within_one_ulp(ds, tmp_path):
    assume(all(_keeps_its_name(str(n)) for n in ds.individuals.values))
    path = save_bboxes.to_via_tracks_file(ds, tmp_path / "any.csv", overwrite=True)
    back = load_bboxes.from_via_tracks_file(path, use_frame_numbers_from_file=True)
    boxed = (ds.position.notnull().all("space") & ds.shape.notnull().all("space")).values
    present = [str(n) for j, n in enumerate(ds.individuals.values) if boxed[:, j].any()]
    assert sorted(back.individuals.values.tolist()) == sorted(present)
    if not present:
        return
    expected = ds.where(ds.position.notnull().all("space") & ds.shape.notnull().all("space"))
    expected = expected.sel(individuals=back.individuals.values)
    np.testing.assert_array_equal(back.shape.values, expected.shape.values.astype(float))
    np.testing.assert_array_equal(back.confidence.values, expected.confidence.values.astype(float))
    error = np.abs(back.position.values - expected.position.values)
    scale = np.maximum(np.abs(expected.position.values), expected.shape.values)
    assert np.array_equal(np.isnan(error), np.isnan(expected.position.values))
    finite = ~np.isnan(error)
    assert np.all(error[finite] <= 2 * np.spacing(scale[finite].astype(np.float64)))
