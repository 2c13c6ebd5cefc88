"""DUSTrack annotation layers: the layer JSON, layer discovery, trackermap, DLC export.

A DUSTrack *layer* is one JSON file ``{video_stem}_annotations_{layer}.json``
next to the video, holding ``{label: {frame: [x, y]}}`` and nothing else: labels
are numeric strings, frames are 0-based integer strings, a frame that is not
annotated is simply absent. We read a layer into a standard poses dataset that
spans the whole video (NaN where not annotated), write one back so that DUSTrack
loads it identically, gather all layers of a video (JSON layers plus, on request,
DeepLabCut predictions and labelled data of a DLC project) into one dataset with
a ``layers`` dimension, and export a manual layer as DLC labelled data.

Conventions kept from DUSTrack (see ``docs/dustrack.md`` section 2):

* layer names follow :func:`canonical_layer_name`;
* human-readable names come from ``dlc_trackermap.txt`` (``point0 - name``);
* coordinates are written unshifted, x = column, y = row, pixels.

Deliberate differences: a video next to a layer is found with any common video
suffix (DUSTrack tries only ``.mp4``); trackermap lines without ``" - "`` are
skipped with a warning (DUSTrack crashes); the image names of the DLC export use
ONE padding rule (:func:`frame_name_digits`, the rule of DLC's own frame
extraction), where DUSTrack's ``to_dlc`` disagrees with its extractor when the
frame count is a power of ten.
"""

from __future__ import annotations

import json
import math
import os
import re
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np
import xarray as xr

from movement_like.dataset import (
    frame_numbers,
    netcdf_safe_attrs,
    poses_from_numpy,
    validate_poses,
)
from movement_like.errors import FileFormatError, InvalidDatasetError
from movement_like.io.atomic import atomic_path, check_writable
from movement_like.io.registry import FileHead

__all__ = [
    "VIDEO_SUFFIXES",
    "canonical_layer_name",
    "layer_file_name",
    "video_stem_of",
    "find_video",
    "read_trackermap",
    "read_layer_json",
    "read_layer_arrays",
    "layer_points",
    "layer_dict",
    "layer_to_json_text",
    "list_layers",
    "from_dustrack_layers",
    "frame_name_digits",
    "labelled_data_frame",
    "to_dlc_labelled_data",
    "sniff",
    "read",
    "write",
    "from_dustrack_file",
    "to_dustrack_file",
]

#: Video suffixes tried, in order, when looking for the video of a layer.
#: DUSTrack itself only tries ``.mp4``.
VIDEO_SUFFIXES: tuple[str, ...] = (".mp4", ".avi", ".mov", ".mkv", ".m4v", ".mpg", ".mpeg", ".wmv")
TRACKERMAP_NAME = "dlc_trackermap.txt"
ANNOTATIONS_INFIX = "_annotations"
SOURCE_SOFTWARE = "DUSTrack"
LABEL_PREFIX = "point"

_DIGITS = re.compile(r"[0-9]+")
_POINT_LABEL = re.compile(rf"{LABEL_PREFIX}([0-9]+)")


# --------------------------------------------------------------------------- #
# names
# --------------------------------------------------------------------------- #
def canonical_layer_name(path: str | os.PathLike) -> str:
    """Return the layer name DUSTrack gives the file at ``path``.

    The rules of DUSTrack's ``VideoFileManager.canonical_layer_name``:

    * a stem containing ``_annotations``: what follows its last occurrence,
      with surrounding underscores removed
      (``vid_annotations_iteration-2_lkmovavg_0.500.json`` →
      ``iteration-2_lkmovavg_0.500``; a bare ``vid_annotations.json`` → ``""``);
    * else a stem containing ``DLC`` (a DeepLabCut trace, or the jitter-reduced
      JSON derived from one): ``dlc_<parent folder>_<last "_" token of the stem>``
      (``videos/iteration-0/vidDLC_resnet50_proj_250000.h5`` →
      ``dlc_iteration-0_250000``);
    * else the stem.

    Parameters
    ----------
    path
        A layer file (JSON or DLC ``.h5``); it need not exist.

    Returns
    -------
    str
        The layer name.
    """
    path = Path(path)
    stem = path.stem
    if ANNOTATIONS_INFIX in stem:
        tail = stem.split(ANNOTATIONS_INFIX)[-1]
        return tail.removesuffix(".json").strip("_")
    if "DLC" in stem:
        return f"dlc_{path.parent.name}_{stem.split('_')[-1]}"
    return stem


def video_stem_of(path: str | os.PathLike) -> str:
    """Return the video stem of a layer file: its stem before ``_annotations``."""
    return Path(path).stem.split(ANNOTATIONS_INFIX)[0]


def layer_file_name(video: str | os.PathLike, layer: str) -> Path:
    """Return the path DUSTrack uses for ``layer`` of ``video``.

    ``{video folder}/{video stem}_annotations_{layer}.json``; an empty layer name
    gives ``{video stem}_annotations.json``.
    """
    video = Path(video)
    suffix = f"_{layer}" if layer else ""
    return video.parent / f"{video.stem}{ANNOTATIONS_INFIX}{suffix}.json"


def find_video(folder: str | os.PathLike, stem: str) -> Path | None:
    """Return the video ``{stem}{suffix}`` in ``folder`` (first of :data:`VIDEO_SUFFIXES`)."""
    folder = Path(folder)
    for suffix in VIDEO_SUFFIXES:
        for candidate in (folder / f"{stem}{suffix}", folder / f"{stem}{suffix.upper()}"):
            if candidate.is_file():
                return candidate
    return None


def _is_video(path: Path) -> bool:
    return path.suffix.lower() in VIDEO_SUFFIXES


