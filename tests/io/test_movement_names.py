"""``movement``'s argument names on our facades: file=/file_path=, NWBFile objects, multi-view,
and ``from_numpy`` arrays in either axis order (refused when they cannot be told apart)."""

from __future__ import annotations

import csv
import inspect
import warnings

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from movement_like.errors import InvalidArgumentError, InvalidDatasetError
from movement_like.io import (
    load_bboxes,
    load_dataset,
    load_multiview_dataset,
    load_poses,
    save_bboxes,
    save_poses,
)
from movement_like.io.array_layout import LayoutAssumedWarning
from movement_like.io.movement_compat import from_movement, to_movement


@pytest.fixture
def poses() -> xr.Dataset:
    rng = np.random.default_rng(0)
    return load_poses.from_numpy(
        rng.uniform(0, 100, (12, 2, 3, 2)),
        rng.uniform(0, 1, (12, 2, 3)),
        individual_names=["a", "b"],
        keypoint_names=["nose", "ear", "tail"],
        fps=30,
        layout="movement_like",
    )


# --------------------------------------------------------------------------- #
# file= / file_path=
# --------------------------------------------------------------------------- #
def test_savers_take_file_path_and_loaders_take_file(tmp_path, poses):
    single = poses.sel(individuals=["a"])
    written = save_poses.to_dlc_file(single, file_path=tmp_path / "x.h5")
    assert (tmp_path / "x.h5").is_file() and written
    by_file = load_poses.from_dlc_file(file=tmp_path / "x.h5", fps=30)
    by_path = load_poses.from_dlc_file(tmp_path / "x.h5", fps=30)
    by_file_path = load_poses.from_dlc_file(file_path=tmp_path / "x.h5", fps=30)
    xr.testing.assert_identical(by_file, by_path)
    xr.testing.assert_identical(by_file_path, by_path)
    np.testing.assert_allclose(by_file.position.values, single.position.values)
    xr.testing.assert_identical(load_dataset(file=tmp_path / "x.h5", fps=30), by_path)
    xr.testing.assert_identical(load_poses.from_file(file=tmp_path / "x.h5", fps=30), by_path)


def test_two_spellings_of_the_file_are_refused(tmp_path, poses):
    with pytest.raises(TypeError, match="spellings of one argument"):
        load_poses.from_dlc_file(tmp_path / "x.h5", file=tmp_path / "y.h5")
    with pytest.raises(TypeError, match="spellings of one argument"):
        load_dataset(path=tmp_path / "x.h5", file=tmp_path / "y.h5")
    with pytest.raises(TypeError, match="missing the file"):
        load_dataset()
    with pytest.raises(TypeError, match="spellings of one argument"):
        save_poses.to_netcdf(poses, tmp_path / "a.nc", file_path=tmp_path / "b.nc")
    assert not list(tmp_path.iterdir())


def test_signatures_show_both_spellings():
    for func in (
        load_poses.from_sleap_file,
        save_poses.to_lp_file,
        load_bboxes.from_via_tracks_file,
    ):
        params = inspect.signature(func).parameters
        assert {"path", "file", "file_path"} <= set(params)
        assert params["file"].kind is inspect.Parameter.KEYWORD_ONLY


def test_savers_still_refuse_to_overwrite(tmp_path, poses):
    save_poses.to_netcdf(poses, file_path=tmp_path / "x.nc")
    with pytest.raises(FileExistsError):
        save_poses.to_netcdf(poses, file_path=tmp_path / "x.nc")
    save_poses.to_file(poses, file_path=tmp_path / "x.nc", overwrite=True)


