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

import math
import os
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from movement_like.errors import FileFormatError, RefusedPickleError, UnsafeFileError
from movement_like.io.safe_pickle import safe_loads

#: HDF5 keys tried in this order before falling back to the store's only key.
PREFERRED_H5_KEYS = ("df_with_missing", "tracks", "keypoints")
#: Datasets may declare this many bytes beyond what they store (fill values, rounding).
_SLACK_BYTES = 1 << 20
#: Most a compressed dataset may expand to, relative to what it stores.
_MAX_COMPRESSION = 1000

#: Value types an empty array node may name.
_EMPTY_TYPES = frozenset(("float64", "float32", "int64", "int32", "uint64", "bool", "object"))

_UNSAFE_FIX = (
    "nothing in it was run. If the file comes from a source you trust, open it with "
    "pandas there and re-save it with df.to_hdf(path, key='df_with_missing', "
    "format='table'), or export a .csv"
)


class _Reader:
    """One open file: the path for messages, the text encoding, safe metadata parsing."""

    def __init__(self, path: Path, group: Any = None):
        self.path = path
        self.encoding = "UTF-8"
        if group is not None:
            self.encoding = self.attr_text(group, "encoding", "UTF-8") or "UTF-8"
        try:
            "".encode(self.encoding)
        except LookupError:
            raise self.error(f"the text encoding {self.encoding!r} is unknown") from None

    # -- plain attribute values ------------------------------------------------ #
    def text(self, value: Any) -> str:
        if isinstance(value, np.ndarray) and value.shape == ():
            value = value[()]
        if isinstance(value, (bytes, np.bytes_)):
            return bytes(value).decode("utf-8", errors="replace")
        if isinstance(value, str):
            return value
        raise self.error(f"an attribute holds {type(value).__name__} where text is expected")

    def attr_text(self, obj: Any, name: str, default: str | None = None) -> str:
        if name not in obj.attrs:
            if default is not None:
                return default
            raise self.error(f"'{obj.name}' has no '{name}' attribute")
        return self.text(self._attr(obj, name))

    def pickled(self, obj: Any, name: str) -> Any:
        """Parse safely a metadata attribute PyTables stored as a pickle."""
        if name not in obj.attrs:
            raise self.error(f"'{obj.name}' has no '{name}' attribute")
        value = self._attr(obj, name)
        if isinstance(value, np.ndarray) and value.shape == ():
            value = value[()]
        if not isinstance(value, (bytes, np.bytes_)):
            raise self.error(f"the attribute '{name}' of '{obj.name}' is not a pickle")
        return self.safe(bytes(value), f"'{name}'")

    def safe(self, data: bytes, what: str) -> Any:
        try:
            return safe_loads(data)
        except RefusedPickleError as exc:
            raise UnsafeFileError(
                self.path, f"the pickled {what} was refused: {exc.problem}", _UNSAFE_FIX
            ) from exc
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, KeyError) as exc:
            raise self.error(f"the pickled {what} is damaged ({type(exc).__name__})") from exc
        except (IndexError, AttributeError, MemoryError, RecursionError) as exc:
            raise self.error(f"the pickled {what} is damaged ({type(exc).__name__})") from exc

    def _attr(self, obj: Any, name: str) -> Any:
        try:
            return obj.attrs[name]
        except (OSError, RuntimeError, TypeError, ValueError, KeyError) as exc:
            raise self.error(f"the attribute '{name}' of '{obj.name}' cannot be read") from exc

    def error(self, problem: str, fix: str | None = None) -> FileFormatError:
        return FileFormatError(
            self.path, problem, fix or "the file may be damaged; re-export it from DeepLabCut"
        )

    # -- members and their data -------------------------------------------------- #
    def member(self, group: Any, name: str, kind: str = "dataset") -> Any:
        """``group[name]`` if it is a hard link to a dataset (or group), else our error."""
        import h5py

        try:
            link = group.get(name, getlink=True)
        except (OSError, RuntimeError, KeyError, ValueError) as exc:
            raise self.error(f"'{group.name}/{name}' cannot be read") from exc
        if link is None:
            raise self.error(f"'{group.name}' has no '{name}'")
        if not isinstance(link, h5py.HardLink):
            raise FileFormatError(
                self.path,
                f"'{group.name}/{name}' is a link to another place or file, which is not followed",
                "pandas never writes links; re-save the table without them",
            )
        try:
            obj = group[name]
        except (OSError, RuntimeError, KeyError, ValueError) as exc:
            raise self.error(f"'{group.name}/{name}' cannot be opened") from exc
        wanted = h5py.Dataset if kind == "dataset" else h5py.Group
        if not isinstance(obj, wanted):
            raise self.error(f"'{obj.name}' is not a {kind}")
        return obj

    def read(self, dataset: Any) -> np.ndarray:
        """Read the whole dataset, after checking it stores what it declares."""
        shape = dataset.shape
        if shape is None:
            raise self.error(f"'{dataset.name}' holds no data")
        declared = math.prod(shape) * dataset.dtype.itemsize
        if declared > _SLACK_BYTES:
            stored = dataset.id.get_storage_size()
            compressed = dataset.id.get_create_plist().get_nfilters() > 0
            allowed = stored * (_MAX_COMPRESSION if compressed else 1) + _SLACK_BYTES
            if declared > allowed:
                raise self.error(
                    f"'{dataset.name}' declares {shape} ({declared:,} bytes) but stores "
                    f"only {stored:,} bytes"
                )
        try:
            return dataset[()]
        except (OSError, RuntimeError, ValueError, TypeError) as exc:
            raise self.error(
                f"'{dataset.name}' cannot be read ({type(exc).__name__}: {exc})",
                "the file may be damaged, or compressed with a filter h5py lacks; "
                "re-save it from pandas without compression",
            ) from exc

    def strings(self, raw: np.ndarray, nan_rep: str | None = None) -> np.ndarray:
        """Decode a fixed-width bytes array into an object array of str."""
        if raw.dtype.kind not in "SU":
            raise self.error(f"text was expected, found numbers of type {raw.dtype}")
        out = np.array(
            [
                v.decode(self.encoding, errors="replace") if isinstance(v, bytes) else str(v)
                for v in raw.ravel().tolist()
            ],
            dtype=object,
        ).reshape(raw.shape)
        if nan_rep is not None:
            out[out == nan_rep] = np.nan
        return out


