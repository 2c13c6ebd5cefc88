"""Quality checks of tracked positions: optical-flow residual and blip detection.

* :func:`flow_residual` compares each position with where one LK step carries
  its two neighbours (DUSTrack's ``flow_consistency.flow_residual``). It needs
  no ground truth and does not drift: a large residual flags a frame where the
  model disagrees with the image motion.
* :func:`detect_blips` finds short excursions that jump away and come back
  (DUSTrack's ``blip.detect_blips``): a robust (median + MAD) threshold on the
  frame-to-frame displacement, and a return-to-position test. It reads no video.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import xarray as xr

from movement_like.errors import InvalidArgumentError
from movement_like.optical_flow._points import check_video_length, point_table, select_points
from movement_like.optical_flow.tracks import ChunkResult, TrackRows, run_tracks
from movement_like.provenance import log_operation
from movement_like.utils.progress import Progress
from movement_like.video import open_video

__all__ = ["flow_residual", "detect_blips", "BLIP_DEFAULTS"]

#: DUSTrack's blip-detector defaults.
BLIP_DEFAULTS = {"threshold_factor": 5.0, "max_blip_length": 5, "return_position_factor": 3.0}
_MAD_TO_SIGMA = 1.4826
_MAD_ZERO_EPS = 1e-6


@log_operation
def flow_residual(
    position: xr.DataArray,
    video: Any,
    keypoints: str | Sequence[str] | None = None,
    lk_params: Mapping[str, Any] | None = None,
    progress: Progress = True,
    threads: int | None = None,
) -> xr.Dataset:
    """Measure how far positions sit from where optical flow carries their neighbours.

    For every frame ``m`` with finite positions at ``m - 1``, ``m`` and ``m + 1``:
    ``lk_fwd`` is one LK step from ``position[m - 1]`` (frame ``m - 1`` to ``m``),
    ``lk_rev`` one step from ``position[m + 1]`` (frame ``m + 1`` to ``m``), and

    * ``residual = (|position[m] - lk_fwd| + |position[m] - lk_rev|) / 2`` (px),
    * ``agreement = |lk_fwd - lk_rev|`` (px; large where the flow itself is unsure),
    * ``lk_estimate = (lk_fwd + lk_rev) / 2``.

    All points share two LK calls per frame pair.

    Parameters
    ----------
    position
        Positions with dims ``time`` and ``space`` and a ``frame`` coordinate.
    video
        Path, image folder or :class:`~movement_like.video.VideoReader`.
    keypoints
        Keypoint names to check (default all); the others get NaN.
    lk_params
        Overrides of DUSTrack's LK settings.
    progress
        Show a tqdm bar (True), nothing (False), or call ``progress(done, total)``
        as frames are tracked (see :mod:`movement_like.utils.progress`).
    threads
        LK worker threads (default: all CPUs).

    Returns
    -------
    xarray.Dataset
        ``residual`` and ``agreement`` (dims of ``position`` without ``space``)
        and ``lk_estimate`` (dims of ``position``); NaN at the first and last
        frame and wherever a neighbour is missing.
    """
    table = point_table(position)
    reader = open_video(video)
    check_video_length(reader, table.frames)
    points = select_points(table, keypoints)
    values = table.values
    n_time = values.shape[0]
    valid = np.all(np.isfinite(values), axis=2)
    lk_fwd = np.full_like(values, np.nan)
    lk_rev = np.full_like(values, np.nan)
    if n_time >= 3:
        frames = table.frames
        consecutive = (frames[1:-1] - frames[:-2] == 1) & (frames[2:] - frames[1:-1] == 1)
        usable = valid[:-2] & valid[1:-1] & valid[2:] & consecutive[:, None]
        chosen = np.zeros(values.shape[1], dtype=bool)
        chosen[points] = True
        usable &= chosen[None, :]
        mid, q = np.nonzero(usable)
        mid = mid + 1  # time index of m
        n_rows = len(mid)
        tracks = TrackRows(
            first=np.concatenate([frames[mid - 1], frames[mid + 1]]),
            last=np.concatenate([frames[mid], frames[mid]]),
            seeds=np.concatenate([values[mid - 1, q], values[mid + 1, q]]),
        )

        def consume(result: ChunkResult) -> None:
            rows = result.rows
            fwd = rows < n_rows
            # forward rows span (m-1, m): value at m is the second entry;
            # backward rows span (m, m+1): value at m is the first entry
            at_m = result.offsets + np.where(fwd, 1, 0)
            lk_fwd[mid[rows[fwd]], q[rows[fwd]]] = result.values[at_m[fwd]]
            back = rows[~fwd] - n_rows
            lk_rev[mid[back], q[back]] = result.values[at_m[~fwd]]

        if n_rows:
            run_tracks(
                reader,
                tracks,
                consume,
                lk_params,
                "keep",
                progress,
                "Flow residual",
                threads,
            )
    residual = 0.5 * (
        np.linalg.norm(values - lk_fwd, axis=2) + np.linalg.norm(values - lk_rev, axis=2)
    )
    agreement = np.linalg.norm(lk_fwd - lk_rev, axis=2)
    estimate = 0.5 * (lk_fwd + lk_rev)
    ds = xr.Dataset(
        {
            "residual": table.pointwise_dataarray(residual).rename("residual"),
            "agreement": table.pointwise_dataarray(agreement).rename("agreement"),
            "lk_estimate": table.to_dataarray(estimate, name="lk_estimate"),
        }
    )
    ds["residual"].attrs["units"] = "pixels"
    ds["agreement"].attrs["units"] = "pixels"
    return ds


def _threshold(d: np.ndarray, threshold_factor: float) -> tuple[float, float, float]:
    """Return ``(median, MAD, threshold)`` of finite displacements ``d`` (DUSTrack's rule)."""
    if d.size == 0:
        return float("nan"), float("nan"), float("nan")
    med = float(np.median(d))
    mad = float(np.median(np.abs(d - med)))
    if mad < _MAD_ZERO_EPS:
        if float(d.max() - d.min()) < _MAD_ZERO_EPS:
            return med, mad, float("inf")  # constant motion: nothing can stand out
        return med, mad, 0.5 * (med + float(d.max()))  # still trace with spikes
    return med, mad, med + threshold_factor * _MAD_TO_SIGMA * mad


def _blips_of_trace(
    xy: np.ndarray, threshold_factor: float, max_blip_length: int, return_position_factor: float
) -> tuple[list[tuple[int, int]], float, dict[str, int]]:
    """Return the blip runs ``[(s, e)]`` (inclusive), the threshold and skip counts."""
    n = xy.shape[0]
    d = np.linalg.norm(np.diff(xy, axis=0), axis=1)
    finite = d[np.isfinite(d)]
    med, _mad, threshold = _threshold(finite, threshold_factor)
    skipped = {"edge": 0, "long": 0, "noreturn": 0}
    runs: list[tuple[int, int]] = []
    if not np.isfinite(threshold):
        return runs, threshold, skipped
    i = 0
    while i < len(d):
        if not np.isfinite(d[i]) or d[i] <= threshold:
            i += 1
            continue
        s = i + 1  # the first frame off the path; xy[i] is the anchor before it
        anchor = xy[s - 1]
        if not np.all(np.isfinite(anchor)):
            i += 1
            continue
        outcome = "long"
        for e in range(s, s + max_blip_length):
            if e + 1 >= n:
                outcome = "edge"
                break
            after = xy[e + 1]
            if not np.all(np.isfinite(after)):
                outcome = "noreturn"
                break
            tolerance = return_position_factor * med * (e - s + 2)
            if np.linalg.norm(after - anchor) <= tolerance:
                outcome = "found"
                break
        if outcome == "found":
            runs.append((s, e))
            i = e + 1  # the return displacement is not a new entry
            continue
        skipped[outcome] += 1
        i += 1
    return runs, threshold, skipped


@log_operation
def detect_blips(
    position: xr.DataArray,
    threshold_factor: float = 5.0,
    max_blip_length: int = 5,
    return_position_factor: float = 3.0,
) -> xr.DataArray:
    """Flag short runs of frames where a point jumps away and comes back.

    Per point, ``d[t] = |xy[t+1] - xy[t]|``; a blip starts where ``d`` exceeds
    ``median(d) + threshold_factor * 1.4826 * MAD(d)`` (or, when the MAD is ~0,
    halfway between the median and the maximum; nothing when ``d`` is constant)
    and ends at the first frame ``e`` within ``max_blip_length`` frames after
    which the point is back within ``return_position_factor * median(d) *
    (e - s + 2)`` px of where it was before the jump. Runs at the edges, longer
    runs and runs that meet a missing value are not flagged. This is DUSTrack's
    detector with its defaults; it reads no video. To repair the blips, set them
    to NaN and fill with :func:`~movement_like.optical_flow.fill_gaps_optical_flow`.

    Parameters
    ----------
    position
        Positions with dims ``time`` and ``space``; other dims are kept.
        Consecutive time points are taken as consecutive frames.
    threshold_factor
        Entry threshold in robust standard deviations above the median.
    max_blip_length
        Longest run (frames) that counts as a blip.
    return_position_factor
        Return tolerance, in median displacements per frame of the run.

    Returns
    -------
    xarray.DataArray
        Boolean ``blip`` (dims of ``position`` without ``space``), True on blip
        frames, with a ``blip_threshold`` coordinate (px, per point).
    """
    if int(max_blip_length) < 1:
        raise InvalidArgumentError(f"max_blip_length must be at least 1, got {max_blip_length}")
    if "time" not in position.dims or "space" not in position.dims:
        raise InvalidArgumentError(f"position must have 'time' and 'space' dims: {position.dims}")
    point_dims = tuple(d for d in position.dims if d not in ("time", "space"))
    source = position.transpose("time", *point_dims, "space")
    values = np.asarray(source.values, dtype=np.float64)
    n_time = values.shape[0]
    flat = values.reshape(n_time, -1, values.shape[-1])
    mask = np.zeros(flat.shape[:2], dtype=bool)
    thresholds = np.full(flat.shape[1], np.nan)
    for q in range(flat.shape[1]):
        runs, thresholds[q], _ = _blips_of_trace(
            flat[:, q],
            float(threshold_factor),
            int(max_blip_length),
            float(return_position_factor),
        )
        for s, e in runs:
            mask[s : e + 1, q] = True
    point_shape = tuple(source.sizes[d] for d in point_dims)
    coords = {name: coord for name, coord in source.coords.items() if "space" not in coord.dims}
    blip = xr.DataArray(
        mask.reshape((n_time, *point_shape)),
        dims=("time", *point_dims),
        coords=coords,
        name="blip",
    )
    blip = blip.assign_coords(blip_threshold=(point_dims, thresholds.reshape(point_shape)))
    order = [d for d in position.dims if d != "space"]
    return blip.transpose(*order)
