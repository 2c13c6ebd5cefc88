"""NWB files with the ndx-pose extension (0.1 to 0.4): pose estimates and training labels.

Reading
    :func:`from_nwb_file` reads every ``PoseEstimation`` of a file (sleap-io
    writes one per track, named ``track=<name>``, in a per-video processing
    module) and keeps what NWB knows that ``movement`` drops: the real
    timestamps (union over the series, series of different lengths aligned by
    timestamp, rate-based series expanded from ``starting_time`` + ``rate``),
    the keypoint order of the Skeleton (never sorted), skeleton edges, units,
    reference frame, scorer and source software. ``which="training"`` reads
    the ground truth instead (``PoseTraining`` → ``TrainingFrame`` →
    ``SkeletonInstance``) as a sparse dataset with a ``visibility`` variable.

    Files are opened with pynwb; when pynwb or the installed ndx-pose refuses a
    file (ndx-pose 0.4 refuses a 0.3 ``PoseEstimation`` that links two
    cameras; sleap-io files carry cached namespaces that conflict with pynwb's),
    the file is retried with ``load_namespaces=False`` and then read directly
    with h5py, which needs no extension classes at all.
Writing
    :func:`to_nwb_file` returns one ``NWBFile`` per individual (NWB holds one
    subject per file) with a Subject, a Skeleton (with edges when known) and a
    ``PoseEstimation`` in the processing module ``behavior``; with
    ``which="training"`` a single ``NWBFile`` holding a ``PoseTraining``.
    :func:`to_nwb_path` writes them, atomically.

pynwb, hdmf and ndx_pose are imported inside the functions that need them.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from movement_like.dataset import (
    frame_numbers,
    netcdf_safe_attrs,
    poses_from_numpy,
    require_contract_dims,
    validate_poses,
)
from movement_like.errors import (
    FileFormatError,
    InvalidDatasetError,
    MissingDependencyError,
)
from movement_like.io.atomic import atomic_path, check_writable

__all__ = [
    "NWBSaveConfig",
    "from_nwb_file",
    "to_nwb_file",
    "to_nwb_path",
    "sniff",
    "read",
    "write",
]

_DLC2NWB_DESCRIPTION = re.compile(
    r"^Keypoint (?P<keypoint>.+) from individual (?P<individual>.+)\.$"
)
_DEFAULT_REFERENCE_FRAME = "(0,0) corresponds to the top left corner of the video."


# --------------------------------------------------------------------------- #
# what a file holds, independent of the library that read it
# --------------------------------------------------------------------------- #
@dataclass
class _Series:
    """One PoseEstimationSeries: a keypoint over time."""

    name: str
    data: np.ndarray
    confidence: np.ndarray | None
    timestamps: np.ndarray
    rate: float | None = None
    description: str | None = None
    unit: str | None = None
    reference_frame: str | None = None
    confidence_definition: str | None = None


@dataclass
class _Estimation:
    """One PoseEstimation (or the 3-D series of a MultiCameraPoseEstimation)."""

    module: str
    name: str
    series: list[_Series]
    nodes: list[str] | None = None
    edges: np.ndarray | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.module}/{self.name}"


@dataclass
class _Instance:
    """One SkeletonInstance of a TrainingFrame."""

    name: str
    id: int | None
    locations: np.ndarray
    visibility: np.ndarray | None
    nodes: list[str]


@dataclass
class _TrainingFrame:
    """One TrainingFrame: the labelled instances of one video frame."""

    name: str
    frame: int | None
    annotator: str | None
    instances: list[_Instance]
    video: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Contents:
    """Everything :func:`from_nwb_file` uses from one NWB file."""

    source: str
    reader: str
    identifier: str | None = None
    subject_id: str | None = None
    estimations: list[_Estimation] = field(default_factory=list)
    training: list[_TrainingFrame] = field(default_factory=list)
    training_skeletons: list[tuple[list[str] | None, np.ndarray | None]] = field(
        default_factory=list
    )
    versions: dict[str, str] = field(default_factory=dict)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray) and value.shape == ():
        return _text(value[()])
    return str(value)


def _texts(value: Any) -> list[str] | None:
    if value is None:
        return None
    return [_text(v) or "" for v in np.asarray(value, dtype=object).ravel()]


def _timestamps_of(
    n: int, timestamps: Any, starting_time: Any, rate: Any
) -> tuple[np.ndarray, float | None]:
    if timestamps is not None:
        return np.asarray(timestamps, dtype=np.float64).ravel(), None
    start = 0.0 if starting_time is None else float(starting_time)
    if rate is None or not float(rate) > 0:
        raise ValueError("a series has neither timestamps nor a positive rate")
    return start + np.arange(n, dtype=np.float64) / float(rate), float(rate)


def _scaled(data: np.ndarray, conversion: Any, offset: Any) -> np.ndarray:
    """NWB's stored values times ``conversion`` plus ``offset`` (skipped when 1 and 0)."""
    conversion = 1.0 if conversion is None else float(conversion)
    offset = 0.0 if offset is None else float(offset)
    if conversion == 1.0 and offset == 0.0:
        return data
    return data * conversion + offset


def _float_array(value: Any) -> np.ndarray:
    array = np.asarray(value)
    return array if array.dtype.kind == "f" else array.astype(np.float64)


# --------------------------------------------------------------------------- #
# reading with pynwb
# --------------------------------------------------------------------------- #
def _series_from_pynwb(series: Any) -> _Series:
    data = _scaled(
        _float_array(series.data[:]),
        getattr(series, "conversion", None),
        getattr(series, "offset", None),
    )
    if data.ndim == 1:
        data = data[:, None]
    confidence = getattr(series, "confidence", None)
    timestamps, rate = _timestamps_of(
        data.shape[0], series.timestamps, series.starting_time, series.rate
    )
    return _Series(
        name=series.name,
        data=data,
        confidence=None if confidence is None else _float_array(confidence[:]),
        timestamps=timestamps,
        rate=rate,
        description=_text(series.description),
        unit=_text(getattr(series, "unit", None)),
        reference_frame=_text(getattr(series, "reference_frame", None)),
        confidence_definition=_text(getattr(series, "confidence_definition", None)),
    )


