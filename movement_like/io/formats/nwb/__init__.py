"""NWB files with the ndx-pose extension (0.1 to 0.4): pose estimates and training labels.

One dispatcher in front of the pieces, as sleap-io splits NWB into predictions
and annotations:

* :mod:`.contents`: what a file holds, independent of the library that read it;
* :mod:`.read_pynwb` and :mod:`.read_h5py`: the two readers filling it;
* :mod:`.estimation`: pose estimates -> poses dataset;
* :mod:`.training`: training labels (ground truth) -> sparse poses dataset;
* :mod:`.writer`: poses dataset -> NWB files.

Reading
    :func:`from_nwb_file` reads every ``PoseEstimation`` of a file (sleap-io
    writes one per track, named ``track=<name>``, in a per-video processing
    module) and keeps what NWB knows that ``movement`` drops: the real
    timestamps (union over the series, series of different lengths aligned by
    timestamp, rate-based series expanded from ``starting_time`` + ``rate``),
    the keypoint order of the Skeleton (never sorted), skeleton edges, units,
    reference frame, scorer and source software. ``which="training"`` reads
    the ground truth instead (``PoseTraining`` -> ``TrainingFrame`` ->
    ``SkeletonInstance``) as a sparse dataset with a ``visibility`` variable.

    Files are opened with pynwb; when pynwb or the installed ndx-pose refuses a
    file, it is retried with ``load_namespaces=False`` and then read directly
    with h5py, which needs no extension classes at all.
Writing
    :func:`to_nwb_file` builds in-memory ``NWBFile`` objects, :func:`to_nwb_path`
    writes them atomically (see :mod:`.writer`).

pynwb, hdmf and ndx_pose are imported inside the functions that need them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import xarray as xr

from movement_like.errors import (
    ArgumentTypeError,
    FileFormatError,
    InvalidArgumentError,
    MissingDependencyError,
    PathNotFoundError,
)
from movement_like.io.formats.common import FileHead
from movement_like.io.formats.nwb.contents import Contents, as_text
from movement_like.io.formats.nwb.estimation import poses_from_contents
from movement_like.io.formats.nwb.read_h5py import cached_versions, read_with_h5py
from movement_like.io.formats.nwb.read_pynwb import contents_from_nwbfile, read_with_pynwb
from movement_like.io.formats.nwb.training import training_from_contents
from movement_like.io.formats.nwb.writer import NWBSaveConfig, to_nwb_file, to_nwb_path
from movement_like.io.hdf5 import open_hdf5

__all__ = ["NWBSaveConfig", "from_nwb_file", "to_nwb_file", "to_nwb_path"]


def from_nwb_file(
    file: Any,
    processing_module_key: str | None = None,
    pose_estimation_key: str | None = None,
    which: str = "estimation",
    fps: float | None = None,
    backend: str = "auto",
    time_from: str = "timestamps",
    allow_external_links: bool = False,
) -> xr.Dataset:
    """Load pose estimates (or training labels) from NWB files with ndx-pose 0.1–0.4.

    Parameters
    ----------
    file
        A path, an open ``pynwb.NWBFile``, or a list of them (for instance the
        one-file-per-individual output of :func:`to_nwb_path`), merged into one
        dataset with one individual per ``PoseEstimation``.
    processing_module_key, pose_estimation_key
        Read only the ``PoseEstimation`` objects of this processing module /
        with this name. By default every one in the file is read, and the
        3-D world-space series of an ndx-pose 0.4 ``MultiCameraPoseEstimation``
        count as one more (its per-camera 2-D children are not read).
    which
        ``"estimation"`` (pose estimates) or ``"training"`` (the manual labels
        of ``PoseTraining``: a sparse dataset on the labelled frames, with a
        ``frame`` coordinate from ``source_video_frame_index``, a boolean
        ``visibility`` variable and an ``annotator`` coordinate when known).
    fps
        Pose estimates: the frame rate, which the file's timestamps already
        give. It must agree with them (it is refused otherwise, since ``time``
        keeps the timestamps and frame numbers are ``time × fps``), unless
        ``time_from="frames"``. Training labels: the video's frame rate
        (default: the source video's rate when the file gives it).
    backend
        ``"auto"`` (pynwb, falling back to h5py for files pynwb or the
        installed ndx-pose refuses), ``"pynwb"`` or ``"h5py"``. Ignored for
        ``NWBFile`` objects. ``attrs["nwb_reader"]`` says which was used.
    time_from
        Pose estimates: ``"timestamps"`` (``time`` = the file's timestamps in
        seconds) or ``"frames"``: the file's samples, which must be uniformly
        spaced, are taken as consecutive video frames ``0, 1, 2 …`` timed at
        ``fps`` (required), for files whose timestamps are not in seconds
        (DLC2NWB writes frame indices when it cannot find the video).
    allow_external_links
        Follow HDF5 links to other files, external storage and virtual
        datasets reading other files. By default a file holding any of them
        is refused before anything is read.

    Returns
    -------
    xarray.Dataset
        A poses dataset. Individuals: one per ``PoseEstimation`` (sleap-io's
        ``track=<name>`` gives ``<name>``); a single one takes the Subject's
        id, else DLC2NWB's individual, else the file identifier. Keypoints in
        Skeleton order. ``time`` = union of all series' timestamps (seconds);
        series of different lengths are aligned by timestamp and NaN-padded.
        ``fps`` only when sampling is uniform. Attrs keep
        ``skeleton_edges`` (JSON name pairs), ``unit``, ``reference_frame``,
        ``scorer``, ``source_software(_version)``, ``ndx_pose_version`` …

    Raises
    ------
    FileFormatError
        If a file holds no ``PoseEstimation`` (or no ``PoseTraining`` for
        ``which="training"``, or training frames without instances), nothing
        matches the keys given, the file is damaged or links outside itself,
        or declares a dataset larger than it holds.
    InvalidArgumentError
        If ``fps`` contradicts the file's timestamps.
    """
    if which not in ("estimation", "training"):
        raise InvalidArgumentError(f"which must be 'estimation' or 'training', got {which!r}")
    if time_from not in ("timestamps", "frames"):
        raise InvalidArgumentError(f"time_from must be 'timestamps' or 'frames', got {time_from!r}")
    sources = list(file) if isinstance(file, (list, tuple)) else [file]
    if not sources:
        raise InvalidArgumentError("no NWB file given")
    contents_list = [_read_contents(s, backend, allow_external_links) for s in sources]
    if which == "training":
        return training_from_contents(contents_list, fps)
    return poses_from_contents(
        contents_list, processing_module_key, pose_estimation_key, fps, time_from
    )


def _read_contents(source: Any, backend: str, allow_external_links: bool) -> Contents:
    """Read one path or NWBFile object into :class:`Contents`."""
    if not isinstance(source, (str, os.PathLike)):
        if type(source).__name__ != "NWBFile":
            raise ArgumentTypeError(
                f"expected a path or a pynwb.NWBFile, got {type(source).__name__}"
            )
        origin = getattr(source, "container_source", None)
        opened = contents_from_nwbfile(source, origin or f"NWBFile {source.identifier}")
        if origin:
            opened.versions = cached_versions(Path(origin))
        return opened
    path = Path(source).expanduser()
    if not path.is_file():
        raise PathNotFoundError(f"{path}: no such file")
    if not FileHead.of(path).is_hdf5:
        raise FileFormatError(path, "is not an HDF5 file, so not an NWB file")
    if backend not in ("auto", "pynwb", "h5py"):
        raise InvalidArgumentError(f"backend must be 'auto', 'pynwb' or 'h5py', got {backend!r}")
    contents: Contents | None = None
    failure = None
    if backend in ("auto", "pynwb"):
        # screened first: pynwb would follow links outside the file and read huge datasets
        with open_hdf5(path, allow_external_links=allow_external_links, what="an NWB file"):
            pass
        try:
            contents = read_with_pynwb(path)
        except ImportError as exc:
            if backend == "pynwb":
                raise MissingDependencyError("pynwb", purpose="read NWB files") from exc
            failure = f"pynwb is not installed ({exc})"
        except RuntimeError as exc:
            if backend == "pynwb":
                raise FileFormatError(path, f"pynwb cannot read it: {exc}") from exc
            failure = str(exc)
    if contents is None:
        try:
            contents = read_with_h5py(path, allow_external_links)
        except FileFormatError as exc:
            if not failure:
                raise
            raise FileFormatError(
                path, f"{exc.problem} (pynwb refused it too: {failure[:300]})", exc.fix
            ) from exc
        except (KeyError, ValueError) as exc:  # the layout is not ndx-pose's
            raise FileFormatError(
                path,
                f"cannot be read as NWB with ndx-pose: {exc}"
                + (f" (pynwb: {failure[:300]})" if failure else ""),
            ) from exc
        if failure:
            contents.reader = f"h5py (pynwb refused the file: {failure[:300]})"
    else:
        contents.versions = cached_versions(path)
    return contents


def sniff(head: FileHead) -> bool:
    """Recognise an HDF5 file named ``.nwb`` or whose root says it is an NWBFile."""
    if not head.is_hdf5:
        return False
    if head.name.endswith(".nwb"):
        return True
    return as_text(head.h5_root_attrs.get("neurodata_type")) == "NWBFile"


def read(path: str | os.PathLike, fps: float | None = None, **kwargs: Any) -> xr.Dataset:
    """Registry reader: :func:`from_nwb_file`."""
    return from_nwb_file(path, fps=fps, **kwargs)


def write(
    ds: xr.Dataset, path: str | os.PathLike, overwrite: bool = False, **kwargs: Any
) -> list[Path]:
    """Registry writer: :func:`to_nwb_path`."""
    return to_nwb_path(ds, path, overwrite=overwrite, **kwargs)
