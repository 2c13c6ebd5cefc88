"""All the layers of one video: finding them, and stacking them on a ``layers`` dim.

The layers of a video are its JSON layers (``{stem}_annotations*.json`` next to
it) and, on request, what its DeepLabCut project holds for it: prediction
traces ``videos/**/{stem}DLC*.h5`` (and the JSONs derived from them) and
labelled data ``labeled-data/{stem}/CollectedData_*.h5``, as DUSTrack gathers
them. :func:`from_dustrack_layers` loads them into ONE dataset, every layer on
the frames of the video.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from movement_like.dataset import netcdf_safe_attrs, poses_from_numpy
from movement_like.errors import FileFormatError, InvalidDatasetError, PathNotFoundError
from movement_like.io import limits
from movement_like.io.formats import dlc
from movement_like.io.formats.dustrack.layer import (
    checked_video,
    frames_and_fps,
    layer_dataset,
    layer_frame_numbers,
)
from movement_like.io.formats.dustrack.naming import (
    ANNOTATIONS_INFIX,
    SOURCE_SOFTWARE,
    canonical_layer_name,
    find_video,
    glob_escape,
    label_of_bodypart,
    label_sort_key,
    video_stem_of,
)
from movement_like.io.formats.dustrack.trackermap import find_trackermap, with_keypoint_names
from movement_like.video import is_video_file

__all__ = ["list_layers", "from_dustrack_layers"]


def _dlc_project_of(folder: Path, dlc_project: str | os.PathLike | None) -> Path | None:
    if dlc_project is not None:
        project = Path(dlc_project).expanduser()
        if not project.is_dir():
            raise PathNotFoundError(f"{project}: DLC project folder not found")
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
        if is_video_file(source):
            return source, source.parent, source.stem
        stem = video_stem_of(source)
        return find_video(source.parent, stem), source.parent, stem
    if not source.is_dir():
        raise PathNotFoundError(f"{source}: no such video, layer file or folder")
    stems = sorted({video_stem_of(p) for p in source.glob(f"*{ANNOTATIONS_INFIX}*.json")})
    if not stems:
        videos = sorted(p for p in source.iterdir() if is_video_file(p))
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


def _read_any_layer(path: Path, fps: float | None, n_frames: int | None) -> xr.Dataset:
    """Read a layer file: DUSTrack JSON, or a DLC ``.h5`` through our DLC reader.

    ``n_frames`` (the video's, or the caller's) bounds the frames a JSON layer may
    name before its array is allocated; None leaves it to the documented limit.
    """
    if path.suffix.lower() == ".json":
        return layer_dataset(path, fps, n_frames, None, canonical_layer_name(path) or "noname")
    ds = dlc.read(path, fps=fps)
    if "frame" not in ds.coords:
        raise FileFormatError(
            path,
            "its rows carry no frame numbers (image names without digits?)",
            "only frame-indexed DeepLabCut files can be a layer of a video",
        )
    return ds.assign_coords(keypoints=[label_of_bodypart(str(k)) for k in ds["keypoints"].values])


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
        video_path = checked_video(video)
    if layers is not None:
        missing = [name for name in layers if name not in files]
        if missing:
            raise FileFormatError(
                anchor, f"no layer(s) {missing} found", f"available layers: {list(files)}"
            )
        files = {name: files[name] for name in layers}
    if not files:
        raise FileFormatError(anchor, "no annotation layer found", "check the video or folder")
    video_frames, fps = frames_and_fps(video_path, n_frames, fps)
    bound = n_frames if n_frames is not None else video_frames
    loaded = {name: _read_any_layer(path, fps, bound) for name, path in files.items()}
    project = None if dlc_project is None else Path(dlc_project)
    trackermap = find_trackermap(anchor, project)
    ds = _stack_layers(loaded, bound, fps, files)
    ds.attrs.update(
        netcdf_safe_attrs(
            {
                "source_file": str(video_path if video_path is not None else anchor),
                "video_path": None if video_path is None else str(video_path),
                "n_frames": int(ds.sizes["time"]),
            }
        )
    )
    return with_keypoint_names(ds, trackermap)


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
            raise PathNotFoundError(f"{p}: layer file {name!r} not found")
    first = next(iter(files.values()), Path("."))
    stem = video_stem_of(first)
    return files, first.parent, find_video(first.parent, stem)


def _frames_of(ds: xr.Dataset, path: Path) -> np.ndarray:
    try:
        frames = layer_frame_numbers(ds)
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
        name = max(loaded, key=lambda n: int(frames[n].max()) if frames[n].size else -1)
        limits.check_frame_count(
            n_frames,
            files[name],
            f"the layers name frames up to {n_frames - 1} and no video says how many there are",
            "pass video= or n_frames=",
        )
    elif last >= n_frames:
        name = next(n for n, f in frames.items() if f.size and f.max() == last)
        raise FileFormatError(
            files[name],
            f"frame {last} is beyond the {n_frames} frames of the video",
            "check that the layer belongs to this video, or pass n_frames=",
        )
    seen = list(dict.fromkeys(str(k) for ds in loaded.values() for k in ds["keypoints"].values))
    keypoints = sorted(seen, key=lambda k: (label_sort_key(k)[:2], seen.index(k)))
    individuals: list[str] = []
    for ds in loaded.values():
        individuals += [str(i) for i in ds["individuals"].values if str(i) not in individuals]
    for name, ds in loaded.items():
        if ds.sizes["space"] != 2:
            raise FileFormatError(files[name], "is not 2-D; DUSTrack layers are (x, y)")
    shape = (len(loaded), n_frames, len(individuals), len(keypoints))
    limits.check_array_size(shape + (2,), np.float64, next(iter(files.values())), "the layers")
    position = np.full(shape + (2,), np.nan)
    confidence = np.full(shape, np.nan)
    for index, (name, ds) in enumerate(loaded.items()):
        ind = [individuals.index(str(i)) for i in ds["individuals"].values]
        kps = [keypoints.index(str(k)) for k in ds["keypoints"].values]
        pos = ds["position"].transpose("time", "individuals", "keypoints", "space").values
        conf = ds["confidence"].transpose("time", "individuals", "keypoints").values
        rows = frames[name]
        at = (
            index,
            rows[:, None, None],
            np.array(ind, dtype=np.intp)[None, :, None],
            np.array(kps, dtype=np.intp)[None, None, :],
        )
        position[at] = pos
        confidence[at] = conf
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