def _skeleton_nodes(skeleton: Any) -> tuple[list[str] | None, np.ndarray | None]:
    if skeleton is None:
        return None, None
    nodes = _texts(skeleton.nodes[:])
    edges = None if skeleton.edges is None else np.asarray(skeleton.edges[:], dtype=np.int64)
    return nodes, edges


def _estimation_from_pynwb(module: str, container: Any) -> _Estimation:
    nodes, edges = _skeleton_nodes(getattr(container, "skeleton", None))
    device = getattr(container, "device", None)
    version = getattr(container, "source_software_version", None)
    meta = {
        "description": _text(getattr(container, "description", None)),
        "scorer": _text(getattr(container, "scorer", None)),
        "source_software": _text(getattr(container, "source_software", None)),
        "source_software_version": _text(version),
        "original_videos": _texts(getattr(container, "original_videos", None)),
        "labeled_videos": _texts(getattr(container, "labeled_videos", None)),
        "dimensions": None
        if getattr(container, "dimensions", None) is None
        else np.asarray(container.dimensions[:]).tolist(),
        "devices": None if device is None else [device.name],
    }
    series = [_series_from_pynwb(s) for s in container.pose_estimation_series.values()]
    return _Estimation(module, container.name, series, nodes, edges, meta)


def _training_from_pynwb(training: Any) -> list[_TrainingFrame]:
    frames: list[_TrainingFrame] = []
    if training.training_frames is None:
        return frames
    for frame in training.training_frames.training_frames.values():
        instances = []
        for instance in frame.skeleton_instances.skeleton_instances.values():
            nodes, _ = _skeleton_nodes(instance.skeleton)
            visibility = instance.node_visibility
            instances.append(
                _Instance(
                    name=instance.name,
                    id=None if instance.id is None else int(instance.id),
                    locations=_float_array(instance.node_locations[:]),
                    visibility=None
                    if visibility is None
                    else np.asarray(visibility[:], dtype=bool),
                    nodes=nodes or [],
                )
            )
        video = {}
        if frame.source_video is not None:
            video = {
                "name": frame.source_video.name,
                "rate": frame.source_video.rate,
                "starting_time": frame.source_video.starting_time,
                "external_file": _texts(frame.source_video.external_file),
            }
        index = frame.source_video_frame_index
        frames.append(
            _TrainingFrame(
                frame.name,
                None if index is None else int(index),
                _text(frame.annotator),
                instances,
                video,
            )
        )
    return frames


def _contents_from_nwbfile(nwbfile: Any, source: str, reader: str = "pynwb") -> _Contents:
    contents = _Contents(source=source, reader=reader, identifier=_text(nwbfile.identifier))
    if nwbfile.subject is not None:
        contents.subject_id = _text(nwbfile.subject.subject_id)
    for module_name, module in nwbfile.processing.items():
        for container in module.data_interfaces.values():
            kind = type(container).__name__
            if kind in ("PoseEstimation", "MultiCameraPoseEstimation"):
                contents.estimations.append(_estimation_from_pynwb(module_name, container))
            elif kind == "PoseTraining":
                contents.training.extend(_training_from_pynwb(container))
                contents.training_skeletons += [
                    _skeleton_nodes(skeleton)
                    for holder in module.data_interfaces.values()
                    if type(holder).__name__ == "Skeletons"
                    for skeleton in holder.skeletons.values()
                ]
    return contents


def _read_with_pynwb(path: Path) -> _Contents:
    import ndx_pose  # noqa: F401 - registers the extension classes
    from pynwb import NWBHDF5IO

    errors = []
    for load_namespaces in (True, False):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with NWBHDF5IO(str(path), "r", load_namespaces=load_namespaces) as io:
                    nwbfile = io.read()
                    contents = _contents_from_nwbfile(
                        nwbfile,
                        str(path),
                        "pynwb" if load_namespaces else "pynwb (load_namespaces=False)",
                    )
            return contents
        except Exception as exc:  # pynwb/hdmf raise many types on foreign files
            errors.append(f"{type(exc).__name__}: {exc}")
    raise RuntimeError("; ".join(errors))


# --------------------------------------------------------------------------- #
# reading with h5py (no extension classes: every ndx-pose version)
# --------------------------------------------------------------------------- #
def _h5_type(obj: Any) -> str | None:
    return _text(obj.attrs.get("neurodata_type"))


def _h5_linked(group: Any, wanted: str) -> list[Any]:
    """Children of ``group`` (links included) whose neurodata_type is ``wanted``."""
    import h5py

    found = []
    for key in group:
        try:
            child = group[key]
        except KeyError:  # dangling link
            continue
        if isinstance(child, h5py.Group) and _h5_type(child) == wanted:
            found.append(child)
    return found


def _h5_dataset(group: Any, key: str) -> Any:
    return group[key][()] if key in group else None


def _h5_series(group: Any) -> _Series:
    data_set = group["data"]
    data = _scaled(
        _float_array(data_set[()]), data_set.attrs.get("conversion"), data_set.attrs.get("offset")
    )
    if data.ndim == 1:
        data = data[:, None]
    starting = group.get("starting_time")
    timestamps, rate = _timestamps_of(
        data.shape[0],
        _h5_dataset(group, "timestamps"),
        None if starting is None else starting[()],
        None if starting is None else starting.attrs.get("rate"),
    )
    confidence = group.get("confidence")
    return _Series(
        name=group.name.rsplit("/", 1)[-1],
        data=data,
        confidence=None if confidence is None else _float_array(confidence[()]),
        timestamps=timestamps,
        rate=rate,
        description=_text(group.attrs.get("description")),
        unit=_text(data_set.attrs.get("unit")),
        reference_frame=_text(_h5_dataset(group, "reference_frame")),
        confidence_definition=None
        if confidence is None
        else _text(confidence.attrs.get("definition")),
    )


