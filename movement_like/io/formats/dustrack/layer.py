"""One DUSTrack layer as a poses dataset spanning the video, and back.

:func:`read` turns a layer JSON into a dataset on every frame of the video (NaN
where not annotated); :func:`write` writes one layer of a dataset so that
DUSTrack loads it identically. The video of a layer, when there is one, is
found and probed through :mod:`movement_like.video`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import xarray as xr

from movement_like.dataset import (
    frame_numbers,
    netcdf_safe_attrs,
    poses_from_numpy,
    validate_poses,
)
from movement_like.errors import (
    FileFormatError,
    InvalidArgumentError,
    InvalidDatasetError,
    PathNotFoundError,
)
from movement_like.io import limits
from movement_like.io.atomic import atomic_path, check_writable
from movement_like.io.formats.dustrack.layer_json import LabelPoints, json_text, read_layer_arrays
from movement_like.io.formats.dustrack.naming import (
    SOURCE_SOFTWARE,
    canonical_layer_name,
    find_video,
    label_sort_key,
    labels_of,
    layer_file_name,
    video_stem_of,
)
from movement_like.io.formats.dustrack.trackermap import find_trackermap, with_keypoint_names
from movement_like.utils.checks import check_fps
from movement_like.video import probe_video

__all__ = [
    "layer_points",
    "layer_dict",
    "layer_to_json_text",
    "from_dustrack_file",
    "to_dustrack_file",
]

#: What to do instead when the video of a layer cannot be opened.
VIDEO_FIX = "check the file, or pass n_frames= and fps= instead of the video"


def _layer_arrays(layer: Mapping[str, LabelPoints], n_frames: int) -> tuple[list[str], np.ndarray]:
    """Return the labels in numeric order and the ``(n_frames, 1, labels, 2)`` positions."""
    labels = sorted(layer, key=label_sort_key)
    position = np.full((n_frames, 1, len(labels), 2), np.nan)
    for index, label in enumerate(labels):
        frames, xy = layer[label]
        position[frames, 0, index, :] = xy
    return labels, position


def checked_video(video: str | os.PathLike) -> Path:
    video = Path(video).expanduser()
    if not video.is_file():
        raise PathNotFoundError(f"{video}: no such video file")
    return video


def _resolve_video(path: Path, video: str | os.PathLike | None) -> Path | None:
    if video is not None:
        return checked_video(video)
    return find_video(path.parent, video_stem_of(path))


def frames_and_fps(
    video: Path | None, n_frames: int | None, fps: float | None
) -> tuple[int | None, float | None]:
    """Return the video's frame count (None when not read) and ``fps``, else its rate."""
    fps = check_fps(fps)
    if n_frames is not None and (
        isinstance(n_frames, bool) or not isinstance(n_frames, (int, np.integer)) or n_frames < 0
    ):
        raise InvalidArgumentError(f"n_frames must be a non-negative integer, got {n_frames!r}")
    video_frames = video_fps = None
    if video is not None and (n_frames is None or fps is None):
        video_frames, video_fps = probe_video(video, fix=VIDEO_FIX)
    return video_frames, (fps if fps is not None else video_fps)


