"""`from_file` picks the right format for every real DeepLabCut, LightningPose and SLEAP file."""

from __future__ import annotations

import pytest

from movement_like.io import load_poses
from movement_like.io.registry import detect_format

EXPECTED = {
    "deeplabcut/m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5": ("DeepLabCut", 2330),
    "deeplabcut/openfield-Pranav-2018-10-30/CollectedData_Pranav.h5": ("DeepLabCut", 116),
    "deeplabcut/openfield-Pranav-2018-10-30/CollectedData_Pranav.csv": ("DeepLabCut", 116),
    "deeplabcut/Reaching-Mackenzie-2018-08-30/CollectedData_Mackenzie.h5": ("DeepLabCut", 55),
    "deeplabcut/Reaching-Mackenzie-2018-08-30/CollectedData_Mackenzie.csv": ("DeepLabCut", 55),
    "lightningpose/eks_ibl-paw/3f859b5c-e73a-4044-b49e-34bb81e96715.left.rng=0.csv": (
        "LightningPose",
        1000,
    ),
    "lightningpose/eks_mirror-mouse-separate/180607_004.train_frames=75.rng=0.top.csv": (
        "LightningPose",
        501,
    ),
    "lightningpose/eks_mirror-mouse-separate/180607_004.train_frames=75.rng=0.bot.csv": (
        "LightningPose",
        501,
    ),
    "lightningpose/mirror-mouse-example/CollectedData.csv": ("LightningPose", 90),
    "sleap/centered_pair_predictions.slp": ("SLEAP", 1100),
    "sleap/clip.2node.slp": ("SLEAP", 1500),
    "sleap/clip.predictions.slp": ("SLEAP", 1500),
    "sleap/minimal_instance.slp": ("SLEAP", 1),
    "sleap/minimal_instance.000_centered_pair_low_quality.analysis.csv": ("SLEAP", 1),
    "sleap/small_robot.000_small_robot_3_frame.analysis.h5": ("SLEAP", 3),
    "sleap/sleap-io_written/centered_pair_matlab.analysis.h5": ("SLEAP", 1100),
    "sleap/sleap-io_written/centered_pair_standard.analysis.h5": ("SLEAP", 1100),
}


def test_every_real_file_of_these_formats_is_listed(realdata):
    found = {
        str(p.relative_to(realdata))
        for folder in ("deeplabcut", "lightningpose", "sleap")
        for p in (realdata / folder).rglob("*")
        if p.is_file() and p.suffix != ".yaml"
    }
    assert found == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_from_file_detects_and_loads(realdata, name):
    software, n_time = EXPECTED[name]
    path = realdata / name
    assert detect_format(path, "poses").name == software
    ds = load_poses.from_file(path)
    assert ds.attrs["source_software"] == software
    assert ds.sizes["time"] == n_time
    assert ds.attrs["source_file"] == str(path)
