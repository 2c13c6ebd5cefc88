"""Writers lose nothing: racing creators, killed writers, failed checks, full disks."""

from __future__ import annotations

import errno
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from movement_like.errors import DiskFullError, OverwriteError, WriteError
from movement_like.io import load_netcdf, load_poses, save_netcdf
from movement_like.utils import atomic
from movement_like.utils.atomic import atomic_path, partial_files

ROUNDS = 150


def _race(folder: str, rounds: int, barrier, wins) -> None:
    for i in range(rounds):
        target = Path(folder) / f"round{i}.txt"
        barrier.wait()
        try:
            with atomic_path(target) as tmp:
                tmp.write_text(str(os.getpid()))
        except OverwriteError:
            continue
        wins.put((i, os.getpid()))


def test_racing_creators_of_a_new_file_exactly_one_wins(tmp_path):
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(2)
    wins = context.Queue()
    racers = [
        context.Process(target=_race, args=(str(tmp_path), ROUNDS, barrier, wins)) for _ in range(2)
    ]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(120)
        assert racer.exitcode == 0
    winners: dict[int, list[int]] = {}
    while not wins.empty():
        i, pid = wins.get()
        winners.setdefault(i, []).append(pid)
    double = sorted(i for i, pids in winners.items() if len(pids) > 1)
    assert not double, f"{len(double)} of {ROUNDS} rounds had two winners"
    assert sorted(winners) == list(range(ROUNDS))
    for i, (pid,) in winners.items():
        assert (tmp_path / f"round{i}.txt").read_text() == str(pid)
    assert not [p for p in os.listdir(tmp_path) if "partial" in p]


WRITER = textwrap.dedent(
    """
    import sys, time
    from movement_like.io.atomic import atomic_path
    with atomic_path(sys.argv[1], overwrite=True) as tmp:
        tmp.write_bytes(b"half a file")
        print("writing", flush=True)
        time.sleep(60)
    """
)


def test_killed_writer_leaves_a_recognisable_file_the_next_write_removes(tmp_path):
    target = tmp_path / "poses.nc"
    target.write_bytes(b"the good file")
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "writing"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    (left,) = partial_files(target)
    assert left.name.startswith(".poses.nc.") and left.name.endswith(".partial.nc")
    assert f"-{child.pid}-" in left.name
    assert target.read_bytes() == b"the good file"
    with atomic_path(target, overwrite=True) as tmp:
        tmp.write_bytes(b"a new file")
    assert partial_files(target) == []
    assert sorted(os.listdir(tmp_path)) == ["poses.nc"]
    assert target.read_bytes() == b"a new file"


def _partial_of(target: Path, pid: int, token: str = "abc123") -> Path:
    name = f".{target.name}.{atomic._HOST}-{pid}-{token}.partial{target.suffix}"
    path = target.parent / name
    path.write_bytes(b"x")
    return path


def test_only_stale_temporary_files_of_the_same_target_are_removed(tmp_path):
    target = tmp_path / "a.nc"
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        busy = _partial_of(target, alive.pid)  # a writer that is still running
        old = _partial_of(target, alive.pid, token="def456")  # not written to for long
        long_ago = time.time() - atomic.STALE_AFTER_S - 60
        os.utime(old, (long_ago, long_ago))
        other_target = _partial_of(tmp_path / "b.nc", 999_999_999)
        lookalike = tmp_path / ".a.nc.not-ours.partial.nc"
        lookalike.write_bytes(b"x")
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"data")
        assert busy.exists() and other_target.exists() and lookalike.exists()
        assert not old.exists()
    finally:
        alive.kill()
        alive.wait()


def test_failed_verification_keeps_the_previous_file(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("good")

    def verify(tmp: Path) -> None:
        assert tmp.read_text() == "new"
        raise WriteError(target, "does not read back")

    with pytest.raises(WriteError, match="the previous file, if any, is intact"):
        with atomic_path(target, overwrite=True, verify=verify) as tmp:
            tmp.write_text("new")
    assert target.read_text() == "good"
    assert os.listdir(tmp_path) == ["a.txt"]


def _dataset(frames: int):
    return load_poses.from_numpy(
        np.random.default_rng(0).normal(size=(frames, 2, 3, 2)), fps=30, layout="movement_like"
    )


def test_save_netcdf_checks_what_it_wrote(tmp_path, monkeypatch):
    target = tmp_path / "state.nc"
    save_netcdf(_dataset(10), target)
    before = target.read_bytes()
    real = xr.Dataset.to_netcdf

    def silently_wrong(self, path, *args, **kwargs):  # a writer that "succeeds" wrongly
        return real(self.assign(position=self.position * 2), path, *args, **kwargs)

    monkeypatch.setattr(xr.Dataset, "to_netcdf", silently_wrong)
    with pytest.raises(WriteError, match="state.nc: 'position' does not read back as written"):
        save_netcdf(_dataset(20), target, overwrite=True)
    assert target.read_bytes() == before
    assert os.listdir(tmp_path) == ["state.nc"]


def test_save_netcdf_on_a_full_disk_is_our_error_and_keeps_the_file(tmp_path, monkeypatch):
    target = tmp_path / "state.nc"
    save_netcdf(_dataset(10), target)
    before = target.read_bytes()

    def disk_full(self, path, *args, **kwargs):
        Path(path).write_bytes(b"\x89HDF\r\n\x1a\n half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", disk_full)
    with pytest.raises(DiskFullError, match="state.nc: the disk is full"):
        save_netcdf(_dataset(20), target, overwrite=True)
    assert target.read_bytes() == before
    assert os.listdir(tmp_path) == ["state.nc"]


@pytest.fixture
def small_disk(tmp_path):
    """A 512 KiB tmpfs (needs root, as in CI); skipped where mounting is not allowed."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.decode().strip()})")
    yield mount
    # lazily: netCDF-C keeps the failed file open (deleted) until the process ends
    subprocess.run(["umount", "-l", str(mount)], check=True)


def test_save_netcdf_on_a_really_full_disk(small_disk):
    target = small_disk / "state.nc"
    small = _dataset(10)
    save_netcdf(small, target)
    before = target.read_bytes()
    with pytest.raises(DiskFullError, match="state.nc: the disk is full"):
        save_netcdf(_dataset(40_000), target, overwrite=True)  # ~4 MB: does not fit
    assert target.read_bytes() == before
    assert os.listdir(small_disk) == ["state.nc"]
    xr.testing.assert_identical(load_netcdf(target), small)


def test_file_systems_without_hard_links_still_refuse_to_overwrite(tmp_path, monkeypatch):
    def no_links(src, dst):
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(atomic.os, "link", no_links)
    target = tmp_path / "a.txt"
    with atomic_path(target) as tmp:
        tmp.write_text("first")
    assert target.read_text() == "first"
    target.unlink()
    with pytest.raises(OverwriteError):
        with atomic_path(target) as tmp:
            target.write_text("another writer")  # created by someone else meanwhile
            tmp.write_text("second")
    assert target.read_text() == "another writer"
    assert os.listdir(tmp_path) == ["a.txt"]
