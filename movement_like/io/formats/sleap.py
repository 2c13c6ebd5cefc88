"""SLEAP: analysis HDF5 (read and write), analysis CSV (read) and ``.slp`` (read).

Layouts follow ``formats.md`` §4:

* ``*.analysis.h5`` — SLEAP's own export stores every array transposed
  (MATLAB order, ``tracks (tracks, xy, nodes, frames)``); sleap-io may also
  write ``preset="standard"`` (``tracks (frames, tracks, nodes, xy)``) and then
  names the axes in a ``dims`` attribute on each dataset; legacy files with the
  root attribute ``transpose=False`` use ``(frames, nodes, xy, tracks)``. The
  reader follows ``dims`` when present, so every layout loads. Everything but
  ``tracks`` and ``node_names`` is optional (older SLEAP versions wrote less).
* ``*.analysis.csv`` — one row per (frame, instance).
* ``*.slp`` — the SLEAP project/predictions file, read through ``sleap-io``
  (an optional dependency: ``pip install "movement_like[sleap]"``).

Untracked instances (no track assigned) are never dropped: every frame's
untracked instances fill instance *slots* in file order, and each slot becomes
one individual, ``untracked_0``, ``untracked_1`` … (or ``individual_0`` …
when the file has no tracks at all). Tracked instances keep their track.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from movement_like.dataset import (
    frame_numbers,
    netcdf_safe_attrs,
    poses_from_numpy,
    require_contract_dims,
    validate_poses,
)
from movement_like.errors import FileFormatError, InvalidDatasetError, MissingDependencyError
from movement_like.io.atomic import atomic_path
from movement_like.io.formats.common import FileHead

__all__ = [
    "from_sleap_file",
    "from_sleap_analysis_h5",
    "from_sleap_analysis_csv",
    "from_slp_file",
    "to_sleap_analysis_file",
]

SOURCE_SOFTWARE = "SLEAP"
_CANONICAL = ("frame", "track", "node", "xy")
#: Axis order on disk of SLEAP's own (MATLAB, transposed) layout.
_MATLAB_DIMS = {
    4: ("track", "xy", "node", "frame"),
    3: ("track", "node", "frame"),
    2: ("track", "frame"),
}
#: Axis order of legacy sleap-io files written with ``transpose=False``.
_UNTRANSPOSED_DIMS = {
    4: ("frame", "node", "xy", "track"),
    3: ("frame", "node", "track"),
    2: ("frame", "track"),
}


# --------------------------------------------------------------------------- #
# helpers shared by the three readers
# --------------------------------------------------------------------------- #
def _decode(values: Any) -> list[str]:
    out = []
    for v in np.asarray(values).ravel():
        out.append(v.decode("utf-8") if isinstance(v, bytes) else str(v))
    return out


def _slot_names(track_names: Sequence[str], n_untracked: int) -> list[str]:
    """Individual names: the tracks, then one name per untracked-instance slot."""
    if not track_names:
        return [f"individual_{i}" for i in range(n_untracked)]
    taken = set(track_names)
    names = list(track_names)
    i = 0
    while len(names) < len(track_names) + n_untracked:
        candidate = f"untracked_{i}"
        if candidate not in taken:
            names.append(candidate)
        i += 1
    return names


def _finish(ds: xr.Dataset, path: Path, extra: dict[str, Any]) -> xr.Dataset:
    extra = {"source_file": os.fspath(path), **extra}
    ds.attrs.update(netcdf_safe_attrs(extra))
    return ds


def _dense_frame_range(frame_idx: np.ndarray) -> np.ndarray:
    """SLEAP's rule: rows cover frames ``min(0, first) … last``."""
    if frame_idx.size == 0:
        return np.zeros(0, dtype=np.int64)
    return np.arange(min(0, int(frame_idx.min())), int(frame_idx.max()) + 1, dtype=np.int64)


# --------------------------------------------------------------------------- #
# analysis HDF5
# --------------------------------------------------------------------------- #
def _dims_on_disk(dataset: Any, root_attrs: Any, where: Path) -> tuple[str, ...]:
    ndim = dataset.ndim
    raw = dataset.attrs.get("dims")
    if raw is not None:
        if isinstance(raw, bytes):
            raw = raw.decode()
        try:
            dims = tuple(json.loads(raw)) if isinstance(raw, str) else tuple(_decode(raw))
        except json.JSONDecodeError as exc:
            raise FileFormatError(
                where, f"'{dataset.name}' has an unreadable dims attribute {raw!r}"
            ) from exc
        if len(dims) != ndim or not set(dims) <= set(_CANONICAL):
            raise FileFormatError(
                where, f"'{dataset.name}' has dims {list(dims)} that do not match its {ndim} axes"
            )
        return dims
    transpose = root_attrs.get("transpose", True)
    if isinstance(transpose, (bool, np.bool_)) and not transpose:
        return _UNTRANSPOSED_DIMS[ndim]
    return _MATLAB_DIMS[ndim]


