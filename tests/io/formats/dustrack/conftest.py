"""Fixtures shared by the tests of movement_like.io.formats.dustrack."""

from __future__ import annotations

import pytest

from tests.io.formats.dustrack.helpers import write_json, write_video


@pytest.fixture
def video_folder(tmp_path):
    """A video with three layers and a trackermap."""
    write_video(tmp_path / "vid.avi", 12, fps=30.0)
    write_json(
        tmp_path / "vid_annotations_manual.json",
        {"0": {"2": [10.0, 11.0], "7": [12.0, 13.0]}, "10": {"7": [50.0, 51.0]}, "3": {}},
    )
    dense = {
        "0": {str(f): [float(f), 1.0] for f in range(12)},
        "2": {str(f): [float(f), 2.0] for f in range(12)},
    }
    write_json(tmp_path / "vid_annotations_dlccorr.json", dense)
    write_json(
        tmp_path / "vid_annotations_iteration-2_lkmovavg_0.500.json", {"0": {"11": [1.0, 1.0]}}
    )
    write_json(tmp_path / "other_annotations_pn.json", {"0": {"1": [1.0, 1.0]}})  # other video
    (tmp_path / "dlc_trackermap.txt").write_text(
        "point0 - muscle_boundary\nno separator here\npoint10 - bone\n"
    )
    return tmp_path