def _h5_skeleton(group: Any) -> tuple[list[str] | None, np.ndarray | None]:
    if "nodes" in group and _h5_type(group) != "Skeleton":  # ndx-pose 0.1: inside the group
        edges = _h5_dataset(group, "edges")
        return _texts(group["nodes"][()]), None if edges is None else np.asarray(edges, np.int64)
    skeletons = _h5_linked(group, "Skeleton")
    if not skeletons:
        return None, None
    skeleton = skeletons[0]
    edges = _h5_dataset(skeleton, "edges")
    return _texts(skeleton["nodes"][()]), None if edges is None else np.asarray(edges, np.int64)


def _h5_estimation(module: str, group: Any) -> _Estimation:
    nodes, edges = _h5_skeleton(group)
    software = group.get("source_software")
    dimensions = _h5_dataset(group, "dimensions")
    devices = [d.name.rsplit("/", 1)[-1] for d in _h5_linked(group, "Device")]
    devices += [d.name.rsplit("/", 1)[-1] for d in _h5_linked(group, "CalibratedCamera")]
    meta = {
        "description": _text(_h5_dataset(group, "description")),
        "scorer": _text(_h5_dataset(group, "scorer")),
        "source_software": None if software is None else _text(software[()]),
        "source_software_version": None
        if software is None
        else _text(software.attrs.get("version")),
        "original_videos": _texts(_h5_dataset(group, "original_videos")),
        "labeled_videos": _texts(_h5_dataset(group, "labeled_videos")),
        "dimensions": None if dimensions is None else np.asarray(dimensions).tolist(),
        "devices": devices or None,
    }
    series = [_h5_series(s) for s in _h5_linked(group, "PoseEstimationSeries")]
    return _Estimation(module, group.name.rsplit("/", 1)[-1], series, nodes, edges, meta)


def _h5_training(group: Any) -> list[_TrainingFrame]:
    frames = []
    for frames_group in _h5_linked(group, "TrainingFrames"):
        for frame in _h5_linked(frames_group, "TrainingFrame"):
            instances = []
            for holder in _h5_linked(frame, "SkeletonInstances"):
                for instance in _h5_linked(holder, "SkeletonInstance"):
                    nodes, _ = _h5_skeleton(instance)
                    identity = instance.attrs.get("id")
                    visibility = _h5_dataset(instance, "node_visibility")
                    instances.append(
                        _Instance(
                            name=instance.name.rsplit("/", 1)[-1],
                            id=None if identity is None else int(identity),
                            locations=_float_array(instance["node_locations"][()]),
                            visibility=None
                            if visibility is None
                            else np.asarray(visibility, dtype=bool),
                            nodes=nodes or [],
                        )
                    )
            video: dict[str, Any] = {}
            if "source_video" in frame:
                source = frame["source_video"]
                starting = source.get("starting_time")
                video = {
                    "name": source.name.rsplit("/", 1)[-1],
                    "rate": None if starting is None else starting.attrs.get("rate"),
                    "starting_time": None if starting is None else float(starting[()]),
                    "external_file": _texts(_h5_dataset(source, "external_file")),
                }
            index = frame.attrs.get("source_video_frame_index")
            frames.append(
                _TrainingFrame(
                    frame.name.rsplit("/", 1)[-1],
                    None if index is None else int(index),
                    _text(frame.attrs.get("annotator")),
                    instances,
                    video,
                )
            )
    return frames


def _read_with_h5py(path: Path) -> _Contents:
    import h5py

    with h5py.File(path, "r") as file:
        contents = _Contents(
            source=str(path), reader="h5py", identifier=_text(_h5_dataset(file, "identifier"))
        )
        if "general/subject/subject_id" in file:
            contents.subject_id = _text(file["general/subject/subject_id"][()])
        for module_name, module in (file.get("processing") or {}).items():
            for container in module.values():
                kind = _h5_type(container)
                if kind in ("PoseEstimation", "MultiCameraPoseEstimation"):
                    contents.estimations.append(_h5_estimation(module_name, container))
                elif kind == "PoseTraining":
                    contents.training.extend(_h5_training(container))
                    contents.training_skeletons += [
                        _h5_skeleton(skeleton)
                        for holder in module.values()
                        if _h5_type(holder) == "Skeletons"
                        for skeleton in _h5_linked(holder, "Skeleton")
                    ]
        contents.versions = _versions_in(file)
    return contents


def _cached_versions(path: Path) -> dict[str, str]:
    """Versions of the writer's NWB core and ndx-pose, from the cached specifications."""
    import h5py

    try:
        with h5py.File(path, "r") as file:
            return _versions_in(file)
    except OSError:
        return {}


def _versions_in(file: Any) -> dict[str, str]:
    """:func:`_cached_versions` of an open h5py file."""
    versions: dict[str, str] = {}
    nwb_version = file.attrs.get("nwb_version")
    if nwb_version is not None:
        versions["nwb_version"] = _text(nwb_version) or ""
    specs = file.get("specifications")
    if specs is not None and "ndx-pose" in specs:
        versions["ndx_pose_version"] = ",".join(sorted(specs["ndx-pose"].keys()))
    return versions


def _read_contents(source: Any, backend: str) -> _Contents:
    """Read one path or NWBFile object into :class:`_Contents`."""
    if not isinstance(source, (str, os.PathLike)):
        if type(source).__name__ != "NWBFile":
            raise TypeError(f"expected a path or a pynwb.NWBFile, got {type(source).__name__}")
        origin = getattr(source, "container_source", None)
        opened = _contents_from_nwbfile(source, origin or f"NWBFile {source.identifier}")
        if origin:
            opened.versions = _cached_versions(Path(origin))
        return opened
    path = Path(source).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    import h5py

    if not h5py.is_hdf5(path):
        raise FileFormatError(path, "is not an HDF5 file, so not an NWB file")
    if backend not in ("auto", "pynwb", "h5py"):
        raise ValueError(f"backend must be 'auto', 'pynwb' or 'h5py', got {backend!r}")
    contents: _Contents | None = None
    failure = None
    if backend in ("auto", "pynwb"):
        try:
            contents = _read_with_pynwb(path)
        except ImportError as exc:
            if backend == "pynwb":
                raise MissingDependencyError("pynwb", purpose="read NWB files") from exc
            failure = f"pynwb is not installed ({exc})"
        except RuntimeError as exc:
            if backend == "pynwb":
                raise FileFormatError(path, f"pynwb cannot read it: {exc}") from exc
            failure = str(exc)
    if contents is None:
        try:
            contents = _read_with_h5py(path)
        except (KeyError, ValueError, OSError) as exc:
            raise FileFormatError(
                path,
                f"cannot be read as NWB with ndx-pose: {exc}"
                + (f" (pynwb: {failure})" if failure else ""),
            ) from exc
        if failure:
            contents.reader = f"h5py (pynwb refused the file: {failure[:300]})"
    else:
        contents.versions = _cached_versions(path)
    return contents


