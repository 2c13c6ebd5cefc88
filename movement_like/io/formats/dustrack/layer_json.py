"""The layer file itself: ``{label: {frame: [x, y]}}`` JSON, parsed and checked, and written.

A layer holds labels (numeric strings) mapping 0-based frame numbers (integer
strings) to two finite numbers; a frame that is not annotated is absent. The
reader checks all of it and names the label and frame of anything wrong; the
writer formats exactly the text DUSTrack's ``save`` writes (``json.dump`` with
indent 4). :func:`sniff` recognises a layer from its first bytes.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from movement_like.errors import FileFormatError
from movement_like.io.formats.common import FileHead
from movement_like.io.formats.dustrack.naming import ANNOTATIONS_INFIX, DIGITS

__all__ = ["LabelPoints", "read_layer_arrays", "read_layer_json"]


class _NonFinite:
    """Stands in for a ``NaN``/``Infinity`` token so the error can name label and frame."""

    def __init__(self, token: str):
        self.token = token


def _reject_duplicate_keys(path: Path):
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise FileFormatError(
                    path,
                    f"the key {key!r} appears twice in one JSON object",
                    "keep one entry per label and per frame",
                )
            result[key] = value
        return result

    return hook


#: One label of a layer as arrays: int64 frames ``(n,)`` and float64 ``[x, y]`` ``(n, 2)``.
LabelPoints = tuple[np.ndarray, np.ndarray]


def read_layer_arrays(path: str | os.PathLike) -> dict[str, LabelPoints]:
    """Read and check a DUSTrack layer JSON into arrays.

    Parameters
    ----------
    path
        ``{video_stem}_annotations_{layer}.json``.

    Returns
    -------
    dict
        ``{label: (frames, xy)}`` in file order: ``frames`` int64 ``(n,)`` in
        file order and ``xy`` float64 ``(n, 2)``. Empty labels (``{}``) are kept
        with ``n = 0``.

    Raises
    ------
    FileFormatError
        Naming the file, label and frame, for malformed JSON, a top level that
        is not an object, a label that does not map to an object, a frame key
        that is not a non-negative integer, a value that is not two finite
        numbers (``NaN``/``Infinity`` tokens included), or a repeated key.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            path, f"not a UTF-8 text file ({exc})", "a layer is a JSON file"
        ) from exc
    raw = _parse_json(path, text, check_duplicates=False)
    if not isinstance(raw, dict):
        raise FileFormatError(
            path,
            f"the top level is a JSON {_json_type(raw)}, not an object",
            "a DUSTrack layer is {label: {frame: [x, y]}}",
        )
    n_values = 0
    layer: dict[str, LabelPoints] = {}
    for label, frames in raw.items():
        if not isinstance(frames, dict):
            raise FileFormatError(
                path,
                f"label {label!r} maps to a {_json_type(frames)}, not an object",
                'each label maps frame numbers to [x, y], e.g. {"12": [10.5, 20.0]}',
            )
        layer[label] = _label_points(path, label, frames)
        n_values += len(frames)
    # A repeated key makes json keep only the last value, silently. Every point
    # is one "[" in the text, so fewer points than "[" means something was
    # dropped (or a label name holds "["): parse again, strictly, to say which.
    if text.count("[") != n_values:
        _parse_json(path, text, check_duplicates=True)
    return layer


def read_layer_json(path: str | os.PathLike) -> dict[str, dict[int, tuple[float, float]]]:
    """Read and check a DUSTrack layer JSON into ``{label: {frame: (x, y)}}``.

    The checks and errors are those of :func:`read_layer_arrays`; labels keep
    the file order, frames become ints and coordinates floats.

    Parameters
    ----------
    path
        ``{video_stem}_annotations_{layer}.json``.

    Returns
    -------
    dict
        ``{label: {frame: (x, y)}}``.
    """
    return {
        label: {int(f): (x, y) for f, (x, y) in zip(frames.tolist(), xy.tolist(), strict=True)}
        for label, (frames, xy) in read_layer_arrays(path).items()
    }


def _parse_json(path: Path, text: str, check_duplicates: bool) -> Any:
    hook = _reject_duplicate_keys(path) if check_duplicates else None
    try:
        return json.loads(text, parse_constant=_NonFinite, object_pairs_hook=hook)
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            path,
            f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            "a DUSTrack layer is {label: {frame: [x, y]}}",
        ) from exc
    except FileFormatError:  # a repeated key, said by the hook
        raise
    except RecursionError as exc:  # e.g. 100,000 nested lists
        raise FileFormatError(
            path,
            "the JSON is nested too deeply to be a layer",
            "a DUSTrack layer is {label: {frame: [x, y]}}, three levels deep",
        ) from exc
    except ValueError as exc:  # an integer of more digits than Python converts (4,300)
        raise FileFormatError(
            path,
            f"a number in the JSON cannot be read ({exc})",
            "positions are pixel coordinates such as 12.5",
        ) from exc


_NUMBER_TYPES = frozenset((int, float))


#: Frame keys longer than this are refused before ``int()`` (int64 holds 18 digits).
_MAX_KEY_DIGITS = 18


