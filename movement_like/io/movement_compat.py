"""Conversion between our datasets and the datasets of the ``movement`` package.

``movement`` >= 0.17 lays poses out as ``(time, space, keypoint, individual)``
(singular names); 0.0.21 to 0.16 as ``(time, space, keypoints, individuals)``.
Ours is ``(time, individuals, keypoints, space)`` with plural names and a
``frame`` coordinate. These pure functions convert either way, so users can mix
both libraries and read netCDF files that ``movement`` wrote.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from movement_like.dataset import BBOXES_DIMS, POSES_DIMS, frame_numbers, netcdf_safe_attrs
from movement_like.errors import InvalidArgumentError, InvalidDatasetError
from movement_like.utils.dims import DIM_ALIASES

__all__ = ["from_movement", "to_movement", "is_movement_layout"]

_SINGULAR_TO_PLURAL = {"individual": "individuals", "keypoint": "keypoints"}
#: Every dim renamed between the two (``movement`` 0.17 also says ``view``), as utils decides.
_RENAMES = dict(DIM_ALIASES)
_MOVEMENT_ORDER = {
    "0.17": {
        "poses": ("time", "space", "keypoint", "individual"),
        "bboxes": ("time", "space", "individual"),
    },
    "0.15": {
        "poses": ("time", "space", "keypoints", "individuals"),
        "bboxes": ("time", "space", "individuals"),
    },
}


def _ds_type(ds: xr.Dataset) -> str:
    if "ds_type" in ds.attrs:
        return str(ds.attrs["ds_type"])
    return "bboxes" if "shape" in ds.data_vars else "poses"


def is_movement_layout(ds: xr.Dataset) -> bool:
    """Whether ``ds`` uses one of ``movement``'s layouts rather than ours.

    Parameters
    ----------
    ds
        The dataset to inspect.

    Returns
    -------
    bool
        True when its dimension names or order are movement's, so it needs :func:`from_movement`.
    """
    if any(name in ds.dims for name in _SINGULAR_TO_PLURAL):
        return True
    if "position" not in ds.data_vars:
        return False
    ours = POSES_DIMS if _ds_type(ds) == "poses" else BBOXES_DIMS
    contract = [d for d in ds["position"].dims if d in ours["position"]]
    return tuple(contract) != ours["position"]


def from_movement(ds: xr.Dataset) -> xr.Dataset:
    """Convert a ``movement`` dataset (any of its layouts) to our contract.

    Dimensions are renamed to the plural names, variables are transposed to our
    order (extra dimensions lead), an int ``frame`` coordinate is added when the
    frames can be known exactly, and attributes are made netCDF-safe. The input
    is not modified.

    Parameters
    ----------
    ds
        A poses or bboxes dataset as movement makes it.

    Returns
    -------
    xarray.Dataset
        A new dataset that follows our contract.
    """
    ds_type = _ds_type(ds)
    renames = _RENAMES
    out = ds.rename({k: v for k, v in renames.items() if k in ds.dims and v not in ds.dims})
    order = POSES_DIMS if ds_type == "poses" else BBOXES_DIMS
    variables = {}
    for name, var in out.data_vars.items():
        contract = order.get(str(name)) or tuple(d for d in order["position"] if d in var.dims)
        extra = [d for d in var.dims if d not in contract]
        variables[name] = var.transpose(*extra, *[d for d in contract if d in var.dims])
    out = out.assign(variables)
    for dim in ("individuals", "keypoints", "space"):
        if dim in out.coords and out[dim].dtype == object:
            out = out.assign_coords({dim: out[dim].values.astype(str)})
    attrs = dict(out.attrs)
    attrs.setdefault("ds_type", ds_type)
    fps = attrs.get("fps")
    fps_ok = isinstance(fps, (int, float, np.number)) and np.isfinite(fps) and fps > 0
    if fps is not None and not fps_ok:
        attrs.pop("fps")
    if "time_unit" not in attrs:
        seconds = out["time"].dtype.kind == "f" and "fps" in attrs
        attrs["time_unit"] = "seconds" if seconds else "frames"
    if "frame" not in out.coords and "time" in out.coords:
        try:  # only when the frames can be known exactly; otherwise there is no frame coord
            frames = frame_numbers(out.assign_attrs(attrs), "the frame coordinate")
        except InvalidDatasetError:
            frames = None
        if frames is not None:
            out = out.assign_coords(frame=("time", frames))
    attrs.setdefault("log", "[]")
    out.attrs = netcdf_safe_attrs(attrs)
    return out


def to_movement(ds: xr.Dataset, layout: str = "0.17") -> xr.Dataset:
    """Convert one of our datasets to the layout of a ``movement`` version.

    Parameters
    ----------
    ds
        A poses or bboxes dataset of ours.
    layout
        ``"0.17"`` (singular ``keypoint``/``individual``, movement >= 0.17) or
        ``"0.15"`` (plural names, movement 0.0.21 to 0.16).

    Returns
    -------
    xarray.Dataset
        Variables transposed to ``movement``'s order; extra dims (``layers``,
        ``views``, named ``view`` in 0.17) follow it, since ``movement`` expects
        its own dims first. The
        ``frame`` coordinate is dropped (``movement`` does not know it) and
        ``time`` is kept.
    """
    if layout not in _MOVEMENT_ORDER:
        raise InvalidArgumentError(
            f"layout must be one of {sorted(_MOVEMENT_ORDER)}, got {layout!r}"
        )
    ds_type = _ds_type(ds)
    out = ds.drop_vars([c for c in ("frame",) if c in ds.coords])
    if layout == "0.17":
        renames = _RENAMES
        out = out.rename({v: k for k, v in renames.items() if v in out.dims and k not in out.dims})
    order = _MOVEMENT_ORDER[layout][ds_type]
    variables = {}
    for name, var in out.data_vars.items():
        contract = [d for d in order if d in var.dims]
        extra = [d for d in var.dims if d not in order]
        variables[name] = var.transpose(*contract, *extra)
    out = out.assign(variables)
    out = out.transpose(*[d for d in order if d in out.dims], ...)
    out.attrs = {k: v for k, v in ds.attrs.items() if k != "log"}
    out.attrs["log"] = ds.attrs.get("log", "[]")
    return out
