"""The raw-byte screen of HDF5 files: what HDF5 would overallocate is refused before it reads.

Each damaged file here made the HDF5 library ask for gigabytes or more (a
variable-length length, an object-header block size) before h5py could raise;
the good files, real and generated in every layout h5py writes, pass untouched.
"""

from __future__ import annotations

import h5py
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from movement_like.errors import FileFormatError
from movement_like.io import hdf5
from movement_like.io.hdf5_heaps import HDF5_MAGIC, mapped, walk_heaps
from movement_like.io.hdf5_raw import _check_object_headers, check_raw_structure


def _headers_reached(path) -> int:
    with mapped(path) as raw:
        assert raw is not None
        walk_heaps(raw)
        _check_object_headers(raw)
        return len(raw.headers_seen)


def _h5py_objects(path) -> int:
    with h5py.File(path, "r") as file:
        names: list[str] = []
        file.visit(names.append)
        return 1 + len(names)


def _real_hdf5_files(realdata):
    return [
        path
        for path in sorted(realdata.rglob("*"))
        if path.is_file() and "videos" not in path.parts and path.open("rb").read(8) == HDF5_MAGIC
    ]


def test_every_real_hdf5_file_passes_and_every_object_is_reached(realdata):
    files = _real_hdf5_files(realdata)
    assert len(files) >= 16
    for path in files:
        check_raw_structure(path)
        assert _headers_reached(path) == _h5py_objects(path), path


def _flip(path, at, mask, out):
    data = bytearray(path.read_bytes())
    data[at] ^= mask
    out.write_bytes(bytes(data))
    return out


def _value_descriptor(path, name):
    """Where the 16-byte descriptor of a contiguous variable-length dataset starts."""
    with h5py.File(path, "r") as file:
        return file[name].id.get_offset()


def test_a_variable_length_string_claiming_gigabytes_is_refused(tmp_path):
    good = tmp_path / "good.h5"
    with h5py.File(good, "w") as file:
        file["note"] = "(0,0) is the bottom left corner"
    at = _value_descriptor(good, "note")
    bad = _flip(good, at + 3, 0xB8, tmp_path / "bad.h5")  # the length's top byte
    with pytest.raises(FileFormatError, match="claims 3,087,007,775 bytes") as caught:
        check_raw_structure(bad)
    assert "bad.h5" in str(caught.value)
    with pytest.raises(FileFormatError, match="variable-length value"):
        with hdf5.open_hdf5(bad):
            pass


def test_one_bad_length_among_many_values_is_refused(tmp_path):
    good = tmp_path / "good.h5"
    with h5py.File(good, "w") as file:
        file["names"] = np.array([f"keypoint {i}" for i in range(500)], dtype=object)
    check_raw_structure(good)
    bad = _flip(good, _value_descriptor(good, "names") + 16 * 321 + 2, 0x40, tmp_path / "bad.h5")
    with pytest.raises(FileFormatError, match=r"claims 4,194,316 bytes .* holds 12"):
        check_raw_structure(bad)


def test_a_variable_length_attribute_claiming_gigabytes_is_refused(tmp_path):
    good = tmp_path / "good.h5"
    text = "a unique attribute value"
    with h5py.File(good, "w") as file:
        file.create_group("g").attrs["unit"] = text
    data = bytearray(good.read_bytes())
    heap_object = data.find(text.encode())
    # the attribute's descriptor holds the length, then the heap collection's address
    collection = data.rfind(b"GCOL", 0, heap_object)
    descriptor = data.find(len(text).to_bytes(4, "little") + collection.to_bytes(8, "little"))
    assert descriptor > 0
    data[descriptor + 3] = 0x70
    bad = tmp_path / "bad.h5"
    bad.write_bytes(bytes(data))
    with pytest.raises(FileFormatError, match="an attribute of the object"):
        check_raw_structure(bad)


def test_a_continuation_block_beyond_the_file_is_refused(realdata, tmp_path):
    # found by the fuzzer: one flipped byte in a continuation message's length made
    # HDF5 ask for 33 PB while listing the groups
    source = realdata / "nwb" / "sleap-io_written" / "minimal.pose.nwb"
    bad = _flip(source, 19110, 118, tmp_path / "minimal.pose.nwb")
    with pytest.raises(FileFormatError, match="continuation block .* beyond the end"):
        check_raw_structure(bad)


