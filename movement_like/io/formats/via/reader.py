"""VIA (VGG Image Annotator) "tracks" CSV: bounding boxes with a track id per box.

The format is VIA 2.x's region CSV (``filename, file_size, file_attributes,
region_count, region_id, region_shape_attributes, region_attributes``) used as a
convention: every region is a ``rect`` whose ``region_attributes`` hold a
``track`` id (an int, or a string such as ``"1"`` or ``"2.0"``) and maybe a
``confidence``.

What this reader does differently from ``movement``, on purpose:

* the frame number comes from ``file_attributes["frame"]`` when every row has
  one, else from the LAST run of digits of the file name without its extension
  (``img1000.png`` is frame 1000, not 0 as with a leading-zero regex);
* ``region_count`` and ``region_id`` are ignored: real files get them wrong;
* track ids such as ``"2.0"`` are accepted, and images without regions keep
  their frame (with missing boxes).

The ``frame`` coordinate always holds the frame numbers of the file and the
``filename`` coordinate the image names; ``time`` counts the distinct frames
(``0..n-1``) unless ``use_frame_numbers_from_file``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from movement_like.dataset import (
    bboxes_from_numpy,
    frame_numbers,
    require_contract_dims,
    validate_bboxes,
)
from movement_like.errors import FileFormatError, InvalidDatasetError
from movement_like.io.atomic import atomic_path

__all__ = ["HEADER", "from_via_tracks_file", "to_via_tracks_file"]

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
_LAST_DIGITS = re.compile(r"(\d+)(?!.*\d)")
_INDIVIDUAL_ID = re.compile(r"^id_(-?\d+)$")


# --------------------------------------------------------------------------- #
# sniffing
# --------------------------------------------------------------------------- #
def _header_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.lstrip("#").split(",")]


def sniff(head: Any) -> bool:
    """Whether the first line is the VIA region-CSV header (VIA 1.0's ``#`` allowed)."""
    lines = head.lines(1)
    return bool(lines) and tuple(_header_cells(lines[0])) == HEADER


# --------------------------------------------------------------------------- #
# reading
# --------------------------------------------------------------------------- #
def _json_cell(path: Path, row_number: int, column: str, text: str) -> dict[str, Any]:
    """Parse one JSON column of a row, with an error that names the row."""
    if text.strip() == "":
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            path, f"row {row_number}: column '{column}' is not valid JSON ({exc.msg}): {text!r}"
        ) from exc
    if not isinstance(value, dict):
        raise FileFormatError(
            path, f"row {row_number}: column '{column}' must be a JSON object, found {text!r}"
        )
    return value


def _json_column(path: Path, columns: list[list[str]], column: int) -> list[dict[str, Any]]:
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
    except json.JSONDecodeError:
        pass
    if len(values) != len(distinct) or not all(isinstance(v, dict) for v in values):
        first_row: dict[str, int] = {}
        for number, text in enumerate(texts, start=2):
            first_row.setdefault(text, number)
        values = [_json_cell(path, first_row[t], HEADER[column], t) for t in distinct]
    lookup = dict(zip(distinct, values, strict=True))
    return [lookup[t] for t in texts]


def _track_key(path: Path, row_number: int, track: Any) -> int | str:
    """Normalise a track id: whole numbers (``320``, ``"1"``, ``"2.0"``) become ints."""
    if isinstance(track, bool) or track is None:
        raise FileFormatError(path, f"row {row_number}: track id {track!r} is not an id")
    if isinstance(track, (int, float)):
        number = float(track)
    else:
        text = str(track).strip()
        if text == "":
            raise FileFormatError(path, f"row {row_number}: the track id is an empty string")
        try:
            number = float(text)
        except ValueError:
            return text
    if not math.isfinite(number) or number != int(number):
        raise FileFormatError(
            path,
            f"row {row_number}: track id {track!r} is not a whole number",
            "track ids must be integers (or strings holding integers or names)",
        )
    return int(number)


