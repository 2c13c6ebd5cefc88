"""Anipose triangulation CSV: layout as written by anipose, order, extra variables, round trips.

No real Anipose output is reachable (see MANIFEST.md), so the file is generated
here exactly as ``anipose/triangulate.py`` lays it out.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from movement_like.dataset import poses_from_numpy
from movement_like.errors import FileFormatError, InvalidDatasetError
from movement_like.io import load_poses, save_poses
from movement_like.io.registry import detect_format
from tests.io.test_dlc import assert_same_poses
from tests.strategies import poses_datasets

BODYPARTS = ["paw_r", "elbow", "Shoulder", "ankle"]  # deliberately not alphabetical


def anipose_frame(n_frames: int = 6, seed: int = 0) -> pd.DataFrame:
    """A DataFrame in the column layout of anipose's triangulate (dout.to_csv(index=False))."""
    rng = np.random.default_rng(seed)
    data: dict[str, np.ndarray] = {}
    for bp in BODYPARTS:
        xyz = rng.normal(size=(n_frames, 3)) * 10
        ncams = rng.integers(0, 4, n_frames).astype(float)
        missing = ncams < 2
        xyz[missing] = np.nan
        data[f"{bp}_x"], data[f"{bp}_y"], data[f"{bp}_z"] = xyz.T
        data[f"{bp}_error"] = np.where(missing, np.nan, rng.uniform(0, 3, n_frames))
        data[f"{bp}_ncams"] = np.where(missing, np.nan, ncams)
        data[f"{bp}_score"] = np.where(missing, np.nan, rng.uniform(0, 1, n_frames))
    matrix = np.array([[0.0, 1, 0], [-1, 0, 0], [0, 0, 1]])
    for i in range(3):
        for j in range(3):
            data[f"M_{i}{j}"] = np.full(n_frames, matrix[i, j])
    for i, c in enumerate([1.5, -2.0, 0.25]):
        data[f"center_{i}"] = np.full(n_frames, c)
    data["fnum"] = np.arange(n_frames)
    return pd.DataFrame(data)


def test_read_generated_file(tmp_path):
    df = anipose_frame()
    path = tmp_path / "pose-3d_trial1.csv"
    df.to_csv(path, index=False)
    assert detect_format(path).name == "Anipose"
    ds = load_poses.from_file(path, fps=100)
    assert dict(ds.sizes) == {"time": 6, "individuals": 1, "keypoints": 4, "space": 3}
    assert list(ds.keypoints.values) == BODYPARTS  # column order, not sorted
    assert list(ds.individuals.values) == ["individual_0"]
    np.testing.assert_array_equal(ds.frame.values, df["fnum"].to_numpy())
    raw = pd.read_csv(path)
    for bp in ("elbow", "ankle"):
        got = ds.position.sel(keypoints=bp).isel(individuals=0).values
        np.testing.assert_array_equal(got, raw[[f"{bp}_x", f"{bp}_y", f"{bp}_z"]].to_numpy())
        np.testing.assert_array_equal(
            ds.confidence.sel(keypoints=bp).values[:, 0], raw[f"{bp}_score"]
        )
        np.testing.assert_array_equal(
            ds.reprojection_error.sel(keypoints=bp).values[:, 0], raw[f"{bp}_error"]
        )
        np.testing.assert_array_equal(
            ds.n_cameras.sel(keypoints=bp).values[:, 0], raw[f"{bp}_ncams"]
        )
    assert ds.reprojection_error.dims == ("time", "individuals", "keypoints")
    assert json.loads(ds.attrs["alignment_matrix"]) == [[0, 1, 0], [-1, 0, 0], [0, 0, 1]]
    assert json.loads(ds.attrs["alignment_center"]) == [1.5, -2.0, 0.25]
    assert ds.attrs["source_software"] == "Anipose"


def test_from_anipose_style_df_and_individual_name():
    ds = load_poses.from_anipose_style_df(anipose_frame(3), fps=None, individual_name="mouse")
    assert list(ds.individuals.values) == ["mouse"]
    assert ds.time.values.tolist() == [0, 1, 2]


def test_file_written_back_is_identical(tmp_path):
    path = tmp_path / "trial.csv"
    anipose_frame(8, seed=3).to_csv(path, index=False)
    ds = load_poses.from_anipose_file(path)
    out = tmp_path / "again.csv"
    save_poses.to_anipose_file(ds, out)
    pd.testing.assert_frame_equal(pd.read_csv(out), pd.read_csv(path))
    back = load_poses.from_anipose_file(out)
    xr.testing.assert_identical(back.drop_attrs(), ds.drop_attrs())


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ds=poses_datasets(max_individuals=1, spaces=(3,)), name=st.sampled_from(["a", "id 0"]))
def test_round_trip(tmp_path, ds, name):
    ds = ds.assign_coords(individuals=[name])
    path = tmp_path / "r.csv"
    save_poses.to_anipose_file(ds, path, overwrite=True)
    back = load_poses.from_anipose_file(path, fps=ds.attrs.get("fps"), individual_name=name)
    assert_same_poses(ds, back)


def test_writer_needs_3d_and_one_individual(tmp_path):
    with pytest.raises(InvalidDatasetError, match="3D"):
        save_poses.to_anipose_file(poses_from_numpy(np.ones((2, 1, 1, 2))), tmp_path / "a.csv")
    two = poses_from_numpy(np.ones((2, 2, 1, 3)), individual_names=["a", "b"])
    with pytest.raises(InvalidDatasetError, match="individual="):
        save_poses.to_anipose_file(two, tmp_path / "b.csv")
    save_poses.to_anipose_file(two, tmp_path / "b.csv", individual="b")
    assert load_poses.from_anipose_file(tmp_path / "b.csv").sizes["keypoints"] == 1


def test_bad_input(tmp_path):
    path = tmp_path / "angles.csv"
    pd.DataFrame({"knee_angle": [1.0, 2.0], "fnum": [0, 1]}).to_csv(path, index=False)
    with pytest.raises(FileFormatError, match="angles.csv"):
        load_poses.from_anipose_file(path)
    df = anipose_frame(3)
    df["fnum"] = [0, 2, 1]
    df.to_csv(path, index=False)
    with pytest.raises(FileFormatError, match="fnum"):
        load_poses.from_anipose_file(path)