# --------------------------------------------------------------------------- #
# the "table" format
# --------------------------------------------------------------------------- #
def _column_index(labels: list, names: Any) -> pd.Index:
    if labels and all(isinstance(label, tuple) for label in labels):
        return pd.MultiIndex.from_tuples(labels, names=names)
    return pd.Index(labels, dtype=object, name=names[0] if names else None)


def _labels_list(reader: _Reader, value: Any, what: str) -> list:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        raise reader.error(f"the {what} is not a list of column labels")
    return [tuple(v) if isinstance(v, list) else v for v in value]


def _read_table_format(reader: _Reader, group: Any) -> pd.DataFrame:
    table_type = reader.attr_text(group, "table_type", "appendable_frame")
    if table_type != "appendable_frame":
        raise reader.error(
            f"the pandas table type {table_type!r} is not a DeepLabCut table",
            "DeepLabCut writes 'appendable_frame' tables (one index level)",
        )
    table = reader.member(group, "table")
    non_index = reader.pickled(group, "non_index_axes")
    if not (isinstance(non_index, list) and len(non_index) == 1 and len(non_index[0]) == 2):
        raise reader.error("the column metadata ('non_index_axes') is not pandas' layout")
    all_labels = _labels_list(reader, non_index[0][1], "column metadata")
    info = reader.pickled(group, "info")
    level_info = info.get(1, {}) if isinstance(info, dict) else {}
    names = level_info.get("names") if isinstance(level_info, dict) else None
    if not isinstance(names, list):
        names = None
    values_cols = reader.pickled(group, "values_cols")
    if not isinstance(values_cols, list) or not all(isinstance(v, str) for v in values_cols):
        raise reader.error("the list of value blocks ('values_cols') is not pandas' layout")
    fields = table.dtype.names or ()
    if "index" not in fields or any(v not in fields for v in values_cols):
        raise reader.error(f"the table's fields {list(fields)} do not match its metadata")
    rows = reader.read(table)
    nan_rep = reader.attr_text(group, "nan_rep", "nan")
    index = _table_index(reader, table, rows["index"])
    blocks = []
    for name in values_cols:
        labels = _labels_list(reader, reader.pickled(table, f"{name}_kind"), f"'{name}_kind'")
        meta = f"{name}_meta"
        if meta in table.attrs and reader.pickled(table, meta) is not None:
            raise reader.error(f"the column block {name} is categorical, which is not supported")
        values = rows[name]
        if values.ndim == 1:
            values = values[:, None]
        if values.ndim != 2 or values.shape[1] != len(labels):
            raise reader.error(
                f"the block {name} has {values.shape} values for {len(labels)} labels"
            )
        if values.dtype.kind in "SU":
            values = reader.strings(values, nan_rep)
        elif values.dtype.kind not in "fiub":
            raise reader.error(f"the block {name} holds values of type {values.dtype}")
        blocks.append((labels, values))
    return _assemble(reader, all_labels, names, index, blocks)


