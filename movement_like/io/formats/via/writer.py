"""Writing a bounding-boxes dataset as a VIA tracks CSV that reads back as written.

Every individual becomes a track id the reader turns back into that
individual; a dataset whose names VIA cannot tell apart (``"1"`` and ``"01"``
are both track 1) or cannot hold (``"2.5"`` is not an id), and a dataset with
nothing to write, are refused before anything is written.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from movement_like.dataset import frame_numbers, require_contract_dims, validate_bboxes
from movement_like.errors import FileFormatError, InvalidDatasetError
from movement_like.io.atomic import atomic_path
from movement_like.io.formats.via.cells import HEADER, track_key

__all__ = ["to_via_tracks_file"]

_INDIVIDUAL_ID = re.compile(r"^id_(-?\d+)$")


def _track_ids(names: Sequence[str]) -> list[int | str]:
    """``id_<n>`` → ``n``; other names are kept as string track ids."""
    ids: list[int | str] = []
    for name in names:
        match = _INDIVIDUAL_ID.match(name)
        ids.append(int(match.group(1)) if match else name)
    return ids


def _checked_tracks(names: Sequence[str]) -> list[int | str]:
    """Give every individual its track id, refusing names VIA would merge or cannot hold.

    Each id is read back with the reader's own rule (:func:`.cells.track_key`),
    so what is written is what the reader returns.
    """
    tracks = _track_ids(names)
    back_of: dict[str, str] = {}
    for name, track in zip(names, tracks, strict=True):
        try:
            back = track_key(Path("<written>"), 0, track)
        except FileFormatError as exc:
            raise InvalidDatasetError(
                f"the individual {name!r} cannot be a VIA track id: VIA reads it as a number "
                "that is not a whole one; rename it (e.g. ds.assign_coords(individuals=[...]))"
            ) from exc
        read_back = f"id_{back}" if isinstance(back, int) else back
        if read_back in back_of:
            raise InvalidDatasetError(
                f"the individuals {back_of[read_back]!r} and {name!r} would both be read back "
                f"from VIA as the track {read_back!r}, merging their boxes; rename one "
                "(e.g. ds.assign_coords(individuals=[...]))"
            )
        back_of[read_back] = name
    return tracks


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
    ``id_5``: VIA tools treat ``"5"`` and ``5`` alike; two names that would
    come back as one track are refused). Numbers are written
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

    Raises
    ------
    InvalidDatasetError
        Before writing anything, when the dataset is not a bounding-boxes
        dataset, has negative frame numbers, no time points, or no box at all
        with ``keep_empty_frames=False`` (such files read back as nothing); or
        when two individuals would read back as one track (``"1"`` and
        ``"01"``, ``"id_7"`` and ``"7"``) or a name cannot be a track id (``"2.5"``).
    """
    validate_bboxes(ds)
    require_contract_dims(ds, "a VIA tracks file")
    frames = frame_numbers(ds, "writing VIA tracks")
    if frames.size and frames.min() < 0:
        raise InvalidDatasetError("frame numbers must not be negative to name VIA images")
    width = digits or len(str(int(frames.max()) if frames.size else 0)) + 1
    names = [str(n) for n in ds["individuals"].values]
    tracks = _checked_tracks(names)
    if not frames.size:
        raise InvalidDatasetError(
            "the dataset has no time points: a VIA tracks file without rows cannot be read back"
        )
    position = ds["position"].transpose("time", "individuals", "space").values
    size = ds["shape"].transpose("time", "individuals", "space").values
    confidence = ds["confidence"].transpose("time", "individuals").values
    boxed = np.isfinite(position).all(axis=-1) & np.isfinite(size).all(axis=-1)
    empty = [name for name, has_box in zip(names, boxed.any(axis=0), strict=True) if not has_box]
    if empty:
        warnings.warn(
            f"VIA stores boxes, not track names: the individuals {empty} have no box in any "
            "frame and will not be in the file",
            UserWarning,
            stacklevel=2,
        )
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
        present = np.flatnonzero(boxed[i]).tolist()
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
    if out.tell() == len(",".join(HEADER)) + 1:  # the header alone reads back as nothing
        raise InvalidDatasetError(
            "the dataset has no box in any frame; pass keep_empty_frames=True to write "
            "its frames as VIA's empty-region rows"
        )
    with atomic_path(path, overwrite) as tmp:
        tmp.write_text(out.getvalue(), encoding="utf-8")
    return Path(path)
