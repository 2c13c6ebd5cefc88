"""The h5py side of the safe DeepLabCut ``.h5`` reader: checked access and safe pickles.

:class:`_Reader` wraps one open file: members are opened only through hard
links and checked for kind, datasets are read only when they store what they
declare, text is decoded with the table's encoding, and PyTables' metadata
pickles go through :mod:`movement_like.io.safe_pickle`. :class:`_Parts` is
what both pandas layouts come down to, and :func:`_assemble` makes the
DataFrame.
"""

from __future__ import annotations

import math
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from movement_like.errors import FileFormatError, RefusedPickleError, UnsafeFileError
from movement_like.io.safe_pickle import safe_loads

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


def _assemble(reader: _Reader, parts: _Parts) -> pd.DataFrame:
    """Build the DataFrame pandas would return from the parts."""
    all_labels, names, index, blocks = parts.labels, parts.names, parts.index, parts.blocks
    columns = _column_index(all_labels, names)
    if not columns.is_unique:
        raise reader.error("several columns have the same labels")
    if len(blocks) == 1 and blocks[0][0] == all_labels and blocks[0][1].dtype.kind == "f":
        values = blocks[0][1]
        if len(values) != len(index):
            raise reader.error(f"{len(index)} row labels for {len(values)} rows")
        return pd.DataFrame(values, index=index, columns=columns)
    position = {label: j for j, label in enumerate(all_labels)}
    by_position: dict[int, Any] = {}
    for labels, values in blocks:
        if len(values) != len(index):
            raise reader.error(f"{len(index)} row labels for {len(values)} rows")
        for j, label in enumerate(labels):
            if label not in position or position[label] in by_position:
                raise reader.error(f"the block column {label!r} is not among the columns")
            by_position[position[label]] = values[:, j]
    if len(by_position) != len(all_labels):
        raise reader.error("some columns are in no value block")
    frame = pd.DataFrame({j: by_position[j] for j in range(len(all_labels))}, index=index)
    frame.columns = columns
    return frame


@dataclass
class _Parts:
    """A pandas frame taken apart: every column label, level names, row index, value blocks."""

    labels: list
    names: Any
    index: pd.Index
    blocks: list[tuple[list, np.ndarray]]
