"""The contract layer: building, validating, attrs, log."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

from movement_like.dataset import (
    bboxes_from_numpy,
    log_operation,
    netcdf_safe_attrs,
    poses_from_numpy,
    read_log,
    validate_bboxes,
    validate_dataset,
    validate_poses,
)
from movement_like.errors import InvalidDatasetError, MovementLikeError
from movement_like.io import load_bboxes, load_poses


def test_from_numpy_defaults():
    ds = load_poses.from_numpy(np.zeros((5, 2, 3, 2)), layout="movement_like")
    assert ds.position.dims == ("time", "individuals", "keypoints", "space")
    assert ds.confidence.dims == ("time", "individuals", "keypoints")
    assert list(ds.individuals.values) == ["individual_0", "individual_1"]
    assert list(ds.keypoints.values) == ["keypoint_0", "keypoint_1", "keypoint_2"]
    assert list(ds.space.values) == ["x", "y"]
    assert ds.attrs["time_unit"] == "frames"
    assert "fps" not in ds.attrs
    assert ds.time.values.tolist() == [0, 1, 2, 3, 4]
    assert ds.frame.values.tolist() == [0, 1, 2, 3, 4]
    assert np.isnan(ds.confidence).all()
    assert ds.attrs["log"] == "[]"
    validate_poses(ds)


def test_from_numpy_fps_sparse_frames_and_dtypes():
    pos = np.ones((3, 1, 1, 3), dtype=np.float32)
    ds = load_poses.from_numpy(pos, fps=10, frame_array=[2, 5, 40], source_software="me")
    assert ds.position.dtype == np.float32
    assert ds.confidence.dtype == np.float32
    assert ds.time.values.tolist() == [0.2, 0.5, 4.0]
    assert ds.frame.values.tolist() == [2, 5, 40]
    assert ds.frame.dtype == np.int64
    assert ds.attrs["fps"] == 10.0 and ds.attrs["time_unit"] == "seconds"
    assert list(ds.space.values) == ["x", "y", "z"]
    assert ds.attrs["source_software"] == "me"


def test_from_numpy_accepts_lists_and_ints():
    ds = load_poses.from_numpy([[[[1, 2]]], [[[3, 4]]]], [[[0.5]], [[0.7]]], "mouse", ["nose"])
    assert ds.position.dtype == np.float64
    assert ds.position.values.ravel().tolist() == [1, 2, 3, 4]
    assert ds.individuals.values.tolist() == ["mouse"]


def test_from_numpy_time_array():
    ds = load_poses.from_numpy(np.zeros((3, 1, 1, 2)), time_array=[0.5, 1.0, 2.5])
    assert ds.time.values.tolist() == [0.5, 1.0, 2.5]
    assert "frame" not in ds.coords
    assert ds.attrs["time_unit"] == "seconds"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"position_array": np.zeros((5, 2, 2))}, "must have 4 dimensions"),
        ({"position_array": np.zeros((5, 1, 2, 4))}, "2 or 3 spatial coordinates"),
        (
            {"position_array": np.zeros((5, 1, 2, 2)), "confidence_array": np.zeros((5, 2))},
            "'confidence_array' must have shape (5, 1, 2)",
        ),
        (
            {"position_array": np.zeros((5, 2, 1, 2)), "individual_names": ["a", "a"]},
            "repeated: ['a']",
        ),
        (
            {"position_array": np.zeros((5, 1, 2, 2)), "keypoint_names": ["a"]},
            "1 keypoints names were given, but the array has 2",
        ),
        (
            {"position_array": np.zeros((3, 1, 1, 2)), "frame_array": [0, 2, 2]},
            "strictly increasing, but frame 2 at index 2 follows 2",
        ),
        (
            {"position_array": np.zeros((3, 1, 1, 2)), "frame_array": [0, 1]},
            "one frame per time point (3)",
        ),
        (
            {"position_array": np.zeros((3, 1, 1, 2)), "frame_array": [0.5, 1, 2]},
            "whole frame numbers",
        ),
        ({"position_array": np.zeros((3, 1, 1, 2)), "fps": 0}, "fps must be a positive"),
        ({"position_array": np.zeros((3, 1, 1, 2)), "fps": float("nan")}, "fps must be a positive"),
        ({"position_array": np.zeros((3, 1, 1, 2)), "fps": -30}, "fps must be a positive"),
        ({"position_array": np.array([["a"]])}, "must hold numbers"),
        ({"position_array": np.zeros((3, 1, 1, 2)), "keypoint_names": [""]}, "must not be empty"),
    ],
)
def test_from_numpy_invalid(kwargs, message):
    with pytest.raises(InvalidDatasetError) as info:
        load_poses.from_numpy(**kwargs, layout="movement_like")
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, MovementLikeError)


def test_bboxes_from_numpy_and_errors():
    ds = load_bboxes.from_numpy(
        np.zeros((4, 2, 2)), np.ones((4, 2, 2)), frame_array=[1, 3, 5, 9], layout="movement_like"
    )
    validate_bboxes(ds)
    assert ds.shape.dims == ("time", "individuals", "space")
    assert ds.confidence.dims == ("time", "individuals")
    with pytest.raises(InvalidDatasetError, match="'shape_array' must have the shape"):
        load_bboxes.from_numpy(np.zeros((4, 2, 2)), np.ones((4, 2)), layout="movement_like")
    with pytest.raises(InvalidDatasetError, match="2 spatial coordinates"):
        bboxes_from_numpy(np.zeros((4, 2, 3)), np.ones((4, 2, 3)))
    with pytest.raises(InvalidDatasetError, match="must have 3 dimensions"):
        bboxes_from_numpy(np.zeros((4, 2)), np.ones((4, 2)))


def test_validate_reports_expected_and_found():
    ds = poses_from_numpy(np.zeros((3, 1, 1, 2)))
    with pytest.raises(InvalidDatasetError, match="needs the variable 'confidence'"):
        validate_poses(ds.drop_vars("confidence"))
    with pytest.raises(InvalidDatasetError, match="time_unit"):
        validate_poses(ds.assign_attrs(time_unit="hours"))
    with pytest.raises(InvalidDatasetError, match="ds_type"):
        validate_dataset(ds.assign_attrs(ds_type="points"))
    with pytest.raises(InvalidDatasetError, match="not netCDF-safe"):
        validate_poses(ds.assign_attrs(flag=True))
    with pytest.raises(InvalidDatasetError, match="expected a bboxes dataset"):
        validate_bboxes(ds)
    # transposed and with an extra dim is fine: axes are found by name
    extra = xr.concat([ds, ds], dim="layers").transpose("space", ...)
    extra.attrs = ds.attrs
    validate_poses(extra)


def test_netcdf_safe_attrs():
    safe = netcdf_safe_attrs(
        {
            "a": None,
            "b": True,
            "c": [1, 2],
            "d": {"x": 1},
            "e": "s",
            "f": np.float32(2.5),
            "g": float("nan"),
            "h": np.array([1.0]),
        }
    )
    assert "a" not in safe
    assert safe["b"] == 1
    assert json.loads(safe["c"]) == [1, 2]
    assert json.loads(safe["d"]) == {"x": 1}
    assert safe["e"] == "s" and safe["f"] == 2.5
    assert safe["g"] == "NaN"
    assert json.loads(safe["h"]) == [1.0]


def test_log_operation_appends_without_mutating_input():
    @log_operation
    def shift(data, by=1.0, *, label=None):
        return data + by

    ds = poses_from_numpy(np.zeros((2, 1, 1, 2)))
    da = ds.position
    da.attrs["log"] = json.dumps([{"operation": "load", "arguments": {}}])
    out = shift(da, 2.0, label="x")
    assert read_log(da) == [{"operation": "load", "arguments": {}}]
    entries = read_log(out)
    assert entries[-1].pop("datetime")  # movement's entry shape carries the time of the call
    assert entries[-1] == {"operation": "shift", "arguments": {"by": 2.0, "label": "x"}}
    # stored in movement's shape: the arguments at the top level
    assert json.loads(out.attrs["log"])[-1]["by"] == 2.0
    assert len(entries) == 2
    out2 = shift(out, by=np.float64(3))
    assert [e["operation"] for e in read_log(out2)] == ["load", "shift", "shift"]
    assert read_log(out2)[-1]["arguments"]["by"] == 3.0


def test_frame_numbers_from_coordinate_frames_or_seconds():
    from movement_like.dataset import frame_numbers

    sparse = poses_from_numpy(np.zeros((3, 1, 1, 2)), fps=30, frame_array=[4, 9, 100])
    assert frame_numbers(sparse).tolist() == [4, 9, 100]
    assert frame_numbers(sparse.drop_vars("frame")).tolist() == [4, 9, 100]  # time x fps
    frames = poses_from_numpy(np.zeros((2, 1, 1, 2)), frame_array=[7, 8]).drop_vars("frame")
    assert frame_numbers(frames).tolist() == [7, 8]
    stamps = poses_from_numpy(np.zeros((2, 1, 1, 2)), time_array=[0.5, 1.25])
    with pytest.raises(InvalidDatasetError, match="writing X needs video frame numbers.*fps"):
        frame_numbers(stamps, "writing X")
    odd = stamps.assign_attrs(fps=3.0)
    with pytest.raises(InvalidDatasetError, match="not a whole number of frames"):
        frame_numbers(odd)
    endless = frames.assign_coords(time=[0.0, np.inf])
    with pytest.raises(InvalidDatasetError, match="not finite"):
        frame_numbers(endless)


def test_require_contract_dims_names_the_extra_dims():
    from movement_like.dataset import require_contract_dims

    ds = poses_from_numpy(np.ones((3, 1, 2, 2)))
    require_contract_dims(ds, "a file")
    layered = xr.concat([ds, ds], dim="layers")
    with pytest.raises(InvalidDatasetError, match=r"\['layers'\].*ds.isel\(layers=0\)"):
        require_contract_dims(layered, "a file")
    boxes = bboxes_from_numpy(np.zeros((2, 1, 2)), np.ones((2, 1, 2)))
    require_contract_dims(boxes, "VIA tracks")
    with pytest.raises(InvalidDatasetError, match="views"):
        require_contract_dims(boxes.expand_dims(views=2), "VIA tracks")
