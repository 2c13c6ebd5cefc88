"""Reading a VIA tracks CSV into a bounding-boxes dataset.

The CSV is parsed with pandas' C parser (RFC 4180) into seven columns of
strings; the JSON columns are decoded in bulk (:mod:`.cells`), the boxes
gathered in bulk when every row is well formed, and row by row, to name the
first bad row and column, when one is not.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from movement_like.dataset import bboxes_from_numpy
from movement_like.errors import FileFormatError, InvalidArgumentError
from movement_like.io import limits
from movement_like.io.formats.via.cells import (
    HEADER,
    frame_from_attributes,
    frame_from_filename,
    header_cells,
    json_column,
    shown,
    track_key,
)
from movement_like.utils.checks import check_fps

__all__ = ["from_via_tracks_file"]

#: The geometry keys of a ``rect`` region, in the order of the arrays.
_RECT = ("x", "y", "width", "height")


def _read_columns(path: Path) -> list[list[str]]:
    """Return the 7 columns below the header as lists of strings (pandas' C parser, RFC 4180)."""
    import pandas as pd

    with open(path, "rb") as handle:
        first = handle.readline().decode("utf-8-sig", errors="replace").strip()
    if tuple(header_cells(first)) != HEADER:
        raise FileFormatError(
            path,
            f"the header must be the 7 VIA columns {','.join(HEADER)}, found {first[:200]!r}",
            "export the annotations from VIA 2.x as CSV",
        )
    try:
        table = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            header=None,
            skiprows=1,
            encoding="utf-8",
            skip_blank_lines=True,
        )
    except pd.errors.EmptyDataError:
        return [[] for _ in HEADER]
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise FileFormatError(
            path,
            f"is not a well-formed VIA CSV ({exc})".replace("\n", " "),
            "JSON cells must be quoted with inner quotes doubled",
        ) from exc
    if table.shape[1] != len(HEADER):
        raise FileFormatError(
            path,
            f"rows have {table.shape[1]} cells instead of {len(HEADER)}",
            "JSON cells must be quoted with inner quotes doubled",
        )
    columns = [table[c].tolist() for c in table.columns]
    for column in (5, 6):  # VIA writes "{}" for an empty region: "" is a short row
        if "" in columns[column]:
            raise FileFormatError(
                path,
                f"row {columns[column].index('') + 2} has empty region columns "
                "(fewer than 7 cells?)",
                'VIA writes "{}" for images without regions',
            )
    return columns


def _may_hold_booleans(columns: list[list[str]]) -> bool:
    """Whether the region columns spell ``true`` or ``false`` anywhere (one C-level scan).

    ``numpy`` turns a JSON boolean into 1.0 or 0.0 without a word; rather than
    look at the type of every number, the fast path is skipped when the text
    holds a boolean at all (the row-by-row path then names the cell).
    """
    return any("true" in text or "false" in text for text in map("".join, columns[5:7]))


def _boxes_fast(
    boxed: list[int], shapes: list[dict[str, Any]], attributes: list[dict[str, Any]]
) -> tuple[np.ndarray, list[Any], np.ndarray] | None:
    """Geometry, raw track ids and scores of well-formed rows, in bulk (None on anything odd).

    Booleans are ruled out before (:func:`_may_hold_booleans`); ``null`` and
    ``NaN`` become NaN here, which the finiteness check refuses.
    """
    box_shapes = [shapes[i] for i in boxed]
    if any(shape.get("name") != "rect" for shape in box_shapes):
        return None
    geometry = np.array(
        [(s["x"], s["y"], s["width"], s["height"]) for s in box_shapes], dtype=np.float64
    ).reshape(-1, 4)
    if not np.isfinite(geometry).all():
        return None
    raw_tracks = [attributes[i]["track"] for i in boxed]
    scores = np.array([attributes[i].get("confidence") for i in boxed], dtype=np.float64)
    if np.isinf(scores).any():
        return None
    return geometry, raw_tracks, scores.reshape(-1)


def _number(
    path: Path, number: int, column: str, key: str, value: Any, missing_ok: bool = False
) -> float:
    """One number of a region, checked: finite, not a boolean, within float64."""
    where = f"row {number}, column '{column}', key '{key}'"
    if missing_ok and value in (None, ""):
        return math.nan
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise FileFormatError(path, f"{where}: {shown(value)} is not a number")
    try:
        result = float(value)
    except ValueError as exc:
        raise FileFormatError(path, f"{where}: {shown(value)} is not a number") from exc
    except OverflowError:  # an integer of hundreds of digits
        result = math.inf
    if math.isinf(result) or (math.isnan(result) and not missing_ok):
        raise FileFormatError(path, f"{where}: {shown(value)} is not a finite number")
    return result


