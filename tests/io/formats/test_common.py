"""What every format shares: the file head sniffers see, and the Format protocol every
registered format follows (one test runs each of them against it)."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

from movement_like.dataset import bboxes_from_numpy, poses_from_numpy, validate_dataset
from movement_like.io import registry
from movement_like.io.formats.common import HDF5_MAGIC, KINDS, FileFormat, FileHead, Format

FORMATS = registry.list_formats()
NAMES = [f.name for f in FORMATS]
#: Formats whose written files are, by design, files of another format too.
DETECTED_AS = {"LightningPose": "DeepLabCut"}  # LP's CSVs are DLC CSVs without LP's tells
SUFFIX = {"SLEAP": ".analysis.h5", "DeepLabCut": ".h5", "DUSTrack": ".json", "NWB": ".nwb"}


# --------------------------------------------------------------------------- #
# FileHead
# --------------------------------------------------------------------------- #
def test_file_heads_are_shared_until_the_file_changes(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("scorer,x\n")
    head = FileHead.of(path)
    assert FileHead.of(path) is head
    path.write_text("scorer,x,y,z\n")  # a new size: a new head, never stale bytes
    assert FileHead.of(path) is not head
    assert FileHead.of(path).lines(1) == ["scorer,x,y,z"]


def test_head_reads_only_the_start_and_drops_a_cut_line(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("a,b\n" + "1,2\n" * 40000)  # 160 kB: more than a head holds
    head = FileHead(path)
    assert len(head.bytes) == FileHead.n_bytes
    assert head.lines(3) == ["a,b", "1,2", "1,2"]
    lines = head.lines(10**6)
    assert all(line == "1,2" for line in lines[1:])  # the cut last line is not among them
    assert not head.is_hdf5 and head.h5_keys == {} and head.h5_error is None


def test_binary_and_hdf5_heads(tmp_path):
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x00\x01" * 100)
    assert FileHead(binary).lines() == []
    broken = tmp_path / "cut.h5"
    broken.write_bytes(HDF5_MAGIC + b"\x00" * 100)
    head = FileHead(broken)
    assert head.is_hdf5 and head.h5_keys == {} and head.h5_error
    folder = tmp_path / "folder"
    folder.mkdir()
    assert FileHead(folder).is_dir and FileHead(folder).bytes == b""


# --------------------------------------------------------------------------- #
# every registered format follows the protocol
# --------------------------------------------------------------------------- #
def test_builtin_formats_are_file_formats_with_unique_names():
    assert all(isinstance(f, FileFormat) and f.origin == "movement_like" for f in FORMATS)
    names = [n.casefold() for f in FORMATS for n in f.names]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("fmt", FORMATS, ids=NAMES)
def test_format_follows_the_protocol(fmt):
    assert isinstance(fmt, Format)
    assert isinstance(fmt.name, str) and fmt.name
    assert fmt.kinds and set(fmt.kinds) <= set(KINDS)
    assert fmt.suffixes and all(
        s == s.lower() and (s == "/" or s.startswith(".")) for s in fmt.suffixes
    )
    assert list(inspect.signature(fmt.sniff).parameters) == ["head"]
    read = inspect.signature(fmt.read).parameters
    assert list(read)[:2] == ["path", "fps"] and read["fps"].default is None
    if fmt.write is not None:
        write = inspect.signature(fmt.write).parameters
        assert list(write)[:3] == ["ds", "path", "overwrite"]
        assert write["overwrite"].default is False
    # the registry's glue comes from the format's own module, not from the registry
    assert fmt.sniff.__module__.startswith("movement_like.io.")
    assert fmt.sniff.__module__ != registry.__name__


@pytest.mark.parametrize("fmt", FORMATS, ids=NAMES)
def test_sniffer_says_no_to_foreign_files_without_raising(fmt, tmp_path):
    foreign = {
        "empty.txt": b"",
        "noise.bin": bytes(range(256)) * 8,
        "text.csv": b"a,b,c\n1,2,3\n",
        "object.json": b'{"_via_settings": {}}',
        "cut.h5": HDF5_MAGIC + b"\x00" * 64,
    }
    for name, content in foreign.items():
        path = tmp_path / name
        path.write_bytes(content)
        assert fmt.sniff(FileHead(path)) is False, name


def _dataset_for(fmt: FileFormat, space: int):
    rng = np.random.default_rng(0)
    if "poses" not in fmt.kinds:
        return bboxes_from_numpy(
            rng.uniform(10, 100, (5, 2, 2)),
            rng.uniform(5, 10, (5, 2, 2)),
            rng.uniform(0, 1, (5, 2)),
            individual_names=["a", "b"],
            fps=30,
        )
    return poses_from_numpy(
        rng.uniform(1, 100, (5, 1, 2, space)),
        rng.uniform(0, 1, (5, 1, 2)),
        individual_names=["individual_0"],
        keypoint_names=["0", "1"],
        fps=30,
    )


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f.write], ids=lambda f: f.name)
def test_written_file_is_sniffed_and_read_back(fmt, tmp_path):
    """What a format's writer writes, its sniffer recognises and its reader reads."""
    for space in (2, 3):
        ds = _dataset_for(fmt, space)
        path = tmp_path / f"data_{space}d{SUFFIX.get(fmt.name, fmt.suffixes[0])}"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fmt.write(ds, path, overwrite=False)
        except ValueError:  # the format holds only 2-D or only 3-D poses
            continue
        assert registry.detect_format(path).name == DETECTED_AS.get(fmt.name, fmt.name)
        assert fmt.sniff(FileHead(path)) or fmt.name in DETECTED_AS
        back = fmt.read(path, fps=None)
        validate_dataset(back)
        assert back.attrs["ds_type"] in fmt.kinds
        break
    else:
        pytest.fail(f"{fmt.name} wrote neither the 2-D nor the 3-D dataset")
