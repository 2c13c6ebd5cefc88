"""movement 0.17's ``compute_homography_transform`` cases, on ours.

movement checks each fit against OpenCV's fit of all the points; we check the
same, and that the matrix is the rotation, scales and shift the points were
made with, so a fit that drops the wrong points fails. Error cases check
movement's phrase is in our message and that the error is a ``ValueError``.
"""

from __future__ import annotations

import re

import cv2
import numpy as np
import pytest

from movement_like.errors import InvalidArgumentError
from movement_like.transforms import compute_homography_transform
from movement_like.utils.points import usable_point_pairs

ANGLE = np.deg2rad(30)
C, S = np.cos(ANGLE), np.sin(ANGLE)
#: x scaled by 2, y by 1.5, turned 30 degrees, moved to (3, -1): the cases' target map.
TURNED = np.array([[2 * C, -1.5 * S, 3.0], [2 * S, 1.5 * C, -1.0], [0.0, 0.0, 1.0]])


def mapped(points: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Points through a homography, as float32 like the cases' targets."""
    ones = np.column_stack([points, np.ones(len(points))])
    image = ones @ matrix.T
    return (image[:, :2] / image[:, 2:]).astype(np.float32)


def pts(rows: list) -> np.ndarray:
    return np.array(rows, dtype=np.float32)


SQUARE = pts([[0, 0], [1, 0], [1, 1], [0, 1]])
# the square with midpoints on two sides (three on a line twice)
WITH_COLLINEAR = pts([[0, 0], [0.5, 0], [1, 0], [1.0, 0.5], [1, 1], [0, 1]])
# ... and a point 1e-5 off the first side (neither a repeat nor quite on the line)
WITH_NEAR = pts([[0, 0], [0.5, 1e-5], [0.5, 0], [1, 0], [1.0, 0.5], [1, 1], [0, 1]])
RECTANGLE = pts([[1, 1], [5, 1], [5, 3], [1, 3]])

HAPPY = {
    "Identical rectangles": (RECTANGLE, RECTANGLE, np.eye(3)),
    "Rotated and scaled square": (SQUARE, mapped(SQUARE, TURNED), TURNED),
    "Rotated and scaled square with collinear points": (
        WITH_COLLINEAR,
        mapped(WITH_COLLINEAR, TURNED),
        TURNED,
    ),
    "Rotated and scaled square with collinear and degenerate points": (
        WITH_NEAR,
        mapped(WITH_NEAR, TURNED),
        TURNED,
    ),
}


@pytest.mark.parametrize(("src", "dst", "truth"), HAPPY.values(), ids=HAPPY.keys())
def test_compute_homography_transform_happy_path(src, dst, truth):
    ours = compute_homography_transform(src, dst)
    assert ours.shape == (3, 3)
    everything, _ = cv2.findHomography(src, dst, method=cv2.RANSAC)
    np.testing.assert_allclose(ours, everything, atol=1e-6)  # movement's check
    np.testing.assert_allclose(ours, truth, atol=1e-4)
    np.testing.assert_allclose(mapped(src, ours), dst, atol=1e-4)


def test_the_points_dropped_are_movements():
    """The second side's end (on the first side's line) goes; the rest stay, in order."""
    src, dst = usable_point_pairs(WITH_COLLINEAR, WITH_COLLINEAR + 10)
    np.testing.assert_array_equal(src, WITH_COLLINEAR[[0, 1, 3, 4, 5]])
    np.testing.assert_array_equal(dst, WITH_COLLINEAR[[0, 1, 3, 4, 5]] + 10)
    repeated, _ = usable_point_pairs(np.vstack([SQUARE, SQUARE]), np.vstack([SQUARE, SQUARE]))
    np.testing.assert_array_equal(repeated, SQUARE)


def test_inputs_are_not_modified_and_lists_are_accepted():
    src = WITH_COLLINEAR.copy()
    dst = mapped(src, TURNED)
    kept = (src.copy(), dst.copy())
    from_lists = compute_homography_transform(src.tolist(), dst.tolist())
    np.testing.assert_allclose(from_lists, TURNED, atol=1e-4)
    np.testing.assert_array_equal(src, kept[0])
    np.testing.assert_array_equal(dst, kept[1])


THREE_D = pts([[1, 1, 3], [5, 1, 4]])
STACKED = pts([[[1, 1], [4, 5]], [[5, 1], [4, 5]]])
TWO = pts([[1, 1], [5, 1]])
THREE = pts([[1, 1], [5, 1], [5, 3]])
INVALID = {
    "Using 3-D points": (THREE_D, pts([[1, 1, 4], [5, 1, 5]]), "Points must be 2-dimensional."),
    "Using 3-D source array": (STACKED, TWO, "Points must be 2-dimensional arrays."),
    "Using 3-D destination array": (TWO, STACKED, "Points must be 2-dimensional arrays."),
    "Using more source points than destination points": (
        THREE,
        TWO,
        "Source and destination points must have the same shape.",
    ),
    "Using more destination points than source points": (
        TWO,
        THREE,
        "Source and destination points must have the same shape.",
    ),
    "Using different source points than destination points": (
        pts([[1, 1, 3], [5, 1, 5]]),
        TWO,
        "Source and destination points must have the same shape.",
    ),
    "Insufficient points": (
        THREE,
        THREE,
        "Insufficient points to compute the homography transformation.",
    ),
    "Insufficient points due to degeneracy": (
        pts([[1, 1], [5, 1], [5, 3], [4.999999, 3]]),
        pts([[1, 1], [5, 1], [5, 3], [4.999999, 3]]),
        "Insufficient points to compute the homography transformation.",
    ),
    "Insufficient points due to collinearity": (
        pts([[1, 1], [5, 1], [5, 3], [5, 2]]),
        pts([[1, 1], [5, 1], [5, 3], [5, 2]]),
        "Insufficient points to compute the homography transformation.",
    ),
}


@pytest.mark.parametrize(("src", "dst", "phrase"), INVALID.values(), ids=INVALID.keys())
def test_compute_homography_transform_invalid_input(src, dst, phrase):
    with pytest.raises(ValueError, match=re.escape(phrase)) as caught:
        compute_homography_transform(src, dst)
    assert isinstance(caught.value, InvalidArgumentError)