def _to_canonical(dataset: Any, root_attrs: Any, where: Path) -> np.ndarray:
    dims = _dims_on_disk(dataset, root_attrs, where)
    order = [d for d in _CANONICAL if d in dims]
    return np.transpose(dataset[()], [dims.index(d) for d in order])


def from_sleap_analysis_h5(path: str | os.PathLike, fps: float | None = None) -> xr.Dataset:
    """Load a SLEAP analysis HDF5 file (``*.analysis.h5``), any of its layouts.

    Parameters
    ----------
    path
        Written by SLEAP (``Export Analysis HDF5``, ``sleap-convert``) or by
        sleap-io (``preset="matlab"`` or ``"standard"``).
    fps
        Frames per second (not stored in the file); ``time`` is then in seconds.

    Returns
    -------
    xarray.Dataset
        Poses with one individual per track (``individual_0`` when the file has
        no track names), keypoints = ``node_names`` in order, confidence =
        ``point_scores`` (NaN for user-labelled instances or when absent), rows
        = frames ``0 … F-1`` (SLEAP does not store an offset). Skeleton edges go
        to ``attrs["skeleton_edges"]`` (JSON list of node-name pairs).

    Raises
    ------
    FileFormatError
        If the file cannot be opened or lacks ``tracks``/``node_names``.
    """
    import h5py

    path = Path(path).expanduser()
    try:
        file = h5py.File(path, "r")
    except OSError as exc:
        raise FileFormatError(
            path,
            f"cannot be opened as an HDF5 file ({exc})",
            "the file may be truncated or damaged; export it again from SLEAP",
        ) from exc
    with file:
        missing = [k for k in ("tracks", "node_names") if k not in file]
        if missing:
            raise FileFormatError(
                path,
                f"is not a SLEAP analysis file: the dataset(s) {missing} are missing",
                "export with SLEAP's 'Export Analysis HDF5' or sleap-io's save_analysis_h5",
            )
        root = dict(file.attrs)
        try:
            tracks = _to_canonical(file["tracks"], root, path)
        except (OSError, ValueError, KeyError) as exc:
            raise FileFormatError(
                path, f"'tracks' cannot be read ({exc})", "the file may be truncated"
            ) from exc
        node_names = _decode(file["node_names"][()])
        if tracks.ndim != 4 or tracks.shape[3] != 2 or tracks.shape[2] != len(node_names):
            raise FileFormatError(
                path,
                f"'tracks' has shape {tracks.shape} after reordering to (frames, tracks, "
                f"nodes, xy), which does not match {len(node_names)} nodes and 2 coordinates",
                "the dims of 'tracks' are not SLEAP's",
            )
        scores = None
        if "point_scores" in file:
            scores = _to_canonical(file["point_scores"], root, path)
            if scores.shape != tracks.shape[:3]:
                scores = None
        track_names = (
            _decode(file["track_names"][()])
            if "track_names" in file and file["track_names"].size
            else []
        )
        edges = []
        if "edge_names" in file and file["edge_names"].size:
            pairs = _decode(file["edge_names"][()])
            edges = [pairs[i : i + 2] for i in range(0, len(pairs), 2)]
        elif "edge_inds" in file and file["edge_inds"].size:
            edges = [
                [node_names[int(a)], node_names[int(b)]]
                for a, b in np.asarray(file["edge_inds"][()]).reshape(-1, 2)
            ]
        extra: dict[str, Any] = {}
        for key in ("video_path", "labels_path"):
            if key in file:
                value = _decode(file[key][()])[0] if file[key].shape == () else None
                if value and value != "None":
                    extra[key] = value
        if "video_ind" in file and file["video_ind"].shape == ():
            extra["video_index"] = int(file["video_ind"][()])
    n_tracks = tracks.shape[1]
    names = track_names if len(track_names) == n_tracks else _slot_names([], n_tracks)
    if edges:
        extra["skeleton_edges"] = edges
    ds = poses_from_numpy(
        tracks.astype(np.float64, copy=False),
        scores,
        individual_names=names,
        keypoint_names=node_names,
        fps=fps,
        source_software=SOURCE_SOFTWARE,
    )
    return _finish(ds, path, extra)


