"""Reading an NWB file directly with h5py: no extension classes, so every ndx-pose version.

This reader walks the HDF5 groups by their ``neurodata_type`` attribute (links
included) and fills the same :class:`~.contents.Contents` as
:mod:`.read_pynwb`. It reads files that pynwb or the installed ndx-pose refuse
(ndx-pose 0.4 refuses a 0.3 ``PoseEstimation`` that links two cameras; sleap-io
files carry cached namespaces that conflict with pynwb's).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from movement_like.io.formats.nwb.contents import (
    Contents,
    Estimation,
    Instance,
    Series,
    TrainingFrame,
    as_text,
    as_texts,
    float_array,
    scaled,
    timestamps_of,
)

#: Package-internal: users import from :mod:`movement_like.io.formats.nwb`.
__all__: list[str] = []


def _h5_type(obj: Any) -> str | None:
    return as_text(obj.attrs.get("neurodata_type"))


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


def _h5_series(group: Any) -> Series:
    data_set = group["data"]
    data = scaled(
        float_array(data_set[()]), data_set.attrs.get("conversion"), data_set.attrs.get("offset")
    )
    if data.ndim == 1:
        data = data[:, None]
    starting = group.get("starting_time")
    timestamps, rate = timestamps_of(
        data.shape[0],
        _h5_dataset(group, "timestamps"),
        None if starting is None else starting[()],
        None if starting is None else starting.attrs.get("rate"),
    )
    confidence = group.get("confidence")
    return Series(
        name=group.name.rsplit("/", 1)[-1],
        data=data,
        confidence=None if confidence is None else float_array(confidence[()]),
        timestamps=timestamps,
        rate=rate,
        description=as_text(group.attrs.get("description")),
        unit=as_text(data_set.attrs.get("unit")),
        reference_frame=as_text(_h5_dataset(group, "reference_frame")),
        confidence_definition=None
        if confidence is None
        else as_text(confidence.attrs.get("definition")),
    )


def _h5_skeleton(group: Any) -> tuple[list[str] | None, np.ndarray | None]:
    if "nodes" in group and _h5_type(group) != "Skeleton":  # ndx-pose 0.1: inside the group
        edges = _h5_dataset(group, "edges")
        return as_texts(group["nodes"][()]), None if edges is None else np.asarray(edges, np.int64)
    skeletons = _h5_linked(group, "Skeleton")
    if not skeletons:
        return None, None
    skeleton = skeletons[0]
    edges = _h5_dataset(skeleton, "edges")
    return as_texts(skeleton["nodes"][()]), None if edges is None else np.asarray(edges, np.int64)


def _h5_estimation(module: str, group: Any) -> Estimation:
    nodes, edges = _h5_skeleton(group)
    software = group.get("source_software")
    dimensions = _h5_dataset(group, "dimensions")
    devices = [d.name.rsplit("/", 1)[-1] for d in _h5_linked(group, "Device")]
    devices += [d.name.rsplit("/", 1)[-1] for d in _h5_linked(group, "CalibratedCamera")]
    meta = {
        "description": as_text(_h5_dataset(group, "description")),
        "scorer": as_text(_h5_dataset(group, "scorer")),
        "source_software": None if software is None else as_text(software[()]),
        "source_software_version": None
        if software is None
        else as_text(software.attrs.get("version")),
        "original_videos": as_texts(_h5_dataset(group, "original_videos")),
        "labeled_videos": as_texts(_h5_dataset(group, "labeled_videos")),
        "dimensions": None if dimensions is None else np.asarray(dimensions).tolist(),
        "devices": devices or None,
    }
    series = [_h5_series(s) for s in _h5_linked(group, "PoseEstimationSeries")]
    return Estimation(module, group.name.rsplit("/", 1)[-1], series, nodes, edges, meta)


def _h5_training(group: Any) -> list[TrainingFrame]:
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
                        Instance(
                            name=instance.name.rsplit("/", 1)[-1],
                            id=None if identity is None else int(identity),
                            locations=float_array(instance["node_locations"][()]),
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
                    "external_file": as_texts(_h5_dataset(source, "external_file")),
                }
            index = frame.attrs.get("source_video_frame_index")
            frames.append(
                TrainingFrame(
                    frame.name.rsplit("/", 1)[-1],
                    None if index is None else int(index),
                    as_text(frame.attrs.get("annotator")),
                    instances,
                    video,
                )
            )
    return frames


def read_with_h5py(path: Path) -> Contents:
    """Read what an NWB file holds with h5py alone (no pynwb, no extension classes).

    Parameters
    ----------
    path
        An HDF5 file.

    Returns
    -------
    Contents
        Its pose estimates, training frames, subject and cached versions.

    Raises
    ------
    KeyError, ValueError, OSError
        When the layout is not ndx-pose's (the caller names the file).
    """
    import h5py

    with h5py.File(path, "r") as file:
        contents = Contents(
            source=str(path), reader="h5py", identifier=as_text(_h5_dataset(file, "identifier"))
        )
        if "general/subject/subject_id" in file:
            contents.subject_id = as_text(file["general/subject/subject_id"][()])
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


def cached_versions(path: Path) -> dict[str, str]:
    """Versions of the writer's NWB core and ndx-pose, from the cached specifications."""
    import h5py

    try:
        with h5py.File(path, "r") as file:
            return _versions_in(file)
    except OSError:
        return {}


def _versions_in(file: Any) -> dict[str, str]:
    """:func:`cached_versions` of an open h5py file."""
    versions: dict[str, str] = {}
    nwb_version = file.attrs.get("nwb_version")
    if nwb_version is not None:
        versions["nwb_version"] = as_text(nwb_version) or ""
    specs = file.get("specifications")
    if specs is not None and "ndx-pose" in specs:
        versions["ndx_pose_version"] = ",".join(sorted(specs["ndx-pose"].keys()))
    return versions