def read(
    path: str | os.PathLike,
    fps: float | None = None,
    video: str | os.PathLike | None = None,
    n_frames: int | None = None,
    dlc_project: str | os.PathLike | None = None,
    layer: str | None = None,
) -> xr.Dataset:
    """Read one DUSTrack layer JSON into a poses dataset spanning the video.

    Parameters
    ----------
    path
        The layer file ``{video_stem}_annotations_{layer}.json``.
    fps
        Frames per second; overrides the video's.
    video
        The video the layer annotates. By default ``{video_stem}.<suffix>`` next
        to the file is used when it exists (:data:`VIDEO_SUFFIXES`).
    n_frames
        Number of frames of the video; overrides the video's. Without both,
        ``max(frame) + 1`` (DUSTrack's rule).
    dlc_project
        DLC project folder holding ``dlc_trackermap.txt``. By default the map is
        looked for next to the layer (and in the project root when the layer
        sits in ``<project>/videos``).
    layer
        Layer name; by default :func:`canonical_layer_name` of ``path``
        (``"noname"`` when that is empty, as in DUSTrack).

    Returns
    -------
    xarray.Dataset
        ``position (time, individuals, keypoints, space)`` with one individual
        ``individual_0``, keypoints = labels in numeric order, NaN where not
        annotated, a ``frame`` coordinate ``0 … n_frames-1``, a
        ``keypoint_name`` coordinate when a trackermap is found, and attrs
        ``layer``, ``source_file``, ``video_path`` (when known), ``n_frames``.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise PathNotFoundError(f"{path}: no such layer file")
    video_path = _resolve_video(path, video)
    video_frames, fps = frames_and_fps(video_path, n_frames, fps)
    from_video = n_frames is None and video_frames is not None
    if n_frames is None:
        n_frames = video_frames
    ds = layer_dataset(path, fps, n_frames, video_path, layer, from_video)
    trackermap = find_trackermap(path.parent, None if dlc_project is None else Path(dlc_project))
    return with_keypoint_names(ds, trackermap)


def layer_dataset(
    path: Path,
    fps: float | None,
    n_frames: int | None,
    video_path: Path | None,
    layer: str | None,
    from_video: bool = False,
) -> xr.Dataset:
    """Read a layer JSON into a dataset of ``n_frames`` (default: last frame + 1)."""
    data = read_layer_arrays(path)
    last = max((int(frames.max()) for frames, _ in data.values() if frames.size), default=-1)
    if n_frames is None:  # nothing bounds what the file names: the documented limit does
        label = next((lab for lab, (frames, _) in data.items() if last in frames), None)
        n_frames = limits.check_frame_count(
            last + 1,
            path,
            f"label {label!r} names frame {last} and no video says how many frames there are",
            "pass video= or n_frames=",
        )
    n_frames = int(n_frames)
    if last >= n_frames:
        label = next(lab for lab, (frames, _) in data.items() if last in frames)
        where = f"the video {video_path}" if from_video or video_path else "the video (n_frames)"
        raise FileFormatError(
            path,
            f"label {label!r}, frame {last} is beyond the {n_frames} frames of {where}",
            "check that the layer belongs to this video, or pass n_frames=",
        )
    limits.check_array_size((n_frames, 1, len(data), 2), np.float64, path, "the layer's positions")
    labels, position = _layer_arrays(data, n_frames)
    if labels:
        ds = poses_from_numpy(
            position,
            individual_names=["individual_0"],
            keypoint_names=labels,
            fps=fps,
            source_software=SOURCE_SOFTWARE,
        )
    else:
        ds = _empty_layer(n_frames, fps)
    name = layer if layer is not None else (canonical_layer_name(path) or "noname")
    ds.attrs.update(
        netcdf_safe_attrs(
            {
                "source_file": str(path),
                "layer": name,
                "video_path": None if video_path is None else str(video_path),
                "n_frames": n_frames,
            }
        )
    )
    return ds


def _empty_layer(n_frames: int, fps: float | None) -> xr.Dataset:
    """Build a layer without labels: zero keypoints."""
    template = poses_from_numpy(
        np.full((n_frames, 1, 1, 2), np.nan),
        individual_names=["individual_0"],
        keypoint_names=["0"],
        fps=fps,
        source_software=SOURCE_SOFTWARE,
    )
    return template.isel(keypoints=slice(0, 0))


def select_layer(ds: xr.Dataset, layer: str | None) -> tuple[xr.Dataset, str | None]:
    """One layer of ``ds`` (which may have a ``layers`` dim) and its name."""
    if "layers" not in ds.dims:
        return ds, layer if layer is not None else ds.attrs.get("layer")
    names = [str(n) for n in ds["layers"].values]
    if layer is None:
        if len(names) != 1:
            raise InvalidDatasetError(
                f"the dataset has {len(names)} layers {names}; pass layer= to choose one"
            )
        layer = names[0]
    if layer not in names:
        raise InvalidDatasetError(f"no layer {layer!r}; the dataset has {names}")
    return ds.sel(layers=layer, drop=True), layer


def select_individual(ds: xr.Dataset, individual: str | None) -> xr.Dataset:
    names = [str(n) for n in ds["individuals"].values]
    if not names:
        raise InvalidDatasetError(
            "the dataset has no individual, so there is no layer to write "
            "(a DUSTrack layer holds the points of one individual)"
        )
    if individual is None:
        if len(names) != 1:
            raise InvalidDatasetError(
                f"a DUSTrack layer holds one individual, the dataset has {names}; "
                "pass individual= to choose one"
            )
        individual = names[0]
    if individual not in names:
        raise InvalidDatasetError(f"no individual {individual!r}; the dataset has {names}")
    return ds.sel(individuals=individual)


def layer_frame_numbers(ds: xr.Dataset) -> np.ndarray:
    """Return the video frame index of every time point (refusing negative ones)."""
    frames = frame_numbers(ds, "a DUSTrack layer")
    if frames.size and frames.min() < 0:
        raise InvalidDatasetError(
            "the dataset has negative frame numbers, which DUSTrack cannot store"
        )
    return frames


def layer_points(
    ds: xr.Dataset, layer: str | None = None, individual: str | None = None
) -> dict[str, LabelPoints]:
    """Return one layer of ``ds`` as ``{label: (frames, xy)}`` arrays, ready to write.

    Labels are sorted numerically, frames ascending; only points whose x and y
    are both finite are kept; labels without points are kept, empty.

    Parameters
    ----------
    ds
        A 2-D poses dataset whose keypoints are DUSTrack labels.
    layer
        The layer to take, when ``ds`` has a ``layers`` dim.
    individual
        The individual to take, when ``ds`` has several.

    Returns
    -------
    dict
        ``{label: (frames, xy)}``: int frames ascending and their ``(n, 2)`` positions.

    Raises
    ------
    InvalidDatasetError
        If the dataset is not 2-D, has several layers or individuals and none was
        chosen, has keypoints that are not labels, repeats a frame, or holds a
        point with one finite and one missing coordinate (the message names
        label and frame).
    """
    validate_poses(ds)
    ds, _ = select_layer(ds, layer)
    ds = select_individual(ds, individual)
    space = [str(s) for s in ds["space"].values]
    if space != ["x", "y"]:
        raise InvalidDatasetError(f"a DUSTrack layer is 2-D (x, y); the dataset has space {space}")
    extra = [d for d in ds["position"].dims if d not in ("time", "keypoints", "space")]
    if extra:
        raise InvalidDatasetError(
            f"the dataset has extra dimensions {extra}; select one element of each first"
        )
    keypoints = [str(k) for k in ds["keypoints"].values]
    labels = labels_of(keypoints)
    frames = layer_frame_numbers(ds)
    time_order = np.argsort(frames, kind="stable")
    repeated = np.flatnonzero(np.diff(frames[time_order]) == 0)
    if repeated.size:
        raise InvalidDatasetError(f"frame {frames[time_order][repeated[0]]} appears twice")
    position = np.asarray(ds["position"].transpose("time", "keypoints", "space").values)
    finite = np.isfinite(position)
    both = finite.all(axis=-1)
    half = finite.any(axis=-1) & ~both
    if half.any():
        t, k = np.argwhere(half)[0]
        raise InvalidDatasetError(
            f"label {labels[k]!r}, frame {frames[t]}: only one of x, y is finite, "
            "which DUSTrack cannot store; set both to NaN or fill both"
        )
    order = sorted(range(len(labels)), key=lambda i: label_sort_key(labels[i]))
    result: dict[str, LabelPoints] = {}
    for k in order:
        kept = time_order[both[time_order, k]]
        result[labels[k]] = (frames[kept], position[kept, k, :].astype(np.float64))
    return result


def layer_dict(
    ds: xr.Dataset, layer: str | None = None, individual: str | None = None
) -> dict[str, dict[int, list[float]]]:
    """Return one layer of ``ds`` as DUSTrack's ``{label: {frame: [x, y]}}``.

    Same content and checks as :func:`layer_points`, with Python ints and floats.

    Parameters
    ----------
    ds
        A 2-D poses dataset whose keypoints are DUSTrack labels.
    layer
        The layer to take, when ``ds`` has a ``layers`` dim.
    individual
        The individual to take, when ``ds`` has several.

    Returns
    -------
    dict
        ``{label: {frame: [x, y]}}``, ready for :func:`json.dump`.
    """
    return {
        label: dict(zip(frames.tolist(), xy.tolist(), strict=True))
        for label, (frames, xy) in layer_points(ds, layer, individual).items()
    }


def layer_to_json_text(
    ds: xr.Dataset, layer: str | None = None, individual: str | None = None
) -> str:
    """Return the exact text DUSTrack's ``save`` writes for this layer (indent 4).

    Parameters
    ----------
    ds
        A 2-D poses dataset whose keypoints are DUSTrack labels.
    layer
        The layer to take, when ``ds`` has a ``layers`` dim.
    individual
        The individual to take, when ``ds`` has several.

    Returns
    -------
    str
        The JSON text of the layer file.
    """
    return json_text(layer_points(ds, layer, individual))


def write(
    ds: xr.Dataset,
    path: str | os.PathLike,
    overwrite: bool = False,
    layer: str | None = None,
    individual: str | None = None,
) -> Path:
    """Write one layer of ``ds`` as a DUSTrack layer JSON, atomically.

    Parameters
    ----------
    ds
        A poses dataset (2-D, one individual or ``individual=``), possibly with a
        ``layers`` dimension (then ``layer=`` picks one unless there is one).
    path
        The ``.json`` file to write, or the video: the file is then
        ``{video_stem}_annotations_{layer}.json`` next to it, with the layer name
        from ``layer=`` or ``ds.attrs["layer"]``.
    overwrite
        Replace an existing file.
    layer, individual
        Which layer / individual to write.

    Returns
    -------
    pathlib.Path
        The file written. Nothing is written when the dataset fails validation.
    """
    target = Path(path).expanduser()
    text_layer = layer
    if target.suffix.lower() != ".json":
        _, name = select_layer(ds, layer)
        if not name:
            raise InvalidDatasetError(
                f"{target} is not a .json file, so it is taken as the video; the layer name "
                "is needed to build the file name: pass layer="
            )
        text_layer = layer if "layers" in ds.dims else None
        target = layer_file_name(target, name)
    check_writable(target, overwrite)
    text = layer_to_json_text(ds, text_layer, individual)  # validates before writing
    with atomic_path(target, overwrite) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return target


def from_dustrack_file(
    path: str | os.PathLike,
    video: str | os.PathLike | None = None,
    fps: float | None = None,
    n_frames: int | None = None,
    dlc_project: str | os.PathLike | None = None,
) -> xr.Dataset:
    """Load one DUSTrack layer JSON as a poses dataset spanning the video.

    Parameters
    ----------
    path
        The layer file ``{video_stem}_annotations_{layer}.json``.
    video
        The video the layer annotates (default: the one next to the file).
    fps
        Frames per second; overrides the video's.
    n_frames
        Number of frames; overrides the video's (bounds the frames the layer may name).
    dlc_project
        DLC project folder holding ``dlc_trackermap.txt``.

    Returns
    -------
    xarray.Dataset
        The layer on every frame of the video, as described in :func:`read`.
    """
    return read(path, fps=fps, video=video, n_frames=n_frames, dlc_project=dlc_project)


def to_dustrack_file(
    ds: xr.Dataset,
    path_or_video: str | os.PathLike,
    layer: str | None = None,
    overwrite: bool = False,
    individual: str | None = None,
) -> Path:
    """Save one layer of ``ds`` as a DUSTrack layer JSON that DUSTrack loads identically.

    Only finite points are written, labels sorted numerically, frames ascending,
    empty labels as ``{}``, ``json.dump`` with indent 4. See :func:`write`.

    Parameters
    ----------
    ds
        A 2-D poses dataset (one individual, or ``individual=``).
    path_or_video
        The ``.json`` file, or the video (the file is then named after it and the layer).
    layer
        The layer to write (and to name the file after).
    overwrite
        Replace an existing file.
    individual
        The individual to write.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    return write(ds, path_or_video, overwrite=overwrite, layer=layer, individual=individual)
