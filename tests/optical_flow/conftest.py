"""Fixtures of the optical-flow tests (the ``curved`` video itself is in tests/conftest.py)."""

import numpy as np
import pytest

from . import reference


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
