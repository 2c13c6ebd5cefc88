"""The Save actions: a layer as DUSTrack JSON or any writable format, the whole state as ``.nc``.

Every write goes through our writers, so it is atomic and never replaces a
file unless ``overwrite=True`` (the widget asks the user first); what is
written reads back to the same data.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xarray as xr

from movement_like.errors import InvalidArgumentError
from movement_like.napari.convert import METADATA_KEY, layer_to_dataset
from movement_like.napari.regions import layer_to_regions

__all__ = ["save_layer", "save_state", "state_dataset", "movement_layers"]


def movement_layers(layers: Sequence[Any]) -> list[Any]:
    """Return the Points and Tracks layers among ``layers`` that hold one of our datasets.

    Parameters
    ----------
    layers
        napari layers, e.g. ``viewer.layers``.

    Returns
    -------
    list
        The layers that carry our dataset template in their metadata, in order.
    """
    return [
        layer
        for layer in layers
        if type(layer).__name__ in ("Points", "Tracks")
        and "template" in getattr(layer, "metadata", {}).get(METADATA_KEY, {})
    ]


def save_layer(
    layer: Any, path: str | os.PathLike, to: str | None = None, overwrite: bool = False
) -> Any:
    """Write one napari layer (with its edits) with our writers.

    Parameters
    ----------
    layer
        A Points or Tracks layer made by this package.
    path
        Target file; its suffix chooses the format unless ``to`` is given
        (``.json`` = a DUSTrack layer, ``.nc``, ``.h5``/``.csv`` = DeepLabCut, ...).
    to
        Format name, e.g. ``"DUSTrack"`` or ``"DeepLabCut"``.
    overwrite
        Replace an existing file.

    Returns
    -------
    Any
        What the writer returns (the path written).
    """
    from movement_like.io.registry import save

    ds = layer_to_dataset(layer)
    target = Path(path).expanduser()
    if to is None and target.suffix.lower() == ".json":
        to = "DUSTrack"
    return save(ds, target, to=to, overwrite=overwrite)


def state_dataset(
    layers: Sequence[Any],
    frames_of_interest: Sequence[int] = (),
    regions_layers: Sequence[Any] = (),
) -> xr.Dataset:
    """Gather the session in one dataset: every layer on ``layers``, plus FOIs and regions.

    Parameters
    ----------
    layers
        Napari layers; those made by this package are kept, in order.
    frames_of_interest
        Frames of interest to store (``frames_of_interest`` attribute).
    regions_layers
        Shapes layers whose shapes are stored as regions of interest.

    Returns
    -------
    xarray.Dataset
        One layer: its dataset; several: stacked along ``layers`` (union of
        keypoints and individuals, NaN where a layer lacks one).
    """
    from movement_like.annotations import set_frames_of_interest
    from movement_like.roi import set_regions

    ours = movement_layers(layers)
    if not ours:
        raise InvalidArgumentError("no movement_like Points or Tracks layer to save")
    datasets = [layer_to_dataset(layer) for layer in ours]
    if len(datasets) == 1:
        state = datasets[0]
    else:
        names = [str(layer.name) for layer in ours]
        state = xr.concat(
            [d.drop_attrs() if hasattr(d, "drop_attrs") else d for d in datasets],
            dim=xr.DataArray(names, dims="layers", name="layers"),
            join="outer",
            combine_attrs="drop",
        )
        state.attrs = {k: v for k, v in datasets[0].attrs.items() if k != "layer"}
    if frames_of_interest:
        state = set_frames_of_interest(state, frames_of_interest)
    regions = [r for layer in regions_layers for r in layer_to_regions(layer)]
    if regions:
        state = set_regions(state, regions)
    return state


def save_state(
    layers: Sequence[Any],
    path: str | os.PathLike,
    frames_of_interest: Sequence[int] = (),
    regions_layers: Sequence[Any] = (),
    overwrite: bool = False,
) -> Path:
    """Write the whole session (see :func:`state_dataset`) as a netCDF file.

    Parameters
    ----------
    layers, frames_of_interest, regions_layers
        As for :func:`state_dataset`.
    path
        The ``.nc`` file.
    overwrite
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    from movement_like.io import save_netcdf

    state = state_dataset(layers, frames_of_interest, regions_layers)
    return Path(save_netcdf(state, path, overwrite=overwrite) or path)
