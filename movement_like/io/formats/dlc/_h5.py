"""Reading the pandas DataFrame of a DeepLabCut ``.h5`` with h5py, never running its pickles.

DeepLabCut writes its table with ``DataFrame.to_hdf`` (PyTables). Reading it
back through pandas/PyTables would unpickle every attribute that looks like a
pickle (``non_index_axes``, ``info``, ... are protocol-0 pickles) and, in the
"fixed" format, whole object blocks: a crafted file runs code on load. This
module reads the same layout with h5py instead:

* "table" format (``pandas_type = frame_table``, what DeepLabCut writes): the
  compound dataset ``<key>/table`` holds the row ``index`` and the columns'
  ``values_block_N`` fields; the column labels and level names come from the
  small metadata pickles, parsed by :mod:`movement_like.io.safe_pickle`
  (plain values only);
* "fixed" format (``pandas_type = frame``, DeepLabCut labelled data with a
  3-level image index): ``axis0``/``axis1`` hold the column and row labels
  (plain string/number arrays, or level + code arrays), ``blockN_values`` the
  values; an object block (a pickle) is read by the same safe unpickler.

Anything the unpickler refuses raises :class:`~movement_like.errors.UnsafeFileError`
naming the file; nothing in it is imported or called. Links to other objects or
files are not followed, and a dataset declaring more bytes than it stores
(without compression) is refused before it is read.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from movement_like.errors import FileFormatError, MovementLikeError

from ._h5_formats import _read_fixed_format, _read_table_format
from ._h5_reader import _assemble, _Parts, _Reader
from ._table import _df_to_table, _is_keypoint_column, _level_positions, _Table

#: HDF5 keys tried in this order before falling back to the store's only key.
PREFERRED_H5_KEYS = ("df_with_missing", "tracks", "keypoints")


def _frame_keys(reader_path: Path, file: Any) -> dict[str, str]:
    """Top-level groups that are pandas frames, with their ``pandas_type``."""
    import h5py

    keys: dict[str, str] = {}
    for name in file:
        link = file.get(name, getlink=True)
        if not isinstance(link, h5py.HardLink):
            continue
        try:
            obj = file[name]
            kind = obj.attrs.get("pandas_type") if isinstance(obj, h5py.Group) else None
        except (OSError, RuntimeError, KeyError, ValueError, TypeError):
            continue
        if isinstance(kind, (bytes, np.bytes_)):
            keys[name] = bytes(kind).decode("utf-8", errors="replace")
    return keys


def _read_parts(path: Path, key: str | None) -> _Parts:
    """Open the file, pick the frame and take it apart (see the module docstring)."""
    import h5py

    from movement_like.io.hdf5 import HDF5_ERRORS, check_heaps

    check_heaps(path)  # damaged structures make HDF5 itself loop or overallocate
    try:
        file = h5py.File(path, "r")
    except (OSError, RuntimeError, ValueError) as exc:
        raise FileFormatError(
            path,
            f"cannot be opened as an HDF5 file ({type(exc).__name__}: {exc})",
            "the file may be truncated or damaged; re-export it from DeepLabCut",
        ) from exc
    with file:
        try:
            keys = _frame_keys(path, file)
        except (OSError, RuntimeError, ValueError, KeyError) as exc:
            raise FileFormatError(path, f"its groups cannot be listed ({exc})") from exc
        names = list(keys)
        if key is None:
            key = next((k for k in PREFERRED_H5_KEYS if k in keys), None)
            if key is None and len(keys) == 1:
                key = names[0]
        if key is None:
            if not keys:
                raise FileFormatError(
                    path,
                    "holds no pandas table, so it is not a DeepLabCut .h5 file",
                    "DeepLabCut files are written by pandas (key 'df_with_missing')",
                )
            raise FileFormatError(
                path,
                f"holds several pandas tables {names} and none is called "
                f"{', '.join(PREFERRED_H5_KEYS)}",
                "pass key=... to choose one",
            )
        key = key.strip("/")
        if key not in keys:
            raise FileFormatError(path, f"has no table {key!r}; it holds {names}")
        try:
            group = _Reader(path).member(file, key, kind="group")
            reader = _Reader(path, group)
            if keys[key] == "frame_table":
                return _read_table_format(reader, group)
            if keys[key] == "frame":
                return _read_fixed_format(reader, group)
        except MovementLikeError:
            raise
        except HDF5_ERRORS as exc:  # h5py on damaged structures (names not UTF-8 ...)
            raise FileFormatError(
                path,
                f"the table {key!r} cannot be read ({type(exc).__name__}: {exc})",
                "the file may be truncated or damaged; re-export it from DeepLabCut",
            ) from exc
        raise FileFormatError(
            path,
            f"the object under {key!r} is a pandas {keys[key]!r}, not a DataFrame",
            "DeepLabCut files hold one DataFrame",
        )


def read_h5_frame(path: str | os.PathLike, key: str | None = None) -> pd.DataFrame:
    """Read the DataFrame of a DeepLabCut ``.h5`` (pandas table or fixed format) safely.

    Parameters
    ----------
    path
        The ``.h5`` file.
    key
        The table's key; by default ``df_with_missing``, else ``tracks``,
        ``keypoints``, else the file's only pandas frame.

    Returns
    -------
    pandas.DataFrame
        As pandas would read it, for the layouts DeepLabCut writes.

    Raises
    ------
    UnsafeFileError
        If a pickle in the file asks for anything but plain values (nothing runs).
    FileFormatError
        If the file is not a readable pandas frame.
    """
    path = Path(path)
    return _assemble(_Reader(path), _read_parts(path, key))


def read_h5_table(path: str | os.PathLike, key: str | None = None) -> _Table:
    """Read a DeepLabCut ``.h5`` straight into a :class:`._table._Table`.

    A prediction file (one float block, frame numbers as rows) skips the
    DataFrame and its copies; any other layout goes through
    :func:`read_h5_frame`.
    """
    path = Path(path)
    parts = _read_parts(path, key)
    reader = _Reader(path)
    fast = (
        len(parts.blocks) == 1
        and parts.blocks[0][0] == parts.labels
        and parts.blocks[0][1].dtype == np.float64
        and parts.index.dtype.kind in "iu"
        and isinstance(parts.names, list)
        and all(isinstance(n, str) for n in parts.names)
        and all(isinstance(c, tuple) and len(c) == len(parts.names) for c in parts.labels)
    )
    if not fast:
        return _df_to_table(_assemble(reader, parts), path)
    level_names = tuple(parts.names)
    pos = _level_positions(level_names, path)
    columns_all = [tuple(str(v) for v in c) for c in parts.labels]
    keep = np.array([_is_keypoint_column(c, pos) for c in columns_all], dtype=bool)
    values = parts.blocks[0][1]
    if len(values) != len(parts.index):
        raise reader.error(f"{len(parts.index)} row labels for {len(values)} rows")
    if len(set(columns_all)) != len(columns_all):
        raise reader.error("several columns have the same labels")
    if not keep.all():
        values = values[:, keep]
    columns = [c for c, k in zip(columns_all, keep, strict=True) if k]
    index = _df_index(parts.index, path)
    return _Table(level_names, columns, np.ascontiguousarray(values), index, 1)


def _df_index(index: pd.Index, where: Path) -> np.ndarray:
    from ._table import _checked_int64

    return _checked_int64(index.to_numpy(), where)
