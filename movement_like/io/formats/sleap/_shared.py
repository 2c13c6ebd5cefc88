"""What the three SLEAP readers share: names, instance slots, frame ranges, attrs."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from movement_like.dataset import netcdf_safe_attrs
from movement_like.errors import FileFormatError

#: Package-internal: users import from :mod:`movement_like.io.formats.sleap`.
__all__: list[str] = []

SOURCE_SOFTWARE = "SLEAP"
#: Default of the readers' ``max_frames``: rows are frames ``min(0, first) … last``,
#: so a damaged frame index would otherwise allocate that many rows.
MAX_FRAMES = 10_000_000


def decode_names(values: Any) -> list[str]:
    """Names stored as bytes or text, as a flat list of str (UTF-8; bad bytes raise)."""
    out = []
    for v in np.asarray(values).ravel():
        out.append(v.decode("utf-8") if isinstance(v, bytes) else str(v))
    return out


def slot_names(track_names: Sequence[str], n_untracked: int) -> list[str]:
    """Individual names: the tracks, then one name per untracked-instance slot."""
    if not track_names:
        return [f"individual_{i}" for i in range(n_untracked)]
    taken = set(track_names)
    names = list(track_names)
    i = 0
    while len(names) < len(track_names) + n_untracked:
        candidate = f"untracked_{i}"
        if candidate not in taken:
            names.append(candidate)
        i += 1
    return names


def finish(ds: xr.Dataset, path: Path, extra: dict[str, Any]) -> xr.Dataset:
    """Record the source file and the reader's extra attributes."""
    extra = {"source_file": os.fspath(path), **extra}
    ds.attrs.update(netcdf_safe_attrs(extra))
    return ds


def dense_frame_range(frame_idx: np.ndarray, path: Path, max_frames: int) -> np.ndarray:
    """SLEAP's rule: rows cover frames ``min(0, first) … last`` (at most ``max_frames``)."""
    if frame_idx.size == 0:
        return np.zeros(0, dtype=np.int64)
    first, last = int(frame_idx.min()), int(frame_idx.max())
    if last - min(0, first) + 1 > max_frames:
        raise FileFormatError(
            path,
            f"labels frames {first} … {last}, more than max_frames={max_frames:,} rows",
            "the frame index may be damaged; pass a larger max_frames if the video is that long",
        )
    return np.arange(min(0, int(frame_idx.min())), int(frame_idx.max()) + 1, dtype=np.int64)


def assign_slots(
    frame_idx: np.ndarray,
    track_of_row: Sequence[str | None],
    track_order: Sequence[str] = (),
) -> tuple[list[str], np.ndarray]:
    """Individual of every (frame, instance) row: its track, else the next free slot.

    Tracks come in ``track_order`` first, then in order of appearance; the
    untracked slots follow.
    """
    tracks = list(dict.fromkeys([*track_order, *(t for t in track_of_row if t is not None)]))
    track_pos = {t: i for i, t in enumerate(tracks)}
    slot = np.empty(len(track_of_row), dtype=np.int64)
    used: dict[int, int] = {}
    n_slots = 0
    for row, (frame, track) in enumerate(zip(frame_idx.tolist(), track_of_row, strict=True)):
        if track is not None:
            slot[row] = track_pos[track]
            continue
        k = used.get(frame, 0)
        used[frame] = k + 1
        n_slots = max(n_slots, k + 1)
        slot[row] = -1 - k
    names = slot_names(tracks, n_slots)
    slot[slot < 0] = len(tracks) + (-1 - slot[slot < 0])
    return names, slot