# --------------------------------------------------------------------------- #
# contents → poses dataset
# --------------------------------------------------------------------------- #
def _select(
    contents: _Contents, module_key: str | None, estimation_key: str | None
) -> list[_Estimation]:
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


def _dlc2nwb_names(estimation: _Estimation) -> tuple[str, dict[str, str]] | None:
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


def _individual_names(contents: _Contents, chosen: list[_Estimation]) -> list[str]:
    tracks = [e.name[len("track=") :] if e.name.startswith("track=") else None for e in chosen]
    if len(chosen) == 1:
        dlc = _dlc2nwb_names(chosen[0])
        name = contents.subject_id or tracks[0] or (dlc[0] if dlc else None) or contents.identifier
        return [name or "individual_0"]
    names = [t if t is not None else e.name for t, e in zip(tracks, chosen, strict=True)]
    if len(set(names)) != len(names):
        names = [e.key for e in chosen]
    return names


def _keypoint_of_series(estimation: _Estimation) -> dict[str, str]:
    """Series name → keypoint name, in Skeleton order (never sorted).

    A series is matched to a node by name, or by the NWB-safe form of the node
    name (NWB object names cannot hold ``/`` or ``:``, so :func:`to_nwb_file`
    names such series ``a_b`` and keeps ``a/b`` in the Skeleton). Series the
    Skeleton lacks come last, in file order.
    """
    series_names = [s.name for s in estimation.series]
    mapping: dict[str, str] = {}
    for node in estimation.nodes or []:
        for candidate in (node, _safe_object_name(node)):
            if candidate in series_names and candidate not in mapping:
                mapping[candidate] = node
                break
    mapping.update({n: n for n in series_names if n not in mapping})
    return mapping


def _unique_attr(values: Iterable[Any]) -> Any:
    distinct: list[Any] = []
    for value in values:
        if value is not None and value not in distinct:
            distinct.append(value)
    if not distinct:
        return None
    return distinct[0] if len(distinct) == 1 else distinct


def _infer_fps(times: np.ndarray, rates: set[float | None]) -> float | None:
    if len(rates) == 1 and None not in rates:
        return float(next(iter(rates)))  # type: ignore[arg-type]
    if times.size < 2:
        return None
    steps = np.diff(times)
    if np.allclose(steps, steps.mean(), rtol=1e-6, atol=0):
        return round(1.0 / float(steps.mean()), 6)
    return None


def _estimation_dataset(
    parts: list[tuple[str, _Estimation, _Contents]], fps: float | None
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
                    stacklevel=4,
                )
            rows = np.searchsorted(times, series.timestamps)
            position[rows, i, k, : series.data.shape[1]] = series.data
            if series.confidence is not None and series.confidence.size == rows.size:
                confidence[rows, i, k] = series.confidence
    rates = {s.rate for s in all_series}
    ds = poses_from_numpy(
        position,
        confidence,
        individual_names=individuals,
        keypoint_names=keypoints,
        fps=fps if fps is not None else _infer_fps(times, rates),
        source_software=_single_text([e.meta.get("source_software") for _, e, _ in parts], "NWB"),
        time_array=times,
    )
    edges = []
    for (_, estimation, _), mapping in zip(parts, keypoint_maps, strict=True):
        if estimation.nodes is None or estimation.edges is None:
            continue
        for a, b in estimation.edges.tolist():
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
        "nwb_reader": _unique_attr(c.reader for _, _, c in parts),
        "nwb_identifier": _unique_attr(c.identifier for _, _, c in parts),
        "subject_id": _unique_attr(c.subject_id for _, _, c in parts),
        "nwb_pose_estimations": [e.key for _, e, _ in parts],
        "skeleton_edges": edges or None,
        "unit": _unique_attr(s.unit for s in all_series),
        "reference_frame": _unique_attr(s.reference_frame for s in all_series),
        "confidence_definition": _unique_attr(s.confidence_definition for s in all_series),
    }
    for key in ("nwb_version", "ndx_pose_version"):
        attrs[key] = _unique_attr(c.versions.get(key) for _, _, c in parts)
    for key in (
        "source_software_version",
        "scorer",
        "description",
        "original_videos",
        "labeled_videos",
        "dimensions",
        "devices",
    ):
        attrs[key] = _unique_attr(e.meta.get(key) for _, e, _ in parts)
    ds.attrs.update(netcdf_safe_attrs(attrs))
    return ds


def _single_text(values: Sequence[str | None], default: str) -> str:
    distinct = {v for v in values if v}
    return distinct.pop() if len(distinct) == 1 else default


