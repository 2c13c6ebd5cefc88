"""Datasets to napari layer data, and napari layer data back to datasets.

Everything here is numpy, pandas and xarray: napari is not imported, so the
conversions can be used (and timed) without a viewer. A *layer data tuple*
``(data, kwargs, layer_type)`` is napari's own exchange format: a reader
returns a list of them, and ``viewer.add_layer(Layer.create(*t))`` or
``viewer._add_layer_from_data(*t)`` makes the layer.

Coordinates: napari orders axes ``(frame, [z,] y, x)``; the frame axis holds
video frame numbers (the ``frame`` coordinate), so points sit on the video
frame they belong to. Positions are written unshifted (pixel centres at
integers, as OpenCV, DeepLabCut and DUSTrack's matplotlib view use).

Every layer made here carries ``metadata["movement_like"]``: the dataset it
came from (``template``) and the name of its layer. :func:`layer_to_dataset`
uses it to turn the (possibly edited) layer back into a dataset that differs
from the template exactly by the edits: a moved point has its new position,
an added point appears, a deleted point becomes NaN, nothing else changes.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from movement_like.dataset import frame_numbers
from movement_like.errors import InvalidArgumentError
from movement_like.napari._arrays import METADATA_KEY, _poses_arrays, _spatial_order
from movement_like.napari.edits import layer_to_dataset, points_to_dataset

__all__ = [
    "KEYPOINT_COLORS",
    "METADATA_KEY",
    "dataset_to_layers",
    "is_dense_layer",
    "keypoint_colors",
    "layer_to_dataset",
    "points_layer_data",
    "points_to_dataset",
    "tracks_layer_data",
    "bboxes_layer_data",
]


#: One colour per keypoint, in keypoint order (matplotlib's tab10, then tab20's light half).
KEYPOINT_COLORS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896",
    "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
)  # fmt: skip

#: The dims of a poses or bboxes dataset; any other dim splits it into several layers.
_CONTRACT_DIMS = {"time", "individuals", "keypoints", "space"}


def keypoint_colors(keypoints: Sequence[str]) -> dict[str, str]:
    """Return the colour of each keypoint (the same in Points, Tracks and plots).

    Parameters
    ----------
    keypoints
        Keypoint names, in dataset order.

    Returns
    -------
    dict
        ``{keypoint: "#rrggbb"}``, cycling through :data:`KEYPOINT_COLORS`.
    """
    return {str(k): KEYPOINT_COLORS[i % len(KEYPOINT_COLORS)] for i, k in enumerate(keypoints)}


def is_dense_layer(name: str) -> bool:
    """Whether DUSTrack draws a layer of this name as a dense trace (lines) rather than dots.

    DUSTrack's rule: the name starts with ``dlc_`` or ``dlccorr``, or contains ``lkmovavg``.

    Parameters
    ----------
    name
        The layer's name.

    Returns
    -------
    bool
        True when the layer is drawn as lines (a dense trace), False for dots.
    """
    return name.startswith(("dlc_", "dlccorr")) or "lkmovavg" in name


def _visible_points(
    position: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(t, i, k)`` of every point with all coordinates finite, and the mask."""
    mask = np.isfinite(position).all(axis=-1)
    t, i, k = np.nonzero(mask)
    return t, i, k, mask


def _sizes(confidence: np.ndarray, size: float) -> np.ndarray:
    """Point sizes: ``size`` at confidence 1 (or unknown), down to 40 % at confidence 0."""
    c = np.clip(confidence, 0.0, 1.0)
    return np.where(np.isfinite(c), size * (0.4 + 0.6 * c), size)


