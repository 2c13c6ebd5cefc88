"""Choosing what a plot shows: the individuals, and the centroid of the chosen keypoints."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import xarray as xr

from movement_like.utils.dims import to_contract_dims

#: The dims a plot of positions knows how to reduce.
KNOWN_DIMS = ("time", "individuals", "keypoints", "space")


def centroid(
    da: xr.DataArray,
    keypoints: Hashable | Sequence[Hashable] | None,
    what: str,
) -> xr.DataArray:
    """``da`` in our dim names, with the chosen keypoints averaged (NaN skipped).

    Raises
    ------
    ValueError
        If ``da`` has no ``space`` or ``time`` dim, or has dims a plot cannot
        reduce (``layers``, ``views`` ...): the message says how to pick one value.
    """
    data, _ = to_contract_dims(da)
    missing = [d for d in ("time", "space") if d not in data.dims]
    if missing:
        raise ValueError(
            f"{what} needs a DataArray with dims 'time' and 'space'; missing {missing}"
        )
    extra = [str(d) for d in data.dims if d not in KNOWN_DIMS]
    if extra:
        example = ", ".join(f"{d}=..." for d in extra)
        raise ValueError(
            f"{what} cannot tell how to combine the dims {extra}; select one value of each "
            f"first, e.g. da.sel({example})"
        )
    if "keypoints" in data.dims:
        if keypoints is not None:
            data = data.sel(keypoints=_as_selection(keypoints))
        if "keypoints" in data.dims:
            data = data.mean("keypoints", skipna=True, keep_attrs=True)
    return data


def _as_selection(value: Any) -> Any:
    """Return a list for a sequence of labels, else the label (``sel`` then drops the dim)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        return value
    return list(value)


def xy_labels(data: xr.DataArray) -> tuple[Hashable, Hashable]:
    """Return the first two ``space`` labels (``x``, ``y``), whatever they are called."""
    labels = data["space"].values if "space" in data.coords else [0, 1]
    if len(labels) < 2:
        raise ValueError(f"a plot needs 2 spatial coordinates, the data has {len(labels)}")
    return labels[0], labels[1]


def select_space(data: xr.DataArray, label: Hashable) -> xr.DataArray:
    """Select one space label of ``data`` (by position when ``space`` has no coordinate)."""
    if "space" in data.coords:
        return data.sel(space=label)
    return data.isel(space=int(label))  # type: ignore[call-overload]
