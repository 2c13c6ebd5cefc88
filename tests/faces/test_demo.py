"""The main job: ``movement-like demo`` on the bundled sample."""

from __future__ import annotations

import fnmatch
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from movement_like.demo import (
    FILLED,
    INTERPOLATED,
    LAYER_LABELS,
    SMOOTHED,
    SUMMARY_COLUMNS,
    TRACK_COLUMNS,
    run_demo,
)
from movement_like.errors import OverwriteError
from movement_like.io import load_netcdf
from movement_like.sample_data.registry import bundled_dir

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return run_demo(out, progress=False, verbose=False)


def test_outputs_exist(demo):
    assert demo.netcdf_path.is_file() and demo.netcdf_path.suffix == ".nc"
    assert demo.figure_path.is_file() and demo.figure_path.suffix == ".png"


def test_netcdf_reloads_to_the_same_dataset(demo):
    reloaded = load_netcdf(demo.netcdf_path)
    xr.testing.assert_identical(reloaded, demo.state)


def test_png_is_a_real_figure(demo):
    from matplotlib.image import imread

    image = imread(demo.figure_path)
    height, width = image.shape[:2]
    assert (width, height) == (1700, 550)
    assert demo.figure_path.stat().st_size > 100_000
    # the left panel shows the grey video frame under coloured trajectories
    left = image[:, : width // 2, :3]
    grey = np.abs(left[..., 0] - left[..., 1]) + np.abs(left[..., 1] - left[..., 2]) < 0.02
    coloured = ~grey
    assert grey.mean() > 0.3 and coloured.mean() > 0.002


def test_state_holds_every_stage(demo):
    state = demo.state
    layers = [str(v) for v in state["layers"].values]
    assert layers[0] == "manual" and layers[2].startswith("dlc")
    assert {FILLED, INTERPOLATED, SMOOTHED} <= set(layers)
    assert state["position"].dims == ("layers", "time", "individuals", "keypoints", "space")
    assert state.sizes["time"] == 150 and state.attrs["fps"] == 30.0
    assert list(map(str, state["speed"]["layers"].values)) == layers
    # the manual layer is sparse; its optical-flow fill is dense and keeps every click
    manual = state["position"].sel(layers="manual")
    filled = state["position"].sel(layers=FILLED)
    assert float(manual.isnull().mean()) > 0.8
    assert not bool(filled.isnull().any())
    clicked = manual.notnull()
    np.testing.assert_array_equal(filled.where(clicked).values, manual.values)
    # the lk_filled mask says which points optical flow wrote: exactly the missing clicks
    missing = manual.isnull().any("space")
    np.testing.assert_array_equal(
        state["lk_filled"].transpose(*missing.dims).values, missing.values
    )
    operations = [entry["operation"] for entry in __import__("json").loads(state.attrs["log"])]
    assert operations[-1] == "compute_speed"


def test_summary_shows_the_pipeline_working(demo):
    table = demo.summary.set_index("layer")
    assert list(table.columns) == [
        "stage",
        "missing_%",
        "rmse_vs_clicks_px",
        "rmse_vs_lk_fill_px",
        "mean_speed_px_s",
        "jitter_px",
    ]
    raw = table.loc[[name for name in table.index if name.startswith("dlc_it")][0]]
    smooth, filled = table.loc[SMOOTHED], table.loc[FILLED]
    assert table.loc["manual", "missing_%"] > 80
    assert smooth["missing_%"] == 0 and filled["missing_%"] == 0
    assert filled["rmse_vs_clicks_px"] == 0  # the fill passes through every click
    assert smooth["jitter_px"] < raw["jitter_px"] / 4
    assert smooth["rmse_vs_clicks_px"] < raw["rmse_vs_clicks_px"] / 2
    assert smooth["rmse_vs_lk_fill_px"] < raw["rmse_vs_lk_fill_px"] / 2
    assert smooth["mean_speed_px_s"] < raw["mean_speed_px_s"]  # jitter inflates speed


def test_refuses_to_overwrite_before_any_work(demo):
    with pytest.raises(OverwriteError):
        run_demo(demo.netcdf_path.parent, progress=False, verbose=False)


def test_command_line(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    command = [
        sys.executable,
        "-m",
        "movement_like.cli",
        "demo",
        "--out",
        str(tmp_path / "d"),
        "--no-progress",
    ]
    first = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "rmse_vs_clicks_px" in first.stdout and "7. saved the state" in first.stdout
    for column in SUMMARY_COLUMNS:  # every column of the table explained under it
        assert f"  {column:<20} {SUMMARY_COLUMNS[column]}" in first.stdout
    assert sorted(p.suffix for p in (tmp_path / "d").iterdir()) == [".nc", ".png"]
    again = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert again.returncode == 2 and "--overwrite" in again.stderr
    forced = subprocess.run(
        command + ["--overwrite"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert forced.returncode == 0, forced.stderr


def test_bundled_files_are_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["movement_like"]
    files = [
        p.relative_to(bundled_dir().parents[1]).as_posix()
        for p in bundled_dir().rglob("*")
        if p.is_file()
    ]
    assert files
    for name in files:
        assert any(
            fnmatch.fnmatch(name, pattern) and "/" not in name[len("sample_data/files/") :]
            for pattern in patterns
        ), name


def test_summary_columns_are_all_explained(demo):
    assert list(demo.summary.columns) == list(SUMMARY_COLUMNS)
    stages = list(demo.summary["stage"])
    assert "manual clicks" in stages and "DeepLabCut predictions (raw)" in stages
    assert not any(s.startswith(("dlc_", "manual_lk")) for s in stages), "no internal names"


def test_ultrasound_keypoints_carry_their_trackermap_names(demo):
    assert list(demo.state["keypoint_name"].values) == [
        "deep_aponeurosis",
        "fascicle_insertion",
        "superficial_aponeurosis",
    ]
    assert set(LAYER_LABELS) >= {"manual", FILLED, SMOOTHED, INTERPOLATED}


# --------------------------------------------------------------------------- #
# the main job on real samples, offline, from the mirror
# --------------------------------------------------------------------------- #
@pytest.fixture(scope="module")
def mirror_env(tmp_path_factory):
    from tests.conftest import REALDATA

    if not REALDATA.is_dir():
        pytest.skip(f"real data folder {REALDATA} not found")
    saved = {
        k: os.environ.get(k) for k in ("MOVEMENT_LIKE_SAMPLE_MIRROR", "MOVEMENT_LIKE_DATA_DIR")
    }
    os.environ["MOVEMENT_LIKE_SAMPLE_MIRROR"] = str(REALDATA)
    os.environ["MOVEMENT_LIKE_DATA_DIR"] = str(tmp_path_factory.mktemp("empty_cache"))
    yield REALDATA
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def openfield(mirror_env, tmp_path_factory):
    import time

    start = time.perf_counter()
    result = run_demo(
        tmp_path_factory.mktemp("openfield"),
        dataset="openfield_mouse",
        progress=False,
        verbose=False,
    )
    result.seconds = time.perf_counter() - start
    return result


def test_openfield_runs_the_whole_job(openfield):
    state = openfield.state
    assert list(map(str, state["stage"].values)) == ["raw", "confident", "filled", "cleaned"]
    assert list(map(str, state["keypoints"].values)) == ["snout", "leftear", "rightear", "tailbase"]
    assert state.sizes["time"] == 2330 and state.attrs["fps"] == 30.0
    confident = state["position"].sel(stage="confident")
    cleaned = state["position"].sel(stage="cleaned")
    assert int(confident.isnull().any("space").sum()) > 0  # the filter dropped points
    assert not bool(cleaned.isnull().any())  # optical flow filled every one of them
    operations = [e["operation"] for e in __import__("json").loads(state.attrs["log"])]
    for step in ("filter_by_confidence", "fill_gaps_optical_flow", "reduce_jitter"):
        assert step in operations, operations
    assert "heading" in state and state.attrs["head_pair"] == "leftear,rightear"
    table = openfield.summary.set_index("individual")
    row = table.loc["individual_0"]
    assert row["jitter_cleaned_px"] < row["jitter_raw_px"]
    assert 0 < row["centre_time_%"] < 50 and row["centre_entries"] >= 1
    assert row["heading_vs_snout_deg"] < 45  # the head direction points where the snout is
    assert set(table.reset_index().columns) <= set(TRACK_COLUMNS)
    reloaded = load_netcdf(openfield.netcdf_path)
    xr.testing.assert_identical(reloaded, state)


def test_openfield_runs_in_reasonable_time(openfield):
    # under a minute on an idle 2-core machine (see docs/sample-data.md); allow for load
    assert openfield.seconds < 180, openfield.seconds


def test_openfield_png_shows_the_track_over_the_real_frame(openfield, mirror_env):
    from matplotlib.image import imread

    from movement_like.video import VideoReader

    image = imread(openfield.figure_path)[..., :3]
    height, width = image.shape[:2]
    assert (width, height) == (1800, 620)
    # the left panel: the real frame's greys, with the red track on it
    left = image[60:520, 60:570]
    grey = np.ptp(left, axis=-1) < 0.03
    red = (left[..., 0] > 0.7) & (left[..., 1] < 0.35) & (left[..., 2] < 0.35)
    assert grey.mean() > 0.4 and red.mean() > 0.005
    # and the greys are the video's: the frame's mean brightness shows through
    with VideoReader(mirror_env / "videos" / "m3v1mp4.mp4") as reader:
        frame = reader.gray_frame(0) / 255.0
    assert abs(float(left[..., 0][grey].mean()) - float(frame.mean())) < 0.15


@pytest.mark.parametrize("name", ["eight_fish_idtrackerai", "sherlock_faces_via"])
def test_demo_runs_on_samples_without_video(mirror_env, tmp_path, name):
    result = run_demo(tmp_path, dataset=name, progress=False, verbose=False)
    assert result.figure_path.stat().st_size > 50_000
    assert len(result.summary) == result.state.sizes["individuals"]
    assert set(result.summary.columns) <= set(TRACK_COLUMNS)


def test_command_line_real_sample_offline_without_mirror(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "MOVEMENT_LIKE_SAMPLE_MIRROR"}
    env |= {
        "PYTHONPATH": str(ROOT),
        "MPLBACKEND": "Agg",
        "MOVEMENT_LIKE_DATA_DIR": str(tmp_path / "cache"),
        "https_proxy": "http://127.0.0.1:9",  # no network, whatever this machine has
        "HTTPS_PROXY": "http://127.0.0.1:9",
    }
    command = [sys.executable, "-m", "movement_like.cli", "demo", "--dataset", "openfield_mouse"]
    result = subprocess.run(
        command + ["--out", str(tmp_path / "d"), "--no-progress"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 2
    assert "MOVEMENT_LIKE_SAMPLE_MIRROR" in result.stderr and "Traceback" not in result.stderr
    listing = subprocess.run(
        [sys.executable, "-m", "movement_like.cli", "demo", "--list"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert listing.returncode == 0
    assert "openfield_mouse" in listing.stdout and "LGPL-3.0" in listing.stdout
