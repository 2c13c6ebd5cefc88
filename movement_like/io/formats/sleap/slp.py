"""SLEAP ``.slp`` labels and predictions, read through ``sleap-io`` (an optional dependency).

The file is screened with h5py first (:func:`movement_like.io.hdf5.open_hdf5`):
a ``.slp`` that links outside itself or declares datasets larger than it can
hold is refused before sleap-io reads it, and sleap-io never opens the videos
the file names (``open_videos=False``): their paths are only recorded.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from movement_like.dataset import poses_from_numpy
from movement_like.errors import FileFormatError, MissingDependencyError
from movement_like.io.formats.sleap._shared import (
    MAX_FRAMES,
    SOURCE_SOFTWARE,
    assign_slots,
    dense_frame_range,
    finish,
)
from movement_like.io.hdf5 import open_hdf5

__all__ = ["from_slp_file"]


def _import_sleap_io() -> Any:
    try:
        import sleap_io
    except ImportError as exc:
        raise MissingDependencyError(
            "sleap-io", extra="sleap", purpose="read SLEAP .slp files"
        ) from exc
    return sleap_io


def from_slp_file(
    path: str | os.PathLike,
    fps: float | None = None,
    video: int = 0,
    allow_external_links: bool = False,
    max_frames: int = MAX_FRAMES,
) -> xr.Dataset:
    """Load a SLEAP ``.slp`` labels or predictions file (through ``sleap-io``).

    Parameters
    ----------
    path
        A ``.slp`` file (user labels, predictions, or both).
    fps
        Frames per second; ``time`` is then in seconds.
    video
        Index of the video whose frames are loaded (``.slp`` files may hold
        several); default the first.
    allow_external_links
        Let the file link to other HDF5 files (refused by default). The videos
        the file names are never opened either way: only their paths are kept.
    max_frames
        At most this many rows (frames ``min(0, first) … last``); a larger
        frame range is refused as a damaged frame index. Raise it for longer videos.

    Returns
    -------
    xarray.Dataset
        Rows for frames ``min(0, first) … last`` of that video (NaN where
        nothing is labelled). Per frame and track a user instance is preferred
        over a predicted one (and a user instance replaces the prediction it was
        made from). Untracked instances are all kept: in each frame they fill
        instance slots in file order and slot ``k`` is the individual
        ``untracked_k`` (``individual_k`` when the file has no tracks at all),
        so two untracked instances in one frame give two individuals. Confidence
        = point scores of predicted instances, NaN for user instances. Attrs:
        ``video_path``, ``video_index``, ``skeleton_edges``.

    Raises
    ------
    MissingDependencyError
        If ``sleap-io`` is not installed (extra ``movement_like[sleap]``).
    FileFormatError
        If sleap-io cannot read the file or the video index does not exist,
        or the file links outside itself or declares more data than it holds
        (checked with h5py before sleap-io reads anything).
    """
    sio = _import_sleap_io()
    path = Path(path).expanduser()
    with open_hdf5(path, allow_external_links=allow_external_links, what="a SLEAP .slp file"):
        pass  # screened: links outside the file, declared sizes
    try:
        labels = sio.load_slp(os.fspath(path), open_videos=False)
    except Exception as exc:  # sleap-io raises many types for bad files
        raise FileFormatError(
            path,
            f"sleap-io cannot read this .slp file ({type(exc).__name__}: {exc})",
            "the file may be truncated or not a SLEAP file",
        ) from exc
    if not labels.videos:
        raise FileFormatError(path, "holds no video, so there are no frames to load")
    if not 0 <= int(video) < len(labels.videos):
        raise FileFormatError(
            path,
            f"has {len(labels.videos)} video(s); video={video} does not exist",
            f"choose 0 … {len(labels.videos) - 1}",
        )
    chosen = labels.videos[int(video)]
    if not labels.skeletons:
        raise FileFormatError(path, "holds no skeleton")
    skeleton = labels.skeletons[0]
    node_names = [str(n) for n in skeleton.node_names]
    rows: list[tuple[int, str | None, np.ndarray, np.ndarray]] = []
    for lf in labels.labeled_frames:
        if lf.video is not chosen:
            continue
        for instance in _preferred_instances(lf.instances):
            if (
                instance.skeleton is not skeleton
                and list(instance.skeleton.node_names) != node_names
            ):
                raise FileFormatError(
                    path,
                    "instances use several skeletons; only files with one skeleton are supported",
                )
            points = instance.numpy()
            if type(instance).__name__ == "PredictedInstance":
                scores = np.asarray(instance.points["score"], dtype=np.float64)
            else:
                scores = np.full(len(node_names), np.nan)
            track = instance.track
            name = None if track is None else str(track.name)
            rows.append((int(lf.frame_idx), name, points, scores))
    bad = next((r[0] for r in rows if not 0 <= r[0] < 2**63), None)
    if bad is not None:
        raise FileFormatError(
            path,
            f"a labeled frame has the frame index {bad}, which no video has",
            "the file is damaged; export it again from SLEAP",
        )
    frame_idx = np.array([r[0] for r in rows], dtype=np.int64)
    present = {r[1] for r in rows}
    file_order = [str(t.name) for t in labels.tracks if str(t.name) in present]
    individuals, slot = assign_slots(frame_idx, [r[1] for r in rows], file_order)
    frames = dense_frame_range(frame_idx, path, max_frames)
    n_ind = max(len(individuals), 1)
    if not individuals:
        individuals = ["individual_0"]
    position = np.full((frames.size, n_ind, len(node_names), 2), np.nan)
    confidence = np.full(position.shape[:3], np.nan)
    if rows:
        at = frame_idx - frames[0]
        position[at, slot] = np.stack([r[2] for r in rows])
        confidence[at, slot] = np.stack([r[3] for r in rows])
    ds = poses_from_numpy(
        position,
        confidence,
        individual_names=individuals,
        keypoint_names=node_names,
        fps=fps,
        source_software=SOURCE_SOFTWARE,
        frame_array=frames,
    )
    edges = [[str(e.source.name), str(e.destination.name)] for e in skeleton.edges]
    extra: dict[str, Any] = {"video_path": str(chosen.filename), "video_index": int(video)}
    if edges:
        extra["skeleton_edges"] = edges
    return finish(ds, path, extra)


def _preferred_instances(instances: Sequence[Any]) -> list[Any]:
    """Drop predictions superseded by a user instance (same track, or its source)."""
    users = [i for i in instances if type(i).__name__ == "Instance"]
    user_tracks = {id(i.track) for i in users if i.track is not None}
    sources = {id(i.from_predicted) for i in users if getattr(i, "from_predicted", None)}
    kept = []
    seen_tracks: set[int] = set()
    for instance in instances:
        is_user = type(instance).__name__ == "Instance"
        if not is_user:
            if id(instance) in sources:
                continue
            if instance.track is not None and id(instance.track) in user_tracks:
                continue
        if instance.track is not None:
            if id(instance.track) in seen_tracks:  # two instances of one track in a frame
                continue
            seen_tracks.add(id(instance.track))
        kept.append(instance)
    return kept
