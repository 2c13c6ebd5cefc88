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
import csv
import json
import logging
import math
import os
import pickle
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from movement_like.dataset import netcdf_safe_attrs, poses_from_numpy
from movement_like.errors import FileFormatError, RefusedPickleError, UnsafeFileError
from movement_like.io.safe_pickle import SafeUnpickler, safe_load

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
# the restricted unpickler (movement_like.io.safe_pickle)
# --------------------------------------------------------------------------- #
def _safe_unpickle(path: Path, handle: Any, damaged: str) -> Any:
    """Unpickle from ``handle`` with :class:`SafeUnpickler` and check what came out.

    ``damaged`` starts the message of the :class:`FileFormatError` for a broken pickle.
    """
    try:
        content = safe_load(handle)
    except RefusedPickleError as exc:
        raise UnsafeFileError(
            path,
            f"the pickled contents were refused: {exc}",
            "idtracker.ai files hold only arrays and plain values; this file was not "
            "written by idtracker.ai or was tampered with. Nothing in it was executed",
        ) from exc
    except (
        pickle.UnpicklingError,
        EOFError,
        AttributeError,
        ImportError,
        IndexError,
        TypeError,
        ValueError,
        KeyError,
        MemoryError,
        RecursionError,
    ) as exc:
        raise FileFormatError(path, f"{damaged} ({exc})") from exc
    return content


def _check_npy_size(path: Path, handle: Any, shape: tuple, dtype: np.dtype) -> None:
    """Refuse a header whose shape needs more bytes than the file holds (before allocating)."""
    declared = math.prod(int(n) for n in shape) * dtype.itemsize
    available = os.fstat(handle.fileno()).st_size - handle.tell()
    if declared > available:
        raise FileFormatError(
            path,
            f"the .npy header declares an array of shape {tuple(shape)} ({declared:,} bytes) "
            f"but the file holds only {max(available, 0):,} bytes of data",
            "the file is truncated or its header is damaged; re-export it",
        )


def safe_load_npy(path: str | os.PathLike) -> Any:
    """Load a ``.npy`` file; pickled contents through :class:`SafeUnpickler` only.

    Plain numeric arrays are read with ``np.load(allow_pickle=False)``; object
    arrays (idtracker.ai's dicts) are unpickled by :class:`SafeUnpickler`.

    Returns
    -------
    numpy.ndarray or object
        The array, or the item of a 0-d object array (the idtracker.ai dict).

    Raises
    ------
    UnsafeFileError
        If the pickle asks for anything but numpy arrays and plain values.
    FileFormatError
        If the file is not a valid ``.npy`` file.
    """
    path = Path(path)
    with open(path, "rb") as handle:
        try:
            version = np.lib.format.read_magic(handle)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(handle)
            else:
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(handle)
        except ValueError as exc:
            raise FileFormatError(path, f"is not a valid .npy file ({exc})") from exc
        if not dtype.hasobject:
            _check_npy_size(path, handle, shape, dtype)
            handle.seek(0)
            return np.load(handle, allow_pickle=False)
        array = _safe_unpickle(path, handle, "the pickled contents are damaged")
    if isinstance(array, np.ndarray) and array.shape == () and array.dtype.hasobject:
        return array.item()
    return array


