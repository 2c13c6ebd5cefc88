"""Hypothesis strategies that build random, valid datasets of our contract.

Shared by every round-trip and invariance test: import from ``tests.strategies``.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from movement_like.dataset import bboxes_from_numpy, poses_from_numpy

#: Names as users write them: unicode letters, digits, spaces, punctuation,
#: never empty, no control characters.
NAME = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn"), min_codepoint=32),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() == s and s != "")


def unique_names(count: int) -> st.SearchStrategy[list[str]]:
    """``count`` distinct names."""
    return st.lists(NAME, min_size=count, max_size=count, unique=True)


@st.composite
def sparse_frames(draw, n_time: int) -> np.ndarray:
    """Strictly increasing, possibly sparse, non-negative frame numbers."""
    steps = draw(st.lists(st.integers(1, 50), min_size=n_time, max_size=n_time))
    start = draw(st.integers(0, 1000))
    return start + np.cumsum(steps) - steps[0]


def _values(draw, shape, dtype, nan_fraction, low=-1e4, high=1e4):
    data = draw(
        hnp.arrays(
            dtype, shape, elements=st.floats(low, high, allow_nan=False, width=8 * dtype.itemsize)
        )
    )
    mask = draw(hnp.arrays(np.bool_, shape, elements=st.booleans())) if nan_fraction else None
    if mask is not None:
        data = data.copy()
        data[mask] = np.nan
    return data


@st.composite
def poses_datasets(
    draw,
    max_time: int = 12,
    max_individuals: int = 3,
    max_keypoints: int = 4,
    spaces: tuple[int, ...] = (2, 3),
    sparse: bool | None = None,
    with_fps: bool | None = None,
    with_nan: bool = True,
    dtypes: tuple = (np.float64, np.float32),
):
    """A random valid poses dataset (random sizes, NaNs, 2D/3D, names, fps, frames)."""
    n_time = draw(st.integers(1, max_time))
    n_ind = draw(st.integers(1, max_individuals))
    n_kp = draw(st.integers(1, max_keypoints))
    n_space = draw(st.sampled_from(spaces))
    dtype = np.dtype(draw(st.sampled_from(dtypes)))
    position = _values(
        draw, (n_time, n_ind, n_kp, n_space), dtype, with_nan and draw(st.booleans())
    )
    confidence = _values(draw, (n_time, n_ind, n_kp), dtype, with_nan and draw(st.booleans()), 0, 1)
    use_sparse = draw(st.booleans()) if sparse is None else sparse
    use_fps = draw(st.booleans()) if with_fps is None else with_fps
    return poses_from_numpy(
        position,
        confidence,
        individual_names=draw(unique_names(n_ind)),
        keypoint_names=draw(unique_names(n_kp)),
        fps=draw(st.sampled_from([25.0, 30.0, 29.97, 60.0, 7.5])) if use_fps else None,
        source_software=draw(st.sampled_from(["DeepLabCut", "SLEAP", "test"])),
        frame_array=draw(sparse_frames(n_time)) if use_sparse else None,
    )


@st.composite
def bboxes_datasets(draw, max_time: int = 12, max_individuals: int = 3, sparse: bool | None = None):
    """A random valid bounding-boxes dataset."""
    n_time = draw(st.integers(1, max_time))
    n_ind = draw(st.integers(1, max_individuals))
    dtype = np.dtype(draw(st.sampled_from([np.float64, np.float32])))
    position = _values(draw, (n_time, n_ind, 2), dtype, draw(st.booleans()))
    shape = np.abs(_values(draw, (n_time, n_ind, 2), dtype, draw(st.booleans()), 0, 1e3))
    confidence = _values(draw, (n_time, n_ind), dtype, draw(st.booleans()), 0, 1)
    use_sparse = draw(st.booleans()) if sparse is None else sparse
    return bboxes_from_numpy(
        position,
        shape,
        confidence,
        individual_names=draw(unique_names(n_ind)),
        frame_array=draw(sparse_frames(n_time)) if use_sparse else None,
        fps=draw(st.sampled_from([None, 25.0, 30.0])),
        source_software="test",
    )
