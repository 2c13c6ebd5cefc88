"""save_zarr / load_zarr: lossless, atomic, never overwriting, screening what it opens."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from movement_like.batch import Pipeline, Step, apply_steps
from movement_like.dataset import poses_from_numpy
from movement_like.errors import FileFormatError, UnsafeFileError, WriteError
from movement_like.io.zarr import load_zarr, save_zarr
from tests.strategies import poses_datasets

TMP = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _poses(n_time=500, seed=0, nan=0.1):
    rng = np.random.default_rng(seed)
    position = rng.normal(size=(n_time, 2, 3, 2)).cumsum(axis=0)
    position[rng.random(position.shape) < nan] = np.nan
    confidence = rng.random((n_time, 2, 3))
    return poses_from_numpy(position, confidence, fps=30, source_software="DeepLabCut")


@TMP
@given(ds=poses_datasets(max_time=30), lazy=st.booleans())
def test_round_trip_is_identical(tmp_path_factory, ds, lazy):
    path = tmp_path_factory.mktemp("rt") / "a.zarr"
    save_zarr(ds.chunk({"time": 7}) if lazy else ds, path)
    xr.testing.assert_identical(load_zarr(path), ds)
    back = load_zarr(path, chunks={})
    assert back.position.chunks is not None
    xr.testing.assert_identical(back.compute(), ds)


def test_stored_as_zarr_v3_consolidated_chunked_along_time(tmp_path):
    ds = _poses(n_time=1000)
    save_zarr(ds.chunk({"time": 128}), tmp_path / "a.zarr")
    meta = json.loads((tmp_path / "a.zarr" / "zarr.json").read_text())
    assert meta["zarr_format"] == 3
    position = meta["consolidated_metadata"]["metadata"]["position"]
    assert position["chunk_grid"]["configuration"]["chunk_shape"] == [128, 2, 3, 2]
    assert load_zarr(tmp_path / "a.zarr", chunks={}).position.chunks[0][:2] == (128, 128)


def test_never_overwrites_unless_asked(tmp_path):
    first, second = _poses(seed=1), _poses(seed=2)
    save_zarr(first, tmp_path / "a.zarr")
    with pytest.raises(FileExistsError):
        save_zarr(second, tmp_path / "a.zarr")
    xr.testing.assert_identical(load_zarr(tmp_path / "a.zarr"), first)
    save_zarr(second, tmp_path / "a.zarr", overwrite=True)
    xr.testing.assert_identical(load_zarr(tmp_path / "a.zarr"), second)
    assert sorted(os.listdir(tmp_path)) == ["a.zarr"]  # no temporary or old store left


def test_a_folder_that_is_not_a_store_is_never_replaced(tmp_path):
    (tmp_path / "data.zarr").mkdir()
    (tmp_path / "data.zarr" / "precious.txt").write_text("mine")
    with pytest.raises(IsADirectoryError):
        save_zarr(_poses(), tmp_path / "data.zarr", overwrite=True)
    assert (tmp_path / "data.zarr" / "precious.txt").read_text() == "mine"


def test_a_failed_write_leaves_nothing(tmp_path, monkeypatch):
    ds = _poses()
    save_zarr(ds, tmp_path / "a.zarr")

    def broken(self, *args, **kwargs):
        raise OSError("disk on fire")

    monkeypatch.setattr(xr.Dataset, "to_zarr", broken)
    with pytest.raises(WriteError, match="disk on fire"):
        save_zarr(_poses(seed=3), tmp_path / "a.zarr", overwrite=True)
    with pytest.raises(WriteError):
        save_zarr(ds, tmp_path / "b.zarr")
    monkeypatch.undo()
    assert sorted(os.listdir(tmp_path)) == ["a.zarr"]
    xr.testing.assert_identical(load_zarr(tmp_path / "a.zarr"), ds)


def test_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        save_zarr(_poses(), tmp_path / "no" / "a.zarr")
    with pytest.raises(FileNotFoundError):
        load_zarr(tmp_path / "none.zarr")


def _store(tmp_path):
    path = tmp_path / "a.zarr"
    save_zarr(_poses(), path)
    return path


def test_refuses_symbolic_links(tmp_path):
    path = _store(tmp_path)
    os.symlink("/etc/passwd", path / "position" / "link")
    with pytest.raises(UnsafeFileError, match="symbolic link"):
        load_zarr(path)


def test_refuses_code_running_codecs(tmp_path):
    path = _store(tmp_path)
    meta = json.loads((path / "zarr.json").read_text())
    meta["consolidated_metadata"]["metadata"]["position"]["codecs"].append({"name": "pickle"})
    (path / "zarr.json").write_text(json.dumps(meta))
    with pytest.raises(UnsafeFileError, match="pickle"):
        load_zarr(path)


def test_refuses_to_allocate_what_it_merely_claims(tmp_path):
    path = _store(tmp_path)
    meta = json.loads((path / "zarr.json").read_text())
    meta["consolidated_metadata"]["metadata"]["position"]["shape"] = [10**12, 2, 3, 2]
    (path / "zarr.json").write_text(json.dumps(meta))
    with pytest.raises(FileFormatError, match="a.zarr: .*frames, more than the limit"):
        load_zarr(path)


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: (p / "zarr.json").write_text("{not json"),
        lambda p: (p / "zarr.json").write_text(json.dumps({"zarr_format": 2})),
        lambda p: (p / "zarr.json").unlink(),
        lambda p: [
            f.write_bytes(b"\x00" * 7) for f in (p / "position" / "c").rglob("*") if f.is_file()
        ],
    ],
)
def test_damaged_stores_raise_our_error(tmp_path, damage):
    path = _store(tmp_path)
    damage(path)
    with pytest.raises(FileFormatError, match="a.zarr"):
        load_zarr(path)


def test_a_file_is_not_a_store(tmp_path):
    (tmp_path / "f.zarr").write_text("x")
    with pytest.raises(FileFormatError, match="not a zarr store"):
        load_zarr(tmp_path / "f.zarr")


LAZY = Pipeline(
    [
        Step("filter_by_confidence", {"threshold": 0.3}),
        Step("interpolate_over_time", {"max_gap": 5}),
        Step("rolling_filter", {"window": 7, "statistic": "median"}),
        Step("compute_speed"),
    ]
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    n_time=st.integers(40, 300),
    cuts=st.lists(st.integers(1, 299), min_size=1, max_size=6, unique=True),
    seed=st.integers(0, 2**16),
)
def test_lazy_pipeline_to_zarr_equals_numpy_exactly(tmp_path_factory, n_time, cuts, seed):
    ds = _poses(n_time=n_time, seed=seed, nan=0.2)
    bounds = sorted({0, n_time, *(c for c in cuts if c < n_time)})
    chunks = tuple(b - a for a, b in zip(bounds, bounds[1:], strict=False))  # odd chunking
    expected, _ = apply_steps(LAZY, ds)
    lazy, summaries = apply_steps(LAZY, ds.chunk({"time": chunks}))
    assert lazy.position.chunks is not None and summaries[0]["missing_after"] is None
    path = tmp_path_factory.mktemp("lazy") / "out.zarr"
    save_zarr(lazy, path)
    back = load_zarr(path)
    for name in ("position", "speed", "confidence"):
        np.testing.assert_array_equal(back[name].values, expected[name].values)
    xr.testing.assert_equal(back, expected)  # values, coords; the logs differ by time stamps
    assert back.attrs.keys() == expected.attrs.keys()
