"""The batched engine: independent of chunking and threads, one LK call per frame pair and
direction, a chunk plan that covers every row once."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from movement_like.optical_flow import lk_call_timer
from movement_like.optical_flow.tracks import TrackRows, _plan_chunks, run_tracks
from movement_like.video import VideoReader

from . import reference


def _collect(video, rows, **kwargs):
    out = {}

    def consume(result):
        for i, row in enumerate(result.rows):
            begin = result.offsets[i]
            out[int(row)] = result.values[begin : begin + result.lengths[i]].copy()

    run_tracks(video, rows, consume, progress=False, **kwargs)
    return out


@pytest.mark.parametrize("threads", [1, 2])
def test_engine_is_independent_of_chunking_and_threads(curved, curved_frames, threads):
    rng = np.random.default_rng(5)
    first = rng.integers(0, 150, 20)
    last = np.clip(first + rng.choice([-1, 1], 20) * rng.integers(1, 90, 20), 0, 149)
    last[last == first] = np.where(first[last == first] > 0, 0, 149)
    point = rng.integers(0, 5, 20)
    rows = TrackRows(first, last, curved.positions[first, point])
    video = VideoReader(curved.path)
    frame_bytes = 320 * 240
    with lk_call_timer() as timer:
        small = _collect(video, rows, threads=threads, buffer_bytes=frame_bytes * 64 * 3)
    big = _collect(video, rows, threads=threads)
    assert timer.calls > 0 and timer.points >= int(np.abs(last - first).sum())
    for r in range(20):
        a, b = first[r], last[r]
        if b > a:
            expected = reference.lk_chain(curved_frames[a : b + 1], rows.seeds[r])[:, 0]
        else:
            expected = reference.lk_chain(curved_frames[b : a + 1][::-1], rows.seeds[r])[::-1, 0]
        np.testing.assert_allclose(small[r], expected, atol=1e-5)
        np.testing.assert_array_equal(small[r], big[r])


def test_one_call_per_frame_pair_and_direction(curved):
    # 30 windows of 10 frames over frames 0..38: pairs 0..38 forward and backward
    first = np.arange(30)
    rows = TrackRows(
        np.concatenate([first, first + 9]),
        np.concatenate([first + 9, first]),
        np.tile(curved.positions[0, 0], (60, 1)),
    )
    with lk_call_timer() as timer:
        _collect(VideoReader(curved.path), rows, threads=2)
    assert timer.calls == 2 * 38
    assert timer.points == 60 * 9


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 300), st.integers(1, 120), st.booleans()),
        min_size=1,
        max_size=40,
    ),
    st.integers(8, 100),
)
def test_chunk_plan_covers_every_row_once(spans, capacity):
    first = np.array([a if fwd else a + n for a, n, fwd in spans])
    last = np.array([a + n if fwd else a for a, n, fwd in spans])
    rows = TrackRows(first, last, np.zeros((len(spans), 2)))
    chunks, long_rows = _plan_chunks(rows, capacity)
    seen = np.concatenate([c.rows for c in chunks] + [long_rows]) if chunks else long_rows
    assert sorted(seen.tolist()) == list(range(len(spans)))
    for chunk in chunks:
        assert chunk.b - chunk.a + 1 <= capacity
        assert np.all(rows.lo[chunk.rows] >= chunk.a) and np.all(rows.hi[chunk.rows] <= chunk.b)
    assert np.all(rows.hi[long_rows] - rows.lo[long_rows] + 1 > capacity)
    starts = [c.a for c in chunks]
    assert starts == sorted(starts)
