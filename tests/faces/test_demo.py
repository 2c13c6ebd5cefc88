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

from movement_like.demo import FILLED, INTERPOLATED, SMOOTHED, run_demo
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
