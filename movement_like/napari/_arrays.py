"""Array helpers shared by the conversions to and from napari layers (no napari here)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from movement_like.dataset import frame_numbers
from movement_like.errors import InvalidDatasetError

#: Key of the layer metadata that ties a napari layer to its dataset.
METADATA_KEY = "movement_like"


def _spatial_order(ds: xr.Dataset | xr.DataArray) -> list[int]:
    """Return the indices of ``space`` in napari's order: (z, y, x) for (x, y, z)."""
    labels = [str(s) for s in ds["space"].values]
    return list(reversed(range(len(labels))))


def _poses_arrays(ds: xr.Dataset) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``position (T, I, K, S)``, ``confidence (T, I, K)`` and the frames, in contract order."""
    if ds.attrs.get("ds_type") == "bboxes" or "keypoints" not in ds["position"].dims:
        raise InvalidDatasetError("expected a poses dataset (position with a keypoints dim)")
    position = ds["position"].transpose("time", "individuals", "keypoints", "space").values
    if "confidence" in ds:
        confidence = ds["confidence"].transpose("time", "individuals", "keypoints").values
    else:
        confidence = np.full(position.shape[:3], np.nan)
    return position, confidence, frame_numbers(ds, "showing in napari")