def _label_sort_key(label: str) -> tuple[int, int, str]:
    """Sort numeric labels first in numeric order (``"2"`` before ``"10"``), then others."""
    if _DIGITS.fullmatch(label):
        return (0, int(label), label)
    return (1, 0, label)


def _video_info(video: Path) -> tuple[int, float | None]:
    """Frame count and frame rate of ``video``, read with OpenCV."""
    import cv2

    capture = cv2.VideoCapture(str(video))
    try:
        if not capture.isOpened():
            raise FileFormatError(
                video,
                "OpenCV cannot open this video",
                "check the file, or pass n_frames= and fps= instead of the video",
            )
        n_frames = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
        fps = float(capture.get(cv2.CAP_PROP_FPS))
        if n_frames <= 0:  # some containers do not store it: count by decoding
            n_frames = 0
            while capture.grab():
                n_frames += 1
    finally:
        capture.release()
    return n_frames, (fps if math.isfinite(fps) and fps > 0 else None)


# --------------------------------------------------------------------------- #
# trackermap
# --------------------------------------------------------------------------- #
def read_trackermap(path: str | os.PathLike) -> dict[str, str]:
    """Read ``dlc_trackermap.txt``: DLC bodypart → human-readable name.

    Each non-empty line is ``<bodypart> - <name>`` (split at the first
    ``" - "``); a byte-order mark is tolerated. Lines without the separator are
    skipped with a warning (DUSTrack would crash on them).

    Parameters
    ----------
    path
        The file, or the folder (DLC project root) holding it.

    Returns
    -------
    dict
        ``{"point0": "muscle_boundary", ...}``; ``{}`` if there is no file.
    """
    path = Path(path)
    if path.is_dir():
        path = path / TRACKERMAP_NAME
    if not path.is_file():
        return {}
    mapping: dict[str, str] = {}
    text = path.read_text(encoding="utf-8-sig")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if " - " not in line:
            warnings.warn(
                f"{path}: line {number} ({line!r}) has no ' - ' separator; skipped",
                stacklevel=2,
            )
            continue
        key, name = (part.strip() for part in line.split(" - ", 1))
        mapping[key] = name
    return mapping


def _bodypart_of(keypoint: str) -> str:
    """Return the DLC bodypart DUSTrack uses for a keypoint (``point<label>`` for labels)."""
    return f"{LABEL_PREFIX}{keypoint}" if _DIGITS.fullmatch(keypoint) else keypoint


def _keypoint_names(keypoints: Sequence[str], trackermap: Mapping[str, str]) -> list[str]:
    """Human-readable names (DUSTrack: ``trackermap.get(bodypart, bodypart)``)."""
    return [trackermap.get(_bodypart_of(k), _bodypart_of(k)) for k in keypoints]


def _trackermap_folders(anchor: Path, dlc_project: Path | None) -> list[Path]:
    """Where ``dlc_trackermap.txt`` is looked for: the project, else next to the data."""
    if dlc_project is not None:
        return [dlc_project]
    folders = [anchor]
    if (anchor.parent / "config.yaml").is_file():  # <project>/videos/<video>
        folders.append(anchor.parent)
    return folders


def _find_trackermap(anchor: Path, dlc_project: Path | None) -> dict[str, str]:
    for folder in _trackermap_folders(anchor, dlc_project):
        mapping = read_trackermap(folder)
        if mapping:
            return mapping
    return {}


# --------------------------------------------------------------------------- #
# reading one layer
# --------------------------------------------------------------------------- #
class _NonFinite:
    """Stands in for a ``NaN``/``Infinity`` token so the error can name label and frame."""

    def __init__(self, token: str):
        self.token = token


def _reject_duplicate_keys(path: Path):
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise FileFormatError(
                    path,
                    f"the key {key!r} appears twice in one JSON object",
                    "keep one entry per label and per frame",
                )
            result[key] = value
        return result

    return hook


#: One label of a layer as arrays: int64 frames ``(n,)`` and float64 ``[x, y]`` ``(n, 2)``.
LabelPoints = tuple[np.ndarray, np.ndarray]


