"""VIA tracks files the user did not write, and datasets VIA cannot hold as they are."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from movement_like.dataset import bboxes_from_numpy
from movement_like.errors import FileFormatError, InvalidDatasetError
from movement_like.io import limits, load_bboxes, save_bboxes
from movement_like.io.formats.via import HEADER

HUGE = "1" + "0" * 4999  # beyond Python's int-string limit (4,300 digits)
LONG = "1" + "0" * 400  # an integer beyond float64
RECT = {"name": "rect", "x": 1, "y": 2, "width": 3, "height": 4}


def _write(path, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _row(filename="1.png", track="1", shape=None, fattr="{}", rattr=None):
    shape = shape if isinstance(shape, str) else json.dumps(shape or RECT)
    rattr = rattr if rattr is not None else json.dumps({"track": track})
    return [filename, 0, fattr, 1, 0, shape, rattr]


def _shape(x):
    return '{"name": "rect", "x": ' + x + ', "y": 2, "width": 3, "height": 4}'


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (_row(filename=f"img{HUGE}.png"), "row 2, column 'filename'.*does not fit in 64 bits"),
        (_row(filename=f"{2**63}.png"), "row 2, column 'filename'.*does not fit in 64 bits"),
        (_row(fattr='{"frame": ' + HUGE + "}"), "row 2, column 'file_attributes'.*cannot be read"),
        (_row(fattr='{"frame": 1e300}'), "row 2, column 'file_attributes'.*64 bits"),
        (_row(shape=_shape(HUGE)), "row 2, column 'region_shape_attributes'.*cannot be read"),
        (_row(shape=_shape(LONG)), "row 2, column 'region_shape_attributes', key 'x'.*finite"),
        (_row(shape=_shape("1e400")), "row 2, column 'region_shape_attributes', key 'x'.*finite"),
        (_row(shape=_shape("true")), "key 'x': True is not a number"),
        (_row(shape=_shape("null")), "key 'x': None is not a number"),
        (
            _row(rattr='{"track": ' + HUGE + "}"),
            "row 2, column 'region_attributes'.*cannot be read",
        ),
        (_row(rattr='{"track": 1, "confidence": 1e400}'), "key 'confidence'.*finite"),
        (_row(rattr='{"track": [1]}'), "track id \\[1\\] is a JSON list"),
        (_row(fattr="[" * 100_000 + "]" * 100_000), "file_attributes'.*nested too deeply"),
    ],
)
def test_bad_cells_give_our_error_naming_row_and_column(tmp_path, row, message):
    good = _row(filename="0.png", fattr='{"frame": 0}' if "frame" in row[2] else "{}")
    path = _write(tmp_path / "bad.csv", [good, row])
    with pytest.raises(FileFormatError, match=message.replace("row 2", "row 3")) as info:
        load_bboxes.from_file(path)
    assert str(path) in str(info.value)
    assert len(str(info.value)) < 600  # a 5,000-digit cell is not pasted into the message


def test_track_ids_beyond_2_53_stay_distinct(tmp_path):
    rows = [_row(track=2**53), _row(track=2**53 + 1)]
    ds = load_bboxes.from_via_tracks_file(_write(tmp_path / "big.csv", rows))
    assert ds.individuals.values.tolist() == [f"id_{2**53}", f"id_{2**53 + 1}"]


def test_tracks_that_would_be_one_individual_are_refused(tmp_path):
    path = _write(tmp_path / "same.csv", [_row(track=5), _row(filename="2.png", track="id_5")])
    with pytest.raises(FileFormatError, match="rows 2 and 3: the tracks 5 and 'id_5'"):
        load_bboxes.from_via_tracks_file(path)


def test_bad_frame_regexp_is_an_argument_error(tmp_path):
    path = _write(tmp_path / "ok.csv", [_row()])
    with pytest.raises(ValueError, match="not a regular expression"):
        load_bboxes.from_via_tracks_file(path, frame_regexp="(")
    with pytest.raises(ValueError, match="exactly one capture group"):
        load_bboxes.from_via_tracks_file(path, frame_regexp="(a)(b)")


def test_boxes_bounded_by_the_array_limit(tmp_path):
    rows = [_row(filename=f"{i}.png", track=i) for i in range(30)]  # 30 frames x 30 tracks
    path = _write(tmp_path / "square.csv", rows)
    with limits.raised(max_array_bytes=1000), pytest.raises(FileFormatError, match="GiB"):
        load_bboxes.from_via_tracks_file(path)
    assert load_bboxes.from_via_tracks_file(path).sizes["individuals"] == 30


# --------------------------------------------------------------------------- #
# the writer: what it writes reads back as written, or it refuses
# --------------------------------------------------------------------------- #
def _boxes(names, n_time=2):
    shape = (n_time, len(names), 2)
    return bboxes_from_numpy(np.ones(shape), np.ones(shape), individual_names=names)


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["1", "01"], "'1' and '01' would both be read back from VIA as the track 'id_1'"),
        (["id_7", "7"], "'id_7' and '7' would both"),
        (["id_7", "id_007"], "'id_7' and 'id_007' would both"),
        (["2.5"], "'2.5' cannot be a VIA track id"),
    ],
)
def test_writer_refuses_names_via_would_merge(tmp_path, names, message):
    target = tmp_path / "out.csv"
    with pytest.raises(InvalidDatasetError, match=message):
        save_bboxes.to_via_tracks_file(_boxes(names), target)
    assert not target.exists()


def test_distinct_names_load_back_distinct(tmp_path):
    ds = _boxes(["a", "01a", "id_1"])
    back = load_bboxes.from_file(save_bboxes.to_via_tracks_file(ds, tmp_path / "out.csv"))
    assert sorted(back.individuals.values.tolist()) == ["01a", "a", "id_1"]


def test_degenerate_datasets(tmp_path):
    none = _boxes(["a"], 3).isel(individuals=slice(0, 0))
    back = load_bboxes.from_file(save_bboxes.to_via_tracks_file(none, tmp_path / "none.csv"))
    assert dict(back.sizes) == {"time": 3, "individuals": 0, "space": 2}
    assert back.frame.values.tolist() == [0, 1, 2]
    with pytest.raises(InvalidDatasetError, match="no box in any frame"):
        save_bboxes.to_via_tracks_file(none, tmp_path / "none2.csv", keep_empty_frames=False)
    with pytest.raises(InvalidDatasetError, match="no time points"):
        save_bboxes.to_via_tracks_file(_boxes(["a"]).isel(time=slice(0, 0)), tmp_path / "t.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["none.csv"]


def test_individuals_without_boxes_are_not_dropped_silently(tmp_path):
    ds = _boxes(["a", "b"])
    ds["position"].loc[{"individuals": "b"}] = np.nan
    with pytest.warns(UserWarning, match=r"individuals \['b'\] have no box"):
        path = save_bboxes.to_via_tracks_file(ds, tmp_path / "out.csv")
    assert load_bboxes.from_file(path).individuals.values.tolist() == ["a"]
