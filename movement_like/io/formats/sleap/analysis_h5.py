"""SLEAP analysis HDF5 (``*.analysis.h5``), every layout SLEAP and sleap-io write.

SLEAP's own export stores every array transposed (MATLAB order, ``tracks
(tracks, xy, nodes, frames)``); sleap-io may also write ``preset="standard"``
(``tracks (frames, tracks, nodes, xy)``) and then names the axes in a ``dims``
attribute on each dataset; legacy files with the root attribute
``transpose=False`` use ``(frames, nodes, xy, tracks)``. The reader follows
``dims`` when present, so every layout loads. Everything but ``tracks`` and
``node_names`` is optional (older SLEAP versions wrote less).

The file is opened with :func:`movement_like.io.hdf5.open_hdf5` and every
dataset is checked (a dataset, of numbers or names, of the right rank, of a
size the file can hold) before it is read.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from movement_like.dataset import poses_from_numpy
from movement_like.errors import FileFormatError
from movement_like.io.formats.sleap._shared import (
    SOURCE_SOFTWARE,
    decode_names,
    finish,
    slot_names,
)
from movement_like.io.hdf5 import open_hdf5, read_dataset, require_dataset

__all__ = ["from_sleap_analysis_h5"]

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


def _dims_on_disk(dataset: Any, root_attrs: Any, where: Path) -> tuple[str, ...]:
    ndim = dataset.ndim
    raw = dataset.attrs.get("dims")
    if raw is not None:
        if isinstance(raw, bytes):
            raw = raw.decode()
        try:
            dims = tuple(json.loads(raw)) if isinstance(raw, str) else tuple(decode_names(raw))
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


def _optional(file: Any, name: str, path: Path, kinds: str | None, ndim: Any = None) -> Any:
    """Return the dataset ``name`` checked, or None when the file does not have it."""
    if name not in file:
        return None
    return require_dataset(file, name, path, kinds=kinds, ndim=ndim)


def _names(file: Any, name: str, path: Path) -> list[str] | None:
    """Return a names dataset as str (sleap-io writes empty ones as floats); None if absent."""
    dataset = _optional(file, name, path, None)
    if dataset is None:
        return None
    if dataset.size == 0:
        return []
    return decode_names(read_dataset(file, name, path, kinds="SUO"))


def _text(file: Any, name: str, path: Path) -> str | None:
    """Return a scalar text dataset (``video_path`` …); None if absent, empty or "None"."""
    dataset = _optional(file, name, path, "SUO")
    if dataset is None or dataset.shape != ():
        return None
    value = decode_names(dataset[()])[0]
    return value if value and value != "None" else None


def from_sleap_analysis_h5(
    path: str | os.PathLike, fps: float | None = None, allow_external_links: bool = False
) -> xr.Dataset:
    """Load a SLEAP analysis HDF5 file (``*.analysis.h5``), any of its layouts.

    Parameters
    ----------
    path
        Written by SLEAP (``Export Analysis HDF5``, ``sleap-convert``) or by
        sleap-io (``preset="matlab"`` or ``"standard"``).
    fps
        Frames per second (not stored in the file); ``time`` is then in seconds.
    allow_external_links
        Follow links to other HDF5 files (refused by default).

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
        If the file cannot be opened, lacks ``tracks``/``node_names``, holds
        them in another form (a group, text, another rank), declares more data
        than it stores, or links outside itself.
    """
    path = Path(path).expanduser()
    with open_hdf5(
        path, allow_external_links=allow_external_links, what="a SLEAP analysis file"
    ) as file:
        missing = [k for k in ("tracks", "node_names") if k not in file]
        if missing:
            raise FileFormatError(
                path,
                f"is not a SLEAP analysis file: the dataset(s) {missing} are missing",
                "export with SLEAP's 'Export Analysis HDF5' or sleap-io's save_analysis_h5",
            )
        root = dict(file.attrs)
        tracks = _to_canonical(
            require_dataset(file, "tracks", path, kinds="fiu", ndim=4), root, path
        )
        node_names = decode_names(read_dataset(file, "node_names", path, kinds="SUO"))
        if tracks.shape[3] != 2 or tracks.shape[2] != len(node_names):
            raise FileFormatError(
                path,
                f"'tracks' has shape {tracks.shape} after reordering to (frames, tracks, "
                f"nodes, xy), which does not match {len(node_names)} nodes and 2 coordinates",
                "the dims of 'tracks' are not SLEAP's",
            )
        scores = None
        point_scores = _optional(file, "point_scores", path, "fiu", 3)
        if point_scores is not None:
            scores = _to_canonical(point_scores, root, path)
            if scores.shape != tracks.shape[:3]:
                scores = None
        track_names = _names(file, "track_names", path) or []
        edges = []
        pairs = _names(file, "edge_names", path)
        edge_inds = _optional(file, "edge_inds", path, None)
        if pairs:
            edges = [pairs[i : i + 2] for i in range(0, len(pairs), 2)]
        elif edge_inds is not None and edge_inds.size:
            inds = read_dataset(file, "edge_inds", path, kinds="iu").reshape(-1, 2)
            if inds.size and (inds.min() < 0 or inds.max() >= len(node_names)):
                raise FileFormatError(path, "'edge_inds' names nodes the file does not have")
            edges = [[node_names[int(a)], node_names[int(b)]] for a, b in inds]
        extra: dict[str, Any] = {}
        for key in ("video_path", "labels_path"):
            value = _text(file, key, path)
            if value:
                extra[key] = value
        video_ind = _optional(file, "video_ind", path, "iuf")
        if video_ind is not None and video_ind.shape == ():
            extra["video_index"] = int(video_ind[()])
    n_tracks = tracks.shape[1]
    names = track_names if len(track_names) == n_tracks else slot_names([], n_tracks)
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
    return finish(ds, path, extra)