def read_layer_arrays(path: str | os.PathLike) -> dict[str, LabelPoints]:
    """Read and check a DUSTrack layer JSON into arrays.

    Parameters
    ----------
    path
        ``{video_stem}_annotations_{layer}.json``.

    Returns
    -------
    dict
        ``{label: (frames, xy)}`` in file order: ``frames`` int64 ``(n,)`` in
        file order and ``xy`` float64 ``(n, 2)``. Empty labels (``{}``) are kept
        with ``n = 0``.

    Raises
    ------
    FileFormatError
        Naming the file, label and frame, for malformed JSON, a top level that
        is not an object, a label that does not map to an object, a frame key
        that is not a non-negative integer, a value that is not two finite
        numbers (``NaN``/``Infinity`` tokens included), or a repeated key.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            path, f"not a UTF-8 text file ({exc})", "a layer is a JSON file"
        ) from exc
    raw = _parse_json(path, text, check_duplicates=False)
    if not isinstance(raw, dict):
        raise FileFormatError(
            path,
            f"the top level is a JSON {type(raw).__name__}, not an object",
            "a DUSTrack layer is {label: {frame: [x, y]}}",
        )
    n_values = 0
    layer: dict[str, LabelPoints] = {}
    for label, frames in raw.items():
        if not isinstance(frames, dict):
            raise FileFormatError(
                path,
                f"label {label!r} maps to a {_json_type(frames)}, not an object",
                'each label maps frame numbers to [x, y], e.g. {"12": [10.5, 20.0]}',
            )
        layer[label] = _label_points(path, label, frames)
        n_values += len(frames)
    # A repeated key makes json keep only the last value, silently. Every point
    # is one "[" in the text, so fewer points than "[" means something was
    # dropped (or a label name holds "["): parse again, strictly, to say which.
    if text.count("[") != n_values:
        _parse_json(path, text, check_duplicates=True)
    return layer


def read_layer_json(path: str | os.PathLike) -> dict[str, dict[int, tuple[float, float]]]:
    """Read and check a DUSTrack layer JSON into ``{label: {frame: (x, y)}}``.

    The checks and errors are those of :func:`read_layer_arrays`; labels keep
    the file order, frames become ints and coordinates floats.
    """
    return {
        label: {int(f): (x, y) for f, (x, y) in zip(frames.tolist(), xy.tolist(), strict=True)}
        for label, (frames, xy) in read_layer_arrays(path).items()
    }


def _parse_json(path: Path, text: str, check_duplicates: bool) -> Any:
    hook = _reject_duplicate_keys(path) if check_duplicates else None
    try:
        return json.loads(text, parse_constant=_NonFinite, object_pairs_hook=hook)
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            path,
            f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            "a DUSTrack layer is {label: {frame: [x, y]}}",
        ) from exc


_NUMBER_TYPES = frozenset((int, float))


def _label_points(path: Path, label: str, frames: dict[str, Any]) -> LabelPoints:
    """Check one label's ``{frame: [x, y]}`` and return it as arrays.

    The fast path checks whole lists at once; on any doubt the slow path walks
    point by point to name the offending frame.
    """
    keys = list(frames)
    values = list(frames.values())
    fast = (
        all(key.isascii() and key.isdigit() for key in keys)
        and all(type(v) is list and len(v) == 2 for v in values)
        and {type(n) for v in values for n in v} <= _NUMBER_TYPES
    )
    if fast:
        xy = np.array(values, dtype=np.float64).reshape(len(values), 2)
        numbers = np.array([int(k) for k in keys], dtype=np.int64)
        if np.isfinite(xy).all():
            unique, counts = np.unique(numbers, return_counts=True)
            if (counts > 1).any():
                same = [k for k in keys if int(k) == unique[counts > 1][0]]
                raise FileFormatError(
                    path,
                    f"label {label!r}: the frame keys {same} are the same frame",
                    "keep one entry per frame",
                )
            return numbers, xy
    for frame_key, value in frames.items():
        if not _DIGITS.fullmatch(frame_key):
            raise FileFormatError(
                path,
                f"label {label!r}: frame key {frame_key!r} is not a non-negative integer",
                'frame keys are 0-based frame numbers such as "12"',
            )
        _point(path, label, frame_key, value)
    raise AssertionError("unreachable: the slow path must find what the fast path refused")


def _json_type(value: Any) -> str:
    if isinstance(value, _NonFinite):
        return value.token
    return {
        list: "list",
        str: "string",
        bool: "boolean",
        type(None): "null",
        int: "number",
        float: "number",
    }.get(type(value), type(value).__name__)


def _point(path: Path, label: str, frame: str, value: Any) -> tuple[float, float]:
    where = f"label {label!r}, frame {frame}"
    if not isinstance(value, list) or len(value) != 2:
        shown = f"a list of {len(value)}" if isinstance(value, list) else f"a {_json_type(value)}"
        raise FileFormatError(
            path,
            f"{where}: expected [x, y], found {shown}",
            "each annotation is two numbers [x, y]",
        )
    for number in value:
        if isinstance(number, _NonFinite):
            raise FileFormatError(
                path,
                f"{where}: the value {number.token} is not a position (and not valid JSON)",
                "remove the frame from the label instead of writing NaN",
            )
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise FileFormatError(
                path,
                f"{where}: {_json_type(number)} {number!r} is not a number",
                "each annotation is two numbers [x, y]",
            )
    x, y = float(value[0]), float(value[1])
    if not (math.isfinite(x) and math.isfinite(y)):  # e.g. 1e999
        raise FileFormatError(
            path,
            f"{where}: [{value[0]}, {value[1]}] is not finite",
            "positions are finite pixel coordinates",
        )
    return x, y


def _layer_arrays(layer: Mapping[str, LabelPoints], n_frames: int) -> tuple[list[str], np.ndarray]:
    """Return the labels in numeric order and the ``(n_frames, 1, labels, 2)`` positions."""
    labels = sorted(layer, key=_label_sort_key)
    position = np.full((n_frames, 1, len(labels), 2), np.nan)
    for index, label in enumerate(labels):
        frames, xy = layer[label]
        position[frames, 0, index, :] = xy
    return labels, position


def _checked_video(video: str | os.PathLike) -> Path:
    video = Path(video).expanduser()
    if not video.is_file():
        raise FileNotFoundError(f"{video}: no such video file")
    return video


def _resolve_video(path: Path, video: str | os.PathLike | None) -> Path | None:
    if video is not None:
        return _checked_video(video)
    return find_video(path.parent, video_stem_of(path))


def _frames_and_fps(
    video: Path | None, n_frames: int | None, fps: float | None
) -> tuple[int | None, float | None]:
    """Return the video's frame count (None when not read) and ``fps``, else its rate."""
    video_frames = video_fps = None
    if video is not None and (n_frames is None or fps is None):
        video_frames, video_fps = _video_info(video)
    return video_frames, (fps if fps is not None else video_fps)