# --------------------------------------------------------------------------- #
# contents → training (ground truth) dataset
# --------------------------------------------------------------------------- #
def _training_dataset(contents_list: list[_Contents], fps: float | None) -> xr.Dataset:
    frames = [(c, f) for c in contents_list for f in c.training]
    if not frames:
        source = contents_list[0].source
        raise FileFormatError(
            source,
            "holds no PoseTraining frames (ndx-pose TrainingFrame)",
            "pass which='estimation' to read the pose estimates",
        )
    known = [f.frame is not None for _, f in frames]
    use_index = all(known)
    order = (
        sorted(range(len(frames)), key=lambda i: frames[i][1].frame)  # type: ignore[arg-type, return-value]
        if use_index
        else list(range(len(frames)))
    )
    if use_index:
        indices = [frames[i][1].frame for i in order]
        duplicates = sorted({f for f in indices if indices.count(f) > 1})  # type: ignore[type-var]
        if duplicates:
            raise FileFormatError(
                frames[0][0].source,
                f"video frame(s) {duplicates[:5]} are labelled in more than one TrainingFrame",
                "files with several source videos are not supported yet",
            )
    all_instances = [inst for _, f in frames for inst in f.instances]
    ids_usable = all(inst.id is not None for inst in all_instances) and all(
        len({inst.id for inst in f.instances}) == len(f.instances) for _, f in frames
    )
    keys: list[Any] = []
    names_of_key: dict[Any, set[str]] = {}
    for inst in all_instances:
        key = inst.id if ids_usable else inst.name
        if key not in keys:
            keys.append(key)
        names_of_key.setdefault(key, set()).add(inst.name)
    if ids_usable:
        keys.sort()
    names = []
    for key in keys:
        candidates = names_of_key[key]
        names.append(next(iter(candidates)) if len(candidates) == 1 else f"id_{key}")
    if len(set(names)) != len(names):
        names = [f"id_{k}" if ids_usable else str(k) for k in keys]
    keypoints: list[str] = []
    for inst in all_instances:
        keypoints += [n for n in inst.nodes if n not in keypoints]
    skeletons = [
        (nodes, edges)
        for c in contents_list
        for nodes, edges in c.training_skeletons
        if nodes is not None
    ]
    if not keypoints and skeletons:  # no instance at all: the Skeleton still names the nodes
        keypoints = list(skeletons[0][0])
    edges = []
    for nodes, pairs in skeletons:
        if pairs is not None and set(nodes) <= set(keypoints):
            edges += [
                [nodes[a], nodes[b]]
                for a, b in pairs.tolist()
                if max(a, b) < len(nodes) and [nodes[a], nodes[b]] not in edges
            ]
    n_space = max([inst.locations.shape[1] for inst in all_instances] + [2])
    dtypes = [inst.locations.dtype for inst in all_instances]
    dtype = np.result_type(*dtypes) if dtypes else np.float64
    position = np.full((len(frames), len(keys), len(keypoints), n_space), np.nan, dtype)
    visibility = np.zeros(position.shape[:3], dtype=bool)
    for row, i in enumerate(order):
        for inst in frames[i][1].instances:
            j = keys.index(inst.id if ids_usable else inst.name)
            nodes = inst.nodes or keypoints[: inst.locations.shape[0]]
            cols = [keypoints.index(n) for n in nodes[: inst.locations.shape[0]]]
            position[row, j, cols, : inst.locations.shape[1]] = inst.locations[: len(cols)]
            visible = (
                inst.visibility[: len(cols)]
                if inst.visibility is not None
                else np.all(np.isfinite(inst.locations[: len(cols)]), axis=1)
            )
            visibility[row, j, cols] = visible
    videos = [frames[i][1].video for i in order]
    rates = {v.get("rate") for v in videos}
    video_rate = next(iter(rates)) if len(rates) == 1 else None
    starts = {v.get("starting_time") or 0.0 for v in videos}
    fps = fps if fps is not None else (float(video_rate) if video_rate else None)
    time_array = None
    if use_index and fps is not None and starts != {0.0} and len(starts) == 1:
        time_array = starts.pop() + np.asarray(indices, dtype=np.float64) / fps
    ds = poses_from_numpy(
        position,
        None,
        individual_names=names,
        keypoint_names=keypoints,
        fps=fps,
        source_software="NWB",
        frame_array=indices if use_index else None,
        time_array=time_array,
    )
    if not use_index:
        ds = ds.drop_vars("frame")
    ds["visibility"] = (("time", "individuals", "keypoints"), visibility)
    annotators = [frames[i][1].annotator for i in order]
    if any(a is not None for a in annotators):
        labels = np.array([a or "" for a in annotators], dtype=str)
        ds = ds.assign_coords(annotator=("time", labels))
    files = list(dict.fromkeys(c.source for c in contents_list))
    external = _unique_attr(
        tuple(v["external_file"]) if v.get("external_file") else None for v in videos
    )
    ds.attrs.update(
        netcdf_safe_attrs(
            {
                "source_file": files[0] if len(files) == 1 else files,
                "nwb_data": "training",
                "nwb_reader": _unique_attr(c.reader for c in contents_list),
                "frame_index_source": "source_video_frame_index"
                if use_index
                else "order of the TrainingFrames (the file has no source_video_frame_index)",
                "source_video": list(external) if isinstance(external, tuple) else external,
                "training_frame_names": [frames[i][1].name for i in order],
                "skeleton_edges": edges or None,
            }
        )
    )
    return ds


