"""Fixtures for the napari plugin: a viewer on offscreen Qt, a small video with DUSTrack layers.

Without napari these tests skip locally, and fail in CI (``CI`` set), where the
test extra installs napari: the plugin is tested on every run there.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def require(module: str):
    """Import ``module``; skip without it locally, fail without it in CI."""
    try:
        return __import__(module)
    except ImportError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"{module} is needed by the napari tests in CI: {exc}", pytrace=False)
        pytest.skip(f"{module} not installed (pip install 'movement_like[napari]')")


@pytest.fixture
def viewer(qtbot):
    napari = require("napari")
    v = napari.Viewer(show=False)
    yield v
    v.close()


@pytest.fixture(scope="session")
def clip(tmp_path_factory):
    """A 40-frame 160x120 lossless video of 3 points, with a sparse and a dense DUSTrack layer."""
    from movement_like.io.formats.dustrack import to_dustrack_file
    from movement_like.sample_data.synthetic import make_synthetic_video

    folder = tmp_path_factory.mktemp("clip")
    video = make_synthetic_video(
        folder / "clip.mkv", n_frames=40, size=(160, 120), n_points=3, amplitude=6.0, seed=3
    )
    truth = video.to_dataset(keypoint_names=["0", "1", "2"])
    dense = truth.copy(deep=True)
    rng = np.random.default_rng(0)
    dense["position"] = dense["position"] + rng.normal(0, 0.5, dense["position"].shape)
    to_dustrack_file(dense, folder / "clip.mkv", layer="dlc_iteration-0_1000")
    sparse = truth.copy(deep=True)
    keep = np.zeros(truth.sizes["time"], bool)
    keep[[0, 10, 20, 39]] = True
    sparse["position"] = sparse["position"].where(__import__("xarray").DataArray(keep, dims="time"))
    to_dustrack_file(sparse, folder / "clip.mkv", layer="manual")
    return {"folder": folder, "video": folder / "clip.mkv", "truth": truth}