def _table_index(reader: _Reader, table: Any, raw: np.ndarray) -> pd.Index:
    kind = reader.attr_text(table, "index_kind", "integer")
    if kind == "integer" and raw.dtype.kind in "iu":
        return pd.Index(raw.astype(np.int64, copy=False))
    if kind == "float" and raw.dtype.kind == "f":
        return pd.Index(raw)
    if kind == "string":
        return pd.Index(reader.strings(raw), dtype=object)
    raise reader.error(f"the row index of kind {kind!r} ({raw.dtype}) is not supported")


def _assemble(
    reader: _Reader, all_labels: list, names: Any, index: pd.Index, blocks: list
) -> pd.DataFrame:
    columns = _column_index(all_labels, names)
    if not columns.is_unique:
        raise reader.error("several columns have the same labels")
    if len(blocks) == 1 and blocks[0][0] == all_labels and blocks[0][1].dtype.kind == "f":
        values = blocks[0][1]
        if len(values) != len(index):
            raise reader.error(f"{len(index)} row labels for {len(values)} rows")
        return pd.DataFrame(values, index=index, columns=columns)
    position = {label: j for j, label in enumerate(all_labels)}
    parts: dict[int, Any] = {}
    for labels, values in blocks:
        if len(values) != len(index):
            raise reader.error(f"{len(index)} row labels for {len(values)} rows")
        for j, label in enumerate(labels):
            if label not in position or position[label] in parts:
                raise reader.error(f"the block column {label!r} is not among the columns")
            parts[position[label]] = values[:, j]
    if len(parts) != len(all_labels):
        raise reader.error("some columns are in no value block")
    frame = pd.DataFrame({j: parts[j] for j in range(len(all_labels))}, index=index)
    frame.columns = columns
    return frame


# --------------------------------------------------------------------------- #
# the "fixed" format
# --------------------------------------------------------------------------- #
def _fixed_values(reader: _Reader, dataset: Any) -> np.ndarray:
    """Read an array node of pandas' fixed format: plain data, or a pickled object array."""
    if reader.text(dataset.attrs.get("value_type", b"")) in ("datetime64", "timedelta64"):
        raise reader.error(f"'{dataset.name}' holds dates, which a DeepLabCut table never has")
    if "PSEUDOATOM" in dataset.attrs or dataset.dtype.kind == "O":
        raw = reader.read(dataset) if dataset.shape else None
        if raw is None or raw.shape != (1,) or not isinstance(raw[0], np.ndarray):
            raise reader.error(f"'{dataset.name}' is not a pickled object block")
        value = reader.safe(raw[0].astype(np.uint8).tobytes(), f"block '{dataset.name}'")
        if not isinstance(value, np.ndarray):
            raise reader.error(f"'{dataset.name}' does not hold an array")
    else:
        value = reader.read(dataset)
    if "shape" in dataset.attrs:  # pandas' node for an empty array: a shape and a type
        shape = reader.pickled(dataset, "shape")
        type_name = reader.attr_text(dataset, "value_type", "float64")
        if (
            not isinstance(shape, tuple)
            or not all(type(n) is int and n >= 0 for n in shape)
            or math.prod(shape) != 0
            or type_name not in _EMPTY_TYPES
        ):
            raise reader.error(f"'{dataset.name}' is not pandas' layout of an empty array")
        value = np.empty(shape, dtype=type_name)
    return value


def _fixed_labels(reader: _Reader, dataset: Any) -> tuple[np.ndarray, Any]:
    kind = reader.attr_text(dataset, "kind", "object")
    raw = _fixed_values(reader, dataset)
    if raw.ndim != 1:
        raise reader.error(f"the labels '{dataset.name}' are not one-dimensional")
    if kind == "string" or raw.dtype.kind in "SU":
        values = reader.strings(raw)
    elif kind in ("integer", "float", "object", "boolean"):
        values = raw
    else:
        raise reader.error(f"labels of kind {kind!r} are not supported")
    name: Any = None
    if "name" in dataset.attrs:
        name = reader.attr_text(dataset, "name")
        if name.endswith("."):  # PyTables pickles a name that is not text (None)
            try:
                name = reader.pickled(dataset, "name")
            except UnsafeFileError:
                raise
            except FileFormatError:
                pass  # a text name that ends in "."
    return values, name


