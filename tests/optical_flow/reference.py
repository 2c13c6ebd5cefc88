"""A small, obviously faithful re-statement of DUSTrack's per-window algorithms.

It follows ``dustrack.lk_opticalflow`` / ``dustrack.lk_filter`` step by step:
one chained LK call per frame pair for each window and direction, the frames of
each window handed over as a list, the exact sigmoid weights, the mean over all
windows covering a frame. It reads the video with plain OpenCV (sequentially,
no seeking) so it shares no code with ``movement_like.optical_flow``. The tests
and the benchmark compare the batched implementation against it.
"""

from collections import deque
from pathlib import Path

import cv2
import numpy as np

LK_CONFIG = dict(
    winSize=(45, 45),
    maxLevel=2,
    criteria=(cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 10, 0.03),
)


def gray_frames(path):
    """Yield every frame of a video file (or PNG folder) as grayscale, in order."""
    path = Path(path)
    if path.is_dir():
        for image in sorted(path.glob("*.png")):
            frame = cv2.imread(str(image), cv2.IMREAD_COLOR)
            yield cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        return
    capture = cv2.VideoCapture(str(path))
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        yield cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    capture.release()


def load_gray(path, stop=None):
    frames = []
    for frame in gray_frames(path):
        if stop is not None and len(frames) == stop:
            break
        frames.append(frame)
    return frames


def lk_chain(frame_list, seeds, **lk_config):
    """DUSTrack's ``_lk_track_frames``: row 0 is the seeds, then chained LK."""
    points = np.asarray(seeds, dtype=np.float32).reshape(-1, 1, 2)
    config = {**LK_CONFIG, **lk_config}
    out = np.empty((len(frame_list), points.shape[0], 2))
    out[0] = points[:, 0, :]
    for k in range(1, len(frame_list)):
        points, _, _ = cv2.calcOpticalFlowPyrLK(
            frame_list[k - 1], frame_list[k], points, None, **config
        )
        out[k] = points[:, 0, :]
    return out


def sigmoid_weights(n_frames, epsilon=0.01):
    """DUSTrack's ``compute_sigmoid_weights``."""
    start, end = 0, n_frames - 1
    b = 2 * np.log(1 / epsilon - 1) / (end - start)
    c = (end + start) / 2
    x = np.arange(start, end + 1)
    forward = (1 / (1 + np.exp(b * (x - c))) - 0.5) / (1 - 2 * epsilon) + 0.5
    reverse = (1 / (1 + np.exp(-b * (x - c))) - 0.5) / (1 - 2 * epsilon) + 0.5
    return forward, reverse


def rstc(frame_list, start_points, end_points, **lk_config):
    """DUSTrack's ``lucas_kanade_rstc_2``: forward, backward, sigmoid blend."""
    forward = lk_chain(frame_list, start_points, **lk_config)
    reverse = lk_chain(frame_list[::-1], end_points, **lk_config)
    wf, wr = sigmoid_weights(len(frame_list))
    return forward * wf[:, None, None] + reverse[::-1] * wr[:, None, None]


def forward_only(frame_list, start_points, **lk_config):
    return lk_chain(frame_list, start_points, **lk_config)


def lkmovavg(trace, frames, n_window, **lk_config):
    """DUSTrack's ``lk_moving_average_filter`` (save_raw=False branch).

    ``trace`` is ``(N, P, 2)``; ``frames`` an iterable of the N grayscale frames.
    A deque of the last ``n_window`` frames is handed to RSTC for every start frame.
    """
    trace = np.asarray(trace, dtype=np.float64)
    n_frames = trace.shape[0]
    total = np.zeros_like(trace)
    count = np.zeros(n_frames)
    buffer = deque(maxlen=n_window)
    for index, frame in enumerate(frames):
        if index >= n_frames:
            break
        buffer.append(frame)
        if len(buffer) < n_window:
            continue
        start = index - n_window + 1
        path = rstc(list(buffer), trace[start], trace[index], **lk_config)
        total[start : index + 1] += path
        count[start : index + 1] += 1
    return total / count[:, None, None]


def fill_gaps(trace, frame_list, method="rstc", **lk_config):
    """DUSTrack's 'auto' fill: RSTC between every pair of consecutive annotated frames.

    ``trace`` is ``(N, P, 2)`` with NaN where a point is missing; one RSTC per
    point and gap (one LK call per window and direction). Gaps touching the
    edges stay NaN; annotations are not touched.
    """
    trace = np.asarray(trace, dtype=np.float64)
    out = trace.copy()
    for p in range(trace.shape[1]):
        annotated = np.flatnonzero(np.all(np.isfinite(trace[:, p]), axis=1))
        for s, e in zip(annotated[:-1], annotated[1:], strict=True):
            if e - s < 2:
                continue
            window = frame_list[s : e + 1]
            if method == "rstc":
                path = rstc(window, trace[s, p][None], trace[e, p][None], **lk_config)
            else:
                path = forward_only(window, trace[s, p][None], **lk_config)
            out[s + 1 : e, p] = path[1:-1, 0]
    return out
