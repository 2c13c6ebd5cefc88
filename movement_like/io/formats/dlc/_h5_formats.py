"""pandas' two HDF5 layouts of a DataFrame, read through :class:`._h5_reader._Reader`.

"table" format (``pandas_type = frame_table``): the compound dataset
``<key>/table`` holds the ``index`` and ``values_block_N`` fields; the labels
come from small metadata pickles. "fixed" format (``pandas_type = frame``):
``axis0``/``axis1`` nodes hold the column and row labels (arrays, or levels and
codes), ``blockN_values`` the values; object blocks are pickles.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from movement_like.errors import FileFormatError, UnsafeFileError

from ._h5_reader import _EMPTY_TYPES, _labels_list, _Parts, _Reader


def _read_table_format(reader: _Reader, group: Any) -> _Parts:
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
    if table.shape is None or len(table.shape) != 1:
        raise reader.error(f"'{table.name}' is not a one-dimensional table")
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
    return _Parts(all_labels, names, index, blocks)


def _table_index(reader: _Reader, table: Any, raw: np.ndarray) -> pd.Index:
    kind = reader.attr_text(table, "index_kind", "integer")
    if kind == "integer" and raw.dtype.kind in "iu":
        return pd.Index(raw.astype(np.int64, copy=False))
    if kind == "float" and raw.dtype.kind == "f":
        return pd.Index(raw)
    if kind == "string":
        return pd.Index(reader.strings(raw))
    raise reader.error(f"the row index of kind {kind!r} ({raw.dtype}) is not supported")


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


def _read_fixed_format(reader: _Reader, group: Any) -> _Parts:
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
    return _Parts(all_labels, list(columns.names), index, blocks)
