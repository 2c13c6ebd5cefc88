"""SLEAP files we did not write: our errors, bounded sizes, nothing opened outside the file."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np
import pytest

from movement_like.dataset import poses_from_numpy
from movement_like.errors import DiskFullError, FileFormatError
from movement_like.io import load_dataset, load_poses, save_poses
from movement_like.io.formats import sleap

ROBOT = "sleap/small_robot.000_small_robot_3_frame.analysis.h5"
MATLAB = "sleap/sleap-io_written/centered_pair_matlab.analysis.h5"
MINIMAL = "sleap/minimal_instance.slp"
CLIP = "sleap/clip.predictions.slp"


@pytest.fixture
def robot(realdata, tmp_path):
    path = tmp_path / "robot.analysis.h5"
    shutil.copy(realdata / ROBOT, path)
    return path


@pytest.mark.parametrize("name", ["tracks", "node_names", "point_scores", "edge_names"])
def test_group_where_a_dataset_is_expected(robot, name):
    """Was AttributeError/TypeError from h5py.Group."""
    with h5py.File(robot, "a") as file:
        del file[name]
        file.create_group(name)
    with pytest.raises(FileFormatError, match="is a group where a dataset is expected"):
        load_poses.from_sleap_file(robot)


def test_huge_declared_tracks_are_refused_before_reading(robot):
    """2**31 frames declared, none stored: was a MemoryError (or gigabytes allocated)."""
    with h5py.File(robot, "a") as file:
        attrs = dict(file["tracks"].attrs)
        del file["tracks"]
        dset = file.create_dataset("tracks", shape=(1, 2, 3, 2**31), dtype="f8", chunks=True)
        dset.attrs.update(attrs)
    with pytest.raises(FileFormatError, match="declares shape"):
        load_poses.from_sleap_file(robot)


def test_text_tracks_and_wrong_rank_are_refused(robot):
    with h5py.File(robot, "a") as file:
        del file["tracks"]
        file["tracks"] = np.zeros((3, 3))
    with pytest.raises(FileFormatError, match="has 2 axes"):
        load_poses.from_sleap_file(robot)


def test_damaged_compressed_data_give_our_error(realdata, tmp_path):
    """A zeroed block inside gzip chunks: was OSError from the filter pipeline."""
    path = tmp_path / "damaged.analysis.h5"
    shutil.copy(realdata / MATLAB, path)
    with h5py.File(path, "r") as file:
        offset = file["point_scores"].id.get_chunk_info(0).byte_offset
    data = bytearray(path.read_bytes())
    data[offset + 16 : offset + 4096] = bytes(4080)
    path.write_bytes(bytes(data))
    with pytest.raises(FileFormatError, match="damaged.analysis.h5"):
        load_dataset(path)


@pytest.mark.parametrize("how", ["self", "pair"])
def test_soft_link_loop_is_detected_and_read_as_our_error(robot, how):
    """Was RuntimeError ("too many links") escaping detection."""
    with h5py.File(robot, "a") as file:
        del file["tracks"]
        if how == "self":
            file["tracks"] = h5py.SoftLink("/tracks")
        else:
            file["tracks"] = h5py.SoftLink("/other")
            file["other"] = h5py.SoftLink("/tracks")
    with pytest.raises(FileFormatError, match="robot.analysis.h5"):
        load_dataset(robot)


def test_tracks_linked_to_another_file_are_refused_unless_allowed(robot, realdata, tmp_path):
    outside = tmp_path / "outside.h5"
    with h5py.File(outside, "w") as file, h5py.File(robot, "r") as source:
        source.copy("tracks", file)
    with h5py.File(robot, "a") as file:
        del file["tracks"]
        file["tracks"] = h5py.ExternalLink(str(outside), "/tracks")
    with pytest.raises(FileFormatError, match="allow_external_links=True"):
        load_poses.from_sleap_file(robot)
    ds = load_poses.from_sleap_file(robot, allow_external_links=True)
    expected = load_poses.from_sleap_file(realdata / ROBOT)
    np.testing.assert_array_equal(ds.position.values, expected.position.values)


def test_slp_linking_outside_is_refused_before_sleap_io_reads_it(realdata, tmp_path):
    pytest.importorskip("sleap_io")
    path = tmp_path / "linked.slp"
    shutil.copy(realdata / MINIMAL, path)
    with h5py.File(path, "a") as file:
        del file["points"]
        file["points"] = h5py.ExternalLink(str(realdata / MINIMAL), "/points")
    with pytest.raises(FileFormatError, match="another file"):
        load_poses.from_sleap_file(path)


def test_slp_huge_declared_dataset_is_refused(realdata, tmp_path):
    pytest.importorskip("sleap_io")
    path = tmp_path / "huge.slp"
    shutil.copy(realdata / MINIMAL, path)
    with h5py.File(path, "a") as file:
        dtype = file["pred_points"].dtype
        del file["pred_points"]
        file.create_dataset("pred_points", shape=(2**31,), dtype=dtype, chunks=True)
    with pytest.raises(FileFormatError, match="declares shape"):
        load_poses.from_sleap_file(path)


def test_slp_videos_are_not_opened(realdata, tmp_path, monkeypatch):
    """sleap-io opens the videos a .slp names by default; we only keep their paths."""
    sio = pytest.importorskip("sleap_io")
    video = tmp_path / "clip.mp4"
    shutil.copy(realdata / "videos" / "clip.mp4", video)
    labels = sio.load_slp(str(realdata / CLIP), open_videos=False)
    labels.videos[0].replace_filename(str(video), open=False)
    path = tmp_path / "clip.slp"
    labels.save(str(path))

    from sleap_io.io.video_reading import VideoBackend

    opened = []
    real = VideoBackend.from_filename.__func__

    def recording(cls, filename, *args, **kwargs):
        opened.append(filename)
        return real(cls, filename, *args, **kwargs)

    monkeypatch.setattr(VideoBackend, "from_filename", classmethod(recording))
    assert sio.load_slp(str(path)).videos[0].is_open and opened  # what sleap-io does
    opened.clear()
    ds = load_poses.from_sleap_file(path)
    assert opened == []
    assert ds.attrs["video_path"] == str(video)
    assert ds.sizes["time"] == 1500


# --------------------------------------------------------------------------- #
# the writer on a full disk
# --------------------------------------------------------------------------- #
def _poses(n_frames: int) -> object:
    rng = np.random.default_rng(0)
    return poses_from_numpy(rng.normal(size=(n_frames, 2, 3, 2)), rng.random((n_frames, 2, 3)))


def test_writer_on_a_full_disk_raises_ours_and_keeps_the_file(tmp_path, monkeypatch):
    target = tmp_path / "poses.analysis.h5"
    save_poses.to_sleap_analysis_file(_poses(5), target)
    before = target.read_bytes()
    real_fsync = os.fsync

    def full(fd):
        real_fsync(fd)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(DiskFullError, match="poses.analysis.h5: the disk is full"):
        save_poses.to_sleap_analysis_file(_poses(50), target, overwrite=True)
    assert target.read_bytes() == before
    assert os.listdir(tmp_path) == ["poses.analysis.h5"]


def test_writer_verifies_what_it_wrote(tmp_path, monkeypatch):
    """A file that does not read back as written never replaces the target."""
    from movement_like.errors import WriteError
    from movement_like.io.formats.sleap import analysis_h5

    target = tmp_path / "poses.analysis.h5"
    real = analysis_h5.from_sleap_analysis_h5

    def shifted(path, *args, **kwargs):
        ds = real(path, *args, **kwargs)
        return ds.assign(position=ds.position + 1)

    monkeypatch.setattr(analysis_h5, "from_sleap_analysis_h5", shifted)
    with pytest.raises(WriteError, match="does not read back as written"):
        sleap.to_sleap_analysis_file(_poses(5), target)
    assert not target.exists()
    assert os.listdir(tmp_path) == []


_FULL_DISK_SCRIPT = """
import sys
import numpy as np
from movement_like.dataset import poses_from_numpy
from movement_like.errors import DiskFullError
from movement_like.io.formats.sleap import to_sleap_analysis_file

