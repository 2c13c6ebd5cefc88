"""Plots: figures on the Agg canvas from synthetic arrays, no display needed."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

from movement_like import plots
from movement_like.dataset import poses_from_numpy


@pytest.fixture
def poses() -> xr.Dataset:
    rng = np.random.default_rng(0)
    t = np.arange(120)
    circle = np.stack([100 + 40 * np.cos(t / 20), 80 + 30 * np.sin(t / 20)], axis=-1)
    position = circle[:, None, None, :] + rng.normal(0, 0.5, (120, 2, 3, 2))
    position[10:15, 0, 0] = np.nan
    position[50:70, 0, 0, 1] = np.nan
    position[119, 0, 0] = np.nan
    confidence = rng.uniform(0, 1, (120, 2, 3))
    confidence[:5] = np.nan
    return poses_from_numpy(
        position,
        confidence,
        individual_names=["a", "b"],
        keypoint_names=["nose", "ear", "tail"],
        fps=30,
    )


def _layered(ds: xr.Dataset) -> xr.DataArray:
    sparse = ds.position.where(ds.frame % 10 == 0)
    return xr.concat([sparse, ds.position + 2], dim=xr.Variable("layers", ["manual", "dlc"]))


def test_import_does_not_pull_matplotlib():
    code = "import sys, movement_like.plots\nprint('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@given(st.lists(st.booleans(), max_size=60))
def test_nan_runs_cover_exactly_the_true_entries(flags):
    runs = plots.nan_runs(np.array(flags, dtype=bool))
    rebuilt = np.zeros(len(flags), dtype=bool)
    for start, stop in runs:
        assert start <= stop
        assert not rebuilt[start : stop + 1].any()
        rebuilt[start : stop + 1] = True
    assert rebuilt.tolist() == list(flags)
    # runs are maximal: neighbours of a run are False
    for start, stop in runs:
        assert start == 0 or not flags[start - 1]
        assert stop == len(flags) - 1 or not flags[stop + 1]


def test_time_series_shades_each_gap(poses, tmp_path):
    before = poses.position.copy(deep=True)
    fig = plots.plot_time_series(poses.position, individual="a")
    axes = fig.axes
    assert len(axes) == 3
    nose_spans = [p for p in axes[0].patches]
    assert len(nose_spans) == 3  # frames 10-14, 50-69, 119
    assert len(axes[1].patches) == 0
    assert "nose: 21.7 % missing" == axes[0].get_title(loc="left")
    xr.testing.assert_identical(poses.position, before)
    out = tmp_path / "series.png"
    fig.savefig(out)
    assert out.stat().st_size > 10_000


def test_time_series_selects_keypoints_and_layer(poses):
    fig = plots.plot_time_series(_layered(poses), keypoints=["ear"], layer="dlc")
    assert len(fig.axes) == 1
    x_line = fig.axes[0].lines[0]
    np.testing.assert_allclose(
        x_line.get_ydata(),
        poses.position.sel(individuals="a", keypoints="ear", space="x").values + 2,
    )


def test_trajectory_over_frame(poses, tmp_path):
    frame = np.random.default_rng(1).integers(0, 255, (200, 300), dtype=np.uint8)
    fig = plots.plot_trajectory(poses.position, frame=frame, keypoints=["nose", "tail"], title="t")
    ax = fig.axes[0]
    assert len(ax.images) == 1 and ax.images[0].get_array().shape == (200, 300)
    assert ax.get_xlim() == (-0.5, 299.5) and ax.get_ylim() == (199.5, -0.5)  # y down
    assert [line.get_label() for line in ax.lines] == ["nose", "tail"]
    np.testing.assert_allclose(
        ax.lines[0].get_xdata(),
        poses.position.sel(individuals="a", keypoints="nose", space="x").values,
    )
    out = tmp_path / "trajectory.png"
    fig.savefig(out)
    assert out.stat().st_size > 10_000


def test_trajectory_layers_sparse_as_dots(poses):
    fig = plots.plot_trajectory(_layered(poses), keypoints="nose", individual="b")
    lines = fig.axes[0].lines
    assert [line.get_label() for line in lines] == ["manual / nose", "dlc / nose"]
    assert lines[0].get_linestyle() == "None" and lines[1].get_linestyle() == "-"


def test_trajectory_from_video(tmp_path):
    cv2 = pytest.importorskip("cv2")
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48), True)
    for value in (10, 200):
        writer.write(np.full((48, 64, 3), value, np.uint8))
    writer.release()
    frame = plots.read_video_frame(path, 1)
    assert frame.shape == (48, 64) and abs(int(frame.mean()) - 200) < 5
    ds = poses_from_numpy(np.full((2, 1, 1, 2), 20.0))
    fig = plots.plot_trajectory(ds.position, video=path, frame_index=1)
    assert fig.axes[0].images[0].get_array().shape == (48, 64)
    with pytest.raises(FileNotFoundError):
        plots.read_video_frame(tmp_path / "missing.mp4")
    with pytest.raises(ValueError, match="frame 99"):
        plots.read_video_frame(path, 99)


def test_confidence_histogram(poses):
    fig = plots.plot_confidence_histogram(poses.confidence, threshold=0.6)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:3] == ["nose (10 unknown)", "ear (10 unknown)", "tail (10 unknown)"]
    finite = poses.confidence.values[np.isfinite(poses.confidence.values)]
    assert labels[3] == f"threshold 0.6 ({(finite < 0.6).mean() * 100:.1f} % below)"
    counts = sum(patch.get_path().vertices.shape[0] > 0 for patch in ax.patches)
    assert counts == 3
    single = plots.plot_confidence_histogram(poses.confidence, by=None)
    assert [t.get_text() for t in single.axes[0].get_legend().get_texts()] == ["all (30 unknown)"]


def test_layer_comparison(poses):
    layered = _layered(poses)
    fig = plots.plot_layer_comparison(layered, "dlc", "manual", keypoint="ear")
    x_axes, y_axes = fig.axes
    assert [line.get_label() for line in x_axes.lines] == ["dlc", "manual"]
    np.testing.assert_allclose(
        y_axes.lines[1].get_ydata(),
        layered.sel(layers="manual", individuals="a", keypoints="ear", space="y").values,
    )
    assert x_axes.get_title(loc="left") == "ear: dlc vs manual"
    with pytest.raises(ValueError, match="layers"):
        plots.plot_layer_comparison(poses.position, "a", "b")
