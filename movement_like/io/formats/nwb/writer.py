"""Writing poses datasets as NWB files with ndx-pose.

:func:`to_nwb_file` returns one ``NWBFile`` per individual (NWB holds one
subject per file) with a Subject, a Skeleton (with edges when known) and a
``PoseEstimation`` in the processing module ``behavior``; with
``which="training"`` a single ``NWBFile`` holding a ``PoseTraining``.
:func:`to_nwb_path` writes them, atomically. pynwb, hdmf and ndx_pose are
imported inside the functions that need them.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from movement_like.dataset import frame_numbers, require_contract_dims, validate_poses
from movement_like.errors import (
    ArgumentTypeError,
    InvalidArgumentError,
    InvalidDatasetError,
    MissingDependencyError,
)
from movement_like.io.atomic import atomic_path, check_writable
from movement_like.io.formats.nwb.contents import numbered_repeats, safe_object_name

__all__ = ["NWBSaveConfig", "to_nwb_file", "to_nwb_path"]

_DEFAULT_REFERENCE_FRAME = "(0,0) corresponds to the top left corner of the video."


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
    description
        ``PoseEstimation.description``; by default from the dataset's attrs.
    scorer
        ``PoseEstimation.scorer``; by default from the dataset's attrs.
    source_software
        ``PoseEstimation.source_software``; by default from the dataset's attrs.
    source_software_version
        ``PoseEstimation.source_software_version``; by default from the dataset's attrs.
    unit
        Unit of each series; by default from attrs, else ``pixels``.
    reference_frame
        Where the coordinates' origin is; by default from attrs, else the top-left
        corner of the image.
    confidence_definition
        What each series' confidence means; by default from attrs.
    fps
        Frame rate used to turn frame numbers into seconds when the dataset's
        time is in frames (NWB timestamps are seconds).
    annotator
        ``TrainingFrame.annotator`` when writing training labels.
    video_path
        Source video of training labels (an external ``ImageSeries``).
    video_rate
        Frame rate of that source video.
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
            raise ArgumentTypeError(
                f"config must be an NWBSaveConfig or a dict, got {type(config)}"
            )
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(config) - known)
        if unknown:
            raise InvalidArgumentError(f"unknown NWB config keys {unknown}; known: {sorted(known)}")
        return cls(**dict(config))


def _series_names(keypoints: list[str]) -> list[str]:
    names = [safe_object_name(k) for k in keypoints]
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
            name=f"skeleton_{safe_object_name(individual)}",
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
    names = [safe_object_name(n) for n in individuals]
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
    if not any(len(f.skeleton_instances.skeleton_instances) for f in training_frames):
        raise InvalidDatasetError(
            "nothing is labelled (every position is NaN and nothing is visible): an NWB "
            "training file would hold no SkeletonInstance, and could not be read back"
        )
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
    raise InvalidArgumentError(f"which must be 'estimation' or 'training', got {which!r}")


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
    return [folder / f"{stem}.nwb" for stem in numbered_repeats(stems)]


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
