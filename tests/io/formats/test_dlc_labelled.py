"""A DUSTrack layer exported as DLC labelled data: padding, read back by pandas and our reader."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from movement_like.dataset import poses_from_numpy
from movement_like.errors import InvalidDatasetError, OverwriteError
from movement_like.io import load_poses, save_poses
from movement_like.io.formats import dustrack
from tests.io.formats.dustrack.helpers import write_json, write_video


@pytest.mark.parametrize("n_frames", [1, 2, 9, 10, 11, 99, 100, 101, 999, 1000, 1001, 10000])
def test_one_padding_rule_matches_dlc_frame_extraction(n_frames):
    dlc_extract = max(1, math.ceil(math.log10(n_frames))) if n_frames > 1 else 1
    assert dustrack.frame_name_digits(n_frames) == dlc_extract
    assert len(str(n_frames - 1)) == dustrack.frame_name_digits(n_frames)


def manual_layer(tmp_path: Path, n_frames: int) -> Path:
    write_video(tmp_path / "vid.avi", n_frames)
    return write_json(
        tmp_path / "vid_annotations_manual.json",
        {"10": {"7": [5.0, 6.0]}, "2": {"0": [1.0, 2.0], "7": [3.0, 4.0]}, "4": {}},
    )


def test_dlc_export_read_back_by_pandas_and_our_dlc_reader(tmp_path):
    layer = manual_layer(tmp_path, 1000)
    ds = load_poses.from_dustrack_file(layer)
    project = tmp_path / "proj"
    project.mkdir()
    (project / "config.yaml").write_text("scorer: pn\n")
    h5, csv = save_poses.to_dlc_labelled_data(ds, project, scorer="pn")
    assert h5 == project / "labeled-data" / "vid" / "CollectedData_pn.h5"
    assert csv == h5.with_suffix(".csv")

    expected_index = [("labeled-data", "vid", "img000.png"), ("labeled-data", "vid", "img007.png")]
    expected_columns = [("pn", bp, c) for bp in ("point2", "point4", "point10") for c in "xy"]
    expected_values = np.array(
        [[1, 2, np.nan, np.nan, np.nan, np.nan], [3, 4, np.nan, np.nan, 5, 6]]
    )
    frame = pd.read_hdf(h5, "df_with_missing")
    assert list(frame.index) == expected_index
    assert list(frame.columns) == expected_columns
    assert list(frame.columns.names) == ["scorer", "bodyparts", "coords"]
    np.testing.assert_array_equal(frame.to_numpy(), expected_values)
    from_csv = pd.read_csv(csv, header=[0, 1, 2], index_col=[0, 1, 2])
    assert list(from_csv.index) == expected_index
    assert list(from_csv.columns) == expected_columns
    np.testing.assert_array_equal(from_csv.to_numpy(), expected_values)

    for path in (h5, csv):
        back = load_poses.from_dlc_file(path)
        assert back["frame"].values.tolist() == [0, 7]
        assert back["keypoints"].values.tolist() == ["point2", "point4", "point10"]
        assert back["image_path"].values.tolist() == [
            "labeled-data/vid/img000.png",
            "labeled-data/vid/img007.png",
        ]
        position = back["position"].isel(individuals=0)
        np.testing.assert_array_equal(position.values.reshape(2, -1), expected_values)

    with pytest.raises(OverwriteError):
        save_poses.to_dlc_labelled_data(ds, project, scorer="pn")
    save_poses.to_dlc_labelled_data(ds, project, scorer="pn", overwrite=True)


def test_dlc_export_padding_follows_the_frame_count(tmp_path):
    layer = manual_layer(tmp_path, 1001)
    ds = load_poses.from_dustrack_file(layer)
    frame = dustrack.labelled_data_frame(ds, "pn")
    assert frame.index.get_level_values(2).tolist() == ["img0000.png", "img0007.png"]
    frame = dustrack.labelled_data_frame(ds, "pn", n_frames=10)
    assert frame.index.get_level_values(2).tolist() == ["img0.png", "img7.png"]


def test_dlc_export_refuses_bad_input_without_writing(tmp_path):
    ds = poses_from_numpy(np.full((3, 1, 1, 2), np.nan), keypoint_names=["0"])
    with pytest.raises(InvalidDatasetError, match="video stem"):
        save_poses.to_dlc_labelled_data(ds, tmp_path, scorer="pn")
    with pytest.raises(InvalidDatasetError, match="nothing to export"):
        save_poses.to_dlc_labelled_data(ds, tmp_path, scorer="pn", video_stem="vid")
    with pytest.raises(InvalidDatasetError, match="scorer"):
        save_poses.to_dlc_labelled_data(ds, tmp_path, scorer="", video_stem="vid")
    assert list(tmp_path.iterdir()) == []
