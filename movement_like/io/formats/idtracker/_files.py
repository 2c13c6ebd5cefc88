"""Reading the three idtracker.ai file kinds (``.npy``/``.pickle``, ``.h5``, CSV) into its dict.

``.npy`` and ``.pickle`` files are pickles: they go through
:mod:`movement_like.io.safe_pickle` only (numpy arrays and plain values; anything
else is :class:`~movement_like.errors.UnsafeFileError`, nothing runs), and a plain
``.npy`` header is believed only as far as the file's size backs it. HDF5 files
are read without following links and without reading datasets that declare
more than the file can hold.
"""

from __future__ import annotations

import csv
import json
import math
import os
import pickle
import tokenize
from pathlib import Path
from typing import Any

import numpy as np

from movement_like.errors import FileFormatError, RefusedPickleError, UnsafeFileError
from movement_like.io.safe_pickle import safe_load


def _csv_header(line: str) -> list[str] | None:
    cells = [c.strip() for c in line.split(",")]
    if cells and cells[0] in ("seconds", "time"):
        cells = cells[1:]
    if not cells or len(cells) % 2:
        return None
    expected = [f"{axis}{i}" for i in range(1, len(cells) // 2 + 1) for axis in ("x", "y")]
    return cells if cells == expected else None


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
    if any(int(n) < 0 for n in shape):
        raise FileFormatError(path, f"the .npy header declares a negative shape {tuple(shape)}")
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

    Parameters
    ----------
    path
        The ``.npy`` file to read; it is never unpickled with :mod:`pickle`,
        so a hostile file cannot run code.

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
        except (ValueError, SyntaxError, tokenize.TokenError) as exc:  # a damaged header
            raise FileFormatError(path, f"is not a valid .npy file ({exc})") from exc
        if not dtype.hasobject:
            _check_npy_size(path, handle, shape, dtype)
            handle.seek(0)
            try:
                return np.load(handle, allow_pickle=False)
            except (ValueError, EOFError, OSError) as exc:
                raise FileFormatError(path, f"the array data cannot be read ({exc})") from exc
        array = _safe_unpickle(path, handle, "the pickled contents are damaged")
    if isinstance(array, np.ndarray) and array.shape == () and array.dtype.hasobject:
        return array.item()
    return array


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

    from movement_like.io.hdf5 import check_heaps

    file_size = path.stat().st_size

    def read_dataset(item: Any) -> Any:
        if item.shape and item.dtype.kind not in "OV":  # bound by what the file can hold
            declared = math.prod(item.shape) * item.dtype.itemsize
            compressed = item.id.get_create_plist().get_nfilters() > 0
            if declared > (1 << 20) + file_size * (1000 if compressed else 1):
                raise FileFormatError(
                    path,
                    f"'{item.name}' declares {item.shape} ({declared:,} bytes), more than the "
                    f"{file_size:,}-byte file can hold",
                    "the file is damaged; re-export it from idtracker.ai",
                )
        return _decode(item[()])

    def group_to_dict(group: Any, depth: int = 0) -> dict[str, Any]:
        if depth > 8:
            raise FileFormatError(path, "groups are nested too deeply for idtracker.ai")
        out: dict[str, Any] = {k: _decode(v) for k, v in group.attrs.items()}
        for key in group:
            if not isinstance(group.get(key, getlink=True), h5py.HardLink):
                raise FileFormatError(
                    path,
                    f"'{group.name}/{key}' is a link to another place or file, which is not "
                    "followed",
                    "idtracker.ai never writes links; re-export the file",
                )
            item = group[key]
            out[key] = (
                group_to_dict(item, depth + 1)
                if isinstance(item, h5py.Group)
                else read_dataset(item)
            )
        return out

    check_heaps(path)  # damaged structures make HDF5 itself loop or overallocate
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