def _frame_from_attributes(path: Path, row_number: int, value: Any) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or number != int(number):
        raise FileFormatError(
            path, f"row {row_number}: file_attributes 'frame' is {value!r}, not a frame number"
        )
    return int(number)


def _frame_from_filename(
    path: Path, row_number: int, filename: str, pattern: re.Pattern[str] | None
) -> int:
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
            f"row {row_number}: cannot read a frame number from the file name {filename!r} "
            f"with {how}",
            "pass frame_regexp=r'...(\\d+)...' with one group capturing the frame number, "
            'or store the frame as file_attributes {"frame": n}',
        )
    try:
        return int(text)
    except ValueError as exc:
        raise FileFormatError(
            path,
            f"row {row_number}: frame_regexp captured {text!r} from {filename!r}, "
            "which is not an integer",
        ) from exc


def _read_columns(path: Path) -> list[list[str]]:
    """Return the 7 columns below the header as lists of strings (pandas' C parser, RFC 4180)."""
    import pandas as pd

    with open(path, "rb") as handle:
        first = handle.readline().decode("utf-8-sig", errors="replace").strip()
    if tuple(_header_cells(first)) != HEADER:
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


def _boxes_fast(
    boxed: list[int], shapes: list[dict[str, Any]], attributes: list[dict[str, Any]]
) -> tuple[np.ndarray, list[Any], np.ndarray]:
    """Geometry, raw track ids and scores of well-formed rows, in bulk (raises on anything odd)."""
    box_shapes = [shapes[i] for i in boxed]
    if any(shape.get("name") != "rect" for shape in box_shapes):
        raise ValueError("not a rect")
    geometry = np.array(
        [(s["x"], s["y"], s["width"], s["height"]) for s in box_shapes], dtype=np.float64
    ).reshape(-1, 4)
    raw_tracks = [attributes[i]["track"] for i in boxed]
    scores = np.array([attributes[i].get("confidence") for i in boxed], dtype=np.float64)
    return geometry, raw_tracks, scores.reshape(-1)


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
                f"row {number}: region shape {shape.get('name')!r} is not a 'rect'",
                "VIA tracks hold rectangles only; remove or convert the other shapes",
            )
        try:
            geometry.append([float(shape[k]) for k in ("x", "y", "width", "height")])
        except (KeyError, TypeError, ValueError) as exc:
            raise FileFormatError(
                path, f"row {number}: a rect needs numeric x, y, width and height, found {shape}"
            ) from exc
        if "track" not in rattr:
            raise FileFormatError(
                path,
                f"row {number}: region_attributes has no 'track' id: {rattr}",
                'every box of a VIA tracks file needs region_attributes {"track": id}',
            )
        raw_tracks.append(rattr["track"])
        confidence = rattr.get("confidence")
        try:
            scores.append(math.nan if confidence in (None, "") else float(confidence))
        except (TypeError, ValueError) as exc:
            raise FileFormatError(
                path, f"row {number}: confidence {confidence!r} is not a number"
            ) from exc
    return np.asarray(geometry, dtype=np.float64).reshape(-1, 4), raw_tracks, np.asarray(scores)


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
        Naming the row for: a wrong header, a region that is not a ``rect``, a
        missing track id, an unreadable frame number, two boxes of one track
        in one frame, or two file names claiming the same frame.
    """
    path = Path(path).expanduser()
    pattern = None
    if frame_regexp is not None:
        pattern = re.compile(frame_regexp)
        if pattern.groups != 1:
            raise ValueError(
                f"frame_regexp must have exactly one capture group, {frame_regexp!r} has "
                f"{pattern.groups}"
            )
    columns = _read_columns(path)
    if not columns[0]:
        raise FileFormatError(path, "holds no rows below the header")
    filenames = columns[0]
    file_attributes = _json_column(path, columns, 2)
    use_attributes = pattern is None and all("frame" in f for f in file_attributes)
    frame_of_file: dict[str, int] = {}
    file_of_frame: dict[int, str] = {}
    frame_of_key: dict[Any, int] = {}
    keys: list[Any] = list(zip(filenames, columns[2], strict=True)) if use_attributes else filenames
    first_row = {key: i for i, key in reversed(list(enumerate(keys)))}  # only distinct keys
    for key, index in sorted(first_row.items(), key=lambda item: item[1]):
        filename, number = filenames[index], index + 2
        if use_attributes:
            frame = _frame_from_attributes(path, number, file_attributes[number - 2]["frame"])
        else:
            frame = _frame_from_filename(path, number, filename, pattern)
        frame_of_key[key] = frame
        if frame_of_file.setdefault(filename, frame) != frame:
            raise FileFormatError(
                path,
                f"row {number}: {filename!r} is frame {frame} here but "
                f"{frame_of_file[filename]} in an earlier row",
            )
        if file_of_frame.setdefault(frame, filename) != filename:
            raise FileFormatError(
                path,
                f"row {number}: {filename!r} and {file_of_frame[frame]!r} both give frame {frame}",
                "pass frame_regexp=... to read the right part of the file name",
            )
    shapes = _json_column(path, columns, 5)
    region_attributes = _json_column(path, columns, 6)
    boxed = [i for i, shape in enumerate(shapes) if shape]  # empty shape: image without boxes
    try:
        geometry, raw_tracks, scores = _boxes_fast(boxed, shapes, region_attributes)
    except (KeyError, TypeError, ValueError):  # something to explain: go row by row
        geometry, raw_tracks, scores = _boxes_checked(path, boxed, shapes, region_attributes)
    # each distinct raw id (typed: 1, "1" and 1.0 are told apart) is normalised once
    raw_keys = [
        (type(raw), raw if isinstance(raw, (int, float, str)) else repr(raw)) for raw in raw_tracks
    ]
    first_box = {key: n for n, key in reversed(list(enumerate(raw_keys)))}
    track_of_value = {
        key: _track_key(path, boxed[n] + 2, raw_tracks[n]) for key, n in first_box.items()
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
            f"row {numbers[again]}: track {box_tracks[again]!r} has a second box in frame "
            f"{box_frames[again]} (first in row {numbers[before]})",
        )
    box = values
    position = np.full((frames.size, len(tracks), 2), np.nan)
    size = np.full_like(position, np.nan)
    confidence_array = np.full(position.shape[:2], np.nan)
    position[rows_idx, cols_idx] = box[:, 0:2] + box[:, 2:4] / 2
    size[rows_idx, cols_idx] = box[:, 2:4]
    confidence_array[rows_idx, cols_idx] = box[:, 4]
    names = [f"id_{t}" if isinstance(t, int) else t for t in tracks]
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


# --------------------------------------------------------------------------- #
# writing
# --------------------------------------------------------------------------- #
def _track_ids(names: Sequence[str]) -> list[int | str]:
    """``id_<n>`` → ``n``; other names are kept as string track ids."""
    ids: list[int | str] = []
    for name in names:
        match = _INDIVIDUAL_ID.match(name)
        ids.append(int(match.group(1)) if match else name)
    return ids


def _number(value: float) -> int | float:
    """JSON number: whole values as ints (like VIA), others with full precision."""
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else float(value)


def to_via_tracks_file(
    ds: xr.Dataset,
    path: str | os.PathLike,
    overwrite: bool = False,
    filename_prefix: str = "",
    filename_suffix: str = ".png",
    digits: int | None = None,
    keep_empty_frames: bool = True,
) -> Path:
    """Write a bounding-boxes dataset as a VIA tracks CSV, atomically.

    One row per box (missing boxes are skipped; a frame without any box gets
    VIA's empty-region row so that it survives a round trip). File names come
    from the ``filename`` coordinate when the dataset has one (it was read
    from VIA), else ``<prefix><frame, zero-padded><suffix>``; ``file_attributes``
    hold the frame number, so reading back needs no regular expression. Individuals
    named ``id_<n>`` get the integer track ``n``; other names are written as
    string track ids (a name that is a number, like ``"5"``, comes back as
    ``id_5``: VIA tools treat ``"5"`` and ``5`` alike). Numbers are written
    with full precision, so reading the file back gives the same values for
    every box whose top-left corner is not negative (always the case for boxes
    inside the image); VIA stores the corner, so a centre closer to the origin
    than half the box comes back within one unit in the last place.

    Parameters
    ----------
    ds
        A bounding-boxes dataset with a ``frame`` coordinate (or time in frames).
    path
        The ``.csv`` file to write.
    overwrite
        Replace an existing file.
    filename_prefix, filename_suffix
        Around the zero-padded frame number in the ``filename`` column.
    digits
        Zero-padding width; by default one more than the digits of the largest
        frame (so every name has a leading zero, as ``movement`` writes them).
    keep_empty_frames
        Write VIA's empty-region row (``{}`` shape) for a frame without boxes,
        as VIA itself does, so that the frame survives a round trip. ``movement``
        (0.17) refuses such rows: pass False to write a file it can read.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    validate_bboxes(ds)
    require_contract_dims(ds, "a VIA tracks file")
    frames = frame_numbers(ds, "writing VIA tracks")
    if frames.size and frames.min() < 0:
        raise InvalidDatasetError("frame numbers must not be negative to name VIA images")
    width = digits or len(str(int(frames.max()) if frames.size else 0)) + 1
    names = [str(n) for n in ds["individuals"].values]
    tracks = _track_ids(names)
    position = ds["position"].transpose("time", "individuals", "space").values
    size = ds["shape"].transpose("time", "individuals", "space").values
    confidence = ds["confidence"].transpose("time", "individuals").values
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    given_names = ds["filename"].values if "filename" in ds.coords else None
    for i, frame in enumerate(frames.tolist()):
        filename = (
            str(given_names[i])
            if given_names is not None
            else f"{filename_prefix}{frame:0{width}d}{filename_suffix}"
        )
        fattr = json.dumps({"frame": frame})
        present = [
            j
            for j in range(len(names))
            if np.all(np.isfinite(position[i, j])) and np.all(np.isfinite(size[i, j]))
        ]
        if not present:
            if keep_empty_frames:
                writer.writerow([filename, 0, fattr, 0, 0, "{}", "{}"])
            continue
        for region_id, j in enumerate(present):
            (cx, cy), (w, h) = position[i, j].tolist(), size[i, j].tolist()
            shape = {
                "name": "rect",
                "x": _number(cx - w / 2),
                "y": _number(cy - h / 2),
                "width": _number(w),
                "height": _number(h),
            }
            attributes: dict[str, Any] = {"track": tracks[j]}
            if np.isfinite(confidence[i, j]):
                attributes["confidence"] = float(confidence[i, j])
            writer.writerow(
                [
                    filename,
                    0,
                    fattr,
                    len(present),
                    region_id,
                    json.dumps(shape),
                    json.dumps(attributes),
                ]
            )
    with atomic_path(path, overwrite) as tmp:
        tmp.write_text(out.getvalue(), encoding="utf-8")
    return Path(path)


# --------------------------------------------------------------------------- #
# registry entry points
# --------------------------------------------------------------------------- #
def read(path: str | os.PathLike, fps: float | None = None, **kwargs: Any) -> xr.Dataset:
    """Registry reader: :func:`from_via_tracks_file`."""
    return from_via_tracks_file(path, fps=fps, **kwargs)


def write(ds: xr.Dataset, path: str | os.PathLike, overwrite: bool = False, **kwargs: Any) -> Path:
    """Registry writer: :func:`to_via_tracks_file`."""
    return to_via_tracks_file(ds, path, overwrite=overwrite, **kwargs)