rng = np.random.default_rng(0)
ds = poses_from_numpy(rng.normal(size=(40_000, 2, 6, 2)), rng.random((40_000, 2, 6)))
try:
    to_sleap_analysis_file(ds, sys.argv[1])
except DiskFullError as exc:
    print("ours:", exc)
import gc
gc.collect()
print("alive")
"""


def test_writer_on_a_really_full_disk_does_not_crash(tmp_path):
    """Was: h5py raised, then the process died (SIGSEGV) when the file was freed."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.decode().strip()})")
    try:
        run = subprocess.run(
            [sys.executable, "-c", _FULL_DISK_SCRIPT, str(mount / "big.analysis.h5")],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        assert "ours:" in run.stdout and "the disk is full" in run.stdout
        assert "alive" in run.stdout
        assert os.listdir(mount) == []
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def test_a_damaged_frame_index_does_not_allocate_its_range(tmp_path):
    """A flipped frame_idx (150,995,768 in a fuzzed .slp) asked for gigabytes of rows."""
    path = tmp_path / "labels.analysis.csv"
    path.write_text(
        "track,frame_idx,instance.score,a.x,a.y,a.score\n"
        "t,0,0.9,1.0,2.0,0.5\n"
        "t,1000000000,0.9,1.0,2.0,0.5\n"
    )
    with pytest.raises(FileFormatError, match="max_frames=10,000,000"):
        load_poses.from_sleap_file(path)
    path.write_text(
        "track,frame_idx,instance.score,a.x,a.y,a.score\nt,0,0.9,1.0,2.0,0.5\nt,50,0.9,1,2,0.5\n"
    )
    assert load_poses.from_sleap_file(path).sizes["time"] == 51
    with pytest.raises(FileFormatError, match="max_frames=10 "):
        load_poses.from_sleap_file(path, max_frames=10)


def test_analysis_csv_frame_beyond_int64_is_our_error(tmp_path):
    """Was OverflowError from converting a 2**64 frame index to int64."""
    path = tmp_path / "labels.analysis.csv"
    path.write_text(
        "track,frame_idx,instance.score,nose.x,nose.y,nose.score\n"
        f"track_0,{2**64},0.9,1.0,2.0,0.8\n"
    )
    with pytest.raises(FileFormatError, match="non-numeric"):
        load_poses.from_sleap_file(path)