def _label_points(path: Path, label: str, frames: dict[str, Any]) -> LabelPoints:
    """Check one label's ``{frame: [x, y]}`` and return it as arrays.

    The fast path checks whole lists at once; on any doubt the slow path walks
    point by point to name the offending frame.
    """
    keys = list(frames)
    values = list(frames.values())
    fast = (
        all(key.isascii() and key.isdigit() for key in keys)
        and all(type(v) is list and len(v) == 2 for v in values)
        and {type(n) for v in values for n in v} <= _NUMBER_TYPES
    )
    if fast:
        try:
            xy = np.array(values, dtype=np.float64).reshape(len(values), 2)
            numbers = np.array([int(k) for k in keys], dtype=np.int64)
        except (OverflowError, ValueError):  # beyond float64 / int64, or > 4,300 digits
            fast = False
    if fast:
        if np.isfinite(xy).all():
            _refuse_repeated_frames(path, label, keys, numbers)
            return numbers, xy
    numbers_list, points = [], []
    for frame_key, value in frames.items():
        numbers_list.append(_frame_number(path, label, frame_key))
        points.append(_point(path, label, frame_key, value))
    numbers = np.array(numbers_list, dtype=np.int64)
    _refuse_repeated_frames(path, label, keys, numbers)
    return numbers, np.array(points, dtype=np.float64).reshape(len(points), 2)


def _frame_number(path: Path, label: str, frame_key: str) -> int:
    """One frame key as an int: a non-negative integer of at most 18 digits."""
    if not DIGITS.fullmatch(frame_key):
        raise FileFormatError(
            path,
            f"label {label!r}: frame key {frame_key!r} is not a non-negative integer",
            'frame keys are 0-based frame numbers such as "12"',
        )
    digits = frame_key.lstrip("0") or "0"
    if len(digits) > _MAX_KEY_DIGITS:
        shown = _short(frame_key)
        raise FileFormatError(
            path,
            f"label {label!r}: frame key {shown} is too large to be a frame number",
            'frame keys are 0-based frame numbers such as "12"',
        )
    return int(digits)


def _refuse_repeated_frames(path: Path, label: str, keys: list[str], numbers: np.ndarray) -> None:
    unique, counts = np.unique(numbers, return_counts=True)
    if (counts > 1).any():
        same = [
            k for k, n in zip(keys, numbers.tolist(), strict=True) if n == unique[counts > 1][0]
        ]
        raise FileFormatError(
            path,
            f"label {label!r}: the frame keys {same} are the same frame",
            "keep one entry per frame",
        )


def _json_type(value: Any) -> str:
    if isinstance(value, _NonFinite):
        return value.token
    return {
        list: "list",
        str: "string",
        bool: "boolean",
        type(None): "null",
        int: "number",
        float: "number",
    }.get(type(value), type(value).__name__)


def _short(number: Any) -> str:
    text = str(number)
    return text if len(text) <= 40 else f"{text[:20]}... ({len(text)} digits)"


def _point(path: Path, label: str, frame: str, value: Any) -> tuple[float, float]:
    where = f"label {label!r}, frame {frame}"
    if not isinstance(value, list) or len(value) != 2:
        shown = f"a list of {len(value)}" if isinstance(value, list) else f"a {_json_type(value)}"
        raise FileFormatError(
            path,
            f"{where}: expected [x, y], found {shown}",
            "each annotation is two numbers [x, y]",
        )
    for number in value:
        if isinstance(number, _NonFinite):
            raise FileFormatError(
                path,
                f"{where}: the value {number.token} is not a position (and not valid JSON)",
                "remove the frame from the label instead of writing NaN",
            )
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise FileFormatError(
                path,
                f"{where}: {_json_type(number)} {number!r} is not a number",
                "each annotation is two numbers [x, y]",
            )
    try:
        x, y = float(value[0]), float(value[1])
    except OverflowError:  # an integer written out with hundreds of digits
        x = y = math.inf
    if not (math.isfinite(x) and math.isfinite(y)):  # e.g. 1e999
        raise FileFormatError(
            path,
            f"{where}: [{_short(value[0])}, {_short(value[1])}] is not finite",
            "positions are finite pixel coordinates",
        )
    return x, y


def json_text(points: Mapping[str, LabelPoints]) -> str:
    """Format a layer exactly as ``json.dumps(layer_dict, indent=4)`` does, faster.

    ``json.dumps`` with an indent runs the pure-Python encoder; this builds the
    same lines directly (``float.__repr__`` is what json uses for floats).
    """
    if not points:
        return "{}"
    blocks = []
    for label, (frames, xy) in points.items():
        key = json.dumps(label)
        if not len(frames):
            blocks.append(f"    {key}: {{}}")
            continue
        entries = ",\n".join(
            f'        "{f}": [\n            {x!r},\n            {y!r}\n        ]'
            for f, (x, y) in zip(frames.tolist(), xy.tolist(), strict=True)
        )
        blocks.append(f"    {key}: {{\n{entries}\n    }}")
    return "{\n" + ",\n".join(blocks) + "\n}"


def sniff(head: FileHead) -> bool:
    """Whether the file looks like a DUSTrack layer (from its name and first bytes)."""
    if head.is_dir or not head.name.endswith(".json"):
        return False
    start = head.bytes.lstrip(b"\xef\xbb\xbf")
    if _STRICT_START.match(start):
        return True
    return ANNOTATIONS_INFIX in head.name and bool(_LOOSE_START.match(start))


_STRICT_START = re.compile(rb'\s*\{\s*"[0-9]+"\s*:\s*\{\s*(\}|"[0-9]+"\s*:\s*\[)')


_LOOSE_START = re.compile(rb'\s*\{\s*(\}|"[^"\\]*"\s*:\s*\{)')