def test_an_object_header_larger_than_the_file_is_refused(tmp_path):
    good = tmp_path / "good.h5"
    with h5py.File(good, "w") as file:
        file.create_dataset("x", data=np.arange(4.0))
    with h5py.File(good, "r") as file:
        address = h5py.h5o.get_info(file["x"].id).addr
    data = bytearray(good.read_bytes())
    assert data[address] == 1  # a version-1 header: its size is at bytes 8..11
    data[address + 11] = 0x7F
    bad = tmp_path / "bad.h5"
    bad.write_bytes(bytes(data))
    with pytest.raises(FileFormatError, match="an object header .* beyond the end"):
        check_raw_structure(bad)


def test_layouts_h5py_writes_pass(tmp_path):
    source = tmp_path / "source.h5"
    with h5py.File(source, "w") as file:
        file["data"] = np.arange(4.0)
    virtual = tmp_path / "virtual.h5"
    layout = h5py.VirtualLayout(shape=(4,), dtype="f8")
    layout[:] = h5py.VirtualSource(str(source), "data", shape=(4,))
    with h5py.File(virtual, "w") as file:
        file.create_virtual_dataset("v", layout)  # holds a heap id with no length before it
    newest = tmp_path / "newest.h5"
    with h5py.File(newest, "w", libver="latest") as file:
        for i in range(12):  # more than 8 links: kept in dense storage
            file.create_group(f"g{i}").attrs["s"] = "x" * i
        file.create_dataset("c", data=np.array(["x"] * 50, dtype=object), chunks=(10,))
    user_block = tmp_path / "user_block.h5"
    with h5py.File(user_block, "w", userblock_size=512) as file:
        file["s"] = np.array(["a", "bb"], dtype=object)
        file.attrs["note"] = "text"
    for path in (virtual, newest, user_block):
        check_raw_structure(path)
    assert not _completeness(newest)  # links in dense storage are not walked
    assert _headers_reached(user_block) == _h5py_objects(user_block)


_names = st.text(st.characters(min_codepoint=97, max_codepoint=122), min_size=1, max_size=6)
_tree = st.recursive(
    st.lists(
        st.text(
            st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=40
        ),
        max_size=4,
    ),
    lambda children: st.dictionaries(_names, children, max_size=5),
    max_leaves=12,
)


def _write(group, tree, depth=0):
    if isinstance(tree, list):
        group.attrs["strings"] = tree if tree else ["?"]
        group.create_dataset("values", data=np.array(tree or [""], dtype=object))
        return
    for name, child in tree.items():
        _write(group.create_group(name), child, depth + 1)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tree=_tree, many_attrs=st.integers(0, 20))
def test_any_file_h5py_writes_passes_and_is_walked_whole(tmp_path, tree, many_attrs):
    path = tmp_path / "generated.h5"
    with h5py.File(path, "w") as file:
        _write(file.create_group("root"), tree)
        for i in range(many_attrs):  # enough attributes to need continuation blocks
            file["root"].attrs[f"a{i}"] = "value " * i
    check_raw_structure(path)
    assert _headers_reached(path) == _h5py_objects(path)


def _completeness(path) -> bool:
    with mapped(path) as raw:
        assert raw is not None
        _check_object_headers(raw)
        return raw.complete


def test_nwb_files_are_walked_whole_so_only_named_heaps_are_read(realdata):
    # every variable-length value of an NWB file is in sight: the heaps they name suffice
    for path in sorted((realdata / "nwb").rglob("*.nwb")):
        assert _completeness(path), path
    # compound types (SLEAP's points) could hide values: every collection is walked there
    assert not _completeness(realdata / "sleap" / "centered_pair_predictions.slp")


def _zero_first_heap_object(path, out):
    data = bytearray(path.read_bytes())
    collection = data.find(b"GCOL")
    data[collection + 16 : collection + 32] = bytes(16)  # an empty object: HDF5 loops on it
    out.write_bytes(bytes(data))
    return out


def test_a_looping_heap_is_refused_whether_or_not_the_walk_is_complete(tmp_path):
    named = tmp_path / "named.h5"
    with h5py.File(named, "w") as file:
        file["note"] = "a string in the global heap"
    assert _completeness(named)
    hidden = tmp_path / "hidden.h5"
    with h5py.File(hidden, "w") as file:
        file.create_dataset("names", data=np.array(["a", "bb"] * 20, dtype=object), chunks=(8,))
    assert not _completeness(hidden)  # chunked values are out of sight
    for good in (named, hidden):
        bad = _zero_first_heap_object(good, tmp_path / f"bad_{good.name}")
        with pytest.raises(FileFormatError, match="loop forever"):
            check_raw_structure(bad)
