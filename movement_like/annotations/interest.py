"""Frames of interest: a list of video frames stored on a dataset, netCDF-safe.

The list is kept sorted and unique as a JSON string in
``attrs["frames_of_interest"]``, so it survives a netCDF round trip unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Literal

import numpy as np
import xarray as xr

from movement_like.annotations._alignment import Data, frame_values
from movement_like.errors import InvalidArgumentError, InvalidDatasetError
from movement_like.provenance import log_operation

__all__ = ["frames_of_interest", "frames_of_interest_mask", "set_frames_of_interest"]

FOI_ATTR = "frames_of_interest"


def frames_of_interest(data: xr.Dataset | xr.DataArray) -> list[int]:
    """Return the frames of interest stored on ``data`` (``[]`` when none).

    Parameters
    ----------
    data
        A dataset or data array of ours.

    Returns
    -------
    list of int
        The frame numbers, sorted.
    """
    text = data.attrs.get(FOI_ATTR)
    if text is None:
        return []
    try:
        values = json.loads(text) if isinstance(text, str) else list(np.atleast_1d(text))
    except json.JSONDecodeError as exc:
        raise InvalidDatasetError(
            f"attrs[{FOI_ATTR!r}] is not a JSON list of frame numbers: {text!r}"
        ) from exc
    return [int(v) for v in values]


def frames_of_interest_mask(data: xr.Dataset | xr.DataArray) -> xr.DataArray:
    """Boolean mask along ``time``: whether each frame is a frame of interest.

    Parameters
    ----------
    data
        A dataset or data array of ours.

    Returns
    -------
    xarray.DataArray
        Booleans along ``time``, True on frames of interest.
    """
    wanted = np.array(frames_of_interest(data), dtype=np.int64)
    mask = np.isin(frame_values(data), wanted)
    return xr.DataArray(
        mask, dims=("time",), coords={"time": data["time"]}, name="frames_of_interest"
    )


@log_operation
def set_frames_of_interest(
    data: Data,
    frames: Iterable[int],
    mode: Literal["replace", "add", "remove"] = "replace",
) -> Data:
    """Store a list of frames of interest on a copy of ``data``.

    The list is kept sorted and unique, as a JSON string in
    ``attrs["frames_of_interest"]``, so it survives a netCDF round trip
    unchanged (netCDF attributes cannot hold empty or one-element lists
    faithfully).

    Parameters
    ----------
    data
        Dataset or DataArray.
    frames
        Video frame numbers (non-negative integers).
    mode
        ``"replace"`` the stored list, ``"add"`` to it, or ``"remove"`` from it.

    Returns
    -------
    xarray.Dataset or xarray.DataArray
        A shallow copy with the new list.
    """
    if mode not in ("replace", "add", "remove"):
        raise InvalidArgumentError(f"mode must be 'replace', 'add' or 'remove', got {mode!r}")
    given = []
    for value in frames:
        if isinstance(value, (bool, np.bool_)) or not float(value).is_integer() or value < 0:
            raise InvalidArgumentError(
                f"frames of interest must be non-negative integers, got {value!r}"
            )
        given.append(int(value))
    current = set(frames_of_interest(data))
    if mode == "replace":
        chosen = set(given)
    elif mode == "add":
        chosen = current | set(given)
    else:
        chosen = current - set(given)
    out = data.copy()
    out.attrs = dict(data.attrs)
    out.attrs[FOI_ATTR] = json.dumps(sorted(chosen))
    return out