def _fixed_index(reader: _Reader, group: Any, key: str) -> pd.Index:
    variety = reader.attr_text(group, f"{key}_variety", "regular")
    if variety == "regular":
        values, name = _fixed_labels(reader, reader.member(group, key))
        return pd.Index(values, name=name if isinstance(name, (str, type(None))) else None)
    if variety != "multi":
        raise reader.error(f"the index variety {variety!r} is not supported")
    try:
        n_levels = int(group.attrs[f"{key}_nlevels"])
    except (KeyError, TypeError, ValueError, OSError) as exc:
        raise reader.error(f"'{key}_nlevels' is missing or not a number") from exc
    if not 1 <= n_levels <= 16:
        raise reader.error(f"{n_levels} index levels")
    levels, codes, names = [], [], []
    for i in range(n_levels):
        values, name = _fixed_labels(reader, reader.member(group, f"{key}_level{i}"))
        code = reader.read(reader.member(group, f"{key}_label{i}"))
        if (
            code.ndim != 1
            or code.dtype.kind not in "iu"
            or (code.size and (code.min() < -1 or code.max() >= len(values)))
        ):
            raise reader.error(f"the level codes '{key}_label{i}' do not match their level")
        levels.append(values)
        codes.append(code)
        names.append(name if isinstance(name, (str, type(None))) else None)
    if len({len(c) for c in codes}) > 1:
        raise reader.error(f"the levels of '{key}' have different lengths")
    return pd.MultiIndex(levels=levels, codes=codes, names=names, verify_integrity=False)


def _is_transposed(reader: _Reader, node: Any) -> bool:
    """Whether pandas stored the block as (rows, columns), as it does for 2-D blocks."""
    try:
        return bool(np.ravel(node.attrs.get("transposed", 0))[0])
    except (TypeError, ValueError, IndexError, OSError) as exc:
        raise reader.error(f"the 'transposed' flag of '{node.name}' is not a number") from exc


def _read_fixed_format(reader: _Reader, group: Any) -> pd.DataFrame:
    try:
        n_blocks = int(group.attrs.get("nblocks", 0))
        ndim = int(group.attrs.get("ndim", 2))
    except (TypeError, ValueError, OSError) as exc:
        raise reader.error("'nblocks' or 'ndim' is not a number") from exc
    if ndim != 2 or not 0 <= n_blocks <= 1024:
        raise reader.error(f"a frame of {ndim} dimensions and {n_blocks} blocks")
    columns = _fixed_index(reader, group, "axis0")
    index = _fixed_index(reader, group, "axis1")
    if not columns.is_unique:
        raise reader.error("several columns have the same labels")
    all_labels = list(columns)
    blocks = []
    for b in range(n_blocks):
        items = list(_fixed_index(reader, group, f"block{b}_items"))
        node = reader.member(group, f"block{b}_values")
        values = _fixed_values(reader, node)
        if values.ndim == 1 and len(items) == 1:  # an extension-array block (value_type str)
            values = values[:, None] if _is_transposed(reader, node) else values[None, :]
        if values.ndim != 2:
            raise reader.error(f"the block {b} is not two-dimensional")
        if not _is_transposed(reader, node):
            values = values.T
        if values.shape != (len(index), len(items)):
            raise reader.error(f"the block {b} has shape {values.shape} for {len(items)} columns")
        blocks.append((items, values))
    return _assemble(reader, all_labels, list(columns.names), index, blocks)


# --------------------------------------------------------------------------- #
# the entry point
# --------------------------------------------------------------------------- #
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
    import h5py

    path = Path(path)
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
        except (OSError, RuntimeError, ValueError) as exc:
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
        group = _Reader(path).member(file, key, kind="group")
        reader = _Reader(path, group)
        try:
            if keys[key] == "frame_table":
                return _read_table_format(reader, group)
            if keys[key] == "frame":
                return _read_fixed_format(reader, group)
        except (OSError, RuntimeError) as exc:  # h5py on damaged structures
            raise reader.error(f"the table {key!r} cannot be read ({exc})") from exc
        raise FileFormatError(
            path,
            f"the object under {key!r} is a pandas {keys[key]!r}, not a DataFrame",
            "DeepLabCut files hold one DataFrame",
        )