def _boxes_checked(
    path: Path, boxed: list[int], shapes: list[dict[str, Any]], attributes: list[dict[str, Any]]
) -> tuple[np.ndarray, list[Any], np.ndarray]:
    """Do what :func:`_boxes_fast` does, row by row, with an error naming the first bad row."""
    geometry, raw_tracks, scores = [], [], []
    for i in boxed:
        number, shape, rattr = i + 2, shapes[i], attributes[i]
        if shape.get("name") != "rect":
            raise FileFormatError(
                path,
                f"row {number}, column 'region_shape_attributes': region shape "
                f"{shown(shape.get('name'))} is not a 'rect'",
                "VIA tracks hold rectangles only; remove or convert the other shapes",
            )
        missing = [k for k in _RECT if k not in shape]
        if missing:
            raise FileFormatError(
                path,
                f"row {number}, column 'region_shape_attributes': a rect needs x, y, width "
                f"and height, {missing} missing in {shown(shape, 200)}",
            )
        geometry.append(
            [_number(path, number, "region_shape_attributes", k, shape[k]) for k in _RECT]
        )
        if "track" not in rattr:
            raise FileFormatError(
                path,
                f"row {number}, column 'region_attributes': no 'track' id in {shown(rattr, 200)}",
                'every box of a VIA tracks file needs region_attributes {"track": id}',
            )
        raw_tracks.append(rattr["track"])
        confidence = rattr.get("confidence")
        scores.append(
            _number(path, number, "region_attributes", "confidence", confidence, missing_ok=True)
        )
    return np.asarray(geometry, dtype=np.float64).reshape(-1, 4), raw_tracks, np.asarray(scores)


def _frame_pattern(frame_regexp: str | None) -> re.Pattern[str] | None:
    """Compile the caller's ``frame_regexp``, which must have exactly one group."""
    if frame_regexp is None:
        return None
    try:
        pattern = re.compile(frame_regexp)
    except (re.error, TypeError) as exc:
        raise InvalidArgumentError(
            f"frame_regexp={frame_regexp!r} is not a regular expression ({exc})"
        ) from exc
    if pattern.groups != 1:
        raise InvalidArgumentError(
            f"frame_regexp must have exactly one capture group, {frame_regexp!r} has "
            f"{pattern.groups}"
        )
    return pattern


def _names(
    path: Path, tracks: list[int | str], box_tracks: list[int | str], numbers: list[int]
) -> list[str]:
    """Name the individuals: ``id_<n>`` for numeric tracks, else the track; refuse two alike."""
    names = [f"id_{t}" if isinstance(t, int) else t for t in tracks]
    if len(set(names)) != len(names):
        first_row: dict[int | str, int] = {}
        for number, track in zip(numbers, box_tracks, strict=True):
            first_row.setdefault(track, number)
        seen: dict[str, int | str] = {}
        for track, name in zip(tracks, names, strict=True):
            if name in seen:
                raise FileFormatError(
                    path,
                    f"rows {first_row[seen[name]]} and {first_row[track]}: the tracks "
                    f"{shown(seen[name])} and {shown(track)} would both be the individual "
                    f"{shown(name)}",
                    "give every track its own id",
                )
            seen[name] = track
    return names


