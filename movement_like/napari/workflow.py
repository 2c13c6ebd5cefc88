"""DUSTrack's layer workflow as functions on datasets (what the dock widget calls).

Each action takes the *current* layer (the one being corrected) and the
*overlay* layer (the reference, usually a dense DeepLabCut trace) as poses
datasets, and returns a new dataset; none changes its inputs. The heavy work
is done by our analysis functions (:func:`~movement_like.optical_flow.fill_gaps_optical_flow`,
:func:`~movement_like.optical_flow.reduce_jitter`,
:func:`~movement_like.annotations.apply_manual_corrections`), so calling them
directly gives the same numbers as the buttons. Names of the new layers
follow DUSTrack (``docs/dustrack.md`` section 2a).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import xarray as xr

from movement_like.annotations import apply_manual_corrections
from movement_like.dataset import frame_numbers
from movement_like.errors import InvalidArgumentError
from movement_like.optical_flow import fill_gaps_optical_flow, reduce_jitter
from movement_like.utils.progress import Progress

__all__ = [
    "empty_layer",
    "copy_from_overlay",
    "fill_interval",
    "manual_corrections",
    "corrections_layer_name",
    "jitter_layer_name",
    "reduce_layer_jitter",
]


def _keypoint_list(ds: xr.Dataset, keypoints: str | Sequence[str] | None) -> list[str]:
    if keypoints is None:
        return [str(k) for k in ds["keypoints"].values]
    return [keypoints] if isinstance(keypoints, str) else [str(k) for k in keypoints]


def empty_layer(template: xr.Dataset, name: str = "manual") -> xr.Dataset:
    """Return a layer with no points on the frames, individuals and keypoints of ``template``.

    DUSTrack's new manual layer: correct into it with the overlay beside it,
    then apply it with :func:`manual_corrections`.

    Parameters
    ----------
    template
        A poses dataset (usually the overlay).
    name
        The new layer's name.

    Returns
    -------
    xarray.Dataset
        All positions and confidences NaN, ``layer`` attribute ``name``.
    """
    out = template.copy(deep=True)
    out["position"] = out["position"] * np.nan
    if "confidence" in out:
        out["confidence"] = out["confidence"] * np.nan
    out.attrs["layer"] = name
    out.attrs.pop("source_file", None)
    return out


def copy_from_overlay(
    current: xr.Dataset,
    overlay: xr.Dataset,
    frames: Iterable[int],
    keypoints: str | Sequence[str] | None = None,
) -> xr.Dataset:
    """Copy the overlay's points at ``frames`` into the current layer (DUSTrack's ``c`` keys).

    Parameters
    ----------
    current, overlay
        Poses datasets on the same video (matched by frame number, individual
        and keypoint name).
    frames
        Video frames to copy (this frame, the frames of interest, or an interval).
    keypoints
        Keypoints to copy (default: all the overlay's keypoints the current layer has).

    Returns
    -------
    xarray.Dataset
        The current layer with the overlay's present points written over it at
        those frames; frames or points the overlay lacks are skipped.
    """
    wanted = np.asarray(sorted(set(int(f) for f in frames)), dtype=np.int64)
    names = [k for k in _keypoint_list(current, keypoints) if k in overlay["keypoints"].values]
    cur_frames = frame_numbers(current, "copying points")
    ov_frames = frame_numbers(overlay, "copying points")
    wanted = wanted[np.isin(wanted, cur_frames) & np.isin(wanted, ov_frames)]
    individuals = [i for i in current["individuals"].values if i in overlay["individuals"].values]
    out = current.copy(deep=True)
    if wanted.size == 0 or not names or not individuals:
        return out
    t_cur = np.searchsorted(cur_frames, wanted)
    t_ov = np.searchsorted(ov_frames, wanted)
    dims = ("time", "individuals", "keypoints", "space")
    src = overlay["position"].isel(time=t_ov).sel(individuals=individuals, keypoints=names)
    src_pos = src.transpose(*dims).values
    present = np.isfinite(src_pos).all(axis=-1)
    dst = out["position"].isel(time=t_cur).sel(individuals=individuals, keypoints=names)
    merged = np.where(present[..., None], src_pos, dst.transpose(*dims).values)
    sel = {"time": out["time"].values[t_cur], "individuals": individuals, "keypoints": names}
    out["position"].loc[sel] = xr.DataArray(merged, dims=dims).transpose(*out["position"].dims)
    if "confidence" in out and "confidence" in overlay:
        c_src = overlay["confidence"].isel(time=t_ov).sel(individuals=individuals, keypoints=names)
        c_dst = out["confidence"].isel(time=t_cur).sel(individuals=individuals, keypoints=names)
        c = np.where(present, c_src.transpose(*dims[:3]).values, c_dst.transpose(*dims[:3]).values)
        out["confidence"].loc[sel] = xr.DataArray(c, dims=dims[:3]).transpose(
            *out["confidence"].dims
        )
    return out


def fill_interval(
    current: xr.Dataset,
    overlay: xr.Dataset | None,
    video: Any,
    start: int,
    end: int,
    keypoints: str | Sequence[str] | None = None,
    progress: Progress = False,
    **kwargs: Any,
) -> xr.Dataset:
    """Fill frames ``start .. end`` by LK-RSTC (DUSTrack's ``z z a`` / ``ctrl+a``).

    The boundary points come from the overlay (as in DUSTrack; without an
    overlay, from the current layer itself), and every frame of the interval,
    boundaries included, is written into the current layer for the chosen
    keypoints.

    Parameters
    ----------
    current, overlay
        Poses datasets; ``overlay`` may be None.
    video
        The video (path or :class:`~movement_like.video.VideoReader`).
    start, end
        Interval (video frames, inclusive, ``start < end``).
    keypoints
        One keypoint, several, or None for all.
    progress
        Show a tqdm bar (True), nothing (False), or call ``progress(done, total)``
        as frames are tracked (see :mod:`movement_like.utils.progress`).
    **kwargs
        Passed to :func:`~movement_like.optical_flow.fill_gaps_optical_flow`
        (``lk_params``, ``lost``, ``threads``).

    Returns
    -------
    xarray.Dataset
        The current layer with the interval filled.
    """
    start, end = int(start), int(end)
    if end <= start:
        raise InvalidArgumentError(f"the interval must have start < end, got [{start}, {end}]")
    names = _keypoint_list(current, keypoints)
    seeded = (
        current if overlay is None else copy_from_overlay(current, overlay, [start, end], names)
    )
    filled = fill_gaps_optical_flow(
        seeded["position"],
        video,
        start=start,
        end=end,
        keypoints=names,
        progress=progress,
        **kwargs,
    )
    out = seeded.copy()
    out["position"] = filled.drop_vars([c for c in filled.coords if c not in seeded.coords])
    return out


def corrections_layer_name(name: str) -> str:
    """Return DUSTrack's name of a manual layer once applied: ``<name>_manual_corrections``.

    Parameters
    ----------
    name
        The manual layer's name.

    Returns
    -------
    str
        The name with ``_manual_corrections`` appended, once only.
    """
    return name if name.endswith("_manual_corrections") else f"{name}_manual_corrections"


def manual_corrections(overlay: xr.Dataset, current: xr.Dataset) -> xr.Dataset:
    """DUSTrack's "Apply manual corrections": the current (manual) layer over the overlay.

    Parameters
    ----------
    overlay
        The dense trace (e.g. DeepLabCut predictions).
    current
        The sparse manual corrections.

    Returns
    -------
    xarray.Dataset
        :func:`~movement_like.annotations.apply_manual_corrections` of the two,
        named ``dlccorr``.
    """
    out = apply_manual_corrections(overlay, current)
    out.attrs["layer"] = "dlccorr"
    return out


def jitter_layer_name(source: str, window: float) -> str:
    """Return the name DUSTrack gives the "Reduce jitter" result of layer ``source``.

    ``dlc_<folder>_<snapshot>`` gives ``dlc_<folder>_<W:.3f>``; any other layer
    gives ``<source>_lkmovavg_<W:.3f>`` (``dlccorr`` → ``dlccorr_lkmovavg_0.500``).

    Parameters
    ----------
    source
        The name of the layer the jitter is reduced on.
    window
        The smoothing window, in seconds, written with three decimals in the name.

    Returns
    -------
    str
        The name of the new layer, as DUSTrack spells it.
    """
    match = re.fullmatch(r"dlc_(.+)_[^_]+", source)
    if match and "lkmovavg" not in source:
        return f"dlc_{match.group(1)}_{window:.3f}"
    return f"{source}_lkmovavg_{window:.3f}"


def reduce_layer_jitter(
    ds: xr.Dataset,
    video: Any,
    window: float = 0.5,
    keypoints: str | Sequence[str] | None = None,
    progress: Progress = False,
    **kwargs: Any,
) -> xr.Dataset:
    """DUSTrack's "Reduce jitter" on a dense layer.

    Parameters
    ----------
    ds
        A dense poses layer.
    video
        Its video.
    window
        Window in seconds.
    keypoints
        Keypoints to smooth (default all).
    progress
        Show a tqdm bar (True), nothing (False), or call ``progress(done, total)``
        as frames are tracked (see :mod:`movement_like.utils.progress`).
    **kwargs
        Passed to :func:`~movement_like.optical_flow.reduce_jitter`.

    Returns
    -------
    xarray.Dataset
        The smoothed layer, named by :func:`jitter_layer_name`.
    """
    smoothed = reduce_jitter(
        ds["position"], video, window=window, keypoints=keypoints, progress=progress, **kwargs
    )
    out = ds.copy()
    out["position"] = smoothed.drop_vars([c for c in smoothed.coords if c not in ds.coords])
    out.attrs["layer"] = jitter_layer_name(str(ds.attrs.get("layer") or "layer"), window)
    return out
