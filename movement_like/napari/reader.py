"""The napari reader contribution: any file we load, with its video.

napari calls :func:`get_reader` with a path (or a list of paths); it returns
a function producing layer data tuples, or None when the path is not ours.
What opens:

* any poses or bboxes file ``from_file`` loads (format detected as ever);
* a ``.nc`` state written by us or by ``movement``;
* a DUSTrack layer JSON: every layer of its video, on one ``layers`` dimension;
* a video: the video, and every DUSTrack layer found next to it;
* a GeoJSON file of regions of interest (as a Shapes layer).

The video comes as a lazy :class:`~movement_like.napari.frames.VideoFrames`
image (nothing decoded but what is shown, and the frames after the shown one
decoded ahead in the background), found from the dataset's ``video_path``
attribute or as ``{stem}.<video suffix>`` next to the file. The viewer read
into starts at frame 0 (see :mod:`.viewer_setup`), which is decoded while the
points load.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import xarray as xr

from movement_like.errors import FileFormatError
from movement_like.napari.convert import METADATA_KEY, dataset_to_layers
from movement_like.napari.frames import VideoFrames
from movement_like.napari.regions import regions_layer_data
from movement_like.video import find_video, is_video_file

__all__ = ["get_reader", "read_layers", "video_layer_data"]

LayerData = tuple[Any, dict[str, Any], str]

#: Frames decoded ahead of the shown one in a video layer: a step forward is a cache hit.
READ_AHEAD = 12
#: Frames a video layer keeps decoded (about 9 MB at 640x480).
CACHE_FRAMES = 30


def video_layer_data(video: str | os.PathLike, **frames_kwargs: Any) -> LayerData:
    """Return the napari Image layer data of a video, decoded lazily.

    Parameters
    ----------
    video
        A video file or an image folder.
    **frames_kwargs
        Passed to :class:`~movement_like.napari.frames.VideoFrames` (``cache_frames``,
        default :data:`CACHE_FRAMES`; ``read_ahead``, default :data:`READ_AHEAD`;
        ``prefetch``, default frame 0, the one the viewer shows first).

    Returns
    -------
    tuple
        ``(VideoFrames, kwargs, "image")``, grey, contrast 0-255.
    """
    frames_kwargs.setdefault("prefetch", (0,))
    frames_kwargs.setdefault("read_ahead", READ_AHEAD)
    frames_kwargs.setdefault("cache_frames", CACHE_FRAMES)
    frames = VideoFrames(video, **frames_kwargs)
    kwargs = {
        "name": Path(video).name,
        "contrast_limits": (0, 255),
        "colormap": "gray",
        "rgb": False,
        "multiscale": False,
        "metadata": {METADATA_KEY: {"video": str(video)}},
    }
    return frames, kwargs, "image"


def _video_of(ds: xr.Dataset | None, path: Path) -> Path | None:
    """Find the video of a dataset: its ``video_path`` attribute, else one next to the file."""
    if ds is not None:
        recorded = ds.attrs.get("video_path")
        if recorded and Path(str(recorded)).exists():
            return Path(str(recorded))
    stems = [path.stem]
    if "DLC" in path.stem:
        stems.append(path.stem.split("DLC")[0])
    if "_annotations" in path.stem:
        stems.append(path.stem.split("_annotations")[0])
    for stem in stems:
        found = find_video(path.parent, stem)
        if found is not None:
            return found
    return None


def _load(path: Path) -> xr.Dataset:
    """Load a data file with our readers: DUSTrack JSON as all the layers of its video."""
    from movement_like.io.registry import detect_format, load

    fmt = detect_format(path)
    if fmt.name == "DUSTrack":
        from movement_like.io.formats.dustrack import from_dustrack_layers

        return from_dustrack_layers(path)
    return load(path)


def _video_layers_of(video: Path) -> xr.Dataset | None:
    from movement_like.io.formats.dustrack import from_dustrack_layers

    try:
        return from_dustrack_layers(video)
    except FileFormatError:  # no layer next to the video: the video alone
        return None


def read_layers(
    path: str | os.PathLike,
    video: str | os.PathLike | None = None,
    kind: str = "auto",
    viewer: Any = None,
) -> list[LayerData]:
    """Read a file into napari layer data tuples (the reader contribution's work).

    Parameters
    ----------
    path
        A data file, a ``.nc`` state, a DUSTrack layer, a video or a GeoJSON file.
    video
        The video to show under the points (default: found as described above;
        pass it when it lives elsewhere).
    kind
        ``"auto"``, ``"points"`` or ``"tracks"`` (see :func:`dataset_to_layers`).
    viewer
        The napari viewer the layers will go into, if known: it is set up by
        :func:`~movement_like.napari.viewer_setup.prepare_viewer` (an empty
        viewer starts at frame 0, not napari's middle frame; a video layer's
        decoder stops when the layer is removed). napari's own reader path
        passes the current viewer.

    Returns
    -------
    list
        The video's image layer first (if any), then one layer per dataset layer,
        then the regions stored in the dataset.
    """
    path = Path(path).expanduser()
    if viewer is not None:
        from movement_like.napari.viewer_setup import prepare_viewer

        prepare_viewer(viewer)
    early: LayerData | None = None
    if video is not None:  # start decoding the frame shown first while the points load
        early = video_layer_data(Path(video).expanduser())
    ds: xr.Dataset | None
    if path.suffix.lower() == ".geojson":
        from movement_like.io.rois import load_rois

        return [regions_layer_data(load_rois(path), name=path.stem)]
    if is_video_file(path):
        ds = _video_layers_of(path)
        video_path: Path | None = path
    else:
        ds = _load(path)
        video_path = None
    if video is not None:
        video_path = Path(video).expanduser()
    elif video_path is None:
        video_path = _video_of(ds, path)
    out: list[LayerData] = []
    if early is not None:
        out.append(early)
    elif video_path is not None:
        out.append(video_layer_data(video_path))
    if ds is not None:
        for data, kwargs, layer_type in dataset_to_layers(ds, kind=kind):
            meta = kwargs["metadata"][METADATA_KEY]
            meta["video"] = None if video_path is None else str(video_path)
            meta["source_file"] = str(path)
            out.append((data, kwargs, layer_type))
        out.extend(_stored_regions(ds))
    return out


def _stored_regions(ds: xr.Dataset) -> list[LayerData]:
    from movement_like.roi import get_regions

    try:
        regions = get_regions(ds)
    except Exception:  # a damaged regions attribute must not stop the points from opening
        return []
    return [regions_layer_data(regions)] if regions else []


def get_reader(path: str | os.PathLike | Sequence[str]) -> Callable[..., list[LayerData]] | None:
    """Napari's reader hook: a reading function for paths we can read, else None.

    Parameters
    ----------
    path
        One path, or a list of paths (each is read; their layers are joined).

    Returns
    -------
    callable or None
        ``f(path) -> list of layer data tuples``.
    """
    paths = [path] if isinstance(path, (str, os.PathLike)) else list(path)
    if not paths or not all(_ours(Path(p)) for p in paths):
        return None

    def reader(given: Any) -> list[LayerData]:
        items = [given] if isinstance(given, (str, os.PathLike)) else list(given)
        viewer = _current_viewer()
        layers: list[LayerData] = []
        for item in items:
            layers.extend(read_layers(item, viewer=viewer))
        return layers

    return reader


def _current_viewer() -> Any:
    """Return napari's current viewer when napari is running (the reader's caller), else None."""
    import sys

    napari = sys.modules.get("napari")
    return None if napari is None else napari.current_viewer()


def _ours(path: Path) -> bool:
    """Whether the path is one we read (cheap: suffix, then the format sniffers)."""
    if path.suffix.lower() == ".geojson" or is_video_file(path):
        return path.exists()
    from movement_like.io.registry import detect_format

    try:
        detect_format(path)
    except (FileFormatError, OSError, ValueError):
        return False
    return True
