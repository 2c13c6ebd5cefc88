"""Choose the point pairs a homography can be fitted from, as ``movement`` 0.17 chooses them.

A homography needs four points with no three on one line. Clicked points often
hold repeats, or extra points along an arena's edge; ``movement`` drops those
before fitting, and :func:`movement_like.transforms.compute_homography_transform`
drops exactly the same ones so both libraries fit the same pairs.
"""

from __future__ import annotations

import itertools

import numpy as np

__all__ = ["usable_point_pairs"]

#: Distance (and cross-product size) under which points count as the same or on one line.
TOLERANCE = 1e-6


def _on_one_line(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> bool:
    """Whether three 2-D points lie on one line (the cross product of their spans is ~0)."""
    cross = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    return bool(abs(cross) <= TOLERANCE)


def _spans_a_line_only(points: np.ndarray) -> bool:
    """Whether points, centred, have fewer than two singular values above the tolerance."""
    centred = points - points.mean(axis=0)
    singular = np.linalg.svd(centred, compute_uv=False)
    return bool(np.sum(singular > TOLERANCE) < 2)


def usable_point_pairs(source: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop repeated source points and those that would leave the first four on one line.

    Walking the source points in order, a point is dropped when it lies within
    :data:`TOLERANCE` of one already kept; the third kept point must not be on
    the line of the first two; until a fourth is found that is off every line
    through two kept points, candidates on such a line are dropped too. After
    that, every non-repeated point is kept. The target point of each dropped
    source point goes with it. This is ``movement`` 0.17's rule, so fits match.

    Parameters
    ----------
    source
        Points of shape ``(n, 2)``.
    target
        Their partners, of the same shape.

    Returns
    -------
    tuple of numpy.ndarray
        The kept source points and their target points, in their original order.
    """
    kept: list[int] = []
    found_four = False
    for i, point in enumerate(source):
        if any(np.linalg.norm(point - source[j]) < TOLERANCE for j in kept):
            continue
        if len(kept) < 2:
            kept.append(i)
            continue
        if len(kept) == 2:
            if not _spans_a_line_only(np.vstack([source[kept], point])):
                kept.append(i)
            continue
        if not found_four:
            pairs = itertools.combinations(kept, 2)
            if any(_on_one_line(source[a], source[b], point) for a, b in pairs):
                continue
            found_four = True
        kept.append(i)
    return source[kept], target[kept]
