"""How far two annotation layers are apart: per-frame distance and RMSE on shared frames."""

from __future__ import annotations

from typing import cast

import numpy as np
import xarray as xr

from movement_like.annotations._alignment import align, check_dims, position_of
from movement_like.provenance import log_operation

__all__ = ["inter_layer_error"]


@log_operation
def inter_layer_error(a: xr.Dataset | xr.DataArray, b: xr.Dataset | xr.DataArray) -> xr.Dataset:
    """Per-frame distance and RMSE between two layers on their shared frames.

    Parameters
    ----------
    a, b
        Two layers (Datasets or ``position`` DataArrays), e.g. a manual layer
        and a DeepLabCut prediction layer; matched on frames, individuals and
        keypoints (only those in both are compared).

    Returns
    -------
    xarray.Dataset
        ``distance`` (Euclidean, per shared frame and point; NaN where either
        point is missing), ``n_shared`` (frames where both have the point),
        ``rmse`` (root-mean-square distance over those frames, per individual
        and keypoint; NaN when none are shared) and ``rmse_overall`` (over all
        shared points).
    """
    pa, pb = align(position_of(a), position_of(b), "inner")
    check_dims(pa)
    # numpy's stubs do not model __array_ufunc__: a DataArray in gives a DataArray out
    distance = cast(xr.DataArray, np.sqrt(((pa - pb) ** 2).sum("space", skipna=False)))
    distance.name = "distance"
    distance.attrs = {}
    shared = distance.notnull()
    squared = distance**2
    n_shared = shared.sum("time")
    rmse = np.sqrt(squared.sum("time") / n_shared.where(n_shared > 0))
    total = int(shared.sum())
    overall = float(np.sqrt(squared.sum() / total)) if total else float("nan")
    out = xr.Dataset(
        {
            "distance": distance,
            "n_shared": n_shared,
            "rmse": rmse,
            "rmse_overall": ((), overall),
        }
    )
    out.attrs = {"log": a.attrs.get("log", "[]")}
    return out
