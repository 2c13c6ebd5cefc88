"""NWB training labels (ndx-pose ``PoseTraining``) to one sparse poses dataset.

The ground truth of ``PoseTraining`` -> ``TrainingFrame`` -> ``SkeletonInstance``
becomes a dataset on the labelled frames only, with a ``frame`` coordinate from
``source_video_frame_index``, a boolean ``visibility`` variable and an
``annotator`` coordinate when the file names one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from movement_like.dataset import netcdf_safe_attrs, poses_from_numpy
from movement_like.errors import FileFormatError
from movement_like.io.formats.nwb.contents import Contents, unique_attr

#: Package-internal: users import from :mod:`movement_like.io.formats.nwb`.
__all__: list[str] = []


def training_from_contents(contents_list: list[Contents], fps: float | None) -> xr.Dataset:
    """One sparse poses dataset from the training labels of one or more NWB files.

    Parameters
    ----------
    contents_list
        What each file holds.
    fps
        Frame rate; by default the source video's rate when the file gives it.

    Returns
    -------
    xarray.Dataset
        See :func:`movement_like.io.formats.nwb.from_nwb_file` (``which="training"``).

    Raises
    ------
    FileFormatError
        If no file holds training frames, none of them holds an instance, or a
        video frame is labelled twice.
    """
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
    if not all_instances:
        raise FileFormatError(
            frames[0][0].source,
            f"holds {len(frames)} TrainingFrame(s) but no SkeletonInstance in any of them, "
            "so there are no labels to load",
            "label some frames first; the file may also use a layout this reader does not know",
        )
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
    external = unique_attr(
        tuple(v["external_file"]) if v.get("external_file") else None for v in videos
    )
    ds.attrs.update(
        netcdf_safe_attrs(
            {
                "source_file": files[0] if len(files) == 1 else files,
                "nwb_data": "training",
                "nwb_reader": unique_attr(c.reader for c in contents_list),
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
