"""Reading an NWB file directly with h5py: no extension classes, so every ndx-pose version.

This reader walks the HDF5 groups by their ``neurodata_type`` attribute (links
included) and fills the same :class:`~.contents.Contents` as
:mod:`.read_pynwb`. It reads files that pynwb or the installed ndx-pose refuse
(ndx-pose 0.4 refuses a 0.3 ``PoseEstimation`` that links two cameras; sleap-io
files carry cached namespaces that conflict with pynwb's; ndx-pose 0.2
pre-releases put one ``SkeletonInstance`` straight into a ``TrainingFrame``).

Every array is checked before it is read (a dataset, of numbers or text, of a
size the file can hold: :func:`movement_like.io.hdf5.read_dataset`), and links
that loop or dangle are skipped where the layout allows it.
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
from movement_like.io.hdf5 import HDF5_ERRORS, open_hdf5, read_dataset

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
        except HDF5_ERRORS:  # a dangling link, a soft-link loop, a damaged header
            continue
        if isinstance(child, h5py.Group) and _h5_type(child) == wanted:
            found.append(child)
    return found


def _h5_dataset(group: Any, key: str, kinds: str | None = None, path: Any = None) -> Any:
    """Return the dataset ``key`` of ``group`` read whole (checked first); None if absent."""
    if key not in group:
        return None
    # group.file builds a new File object each time: callers in loops pass the path
    return read_dataset(group, key, path or group.file.filename, kinds=kinds)


def _h5_series(group: Any) -> Series:
    path = group.file.filename
    data = read_dataset(group, "data", path, kinds="fiu", ndim=(1, 2))
    data_set = group["data"]
    data = scaled(float_array(data), data_set.attrs.get("conversion"), data_set.attrs.get("offset"))
    if data.ndim == 1:
        data = data[:, None]
    starting = group.get("starting_time")
    timestamps, rate = timestamps_of(
        data.shape[0],
        _h5_dataset(group, "timestamps", "fiu", path),
        None if starting is None else _h5_dataset(group, "starting_time", "fiu", path),
        None if starting is None else starting.attrs.get("rate"),
    )
    confidence = group.get("confidence")
    values = _h5_dataset(group, "confidence", "fiu", path)
    return Series(
        name=group.name.rsplit("/", 1)[-1],
        data=data,
        confidence=None if values is None else float_array(values),
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
        edges = _h5_dataset(group, "edges", "iu")
        nodes = _h5_dataset(group, "nodes", "SUO")
        return as_texts(nodes), None if edges is None else np.asarray(edges, np.int64)
    skeletons = _h5_linked(group, "Skeleton")
    if not skeletons:
        return None, None
    skeleton = skeletons[0]
    edges = _h5_dataset(skeleton, "edges", "iu")
    nodes = _h5_dataset(skeleton, "nodes", "SUO")
    return as_texts(nodes), None if edges is None else np.asarray(edges, np.int64)


def _h5_estimation(module: str, group: Any) -> Estimation:
    nodes, edges = _h5_skeleton(group)
    path = group.file.filename
    software = group.get("source_software")
    dimensions = _h5_dataset(group, "dimensions", None, path)
    devices = [d.name.rsplit("/", 1)[-1] for d in _h5_linked(group, "Device")]
    devices += [d.name.rsplit("/", 1)[-1] for d in _h5_linked(group, "CalibratedCamera")]
    meta = {
        "description": as_text(_h5_dataset(group, "description", None, path)),
        "scorer": as_text(_h5_dataset(group, "scorer", None, path)),
        "source_software": None if software is None else as_text(software[()]),
        "source_software_version": None
        if software is None
        else as_text(software.attrs.get("version")),
        "original_videos": as_texts(_h5_dataset(group, "original_videos", None, path)),
        "labeled_videos": as_texts(_h5_dataset(group, "labeled_videos", None, path)),
        "dimensions": None if dimensions is None else np.asarray(dimensions).tolist(),
        "devices": devices or None,
    }
    series = [_h5_series(s) for s in _h5_linked(group, "PoseEstimationSeries")]
    return Estimation(module, group.name.rsplit("/", 1)[-1], series, nodes, edges, meta)


def _h5_instance(instance: Any, direct: bool = False) -> Instance:
    """One SkeletonInstance; ``direct`` when it sits in its TrainingFrame (fixed name)."""
    nodes, _ = _h5_skeleton(instance)
    identity = instance.attrs.get("id")
    visibility = _h5_dataset(instance, "node_visibility", "biuf")
    locations = read_dataset(
        instance, "node_locations", instance.file.filename, kinds="fiu", ndim=2
    )
    name = instance.name.rsplit("/", 1)[-1]
    if direct and identity is not None:  # "skeleton_instance" names the slot, not the animal
        name = f"id_{int(identity)}"
    return Instance(
        name=name,
        id=None if identity is None else int(identity),
        locations=float_array(locations),
        visibility=None if visibility is None else np.asarray(visibility, dtype=bool),
        nodes=nodes or [],
    )


def _h5_training(group: Any) -> list[TrainingFrame]:
    frames = []
    for frames_group in _h5_linked(group, "TrainingFrames"):
        for frame in _h5_linked(frames_group, "TrainingFrame"):
            # ndx-pose >= 0.2: SkeletonInstances holders; 0.2 pre-releases: the instance itself
            holders = _h5_linked(frame, "SkeletonInstances")
            held = [i for h in holders for i in _h5_linked(h, "SkeletonInstance")]
            direct = _h5_linked(frame, "SkeletonInstance")
            instances = [_h5_instance(i, direct=True) for i in direct]
            instances += [_h5_instance(i) for i in held]
            video: dict[str, Any] = {}
            if "source_video" in frame:
                source = frame["source_video"]
                starting = source.get("starting_time")
                video = {
                    "name": source.name.rsplit("/", 1)[-1],
                    "rate": None if starting is None else starting.attrs.get("rate"),
                    "starting_time": None
                    if starting is None
                    else float(_h5_dataset(source, "starting_time", "fiu")),
                    "external_file": as_texts(_h5_dataset(source, "external_file", "SUO")),
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


def read_with_h5py(path: Path, allow_external_links: bool = False) -> Contents:
    """Read what an NWB file holds with h5py alone (no pynwb, no extension classes).

    Parameters
    ----------
    path
        An HDF5 file.
    allow_external_links
        Follow links to other files (refused by default).

    Returns
    -------
    Contents
        Its pose estimates, training frames, subject and cached versions.

    Raises
    ------
    FileFormatError
        When the file is damaged, links outside itself or its layout is not
        ndx-pose's.
    """
    with open_hdf5(path, allow_external_links=allow_external_links, what="an NWB file") as file:
        contents = Contents(
            source=str(path), reader="h5py", identifier=as_text(_h5_dataset(file, "identifier"))
        )
        if "general/subject/subject_id" in file:
            contents.subject_id = as_text(
                read_dataset(file, "general/subject/subject_id", path, kinds="SUO")
            )
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
    except HDF5_ERRORS:
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
