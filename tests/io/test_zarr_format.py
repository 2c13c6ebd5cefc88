"""Zarr is a format like the others (detected, read, written, converted); stores are screened."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from movement_like.cli import main
from movement_like.dataset import poses_from_numpy
from movement_like.errors import FileFormatError
from movement_like.io import limits, load_dataset, load_poses, registry, save_poses
from movement_like.io.zarr import load_zarr, save_zarr
from movement_like.utils.atomic import STALE_AFTER_S, partial_files


def _poses(n_time=400, seed=0):
    rng = np.random.default_rng(seed)
    position = rng.normal(size=(n_time, 2, 3, 2)).cumsum(axis=0)
    position[rng.random(position.shape) < 0.1] = np.nan
    return poses_from_numpy(position, rng.random((n_time, 2, 3)), fps=30, source_software="DLC")


def _store(tmp_path, name="a.zarr", **kwargs):
    path = tmp_path / name
    save_zarr(_poses(), path, **kwargs)
    return path


def _edit(path: Path, edit) -> None:
    meta = json.loads((path / "zarr.json").read_text())
    edit(meta["consolidated_metadata"]["metadata"])
    (path / "zarr.json").write_text(json.dumps(meta))


# --------------------------------------------------------------------------- #
# a format of the registry
# --------------------------------------------------------------------------- #
def test_from_file_detects_a_store_and_loads_it_eagerly_or_lazily(tmp_path):
    path = _store(tmp_path)
    assert registry.detect_format(path).name == "zarr"
    xr.testing.assert_identical(load_poses.from_file(path), _poses())
    lazy = load_dataset(path, chunks={})
    assert lazy.position.chunks is not None
    xr.testing.assert_identical(lazy.compute(), _poses())
    renamed = path.rename(tmp_path / "no_suffix")  # recognised by what it holds, not its name
    assert registry.detect_format(renamed).name == "zarr"


def test_to_file_writes_a_store_by_suffix_or_name(tmp_path):
    save_poses.to_file(_poses(), tmp_path / "out.zarr")
    registry.save(_poses(), tmp_path / "named", to="zarr", chunk_bytes=1024)
    for path in (tmp_path / "out.zarr", tmp_path / "named"):
        xr.testing.assert_identical(load_zarr(path), _poses())
    with pytest.raises(FileExistsError):
        save_poses.to_file(_poses(1), tmp_path / "out.zarr")


def test_the_command_line_converts_to_and_from_zarr(tmp_path, capsys):
    save_zarr(_poses(), tmp_path / "in.zarr")
    assert main(["info", str(tmp_path / "in.zarr")]) == 0
    assert "zarr" in capsys.readouterr().out
    assert main(["convert", str(tmp_path / "in.zarr"), str(tmp_path / "out.nc")]) == 0
    assert main(["convert", str(tmp_path / "out.nc"), str(tmp_path / "back.zarr")]) == 0
    xr.testing.assert_equal(load_zarr(tmp_path / "back.zarr"), _poses())


def test_a_zarr_v2_store_is_recognised_and_refused_with_our_error(tmp_path):
    (tmp_path / "old.zarr").mkdir()
    (tmp_path / "old.zarr" / ".zgroup").write_text('{"zarr_format": 2}')
    with pytest.raises(FileFormatError, match="old.zarr: is zarr v2"):
        load_dataset(tmp_path / "old.zarr")


# --------------------------------------------------------------------------- #
# stores we did not write
# --------------------------------------------------------------------------- #
def test_a_huge_declared_shape_is_refused_even_lazily(tmp_path):
    path = _store(tmp_path)

    def huge(meta):
        for name in ("time", "frame", "position", "confidence"):
            meta[name]["shape"][0] = 10**9

    _edit(path, huge)
    for chunks in (None, {}):
        with pytest.raises(FileFormatError, match=r"a.zarr: .*1,000,000,000 frames"):
            load_zarr(path, chunks=chunks)
    with limits.raised(max_frames=2 * 10**9):  # within the frame limit: the disk tells
        with pytest.raises(FileFormatError, match=r"a.zarr: .*(claim|GiB)"):
            load_zarr(path, chunks={})


def test_a_claim_far_above_what_is_stored_is_refused_eagerly_only(tmp_path, monkeypatch):
    from movement_like.io import zarr_screen

    path = _store(tmp_path)
    for chunk in (path / "position" / "c").rglob("*"):
        if chunk.is_file():
            chunk.unlink()  # all fill value (NaN): nothing stored
    monkeypatch.setattr(zarr_screen, "CLAIM_ALLOWANCE", 0)
    monkeypatch.setattr(zarr_screen, "MAX_CLAIM_RATIO", 2)
    with pytest.raises(FileFormatError, match="a.zarr: its arrays claim .*chunks=\\{\\}"):
        load_zarr(path)
    assert np.isnan(load_zarr(path, chunks={}).position.values).all()


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda m: m["position"]["chunk_grid"]["configuration"].update(
            chunk_shape=[10**10, 2, 3, 2]), "one chunk of 'position'"),
        (lambda m: m["position"]["chunk_grid"]["configuration"].update(chunk_shape=[0, 2, 3, 2]),
         "chunk grid"),
        (lambda m: m["position"].update(data_type="complex128"), "data type"),
        (lambda m: m["position"].update(data_type={"name": "struct"}), "data type"),
        (lambda m: m["position"].update(shape=[400, 2, 3]), "dimension name"),
        (lambda m: m["position"].update(shape=[400, 2, 3, -2]), "bad shape"),
        (lambda m: m["position"].update(codecs="zstd"), "codecs"),
        (lambda m: m.update({"../outside": m["position"]}), "name"),
        (lambda m: m.pop("position"), "does not hold a movement_like dataset"),
        (lambda m: m["individuals"]["codecs"].pop(), "string chunk .* holds 4247762216 items"),
        (lambda m: m["keypoints"]["codecs"].append({"name": "gzip"}), "string array"),
        (lambda m: m["time"].update(shape=[401]), "not a readable zarr store"),
        (lambda m: m["position"].update(fill_value="not a number"), "not a readable zarr store"),
    ],
)  # fmt: skip
def test_bad_metadata_gives_our_error_naming_the_store(tmp_path, edit, problem):
    path = _store(tmp_path)
    _edit(path, edit)
    for chunks in (None, {}):
        with pytest.raises(FileFormatError, match=rf"a.zarr: .*{problem}") as info:
            load_zarr(path, chunks=chunks)
        assert info.value.fix


def test_a_chunk_header_declaring_another_size_is_refused(tmp_path):
    path = _store(tmp_path)
    chunk = next(f for f in (path / "position" / "c").rglob("*") if f.is_file())
    data = bytearray(chunk.read_bytes())
    assert data[:4] == b"\x28\xb5\x2f\xfd"
    data[4] = 0xE0  # frame content size in 8 bytes, single segment
    data[5:13] = (2**40).to_bytes(8, "little")
    chunk.write_bytes(bytes(data))
    with pytest.raises(FileFormatError, match=r"a.zarr: the chunk position.* declares"):
        load_zarr(path)


def test_chunks_that_do_not_decompress_give_our_error(tmp_path):
    path = _store(tmp_path)
    for chunk in (path / "confidence" / "c").rglob("*"):
        if chunk.is_file():
            chunk.write_bytes(b"\x28\xb5\x2f\xfd\x00\x50" + os.urandom(50))  # no size declared
    with pytest.raises(FileFormatError, match="a.zarr: not a readable zarr store"):
        load_dataset(path)


# --------------------------------------------------------------------------- #
# temporary stores left by killed writers
# --------------------------------------------------------------------------- #
KILLED_WRITER = textwrap.dedent(
    """
    import os, signal, sys
    import numpy as np
    import xarray as xr
    from movement_like.dataset import poses_from_numpy
    from movement_like.io.zarr import save_zarr

    original = xr.Dataset.to_zarr

    def write_then_die(self, *args, **kwargs):
        original(self, *args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)  # as kill -9 between writing and renaming

    xr.Dataset.to_zarr = write_then_die
    save_zarr(poses_from_numpy(np.zeros((10, 1, 1, 2)), fps=1), sys.argv[1])
    """
)


def test_a_killed_writers_temporary_store_is_removed_by_the_next_write(tmp_path):
    target = tmp_path / "a.zarr"
    done = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(target)], check=False)
    assert done.returncode == -9
    (left,) = partial_files(target)
    assert left.is_dir() and (left / "zarr.json").is_file() and not target.exists()
    assert left.name.startswith(".a.zarr.") and left.name.endswith(".partial.zarr")
    save_zarr(_poses(), target)
    assert partial_files(target) == []
    xr.testing.assert_identical(load_zarr(target), _poses())


def test_temporary_stores_of_live_writers_stay_until_they_are_old(tmp_path):
    from movement_like.utils.atomic import new_partial_dir

    target = tmp_path / "a.zarr"
    fresh, old = new_partial_dir(target), new_partial_dir(target)  # both "ours": alive
    (old / "chunk").write_bytes(b"x")
    past = time.time() - STALE_AFTER_S - 60
    for path in (old / "chunk", old):
        os.utime(path, (past, past))
    save_zarr(_poses(), target)
    assert partial_files(target) == [fresh]
    (fresh / "recent").write_bytes(b"x")  # a folder is as old as the newest thing in it
    os.utime(fresh, (past, past))
    save_zarr(_poses(), target, overwrite=True)
    assert partial_files(target) == [fresh]
