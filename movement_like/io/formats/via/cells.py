"""One cell of a VIA tracks CSV: the header, JSON columns, frame numbers and track ids.

Every cell of a file the user did not write is checked here, and anything
wrong is a :class:`~movement_like.errors.FileFormatError` naming the file, the
row (1-based, the header is row 1) and the column: JSON that does not parse,
is nested too deeply or holds a number Python cannot convert (more than 4,300
digits), frame numbers that are not whole or do not fit in 64 bits, track ids
that are not ids.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from movement_like.errors import FileFormatError

__all__ = ["HEADER"]

#: The seven columns of a VIA 2.x region CSV, in order.
HEADER: tuple[str, ...] = (
    "filename",
    "file_size",
    "file_attributes",
    "region_count",
    "region_id",
    "region_shape_attributes",
    "region_attributes",
)

#: Frame numbers are stored as int64: anything outside is refused.
_INT64 = 2**63
#: Integers of more digits than this cannot be frame numbers (int64 has 19).
_MAX_DIGITS = 19
_LAST_DIGITS = re.compile(r"(\d+)(?!.*\d)")


def shown(text: Any, limit: int = 60) -> str:
    """``repr`` of a cell, cut short (a cell may hold 5,000 digits)."""
    text = repr(text)
    return (
        text if len(text) <= limit else f"{text[: limit - 20]}...{text[-10:]} ({len(text)} chars)"
    )


def header_cells(line: str) -> list[str]:
    """Split a header line into cells (VIA 1.0 starts it with ``#``)."""
    return [cell.strip() for cell in line.lstrip("#").split(",")]


def sniff(head: Any) -> bool:
    """Whether the first line is the VIA region-CSV header (VIA 1.0's ``#`` allowed)."""
    lines = head.lines(1)
    return bool(lines) and tuple(header_cells(lines[0])) == HEADER


def json_cell(path: Path, row_number: int, column: str, text: str) -> dict[str, Any]:
    """Parse one JSON column of a row, with an error that names the row and column."""
    if text.strip() == "":
        return {}
    where = f"row {row_number}, column '{column}'"
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileFormatError(path, f"{where}: not valid JSON ({exc.msg}): {shown(text)}") from exc
    except RecursionError as exc:
        raise FileFormatError(path, f"{where}: the JSON is nested too deeply") from exc
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise FileFormatError(
            path, f"{where}: holds a number that cannot be read ({exc}): {shown(text)}"
        ) from exc
    if not isinstance(value, dict):
        raise FileFormatError(path, f"{where}: must be a JSON object, found {shown(text)}")
    return value


def json_column(path: Path, columns: list[list[str]], column: int) -> list[dict[str, Any]]:
    """Parse one JSON column: each distinct text once, all of them in a single C-level call.

    Joining the distinct cells into one JSON array avoids ~3 Python calls per
    row; if that fails (a bad cell), the cells are parsed one by one so that the
    error names the first bad row.
    """
    texts = columns[column]
    distinct = list(dict.fromkeys(texts))
    values: list[Any] = []
    try:
        values = json.loads("[" + ",".join(t if t.strip() else "{}" for t in distinct) + "]")
    except (ValueError, RecursionError):  # JSONDecodeError, or a 5,000-digit number
        pass
    if len(values) != len(distinct) or not all(isinstance(v, dict) for v in values):
        first_row: dict[str, int] = {}
        for number, text in enumerate(texts, start=2):
            first_row.setdefault(text, number)
        values = [json_cell(path, first_row[t], HEADER[column], t) for t in distinct]
    lookup = dict(zip(distinct, values, strict=True))
    return [lookup[t] for t in texts]


def _whole(value: float | int) -> int | None:
    """``value`` as an int when it is a finite whole number, else None."""
    if isinstance(value, int):
        return value
    if not math.isfinite(value) or value != int(value):
        return None
    return int(value)


def track_key(path: Path, row_number: int, track: Any) -> int | str:
    """Normalise a track id: whole numbers (``320``, ``"1"``, ``"2.0"``) become ints."""
    where = f"row {row_number}, column 'region_attributes'"
    if isinstance(track, bool) or track is None:
        raise FileFormatError(path, f"{where}: track id {track!r} is not an id")
    if isinstance(track, (int, float)):
        number: int | float = track
    elif isinstance(track, str):
        text = track.strip()
        if text == "":
            raise FileFormatError(path, f"{where}: the track id is an empty string")
        try:
            number = int(text)  # exact, unlike float() beyond 2**53
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                return text
    else:
        raise FileFormatError(
            path,
            f"{where}: track id {shown(track)} is a JSON {type(track).__name__}",
            "track ids are integers, or strings holding integers or names",
        )
    whole = _whole(number)
    if whole is None:
        raise FileFormatError(
            path,
            f"{where}: track id {shown(track)} is not a whole number",
            "track ids must be integers (or strings holding integers or names)",
        )
    return whole


def _frame_in_range(path: Path, where: str, frame: int, value: Any) -> int:
    if not -_INT64 <= frame < _INT64:
        raise FileFormatError(
            path,
            f"{where}: the frame number {shown(value)} does not fit in 64 bits",
            "frame numbers are video frame indices",
        )
    return frame


def frame_from_attributes(path: Path, row_number: int, value: Any) -> int:
    """Read the frame number held by ``file_attributes["frame"]``."""
    if type(value) is int and -_INT64 <= value < _INT64:  # what every real file holds
        return value
    where = f"row {row_number}, column 'file_attributes'"
    frame: int | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        frame = _whole(value)
    elif isinstance(value, str) and len(value) <= 40:
        try:
            frame = int(value)
        except ValueError:
            try:
                frame = _whole(float(value))
            except ValueError:
                frame = None
    if frame is None:
        raise FileFormatError(path, f"{where}: 'frame' is {shown(value)}, not a frame number")
    return _frame_in_range(path, where, frame, value)


def frame_from_filename(
    path: Path, row_number: int, filename: str, pattern: re.Pattern[str] | None
) -> int:
    """Read the frame number in a file name: its stem's last digits, or ``pattern``'s group."""
    where = f"row {row_number}, column 'filename'"
    if pattern is None:
        stem = Path(filename.replace("\\", "/")).name
        stem = stem.rsplit(".", 1)[0] if "." in stem else stem
        match = _LAST_DIGITS.search(stem)
        text = match.group(1) if match else None
    else:
        match = pattern.search(filename)
        text = match.group(1) if match else None
    if text is None:
        how = "the regular expression " + repr(pattern.pattern) if pattern else "its digits"
        raise FileFormatError(
            path,
            f"{where}: cannot read a frame number from the file name {shown(filename)} with {how}",
            "pass frame_regexp=r'...(\\d+)...' with one group capturing the frame number, "
            'or store the frame as file_attributes {"frame": n}',
        )
    digits = text.strip().lstrip("+-").lstrip("0")
    if len(digits) > _MAX_DIGITS:
        return _frame_in_range(path, where, _INT64, text)
    try:
        frame = int(text)
    except ValueError as exc:
        raise FileFormatError(
            path,
            f"{where}: frame_regexp captured {shown(text)} from {shown(filename)}, "
            "which is not an integer",
        ) from exc
    return _frame_in_range(path, where, frame, text)
