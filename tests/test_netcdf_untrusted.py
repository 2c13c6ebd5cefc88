"""A netCDF file we did not write never hangs, crashes or overallocates: it loads or gets our error.

Each damaged file is loaded in a worker process (see :mod:`tests.fuzzing.pool`),
so that a crash or a hang is a failed test, not a dead test run.
"""

from __future__ import annotations

import shutil

import h5py
import numpy as np
import pytest
import xarray as xr

from movement_like.errors import FileFormatError, UnsafeFileError
from movement_like.io import load_netcdf, load_poses, save_netcdf
from movement_like.movement_compat import to_movement
from tests.fuzzing import mutations, pool


def _poses():
    rng = np.random.default_rng(3)
    return load_poses.from_numpy(
        rng.normal(size=(50, 2, 3, 2)),
        rng.random((50, 2, 3)),
        individual_names=["a", "b"],
        keypoint_names=["nose", "ear", "tail"],
        fps=25,
        source_software="DeepLabCut",
    )


@pytest.fixture
def ours(tmp_path):
    path = tmp_path / "ours.nc"
    save_netcdf(_poses(), path)
    return path


@pytest.fixture
def theirs(tmp_path):
    """A file as movement 0.17 saves one (xarray's default netCDF-4 writer)."""
    ds = to_movement(_poses(), "0.17").drop_vars("frame", errors="ignore")
    ds.attrs = {k: v for k, v in ds.attrs.items() if k != "log"}
    path = tmp_path / "theirs.nc"
    ds.to_netcdf(path)
    return path


def _load_damaged(path, mutation, params, timeout=20.0, memory_mib=512):
    """Apply one fuzzer mutation to ``path`` and load the result in a worker."""
    recipe = {
        "source": "file",
        "index": 0,
        "mutation": mutation,
        "params": params,
        "name": path.name,
        "source_software": "netCDF",
    }
    (result,) = pool.run(
        [recipe], {"file": (path, "netCDF")}, workers=1, timeout=timeout, memory_mib=memory_mib
    )
    return result


def _damaged_copy(path, tmp_path, mutation, params):
    out = tmp_path / "damaged"
    out.mkdir(exist_ok=True)
    recipe = {"mutation": mutation, "params": params, "name": path.name}
    return mutations.apply(recipe, path, out)


@pytest.mark.parametrize("layout", ["ours", "theirs"])
@pytest.mark.parametrize("variable", ["position", "confidence"])
def test_float16_variable_loads_without_crashing(request, layout, variable):
    path = request.getfixturevalue(layout)
    result = _load_damaged(path, "h5_dtype", {"name": variable, "dtype": "f2"})
    assert result["outcome"] == "loaded", result


@pytest.mark.parametrize("variable", ["position", "confidence"])
def test_array_valued_dimension_list_is_our_error(theirs, variable):
    params = {"name": variable, "attr": "DIMENSION_LIST", "value": "strs"}
    result = _load_damaged(theirs, "h5_attr_array", params)
    assert result["outcome"] == "ours", result
    assert "list of dimensions" in result["message"]


def test_dimension_list_of_another_rank_is_our_error(ours):
    result = _load_damaged(ours, "h5_rank", {"name": "confidence", "how": "flatten"})
    assert result["outcome"] == "ours", result


def test_array_valued_root_attribute_is_our_error(tmp_path, ours):
    damaged = _damaged_copy(
        ours, tmp_path, "h5_attr_array", {"name": "/", "attr": "fps", "value": "ints"}
    )
    with pytest.raises(FileFormatError, match="fps"):
        load_netcdf(damaged)


def test_huge_declared_variable_is_refused_before_allocating(ours):
    result = _load_damaged(ours, "h5_huge", {"name": "position", "rows": 2**31})
    assert result["outcome"] == "ours", result
    assert "declares" in result["message"] and "stores only" in result["message"]


def test_damaged_data_chunk_is_our_error(tmp_path, ours):
    damaged = tmp_path / "chunk.nc"
    shutil.copyfile(ours, damaged)
    with h5py.File(damaged, "r") as file:
        chunk = file["position"].id.get_chunk_info(0)
    with open(damaged, "r+b") as handle:  # zlib data the decoder cannot inflate
        handle.seek(chunk.byte_offset)
        handle.write(b"\x00" * min(chunk.size, 64))
    with pytest.raises(FileFormatError, match="chunk.nc: not a readable netCDF file"):
        load_netcdf(damaged)


