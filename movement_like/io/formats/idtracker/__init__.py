"""idtracker.ai trajectories (v3 to v6): ``.npy`` dicts, v6 ``.h5``, CSV exports, session folders.

idtracker.ai tracks one centroid per animal, so the dataset has one keypoint,
``centroid``; individuals are the user's identity labels when the file has
them, else ``id_1 … id_N``; ``confidence`` is the identification probability
(``id_probabilities``, whose trailing axis of 1 is squeezed); ``fps`` comes
from ``frames_per_second``.

Security: idtracker.ai ``.npy`` files are pickles (a dict in a 0-d object
array). ``np.load(allow_pickle=True)`` would run whatever code a pickle asks
for, so this module never calls it: :class:`SafeUnpickler` rebuilds only numpy
arrays, numpy dtypes/scalars and plain Python values, and refuses anything
else with :class:`~movement_like.errors.UnsafeFileError` before it is built.
"""

from __future__ import annotations

import ast
import logging
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from movement_like.dataset import netcdf_safe_attrs, poses_from_numpy
from movement_like.errors import FileFormatError, PathNotFoundError
from movement_like.io.safe_pickle import SafeUnpickler  # noqa: F401 - re-exported

from ._files import _csv_header, _decode, _read_csv, _read_h5, _read_npy, safe_load_npy

__all__ = [
    "SafeUnpickler",
    "safe_load_npy",
    "find_session_file",
    "from_idtracker_file",
]

logger = logging.getLogger(__name__)

NPY_MAGIC = b"\x93NUMPY"
#: File stems idtracker.ai writes, best first: validated > without gaps > (v6
#: final / v3-v4 with gaps) ``trajectories`` > with gaps.
SESSION_STEMS: tuple[str, ...] = (
    "validated",
    "trajectories_validated",
    "without_gaps",
    "trajectories_wo_gaps",
    "trajectories",
    "with_gaps",
    "trajectories_wo_identification",
)
#: Within one stem, the formats tried in order (``_csv`` = an export folder).
SESSION_FORMATS: tuple[str, ...] = (".h5", ".hdf5", ".npy", ".pickle", "_csv")


# --------------------------------------------------------------------------- #
# sniffing
# --------------------------------------------------------------------------- #


def sniff(head: Any) -> bool:
    """Recognise a session folder, a trajectories ``.npy`` dict, a v6 ``.h5`` or a CSV export."""
    if head.is_dir:
        try:
            find_session_file(head.path)
        except FileFormatError:
            return False
        return True
    data = head.bytes
    if data.startswith(NPY_MAGIC):
        header_end = data.find(b"\n")
        header = data[:header_end]
        return b"'|O'" in header and b"'shape': ()" in header and b"trajectories" in data
    if head.name.endswith(".pickle"):  # v6: a pickled dict (read safely)
        return data.startswith(b"\x80") and b"trajectories" in data
    if head.is_hdf5:
        keys = head.h5_keys
        return keys.get("trajectories") == "dataset" and (
            "areas" in keys or "frames_per_second" in head.h5_root_attrs
        )
    lines = head.lines(1)
    return bool(lines) and _csv_header(lines[0]) is not None


# --------------------------------------------------------------------------- #
# session folders
# --------------------------------------------------------------------------- #
def _session_candidates(folder: Path, stem: str, fmt: str) -> list[Path]:
    places = [folder, folder / "trajectories", folder / "trajectories_wo_gaps"]
    found = []
    for place in places:
        if fmt == "_csv":
            folders = [place / f"{stem}_csv"]
            if stem == "trajectories":
                folders.append(place / "trajectories_csv")
            for csv_folder in folders:
                if (csv_folder / "trajectories.csv").is_file():
                    found.append(csv_folder / "trajectories.csv")
            early = place / stem / f"{stem}.trajectories.csv"  # very early v5 converter
            if early.is_file():
                found.append(early)
        elif (place / f"{stem}{fmt}").is_file():
            found.append(place / f"{stem}{fmt}")
    return found


