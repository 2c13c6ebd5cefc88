"""A screenshot of the viewer with the real video and its points: not blank, points in place.

Screenshots need a GL canvas, which offscreen Qt lacks: the viewer runs in a
subprocess under Xvfb (``xvfb-run``, ``QT_QPA_PLATFORM=xcb``). ``.ci/run``
installs Xvfb; without it the test skips locally and fails in CI. The image
is also written to ``docs/images/napari_openfield.png`` for the docs page.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.napari.conftest import require

SCRIPT = Path(__file__).with_name("screenshot_script.py")
DOCS_IMAGE = Path(__file__).resolve().parents[2] / "docs" / "images" / "napari_openfield.png"
FRAME = 100


@pytest.mark.realdata
@pytest.mark.slow
def test_screenshot_shows_video_and_points_where_the_data_says(realdata, tmp_path):
    require("napari")
    if shutil.which("xvfb-run") is None:
        if os.environ.get("CI"):
            pytest.fail("xvfb-run is needed for the screenshot test in CI", pytrace=False)
        pytest.skip("xvfb-run not installed (apt-get install xvfb)")
    video = realdata / "videos" / "m3v1mp4.mp4"
    data = realdata / "deeplabcut" / "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5"
    png, meta = tmp_path / "shot.png", tmp_path / "shot.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    cmd = ["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24", sys.executable, str(SCRIPT)]
    cmd += [str(video), str(data), str(png), str(meta), str(FRAME)]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    from PIL import Image

    shot = np.asarray(Image.open(png).convert("RGB")).astype(int)
    info = json.loads(meta.read_text())
    # not blank: the video is there (many grey levels, bright arena)
    assert shot.std() > 20 and len(np.unique(shot[..., 0])) > 50
    # each point's keypoint colour is drawn at the pixel where its position maps
    radius = max(2, int(info["size_px"] / 2))
    for r, c, colour in zip(info["rows"], info["cols"], info["colours"], strict=True):
        r, c = int(round(r)), int(round(c))
        patch = shot[r - radius : r + radius + 1, c - radius : c + radius + 1]
        distance = np.abs(patch - np.asarray(colour)).sum(axis=-1)
        assert distance.min() < 60, (r, c, colour, distance.min())
    # and nowhere near: the frame at that spot in a video without points is grey
    gray = np.abs(shot[..., 0] - shot[..., 1]) + np.abs(shot[..., 1] - shot[..., 2])
    assert (gray > 60).mean() < 0.01  # colour only where the points are
    DOCS_IMAGE.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(png, DOCS_IMAGE)
