"""Fixtures shared by the tests of movement_like.annotations."""

from __future__ import annotations

import pytest

from tests.analysis.annotations.helpers import NAN, layer


@pytest.fixture
def two_annotators():
    base = layer(
        {
            (0, "a", "0"): (1, 1),  # base only
            (1, "a", "0"): (2, 2),  # identical in both
            (2, "a", "1"): (3, 3),
        },  # conflict
        n_frames=4,
        confidence=0.5,
    )
    new = layer(
        {
            (1, "a", "0"): (2, 2),
            (2, "a", "1"): (30, 30),
            (3, "a", "1"): (4, 4),  # new only
            (5, "a", "0"): (6, 6),
        },  # new only, beyond base's frames
        n_frames=6,
        confidence=0.8,
    )
    return base, new


@pytest.fixture
def sparse_layer():
    return layer(
        {
            (1, "a", "0"): (1, 1),
            (1, "a", "1"): (2, 2),
            (3, "a", "0"): (3, 3),
            (4, "b", "1"): (4, 4),
            (5, "a", "1"): (NAN, 5),
        },  # half a point = absent
        n_frames=6,
        individuals=("a", "b"),
    )