def _with_keypoint_names(ds: xr.Dataset, trackermap: Mapping[str, str]) -> xr.Dataset:
    """Add the ``keypoint_name`` coordinate from a trackermap (unchanged without one)."""
    if not trackermap:
        return ds
    return ds.assign_coords(
        keypoint_name=("keypoints", _keypoint_names(list(ds["keypoints"].values), trackermap))
    )


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
        raise FileNotFoundError(f"{path}: no such layer file")
    video_path = _resolve_video(path, video)
    video_frames, fps = _frames_and_fps(video_path, n_frames, fps)
    from_video = n_frames is None and video_frames is not None
    if n_frames is None:
        n_frames = video_frames
    ds = _layer_dataset(path, fps, n_frames, video_path, layer, from_video)
    trackermap = _find_trackermap(path.parent, None if dlc_project is None else Path(dlc_project))
    return _with_keypoint_names(ds, trackermap)


def _layer_dataset(
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
    if n_frames is None:
        n_frames = last + 1
    n_frames = int(n_frames)
    if last >= n_frames:
        label = next(lab for lab, (frames, _) in data.items() if last in frames)
        where = f"the video {video_path}" if from_video else "n_frames"
        raise FileFormatError(
            path,
            f"label {label!r}, frame {last}: beyond the {n_frames} frames of {where}",
            "check that the layer belongs to this video, or pass n_frames=",
        )
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


def sniff(head: FileHead) -> bool:
    """Whether the file looks like a DUSTrack layer (from its name and first bytes)."""
    if head.is_dir or not head.name.endswith(".json"):
        return False
    start = head.bytes.lstrip(b"\xef\xbb\xbf")
    if _STRICT_START.match(start):
        return True
    return ANNOTATIONS_INFIX in head.name and bool(_LOOSE_START.match(start))


_STRICT_START = re.compile(rb'\s*\{\s*"[0-9]+"\s*:\s*\{\s*(\}|"[0-9]+"\s*:\s*\[)')
_LOOSE_START = re.compile(rb'\s*\{\s*(\}|"[^"\\]*"\s*:\s*\{)')


# --------------------------------------------------------------------------- #
# writing one layer
# --------------------------------------------------------------------------- #
def _select_layer(ds: xr.Dataset, layer: str | None) -> tuple[xr.Dataset, str | None]:
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


def _select_individual(ds: xr.Dataset, individual: str | None) -> xr.Dataset:
    names = [str(n) for n in ds["individuals"].values]
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


def _frame_numbers(ds: xr.Dataset) -> np.ndarray:
    """Return the video frame index of every time point (refusing negative ones)."""
    frames = frame_numbers(ds, "a DUSTrack layer")
    if frames.size and frames.min() < 0:
        raise InvalidDatasetError(
            "the dataset has negative frame numbers, which DUSTrack cannot store"
        )
    return frames


def _labels_of(keypoints: Sequence[str]) -> list[str]:
    """DUSTrack labels for keypoint names: ``"3"`` or ``"point3"`` → ``"3"``."""
    labels = []
    for keypoint in keypoints:
        if _DIGITS.fullmatch(keypoint):
            labels.append(keypoint)
        elif match := _POINT_LABEL.fullmatch(keypoint):
            labels.append(match.group(1))
        else:
            raise InvalidDatasetError(
                f"keypoint {keypoint!r} is not a DUSTrack label (a number such as '3', or "
                "'point3'); rename keypoints first, e.g. "
                "ds.assign_coords(keypoints=[str(i) for i in range(ds.sizes['keypoints'])])"
            )
    duplicates = sorted({lab for lab in labels if labels.count(lab) > 1}, key=_label_sort_key)
    if duplicates:
        raise InvalidDatasetError(f"keypoints map to the same DUSTrack label(s) {duplicates}")
    return labels


def layer_points(
    ds: xr.Dataset, layer: str | None = None, individual: str | None = None
) -> dict[str, LabelPoints]:
    """Return one layer of ``ds`` as ``{label: (frames, xy)}`` arrays, ready to write.

    Labels are sorted numerically, frames ascending; only points whose x and y
    are both finite are kept; labels without points are kept, empty.

    Raises
    ------
    InvalidDatasetError
        If the dataset is not 2-D, has several layers or individuals and none was
        chosen, has keypoints that are not labels, repeats a frame, or holds a
        point with one finite and one missing coordinate (the message names
        label and frame).
    """
    validate_poses(ds)
    ds, _ = _select_layer(ds, layer)
    ds = _select_individual(ds, individual)
    space = [str(s) for s in ds["space"].values]
    if space != ["x", "y"]:
        raise InvalidDatasetError(f"a DUSTrack layer is 2-D (x, y); the dataset has space {space}")
    extra = [d for d in ds["position"].dims if d not in ("time", "keypoints", "space")]
    if extra:
        raise InvalidDatasetError(
            f"the dataset has extra dimensions {extra}; select one element of each first"
        )
    keypoints = [str(k) for k in ds["keypoints"].values]
    labels = _labels_of(keypoints)
    frames = _frame_numbers(ds)
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
    order = sorted(range(len(labels)), key=lambda i: _label_sort_key(labels[i]))
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
    """
    return {
        label: dict(zip(frames.tolist(), xy.tolist(), strict=True))
        for label, (frames, xy) in layer_points(ds, layer, individual).items()
    }


def _json_text(points: Mapping[str, LabelPoints]) -> str:
    """Format a layer exactly as ``json.dumps(layer_dict, indent=4)`` does, faster.

    ``json.dumps`` with an indent runs the pure-Python encoder; this builds the
    same lines directly (``float.__repr__`` is what json uses for floats).
    """
    if not points:
        return "{}"
    blocks = []
    for label, (frames, xy) in points.items():
        key = json.dumps(label)
        if not len(frames):
            blocks.append(f"    {key}: {{}}")
            continue
        entries = ",\n".join(
            f'        "{f}": [\n            {x!r},\n            {y!r}\n        ]'
            for f, (x, y) in zip(frames.tolist(), xy.tolist(), strict=True)
        )
        blocks.append(f"    {key}: {{\n{entries}\n    }}")
    return "{\n" + ",\n".join(blocks) + "\n}"


def layer_to_json_text(
    ds: xr.Dataset, layer: str | None = None, individual: str | None = None
) -> str:
    """Return the exact text DUSTrack's ``save`` writes for this layer (indent 4)."""
    return _json_text(layer_points(ds, layer, individual))


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
        _, name = _select_layer(ds, layer)
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


# --------------------------------------------------------------------------- #
# several layers of one video
# --------------------------------------------------------------------------- #
def _dlc_project_of(folder: Path, dlc_project: str | os.PathLike | None) -> Path | None:
    if dlc_project is not None:
        project = Path(dlc_project).expanduser()
        if not project.is_dir():
            raise FileNotFoundError(f"{project}: DLC project folder not found")
        return project
    for candidate in (folder, folder.parent):
        if (candidate / "config.yaml").is_file() or (candidate / "labeled-data").is_dir():
            return candidate
    return None


def _json_layers(folder: Path, stem: str) -> list[Path]:
    found = [
        p
        for p in folder.glob(f"{glob_escape(stem)}{ANNOTATIONS_INFIX}*.json")
        if video_stem_of(p) == stem
    ]
    return sorted(found)


def glob_escape(text: str) -> str:
    """Escape glob wildcards in a literal file-name part."""
    return re.sub(r"([\[\]*?])", r"[\1]", text)


def _dlc_layers(project: Path, stem: str) -> dict[str, Path]:
    """DLC predictions (and JSONs derived from them) and labelled data of ``stem``."""
    found: dict[str, Path] = {}
    labelled = sorted((project / "labeled-data" / stem).glob("CollectedData_*.h5"))
    for file in labelled:
        name = "labeled_data" if len(labelled) == 1 else f"labeled_data_{file.stem[14:]}"
        _add_layer(found, name, file)
    videos = project / "videos"
    if videos.is_dir():
        pattern = f"{glob_escape(stem)}DLC*"
        traces = sorted(
            p for p in videos.rglob(pattern) if p.suffix.lower() in (".h5", ".json") and p.is_file()
        )
        for trace in traces:
            _add_layer(found, canonical_layer_name(trace), trace)
    return found


def _add_layer(found: dict[str, Path], name: str, path: Path) -> None:
    name = name or "noname"
    if name in found:
        raise FileFormatError(
            path,
            f"gives the layer name {name!r}, like {found[name]}",
            "pass the files explicitly as {name: path} to from_dustrack_layers",
        )
    found[name] = path


def _video_and_stem(source: Path) -> tuple[Path | None, Path, str]:
    """From a video, a layer JSON or a folder: (video or None, folder, video stem)."""
    if source.is_file():
        if _is_video(source):
            return source, source.parent, source.stem
        stem = video_stem_of(source)
        return find_video(source.parent, stem), source.parent, stem
    if not source.is_dir():
        raise FileNotFoundError(f"{source}: no such video, layer file or folder")
    stems = sorted({video_stem_of(p) for p in source.glob(f"*{ANNOTATIONS_INFIX}*.json")})
    if not stems:
        videos = sorted(p for p in source.iterdir() if _is_video(p))
        stems = [p.stem for p in videos]
    if len(stems) != 1:
        raise FileFormatError(
            source,
            f"holds layers of {len(stems)} videos {stems}"
            if stems
            else "holds no DUSTrack layer (*_annotations*.json) and no video",
            "pass the video (or one of its layer files) instead of the folder",
        )
    stem = stems[0]
    return find_video(source, stem), source, stem


def list_layers(
    source: str | os.PathLike, dlc: bool = False, dlc_project: str | os.PathLike | None = None
) -> dict[str, Path]:
    """Find the layers of a video: ``{layer name: file}``.

    Parameters
    ----------
    source
        The video, one of its layer files, or the folder holding the video's
        layers (it must hold the layers of one video only).
    dlc
        Also collect, from the DLC project, prediction traces
        ``videos/**/{stem}DLC*.h5`` (and the JSONs derived from them, e.g. by
        jitter reduction) and labelled data ``labeled-data/{stem}/CollectedData_*.h5``
        (layer ``labeled_data``), as DUSTrack does.
    dlc_project
        The DLC project folder; by default the video folder or its parent when
        it holds ``config.yaml`` or ``labeled-data``.

    Returns
    -------
    dict
        Layer names (:func:`canonical_layer_name`) → paths, JSON layers first,
        sorted by file name.
    """
    _, folder, stem = _video_and_stem(Path(source).expanduser())
    return _layers_of(folder, stem, dlc, dlc_project)


def _layers_of(
    folder: Path, stem: str, dlc: bool, dlc_project: str | os.PathLike | None
) -> dict[str, Path]:
    """:func:`list_layers` once the folder and video stem are known."""
    found: dict[str, Path] = {}
    for path in _json_layers(folder, stem):
        _add_layer(found, canonical_layer_name(path), path)
    if dlc or dlc_project is not None:
        project = _dlc_project_of(folder, dlc_project)
        if project is None:
            raise FileFormatError(
                folder,
                "no DLC project found (no config.yaml or labeled-data here or above)",
                "pass dlc_project=",
            )
        for name, path in _dlc_layers(project, stem).items():
            _add_layer(found, name, path)
    return found


def _read_any_layer(path: Path, fps: float | None) -> xr.Dataset:
    """Read a layer file: DUSTrack JSON, or a DLC ``.h5`` through our DLC reader."""
    if path.suffix.lower() == ".json":
        return _layer_dataset(path, fps, None, None, canonical_layer_name(path) or "noname")
    from movement_like.io.formats import dlc

    ds = dlc.read(path, fps=fps)
    if "frame" not in ds.coords:
        raise FileFormatError(
            path,
            "its rows carry no frame numbers (image names without digits?)",
            "only frame-indexed DeepLabCut files can be a layer of a video",
        )
    return ds.assign_coords(keypoints=[_label_of_bodypart(str(k)) for k in ds["keypoints"].values])


def _label_of_bodypart(bodypart: str) -> str:
    """``point3`` → ``3`` (DUSTrack's bodypart → label rule); other names kept."""
    match = _POINT_LABEL.fullmatch(bodypart)
    return match.group(1) if match else bodypart


def from_dustrack_layers(
    source: str | os.PathLike | Sequence[str | os.PathLike] | Mapping[str, str | os.PathLike],
    layers: Sequence[str] | None = None,
    dlc: bool = False,
    dlc_project: str | os.PathLike | None = None,
    video: str | os.PathLike | None = None,
    fps: float | None = None,
    n_frames: int | None = None,
) -> xr.Dataset:
    """Load the annotation layers of one video into ONE dataset with a ``layers`` dim.

    Parameters
    ----------
    source
        A video, one of its layer files or its folder (layers are discovered
        with :func:`list_layers`); or a list of layer files (named by
        :func:`canonical_layer_name`); or a mapping ``{layer name: file}``.
        Files are DUSTrack JSONs or DLC ``.h5`` (predictions or labelled data).
    layers
        Names of the layers to keep, in this order (default: all found).
    dlc, dlc_project
        Also discover DLC predictions and labelled data (see :func:`list_layers`).
    video
        The video; by default the one found next to the layers.
    fps, n_frames
        Override the video's frame rate and frame count.

    Returns
    -------
    xarray.Dataset
        ``position (layers, time, individuals, keypoints, space)`` and
        ``confidence (layers, time, individuals, keypoints)``: every layer on
        the same frames ``0 … n_frames-1`` (the video's, else the largest frame
        of any layer + 1), keypoints = the union of the layers' labels in numeric
        order, individuals = the union. DLC prediction layers keep their
        likelihood as confidence; manual layers have NaN confidence. Coordinates
        ``layers``, ``layer_file`` (along ``layers``), ``frame`` and, with a
        trackermap, ``keypoint_name``.
    """
    files, anchor, video_path = _layer_sources(source, dlc, dlc_project)
    if video is not None:
        video_path = _checked_video(video)
    if layers is not None:
        missing = [name for name in layers if name not in files]
        if missing:
            raise FileFormatError(
                anchor, f"no layer(s) {missing} found", f"available layers: {list(files)}"
            )
        files = {name: files[name] for name in layers}
    if not files:
        raise FileFormatError(anchor, "no annotation layer found", "check the video or folder")
    video_frames, fps = _frames_and_fps(video_path, n_frames, fps)
    loaded = {name: _read_any_layer(path, fps) for name, path in files.items()}
    project = None if dlc_project is None else Path(dlc_project)
    trackermap = _find_trackermap(anchor, project)
    ds = _stack_layers(loaded, n_frames if n_frames is not None else video_frames, fps, files)
    ds.attrs.update(
        netcdf_safe_attrs(
            {
                "source_file": str(video_path if video_path is not None else anchor),
                "video_path": None if video_path is None else str(video_path),
                "n_frames": int(ds.sizes["time"]),
            }
        )
    )
    return _with_keypoint_names(ds, trackermap)


def _layer_sources(
    source: Any, dlc: bool, dlc_project: str | os.PathLike | None
) -> tuple[dict[str, Path], Path, Path | None]:
    """Layer files by name, the folder they are anchored in, and the video if found."""
    if isinstance(source, Mapping):
        files = {str(name): Path(p).expanduser() for name, p in source.items()}
    elif isinstance(source, (list, tuple)):
        files = {}
        for p in source:
            p = Path(p).expanduser()
            name = canonical_layer_name(p)
            if p.name.startswith("CollectedData_"):
                name = "labeled_data"
            _add_layer(files, name, p)
    else:
        video, folder, stem = _video_and_stem(Path(source).expanduser())
        return _layers_of(folder, stem, dlc, dlc_project), folder, video
    for name, p in files.items():
        if not p.is_file():
            raise FileNotFoundError(f"{p}: layer file {name!r} not found")
    first = next(iter(files.values()), Path("."))
    stem = video_stem_of(first)
    return files, first.parent, find_video(first.parent, stem)


def _frames_of(ds: xr.Dataset, path: Path) -> np.ndarray:
    try:
        frames = _frame_numbers(ds)
    except InvalidDatasetError as exc:
        raise FileFormatError(path, f"cannot tell the frame of each row: {exc}") from exc
    return frames


def _stack_layers(
    loaded: Mapping[str, xr.Dataset],
    n_frames: int | None,
    fps: float | None,
    files: Mapping[str, Path],
) -> xr.Dataset:
    frames = {name: _frames_of(ds, files[name]) for name, ds in loaded.items()}
    last = max((int(f.max()) for f in frames.values() if f.size), default=-1)
    if n_frames is None:
        n_frames = max([last + 1] + [int(ds.attrs.get("n_frames", 0)) for ds in loaded.values()])
    elif last >= n_frames:
        name = next(n for n, f in frames.items() if f.size and f.max() == last)
        raise FileFormatError(
            files[name],
            f"frame {last} is beyond the {n_frames} frames of the video",
            "check that the layer belongs to this video, or pass n_frames=",
        )
    seen = list(dict.fromkeys(str(k) for ds in loaded.values() for k in ds["keypoints"].values))
    keypoints = sorted(seen, key=lambda k: (_label_sort_key(k)[:2], seen.index(k)))
    individuals: list[str] = []
    for ds in loaded.values():
        individuals += [str(i) for i in ds["individuals"].values if str(i) not in individuals]
    for name, ds in loaded.items():
        if ds.sizes["space"] != 2:
            raise FileFormatError(files[name], "is not 2-D; DUSTrack layers are (x, y)")
    shape = (len(loaded), n_frames, len(individuals), len(keypoints))
    position = np.full(shape + (2,), np.nan)
    confidence = np.full(shape, np.nan)
    for index, (name, ds) in enumerate(loaded.items()):
        ind = [individuals.index(str(i)) for i in ds["individuals"].values]
        kps = [keypoints.index(str(k)) for k in ds["keypoints"].values]
        pos = ds["position"].transpose("time", "individuals", "keypoints", "space").values
        conf = ds["confidence"].transpose("time", "individuals", "keypoints").values
        rows = frames[name]
        position[
            index, rows[:, None, None], np.array(ind)[None, :, None], np.array(kps)[None, None, :]
        ] = pos
        confidence[
            index, rows[:, None, None], np.array(ind)[None, :, None], np.array(kps)[None, None, :]
        ] = conf
    template = poses_from_numpy(
        position[0],
        confidence[0],
        individual_names=individuals or None,
        keypoint_names=keypoints or None,
        fps=fps,
        source_software=SOURCE_SOFTWARE,
    )
    names = list(loaded)
    out = xr.Dataset(
        {
            "position": (("layers",) + template["position"].dims, position),
            "confidence": (("layers",) + template["confidence"].dims, confidence),
        },
        coords={
            **template.coords,
            "layers": names,
            "layer_file": ("layers", [str(files[n]) for n in names]),
        },
        attrs=dict(template.attrs),
    )
    return out


# --------------------------------------------------------------------------- #
# DLC labelled-data export
# --------------------------------------------------------------------------- #
def frame_name_digits(n_frames: int) -> int:
    """Zero-padding of frame numbers in image names: the digits of the last frame index.

    ``len(str(n_frames - 1))``, at least 1: 999 frames → 3, 1000 → 3,
    1001 → 4. It equals DLC's own ``extract_frames`` rule
    ``ceil(log10(n_frames))`` (and DUSTrack's frame extractor), so the names in
    ``CollectedData`` match the PNGs on disk. DUSTrack's ``to_dlc`` uses
    ``len(str(n_frames))`` instead, which differs when ``n_frames`` is a power
    of ten; this library uses the one rule everywhere.
    """
    return len(str(max(int(n_frames) - 1, 0)))


def _video_stem_for(ds: xr.Dataset, video_stem: str | None) -> str:
    if video_stem:
        return video_stem
    if ds.attrs.get("video_path"):
        return Path(str(ds.attrs["video_path"])).stem
    if "layer_file" in ds.coords and ds["layer_file"].ndim == 0:  # one layer of a stack
        layer_file = Path(str(ds["layer_file"].item()))
        if ANNOTATIONS_INFIX in layer_file.stem:
            return video_stem_of(layer_file)
    source = ds.attrs.get("source_file")
    if source and ANNOTATIONS_INFIX in Path(str(source)).stem:
        return video_stem_of(str(source))
    raise InvalidDatasetError(
        "the video stem is unknown (no video_path or layer file name in attrs); pass video_stem="
    )


def _checked_points(ds: xr.Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Return (frames, mask of complete points) after refusing half-missing points."""
    frames = _frame_numbers(ds)
    position = ds["position"].transpose("time", "individuals", "keypoints", "space")
    # numpy's stubs do not model __array_ufunc__: a DataArray in gives a DataArray out
    finite = cast(xr.DataArray, np.isfinite(position))
    both = finite.all("space").values
    half = finite.any("space").values & ~both
    if half.any():
        t, i, k = np.argwhere(half)[0]
        raise InvalidDatasetError(
            f"individual {str(ds['individuals'].values[i])!r}, keypoint "
            f"{str(ds['keypoints'].values[k])!r}, frame {frames[t]}: only one of x, y is "
            "finite; set both to NaN or fill both"
        )
    return frames, both


def labelled_data_frame(
    ds: xr.Dataset,
    scorer: str,
    video_stem: str | None = None,
    layer: str | None = None,
    individual: str | None = None,
    n_frames: int | None = None,
    label_prefix: str = LABEL_PREFIX,
):
    """Build the DLC labelled-data DataFrame of one layer.

    Rows: ``("labeled-data", video_stem, f"img{frame:0{N}d}.png")`` for every
    frame with at least one point, ascending (``N`` = :func:`frame_name_digits`
    of the frame count). Columns: ``(scorer, f"{label_prefix}{label}", x|y)``
    with level names ``scorer, bodyparts, coords`` and labels in numeric order
    (with several individuals: DLC's multi-animal levels ``scorer, individuals,
    bodyparts, coords``). Values float64, NaN where a label is missing on a row;
    no likelihood column. The DataFrame itself is built by
    :func:`movement_like.io.formats.dlc.to_dlc_style_df`.

    Parameters
    ----------
    ds
        A layer dataset (or a multi-layer one with ``layer=``), 2-D.
    scorer
        The DLC scorer: the first column level.
    video_stem
        The second index level; by default the stem of the layer's video.
    layer, individual
        Which layer / individual to export (default: the only layer, every
        individual).
    n_frames
        Frame count of the video, for the padding; by default ``attrs["n_frames"]``,
        else the last frame + 1 (a DUSTrack layer spans the video).
    label_prefix
        Bodypart name = prefix + label (DUSTrack: ``"point"``).

    Returns
    -------
    pandas.DataFrame
        The table DLC stores in ``CollectedData_<scorer>.h5``.
    """
    from movement_like.io.formats import dlc

    validate_poses(ds)
    ds, _ = _select_layer(ds, layer)
    if individual is not None:
        _select_individual(ds, individual)  # checks the name
        ds = ds.sel(individuals=[individual])
    space = [str(s) for s in ds["space"].values]
    if space != ["x", "y"]:
        raise InvalidDatasetError(f"DLC labelled data is 2-D (x, y); the dataset has {space}")
    stem = _video_stem_for(ds, video_stem)
    labels = _labels_of([str(k) for k in ds["keypoints"].values])
    frames, complete = _checked_points(ds)
    if n_frames is None:
        last = int(frames.max()) + 1 if frames.size else 1
        n_frames = int(ds.attrs.get("n_frames", 0)) or last
    digits = frame_name_digits(n_frames)
    rows = np.flatnonzero(complete.any(axis=(1, 2)))
    rows = rows[np.argsort(frames[rows], kind="stable")]
    if not rows.size:
        raise InvalidDatasetError("the layer has no annotated point: there is nothing to export")
    if frames[rows[-1]] >= n_frames:
        raise InvalidDatasetError(f"frame {frames[rows[-1]]} is beyond n_frames={n_frames}")
    order = sorted(range(len(labels)), key=lambda i: _label_sort_key(labels[i]))
    sparse = ds[["position", "confidence"]].isel(time=rows, keypoints=order)
    sparse = sparse.where(
        xr.DataArray(complete[rows][:, :, order], dims=("time", "individuals", "keypoints"))
    )
    images = [f"labeled-data/{stem}/img{frames[t]:0{digits}d}.png" for t in rows]
    sparse = sparse.assign_coords(
        {
            "keypoints": [f"{label_prefix}{labels[k]}" for k in order],
            dlc.IMAGE_COORD: ("time", images),
        }
    )
    sparse.attrs = {k: v for k, v in ds.attrs.items() if k != "scorer"}
    single = sparse.sizes["individuals"] == 1
    table = dlc.to_dlc_style_df(
        sparse, split_individuals=single, scorer=scorer, image_index="levels"
    )
    if isinstance(table, dict):
        (table,) = table.values()
    return table.drop(columns="likelihood", level="coords").astype(np.float64)


def _labelled_data_folder(project_or_folder: Path, stem: str) -> Path:
    """``<project>/labeled-data/<stem>`` inside a DLC project, else the folder itself."""
    is_project = (project_or_folder / "config.yaml").is_file()
    if is_project or (project_or_folder / "labeled-data").is_dir():
        folder = project_or_folder / "labeled-data" / stem
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    if not project_or_folder.is_dir():
        raise FileNotFoundError(f"{project_or_folder}: folder not found; create it first")
    return project_or_folder


def to_dlc_labelled_data(
    ds: xr.Dataset,
    project_or_folder: str | os.PathLike,
    scorer: str,
    video_stem: str | None = None,
    layer: str | None = None,
    individual: str | None = None,
    n_frames: int | None = None,
    overwrite: bool = False,
) -> tuple[Path, Path]:
    """Export one (manual) layer as DLC labelled data ``CollectedData_<scorer>.h5/.csv``.

    Parameters
    ----------
    ds
        A layer dataset (or a multi-layer one with ``layer=``).
    project_or_folder
        A DLC project (holding ``config.yaml`` or ``labeled-data``): files go to
        ``labeled-data/<video_stem>/``; any other existing folder: files go there.
    scorer
        The DLC scorer (``config.yaml: scorer``), first column level and file name.
    video_stem
        Second index level and sub-folder; by default the stem of the layer's video.
    layer, individual
        Which layer / individual to export.
    n_frames
        Video frame count for the image-name padding (see :func:`frame_name_digits`).
    overwrite
        Replace existing files.

    Returns
    -------
    tuple of pathlib.Path
        The ``.h5`` (key ``df_with_missing``) and ``.csv`` written. Both are
        written to temporary files first; nothing is written if validation fails.
    """
    if not scorer or not isinstance(scorer, str):
        raise InvalidDatasetError("scorer must be a non-empty string (the DLC project's scorer)")
    stem = _video_stem_for(_select_layer(ds, layer)[0], video_stem)
    frame = labelled_data_frame(ds, scorer, stem, layer, individual, n_frames)
    folder = _labelled_data_folder(Path(project_or_folder).expanduser(), stem)
    h5 = folder / f"CollectedData_{scorer}.h5"
    csv = folder / f"CollectedData_{scorer}.csv"
    check_writable(h5, overwrite)
    check_writable(csv, overwrite)
    with atomic_path(h5, overwrite) as tmp_h5, atomic_path(csv, overwrite) as tmp_csv:
        frame.to_hdf(tmp_h5, key="df_with_missing", mode="w")  # "fixed", as DLC >= 2.2
        frame.to_csv(tmp_csv)
    return h5, csv


# --------------------------------------------------------------------------- #
# facade names
# --------------------------------------------------------------------------- #
def from_dustrack_file(
    path: str | os.PathLike,
    video: str | os.PathLike | None = None,
    fps: float | None = None,
    n_frames: int | None = None,
    dlc_project: str | os.PathLike | None = None,
) -> xr.Dataset:
    """Load one DUSTrack layer JSON as a poses dataset spanning the video.

    See :func:`read` for the parameters and the dataset returned.
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
    """
    return write(ds, path_or_video, overwrite=overwrite, layer=layer, individual=individual)
