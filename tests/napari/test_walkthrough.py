"""docs/napari.md's walkthrough on the real openfield video, run step by step and checked.

``walkthrough_script.py`` performs the page's steps in order in a real viewer
under Xvfb (the video needs a GL canvas) and records what each gave; this
test checks every step against what the page says and against calling our
functions directly, then copies the screenshots to the page's images. If the
page's workflow stops working, this test fails. Without Xvfb it skips
locally and fails in CI (as the screenshot test).
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
import xarray as xr

from tests.napari.conftest import require

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "docs" / "images"


@pytest.fixture(scope="module")
def walked(realdata, tmp_path_factory):
    require("napari")
    if shutil.which("xvfb-run") is None:
        if os.environ.get("CI"):
            pytest.fail("xvfb-run is needed for the walkthrough test in CI", pytrace=False)
        pytest.skip("xvfb-run not installed (apt-get install xvfb)")
    out = tmp_path_factory.mktemp("walkthrough")
    video = realdata / "videos" / "m3v1mp4.mp4"
    data = realdata / "deeplabcut" / "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5"
    cmd = ["xvfb-run", "-a", "-s", "-screen 0 1600x1200x24", sys.executable, "-m"]
    cmd += ["tests.napari.walkthrough_script", str(video), str(data), str(out)]
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    result = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    steps = json.loads((out / "steps.json").read_text())
    return {"out": out, "steps": steps, "video": video, "data": data}


def _nc(walked, name):
    return xr.load_dataset(walked["out"] / f"{name}.nc")


@pytest.mark.realdata
@pytest.mark.slow
def test_walkthrough_steps_give_what_the_page_says(walked):
    from movement_like.annotations import apply_manual_corrections
    from movement_like.io.registry import load
    from movement_like.napari.reader import read_layers
    from tests.napari.walkthrough_script import SNOUT_SHIFT, least_confident_frame

    steps = walked["steps"]
    # 1. the predictions open as a dense Tracks layer over the video, at frame 0
    assert steps["open"]["layers"] == [["m3v1mp4.mp4", "Image"], ["poses", "Tracks"]]
    assert steps["open"]["step"] == 0 and steps["open"]["shown_frame_equals_frame_0"]
    overlay = _nc(walked, "overlay")
    source = load(walked["data"])
    np.testing.assert_array_equal(overlay["position"].values, source["position"].values)
    assert steps["napari_open"] == {  # napari's File > Open gives the same, at frame 0
        "layers": [["m3v1mp4.mp4", "Image"], ["poses", "Tracks"]],
        "step": 0,
        "shown_frame_equals_frame_0": True,
        "middle_decoded": False,
        "decoder_stopped": True,  # closing the viewer stopped the video's read-ahead
    }
    # 3. New manual layer: empty Points on the same keypoints, current; the overlay stays
    assert steps["manual"] == {
        "name": "manual",
        "type": "Points",
        "points": 0,
        "current": "manual",
        "overlay": "poses",
    }
    # 4. Copy overlay: this frame -> the four points of that frame
    frame = least_confident_frame(source)
    assert steps["copy"] == {"frame": frame, "points": 4, "error": "None"}
    # 5. the drag moved exactly the snout by the drag; Ctrl+Z undid it, Ctrl+Shift+Z redid it
    drag = {k: np.asarray(v) for k, v in steps["drag"].items() if k != "history"}
    np.testing.assert_allclose(drag["moved"] - drag["before"], SNOUT_SHIFT, atol=1e-9)
    np.testing.assert_array_equal(drag["undone"], drag["before"])
    np.testing.assert_array_equal(drag["redone"], drag["moved"])
    assert steps["drag"]["history"] == 2  # the copy and the drag: one undo step each
    manual = _nc(walked, "manual")
    t = int(np.flatnonzero(manual["frame"].values == frame)[0])
    expected = overlay["position"].values[t].copy()
    expected[0, 0] += SNOUT_SHIFT[2], SNOUT_SHIFT[1]  # snout (x, y) moved; others as copied
    np.testing.assert_allclose(manual["position"].values[t, :, 0], expected[:, 0], atol=1e-9)
    assert manual["keypoints"].values[0] == "snout"
    others = np.delete(np.arange(manual.sizes["time"]), t)
    assert np.isnan(manual["position"].values[others]).all()  # nothing anywhere else
    # 6. Apply manual corrections -> dlccorr (Tracks), the manual layer renamed
    corr = steps["corrections"]
    assert corr["names"][-2:] == ["manual_manual_corrections", "dlccorr"]
    assert corr["dlccorr_type"] == "Tracks" and corr["current"] == "dlccorr"
    dlccorr = _nc(walked, "dlccorr")
    direct = apply_manual_corrections(overlay, manual)
    np.testing.assert_array_equal(dlccorr["position"].values, direct["position"].values)
    # 7. Reduce jitter (0.5 s) on dlccorr -> dlccorr_lkmovavg_0.500, progress to the end
    assert steps["jitter"]["names"][-1] == "dlccorr_lkmovavg_0.500"
    assert steps["jitter"]["error"] == "None"
    assert steps["jitter"]["progress_last"] == [2330, 2330]
    smooth = _nc(walked, "jitter")["position"].values
    rough = dlccorr["position"].values
    assert np.isfinite(smooth).all()
    assert np.abs(smooth - rough).max() < 25  # near the trace it smooths...
    second = lambda p: np.nansum(np.diff(p, n=2, axis=0) ** 2)  # noqa: E731
    assert second(smooth) < 0.8 * second(rough)  # ...and smoother
    # 8. saved: the DeepLabCut file reads back as the layer; the state reopens with all layers
    saved = load(Path(steps["save"]["h5"][0]))
    np.testing.assert_allclose(saved["position"].values, smooth, atol=1e-9)
    names = [kw["name"] for _, kw, _ in read_layers(steps["save"]["state"])]
    for name in ("poses", "manual_manual_corrections", "dlccorr", "dlccorr_lkmovavg_0.500"):
        assert name in names


@pytest.mark.realdata
@pytest.mark.slow
def test_walkthrough_screenshots_become_the_page_images(walked):
    from PIL import Image

    for shot, image in (("correct", "napari_walkthrough_correct"), ("window", "napari_window")):
        pixels = np.asarray(Image.open(walked["out"] / f"{shot}.png").convert("RGB")).astype(int)
        assert pixels.std() > 20 and len(np.unique(pixels[..., 0])) > 50  # not blank
        IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(walked["out"] / f"{shot}.png", IMAGES / f"{image}.png")
    page = (ROOT / "docs" / "napari.md").read_text()
    assert "images/napari_walkthrough_correct.png" in page and "images/napari_window.png" in page
