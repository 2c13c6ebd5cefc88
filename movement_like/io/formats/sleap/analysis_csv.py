"""SLEAP analysis CSV (``*.analysis.csv``): one row per (frame, instance)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from movement_like.dataset import poses_from_numpy
from movement_like.errors import FileFormatError
from movement_like.io.formats.sleap._shared import (
    MAX_FRAMES,
    SOURCE_SOFTWARE,
    assign_slots,
    dense_frame_range,
    finish,
)

__all__ = ["from_sleap_analysis_csv"]


def from_sleap_analysis_csv(
    path: str | os.PathLike, fps: float | None = None, max_frames: int = MAX_FRAMES
) -> xr.Dataset:
    """Load a SLEAP analysis CSV (``track, frame_idx, instance.score, <node>.x, <node>.y, …``).

    Parameters
    ----------
    path
        A CSV written by SLEAP's ``Export Analysis CSV`` (SLEAP ≥ 1.3.2).
    fps
        Frames per second; ``time`` is then in seconds.
    max_frames
        At most this many rows (frames ``min(0, first) … last``); a larger
        frame range is refused as a damaged frame index. Raise it for longer videos.

    Returns
    -------
    xarray.Dataset
        Poses with rows for frames ``min(0, first) … last`` (NaN where no
        instance), one individual per track in order of appearance, and one
        per untracked-instance slot (see the module notes); confidence from
        ``<node>.score``.
    """
    path = Path(path).expanduser()
    try:
        df = pd.read_csv(path, keep_default_na=True, dtype={"track": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise FileFormatError(path, f"cannot be parsed as a SLEAP analysis CSV ({exc})") from exc
    columns = [str(c) for c in df.columns]
    if columns[:2] != ["track", "frame_idx"]:
        raise FileFormatError(
            path,
            f"the header starts with {columns[:3]}, not 'track, frame_idx, ...'",
            "this is not a SLEAP analysis CSV",
        )
    nodes = [c[: -len(".x")] for c in columns if c.endswith(".x")]
    missing = [f"{n}.y" for n in nodes if f"{n}.y" not in columns]
    if not nodes or missing:
        raise FileFormatError(path, f"node columns are incomplete (missing {missing or 'all'})")
    try:
        frame_idx = df["frame_idx"].to_numpy(dtype=np.int64)
        xy = np.stack(
            [
                df[[f"{n}.x" for n in nodes]].to_numpy(np.float64),
                df[[f"{n}.y" for n in nodes]].to_numpy(np.float64),
            ],
            axis=-1,
        )
        scores = np.stack(
            [
                df[f"{n}.score"].to_numpy(np.float64)
                if f"{n}.score" in df
                else np.full(len(df), np.nan)
                for n in nodes
            ],
            axis=-1,
        )
    except (ValueError, TypeError, OverflowError) as exc:  # text, or numbers beyond int64
        raise FileFormatError(path, f"non-numeric values in frame or node columns ({exc})") from exc
    track_of_row = [None if pd.isna(t) or t == "" else str(t) for t in df["track"]]
    individuals, slot = assign_slots(frame_idx, track_of_row)
    frames = dense_frame_range(frame_idx, path, max_frames)
    position = np.full((frames.size, len(individuals), len(nodes), 2), np.nan)
    confidence = np.full(position.shape[:3], np.nan)
    rows = frame_idx - (frames[0] if frames.size else 0)
    position[rows, slot] = xy
    confidence[rows, slot] = scores
    ds = poses_from_numpy(
        position,
        confidence,
        individual_names=individuals,
        keypoint_names=nodes,
        fps=fps,
        source_software=SOURCE_SOFTWARE,
        frame_array=frames,
    )
    return finish(ds, path, {})
