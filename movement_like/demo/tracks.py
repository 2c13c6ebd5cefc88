"""The main job on a real tracking file: clean, fill, smooth, measure, and ask where the animal was.

For a sample with a video (the DeepLabCut open-field mouse, the SLEAP flies)
the pipeline is the one a lab runs on its own recordings:

1. drop predictions below a confidence threshold;
2. fill the gaps with optical flow (LK-RSTC) on the real video;
3. reduce jitter with the optical-flow moving average (DUSTrack's ``lkmovavg``);
4. compute the speed of a body point and, with a left/right pair of keypoints
   (ears), the head direction;
5. compute the time spent in the centre of the arena (regions of interest);
6. save the state as netCDF, draw a figure and return a summary table.

Samples without a video (idtracker.ai fish, VIA face boxes) take the same
path with interpolation and a rolling median in place of the optical-flow
steps. Every step is a public library function.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

__all__ = ["Arena", "STAGE_LABELS", "TRACK_COLUMNS", "arena_of", "body_point", "run_tracks"]

#: The stages kept in the saved state, and what a reader of the figure calls them.
STAGE_LABELS = {
    "raw": "raw predictions",
    "confident": "low-confidence points removed",
    "filled": "gaps filled",
    "cleaned": "cleaned (gaps filled, jitter reduced)",
}

#: The summary table's columns, each explained in one line.
TRACK_COLUMNS = {
    "individual": "the animal (track) the row is about",
    "missing_%": "share of (frame, keypoint) pairs missing after the confidence filter",
    "missing_cleaned_%": "the same after gap filling and smoothing (what is left unfilled)",
    "path_length_px": "distance travelled by the body point, cleaned track, in pixels",
    "mean_speed_px_s": "mean speed of the body point, cleaned track, pixels per time unit",
    "jitter_raw_px": "median frame-to-frame wobble (size of the 2nd difference) before cleaning",
    "jitter_cleaned_px": "the same after cleaning: lower means smoother",
    "centre_time_%": "share of the tracked time the body point spent in the arena's centre zone",
    "centre_entries": "number of times the body point entered the centre zone",
    "mean_heading_deg": "circular mean head direction (0 = +x, 90 = +y in image axes), degrees",
    "heading_vs_snout_deg": "median angle between that head direction and ears-to-snout, degrees",
}

#: Keypoint pairs across the head, as (left, right), tried in order for the head direction.
HEAD_PAIRS = [("leftear", "rightear"), ("left_ear", "right_ear"), ("ear_left", "ear_right")]
#: Keypoints that stand for the whole body, tried in order before the mean of all keypoints.
BODY_POINTS = ["centroid", "thorax", "body_centre", "body_center", "neck"]

#: Open-field arena floor read off frame 0 of the DeepLabCut ``m3v1mp4.mp4`` video (pixels).
OPENFIELD_ARENA = [(12.0, 56.0), (632.0, 56.0), (632.0, 468.0), (12.0, 468.0)]


@dataclass
class Arena:
    """The arena and its centre zone, with where they came from (for the figure's legend).

    Attributes
    ----------
    arena
        The arena floor, a :class:`movement_like.roi.PolygonOfInterest` named ``"arena"``.
    centre
        The centre zone (the arena scaled by one half about its centroid), named ``"centre"``.
    source
        How the arena was found, in words, for the figure's legend.
    """

    arena: Any
    centre: Any
    source: str


def arena_of(ds: xr.Dataset, dataset_name: str) -> Arena:
    """Return the arena of a sample and its centre zone (the middle half of width and height).

    The arena is, in order of preference: the open field measured on the
    mouse video, idtracker.ai's ``border`` setup points, or the rectangle
    spanned by the tracks (1st to 99th percentile of every coordinate).

    Parameters
    ----------
    ds
        The loaded sample; its ``position`` gives the fallback rectangle and
        ``attrs["setup_points"]`` (idtracker.ai) the arena border.
    dataset_name
        The sample's name: ``"openfield_mouse"`` uses the floor measured on its video.

    Returns
    -------
    Arena
        The arena, its centre zone and where the arena came from.
    """
    import shapely

    from movement_like.roi import PolygonOfInterest, regions_from_setup_points

    arena = None
    source = ""
    if dataset_name == "openfield_mouse":
        arena = PolygonOfInterest(OPENFIELD_ARENA, name="arena")
        source = "open-field floor, read off the video"
    elif "setup_points" in ds.attrs:
        regions = [
            r for r in regions_from_setup_points(ds.attrs["setup_points"]) if r.name == "border"
        ]
        if regions:
            arena = PolygonOfInterest(list(regions[0].region.exterior.coords), name="arena")
            source = "idtracker.ai arena border"
    if arena is None:
        values = ds["position"].transpose(..., "space").values.reshape(-1, 2)
        (x0, y0), (x1, y1) = np.nanpercentile(values, [1, 99], axis=0)
        arena = PolygonOfInterest([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], name="arena")
        source = "extent of the tracks (1st-99th percentile)"
    shrunk = shapely.affinity.scale(arena.region, 0.5, 0.5, origin="centroid")
    centre = PolygonOfInterest(list(shrunk.exterior.coords), name="centre")
    return Arena(arena=arena, centre=centre, source=source)


def body_point(position: xr.DataArray) -> tuple[xr.DataArray, str]:
    """Return one point per animal and frame, and its name for a label.

    A keypoint that stands for the body (``centroid``, ``thorax`` ...), else the
    mean of the keypoints seen in that frame; bounding boxes have their centre.

    Parameters
    ----------
    position
        The ``position`` array of a poses dataset (with ``keypoints``) or of a
        bboxes dataset (box centres, no ``keypoints``).

    Returns
    -------
    point : xarray.DataArray
        ``position`` without the ``keypoints`` dimension: one point per time and individual.
    name : str
        What the point is (a keypoint name, the mean of which keypoints, or
        ``"box centre"``), for axis labels and the summary.
    """
    if "keypoints" not in position.dims:
        return position, "box centre"
    names = [str(k) for k in position["keypoints"].values]
    for name in BODY_POINTS:
        if name in names:
            return position.sel(keypoints=name, drop=True), name
    if len(names) == 1:
        return position.isel(keypoints=0, drop=True), names[0]
    return position.mean("keypoints", skipna=True), f"body centre (mean of {', '.join(names)})"


def head_pair(position: xr.DataArray) -> tuple[str, str] | None:
    """Return the (left, right) keypoints across the head, if the data has a known pair."""
    if "keypoints" not in position.dims:
        return None
    names = {str(k) for k in position["keypoints"].values}
    for left, right in HEAD_PAIRS:
        if left in names and right in names:
            return left, right
    return None


def _missing_points(data: xr.DataArray) -> float:
    return 100 * float(data.isnull().any("space").mean())


def _heading_check(state: xr.Dataset, pick: dict[str, Any]) -> float:
    """Median angle between the head direction and the ears-to-snout direction, in degrees."""
    left, right = state.attrs["head_pair"].split(",")
    position = state["position"].sel(stage="cleaned", **pick)
    if "snout" not in position["keypoints"].values:
        return float("nan")
    middle = (position.sel(keypoints=left) + position.sel(keypoints=right)) / 2
    towards = (position.sel(keypoints="snout") - middle).transpose(..., "space").values
    angle = np.arctan2(towards[..., 1], towards[..., 0])
    difference = np.abs(np.angle(np.exp(1j * (angle - state["heading"].sel(pick).values))))
    return float(np.degrees(np.nanmedian(difference)))


def _wobble(data: xr.DataArray) -> xr.DataArray:
    import xarray as xr

    second = data.diff("time", n=2)
    size = np.sqrt((second**2).sum("space", skipna=False))
    return xr.DataArray(size).median("time", skipna=True)


def summary(state: xr.Dataset) -> Any:
    """One row per individual: missing points, path length, speed, jitter, centre time, heading.

    The columns are explained in :data:`TRACK_COLUMNS`.
    """
    import pandas as pd

    raw = state["body_raw"]
    cleaned = state["body"]
    step = ((cleaned.diff("time") ** 2).sum("space", skipna=False)) ** 0.5
    rows = []
    for individual in state["individuals"].values:
        pick = {"individuals": individual}
        inside = state["in_centre"].sel(pick).values.astype(bool)
        seen = cleaned.sel(pick).notnull().all("space").values
        entries = int(np.sum(inside[1:] & ~inside[:-1]) + inside[:1].sum())
        speed = state["speed"].sel(pick).values
        row = {
            "individual": str(individual),
            "missing_%": _missing_points(state["position"].sel(stage="confident", **pick)),
            "missing_cleaned_%": _missing_points(state["position"].sel(stage="cleaned", **pick)),
            "path_length_px": float(np.nansum(step.sel(pick).values)),
            "mean_speed_px_s": float(np.nanmean(speed)) if np.isfinite(speed).any() else np.nan,
            "jitter_raw_px": float(_wobble(raw.sel(pick))),
            "jitter_cleaned_px": float(_wobble(cleaned.sel(pick))),
            "centre_time_%": 100 * float(inside[seen].mean()) if seen.any() else np.nan,
            "centre_entries": entries,
        }
        if "heading" in state:
            angle = state["heading"].sel(pick).values
            angle = angle[np.isfinite(angle)]
            row["mean_heading_deg"] = (
                float(np.degrees(np.arctan2(np.sin(angle).mean(), np.cos(angle).mean())))
                if angle.size
                else np.nan
            )
            row["heading_vs_snout_deg"] = _heading_check(state, pick)
        rows.append(row)
    return pd.DataFrame(rows).round(2)


#: Default confidence threshold by source software: SLEAP's point scores run lower
#: than DeepLabCut's likelihoods (median 0.77 on the fly sample, against 0.99+).
THRESHOLDS = {"SLEAP": 0.3}
DEFAULT_THRESHOLD = 0.9

#: Tracks seen on fewer frames than this share are left out (SLEAP lists every track it made).
MIN_TRACKED = 0.05


def _keep_tracked(ds: xr.Dataset) -> tuple[xr.Dataset, int]:
    """Drop the tracks seen on under :data:`MIN_TRACKED` of the frames; return how many went."""
    position = ds["position"]
    dims = [d for d in position.dims if d not in ("individuals", "time")]
    seen = position.notnull().any(dims).mean("time") >= MIN_TRACKED
    if bool(seen.all()):
        return ds, 0
    return ds.sel(individuals=seen.values), int((~seen).sum())


def run_tracks(
    ds: xr.Dataset,
    dataset_name: str,
    *,
    threshold: float | None = None,
    max_gap: int = 30,
    window: float = 0.2,
    progress: bool = True,
    say: Any = print,
) -> tuple[xr.Dataset, Any]:
    """Run the pipeline on one loaded sample; return the state to save and its summary table.

    Parameters
    ----------
    ds
        A poses or bboxes dataset; ``attrs["video_path"]`` (when set) is the
        video the optical-flow steps track.
    dataset_name
        The sample's name (it picks the arena, see :func:`arena_of`).
    threshold
        Predictions with a lower confidence are dropped (when the file has
        confidences); by default 0.9, or 0.3 for SLEAP's point scores.
    max_gap
        Longest run of missing frames that is filled.
    window
        Jitter-reduction window, in seconds (in frames when time is in frames).
    progress
        Show progress bars for the optical-flow steps.
    say
        Called with one line of text per step.

    Returns
    -------
    state : xarray.Dataset
        Every stage of ``position`` (raw, confident, filled, cleaned) along a
        ``stage`` dimension, the body point before and after cleaning, its
        ``speed``, ``in_centre``, ``confidence`` and ``heading`` when known, and
        the provenance log, arena and centre zone in ``attrs``.
    summary : pandas.DataFrame
        One row per individual (see :func:`summary`).
    """
    import json
    from pathlib import Path

    import xarray as xr

    from movement_like import filtering, kinematics, roi
    from movement_like.optical_flow import fill_gaps_optical_flow, reduce_jitter
    from movement_like.provenance import read_log

    ds, dropped_tracks = _keep_tracked(ds)
    video = ds.attrs.get("video_path")
    video = video if video and Path(video).is_file() else None
    raw = ds["position"]
    shape = ", ".join(f"{n} {d}" for d, n in ds.sizes.items() if d != "space")
    say(f"1. loaded {dataset_name}: {shape}" + (f"; video {Path(video).name}" if video else ""))
    if dropped_tracks:
        say(f"   left out {dropped_tracks} tracks seen on under {MIN_TRACKED:.0%} of the frames")

    position = raw
    if threshold is None:
        threshold = THRESHOLDS.get(str(ds.attrs.get("source_software")), DEFAULT_THRESHOLD)
    confidence = ds.get("confidence")
    if confidence is not None and bool(confidence.notnull().any()):
        position = filtering.filter_by_confidence(raw, confidence, threshold=threshold)
        dropped = int(position.isnull().any("space").sum() - raw.isnull().any("space").sum())
        say(f"2. dropped {dropped} points with confidence < {threshold}")
    else:
        say("2. the file has no confidence values: nothing to filter")
    confident = position

    if video is not None:
        filled = fill_gaps_optical_flow(position, video, max_gap=max_gap, progress=progress)
        filled = filled.drop_vars("lk_filled", errors="ignore")
        how = "optical flow (LK-RSTC) on the video"
    else:
        filled = filtering.interpolate_over_time(position, max_gap=max_gap)
        how = "linear interpolation (no video)"
    before, after = (int(p.isnull().any("space").sum()) for p in (position, filled))
    say(f"3. filled gaps of up to {max_gap} frames with {how}: {before} -> {after} missing")

    if video is not None:
        cleaned = reduce_jitter(
            filled, video, window=window, progress=progress, skip_incomplete=True
        )
        assert isinstance(cleaned, xr.DataArray)
        gappy = filled.isnull().any(["time", "space"])  # points optical flow left unchanged
        say(
            f"4. reduced jitter with the optical-flow moving average ({window} s window)"
            + (f" on {int((~gappy).sum())} complete points" if bool(gappy.any()) else "")
        )
        if bool(gappy.any()):
            frames = max(3, int(round(window * float(ds.attrs.get("fps") or 1.0))) | 1)
            median = filtering.rolling_filter(filled, frames, statistic="median", min_periods=1)
            cleaned = cleaned.where(~gappy, median.where(filled.notnull()))
            say(f"   and a rolling median over {frames} frames on {int(gappy.sum())} with gaps")
    else:
        frames = max(3, int(round(window * float(ds.attrs.get("fps") or 1.0))) | 1)
        cleaned = filtering.rolling_filter(filled, frames, statistic="median", min_periods=1)
        say(f"4. reduced jitter with a rolling median over {frames} frames")
    assert isinstance(cleaned, xr.DataArray)

    body_raw, body_name = body_point(raw)
    body, _ = body_point(cleaned)
    speed = kinematics.compute_speed(body)
    pair = head_pair(cleaned)
    heading = None
    if pair is not None:
        heading = kinematics.compute_forward_vector_angle(cleaned, pair[0], pair[1])
        say(
            f"5. computed the speed of the {body_name} and the head direction ({pair[0]}/{pair[1]})"
        )
    else:
        say(f"5. computed the speed of the {body_name} (no left/right pair: no head direction)")

    zones = arena_of(ds, dataset_name)
    in_centre = roi.compute_region_occupancy(body, [zones.centre]).squeeze("region", drop=True)
    seen = body.notnull().all("space")
    share = 100 * float(in_centre.where(seen).mean()) if bool(seen.any()) else float("nan")
    say(f"6. the {body_name} spent {share:.1f}% of the tracked time in the arena's centre zone")

    stages = xr.concat(
        [raw, confident, filled, cleaned],
        dim=xr.Variable("stage", list(STAGE_LABELS)),
        coords="minimal",
        compat="override",
        combine_attrs="drop",
    )
    variables: dict[str, xr.DataArray] = {
        "position": stages,
        "body_raw": body_raw,
        "body": body,
        "speed": speed,
        "in_centre": in_centre.astype(np.int8),
    }
    if confidence is not None:
        variables["confidence"] = confidence
    if heading is not None:
        variables["heading"] = heading
    for variable in variables.values():
        variable.attrs = {}
    log = read_log(ds)
    for step in (confident, filled, cleaned, speed):
        log += [entry for entry in read_log(step) if entry not in log]
    attrs = {k: v for k, v in ds.attrs.items() if k != "log" and not isinstance(v, dict)}
    attrs.update(
        log=json.dumps(log),
        sample=dataset_name,
        body_point=body_name,
        arena=json.dumps([list(map(float, p)) for p in zones.arena.region.exterior.coords]),
        centre_zone=json.dumps([list(map(float, p)) for p in zones.centre.region.exterior.coords]),
        arena_source=zones.source,
        stage_labels=json.dumps(STAGE_LABELS),
    )
    if pair is not None:
        attrs["head_pair"] = f"{pair[0]},{pair[1]}"
    state = xr.Dataset(variables, attrs=attrs)
    return state, summary(state)