def test_via_writer_takes_movements_names(tmp_path):
    boxes = load_bboxes.from_numpy(
        np.full((3, 2, 2), 50.0), np.full((3, 2, 2), 10.0), layout="movement_like"
    )
    out = save_bboxes.to_via_tracks_file(
        boxes,
        file_path=tmp_path / "t.csv",
        image_file_prefix="frame_",
        image_file_suffix="jpg",
        frame_n_digits=5,
    )
    with open(out, newline="") as handle:
        names = {row[0] for row in list(csv.reader(handle))[1:]}
    assert names == {"frame_00000.jpg", "frame_00001.jpg", "frame_00002.jpg"}
    back = load_bboxes.from_via_tracks_file(file=out)
    np.testing.assert_allclose(back.position.values, boxes.position.values)
    with pytest.raises(TypeError, match="twice"):
        save_bboxes.to_via_tracks_file(
            boxes, tmp_path / "u.csv", digits=3, frame_n_digits=5, overwrite=True
        )


# --------------------------------------------------------------------------- #
# NWBFile objects, multi-view
# --------------------------------------------------------------------------- #
def test_load_dataset_takes_an_nwbfile_object(poses):
    pytest.importorskip("pynwb")
    pytest.importorskip("ndx_pose")
    nwbfiles = save_poses.to_nwb_file(poses)
    assert len(nwbfiles) == 2  # one per individual, as NWB requires
    one = load_dataset(nwbfiles[0])
    assert one.sizes["individuals"] == 1
    np.testing.assert_allclose(
        one.position.isel(individuals=0).values, poses.position.isel(individuals=0).values
    )
    both = load_dataset(file=nwbfiles, source_software="NWB")
    assert both.sizes["individuals"] == 2
    with pytest.raises(InvalidArgumentError, match="NWBFile object"):
        load_dataset(nwbfiles[0], source_software="DeepLabCut")


def test_load_multiview_dataset(tmp_path, poses):
    single = poses.sel(individuals=["a"])
    save_poses.to_dlc_file(single, tmp_path / "left.h5")
    save_poses.to_dlc_file(single.assign(position=single.position + 5), tmp_path / "right.h5")
    ds = load_multiview_dataset(
        {"left": tmp_path / "left.h5", "right": tmp_path / "right.h5"}, fps=30
    )
    assert ds.position.dims == ("views", "time", "individuals", "keypoints", "space")
    assert list(ds["views"].values) == ["left", "right"]
    diff = ds.position.sel(views="right") - ds.position.sel(views="left")
    np.testing.assert_allclose(diff.values, 5.0)
    # movement's spelling of the dim, both ways
    theirs = to_movement(ds)
    assert "view" in theirs.dims and "views" not in theirs.dims
    assert "views" in from_movement(theirs).dims


def test_multiview_refuses_views_that_do_not_line_up(tmp_path, poses):
    single = poses.sel(individuals=["a"])
    save_poses.to_dlc_file(single, tmp_path / "left.h5")
    save_poses.to_dlc_file(single.isel(time=slice(0, 6)), tmp_path / "short.h5")
    with pytest.raises(ValueError):
        load_multiview_dataset({"left": tmp_path / "left.h5", "short": tmp_path / "short.h5"})
    with pytest.raises(InvalidArgumentError, match="empty"):
        load_multiview_dataset({})


# --------------------------------------------------------------------------- #
# from_numpy: our order or movement's
# --------------------------------------------------------------------------- #
AMBIGUOUS = np.arange(10 * 2 * 3 * 2, dtype=float).reshape(10, 2, 3, 2)


def test_an_array_that_fits_both_orders_is_refused():
    with pytest.raises(InvalidArgumentError, match="fits both axis orders") as info:
        load_poses.from_numpy(AMBIGUOUS)
    assert "layout='movement'" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_explicit_layouts_read_the_same_array_differently():
    ours = load_poses.from_numpy(AMBIGUOUS, layout="movement_like")
    assert dict(ours.sizes) == {"time": 10, "individuals": 2, "keypoints": 3, "space": 2}
    assert ours.position.sel(individuals="individual_1", keypoints="keypoint_2", space="x")[
        4
    ] == float(AMBIGUOUS[4, 1, 2, 0])
    theirs = load_poses.from_numpy(AMBIGUOUS, layout="movement")
    assert dict(theirs.sizes) == {"time": 10, "individuals": 2, "keypoints": 3, "space": 2}
    assert list(theirs["individuals"].values) == ["id_0", "id_1"]  # movement's default names
    # movement's position_array[t, space, keypoint, individual]
    for t, s, k, i in [(4, 0, 2, 1), (0, 1, 0, 0), (9, 1, 1, 1)]:
        value = theirs.position.isel(time=t, individuals=i, keypoints=k, space=s)
        assert float(value) == AMBIGUOUS[t, s, k, i]


