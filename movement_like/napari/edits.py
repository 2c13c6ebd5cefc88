"""napari layers back to datasets: an edited Points or Tracks layer becomes its dataset again.

The layer's ``metadata["movement_like"]["template"]`` is the dataset it was
made from; the result is that dataset with the layer's points, so it differs
exactly by the edits (moved, added, deleted points). Napari is not imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from movement_like.errors import InvalidArgumentError
from movement_like.napari._arrays import METADATA_KEY, _poses_arrays, _spatial_order

__all__ = ["layer_to_dataset", "points_to_dataset"]


def points_to_dataset(
    data: np.ndarray,
    features: pd.DataFrame | Mapping[str, Any],
    template: xr.Dataset,
    track_ids: bool = False,
) -> xr.Dataset:
    """Rebuild a dataset from (edited) Points or Tracks layer data.

    Parameters
    ----------
    data
        Points data ``(N, 1 + n_space)`` rows ``(frame, [z,] y, x)``, or, with
        ``track_ids``, Tracks data ``(N, 2 + n_space)``.
    features
        Per-row ``individual`` and ``keypoint`` (names in ``template``) and
        optionally ``confidence``.
    template
        The dataset the layer was made from: its coordinates, attributes and
        every position the layer never showed (a point with a NaN coordinate)
        are kept; every position it showed is replaced by the layer's rows.
    track_ids
        Whether ``data`` is Tracks data (a track id column first).

    Returns
    -------
    xarray.Dataset
        The template with the layer's points: moved points at their new place,
        added points present, deleted points NaN. Where two rows claim the same
        frame, individual and keypoint, the later row (the newer edit) wins.

    Raises
    ------
    InvalidArgumentError
        If a row names an unknown individual or keypoint, or lies on a frame
        the dataset does not have.
    """
    data = np.asarray(data, dtype=np.float64)
    if track_ids:
        data = data[:, 1:]
    features = pd.DataFrame(features)
    position, confidence, frames = _poses_arrays(template)
    n_space = position.shape[-1]
    if data.ndim != 2 or data.shape[1] != 1 + n_space:
        raise InvalidArgumentError(
            f"layer data must have {1 + n_space} columns (frame and {n_space} coordinates), "
            f"got shape {data.shape}"
        )
    if len(features) != len(data):
        raise InvalidArgumentError(f"{len(features)} feature rows for {len(data)} points")
    t = _frame_index(np.rint(data[:, 0]).astype(np.int64), frames)
    i = _lookup(features["individual"], template["individuals"].values, "individual")
    k = _lookup(features["keypoint"], template["keypoints"].values, "keypoint")
    new_position = position.copy()
    new_confidence = confidence.copy()
    shown = np.isfinite(position).all(axis=-1)
    new_position[shown] = np.nan
    new_confidence[shown] = np.nan
    for column, s in enumerate(_spatial_order(template), start=1):
        new_position[t, i, k, s] = data[:, column]  # numpy: the last duplicate wins
    if "confidence" in features:
        new_confidence[t, i, k] = features["confidence"].to_numpy(dtype=np.float64)
    out = template.copy()
    dims_p = ("time", "individuals", "keypoints", "space")
    out["position"] = (dims_p, new_position)
    out["position"] = out["position"].transpose(*template["position"].dims)
    if "confidence" in template:
        out["confidence"] = (dims_p[:3], new_confidence)
        out["confidence"] = out["confidence"].transpose(*template["confidence"].dims)
    return out


def _frame_index(frames: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Time index of each frame number (``known`` is strictly increasing, by the contract)."""
    index = np.searchsorted(known, frames)
    inside = index < len(known)
    ok = inside.copy()
    ok[inside] = known[index[inside]] == frames[inside]
    if not ok.all():
        bad = np.unique(frames[~ok])[:5].tolist()
        span = f"frames run from {known[0]} to {known[-1]}" if len(known) else "no frames"
        raise InvalidArgumentError(f"layer points lie on frame(s) {bad} the dataset lacks; {span}")
    return index


def _lookup(values: pd.Series, known: np.ndarray, what: str) -> np.ndarray:
    """Index of each value in ``known``; an unknown value is an error naming it."""
    known_list = [str(v) for v in known]
    if isinstance(values.dtype, pd.CategoricalDtype):  # napari keeps our categoricals
        codes = values.cat.codes.to_numpy()
        uniques = [str(c) for c in values.cat.categories]
        if (codes < 0).any():
            raise InvalidArgumentError(f"some layer points have no {what}; set it in the layer")
    else:
        codes, uniques = pd.factorize(values.astype(str).to_numpy())
    index = {v: n for n, v in enumerate(known_list)}
    mapped = np.array([index.get(u, -1) for u in uniques], dtype=np.int64)
    used = np.zeros(len(uniques), bool)
    used[np.unique(codes)] = True
    if (mapped[used] < 0).any():
        bad = [u for u, m, e in zip(uniques, mapped, used, strict=True) if m < 0 and e][:5]
        raise InvalidArgumentError(
            f"layer points name unknown {what}(s) {bad}; known: {known_list[:20]}"
        )
    return mapped[codes] if len(codes) else np.zeros(0, dtype=np.int64)


def layer_to_dataset(layer: Any) -> xr.Dataset:
    """Turn a napari Points or Tracks layer made by this package back into a dataset.

    This is what the Save button does, so a script can do the same.

    Parameters
    ----------
    layer
        A napari layer with ``data``, ``features`` and the ``metadata`` that
        :func:`dataset_to_layers` put there.

    Returns
    -------
    xarray.Dataset
        See :func:`points_to_dataset`; its ``layer`` attribute is the layer's name.
    """
    meta = getattr(layer, "metadata", {}).get(METADATA_KEY)
    if not meta or "template" not in meta:
        raise InvalidArgumentError(
            f"layer {getattr(layer, 'name', layer)!r} was not made from a movement_like "
            "dataset (no metadata['movement_like']); open the file with the movement_like reader"
        )
    template = meta["template"]
    kind = type(layer).__name__.lower()
    if kind not in ("points", "tracks"):
        raise InvalidArgumentError(f"only Points and Tracks layers hold poses, not {kind}")
    ds = points_to_dataset(layer.data, layer.features, template, track_ids=kind == "tracks")
    ds.attrs["layer"] = str(layer.name)
    return ds
