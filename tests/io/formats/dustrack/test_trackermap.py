"""``dlc_trackermap.txt``: the human-readable point names."""

from __future__ import annotations

import warnings

import pytest

from movement_like.io import load_poses
from movement_like.io.formats import dustrack


def test_trackermap_reader(tmp_path):
    (tmp_path / "dlc_trackermap.txt").write_text(
        "\ufeffpoint0 - muscle_boundary\r\n\npoint1 - fascia - deep\nbroken line\npoint2 - bone\n",
        encoding="utf-8",
    )
    with pytest.warns(UserWarning, match=r"line 4 .*broken line"):
        mapping = dustrack.read_trackermap(tmp_path)
    assert mapping == {"point0": "muscle_boundary", "point1": "fascia - deep", "point2": "bone"}
    assert dustrack.read_trackermap(tmp_path / "missing") == {}


def test_no_warning_for_clean_trackermap(video_folder):
    (video_folder / "dlc_trackermap.txt").write_text("point0 - a\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = load_poses.from_dustrack_file(video_folder / "vid_annotations_manual.json")
    assert ds["keypoint_name"].values.tolist() == ["a", "point3", "point10"]
