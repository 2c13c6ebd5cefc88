"""The dataset contract: build, validate and describe poses and bboxes datasets.

Every loader hands numpy arrays to :func:`poses_from_numpy` or
:func:`bboxes_from_numpy`; every analysis function may rely on what
:func:`validate_dataset` checks. Nothing in this module touches a file.

Poses (``attrs["ds_type"] == "poses"``)
    ``position (time, individuals, keypoints, space)`` and
    ``confidence (time, individuals, keypoints)``.
Bounding boxes (``attrs["ds_type"] == "bboxes"``)
    ``position`` and ``shape`` ``(time, individuals, space)``, and
    ``confidence (time, individuals)``.

The ``time`` coordinate holds seconds when the frame rate is known, else frame
numbers; a frame-indexed source also carries an int ``frame`` coordinate along
``time``. Attributes are always netCDF-safe (see :func:`netcdf_safe_attrs`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import xarray as xr

from movement_like.errors import InvalidDatasetError
from movement_like.provenance import log_operation, read_log
from movement_like.utils.attrs import is_netcdf_safe, netcdf_safe_attrs
from movement_like.utils.frames import frame_numbers

__all__ = [
    "POSES_DIMS",
    "BBOXES_DIMS",
    "poses_from_numpy",
    "bboxes_from_numpy",
    "validate_dataset",
    "validate_poses",
    "validate_bboxes",
    "netcdf_safe_attrs",
    "log_operation",
    "read_log",
    "frame_numbers",
    "require_contract_dims",
]

POSES_DIMS: dict[str, tuple[str, ...]] = {
    "position": ("time", "individuals", "keypoints", "space"),
    "confidence": ("time", "individuals", "keypoints"),
}
BBOXES_DIMS: dict[str, tuple[str, ...]] = {
    "position": ("time", "individuals", "space"),
    "shape": ("time", "individuals", "space"),
    "confidence": ("time", "individuals"),
}
SPACE_LABELS = {2: ["x", "y"], 3: ["x", "y", "z"]}


# --------------------------------------------------------------------------- #
# small checks shared by the builders
# --------------------------------------------------------------------------- #
def _as_float_array(values: Any, name: str) -> np.ndarray:
    """Return ``values`` as a float array, keeping float32/float64 as given."""
    try:
        array = np.asarray(values)
    except Exception as exc:  # ragged lists and the like
        raise InvalidDatasetError(f"'{name}' could not be turned into an array: {exc}") from exc
    if array.dtype.kind in "biu":
        return array.astype(np.float64)
    if array.dtype.kind != "f":
        raise InvalidDatasetError(f"'{name}' must hold numbers, but its dtype is {array.dtype}")
    return array


def _check_ndim(array: np.ndarray, ndim: int, name: str, dims: Sequence[str]) -> None:
    if array.ndim != ndim:
        raise InvalidDatasetError(
            f"'{name}' must have {ndim} dimensions ({', '.join(dims)}), "
            f"but it has {array.ndim} with shape {array.shape}"
        )


def _names(names: str | Sequence[str] | None, count: int, prefix: str, what: str) -> list[str]:
    """Validate user-given names, or make ``prefix_0 … prefix_{count-1}``."""
    if names is None:
        return [f"{prefix}_{i}" for i in range(count)]
    if isinstance(names, str):
        names = [names]
    names = [
        str(n) if not isinstance(n, str) else n for n in np.asarray(names, dtype=object).ravel()
    ]
    if len(names) != count:
        raise InvalidDatasetError(
            f"{len(names)} {what} names were given, but the array has {count} {what}"
        )
    if any(n == "" for n in names):
        raise InvalidDatasetError(f"{what} names must not be empty strings: {names}")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InvalidDatasetError(f"{what} names must be unique; repeated: {duplicates}")
    return names


def _check_fps(fps: float | None) -> float | None:
    if fps is None:
        return None
    if isinstance(fps, (bool, np.bool_)):  # float(True) would be 1.0
        raise InvalidDatasetError(f"fps must be a positive number, got {fps!r}")
    try:
        value = float(fps)
    except (TypeError, ValueError) as exc:
        raise InvalidDatasetError(f"fps must be a positive number, got {fps!r}") from exc
    if not math.isfinite(value) or value <= 0:
        raise InvalidDatasetError(
            f"fps must be a positive finite number, got {fps!r} (pass fps=None when unknown)"
        )
    return value


def _frames(frame_array: Any, n_time: int) -> np.ndarray:
    if frame_array is None:
        return np.arange(n_time, dtype=np.int64)
    frames = np.asarray(frame_array)
    if frames.ndim != 1 or frames.shape[0] != n_time:
        raise InvalidDatasetError(
            f"'frame_array' must be 1-D with one frame per time point ({n_time}), "
            f"but its shape is {frames.shape}"
        )
    if frames.dtype.kind == "f":
        if not np.all(np.isfinite(frames)) or np.any(frames != np.round(frames)):
            raise InvalidDatasetError("'frame_array' must hold whole frame numbers")
        frames = frames.astype(np.int64)
    elif frames.dtype.kind not in "iu":
        raise InvalidDatasetError(f"'frame_array' must hold integers, got dtype {frames.dtype}")
    frames = frames.astype(np.int64)
    if n_time > 1 and np.any(np.diff(frames) <= 0):
        bad = int(np.argmax(np.diff(frames) <= 0))
        raise InvalidDatasetError(
            "'frame_array' must be strictly increasing, but frame "
            f"{frames[bad + 1]} at index {bad + 1} follows {frames[bad]}"
        )
    return frames


def _time_coords(
    n_time: int, fps: float | None, frame_array: Any, time_array: Any
) -> tuple[dict[str, Any], str]:
    """Return the time-related coordinates and the time unit."""
    coords: dict[str, Any] = {}
    if time_array is not None:
        times = np.asarray(time_array, dtype=np.float64)
        if times.ndim != 1 or times.shape[0] != n_time:
            raise InvalidDatasetError(
                f"'time_array' must be 1-D with {n_time} values, but its shape is {times.shape}"
            )
        if not np.all(np.isfinite(times)) or (n_time > 1 and np.any(np.diff(times) <= 0)):
            raise InvalidDatasetError("'time_array' must be finite and strictly increasing")
        coords["time"] = times
        if frame_array is not None:
            coords["frame"] = ("time", _frames(frame_array, n_time))
        return coords, "seconds"
    frames = _frames(frame_array, n_time)
    if fps is None:
        coords["time"] = frames
        coords["frame"] = ("time", frames.copy())
        return coords, "frames"
    coords["time"] = frames / fps
    coords["frame"] = ("time", frames)
    return coords, "seconds"


def _base_attrs(
    ds_type: str, fps: float | None, time_unit: str, source_software: str | None
) -> dict[str, Any]:
    attrs: dict[str, Any] = {"ds_type": ds_type}
    if source_software is not None:
        attrs["source_software"] = str(source_software)
    if fps is not None:
        attrs["fps"] = fps
    attrs["time_unit"] = time_unit
    attrs["log"] = "[]"
    return attrs


# --------------------------------------------------------------------------- #
# builders
# --------------------------------------------------------------------------- #
def poses_from_numpy(
    position_array: Any,
    confidence_array: Any = None,
    individual_names: str | Sequence[str] | None = None,
    keypoint_names: str | Sequence[str] | None = None,
    fps: float | None = None,
    source_software: str | None = None,
    frame_array: Any = None,
    time_array: Any = None,
) -> xr.Dataset:
    """Build a poses dataset from arrays.

    Parameters
    ----------
    position_array
        Array-like of shape ``(time, individuals, keypoints, space)``, space 2 or 3.
        float32 and float64 are kept as given; integers become float64.
    confidence_array
        Array-like of shape ``(time, individuals, keypoints)``; NaN (unknown) when
        omitted.
    individual_names, keypoint_names
        Unique, non-empty names; ``individual_0 …`` and ``keypoint_0 …`` by default.
    fps
        Frames per second. When given, ``time`` is in seconds; must be positive.
    source_software
        Name of the program that wrote the data (stored in ``attrs``).
    frame_array
        Video frame index of every time point, strictly increasing integers.
        This allows sparse data such as manual labels on a few frames.
    time_array
        Explicit time stamps in seconds (e.g. from NWB), strictly increasing.
        ``frame`` is then only added when ``frame_array`` is given too.

    Returns
    -------
    xarray.Dataset
        A dataset that passes :func:`validate_poses`.
    """
    position = _as_float_array(position_array, "position_array")
    _check_ndim(position, 4, "position_array", POSES_DIMS["position"])
    n_time, n_ind, n_kp, n_space = position.shape
    if n_space not in SPACE_LABELS:
        raise InvalidDatasetError(
            f"'position_array' must have 2 or 3 spatial coordinates (last axis), "
            f"but has {n_space}; expected shape (time, individuals, keypoints, space)"
        )
    if confidence_array is None:
        confidence = np.full(position.shape[:3], np.nan, dtype=position.dtype)
    else:
        confidence = _as_float_array(confidence_array, "confidence_array")
        if confidence.shape != position.shape[:3]:
            raise InvalidDatasetError(
                f"'confidence_array' must have shape {position.shape[:3]} "
                "(time, individuals, keypoints) to match 'position_array', "
                f"but has shape {confidence.shape}"
            )
    fps = _check_fps(fps)
    individuals = _names(individual_names, n_ind, "individual", "individuals")
    keypoints = _names(keypoint_names, n_kp, "keypoint", "keypoints")
    coords, time_unit = _time_coords(n_time, fps, frame_array, time_array)
    coords.update(
        individuals=np.array(individuals, dtype=str),
        keypoints=np.array(keypoints, dtype=str),
        space=np.array(SPACE_LABELS[n_space], dtype=str),
    )
    return xr.Dataset(
        {
            "position": (POSES_DIMS["position"], position),
            "confidence": (POSES_DIMS["confidence"], confidence),
        },
        coords=coords,
        attrs=_base_attrs("poses", fps, time_unit, source_software),
    )


def bboxes_from_numpy(
    position_array: Any,
    shape_array: Any,
    confidence_array: Any = None,
    individual_names: str | Sequence[str] | None = None,
    frame_array: Any = None,
    fps: float | None = None,
    source_software: str | None = None,
    time_array: Any = None,
) -> xr.Dataset:
    """Build a bounding-boxes dataset from arrays.

    Parameters
    ----------
    position_array
        Box centres, array-like of shape ``(time, individuals, 2)``.
    shape_array
        Box width and height, same shape as ``position_array``.
    confidence_array
        ``(time, individuals)``; NaN (unknown) when omitted.
    individual_names, frame_array, fps, source_software, time_array
        As in :func:`poses_from_numpy`; individuals default to ``individual_0 …``.

    Returns
    -------
    xarray.Dataset
        A dataset that passes :func:`validate_bboxes`.
    """
    position = _as_float_array(position_array, "position_array")
    _check_ndim(position, 3, "position_array", BBOXES_DIMS["position"])
    if position.shape[-1] != 2:
        raise InvalidDatasetError(
            "'position_array' of bounding boxes must have 2 spatial coordinates (x, y) "
            f"on its last axis, but has {position.shape[-1]}"
        )
    shape = _as_float_array(shape_array, "shape_array")
    if shape.shape != position.shape:
        raise InvalidDatasetError(
            f"'shape_array' must have the shape of 'position_array' {position.shape}, "
            f"but has {shape.shape}"
        )
    if confidence_array is None:
        confidence = np.full(position.shape[:2], np.nan, dtype=position.dtype)
    else:
        confidence = _as_float_array(confidence_array, "confidence_array")
        if confidence.shape != position.shape[:2]:
            raise InvalidDatasetError(
                f"'confidence_array' must have shape {position.shape[:2]} "
                f"(time, individuals), but has shape {confidence.shape}"
            )
    fps = _check_fps(fps)
    individuals = _names(individual_names, position.shape[1], "individual", "individuals")
    coords, time_unit = _time_coords(position.shape[0], fps, frame_array, time_array)
    coords.update(
        individuals=np.array(individuals, dtype=str),
        space=np.array(["x", "y"], dtype=str),
    )
    return xr.Dataset(
        {
            "position": (BBOXES_DIMS["position"], position),
            "shape": (BBOXES_DIMS["shape"], shape),
            "confidence": (BBOXES_DIMS["confidence"], confidence),
        },
        coords=coords,
        attrs=_base_attrs("bboxes", fps, time_unit, source_software),
    )


def require_contract_dims(ds: xr.Dataset, purpose: str) -> None:
    """Refuse a dataset whose ``position`` has dims beyond the contract's.

    File formats hold one value per time, individual, keypoint and coordinate;
    a dataset with extra dims (``layers``, ``views`` …) must be reduced to one
    item of each before it is written.

    Parameters
    ----------
    ds
        The dataset about to be written.
    purpose
        What is being done, for the error message (e.g. ``"writing a DeepLabCut file"``).

    Raises
    ------
    InvalidDatasetError
        Naming the extra dims and how to select one item of them.
    """
    contract = POSES_DIMS if ds.attrs.get("ds_type", "poses") == "poses" else BBOXES_DIMS
    extra = [d for d in ds["position"].dims if d not in contract["position"]]
    if extra:
        raise InvalidDatasetError(
            f"{purpose} holds one {contract['position']} array, but 'position' also has "
            f"the dims {extra}; select one item of each first (e.g. ds.isel({extra[0]}=0))"
        )


# --------------------------------------------------------------------------- #
# validation
# --------------------------------------------------------------------------- #
def validate_dataset(ds: xr.Dataset, ds_type: str | None = None) -> xr.Dataset:
    """Check that ``ds`` follows the dataset contract; return it unchanged.

    Dimension order is not checked (functions find axes by name), but every
    required variable must carry its required dimensions, and may carry extra
    ones (``layers``, ``views`` …).

    Parameters
    ----------
    ds
        The dataset to check.
    ds_type
        ``"poses"`` or ``"bboxes"``; taken from ``ds.attrs["ds_type"]`` if omitted.

    Returns
    -------
    xarray.Dataset
        ``ds`` itself, unchanged, so that the call can be chained.

    Raises
    ------
    InvalidDatasetError
        Saying what was expected and what was found.
    """
    if not isinstance(ds, xr.Dataset):
        raise InvalidDatasetError(f"expected an xarray.Dataset, got {type(ds).__name__}")
    found_type = ds.attrs.get("ds_type")
    ds_type = ds_type or found_type
    if ds_type not in ("poses", "bboxes"):
        raise InvalidDatasetError(
            f"attrs['ds_type'] must be 'poses' or 'bboxes', found {found_type!r}"
        )
    if found_type is not None and found_type != ds_type:
        raise InvalidDatasetError(f"expected a {ds_type} dataset, found ds_type={found_type!r}")
    required = POSES_DIMS if ds_type == "poses" else BBOXES_DIMS
    for name, dims in required.items():
        if name not in ds.data_vars:
            raise InvalidDatasetError(
                f"a {ds_type} dataset needs the variable '{name}' with dims {dims}; "
                f"found variables {sorted(map(str, ds.data_vars))}"
            )
        missing = [d for d in dims if d not in ds[name].dims]
        if missing:
            raise InvalidDatasetError(
                f"'{name}' must have dims {dims}, found {ds[name].dims} (missing {missing})"
            )
        if ds[name].dtype.kind != "f":
            raise InvalidDatasetError(f"'{name}' must be float, found dtype {ds[name].dtype}")
    space = [str(s) for s in ds["space"].values] if "space" in ds.coords else None
    allowed_space = [["x", "y"], ["x", "y", "z"]] if ds_type == "poses" else [["x", "y"]]
    if space not in allowed_space:
        raise InvalidDatasetError(
            f"'space' coordinate must be one of {allowed_space}, found {space}"
        )
    for dim in ("individuals", "keypoints") if ds_type == "poses" else ("individuals",):
        if dim not in ds.coords:
            raise InvalidDatasetError(f"the '{dim}' dimension needs a coordinate of names")
        values = [str(v) for v in ds[dim].values]
        if len(set(values)) != len(values):
            raise InvalidDatasetError(f"'{dim}' names must be unique, found {values}")
    if "time" not in ds.coords:
        raise InvalidDatasetError("the 'time' dimension needs a coordinate")
    time = ds["time"].values
    if time.size > 1 and not np.all(np.diff(time.astype(np.float64)) > 0):
        raise InvalidDatasetError("the 'time' coordinate must be strictly increasing")
    if "frame" in ds.coords:
        if ds["frame"].dims != ("time",) or ds["frame"].dtype.kind not in "iu":
            raise InvalidDatasetError(
                f"'frame' must be an integer coordinate along 'time', found dims "
                f"{ds['frame'].dims} and dtype {ds['frame'].dtype}"
            )
    time_unit = ds.attrs.get("time_unit")
    if time_unit not in ("seconds", "frames"):
        raise InvalidDatasetError(
            f"attrs['time_unit'] must be 'seconds' or 'frames', found {time_unit!r}"
        )
    if "fps" in ds.attrs:
        _check_fps(ds.attrs["fps"])
    unsafe = [k for k, v in ds.attrs.items() if not is_netcdf_safe(v)]
    if unsafe:
        raise InvalidDatasetError(
            f"attrs {unsafe} are not netCDF-safe (use str, int or float; "
            "see movement_like.dataset.netcdf_safe_attrs)"
        )
    return ds


def validate_poses(ds: xr.Dataset) -> xr.Dataset:
    """Check that ``ds`` is a valid poses dataset (see :func:`validate_dataset`).

    Parameters
    ----------
    ds
        The dataset to check.

    Returns
    -------
    xarray.Dataset
        ``ds`` itself, unchanged, so that the call can be chained.

    Raises
    ------
    InvalidDatasetError
        Saying what was expected and what was found.
    """
    return validate_dataset(ds, "poses")


def validate_bboxes(ds: xr.Dataset) -> xr.Dataset:
    """Check that ``ds`` is a valid bounding-boxes dataset (see :func:`validate_dataset`).

    Parameters
    ----------
    ds
        The dataset to check.

    Returns
    -------
    xarray.Dataset
        ``ds`` itself, unchanged, so that the call can be chained.

    Raises
    ------
    InvalidDatasetError
        Saying what was expected and what was found.
    """
    return validate_dataset(ds, "bboxes")