def test_confidence_or_names_tell_the_orders_apart():
    movement_conf = np.ones((10, 3, 2))  # (time, keypoint, individual)
    with pytest.warns(LayoutAssumedWarning, match="movement's axis order"):
        ds = load_poses.from_numpy(AMBIGUOUS, movement_conf)
    assert (
        float(ds.position.isel(time=4, individuals=1, keypoints=2, space=0))
        == (AMBIGUOUS[4, 0, 2, 1])
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = load_poses.from_numpy(AMBIGUOUS, np.ones((10, 2, 3)))  # ours: silent
    assert ours.sizes["keypoints"] == 3
    # (10, 2, 3, 3): 2 animals in 3-D, or 3 animals in 2-D; three names say which
    with pytest.warns(LayoutAssumedWarning):
        by_names = load_poses.from_numpy(np.zeros((10, 2, 3, 3)), individual_names=["a", "b", "c"])
    assert dict(by_names.sizes) == {"time": 10, "individuals": 3, "keypoints": 3, "space": 2}


def test_shapes_that_fit_one_order_only():
    with pytest.warns(LayoutAssumedWarning):
        theirs = load_poses.from_numpy(np.zeros((5, 3, 4, 1)))  # 3-D, 4 keypoints, 1 animal
    assert dict(theirs.sizes) == {"time": 5, "individuals": 1, "keypoints": 4, "space": 3}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = load_poses.from_numpy(np.zeros((5, 1, 4, 2)))
    assert dict(ours.sizes) == {"time": 5, "individuals": 1, "keypoints": 4, "space": 2}
    with pytest.raises(InvalidDatasetError, match="spatial coordinates"):
        load_poses.from_numpy(np.zeros((5, 4, 4, 4)))
    with pytest.raises(InvalidArgumentError, match="layout must be one of"):
        load_poses.from_numpy(np.zeros((5, 1, 4, 2)), layout="sideways")


def test_bboxes_in_movements_order():
    position = np.arange(4 * 2 * 3, dtype=float).reshape(4, 2, 3)  # (time, space, individual)
    with pytest.warns(LayoutAssumedWarning):
        ds = load_bboxes.from_numpy(position, position + 1, frame_array=np.arange(4)[:, None])
    assert dict(ds.sizes) == {"time": 4, "individuals": 3, "space": 2}
    assert float(ds.position.isel(time=2, individuals=1, space=1)) == position[2, 1, 1]
    assert float(ds.shape.isel(time=2, individuals=1, space=1)) == position[2, 1, 1] + 1
    square = np.zeros((4, 2, 2))
    with pytest.raises(InvalidArgumentError, match="fits both"):
        load_bboxes.from_numpy(square, square)
    assert load_bboxes.from_numpy(square, square, layout="movement").sizes["individuals"] == 2


@settings(max_examples=40, deadline=None)
@given(
    n_time=st.integers(1, 5),
    n_ind=st.integers(1, 4),
    n_kp=st.integers(1, 4),
    n_space=st.sampled_from([2, 3]),
)
def test_movement_order_is_our_order_transposed(n_time, n_ind, n_kp, n_space):
    rng = np.random.default_rng(n_time * 100 + n_ind * 10 + n_kp)
    ours = rng.normal(size=(n_time, n_ind, n_kp, n_space))
    conf = rng.uniform(size=(n_time, n_ind, n_kp))
    a = load_poses.from_numpy(ours, conf, layout="movement_like")
    b = load_poses.from_numpy(
        ours.transpose(0, 3, 2, 1), conf.transpose(0, 2, 1), layout="movement"
    )
    np.testing.assert_array_equal(a.position.values, b.position.values)
    np.testing.assert_array_equal(a.confidence.values, b.confidence.values)
