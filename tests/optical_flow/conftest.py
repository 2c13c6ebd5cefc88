"""Small synthetic videos shared by the optical-flow tests (made once per session)."""

import numpy as np
import pytest

from movement_like.optical_flow import make_synthetic_video

from . import reference


@pytest.fixture(scope="session")
def curved(tmp_path_factory):
    """A 150-frame 320x240 lossless video of 5 points on curved sub-pixel paths."""
    folder = tmp_path_factory.mktemp("curved")
    video = make_synthetic_video(
        folder / "curved.mkv",
        n_frames=150,
        size=(320, 240),
        n_points=5,
        amplitude=10.0,
        period=70.0,
        deformation=3.0,
        seed=11,
    )
    return video


@pytest.fixture(scope="session")
def curved_frames(curved):
    """Every frame of ``curved`` read by the reference's own plain OpenCV loop."""
    return reference.load_gray(curved.path)


@pytest.fixture(scope="session")
def curved_truth(curved):
    """``curved``'s ground truth as a poses dataset."""
    return curved.to_dataset()


@pytest.fixture()
def noise_rng():
    return np.random.default_rng(1234)