def _categorical(codes: np.ndarray, names: Sequence[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes.astype(np.int32), categories=[str(n) for n in names])


def _metadata(ds: xr.Dataset, name: str) -> dict[str, Any]:
    return {METADATA_KEY: {"template": ds, "layer": name}}


def points_layer_data(
    ds: xr.Dataset, name: str | None = None, size: float = 8.0
) -> tuple[np.ndarray, dict[str, Any], str]:
    """Make a napari Points layer of a poses dataset: one point per present position.

    Parameters
    ----------
    ds
        A poses dataset (dims ``time, individuals, keypoints, space``).
    name
        The layer name (default: the dataset's ``layer`` attribute, else ``"poses"``).
    size
        Point size at full (or unknown) confidence; lower confidence draws smaller.

    Returns
    -------
    tuple
        ``(data (N, 1 + n_space), kwargs, "points")``: data rows ``(frame, [z,] y, x)``;
        features ``individual``, ``keypoint`` (categorical, shown in the tooltip and
        status bar), ``confidence`` and ``frame``; one face colour per keypoint.
    """
    name = name or str(ds.attrs.get("layer") or "poses")
    position, confidence, frames = _poses_arrays(ds)
    t, i, k, _ = _visible_points(position)
    order = _spatial_order(ds)
    data = np.empty((t.size, 1 + len(order)), dtype=np.float64)
    data[:, 0] = frames[t]
    for column, s in enumerate(order, start=1):
        data[:, column] = position[t, i, k, s]
    individuals = [str(v) for v in ds["individuals"].values]
    keypoints = [str(v) for v in ds["keypoints"].values]
    conf = confidence[t, i, k]
    features = pd.DataFrame(
        {
            "individual": _categorical(i, individuals),
            "keypoint": _categorical(k, keypoints),
            "confidence": conf,
        }
    )
    colors = keypoint_colors(keypoints)
    kwargs = {
        "name": name,
        "features": features,
        "feature_defaults": {
            "individual": individuals[0],
            "keypoint": keypoints[0],
            "confidence": np.nan,
        },
        "face_color": "keypoint",
        "face_color_cycle": colors,
        "border_color": "white",
        "border_width": 0.05,
        "size": _sizes(conf, size),
        "metadata": _metadata(ds, name),
    }
    return data, kwargs, "points"


def tracks_layer_data(
    ds: xr.Dataset, name: str | None = None, tail_length: int = 30
) -> tuple[np.ndarray, dict[str, Any], str]:
    """Make a napari Tracks layer of a poses dataset: one track per individual and keypoint.

    Parameters
    ----------
    ds
        A poses dataset.
    name
        The layer name (default: the ``layer`` attribute, else ``"poses"``).
    tail_length
        Frames of trail drawn behind the current frame.

    Returns
    -------
    tuple
        ``(data (N, 2 + n_space), kwargs, "tracks")``: rows ``(track_id, frame, [z,] y, x)``
        sorted by track then frame, track id ``individual * n_keypoints + keypoint``;
        features as for :func:`points_layer_data`, coloured by keypoint.
    """
    name = name or str(ds.attrs.get("layer") or "poses")
    position, confidence, frames = _poses_arrays(ds)
    n_keypoints = position.shape[2]
    # track-major order (individual, keypoint, time) so rows come sorted by track and frame
    moved = np.moveaxis(position, 0, 2)  # (I, K, T, S)
    mask = np.isfinite(moved).all(axis=-1)
    i, k, t = np.nonzero(mask)
    order = _spatial_order(ds)
    data = np.empty((t.size, 2 + len(order)), dtype=np.float64)
    data[:, 0] = i * n_keypoints + k
    data[:, 1] = frames[t]
    for column, s in enumerate(order, start=2):
        data[:, column] = moved[i, k, t, s]
    keypoints = [str(v) for v in ds["keypoints"].values]
    individuals = [str(v) for v in ds["individuals"].values]
    features = pd.DataFrame(
        {
            "individual": _categorical(i, individuals),
            "keypoint": _categorical(k, keypoints),
            "keypoint_index": k.astype(np.float64),
            "confidence": np.moveaxis(confidence, 0, 2)[i, k, t],
        }
    )
    kwargs: dict[str, Any] = {
        "name": name,
        "features": features,
        "tail_length": tail_length,
        "tail_width": 2,
        "metadata": _metadata(ds, name),
    }
    colormap = _tracks_colormap(keypoints)
    if colormap is not None:
        kwargs["color_by"] = "keypoint_index"
        kwargs["colormaps_dict"] = {"keypoint_index": colormap}
    return data, kwargs, "tracks"


def _tracks_colormap(keypoints: Sequence[str]) -> Any:
    """Return a stepwise napari colormap giving keypoint index ``k`` its colour."""
    try:
        from napari.utils.colormaps import Colormap
    except ImportError:  # napari absent: the data is still valid, coloured by napari's default
        return None
    n = max(len(keypoints), 1)
    colors = list(keypoint_colors(keypoints).values()) or [KEYPOINT_COLORS[0]]
    if n == 1:
        colors = colors * 2
        n = 2
    # Tracks normalise the property to [0, 1]: index k sits at k / (n - 1).
    controls = [0.0] + [(j + 0.5) / (n - 1) for j in range(n - 1)] + [1.0]
    return Colormap(colors=colors, controls=controls, interpolation="zero", name="keypoints")


def bboxes_layer_data(
    ds: xr.Dataset, name: str | None = None
) -> tuple[list[np.ndarray], dict[str, Any], str]:
    """Make a napari Shapes layer of a bboxes dataset: one rectangle per frame and individual.

    Parameters
    ----------
    ds
        A bboxes dataset (``position`` = centre and ``shape`` = width, height).
    name
        The layer name (default ``"bboxes"``).

    Returns
    -------
    tuple
        ``(list of (4, 3) corner arrays (frame, y, x), kwargs, "shapes")`` with
        features ``individual`` and ``confidence``.
    """
    name = name or str(ds.attrs.get("layer") or "bboxes")
    centre = ds["position"].transpose("time", "individuals", "space").values
    extent = ds["shape"].transpose("time", "individuals", "space").values
    confidence = ds["confidence"].transpose("time", "individuals").values
    frames = frame_numbers(ds, "showing in napari")
    ok = np.isfinite(centre).all(-1) & np.isfinite(extent).all(-1)
    t, i = np.nonzero(ok)
    x0 = centre[t, i, 0] - extent[t, i, 0] / 2
    x1 = centre[t, i, 0] + extent[t, i, 0] / 2
    y0 = centre[t, i, 1] - extent[t, i, 1] / 2
    y1 = centre[t, i, 1] + extent[t, i, 1] / 2
    f = frames[t].astype(np.float64)
    corners = np.stack(
        [
            np.stack([f, y0, x0], -1),
            np.stack([f, y0, x1], -1),
            np.stack([f, y1, x1], -1),
            np.stack([f, y1, x0], -1),
        ],
        axis=1,
    )
    individuals = [str(v) for v in ds["individuals"].values]
    colors = keypoint_colors(individuals)
    features = pd.DataFrame(
        {"individual": _categorical(i, individuals), "confidence": confidence[t, i]}
    )
    kwargs = {
        "name": name,
        "shape_type": "rectangle",
        "features": features,
        "edge_color": "individual",
        "edge_color_cycle": colors,
        "face_color": "transparent",
        "edge_width": 2,
        "metadata": _metadata(ds, name),
    }
    return list(corners), kwargs, "shapes"


def _split(ds: xr.Dataset) -> list[tuple[str, xr.Dataset]]:
    """One (name, dataset) per combination of the dims beyond the contract (layers, views, ...)."""
    extra = [d for d in ds["position"].dims if d not in _CONTRACT_DIMS]
    base = str(ds.attrs.get("layer") or ds.attrs.get("ds_type") or "poses")
    if not extra:
        return [(base, ds)]
    parts = []
    for values in itertools.product(*(ds[d].values for d in extra)):
        selection = dict(zip(extra, values, strict=True))
        sub = ds.sel(selection)
        labels = [str(v) if d == "layers" else f"{d}={v}" for d, v in selection.items()]
        name = " ".join(labels)
        sub = sub.drop_vars([d for d in extra if d in sub.coords], errors="ignore")
        sub = sub.drop_vars(
            [c for c in sub.coords if set(sub[c].dims) - set(sub.dims)], errors="ignore"
        )
        sub.attrs = {**ds.attrs, "layer": name}
        parts.append((name, sub))
    return parts


def dataset_to_layers(
    ds: xr.Dataset, kind: str = "auto", size: float = 8.0
) -> list[tuple[Any, dict[str, Any], str]]:
    """Turn a dataset into napari layer data tuples.

    Parameters
    ----------
    ds
        A poses or bboxes dataset; extra dims (a DUSTrack ``layers`` dim,
        ``views``) give one napari layer per entry, named by the entry.
    kind
        For poses: ``"points"``, ``"tracks"``, or ``"auto"`` (default): Tracks
        for layers DUSTrack calls dense (:func:`is_dense_layer`, or a dataset
        whose points are present on more than half of its frames), Points for
        sparse and manual layers.
    size
        Point size (see :func:`points_layer_data`).

    Returns
    -------
    list
        ``(data, kwargs, layer_type)`` tuples, one per layer.
    """
    if kind not in ("auto", "points", "tracks"):
        raise InvalidArgumentError(f"kind must be 'auto', 'points' or 'tracks', got {kind!r}")
    out: list[tuple[Any, dict[str, Any], str]] = []
    for name, sub in _split(ds):
        if sub.attrs.get("ds_type") == "bboxes" or "keypoints" not in sub["position"].dims:
            out.append(bboxes_layer_data(sub, name))
            continue
        chosen = kind
        if chosen == "auto":
            chosen = "tracks" if _looks_dense(sub, name) else "points"
        if chosen == "tracks":
            out.append(tracks_layer_data(sub, name))
        else:
            out.append(points_layer_data(sub, name, size))
    return out


def _looks_dense(ds: xr.Dataset, name: str) -> bool:
    if is_dense_layer(name):
        return True
    if ds.sizes["time"] == 0:
        return False
    present = np.isfinite(ds["position"].values).all(axis=-1)
    frames_with_points = present.reshape(ds.sizes["time"], -1).any(axis=1)
    sparse_source = str(ds.attrs.get("source_software", "")).lower().startswith("dustrack")
    return not sparse_source and frames_with_points.mean() > 0.5
