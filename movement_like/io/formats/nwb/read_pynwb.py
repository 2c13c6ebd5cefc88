"""Reading an NWB file with pynwb and ndx-pose into :class:`~.contents.Contents`.

pynwb and ndx_pose are imported inside :func:`read_with_pynwb`. A file pynwb
refuses with the extension classes it caches is retried with
``load_namespaces=False``; when both fail, :class:`RuntimeError` carries both
reasons, and the caller falls back to :mod:`.read_h5py`.
"""

from __future__ import annotations

import warnings
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


def _series_from_pynwb(series: Any) -> Series:
    data = scaled(
        float_array(series.data[:]),
        getattr(series, "conversion", None),
        getattr(series, "offset", None),
    )
    if data.ndim == 1:
        data = data[:, None]
    confidence = getattr(series, "confidence", None)
    timestamps, rate = timestamps_of(
        data.shape[0], series.timestamps, series.starting_time, series.rate
    )
    return Series(
        name=series.name,
        data=data,
        confidence=None if confidence is None else float_array(confidence[:]),
        timestamps=timestamps,
        rate=rate,
        description=as_text(series.description),
        unit=as_text(getattr(series, "unit", None)),
        reference_frame=as_text(getattr(series, "reference_frame", None)),
        confidence_definition=as_text(getattr(series, "confidence_definition", None)),
    )


def skeleton_nodes(skeleton: Any) -> tuple[list[str] | None, np.ndarray | None]:
    if skeleton is None:
        return None, None
    nodes = as_texts(skeleton.nodes[:])
    edges = None if skeleton.edges is None else np.asarray(skeleton.edges[:], dtype=np.int64)
    return nodes, edges


def _estimation_from_pynwb(module: str, container: Any) -> Estimation:
    nodes, edges = skeleton_nodes(getattr(container, "skeleton", None))
    device = getattr(container, "device", None)
    version = getattr(container, "source_software_version", None)
    meta = {
        "description": as_text(getattr(container, "description", None)),
        "scorer": as_text(getattr(container, "scorer", None)),
        "source_software": as_text(getattr(container, "source_software", None)),
        "source_software_version": as_text(version),
        "original_videos": as_texts(getattr(container, "original_videos", None)),
        "labeled_videos": as_texts(getattr(container, "labeled_videos", None)),
        "dimensions": None
        if getattr(container, "dimensions", None) is None
        else np.asarray(container.dimensions[:]).tolist(),
        "devices": None if device is None else [device.name],
    }
    series = [_series_from_pynwb(s) for s in container.pose_estimation_series.values()]
    return Estimation(module, container.name, series, nodes, edges, meta)


def _training_from_pynwb(training: Any) -> list[TrainingFrame]:
    frames: list[TrainingFrame] = []
    if training.training_frames is None:
        return frames
    for frame in training.training_frames.training_frames.values():
        instances = []
        for instance in frame.skeleton_instances.skeleton_instances.values():
            nodes, _ = skeleton_nodes(instance.skeleton)
            visibility = instance.node_visibility
            instances.append(
                Instance(
                    name=instance.name,
                    id=None if instance.id is None else int(instance.id),
                    locations=float_array(instance.node_locations[:]),
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
                "external_file": as_texts(frame.source_video.external_file),
            }
        index = frame.source_video_frame_index
        frames.append(
            TrainingFrame(
                frame.name,
                None if index is None else int(index),
                as_text(frame.annotator),
                instances,
                video,
            )
        )
    return frames


def contents_from_nwbfile(nwbfile: Any, source: str, reader: str = "pynwb") -> Contents:
    """Collect what an open ``pynwb.NWBFile`` holds.

    Parameters
    ----------
    nwbfile
        The open file (its ndx-pose objects already built by pynwb).
    source
        What to call it in messages and in ``attrs["source_file"]``.
    reader
        What read it, for ``attrs["nwb_reader"]``.

    Returns
    -------
    Contents
        Its pose estimates, training frames and subject.
    """
    contents = Contents(source=source, reader=reader, identifier=as_text(nwbfile.identifier))
    if nwbfile.subject is not None:
        contents.subject_id = as_text(nwbfile.subject.subject_id)
    for module_name, module in nwbfile.processing.items():
        for container in module.data_interfaces.values():
            kind = type(container).__name__
            if kind in ("PoseEstimation", "MultiCameraPoseEstimation"):
                contents.estimations.append(_estimation_from_pynwb(module_name, container))
            elif kind == "PoseTraining":
                contents.training.extend(_training_from_pynwb(container))
                contents.training_skeletons += [
                    skeleton_nodes(skeleton)
                    for holder in module.data_interfaces.values()
                    if type(holder).__name__ == "Skeletons"
                    for skeleton in holder.skeletons.values()
                ]
    return contents


def read_with_pynwb(path: Path) -> Contents:
    """Read what an NWB file holds with pynwb (retrying without its cached namespaces).

    Parameters
    ----------
    path
        An HDF5 file.

    Returns
    -------
    Contents
        Its pose estimates, training frames and subject.

    Raises
    ------
    ImportError
        If pynwb or ndx-pose is missing.
    RuntimeError
        If pynwb refuses the file both ways (the message holds both reasons).
    """
    import ndx_pose  # noqa: F401 - registers the extension classes
    from pynwb import NWBHDF5IO

    errors = []
    for load_namespaces in (True, False):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with NWBHDF5IO(str(path), "r", load_namespaces=load_namespaces) as io:
                    nwbfile = io.read()
                    contents = contents_from_nwbfile(
                        nwbfile,
                        str(path),
                        "pynwb" if load_namespaces else "pynwb (load_namespaces=False)",
                    )
            return contents
        except Exception as exc:  # pynwb/hdmf raise many types on foreign files
            errors.append(f"{type(exc).__name__}: {exc}")
    raise RuntimeError("; ".join(errors))