def test_external_link_is_refused(tmp_path, ours):
    damaged = _damaged_copy(
        ours, tmp_path, "h5_external_link", {"name": "position", "target": "outside"}
    )
    with pytest.raises(UnsafeFileError, match="links to .* in another file"):
        load_netcdf(damaged)


def test_soft_link_loop_is_our_error(tmp_path, ours):
    damaged = _damaged_copy(ours, tmp_path, "h5_soft_loop", {"name": "confidence", "how": "pair"})
    with pytest.raises(FileFormatError, match="soft link"):
        load_netcdf(damaged)


def test_nwb_renamed_nc_names_the_format(tmp_path, realdata):
    renamed = tmp_path / "session.nc"
    shutil.copyfile(realdata / "nwb" / "0.3.0_poseestimation_one_camera.nwb", renamed)
    with pytest.raises(FileFormatError, match=r"session\.nc: .*NWB file"):
        load_netcdf(renamed)


@pytest.mark.parametrize("missing", ["confidence", "position"])
def test_file_breaking_the_contract_is_our_error_naming_it(tmp_path, theirs, missing):
    damaged = _damaged_copy(theirs, tmp_path, "h5_delete", {"name": missing})
    with pytest.raises(FileFormatError, match=f"theirs.nc: .*'{missing}'"):
        load_netcdf(damaged)


def test_foreign_netcdf_without_position_is_our_error(tmp_path):
    path = tmp_path / "weather.nc"
    xr.Dataset({"temperature": ("time", np.arange(3.0))}).to_netcdf(path)
    with pytest.raises(FileFormatError, match="no 'position'"):
        load_netcdf(path)


def _classic(tmp_path):
    ds = to_movement(_poses(), "0.17").drop_vars("frame", errors="ignore")
    ds.attrs = {k: v for k, v in ds.attrs.items() if k != "log"}
    path = tmp_path / "classic.nc"
    ds.to_netcdf(path, format="NETCDF3_64BIT", engine="scipy")
    return path


def test_classic_netcdf3_loads_eagerly_and_lazily(tmp_path):
    path = _classic(tmp_path)
    assert path.read_bytes()[:3] == b"CDF"
    eager = load_netcdf(path)
    np.testing.assert_array_equal(eager.position.values, _poses().position.values)
    lazy = load_netcdf(path, chunks={})
    assert lazy.position.chunks is not None
    xr.testing.assert_identical(lazy.compute(), eager)


def test_classic_header_claiming_a_huge_dimension_is_not_allocated(tmp_path):
    path = _classic(tmp_path)
    data = bytearray(path.read_bytes())
    # header: magic(4) numrecs(4) NC_DIMENSION(4) count(4), then the first name and its length
    name_length = int.from_bytes(data[16:20], "big")
    at = 20 + (name_length + 3) // 4 * 4
    data[at : at + 4] = (2**31 - 1).to_bytes(4, "big")
    path.write_bytes(bytes(data))
    result = _load_damaged(path, "rename", {"suffix": ".nc"}, memory_mib=256)
    assert result["outcome"] == "ours", result


def test_lazy_load_of_our_files_is_still_lazy(ours):
    lazy = load_netcdf(ours, chunks={})
    assert lazy.position.chunks is not None
    xr.testing.assert_identical(lazy.compute(), _poses())
    lazy.close()


def test_zeroed_global_heap_is_our_error_not_a_hang(tmp_path):
    boxes = load_poses.from_numpy(np.ones((4, 2, 1, 2)), layout="movement_like")
    path = tmp_path / "strings.nc"
    save_netcdf(boxes, path)  # names are variable-length strings, kept in a global heap
    data = bytearray(path.read_bytes())
    heap = data.find(b"GCOL")
    assert heap > 0
    data[heap + 16 : heap + 80] = bytes(64)  # the first object: index 0, size 0
    path.write_bytes(bytes(data))
    result = _load_damaged(path, "rename", {"suffix": ".nc"}, timeout=20.0)
    assert result["outcome"] == "ours", result
    assert "global heap" in result["message"]