# --------------------------------------------------------------------------- #
# analysis CSV
# --------------------------------------------------------------------------- #
def from_sleap_analysis_csv(path: str | os.PathLike, fps: float | None = None) -> xr.Dataset:
    """Load a SLEAP analysis CSV (``track, frame_idx, instance.score, <node>.x, <node>.y, …``).

    Parameters
    ----------
    path
        A CSV written by SLEAP's ``Export Analysis CSV`` (SLEAP ≥ 1.3.2).
    fps
        Frames per second; ``time`` is then in seconds.

    Returns
    -------
    xarray.Dataset
        Poses with rows for frames ``min(0, first) … last`` (NaN where no
        instance), one individual per track in order of appearance, and one
        per untracked-instance slot (see the module notes); confidence from
        ``<node>.score``.
    """
    path = Path(path).expanduser()
    try:
        df = pd.read_csv(path, keep_default_na=True, dtype={"track": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise FileFormatError(path, f"cannot be parsed as a SLEAP analysis CSV ({exc})") from exc
    columns = [str(c) for c in df.columns]
    if columns[:2] != ["track", "frame_idx"]:
        raise FileFormatError(
            path,
            f"the header starts with {columns[:3]}, not 'track, frame_idx, ...'",
            "this is not a SLEAP analysis CSV",
        )
    nodes = [c[: -len(".x")] for c in columns if c.endswith(".x")]
    missing = [f"{n}.y" for n in nodes if f"{n}.y" not in columns]
    if not nodes or missing:
        raise FileFormatError(path, f"node columns are incomplete (missing {missing or 'all'})")
    try:
        frame_idx = df["frame_idx"].to_numpy(dtype=np.int64)
        xy = np.stack(
            [
                df[[f"{n}.x" for n in nodes]].to_numpy(np.float64),
                df[[f"{n}.y" for n in nodes]].to_numpy(np.float64),
            ],
            axis=-1,
        )
        scores = np.stack(
            [
                df[f"{n}.score"].to_numpy(np.float64)
                if f"{n}.score" in df
                else np.full(len(df), np.nan)
                for n in nodes
            ],
            axis=-1,
        )
    except (ValueError, TypeError) as exc:
        raise FileFormatError(path, f"non-numeric values in frame or node columns ({exc})") from exc
    track_of_row = [None if pd.isna(t) or t == "" else str(t) for t in df["track"]]
    individuals, slot = _assign_slots(frame_idx, track_of_row)
    frames = _dense_frame_range(frame_idx)
    position = np.full((frames.size, len(individuals), len(nodes), 2), np.nan)
    confidence = np.full(position.shape[:3], np.nan)
    rows = frame_idx - (frames[0] if frames.size else 0)
    position[rows, slot] = xy
    confidence[rows, slot] = scores
    ds = poses_from_numpy(
        position,
        confidence,
        individual_names=individuals,
        keypoint_names=nodes,
        fps=fps,
        source_software=SOURCE_SOFTWARE,
        frame_array=frames,
    )
    return _finish(ds, path, {})


def _assign_slots(
    frame_idx: np.ndarray,
    track_of_row: Sequence[str | None],
    track_order: Sequence[str] = (),
) -> tuple[list[str], np.ndarray]:
    """Individual of every (frame, instance) row: its track, else the next free slot.

    Tracks come in ``track_order`` first, then in order of appearance; the
    untracked slots follow.
    """
    tracks = list(dict.fromkeys([*track_order, *(t for t in track_of_row if t is not None)]))
    track_pos = {t: i for i, t in enumerate(tracks)}
    slot = np.empty(len(track_of_row), dtype=np.int64)
    used: dict[int, int] = {}
    n_slots = 0
    for row, (frame, track) in enumerate(zip(frame_idx.tolist(), track_of_row, strict=True)):
        if track is not None:
            slot[row] = track_pos[track]
            continue
        k = used.get(frame, 0)
        used[frame] = k + 1
        n_slots = max(n_slots, k + 1)
        slot[row] = -1 - k
    names = _slot_names(tracks, n_slots)
    slot[slot < 0] = len(tracks) + (-1 - slot[slot < 0])
    return names, slot


# --------------------------------------------------------------------------- #
# .slp through sleap-io
# --------------------------------------------------------------------------- #
def _import_sleap_io() -> Any:
    try:
        import sleap_io
    except ImportError as exc:
        raise MissingDependencyError(
            "sleap-io", extra="sleap", purpose="read SLEAP .slp files"
        ) from exc
    return sleap_io


def from_slp_file(path: str | os.PathLike, fps: float | None = None, video: int = 0) -> xr.Dataset:
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
        If sleap-io cannot read the file or the video index does not exist.
    """
    sio = _import_sleap_io()
    path = Path(path).expanduser()
    try:
        labels = sio.load_slp(os.fspath(path))
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
    frame_idx = np.array([r[0] for r in rows], dtype=np.int64)
    present = {r[1] for r in rows}
    file_order = [str(t.name) for t in labels.tracks if str(t.name) in present]
    individuals, slot = _assign_slots(frame_idx, [r[1] for r in rows], file_order)
    frames = _dense_frame_range(frame_idx)
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
    return _finish(ds, path, extra)


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


# --------------------------------------------------------------------------- #
# dispatch, sniffing
# --------------------------------------------------------------------------- #
def _is_slp(head: FileHead) -> bool:
    keys = head.h5_keys
    return keys.get("metadata") == "group" and ("frames" in keys or "instances" in keys)


def _is_analysis_h5(head: FileHead) -> bool:
    keys = head.h5_keys
    return keys.get("node_names") == "dataset" and (
        "tracks" in keys or "track_occupancy" in keys or "track_names" in keys
    )


def _is_analysis_csv(head: FileHead) -> bool:
    lines = head.lines(1)
    return bool(lines) and lines[0].startswith("track,frame_idx,")


def sniff(head: FileHead) -> bool:
    """Whether the file is a SLEAP ``.slp``, analysis ``.h5`` or analysis ``.csv``."""
    if head.is_dir:
        return False
    if head.is_hdf5:
        return _is_slp(head) or _is_analysis_h5(head)
    return _is_analysis_csv(head)


def from_sleap_file(
    path: str | os.PathLike, fps: float | None = None, video: int = 0
) -> xr.Dataset:
    """Load any SLEAP file: ``.slp``, ``*.analysis.h5`` or ``*.analysis.csv``.

    Parameters
    ----------
    path
        The file; its kind is told from its content, not its name.
    fps
        Frames per second; ``time`` is then in seconds.
    video
        For ``.slp`` files: index of the video to load (default the first).

    Returns
    -------
    xarray.Dataset
        See :func:`from_slp_file`, :func:`from_sleap_analysis_h5` and
        :func:`from_sleap_analysis_csv`.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    head = FileHead.of(path)
    if head.is_hdf5:
        if _is_slp(head):
            return from_slp_file(path, fps=fps, video=video)
        return from_sleap_analysis_h5(path, fps=fps)
    if path.suffix.lower() == ".slp":
        raise FileFormatError(
            path,
            "is not an HDF5 file, so not a readable .slp",
            "the file may be truncated or damaged",
        )
    if _is_analysis_csv(head):
        return from_sleap_analysis_csv(path, fps=fps)
    if path.suffix.lower() in (".h5", ".hdf5"):
        raise FileFormatError(
            path, "cannot be opened as an HDF5 file", "the file may be truncated or damaged"
        )
    raise FileFormatError(path, "is neither a SLEAP .slp, analysis .h5 nor analysis .csv")


def read(path: str | os.PathLike, fps: float | None = None, **kwargs: Any) -> xr.Dataset:
    """Registry entry point: :func:`from_sleap_file`."""
    return from_sleap_file(path, fps=fps, **kwargs)


# --------------------------------------------------------------------------- #
# writing the analysis HDF5
# --------------------------------------------------------------------------- #
def _fixed_bytes(names: Sequence[str]) -> np.ndarray:
    encoded = [n.encode("utf-8") for n in names]
    width = max((len(e) for e in encoded), default=1) or 1
    return np.array(encoded, dtype=f"S{width}")


def to_sleap_analysis_file(
    ds: xr.Dataset, path: str | os.PathLike, overwrite: bool = False
) -> Path:
    """Save a 2D poses dataset as a SLEAP analysis HDF5 file (SLEAP's own layout).

    Arrays are written transposed as SLEAP does (``tracks (tracks, 2, nodes,
    frames)``, ``point_scores (tracks, nodes, frames)``, ``track_occupancy
    (frames, tracks)`` uint8 …, gzip level 9), names as fixed-length UTF-8
    bytes, plus sleap-io's ``dims`` attributes and root attrs ``format`` /
    ``preset="matlab"`` so the file describes itself. SLEAP and sleap-io
    read it.

    Rows are video frames ``0 … last frame`` (SLEAP stores no offset), so
    sparse datasets are written densely with NaN between their frames.
    Individuals without data are kept (occupancy 0), so names round-trip.

    Parameters
    ----------
    ds
        2D poses dataset with non-negative frame numbers.
    path
        Target file, usually ``<name>.analysis.h5``.
    overwrite
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    import h5py

    validate_poses(ds)
    if ds.sizes["space"] != 2:
        raise InvalidDatasetError("SLEAP analysis files hold 2D poses; this dataset is 3D")
    require_contract_dims(ds, "a SLEAP analysis file")
    frames = frame_numbers(ds, "writing a SLEAP analysis file")
    if frames.size and frames.min() < 0:
        raise InvalidDatasetError(
            f"SLEAP analysis files start at frame 0; this dataset has frame {int(frames.min())}"
        )
    n_frames = int(frames.max()) + 1 if frames.size else 0
    position = ds["position"].transpose("time", "individuals", "keypoints", "space").values
    confidence = ds["confidence"].transpose("time", "individuals", "keypoints").values
    n_ind, n_kp = position.shape[1], position.shape[2]
    tracks = np.full((n_frames, n_ind, n_kp, 2), np.nan)
    scores = np.full((n_frames, n_ind, n_kp), np.nan)
    tracks[frames] = position
    scores[frames] = confidence
    occupancy = np.any(np.isfinite(tracks), axis=(2, 3)).astype(np.uint8)  # (F, I)
    nan_fi = np.full((n_ind, n_frames), np.nan)
    individuals = [str(i) for i in ds["individuals"].values]
    keypoints = [str(k) for k in ds["keypoints"].values]
    edges = _edges_from_attrs(ds, keypoints)
    gzip = {"compression": "gzip", "compression_opts": 9}
    target = Path(path).expanduser()
    with atomic_path(target, overwrite) as tmp, h5py.File(tmp, "w") as file:
        file.attrs["format"] = "analysis"
        file.attrs["preset"] = "matlab"
        file.attrs["writer"] = "movement_like"
        arrays = {
            "tracks": (tracks.transpose(1, 3, 2, 0), ["track", "xy", "node", "frame"]),
            "track_occupancy": (occupancy, ["frame", "track"]),
            "point_scores": (scores.transpose(1, 2, 0), ["track", "node", "frame"]),
            "instance_scores": (nan_fi, ["track", "frame"]),
            "tracking_scores": (nan_fi, ["track", "frame"]),
        }
        for name, (array, dims) in arrays.items():
            dset = file.create_dataset(name, data=np.ascontiguousarray(array), **gzip)
            dset.attrs["dims"] = json.dumps(dims)
        file.create_dataset("track_names", data=_fixed_bytes(individuals))
        file.create_dataset("node_names", data=_fixed_bytes(keypoints))
        edge_names = (
            np.array([[a.encode(), b.encode()] for a, b in edges], dtype="S")
            if edges
            else np.zeros((0, 2), dtype="S1")
        )
        file.create_dataset("edge_names", data=edge_names)
        file.create_dataset(
            "edge_inds",
            data=np.array(
                [[keypoints.index(a), keypoints.index(b)] for a, b in edges], dtype=np.int32
            ).reshape(-1, 2),
        )
        source = str(ds.attrs.get("source_file", ""))
        labels_path = str(ds.attrs.get("labels_path", source if source.endswith(".slp") else ""))
        file.create_dataset("labels_path", data=labels_path)
        file.create_dataset("video_path", data=str(ds.attrs.get("video_path", "")))
        file.create_dataset("video_ind", data=np.int32(ds.attrs.get("video_index", 0)))
        file.create_dataset("provenance", data=json.dumps({"writer": "movement_like"}))
    return target


def _edges_from_attrs(ds: xr.Dataset, keypoints: Sequence[str]) -> list[tuple[str, str]]:
    raw = ds.attrs.get("skeleton_edges")
    if raw is None:
        return []
    try:
        pairs = json.loads(raw) if isinstance(raw, str) else raw
        edges = [(str(a), str(b)) for a, b in pairs]
    except (TypeError, ValueError):
        return []
    return [(a, b) for a, b in edges if a in keypoints and b in keypoints]


def write(ds: xr.Dataset, path: str | os.PathLike, overwrite: bool = False, **kwargs: Any) -> Path:
    """Registry entry point: :func:`to_sleap_analysis_file`."""
    return to_sleap_analysis_file(ds, path, overwrite=overwrite, **kwargs)
