"""The safe-HDF5 helpers: our errors, bounded sizes, nothing read outside the file."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from movement_like.errors import FileFormatError
from movement_like.io import hdf5
from movement_like.io.formats.common import FileHead
from movement_like.io.registry import detect_format


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.h5"
    with h5py.File(path, "w") as file:
        file.create_dataset("x", data=np.arange(12.0).reshape(3, 4), compression="gzip")
        file.create_dataset("names", data=np.array([b"a", b"b"]))
        file.create_group("g")
    return path


def _add(path, name, value):
    with h5py.File(path, "a") as file:
        file[name] = value


def test_reads_a_good_file(good):
    with hdf5.open_hdf5(good) as file:
        assert hdf5.read_dataset(file, "x", good, kinds="f", ndim=2).shape == (3, 4)
        assert hdf5.read_dataset(file, "names", good, kinds="SU").tolist() == [b"a", b"b"]


def test_group_where_a_dataset_is_expected(good):
    with hdf5.open_hdf5(good) as file, pytest.raises(FileFormatError, match="is a group"):
        hdf5.read_dataset(file, "g", good)


def test_wrong_kind_and_rank(good):
    with hdf5.open_hdf5(good) as file:
        with pytest.raises(FileFormatError, match="not the expected text"):
            hdf5.require_dataset(file, "x", good, kinds="SU")
        with pytest.raises(FileFormatError, match="has 2 axes"):
            hdf5.require_dataset(file, "x", good, ndim=(1, 3))


def test_missing_and_looping_names(good):
    _add(good, "loop", h5py.SoftLink("/loop"))
    with hdf5.open_hdf5(good) as file:
        with pytest.raises(FileFormatError, match="'nothing' is missing"):
            hdf5.require_dataset(file, "nothing", good)
        with pytest.raises(FileFormatError, match="too many links") as info:
            hdf5.require_dataset(file, "loop", good)
    assert str(good) in str(info.value)


def test_huge_declared_dataset_is_refused_before_reading(good):
    with h5py.File(good, "a") as file:
        file.create_dataset("huge", shape=(2**31, 3), dtype="f8", chunks=True)
    with pytest.raises(FileFormatError, match="declares shape"):
        with hdf5.open_hdf5(good):
            pass
    with hdf5.open_hdf5(good, check_sizes=False) as file:
        with pytest.raises(FileFormatError, match="MAX_EXPANSION"):
            hdf5.read_dataset(file, "huge", good)


def test_the_size_limit_can_be_raised(good, monkeypatch):
    with h5py.File(good, "a") as file:
        file.create_dataset("big", shape=(2**24, 1), dtype="f8", chunks=True)  # 128 MiB, empty
    with pytest.raises(FileFormatError):
        with hdf5.open_hdf5(good):
            pass
    monkeypatch.setattr(hdf5, "ALWAYS_ALLOWED_BYTES", 2**28)
    with hdf5.open_hdf5(good) as file:
        assert file["big"].shape == (2**24, 1)


def test_compressed_data_may_expand(tmp_path):
    path = tmp_path / "nan.h5"
    with h5py.File(path, "w") as file:  # 80 MiB of NaN compress to ~100 kB
        file.create_dataset("x", data=np.full(10_000_000, np.nan), compression="gzip")
    with hdf5.open_hdf5(path) as file:
        assert np.isnan(hdf5.read_dataset(file, "x", path)).all()


@pytest.mark.parametrize("where", ["outside", "missing"])
def test_external_links_are_refused_unless_allowed(good, tmp_path, where):
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as file:
        file["secret"] = np.arange(3)
    target = str(other) if where == "outside" else str(tmp_path / "none.h5")
    _add(good, "ext", h5py.ExternalLink(target, "/secret"))
    with pytest.raises(FileFormatError, match="allow_external_links=True"):
        with hdf5.open_hdf5(good):
            pass
    if where == "outside":
        with hdf5.open_hdf5(good, allow_external_links=True) as file:
            assert file["ext"][()].tolist() == [0, 1, 2]


def test_external_storage_and_virtual_datasets_are_refused(good, tmp_path):
    raw = tmp_path / "raw.bin"
    np.arange(4.0).tofile(raw)
    with h5py.File(good, "a") as file:
        file.create_dataset("stored", shape=(4,), dtype="f8", external=[(str(raw), 0, 32)])
    with pytest.raises(FileFormatError, match="stored in other files"):
        with hdf5.open_hdf5(good):
            pass
    other = tmp_path / "vsource.h5"
    with h5py.File(other, "w") as file:
        file["data"] = np.arange(4.0)
    virtual = tmp_path / "virtual.h5"
    layout = h5py.VirtualLayout(shape=(4,), dtype="f8")
    layout[:] = h5py.VirtualSource(str(other), "data", shape=(4,))
    with h5py.File(virtual, "w") as file:
        file.create_virtual_dataset("v", layout)
    with pytest.raises(FileFormatError, match="virtual dataset"):
        with hdf5.open_hdf5(virtual):
            pass
    with hdf5.open_hdf5(virtual, allow_external_links=True) as file:
        assert file["v"][()].tolist() == [0, 1, 2, 3]


def test_damaged_file_gives_our_error(good):
    data = bytearray(good.read_bytes())
    data[100:4000] = bytes(3900)
    good.write_bytes(bytes(data))
    with pytest.raises(FileFormatError, match=str(good.name)):
        with hdf5.open_hdf5(good) as file:
            hdf5.read_dataset(file, "x", good)


def test_file_head_survives_loops_and_external_links(tmp_path):
    """Detection used to let RuntimeError out of FileHead (only OSError was caught)."""
    path = tmp_path / "labels.slp"
    with h5py.File(path, "w") as file:
        file.create_group("metadata")
        file["frames"] = h5py.SoftLink("/frames")
        file["ext"] = h5py.ExternalLink("/no/such.h5", "/x")
    head = FileHead(path)
    assert head.h5_keys == {"metadata": "group", "frames": "broken", "ext": "external"}
    assert head.h5_error is None


def test_detecting_a_zeroed_hdf5_file_gives_our_error(tmp_path):
    path = tmp_path / "zeroed.h5"
    with h5py.File(path, "w") as file:
        file.create_dataset("tracks", data=np.zeros((4, 4)))
        file.create_dataset("node_names", data=np.array([b"a"]))
    data = bytearray(path.read_bytes())
    data[8:2048] = bytes(2040)
    path.write_bytes(bytes(data))
    try:
        detect_format(path)
    except FileFormatError:
        pass
