"""Reading DeepLabCut-style CSV files (3 or 4 header rows, 1 or 3 index columns).

The reader parses the few header rows itself and hands the body to the pandas
C parser in one call, so loading large files is fast.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from movement_like.errors import FileFormatError

from ._table import (
    _checked_int64,
    _int_index_or_strings,
    _is_keypoint_column,
    _level_positions,
    _Table,
)


# --------------------------------------------------------------------------- #
# reading: CSV
# --------------------------------------------------------------------------- #
def _header_rows(path: Path, lines: list[str]) -> tuple[list[list[str]], int]:
    """Parse the header rows of a DLC CSV; return them and the number of index columns."""
    try:
        rows = list(csv.reader(lines))
    except csv.Error as exc:  # a NUL byte, a stray quote
        raise FileFormatError(
            path,
            f"the header rows cannot be parsed as CSV ({exc})",
            "the file may be damaged; re-export it",
        ) from exc
    first_cells = [r[0] if r else "" for r in rows]
    if first_cells[:3] == ["scorer", "bodyparts", "coords"]:
        header = rows[:3]
    elif first_cells[:4] == ["scorer", "individuals", "bodyparts", "coords"]:
        header = rows[:4]
    else:
        raise FileFormatError(
            path,
            "the header rows do not match DeepLabCut's layout: the first cells should read "
            f"scorer, [individuals,] bodyparts, coords, but they are {first_cells[:4]}",
            "the file may be truncated or a header row may be missing",
        )
    widths = {len(r) for r in header}
    if len(widths) != 1:
        raise FileFormatError(
            path,
            f"the header rows have different numbers of cells: {[len(r) for r in header]}",
            "every header row must have one cell per column",
        )
    coords_row = header[-1]
    n_index = 1
    while (
        n_index < len(coords_row)
        and coords_row[n_index] == ""
        and all(r[n_index] == "" for r in header)
    ):
        n_index += 1
    if n_index == len(coords_row):
        raise FileFormatError(path, "the header names no data columns")
    return header, n_index


def _read_head_lines(path: Path, count: int = 4) -> list[str]:
    """Return the first lines of the file, whatever its line ends (LF, CR LF or CR)."""
    lines = []
    try:
        with open(path, encoding="utf-8", errors="replace", newline=None) as handle:
            for _ in range(count):
                line = handle.readline(1 << 20)
                if not line:
                    break
                lines.append(line.rstrip("\n"))
    except OSError as exc:
        raise FileFormatError(path, f"cannot be read: {exc}") from exc
    if lines:
        lines[0] = lines[0].lstrip("\ufeff")
    return lines


_LINE_END = re.compile(rb"\r\n|\n|\r")


def _header_bytes(path: Path, skip_lines: int) -> int:
    """Byte offset of the first line after ``skip_lines`` lines, whatever the line ends."""
    with open(path, "rb") as handle:
        head = handle.read(1 << 22)
    offset = 0
    for _ in range(skip_lines):
        match = _LINE_END.search(head, offset)
        if match is None:
            return len(head)
        offset = match.end()
    return offset


def _cells_per_row_match(path: Path, skip_lines: int, n_cols: int, n_rows: int) -> bool:
    """Whether the data rows hold ``n_cols`` cells each, counted without parsing.

    Counts commas with numpy in one pass of block reads (fast); only when the
    count is off and the file has quoted cells (which may contain commas) does
    it fall back to the csv module.
    """
    block = bytearray(1 << 22)
    view = memoryview(block)
    as_bytes = np.frombuffer(block, dtype=np.uint8)
    commas, quoted = 0, False
    with open(path, "rb") as handle:
        handle.seek(_header_bytes(path, skip_lines))
        while size := handle.readinto(view):
            chunk = as_bytes[:size]
            commas += int(np.count_nonzero(chunk == ord(",")))
            quoted = quoted or bool(np.any(chunk == ord('"')))
    if commas == (n_cols - 1) * n_rows:
        return True
    if not quoted:
        return False
    with open(path, newline="", encoding="utf-8", errors="replace") as text:
        rows = csv.reader(text)
        for _ in range(skip_lines):
            next(rows, None)
        return all(len(row) == n_cols for row in rows if row)


def _read_csv_table(path: Path) -> _Table:
    """Read a DLC-style CSV (3 or 4 header rows, 1 or 3 index columns) into a :class:`_Table`."""
    header, n_index = _header_rows(path, _read_head_lines(path))
    n_header = len(header)
    n_cols = len(header[0])
    level_names = tuple(r[0] for r in header)
    columns_all = [tuple(r[j] for r in header) for j in range(n_index, n_cols)]
    pos = _level_positions(level_names, path)
    is_kp = [_is_keypoint_column(c, pos) for c in columns_all]
    try:  # types are inferred: naming a dtype per column makes pandas' C parser slower
        body = pd.read_csv(path, header=None, skiprows=n_header, skip_blank_lines=True)
    except pd.errors.EmptyDataError:
        body = pd.DataFrame({i: pd.Series(dtype=np.float64) for i in range(n_cols)})
    except (pd.errors.ParserError, ValueError, OverflowError, csv.Error) as exc:
        raise FileFormatError(
            path,
            f"the data rows do not parse as a DeepLabCut table: {exc}",
            "rows must have as many cells as the header, with numbers or empty cells",
        ) from exc
    if body.shape[1] != n_cols:
        raise FileFormatError(
            path,
            f"the header has {n_cols} columns but the data rows have {body.shape[1]}",
            "the file is malformed (mismatched column counts)",
        )
    # A row with fewer cells than the header is read with NaN in its last cells:
    # when the last column has gaps, count the cells to tell the two apart.
    if len(body) and body.iloc[:, -1].isna().any():
        if not _cells_per_row_match(path, n_header, n_cols, len(body)):
            raise FileFormatError(
                path,
                f"some data rows have fewer cells than the header ({n_cols} columns)",
                "the file is malformed (mismatched column counts)",
            )
    keypoint_positions = [n_index + j for j, k in enumerate(is_kp) if k]
    keypoint_body = body.iloc[:, keypoint_positions]
    not_numbers = [
        j
        for j, dtype in zip(keypoint_positions, keypoint_body.dtypes, strict=True)
        if dtype.kind not in "fiu"
    ]
    if not_numbers:
        bad = columns_all[not_numbers[0] - n_index]
        raise FileFormatError(
            path,
            f"the column {bad} holds text where numbers are expected",
            "keypoint cells must be numbers or empty",
        )
    values = keypoint_body.to_numpy(dtype=np.float64, na_value=np.nan)
    if n_index == 1:
        first = body.iloc[:, 0]
        index: Sequence[Any] | np.ndarray = (
            _checked_int64(first.to_numpy(), path)
            if first.dtype.kind in "iu"
            else _int_index_or_strings(first.to_numpy(), path)
        )
    else:
        parts = body.iloc[:, :n_index].to_numpy(dtype=object)
        index = [tuple("" if pd.isna(p) else str(p) for p in row) for row in parts]
    columns = [c for c, k in zip(columns_all, is_kp, strict=True) if k]
    return _Table(level_names, columns, values, index, n_index)
