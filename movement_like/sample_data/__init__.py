"""Sample data: synthetic files bundled for a first run offline, and real files with their videos.

>>> from movement_like import sample_data
>>> sample_data.list_datasets(bundled=True)  # doctest: +SKIP
['synthetic_ultrasound', 'multi_mouse_dlc', 'three_mice_via', 'two_flies_sleap']
>>> sample_data.list_datasets(bundled=False)  # doctest: +SKIP
['openfield_mouse', 'centered_pair_flies', 'eight_fish_idtrackerai', 'sherlock_faces_via']
>>> ds = sample_data.fetch_dataset("openfield_mouse", with_video=True)  # doctest: +SKIP

Every file is described by one line of the registry
(:mod:`movement_like.sample_data.registry`): its sha256, size, source format,
fps, licence and the dataset it belongs to. The synthetic samples are bundled
with the package. The real ones (files written by DeepLabCut, SLEAP,
idtracker.ai and VIA, and the real videos behind them) are never bundled; each
is looked for, in order:

1. in a local mirror folder named by ``$MOVEMENT_LIKE_SAMPLE_MIRROR`` (a lab's
   network share, or ``../shared/realdata`` in tests), at its registry ``path=``;
2. in the user cache (``$MOVEMENT_LIKE_DATA_DIR`` or the platform's cache folder);
3. at its public source URL, downloaded once with :mod:`pooch` into the cache.

Every file's size and sha256 are checked before it is used: a corrupted mirror
or cached copy is skipped with a warning, and a file that cannot be had raises
:class:`~movement_like.errors.SampleDataError` saying where to put it.
Importing this module reads nothing and touches no network.
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
    "MIRROR_ENV",
    "mirror_dir",
    "dataset_files",
    "list_datasets",
    "fetch_dataset",
    "fetch_dataset_paths",
    "fetch_file",
    "cache_dir",
    "SampleDataError",
]


#: Environment variable naming a local mirror folder of the real sample files.
MIRROR_ENV = "MOVEMENT_LIKE_SAMPLE_MIRROR"


def mirror_dir() -> Path | None:
    """Return the local mirror folder (``$MOVEMENT_LIKE_SAMPLE_MIRROR``), or ``None`` if unset.

    A mirror holds the real sample files at their registry ``path=`` (e.g.
    ``deeplabcut/<file>.h5``, ``videos/<file>.mp4``), or flat by file name. It is
    looked in before the cache and the network, so a lab's share or a CI
    checkout makes every sample work offline; each file's hash is still checked.

    Returns
    -------
    pathlib.Path or None
        The mirror folder, with ``~`` expanded and made absolute, or ``None``
        when the environment variable is not set (no mirror is looked in).
    """
    value = os.environ.get(MIRROR_ENV)
    return Path(value).expanduser().resolve() if value else None


def cache_dir() -> Path:
    """Where downloaded sample files are kept: ``$MOVEMENT_LIKE_DATA_DIR`` or the user cache.

    Returns
    -------
    pathlib.Path
        The folder downloads go into (it may not exist yet): the environment
        override when set, else ``sample_data`` in pooch's per-user cache.
    """
    override = os.environ.get("MOVEMENT_LIKE_DATA_DIR")
    if override:
        return Path(override).expanduser()
    import pooch

    return Path(pooch.os_cache("movement_like")) / "sample_data"


def list_datasets(bundled: bool | None = None) -> list[str]:
    """Names of the sample datasets, in registry order.

    A dataset is one or more registry files (e.g. a video and its annotation
    layers); pass its name to :func:`fetch_dataset` or :func:`fetch_dataset_paths`.

    Parameters
    ----------
    bundled
        ``True``: only the datasets shipped inside the package (they work with
        no network and no mirror); ``False``: only the real ones that are
        fetched from a mirror, the cache or their source; ``None`` (default): all.

    Returns
    -------
    list of str
        The dataset names, each once, in the order they first appear in the registry.
    """
    groups: dict[str, list[SampleFile]] = {}
    for entry in load_registry().values():
        groups.setdefault(entry.dataset, []).append(entry)
    return [
        name
        for name, entries in groups.items()
        if bundled is None or all(e.bundled for e in entries) == bundled
    ]


def dataset_files(name: str) -> list[SampleFile]:
    """Return the registry entries of a dataset: names, sizes, hashes, licences, sources.

    Reads the registry only (no file is fetched); use it to see what a dataset
    holds and under which licence before downloading it.

    Parameters
    ----------
    name
        A dataset name from :func:`list_datasets`.

    Returns
    -------
    list of SampleFile
        The dataset's registry entries, in registry order.

    Raises
    ------
    SampleDataError
        If no registry entry belongs to a dataset of that name (the message lists the known ones).
    """
    return _entries_of(name)


def _entries_of(name: str) -> list[SampleFile]:
    registry = load_registry()
    entries = [e for e in registry.values() if e.dataset == name]
    if not entries:
        known = ", ".join(dict.fromkeys(e.dataset for e in registry.values()))
        raise SampleDataError(f"unknown sample dataset {name!r}; the known ones are: {known}")
    return entries


def _check_hash(path: Path, entry: SampleFile) -> bool:
    return path.stat().st_size == entry.size and sha256_of(path) == entry.sha256


def _how_to_get(entry: SampleFile, target: Path) -> str:
    """Say how to get a real sample file that cannot be had."""
    mirror = mirror_dir()
    where = (
        f"{MIRROR_ENV} is {mirror}, which has no good copy at {entry.mirror_path}"
        if mirror is not None
        else f"{MIRROR_ENV} is not set"
    )
    licence = f"; its licence is {entry.licence}" if entry.licence else ""
    return (
        f"To get it: connect to the network (it is downloaded once into {target.parent}), "
        f"or download {entry.url} by hand to {target}, or set {MIRROR_ENV} to a folder "
        f"holding it as <folder>/{entry.mirror_path} ({where}); its sha256 must be "
        f"{entry.sha256}{licence}. The bundled samples "
        "(sample_data.list_datasets(bundled=True)) need none of this"
    )


def _from_mirror(entry: SampleFile) -> Path | None:
    """Return the mirror's copy of a file if it exists and its hash matches, else ``None``."""
    mirror = mirror_dir()
    if mirror is None:
        return None
    for candidate in dict.fromkeys((mirror / entry.mirror_path, mirror / entry.name)):
        if not candidate.is_file():
            continue
        if _check_hash(candidate, entry):
            return candidate
        warnings.warn(
            f"{candidate}: the mirror's copy of {entry.name!r} does not match its registry "
            f"size or sha256 ({entry.sha256}); not used",
            stacklevel=3,
        )
    return None