def find_session_file(folder: str | os.PathLike) -> Path:
    """Pick the best trajectories file of an idtracker.ai session folder.

    Looks in the folder, its ``trajectories/`` and ``trajectories_wo_gaps/``
    subfolders for, best first: validated, without gaps, ``trajectories``
    (the final file of v6; with gaps in v3/v4), with gaps; each as ``.h5``,
    ``.npy`` or a ``*_csv/`` export.

    Parameters
    ----------
    folder
        The session folder (``session_<name>/``) idtracker.ai wrote.

    Returns
    -------
    pathlib.Path
        The best trajectories file found (a ``*_csv/`` export is returned as its folder).

    Raises
    ------
    FileFormatError
        If the folder holds none of them.
    """
    folder = Path(folder)
    for stem in SESSION_STEMS:
        for fmt in SESSION_FORMATS:
            found = _session_candidates(folder, stem, fmt)
            if found:
                return found[0]
    raise FileFormatError(
        folder,
        "holds no idtracker.ai trajectories file",
        "expected e.g. trajectories/without_gaps.npy, trajectories/trajectories.h5 or "
        "trajectories/trajectories_wo_gaps.npy; or pass the file itself",
    )


# --------------------------------------------------------------------------- #
# the dict → dataset mapping
# --------------------------------------------------------------------------- #
def _labels(value: Any, count: int) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):  # h5 attrs may hold a list as its repr
        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return None
    labels = [str(v) for v in np.asarray(value, dtype=object).ravel()]
    if len(labels) != count or len(set(labels)) != count or "" in labels:
        return None
    return labels


def _fps_of(content: Mapping[str, Any], fps: float | None) -> float | None:
    if fps is not None:
        return fps
    value = content.get("frames_per_second")
    try:
        value = float(value) if value is not None else None
    except (TypeError, ValueError):
        value = None
    if value is not None and math.isfinite(value) and value > 0:
        return value
    times = content.get("_csv_time")
    if times is not None and len(times) > 1 and np.all(np.isfinite(times)):
        # the CSV writers print time as frame/fps with "%.3f": steps vary by the rounding
        span = float(times[-1] - times[0])
        steps = np.diff(times)
        if span > 0 and np.all(np.abs(steps - span / (len(times) - 1)) <= 1.1e-3):
            estimate = (len(times) - 1) / span
            frames = np.arange(len(times)) + round(float(times[0]) * estimate)
            for decimals in range(4):  # the simplest rate that reproduces every printed time
                candidate = round(estimate, decimals)
                if candidate > 0 and np.allclose(
                    np.round(frames / candidate, 3), times, rtol=0, atol=1e-9
                ):
                    return float(candidate)
            return round(estimate, 3)
    return None


def _dataset_from_content(content: Mapping[str, Any], path: Path, fps: float | None) -> xr.Dataset:
    if "trajectories" not in content:
        raise FileFormatError(
            path,
            f"the idtracker.ai dict has no 'trajectories' (keys: {sorted(map(str, content))})",
            "pass a trajectories file (with_gaps, without_gaps, validated, trajectories)",
        )
    try:
        trajectories = np.asarray(content["trajectories"])
    except (TypeError, ValueError) as exc:
        raise FileFormatError(path, f"'trajectories' is not an array ({exc})") from exc
    if trajectories.dtype.kind not in "fiu" or trajectories.ndim != 3 or trajectories.shape[2] != 2:
        raise FileFormatError(
            path,
            f"'trajectories' must be a float array (frames, animals, 2), found shape "
            f"{trajectories.shape} and dtype {trajectories.dtype}",
        )
    n_frames, n_animals, _ = trajectories.shape
    confidence = None
    probabilities = content.get("id_probabilities")
    if probabilities is not None:
        try:
            probabilities = np.asarray(probabilities, dtype=np.float64)
        except (TypeError, ValueError, OverflowError) as exc:
            raise FileFormatError(
                path,
                f"'id_probabilities' must be an array of numbers, found a "
                f"{type(probabilities).__name__}",
                "the file was not written by idtracker.ai or is damaged",
            ) from exc
        if probabilities.ndim == 3 and probabilities.shape[2] == 1:
            probabilities = probabilities[:, :, 0]
        if probabilities.shape == (n_frames, n_animals):
            confidence = probabilities[:, :, None]
    labels = _labels(content.get("identities_labels"), n_animals)
    names = labels or [f"id_{i}" for i in range(1, n_animals + 1)]
    ds = poses_from_numpy(
        trajectories[:, :, None, :],
        confidence,
        individual_names=names,
        keypoint_names=["centroid"],
        fps=_fps_of(content, fps),
        source_software="idtracker.ai",
    )
    skip = {"trajectories", "id_probabilities", "_csv_time", "identities_labels"}
    metadata = {
        f"idtracker_{k}" if k in ds.attrs or k in ("fps",) else str(k): _decode(v)
        for k, v in content.items()
        if k not in skip
    }
    if labels is not None:
        metadata["identities_labels"] = labels
    areas = content.get("areas")
    if isinstance(areas, np.ndarray) and areas.shape == (n_frames, n_animals):  # v5.0
        ds["area"] = (("time", "individuals"), areas.astype(np.float64))
        metadata.pop("areas", None)
    ds.attrs.update(netcdf_safe_attrs(metadata))
    ds.attrs["source_file"] = str(path)
    return ds


