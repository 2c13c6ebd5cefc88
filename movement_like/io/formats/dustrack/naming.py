"""DUSTrack's naming rules: layer files, video stems, labels and bodyparts.

A DUSTrack *layer* is one JSON file ``{video_stem}_annotations_{layer}.json``
next to the video. Labels are numeric strings (``"0"``, ``"12"``); DeepLabCut
calls the same point ``point<label>``. These rules are DUSTrack's own (see
``docs/dustrack.md`` section 2), kept in one place so the reader, the writer,
the layer discovery and the DLC export agree.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from movement_like.errors import InvalidDatasetError
from movement_like.video import VIDEO_SUFFIXES, find_video

__all__ = [
    "VIDEO_SUFFIXES",
    "canonical_layer_name",
    "layer_file_name",
    "video_stem_of",
    "find_video",
]

ANNOTATIONS_INFIX = "_annotations"


SOURCE_SOFTWARE = "DUSTrack"


LABEL_PREFIX = "point"

DIGITS = re.compile(r"[0-9]+")


POINT_LABEL = re.compile(rf"{LABEL_PREFIX}([0-9]+)")


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
    """Return the video stem of a layer file: its stem before ``_annotations``.

    Parameters
    ----------
    path
        A layer file, ``{video_stem}_annotations[_{layer}].json``.

    Returns
    -------
    str
        The stem of the video the layer belongs to.
    """
    return Path(path).stem.split(ANNOTATIONS_INFIX)[0]


def layer_file_name(video: str | os.PathLike, layer: str) -> Path:
    """Return the path DUSTrack uses for ``layer`` of ``video``.

    ``{video folder}/{video stem}_annotations_{layer}.json``; an empty layer name
    gives ``{video stem}_annotations.json``.

    Parameters
    ----------
    video
        The video the layer annotates.
    layer
        The layer's name (``""`` for the unnamed layer).

    Returns
    -------
    pathlib.Path
        The layer file's path, beside the video.
    """
    video = Path(video)
    suffix = f"_{layer}" if layer else ""
    return video.parent / f"{video.stem}{ANNOTATIONS_INFIX}{suffix}.json"


def glob_escape(text: str) -> str:
    """Escape glob wildcards in a literal file-name part."""
    return re.sub(r"([\[\]*?])", r"[\1]", text)


def label_sort_key(label: str) -> tuple[int, int, str]:
    """Sort numeric labels first in numeric order (``"2"`` before ``"10"``), then others."""
    if DIGITS.fullmatch(label):
        return (0, int(label), label)
    return (1, 0, label)


def bodypart_of(keypoint: str) -> str:
    """Return the DLC bodypart DUSTrack uses for a keypoint (``point<label>`` for labels)."""
    return f"{LABEL_PREFIX}{keypoint}" if DIGITS.fullmatch(keypoint) else keypoint


def label_of_bodypart(bodypart: str) -> str:
    """``point3`` → ``3`` (DUSTrack's bodypart → label rule); other names kept."""
    match = POINT_LABEL.fullmatch(bodypart)
    return match.group(1) if match else bodypart


def labels_of(keypoints: Sequence[str]) -> list[str]:
    """DUSTrack labels for keypoint names: ``"3"`` or ``"point3"`` → ``"3"``."""
    labels = []
    for keypoint in keypoints:
        if DIGITS.fullmatch(keypoint):
            labels.append(keypoint)
        elif match := POINT_LABEL.fullmatch(keypoint):
            labels.append(match.group(1))
        else:
            raise InvalidDatasetError(
                f"keypoint {keypoint!r} is not a DUSTrack label (a number such as '3', or "
                "'point3'); rename keypoints first, e.g. "
                "ds.assign_coords(keypoints=[str(i) for i in range(ds.sizes['keypoints'])])"
            )
    duplicates = sorted({lab for lab in labels if labels.count(lab) > 1}, key=label_sort_key)
    if duplicates:
        raise InvalidDatasetError(f"keypoints map to the same DUSTrack label(s) {duplicates}")
    return labels