def fetch_file(entry: SampleFile, progress: bool = True) -> Path:
    """Return a local, hash-verified path to one registry file.

    The bundled copy is used when there is one; otherwise the copy in the
    mirror folder (:func:`mirror_dir`), then the cached one, and otherwise the
    file is downloaded into the cache from its URL. Copies whose size or
    sha256 differ from the registry's are never used.

    Parameters
    ----------
    entry
        The registry entry of the file (from :func:`dataset_files` or the
        registry): its name, size and sha256 select and check the copy, its
        URL is where it is downloaded from.
    progress
        Show pooch's download progress bar (only used when the file is downloaded).

    Returns
    -------
    pathlib.Path
        A local copy whose size and sha256 match the registry's: the bundled
        file, the mirror's copy, or the cached (possibly just downloaded) one.

    Raises
    ------
    SampleDataError
        If the bundled copy is corrupted, the file is neither bundled nor
        downloadable, or it is in no mirror or cache and the download fails
        (the message says how to get it; a corrupted cached copy is reported,
        never used).
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
            "registry gives no url= to download it from; reinstall movement_like"
        )
    mirrored = _from_mirror(entry)
    if mirrored is not None:
        return mirrored
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
        state = f"{target} is corrupted and it" if target.is_file() else "it"
        raise SampleDataError(
            f"the sample file {entry.name!r} of dataset {entry.dataset!r} is not bundled "
            f"with movement_like, and {state} could not be downloaded from {entry.url} "
            f"({type(exc).__name__}: {str(exc)[:300]}). {_how_to_get(entry, target)}"
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
        annotation layers, ``"video"`` (a path) when the dataset has a video,
        and ``"trackermap"`` when it names its numbered points.
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
        if "trackermap" in paths and "keypoint_name" not in ds.coords:
            from movement_like.io.formats.dustrack.trackermap import (
                read_trackermap,
                with_keypoint_names,
            )

            ds = with_keypoint_names(ds, read_trackermap(paths["trackermap"]))
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