def from_idtracker_file(path: str | os.PathLike, fps: float | None = None) -> xr.Dataset:
    """Load idtracker.ai trajectories as a poses dataset with one keypoint, ``centroid``.

    Parameters
    ----------
    path
        A trajectories ``.npy`` (v3-v6: ``trajectories``, ``with_gaps``,
        ``without_gaps``, ``validated``, ``trajectories_wo_gaps``), a v6
        ``trajectories.h5``, a CSV export (``x1,y1,…`` with an optional
        ``seconds``/``time`` column; ``id_probabilities.csv`` and
        ``attributes.json`` beside it are used too), or a session folder, in
        which the best file is picked (validated > without gaps > with gaps)
        and named in ``attrs["source_file"]`` and in an INFO log message.
    fps
        Frames per second; by default ``frames_per_second`` of the file.

    Returns
    -------
    xarray.Dataset
        ``position (time, individuals, keypoints=["centroid"], space)`` in
        full-resolution pixels, ``confidence`` = identification probability
        (NaN where unknown), individuals from ``identities_labels`` or
        ``id_1 … id_N``; other metadata (``body_length``, ``version``,
        ``video_path(s)``, accuracy statistics, ``setup_points`` …) as attrs.

    Raises
    ------
    UnsafeFileError
        If a ``.npy`` pickle asks for anything but arrays and plain values
        (nothing in it is executed).
    FileFormatError
        If the file is not idtracker.ai trajectories (e.g. a dict without
        ``trajectories``).
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise PathNotFoundError(f"{path}: no such file or folder")
    session = None
    if path.is_dir():
        session = path
        path = find_session_file(path)
        logger.info("idtracker.ai session %s: reading %s", session, path.relative_to(session))
    name = path.name.lower()
    with open(path, "rb") as handle:
        start = handle.read(8)
    if start.startswith(NPY_MAGIC):
        content = _read_npy(path)
    elif start.startswith(b"\x89HDF"):
        content = _read_h5(path)
    elif name.endswith(".csv"):
        content = _read_csv(path)
    elif name.endswith(".pickle"):
        content = _read_npy(path)
    else:
        raise FileFormatError(
            path, "is not an idtracker.ai trajectories file (.npy, .h5, .pickle or .csv)"
        )
    ds = _dataset_from_content(content, path, fps)
    if session is not None:
        ds.attrs["idtracker_session"] = str(session)
        ds.attrs["selected_file"] = str(path.relative_to(session))
    return ds


def read(path: str | os.PathLike, fps: float | None = None, **kwargs: Any) -> xr.Dataset:
    """Registry reader: :func:`from_idtracker_file`."""
    return from_idtracker_file(path, fps=fps, **kwargs)
