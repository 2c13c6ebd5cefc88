"""Sample data: small, real-format files to try the library on, offline.

>>> from movement_like import sample_data
>>> sample_data.list_datasets()  # doctest: +SKIP
['synthetic_ultrasound', 'multi_mouse_dlc', 'two_flies_sleap', 'three_mice_via']
>>> ds = sample_data.fetch_dataset("synthetic_ultrasound", with_video=True)  # doctest: +SKIP

Every file is described by one line of the registry
(:mod:`movement_like.sample_data.registry`): its sha256, size, source format and
fps, and the dataset it belongs to. Files bundled with the package are used
first; a registered file that is not bundled but has a URL is downloaded once
with :mod:`pooch` into a user cache (``$MOVEMENT_LIKE_DATA_DIR`` or the
platform's cache folder). Every file's hash is checked before it is used: a
corrupted cached file is downloaded again, or reported when that fails. Importing
this module reads nothing and touches no network.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

from movement_like.errors import SampleDataError
from movement_like.sample_data.registry import (
    SampleFile,
    bundled_dir,
    load_registry,
    sha256_of,
)

__all__ = [
    "list_datasets",
    "fetch_dataset",
    "fetch_dataset_paths",
    "fetch_file",
    "cache_dir",
    "SampleDataError",
]


def cache_dir() -> Path:
    """Where downloaded sample files are kept: ``$MOVEMENT_LIKE_DATA_DIR`` or the user cache."""
    override = os.environ.get("MOVEMENT_LIKE_DATA_DIR")
    if override:
        return Path(override).expanduser()
    import pooch

    return Path(pooch.os_cache("movement_like")) / "sample_data"


def list_datasets() -> list[str]:
    """Names of the sample datasets, in registry order.

    A dataset is one or more registry files (e.g. a video and its annotation
    layers); pass its name to :func:`fetch_dataset` or :func:`fetch_dataset_paths`.
    """
    names: list[str] = []
    for entry in load_registry().values():
        if entry.dataset not in names:
            names.append(entry.dataset)
    return names


def _entries_of(name: str) -> list[SampleFile]:
    registry = load_registry()
    entries = [e for e in registry.values() if e.dataset == name]
    if not entries:
        known = ", ".join(dict.fromkeys(e.dataset for e in registry.values()))
        raise SampleDataError(f"unknown sample dataset {name!r}; the known ones are: {known}")
    return entries


def _check_hash(path: Path, entry: SampleFile) -> bool:
    return path.stat().st_size == entry.size and sha256_of(path) == entry.sha256


def fetch_file(entry: SampleFile, progress: bool = True) -> Path:
    """Return a local, hash-verified path to one registry file.

    The bundled copy is used when there is one; otherwise the file is taken
    from the cache, or downloaded into it when it is missing or corrupted.

    Raises
    ------
    SampleDataError
        If the bundled copy is corrupted, the file is neither bundled nor
        downloadable, or the download fails (a corrupted cached copy is then
        reported, never used).
    """
    bundled = bundled_dir() / entry.name
    if bundled.is_file():
        if not _check_hash(bundled, entry):
            raise SampleDataError(
                f"{bundled}: the bundled sample file does not match its registry hash "
                f"(sha256 {entry.sha256}); reinstall movement_like or rerun "
                "scripts/make_sample_data.py"
            )
        return bundled
    if entry.url is None:
        raise SampleDataError(
            f"the sample file {entry.name!r} is not bundled with this installation and the "
            "registry gives no url= to download it from"
        )
    target = cache_dir() / entry.name
    if target.is_file() and _check_hash(target, entry):
        return target
    if target.is_file():
        warnings.warn(
            f"{target}: cached sample file is corrupted (hash mismatch); downloading it again",
            stacklevel=2,
        )
    import pooch

    try:
        fetched = pooch.retrieve(
            entry.url,
            known_hash=f"sha256:{entry.sha256}",
            fname=entry.name,
            path=target.parent,
            progressbar=progress,
        )
    except Exception as exc:
        state = "is corrupted and " if target.is_file() else ""
        raise SampleDataError(
            f"{target}: the cached sample file {state}could not be downloaded from "
            f"{entry.url}: {exc}"
        ) from exc
    path = Path(fetched)
    if not _check_hash(path, entry):  # pooch checked the hash; the size is checked here too
        raise SampleDataError(f"{path}: downloaded file does not match its registry size or hash")
    return path


def fetch_dataset_paths(name: str, progress: bool = True) -> dict[str, Any]:
    """Local, hash-verified paths of every file of a sample dataset.

    Parameters
    ----------
    name
        A name from :func:`list_datasets`.
    progress
        Show a download progress bar (only used when something is downloaded).

    Returns
    -------
    dict
        ``"poses"`` or ``"bboxes"`` (a path) for datasets of one tracking file,
        ``"layers"`` (a list of paths, in registry order) for a video's
        annotation layers, and ``"video"`` (a path) when the dataset has a video.
    """
    return _fetch_paths(name, _entries_of(name), progress)


def _fetch_paths(name: str, entries: list[SampleFile], progress: bool) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for entry in entries:
        path = fetch_file(entry, progress=progress)
        if entry.role == "layers":
            paths.setdefault("layers", []).append(path)
        elif entry.role in paths:
            raise SampleDataError(f"sample dataset {name!r} has more than one {entry.role} file")
        else:
            paths[entry.role] = path
    return paths


def fetch_dataset(name: str, with_video: bool = False, progress: bool = True) -> Any:
    """Load a sample dataset with the library's own readers.

    Parameters
    ----------
    name
        A name from :func:`list_datasets`.
    with_video
        Also fetch the dataset's video and record its path in
        ``attrs["video_path"]`` (for optical flow and plots over a frame).
    progress
        Show a download progress bar (only used when something is downloaded).

    Returns
    -------
    xarray.Dataset
        A poses or bboxes dataset; for annotation layers, one poses dataset
        with a ``layers`` dimension.
    """
    entries = _entries_of(name)
    by_role = {e.role: e for e in entries}
    paths = _fetch_paths(name, entries, progress)  # the registry is read once
    video = paths.get("video")
    if "layers" in paths:
        from movement_like.io import load_poses
        from movement_like.io.formats.dustrack import canonical_layer_name

        layer_entries = [e for e in entries if e.role == "layers"]
        named = {
            (e.layer or canonical_layer_name(p)): p
            for e, p in zip(layer_entries, paths["layers"], strict=True)
        }
        ds = load_poses.from_dustrack_layers(named, video=video)
    elif "bboxes" in paths:
        from movement_like.io import load_bboxes

        entry = by_role["bboxes"]
        ds = load_bboxes.from_file(
            paths["bboxes"], source_software=entry.source_format, fps=entry.fps
        )
    elif "poses" in paths:
        from movement_like.io import load_poses

        entry = by_role["poses"]
        ds = load_poses.from_file(
            paths["poses"], source_software=entry.source_format, fps=entry.fps
        )
    else:
        raise SampleDataError(f"sample dataset {name!r} has no tracking file, only {sorted(paths)}")
    if with_video:
        if video is None:
            warnings.warn(f"sample dataset {name!r} has no video", stacklevel=2)
        else:
            ds.attrs["video_path"] = str(video)
    return ds