def from_via_tracks_file(
    path: str | os.PathLike,
    fps: float | None = None,
    use_frame_numbers_from_file: bool = False,
    frame_regexp: str | None = None,
) -> xr.Dataset:
    """Load a VIA tracks CSV as a bounding-boxes dataset.

    Parameters
    ----------
    path
        The ``.csv`` file exported by VIA 2.x (or written by
        :func:`to_via_tracks_file`).
    fps
        Frames per second; ``time`` is then in seconds.
    use_frame_numbers_from_file
        If true, ``time`` follows the frame numbers of the file (gaps kept);
        otherwise (``movement``'s default) ``time`` counts the distinct frames
        ``0..n-1``. The ``frame`` coordinate holds the file's frame numbers
        either way.
    frame_regexp
        A regular expression with exactly one group that captures the frame
        number in ``filename`` (searched anywhere in it). By default the
        frame comes from ``file_attributes["frame"]`` when every row has one,
        else from the last run of digits of the file name without extension.

    Returns
    -------
    xarray.Dataset
        Bounding boxes: ``position`` (box centre), ``shape`` (width, height),
        ``confidence`` (NaN when the file has none); individuals ``id_<track>``
        for numeric track ids, else the track string; coordinates ``frame``
        (frame numbers of the file) and ``filename`` along ``time``.

    Raises
    ------
    FileFormatError
        Naming the row (and column) for: a wrong header, a region that is not a
        ``rect``, a coordinate or confidence that is not a finite number, a
        missing track id, an unreadable frame number (or one beyond 64 bits),
        two boxes of one track in one frame, two file names claiming the same
        frame, or two tracks that would be one individual (``5`` and ``"id_5"``).
    InvalidArgumentError
        For a ``frame_regexp`` that does not compile or lacks exactly one group,
        or an ``fps`` that is not a positive finite number.
    ArgumentTypeError
        For an ``fps`` that is not a number (``True`` included).
    """
    path = Path(path).expanduser()
    fps = check_fps(fps)
    pattern = _frame_pattern(frame_regexp)
    columns = _read_columns(path)
    if not columns[0]:
        raise FileFormatError(path, "holds no rows below the header")
    filenames = columns[0]
    file_attributes = json_column(path, columns, 2)
    use_attributes = pattern is None and all("frame" in f for f in file_attributes)
    frame_of_file: dict[str, int] = {}
    file_of_frame: dict[int, str] = {}
    frame_of_key: dict[Any, int] = {}
    keys: list[Any] = list(zip(filenames, columns[2], strict=True)) if use_attributes else filenames
    first_row = {key: i for i, key in reversed(list(enumerate(keys)))}  # only distinct keys
    for key, index in sorted(first_row.items(), key=lambda item: item[1]):
        filename, number = filenames[index], index + 2
        if use_attributes:
            frame = frame_from_attributes(path, number, file_attributes[number - 2]["frame"])
        else:
            frame = frame_from_filename(path, number, filename, pattern)
        frame_of_key[key] = frame
        if frame_of_file.setdefault(filename, frame) != frame:
            raise FileFormatError(
                path,
                f"row {number}: {shown(filename)} is frame {frame} here but "
                f"{frame_of_file[filename]} in an earlier row",
            )
        if file_of_frame.setdefault(frame, filename) != filename:
            raise FileFormatError(
                path,
                f"row {number}: {shown(filename)} and {shown(file_of_frame[frame])} both give "
                f"frame {frame}",
                "pass frame_regexp=... to read the right part of the file name",
            )
    shapes = json_column(path, columns, 5)
    region_attributes = json_column(path, columns, 6)
    boxed = [i for i, shape in enumerate(shapes) if shape]  # empty shape: image without boxes
    fast = None
    if not _may_hold_booleans(columns):
        try:
            fast = _boxes_fast(boxed, shapes, region_attributes)
        except (KeyError, TypeError, ValueError, OverflowError):  # odd values: explained below
            fast = None
    if fast is None:  # go row by row, to name the row and column of what is wrong
        geometry, raw_tracks, scores = _boxes_checked(path, boxed, shapes, region_attributes)
    else:
        geometry, raw_tracks, scores = fast
    # each distinct raw id (typed: 1, "1" and 1.0 are told apart) is normalised once
    raw_keys = [
        (type(raw), raw if isinstance(raw, (int, float, str)) else repr(raw)) for raw in raw_tracks
    ]
    first_box = {key: n for n, key in reversed(list(enumerate(raw_keys)))}
    track_of_value = {
        key: track_key(path, boxed[n] + 2, raw_tracks[n]) for key, n in first_box.items()
    }
    box_tracks = [track_of_value[key] for key in raw_keys]
    numbers = [i + 2 for i in boxed]
    box_frames = [frame_of_key[keys[i]] for i in boxed]
    values = np.column_stack([geometry, scores]) if boxed else np.empty((0, 5))
    frames = np.array(sorted(file_of_frame), dtype=np.int64)
    tracks = sorted(set(box_tracks), key=lambda t: (isinstance(t, str), t))
    col_of_track = {t: i for i, t in enumerate(tracks)}
    rows_idx = np.searchsorted(frames, np.asarray(box_frames, dtype=np.int64))
    cols_idx = np.array([col_of_track[t] for t in box_tracks], dtype=np.int64)
    cells = rows_idx * max(len(tracks), 1) + cols_idx
    unique_cells, first, counts = np.unique(cells, return_index=True, return_counts=True)
    if unique_cells.size != cells.size:
        again = int(np.setdiff1d(np.arange(cells.size), first)[0])
        before = int(np.flatnonzero(cells == cells[again])[0])
        raise FileFormatError(
            path,
            f"row {numbers[again]}: track {shown(box_tracks[again])} has a second box in frame "
            f"{box_frames[again]} (first in row {numbers[before]})",
        )
    limits.check_array_size(
        (frames.size, len(tracks), 2, 2), np.float64, path, "the boxes (frames x tracks)"
    )
    box = values
    position = np.full((frames.size, len(tracks), 2), np.nan)
    size = np.full_like(position, np.nan)
    confidence_array = np.full(position.shape[:2], np.nan)
    position[rows_idx, cols_idx] = box[:, 0:2] + box[:, 2:4] / 2
    size[rows_idx, cols_idx] = box[:, 2:4]
    confidence_array[rows_idx, cols_idx] = box[:, 4]
    names = _names(path, tracks, box_tracks, numbers)
    ds = bboxes_from_numpy(
        position,
        size,
        confidence_array,
        individual_names=names,
        frame_array=frames if use_frame_numbers_from_file else None,
        fps=fps,
        source_software="VIA-tracks",
    )
    ds = ds.assign_coords(
        frame=("time", frames),
        filename=("time", np.array([file_of_frame[f] for f in frames.tolist()], dtype=str)),
    )
    ds.attrs["source_file"] = str(path)
    ds.attrs["frame_source"] = (
        "file_attributes" if use_attributes else f"filename ({frame_regexp or 'last digits'})"
    )
    return ds
