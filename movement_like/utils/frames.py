"""The video frame of every time point: one rule for every frame-indexed writer.

A dataset's ``time`` holds seconds or frame numbers (see :mod:`movement_like.dataset`);
formats that index by frame (DeepLabCut, VIA, DUSTrack, ...) need the frame itself.
:func:`frame_numbers` gives it exactly, or refuses, so that no writer guesses.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from movement_like.errors import InvalidDatasetError

__all__ = ["frame_numbers"]


def frame_numbers(ds: xr.Dataset | xr.DataArray, purpose: str = "this") -> np.ndarray:
    """Return the video frame index of every time point of ``ds``.

    Taken from the ``frame`` coordinate when there is one; else from ``time``
    when it counts frames, or when it is in seconds and ``time * fps`` gives
    whole frames. Writers of frame-indexed formats use this, so that none of
    them guesses a frame from seconds in its own way.

    Parameters
    ----------
    ds
        A dataset (or data array) of ours.
    purpose
        What needs the frames, for the error message (e.g. ``"writing VIA tracks"``).

    Returns
    -------
    numpy.ndarray
        One integer frame index per time point.

    Raises
    ------
    InvalidDatasetError
        If the frames cannot be known exactly; the message says how to add them.
    """
    if "frame" in ds.coords:
        return np.asarray(ds["frame"].values, dtype=np.int64)
    time = np.asarray(ds["time"].values, dtype=np.float64)
    if ds.attrs.get("time_unit") == "frames":
        frames = time
    elif "fps" in ds.attrs:
        frames = time * float(ds.attrs["fps"])
    else:
        raise InvalidDatasetError(
            f"{purpose} needs video frame numbers, but the dataset has no 'frame' coordinate "
            "and its time is in seconds with no fps; add one with ds.assign_coords(frame=...)"
        )
    if not np.all(np.isfinite(frames)):
        raise InvalidDatasetError(
            f"{purpose} needs video frame numbers, but the time coordinate is not finite; "
            "add a 'frame' coordinate with ds.assign_coords(frame=...)"
        )
    rounded = np.rint(frames)
    if not np.allclose(frames, rounded, rtol=0, atol=1e-6):
        raise InvalidDatasetError(
            f"{purpose} needs video frame numbers, but time x fps is not a whole number of "
            "frames; add a 'frame' coordinate with ds.assign_coords(frame=...)"
        )
    return rounded.astype(np.int64)
