"""NWB pose estimates (ndx-pose ``PoseEstimation``) to one poses dataset.

Each ``PoseEstimation`` becomes one individual (sleap-io writes one per track,
named ``track=<name>``); series of different lengths are aligned by timestamp
on the union of their timestamps; keypoints keep the Skeleton's order; what
NWB knows that ``movement`` drops (skeleton edges, units, reference frame,
scorer, source software and versions) goes into the attrs.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import xarray as xr

from movement_like.dataset import netcdf_safe_attrs, poses_from_numpy
from movement_like.errors import FileFormatError, InvalidArgumentError
from movement_like.io.formats.nwb.contents import (
    Contents,
    Estimation,
    numbered_repeats,
    safe_object_name,
    unique_attr,
)

#: Package-internal: users import from :mod:`movement_like.io.formats.nwb`.
__all__: list[str] = []

_DLC2NWB_DESCRIPTION = re.compile(
    r"^Keypoint (?P<keypoint>.+) from individual (?P<individual>.+)\.$"
)


def poses_from_contents(
    contents_list: list[Contents],
    processing_module_key: str | None,
    pose_estimation_key: str | None,
    fps: float | None,
    time_from: str = "timestamps",
) -> xr.Dataset:
    """One poses dataset from the pose estimates of one or more NWB files.

    Parameters
    ----------
    contents_list
        What each file holds.
    processing_module_key, pose_estimation_key
        Keep only the ``PoseEstimation`` objects of this module / with this name.
    fps
        The frame rate: must agree with the timestamps, unless ``time_from`` is
        ``"frames"``.
    time_from
        ``"timestamps"`` or ``"frames"`` (see :func:`~movement_like.io.formats.nwb.from_nwb_file`).

    Returns
    -------
    xarray.Dataset
        See :func:`movement_like.io.formats.nwb.from_nwb_file`.
    """
    parts: list[tuple[str, Estimation, Contents]] = []
    for contents in contents_list:
        chosen = _select(contents, processing_module_key, pose_estimation_key)
        for name, estimation in zip(_individual_names(contents, chosen), chosen, strict=True):
            parts.append((name, estimation, contents))
    names = numbered_repeats([name for name, _, _ in parts])
    return _estimation_dataset(
        [(name, e, c) for name, (_, e, c) in zip(names, parts, strict=True)], fps, time_from
    )


def _select(
    contents: Contents, module_key: str | None, estimation_key: str | None
) -> list[Estimation]:
    chosen = [
        e
        for e in contents.estimations
        if (module_key is None or e.module == module_key)
        and (estimation_key is None or e.name == estimation_key)
    ]
    if not chosen:
        available = [e.key for e in contents.estimations]
        if available:
            raise FileFormatError(
                contents.source,
                f"has no PoseEstimation matching processing_module_key={module_key!r}, "
                f"pose_estimation_key={estimation_key!r}",
                f"available (module/name): {available}",
            )
        hint = "; it holds PoseTraining labels: pass which='training'" if contents.training else ""
        raise FileFormatError(
            contents.source,
            "holds no ndx-pose PoseEstimation" + hint,
            "is it an NWB file with pose estimates (ndx-pose)?" if not hint else None,
        )
    return chosen


def _dlc2nwb_names(estimation: Estimation) -> tuple[str, dict[str, str]] | None:
    """DLC2NWB describes each series as 'Keypoint <kp> from individual <ind>.'."""
    if not estimation.series:
        return None
    matches = [_DLC2NWB_DESCRIPTION.match(s.description or "") for s in estimation.series]
    if not all(matches):
        return None
    individuals = {m.group("individual") for m in matches if m}
    if len(individuals) != 1:
        return None
    keypoints = {
        s.name: m.group("keypoint") for s, m in zip(estimation.series, matches, strict=True) if m
    }
    if len(set(keypoints.values())) != len(keypoints):
        return None
    return individuals.pop(), keypoints


def _individual_names(contents: Contents, chosen: list[Estimation]) -> list[str]:
    tracks = [e.name[len("track=") :] if e.name.startswith("track=") else None for e in chosen]
    if len(chosen) == 1:
        dlc = _dlc2nwb_names(chosen[0])
        name = contents.subject_id or tracks[0] or (dlc[0] if dlc else None) or contents.identifier
        return [name or "individual_0"]
    names = [t if t is not None else e.name for t, e in zip(tracks, chosen, strict=True)]
    if len(set(names)) != len(names):
        names = [e.key for e in chosen]
    return names


def _keypoint_of_series(estimation: Estimation) -> dict[str, str]:
    """Series name → keypoint name, in Skeleton order (never sorted).

    A series is matched to a node by name, or by the NWB-safe form of the node
    name (NWB object names cannot hold ``/`` or ``:``, so :func:`to_nwb_file`
    names such series ``a_b`` and keeps ``a/b`` in the Skeleton). Series the
    Skeleton lacks come last, in file order.
    """
    series_names = [s.name for s in estimation.series]
    mapping: dict[str, str] = {}
    for node in estimation.nodes or []:
        for candidate in (node, safe_object_name(node)):
            if candidate in series_names and candidate not in mapping:
                mapping[candidate] = node
                break
    mapping.update({n: n for n in series_names if n not in mapping})
    return mapping


def _infer_fps(times: np.ndarray, rates: set[float | None]) -> float | None:
    if len(rates) == 1 and None not in rates:
        return float(next(iter(rates)))  # type: ignore[arg-type]
    if times.size < 2:
        return None
    steps = np.diff(times)
    if np.allclose(steps, steps.mean(), rtol=1e-6, atol=0):
        return round(1.0 / float(steps.mean()), 6)
    return None


def _confidence_of(series: Any, n: int, source: str, key: str) -> np.ndarray | None:
    """Return the confidence of a series as ``n`` values; None when the file has none."""
    confidence = series.confidence
    if confidence is None or confidence.size == 0:
        return None
    if confidence.shape not in ((n,), (n, 1)):
        raise FileFormatError(
            source,
            f"series {key}/{series.name} has confidence of shape {confidence.shape} for {n} values",
            "confidence holds one value per sample",
        )
    return confidence.reshape(n)


def _checked_fps(
    fps: float | None, inferred: float | None, times: np.ndarray, source: str
) -> float | None:
    """Return the frame rate to record (the timestamps'); refuse a contradicting ``fps``."""
    if fps is None:
        return inferred
    if inferred is not None and np.isclose(float(fps), inferred, rtol=1e-3):
        return inferred
    said = (
        f"a uniform {inferred:g} samples per second" if inferred is not None else "no uniform rate"
    )
    raise InvalidArgumentError(
        f"{source}: fps={fps:g} contradicts the file's timestamps, which give {said} "
        f"({', '.join(f'{t:g}' for t in times[:3])} … s); time keeps the timestamps, so "
        "frame numbers would be wrong; leave out fps=... to use the file's timing, or pass "
        "time_from='frames' to take the samples as consecutive frames timed at fps"
    )


def _estimation_dataset(
    parts: list[tuple[str, Estimation, Contents]], fps: float | None, time_from: str
) -> xr.Dataset:
    """One dataset from (individual name, estimation, file) triples."""
    individuals = [name for name, _, _ in parts]
    keypoint_maps: list[dict[str, str]] = []
    keypoints: list[str] = []
    for _, estimation, _ in parts:
        dlc = _dlc2nwb_names(estimation) if len(parts) == 1 else None
        rename = dlc[1] if dlc else {}
        mapping = {s: rename.get(s, k) for s, k in _keypoint_of_series(estimation).items()}
        keypoint_maps.append(mapping)
        keypoints += [k for k in mapping.values() if k not in keypoints]
    all_series = [s for _, e, _ in parts for s in e.series]
    times = (
        np.unique(np.concatenate([s.timestamps for s in all_series])) if all_series else np.empty(0)
    )
    n_space = max([s.data.shape[1] for s in all_series if s.data.size] + [2])
    if n_space not in (2, 3):
        raise FileFormatError(
            parts[0][2].source, f"pose data have {n_space} coordinates, not 2 or 3"
        )
    dtype = np.result_type(*[s.data.dtype for s in all_series]) if all_series else np.float64
    confidences = [s.confidence.dtype for s in all_series if s.confidence is not None]
    conf_dtype = np.result_type(*confidences) if confidences else dtype
    position = np.full((times.size, len(individuals), len(keypoints), n_space), np.nan, dtype)
    confidence = np.full(position.shape[:3], np.nan, conf_dtype)
    for i, (part, mapping) in enumerate(zip(parts, keypoint_maps, strict=True)):
        _, estimation, contents = part
        for series in estimation.series:
            k = keypoints.index(mapping[series.name])
            if series.data.shape[0] != series.timestamps.size:
                raise FileFormatError(
                    contents.source,
                    f"series {estimation.key}/{series.name} has "
                    f"{series.data.shape[0]} values but {series.timestamps.size} timestamps",
                )
            if not np.all(np.isfinite(series.timestamps)):
                raise FileFormatError(
                    contents.source,
                    f"series {estimation.key}/{series.name} has timestamps "
                    "that are NaN or infinite",
                )
            if np.unique(series.timestamps).size != series.timestamps.size:
                warnings.warn(
                    f"{contents.source}: series {estimation.key}/{series.name} repeats "
                    "timestamps; the last value of each repeated timestamp is kept",
                    stacklevel=5,
                )
            rows = np.searchsorted(times, series.timestamps)
            position[rows, i, k, : series.data.shape[1]] = series.data
            values = _confidence_of(series, rows.size, contents.source, estimation.key)
            if values is not None:
                confidence[rows, i, k] = values
    if not all_series:  # a real ndx-pose 0.1 fixture does this: loaded, but said
        warnings.warn(
            f"{parts[0][2].source}: its PoseEstimation {[e.key for _, e, _ in parts]} holds "
            "no PoseEstimationSeries, so the dataset has no keypoints and no frames",
            UserWarning,
            stacklevel=4,
        )
    inferred = _infer_fps(times, {s.rate for s in all_series})
    source = parts[0][2].source
    frame_array = None
    time_array: np.ndarray | None = times
    if time_from == "frames":
        if fps is None or (inferred is None and times.size > 1):
            raise InvalidArgumentError(
                f"{source}: time_from='frames' needs fps and uniformly spaced timestamps "
                f"(fps={fps}, uniform: {inferred is not None or times.size <= 1})"
            )
        frame_array, time_array = np.arange(times.size), None
    else:
        fps = _checked_fps(fps, inferred, times, source)
    ds = poses_from_numpy(
        position,
        confidence,
        individual_names=individuals,
        keypoint_names=keypoints,
        fps=fps,
        source_software=_single_text([e.meta.get("source_software") for _, e, _ in parts], "NWB"),
        frame_array=frame_array,
        time_array=time_array,
    )
    edges = []
    for (_, estimation, contents), mapping in zip(parts, keypoint_maps, strict=True):
        if estimation.nodes is None or estimation.edges is None:
            continue
        skeleton = np.asarray(estimation.edges)
        if skeleton.ndim != 2 or skeleton.shape[1] != 2 or skeleton.dtype.kind not in "iu":
            raise FileFormatError(
                contents.source,
                f"the skeleton's edges have shape {skeleton.shape} and dtype {skeleton.dtype}, "
                "not (n, 2) node indices",
                "the file is damaged; re-export it from its source",
            )
        for a, b in skeleton.tolist():
            if a < len(estimation.nodes) and b < len(estimation.nodes):
                pair = [
                    mapping.get(estimation.nodes[a], estimation.nodes[a]),
                    mapping.get(estimation.nodes[b], estimation.nodes[b]),
                ]
                if pair not in edges:
                    edges.append(pair)
    files = []
    for _, _, contents in parts:
        if contents.source not in files:
            files.append(contents.source)
    attrs: dict[str, Any] = {
        "source_file": files[0] if len(files) == 1 else files,
        "nwb_time_from": None
        if time_from == "timestamps"
        else f"frames: sample k at k / {fps:g} s (the file's timestamps were "
        f"{', '.join(f'{t:g}' for t in times[:3])} … s)",
        "nwb_reader": unique_attr(c.reader for _, _, c in parts),
        "nwb_identifier": unique_attr(c.identifier for _, _, c in parts),
        "subject_id": unique_attr(c.subject_id for _, _, c in parts),
        "nwb_pose_estimations": [e.key for _, e, _ in parts],
        "skeleton_edges": edges or None,
        "unit": unique_attr(s.unit for s in all_series),
        "reference_frame": unique_attr(s.reference_frame for s in all_series),
        "confidence_definition": unique_attr(s.confidence_definition for s in all_series),
    }
    for key in ("nwb_version", "ndx_pose_version"):
        attrs[key] = unique_attr(c.versions.get(key) for _, _, c in parts)
    for key in (
        "source_software_version",
        "scorer",
        "description",
        "original_videos",
        "labeled_videos",
        "dimensions",
        "devices",
    ):
        attrs[key] = unique_attr(e.meta.get(key) for _, e, _ in parts)
    ds.attrs.update(netcdf_safe_attrs(attrs))
    return ds


def _single_text(values: Sequence[str | None], default: str) -> str:
    distinct = {v for v in values if v}
    return distinct.pop() if len(distinct) == 1 else default