# --------------------------------------------------------------------------- #
# sniffing
# --------------------------------------------------------------------------- #
def _csv_header(line: str) -> list[str] | None:
    cells = [c.strip() for c in line.split(",")]
    if cells and cells[0] in ("seconds", "time"):
        cells = cells[1:]
    if not cells or len(cells) % 2:
        return None
    expected = [f"{axis}{i}" for i in range(1, len(cells) // 2 + 1) for axis in ("x", "y")]
    return cells if cells == expected else None


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
# readers of the three file kinds: each returns the idtracker.ai dict
# --------------------------------------------------------------------------- #
def _decode(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray) and value.dtype.kind in "OS":
        return [_decode(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _read_h5(path: Path) -> dict[str, Any]:
    """idtracker.ai v6 ``trajectories.h5``: root attrs + datasets + groups, merged."""
    import h5py

    def group_to_dict(group: Any) -> dict[str, Any]:
        out: dict[str, Any] = {k: _decode(v) for k, v in group.attrs.items()}
        for key, item in group.items():
            out[key] = group_to_dict(item) if isinstance(item, h5py.Group) else _decode(item[()])
        return out

    try:
        with h5py.File(path, "r") as file:
            content = group_to_dict(file)
    except (OSError, RuntimeError, KeyError, ValueError, TypeError) as exc:
        raise FileFormatError(
            path,
            f"cannot be read as an idtracker.ai HDF5 file ({type(exc).__name__}: {exc})",
            "the file may be truncated or damaged; re-export it from idtracker.ai",
        ) from exc
    if content.get("length_unit") == -1:
        content["length_unit"] = None
    return content


def _read_pickle(path: Path) -> Any:
    """Read a v6 ``.pickle`` (a plain pickled dict) through :class:`SafeUnpickler` only."""
    with open(path, "rb") as handle:
        return _safe_unpickle(path, handle, "is not a readable pickle")


def _read_npy(path: Path) -> dict[str, Any]:
    content = safe_load_npy(path) if path.suffix.lower() != ".pickle" else _read_pickle(path)
    if isinstance(content, np.ndarray) and content.dtype.kind == "f":
        return {"trajectories": content}
    if not isinstance(content, dict):
        raise FileFormatError(
            path, f"holds a {type(content).__name__}, not an idtracker.ai trajectories dict"
        )
    return content


def _read_csv_table(path: Path) -> tuple[list[str], np.ndarray]:
    import pandas as pd

    try:
        table = pd.read_csv(path, skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise FileFormatError(path, f"is not a readable CSV ({exc})") from exc
    except (ValueError, OverflowError, csv.Error) as exc:
        raise FileFormatError(path, f"is not a readable CSV ({exc})") from exc
    columns = [str(c).strip() for c in table.columns]
    if table.shape[0] == 0:
        raise FileFormatError(path, "has a header but no rows", "the export may be truncated")
    not_numbers = [
        c for c, kind in zip(columns, table.dtypes, strict=True) if kind.kind not in "fiu"
    ]
    if not_numbers:
        raise FileFormatError(
            path,
            f"the column {not_numbers[0]!r} holds text where numbers are expected",
            "idtracker.ai CSV cells are numbers or empty",
        )
    try:
        return columns, table.to_numpy(dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as exc:
        raise FileFormatError(path, f"holds cells that are not numbers ({exc})") from exc


def _read_csv(path: Path) -> dict[str, Any]:
    """Read a CSV export plus its siblings (``id_probabilities.csv``, ``attributes.json``)."""
    columns, values = _read_csv_table(path)
    content: dict[str, Any] = {}
    if columns and columns[0] in ("seconds", "time"):
        content["_csv_time"] = values[:, 0]
        columns, values = columns[1:], values[:, 1:]
    if _csv_header(",".join(columns)) is None:
        raise FileFormatError(
            path,
            f"the header must be x1,y1,x2,y2,… (optionally after 'seconds' or 'time'); "
            f"found {columns[:6]}",
        )
    content["trajectories"] = values.reshape(values.shape[0], -1, 2)
    probabilities = path.with_name(path.name.replace("trajectories", "id_probabilities"))
    if probabilities != path and probabilities.is_file():
        prob_columns, prob_values = _read_csv_table(probabilities)
        if prob_columns and prob_columns[0] in ("seconds", "time"):
            prob_values = prob_values[:, 1:]
        if prob_values.shape == content["trajectories"].shape[:2]:
            content["id_probabilities"] = prob_values
    attributes = path.with_name("attributes.json")
    if attributes.is_file():
        try:
            extra = json.loads(attributes.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise FileFormatError(attributes, f"is not valid JSON ({exc})") from exc
        if isinstance(extra, dict):
            content = {**extra, **content}
    return content


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
        raise FileNotFoundError(f"{path}: no such file or folder")
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