# --------------------------------------------------------------------------- #
# public reader
# --------------------------------------------------------------------------- #
def from_nwb_file(
    file: Any,
    processing_module_key: str | None = None,
    pose_estimation_key: str | None = None,
    which: str = "estimation",
    fps: float | None = None,
    backend: str = "auto",
) -> xr.Dataset:
    """Load pose estimates (or training labels) from NWB files with ndx-pose 0.1–0.4.

    Parameters
    ----------
    file
        A path, an open ``pynwb.NWBFile``, or a list of them (for instance the
        one-file-per-individual output of :func:`to_nwb_path`), merged into one
        dataset with one individual per ``PoseEstimation``.
    processing_module_key, pose_estimation_key
        Read only the ``PoseEstimation`` objects of this processing module /
        with this name. By default every one in the file is read, and the
        3-D world-space series of an ndx-pose 0.4 ``MultiCameraPoseEstimation``
        count as one more (its per-camera 2-D children are not read).
    which
        ``"estimation"`` (pose estimates) or ``"training"`` (the manual labels
        of ``PoseTraining``: a sparse dataset on the labelled frames, with a
        ``frame`` coordinate from ``source_video_frame_index``, a boolean
        ``visibility`` variable and an ``annotator`` coordinate when known).
    fps
        Overrides the frame rate inferred from the timestamps. ``time`` always
        holds the file's real timestamps in seconds.
    backend
        ``"auto"`` (pynwb, falling back to h5py for files pynwb or the
        installed ndx-pose refuses), ``"pynwb"`` or ``"h5py"``. Ignored for
        ``NWBFile`` objects. ``attrs["nwb_reader"]`` says which was used.

    Returns
    -------
    xarray.Dataset
        A poses dataset. Individuals: one per ``PoseEstimation`` (sleap-io's
        ``track=<name>`` gives ``<name>``); a single one takes the Subject's
        id, else DLC2NWB's individual, else the file identifier. Keypoints in
        Skeleton order. ``time`` = union of all series' timestamps (seconds);
        series of different lengths are aligned by timestamp and NaN-padded.
        ``fps`` only when sampling is uniform. Attrs keep
        ``skeleton_edges`` (JSON name pairs), ``unit``, ``reference_frame``,
        ``scorer``, ``source_software(_version)``, ``ndx_pose_version`` …

    Raises
    ------
    FileFormatError
        If a file holds no ``PoseEstimation`` (or no ``PoseTraining`` for
        ``which="training"``), or nothing matches the keys given.
    """
    if which not in ("estimation", "training"):
        raise ValueError(f"which must be 'estimation' or 'training', got {which!r}")
    sources = list(file) if isinstance(file, (list, tuple)) else [file]
    if not sources:
        raise ValueError("no NWB file given")
    contents_list = [_read_contents(s, backend) for s in sources]
    if which == "training":
        return _training_dataset(contents_list, fps)
    parts: list[tuple[str, _Estimation, _Contents]] = []
    for contents in contents_list:
        chosen = _select(contents, processing_module_key, pose_estimation_key)
        for name, estimation in zip(_individual_names(contents, chosen), chosen, strict=True):
            parts.append((name, estimation, contents))
    names = _numbered_repeats([name for name, _, _ in parts])
    return _estimation_dataset(
        [(name, e, c) for name, (_, e, c) in zip(names, parts, strict=True)], fps
    )


def _numbered_repeats(names: list[str]) -> list[str]:
    """Keep the first of equal names and number the next ones ``name_2``, ``name_3``."""
    unique: list[str] = []
    for name in names:
        candidate, count = name, 1
        while candidate in unique:
            count += 1
            candidate = f"{name}_{count}"
        unique.append(candidate)
    return unique


