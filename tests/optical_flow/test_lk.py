"""LK tracking with DUSTrack's settings: both directions, parameters, lost points, bad seeds."""

import numpy as np
import pytest

from movement_like.optical_flow import LK_DEFAULTS, lk_parameters, track_points

from . import reference


def test_defaults_are_dustracks():
    import cv2

    params = lk_parameters()
    assert params["winSize"] == (45, 45)
    assert params["maxLevel"] == 2
    assert params["criteria"] == (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 10, 0.03)
    assert lk_parameters({"winSize": 21})["winSize"] == (21, 21)
    assert LK_DEFAULTS["maxLevel"] == 2
    with pytest.raises(ValueError, match="unknown LK parameter"):
        lk_parameters({"window": 3})


def test_track_points_matches_the_reference_both_ways(curved, curved_frames):
    seeds = curved.positions[20]
    forward = track_points(curved.path, seeds, 20, 80)
    expected = reference.lk_chain(curved_frames[20:81], seeds)
    np.testing.assert_allclose(forward[1:], expected[1:], atol=1e-6)
    np.testing.assert_array_equal(forward[0], seeds)
    backward = track_points(curved.path, curved.positions[80], 80, 20)
    expected = reference.lk_chain(curved_frames[20:81][::-1], curved.positions[80])
    np.testing.assert_allclose(backward[1:], expected[1:], atol=1e-6)
    # and it follows the known motion
    assert np.abs(forward - curved.positions[20:81]).max() < 0.3


def test_overridden_parameters_reach_opencv(curved, curved_frames):
    seeds = curved.positions[0]
    ours = track_points(curved.path, seeds, 0, 10, lk_params={"winSize": (15, 15), "maxLevel": 1})
    ref = reference.lk_chain(curved_frames[:11], seeds, winSize=(15, 15), maxLevel=1)
    np.testing.assert_allclose(ours[1:], ref[1:], atol=1e-6)
    default = track_points(curved.path, seeds, 0, 10)
    assert not np.allclose(default[1:], ours[1:], atol=1e-6)


def test_lost_points_keep_or_nan(curved):
    seeds = np.array([curved.positions[0, 0], [-300.0, -300.0]])
    kept = track_points(curved.path, seeds, 0, 5, lost="keep")
    assert np.all(np.isfinite(kept))
    lost = track_points(curved.path, seeds, 0, 5, lost="nan")
    assert np.all(np.isnan(lost[1:, 1]))
    np.testing.assert_allclose(lost[:, 0], kept[:, 0])
    with pytest.raises(ValueError, match="lost must be"):
        track_points(curved.path, seeds, 0, 5, lost="drop")


def test_nan_seed_is_refused(curved):
    with pytest.raises(ValueError, match="NaN"):
        track_points(curved.path, np.array([[np.nan, 3.0]]), 0, 5)
    with pytest.raises(IndexError, match="outside"):
        track_points(curved.path, curved.positions[0], 0, 150)
