"""Shared fixtures: the real files in ../shared/realdata and a small synthetic video."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from movement_like.sample_data.synthetic import make_synthetic_video

# In CI, hypothesis draws the same examples every run, so a red build is reproducible
# and never depends on luck; locally it keeps exploring new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REALDATA = Path(
    os.environ.get(
        "MOVEMENT_LIKE_REALDATA", Path(__file__).resolve().parents[2] / "shared" / "realdata"
    )
)


@pytest.fixture(scope="session")
def realdata() -> Path:
    """The folder of real files written by the original tools.

    In CI (``CI`` set) the files are always there, so their absence fails the
    test instead of skipping it.
    """
    if not REALDATA.is_dir():
        message = (
            f"real data folder {REALDATA} not found (set MOVEMENT_LIKE_REALDATA to its location)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return REALDATA


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked ``needs_peer`` skip without their peer, and fail without it in CI."""
    from tests.peers import check_peer

    check_peer(item)


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