# --------------------------------------------------------------------------- #
# writing
# --------------------------------------------------------------------------- #
@dataclass
class NWBSaveConfig:
    """Metadata of the NWB files :func:`to_nwb_file` builds (all optional).

    Attributes
    ----------
    session_description
        NWBFile ``session_description``.
    session_start_time
        Timezone-aware start of the session; "now" (UTC) by default.
    identifier
        NWBFile ``identifier``; by default the individual's name (plus
        ``_training`` for training files).
    subject
        Extra keyword arguments of ``pynwb.file.Subject`` (``species``,
        ``sex``, ``age`` …); ``subject_id`` is the individual's name.
    processing_module
        Name of the processing module holding everything (``behavior``).
    pose_estimation_name
        Name of the ``PoseEstimation`` object.
    description, scorer, source_software, source_software_version
        ``PoseEstimation`` fields; by default from the dataset's attrs.
    unit, reference_frame, confidence_definition
        Per-series fields; by default from attrs (``pixels`` and the top-left
        origin otherwise).
    fps
        Frame rate used to turn frame numbers into seconds when the dataset's
        time is in frames (NWB timestamps are seconds).
    annotator
        ``TrainingFrame.annotator`` when writing training labels.
    video_path, video_rate
        Source video of training labels (an external ``ImageSeries``).
    """

    session_description: str = "Pose estimates written by movement_like"
    session_start_time: _dt.datetime | None = None
    identifier: str | None = None
    subject: dict[str, Any] = field(default_factory=dict)
    processing_module: str = "behavior"
    pose_estimation_name: str = "PoseEstimation"
    description: str | None = None
    scorer: str | None = None
    source_software: str | None = None
    source_software_version: str | None = None
    unit: str | None = None
    reference_frame: str | None = None
    confidence_definition: str | None = None
    fps: float | None = None
    annotator: str | None = None
    video_path: str | None = None
    video_rate: float | None = None

    @classmethod
    def make(cls, config: NWBSaveConfig | Mapping[str, Any] | None) -> NWBSaveConfig:
        """Accept an instance, a mapping of field names, or None."""
        if config is None:
            return cls()
        if isinstance(config, cls):
            return config
        if not isinstance(config, Mapping):
            raise TypeError(f"config must be an NWBSaveConfig or a dict, got {type(config)}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(config) - known)
        if unknown:
            raise ValueError(f"unknown NWB config keys {unknown}; known: {sorted(known)}")
        return cls(**dict(config))


def _safe_object_name(name: str) -> str:
    """``name`` usable as an NWB/HDF5 object name: no ``/`` or ``:``, not ``.``/``..``."""
    cleaned = name.replace("/", "_").replace(":", "_")
    return cleaned if cleaned not in (".", "..") else f"_{cleaned}"


def _series_names(keypoints: list[str]) -> list[str]:
    names = [_safe_object_name(k) for k in keypoints]
    if len(set(names)) != len(names):
        raise InvalidDatasetError(
            f"keypoints {keypoints} collide once '/' and ':' (not allowed in NWB names) are "
            "replaced by '_'; rename them first, e.g. ds.assign_coords(keypoints=[...])"
        )
    return names


def _attr_text(ds: xr.Dataset, key: str) -> str | None:
    value = ds.attrs.get(key)
    if value is None:
        return None
    if isinstance(value, str) and value.startswith("["):  # several values were found on read
        return None
    return str(value)


def _edges_of(ds: xr.Dataset, keypoints: list[str]) -> np.ndarray | None:
    text = ds.attrs.get("skeleton_edges")
    if not text:
        return None
    try:
        pairs = json.loads(text) if isinstance(text, str) else text
        edges = [[keypoints.index(a), keypoints.index(b)] for a, b in pairs]
    except (ValueError, TypeError):
        return None
    if not edges:
        return None
    return np.asarray(edges, dtype=np.uint8 if len(keypoints) < 256 else np.uint16)


def _timestamps_for_nwb(ds: xr.Dataset, cfg: NWBSaveConfig) -> np.ndarray:
    if ds.attrs.get("time_unit") == "seconds":
        return np.asarray(ds["time"].values, dtype=np.float64)
    fps = cfg.fps or ds.attrs.get("fps")
    if not fps:
        raise InvalidDatasetError(
            "NWB timestamps are seconds, but this dataset's time is in frames and no frame "
            "rate is known; pass config={'fps': ...}"
        )
    return np.asarray(ds["time"].values, dtype=np.float64) / float(fps)


def _new_nwbfile(cfg: NWBSaveConfig, identifier: str, subject_id: str | None) -> Any:
    from pynwb import NWBFile
    from pynwb.file import Subject

    start = cfg.session_start_time or _dt.datetime.now(_dt.UTC)
    subject = None if subject_id is None else Subject(subject_id=subject_id, **cfg.subject)
    return NWBFile(
        session_description=cfg.session_description,
        identifier=identifier,
        session_start_time=start,
        subject=subject,
    )


def _estimation_files(ds: xr.Dataset, cfg: NWBSaveConfig) -> list[Any]:
    from ndx_pose import PoseEstimation, PoseEstimationSeries, Skeleton, Skeletons

    require_contract_dims(ds, "an NWB PoseEstimation")
    keypoints = [str(k) for k in ds["keypoints"].values]
    series_names = _series_names(keypoints)
    timestamps = _timestamps_for_nwb(ds, cfg)
    position = ds["position"].transpose("time", "individuals", "keypoints", "space").values
    confidence = ds["confidence"].transpose("time", "individuals", "keypoints").values
    edges = _edges_of(ds, keypoints)
    software = cfg.source_software or _attr_text(ds, "source_software") or "movement_like"
    reference = cfg.reference_frame or _attr_text(ds, "reference_frame") or _DEFAULT_REFERENCE_FRAME
    unit = cfg.unit or _attr_text(ds, "unit") or "pixels"
    definition = cfg.confidence_definition or _attr_text(ds, "confidence_definition")
    files = []
    for i, individual in enumerate(str(n) for n in ds["individuals"].values):
        nwbfile = _new_nwbfile(cfg, cfg.identifier or individual, individual)
        module = nwbfile.create_processing_module(
            name=cfg.processing_module, description="processed behavioral data"
        )
        skeleton = Skeleton(
            name=f"skeleton_{_safe_object_name(individual)}",
            nodes=keypoints,
            edges=edges,
            subject=nwbfile.subject,
        )
        module.add(Skeletons(skeletons=[skeleton]))
        series: list[Any] = []
        for k, keypoint in enumerate(keypoints):
            series.append(
                PoseEstimationSeries(
                    name=series_names[k],
                    description=f"Keypoint {keypoint} of {individual}.",
                    data=position[:, i, k, :],
                    unit=unit,
                    reference_frame=reference,
                    timestamps=timestamps if not series else series[0],
                    confidence=confidence[:, i, k],
                    confidence_definition=definition,
                )
            )
        description = cfg.description or (
            f"Estimated positions of {', '.join(keypoints)} for {individual} using {software}."
        )
        module.add(
            PoseEstimation(
                name=cfg.pose_estimation_name,
                pose_estimation_series=series,
                description=description,
                scorer=cfg.scorer or _attr_text(ds, "scorer"),
                source_software=software,
                source_software_version=cfg.source_software_version
                or _attr_text(ds, "source_software_version"),
                skeleton=skeleton,
            )
        )
        files.append(nwbfile)
    return files


def _training_file(ds: xr.Dataset, cfg: NWBSaveConfig) -> Any:
    from ndx_pose import (
        PoseTraining,
        Skeleton,
        SkeletonInstance,
        SkeletonInstances,
        Skeletons,
        SourceVideos,
        TrainingFrame,
        TrainingFrames,
    )
    from pynwb.image import ImageSeries

    keypoints = [str(k) for k in ds["keypoints"].values]
    individuals = [str(n) for n in ds["individuals"].values]
    frames = frame_numbers(ds, "writing training labels to NWB")
    if frames.size and frames.min() < 0:
        raise InvalidDatasetError("video frame indices must not be negative")
    position = ds["position"].transpose("time", "individuals", "keypoints", "space").values
    if "visibility" in ds:
        visibility = ds["visibility"].transpose("time", "individuals", "keypoints").values
        visibility = visibility.astype(bool)
    else:
        visibility = np.all(np.isfinite(position), axis=-1)
    names = [_safe_object_name(n) for n in individuals]
    if len(set(names)) != len(names):
        raise InvalidDatasetError(
            "individual names must stay unique once '/' and ':' are replaced by '_'"
        )
    nwbfile = _new_nwbfile(cfg, cfg.identifier or "training", None)
    module = nwbfile.create_processing_module(
        name=cfg.processing_module, description="processed behavioral data"
    )
    skeleton = Skeleton(name="skeleton", nodes=keypoints, edges=_edges_of(ds, keypoints))
    module.add(Skeletons(skeletons=[skeleton]))
    video = None
    rate = cfg.video_rate or ds.attrs.get("fps")
    video_path = cfg.video_path or _attr_text(ds, "source_video")
    if video_path:
        video = ImageSeries(
            name="source_video",
            external_file=[video_path],
            starting_frame=[0],
            format="external",
            rate=float(rate) if rate else 1.0,
            num_samples=int(frames.max()) + 1 if frames.size else 0,
            description="video of the labelled frames",
        )
    annotators = ds["annotator"].values if "annotator" in ds.coords else None
    id_type = np.uint8 if len(individuals) < 256 else np.uint32
    training_frames = []
    for t, frame in enumerate(frames.tolist()):
        instances = []
        for j, name in enumerate(names):
            if not (np.any(np.isfinite(position[t, j])) or np.any(visibility[t, j])):
                continue
            instances.append(
                SkeletonInstance(
                    name=name,
                    id=id_type(j),
                    node_locations=position[t, j],
                    node_visibility=visibility[t, j],
                    skeleton=skeleton,
                )
            )
        kwargs: dict[str, Any] = {
            "name": f"frame_{frame}",
            "skeleton_instances": SkeletonInstances(skeleton_instances=instances),
            "source_video_frame_index": np.uint64(frame),
        }
        annotator = cfg.annotator or (str(annotators[t]) if annotators is not None else "")
        if annotator:
            kwargs["annotator"] = annotator
        if video is not None:
            kwargs["source_video"] = video
        training_frames.append(TrainingFrame(**kwargs))
    module.add(
        PoseTraining(
            training_frames=TrainingFrames(training_frames=training_frames),
            source_videos=SourceVideos(image_series=[video]) if video is not None else None,
        )
    )
    return nwbfile


def to_nwb_file(
    ds: xr.Dataset,
    config: NWBSaveConfig | Mapping[str, Any] | None = None,
    which: str = "estimation",
) -> list[Any]:
    """Convert a poses dataset to in-memory ``pynwb.NWBFile`` objects.

    Parameters
    ----------
    ds
        A poses dataset. Time in seconds is written as it is; time in frames
        needs ``fps`` (attrs or ``config``).
    config
        :class:`NWBSaveConfig` or a dict of its fields (session metadata,
        Subject fields, names, units …).
    which
        ``"estimation"``: one ``NWBFile`` per individual (NWB holds one subject
        per file) with ``Subject(subject_id=<individual>)``, a ``Skeleton``
        (nodes = keypoints, edges from ``attrs["skeleton_edges"]``) and a
        ``PoseEstimation`` in the module ``behavior``, one series per keypoint
        with confidence and timestamps (seconds, shared by link).
        ``"training"``: one ``NWBFile`` holding a ``PoseTraining`` with one
        ``TrainingFrame`` per time point (``source_video_frame_index`` from the
        ``frame`` coordinate) and one ``SkeletonInstance`` per labelled
        individual (node visibility from the ``visibility`` variable, else
        "not NaN").

    Returns
    -------
    list of pynwb.NWBFile
        Write them with ``pynwb.NWBHDF5IO`` or use :func:`to_nwb_path`.
    """
    try:
        import ndx_pose  # noqa: F401
        import pynwb  # noqa: F401
    except ImportError as exc:  # pragma: no cover - both are dependencies
        raise MissingDependencyError("ndx-pose", purpose="write NWB files") from exc
    validate_poses(ds)
    cfg = NWBSaveConfig.make(config)
    if which == "estimation":
        return _estimation_files(ds, cfg)
    if which == "training":
        return [_training_file(ds, cfg)]
    raise ValueError(f"which must be 'estimation' or 'training', got {which!r}")


def _file_stem(name: str) -> str:
    cleaned = re.sub(r"[^\w.-]+", "_", name, flags=re.ASCII).strip("._")
    return cleaned or "individual"


def _targets(path: Path, names: list[str]) -> list[Path]:
    if path.suffix.lower() == ".nwb":
        if len(names) == 1:
            return [path]
        stems = [f"{path.stem}_{_file_stem(n)}" for n in names]
        folder = path.parent
    else:
        folder = path
        stems = [_file_stem(n) for n in names]
    return [folder / f"{stem}.nwb" for stem in _numbered_repeats(stems)]


def to_nwb_path(
    ds: xr.Dataset,
    folder_or_path: str | os.PathLike,
    overwrite: bool = False,
    config: NWBSaveConfig | Mapping[str, Any] | None = None,
    which: str = "estimation",
) -> list[Path]:
    """Write a poses dataset as NWB files, atomically.

    Parameters
    ----------
    ds, config, which
        As in :func:`to_nwb_file`.
    folder_or_path
        A ``.nwb`` path: the file itself when there is one individual (or
        ``which="training"``), else ``<stem>_<individual>.nwb`` beside it. Any
        other path is a folder (created if missing) receiving
        ``<individual>.nwb`` files.
    overwrite
        Replace existing files. Without it nothing is written if any target
        exists.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of the individuals.
    """
    from pynwb import NWBHDF5IO

    nwbfiles = to_nwb_file(ds, config=config, which=which)
    path = Path(folder_or_path).expanduser()
    names = [str(n) for n in ds["individuals"].values] if which == "estimation" else ["training"]
    if path.suffix.lower() != ".nwb":
        path.mkdir(exist_ok=True)
    targets = _targets(path, names)
    for target in targets:
        check_writable(target, overwrite)
    for nwbfile, target in zip(nwbfiles, targets, strict=True):
        with atomic_path(target, overwrite) as tmp:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                with NWBHDF5IO(str(tmp), "w") as io:
                    io.write(nwbfile)
    return targets


# --------------------------------------------------------------------------- #
# registry entry points
# --------------------------------------------------------------------------- #
def sniff(head: Any) -> bool:
    """Recognise an HDF5 file named ``.nwb`` or whose root says it is an NWBFile."""
    if not head.is_hdf5:
        return False
    if head.name.endswith(".nwb"):
        return True
    return _text(head.h5_root_attrs.get("neurodata_type")) == "NWBFile"


def read(path: str | os.PathLike, fps: float | None = None, **kwargs: Any) -> xr.Dataset:
    """Registry reader: :func:`from_nwb_file`."""
    return from_nwb_file(path, fps=fps, **kwargs)


def write(
    ds: xr.Dataset, path: str | os.PathLike, overwrite: bool = False, **kwargs: Any
) -> list[Path]:
    """Registry writer: :func:`to_nwb_path`."""
    return to_nwb_path(ds, path, overwrite=overwrite, **kwargs)
