"""DUSTrack's naming rules: layer names, file names and video stems, pinned and against DUSTrack."""

from __future__ import annotations

from pathlib import Path

import pytest

from movement_like.io.formats import dustrack
from tests.io.formats.dustrack.helpers import needs_dustrack, run_peer


@pytest.mark.parametrize(
    "path, expected",
    [
        ("vid_annotations_manual.json", "manual"),
        ("vid_annotations_iteration-2_lkmovavg_0.500.json", "iteration-2_lkmovavg_0.500"),
        ("vid_annotations.json", ""),
        ("vid_annotations_dlccorr.json", "dlccorr"),
        ("videos/iteration-0/vidDLC_resnet50_proj_250000.h5", "dlc_iteration-0_250000"),
        (
            "videos/iteration-0/vidDLC_resnet50_proj_250000_lkmovavg_0.500.json",
            "dlc_iteration-0_0.500",
        ),
        ("labeled-data/vid/CollectedData_pn.h5", "CollectedData_pn"),
        ("a_annotations_b_annotations_c.json", "c"),
    ],
)
def test_canonical_layer_name_pinned_cases(path, expected):
    assert dustrack.canonical_layer_name(path) == expected


@needs_dustrack
def test_canonical_layer_name_matches_dustrack(tmp_path):
    names = [
        "vid_annotations_manual.json",
        "vid_annotations_iteration-2_lkmovavg_0.500.json",
        "vid_annotations.json",
        "x/vid_annotations__weird_.json",
        "videos/iteration-0/vidDLC_resnet50_proj_250000.h5",
        "videos/iteration-3/vidDLC_resnet50_proj_250000_lkmovavg_0.500.json",
        "labeled-data/vid/CollectedData_pn.h5",
        "p/q/plain.json",
        "p/a_annotationsX.json",
        "p/a_annotations_b_annotations_c.json",
        "p/DLCvid.h5",
        "p/v.1_annotations_x.json",
    ]
    code = (
        "import json\nfrom dustrack._file_management import VideoFileManager as V\n"
        f"print('@@' + json.dumps([V.canonical_layer_name(n) for n in {names!r}]))\n"
    )
    theirs = run_peer(code, tmp_path)
    assert [dustrack.canonical_layer_name(n) for n in names] == theirs


def test_layer_file_name_and_video_stem():
    assert dustrack.layer_file_name("/d/vid.mp4", "pn") == Path("/d/vid_annotations_pn.json")
    assert dustrack.layer_file_name("/d/vid.mp4", "") == Path("/d/vid_annotations.json")
    assert dustrack.video_stem_of("/d/vid_annotations_pn.json") == "vid"
    assert dustrack.video_stem_of("/d/vid_annotations.json") == "vid"
