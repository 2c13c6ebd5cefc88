"""The native state: lossless, atomic netCDF, and movement's netCDF files."""

from __future__ import annotations

import os

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings

from movement_like.errors import FileFormatError, OverwriteError
from movement_like.io import load_netcdf, load_poses, save_netcdf
from movement_like.io import netcdf as netcdf_module
from movement_like.io.movement_compat import from_movement, to_movement
from tests.strategies import bboxes_datasets, poses_datasets

ROUND_TRIP = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _assert_same(loaded: xr.Dataset, original: xr.Dataset) -> None:
    xr.testing.assert_identical(loaded, original)
    for name, var in original.variables.items():
        assert loaded[name].dtype == var.dtype, name
    assert loaded.attrs == original.attrs


@ROUND_TRIP
@given(ds=poses_datasets())
def test_poses_round_trip_is_identity(tmp_path, ds):
    path = tmp_path / "poses.nc"
    save_netcdf(ds, path, overwrite=True)
    _assert_same(load_netcdf(path), ds)


@ROUND_TRIP
@given(ds=bboxes_datasets())
def test_bboxes_round_trip_is_identity(tmp_path, ds):
    path = tmp_path / "boxes.nc"
    save_netcdf(ds, path, overwrite=True)
    _assert_same(load_netcdf(path), ds)


def test_round_trip_keeps_extra_vars_bool_and_layers(tmp_path):
    ds = load_poses.from_numpy(np.arange(24.0).reshape(3, 1, 4, 2), fps=30)
    ds["filled"] = ds.position.isnull().any("space") | (ds.position.sel(space="x") > 10)
    stacked = xr.concat([ds, ds.assign(position=ds.position * 2)], dim="layers").assign_coords(
        layers=["manual", "dlc"]
    )
    stacked.attrs = ds.attrs | {"frames_of_interest": "[1, 2]"}
    path = tmp_path / "s.nc"
    save_netcdf(stacked, path)
    _assert_same(load_netcdf(path), stacked)
    assert load_netcdf(path)["filled"].dtype == bool


def test_load_from_file_dispatches_nc(tmp_path):
    ds = load_poses.from_numpy(np.ones((2, 1, 1, 2)))
    path = tmp_path / "a.nc"
    save_netcdf(ds, path)
    xr.testing.assert_identical(load_poses.from_file(path), ds)


def test_lazy_load_streams_in_stored_chunks(tmp_path):
    ds = load_poses.from_numpy(
        np.random.default_rng(0).normal(size=(30_000, 2, 3, 2)), layout="movement_like"
    )
    path = tmp_path / "big.nc"
    save_netcdf(ds, path)
    lazy = load_netcdf(path, chunks={})
    chunks = lazy.position.chunks[0]
    assert len(chunks) == 3 and max(chunks) * 2 * 3 * 2 * 8 <= netcdf_module.CHUNK_BYTES
    xr.testing.assert_identical(lazy.compute(), ds)
    lazy.close()


def test_refuses_to_overwrite(tmp_path):
    ds = load_poses.from_numpy(np.ones((2, 1, 1, 2)))
    path = tmp_path / "a.nc"
    save_netcdf(ds, path)
    with pytest.raises(OverwriteError, match="overwrite=True"):
        save_netcdf(ds, path)
    save_netcdf(ds * 1.0, path, overwrite=True)


def test_interrupted_save_keeps_previous_file(tmp_path, monkeypatch):
    good = load_poses.from_numpy(np.ones((2, 1, 1, 2)))
    path = tmp_path / "state.nc"
    save_netcdf(good, path)
    before = path.read_bytes()

    real_to_netcdf = xr.Dataset.to_netcdf

    def crash_midway(self, target, *args, **kwargs):
        real_to_netcdf(self, target, *args, **kwargs)  # writes the temporary file...
        with open(target, "r+b") as handle:  # ...damages it like a crash would
            handle.truncate(100)
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", crash_midway)
    with pytest.raises(KeyboardInterrupt):
        save_netcdf(good * 2, path, overwrite=True)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["state.nc"]
    monkeypatch.undo()
    xr.testing.assert_identical(load_netcdf(path), good)


def test_not_netcdf_gives_clear_error(tmp_path):
    path = tmp_path / "bad.nc"
    path.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(FileFormatError, match="bad.nc: not a readable netCDF file"):
        load_netcdf(path)


@pytest.mark.parametrize("layout", ["0.17", "0.15"])
def test_reads_movement_layouts(tmp_path, layout):
    ours = load_poses.from_numpy(
        np.random.default_rng(1).normal(size=(4, 2, 3, 2)),
        np.full((4, 2, 3), 0.5),
        individual_names=["a", "b"],
        keypoint_names=["k0", "k1", "k2"],
        fps=25,
        source_software="DeepLabCut",
    )
    theirs = to_movement(ours, layout)
    expected_dims = {
        "0.17": ("time", "space", "keypoint", "individual"),
        "0.15": ("time", "space", "keypoints", "individuals"),
    }[layout]
    assert theirs.position.dims == expected_dims
    theirs = theirs.drop_vars("frame", errors="ignore")
    theirs.attrs = {k: v for k, v in ours.attrs.items() if k != "log"}
    path = tmp_path / "movement.nc"
    theirs.to_netcdf(path)  # as movement itself saves
    loaded = load_netcdf(path)
    assert loaded.position.dims == ("time", "individuals", "keypoints", "space")
    np.testing.assert_array_equal(loaded.position.values, ours.position.values)
    assert loaded.frame.values.tolist() == [0, 1, 2, 3]
    assert loaded.attrs["source_file"] == str(path)
    xr.testing.assert_identical(
        from_movement(to_movement(ours, layout)).drop_attrs(), ours.drop_attrs()
    )


def test_writer_marker_is_not_visible(tmp_path):
    ds = load_poses.from_numpy(np.ones((2, 1, 1, 2)))
    path = tmp_path / "a.nc"
    save_netcdf(ds, path)
    with xr.open_dataset(path) as raw:
        assert netcdf_module.WRITER_ATTR in raw.attrs
    assert netcdf_module.WRITER_ATTR not in load_netcdf(path).attrs


def test_written_files_get_normal_permissions(tmp_path):
    ds = load_poses.from_numpy(np.ones((2, 1, 1, 2)))
    path = tmp_path / "a.nc"
    old_umask = os.umask(0o022)
    try:
        save_netcdf(ds, path)
        assert path.stat().st_mode & 0o777 == 0o644
        path.chmod(0o600)
        save_netcdf(ds, path, overwrite=True)
        assert path.stat().st_mode & 0o777 == 0o600  # a replaced file keeps its mode
    finally:
        os.umask(old_umask)
