"""``progress`` may be a callback: told ``(done, total)`` as frames are tracked, up to the total."""

import numpy as np

from movement_like.optical_flow import fill_gaps_optical_flow, reduce_jitter
from movement_like.utils.progress import progress_bar


def _check(steps):
    assert steps, "the callback was never called"
    done = [d for d, _ in steps]
    totals = {t for _, t in steps}
    assert len(totals) == 1 and totals.pop() > 0
    assert done[0] == 0 and done == sorted(done)  # it only advances
    assert done[-1] == steps[-1][1]  # and reaches the total


def test_callback_advances_to_the_total_in_jitter_reduction(curved_truth, capsys):
    steps = []
    out = reduce_jitter(
        curved_truth.position,
        curved_truth.attrs["video_path"],
        window=0.3,
        progress=lambda d, t: steps.append((d, t)),
    )
    _check(steps)
    same = reduce_jitter(
        curved_truth.position, curved_truth.attrs["video_path"], window=0.3, progress=False
    )
    np.testing.assert_array_equal(out.values, same.values)  # reporting changes nothing
    assert "frame" not in capsys.readouterr().err  # and no tqdm bar is drawn


def test_callback_advances_to_the_total_in_lk_rstc(curved_truth):
    position = curved_truth.position.copy()
    position[20:60] = np.nan
    steps = []
    fill_gaps_optical_flow(
        position, curved_truth.attrs["video_path"], progress=lambda d, t: steps.append((d, t))
    )
    _check(steps)


def test_progress_bar_is_tqdm_for_booleans():
    from tqdm import tqdm

    assert isinstance(progress_bar(3, "x", "frame", False), tqdm)
    seen = []
    bar = progress_bar(3, "x", "frame", lambda d, t: seen.append((d, t)))
    bar.update(2)
    bar.update()
    bar.close()
    assert seen == [(0, 3), (2, 3), (3, 3)]
