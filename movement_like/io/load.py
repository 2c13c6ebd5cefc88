"""Load any supported file, or several camera views of one session: ``movement``'s entry points.

:func:`load_dataset` and :func:`load_multiview_dataset` take the arguments of
``movement.io.load_dataset`` / ``load_multiview_dataset`` (``file``, an open
``pynwb.NWBFile``, ``source_software``, ``fps``) as well as ours (``path``).
The format readers do the work, through the registry
(:mod:`movement_like.io.registry`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import xarray as xr

from movement_like.errors import InvalidArgumentError
from movement_like.io import registry
from movement_like.io._arguments import take_one
from movement_like.io.formats.nwb import from_nwb_file

__all__ = ["load_dataset", "load_multiview_dataset", "VIEWS_DIM"]

#: The dim that :func:`load_multiview_dataset` stacks the views along (``movement``
#: calls it ``view``; analysis functions accept both spellings).
VIEWS_DIM = "views"


def _is_nwb_object(value: Any) -> bool:
    items = value if isinstance(value, (list, tuple)) else [value]
    return bool(items) and all(type(item).__name__ == "NWBFile" for item in items)


def load_dataset(
    path: str | os.PathLike | Any = None,
    source_software: str = "auto",
    fps: float | None = None,
    kind: str | None = None,
    *,
    file: str | os.PathLike | Any = None,
    file_path: str | os.PathLike | None = None,
    **kwargs: Any,
) -> xr.Dataset:
    """Load a poses or bounding-boxes file of any supported format.

    Parameters
    ----------
    path, file, file_path
        The file (or folder), or an open ``pynwb.NWBFile`` (or a list of them)
        as ``movement``'s ``load_dataset`` takes; ``file`` is ``movement``'s
        spelling, ``file_path`` is accepted too. Pass one of the three.
    source_software
        ``"auto"`` (default) detects the format; or a format name or alias
        (``"DeepLabCut"``, ``"SLEAP"``, ``"NWB"``, ...).
    fps
        Frames per second, for formats that do not store it. For NWB it is
        used only when the file has neither rate nor timestamps.
    kind
        ``"poses"`` or ``"bboxes"``: only formats holding that dataset type.
    **kwargs
        Passed on to the format's reader.

    Returns
    -------
    xarray.Dataset
        Our layout (:mod:`movement_like.dataset`).

    Raises
    ------
    FileFormatError
        If the format is not recognised or the file is malformed.
    InvalidArgumentError
        If an ``NWBFile`` object comes with a ``source_software`` other than NWB.
    """
    where = take_one("load_dataset", {"path": path, "file": file, "file_path": file_path})
    if _is_nwb_object(where):
        if source_software not in (None, "auto") and str(source_software).lower() != "nwb":
            raise InvalidArgumentError(
                f"an NWBFile object was given with source_software={source_software!r}; "
                "pass source_software='NWB' or 'auto'"
            )
        return from_nwb_file(where, fps=fps, **kwargs)
    return registry.load(where, source_software=source_software, fps=fps, kind=kind, **kwargs)


def load_multiview_dataset(
    file_dict: Mapping[str, str | os.PathLike],
    source_software: str = "auto",
    fps: float | None = None,
    **kwargs: Any,
) -> xr.Dataset:
    """Load one file per camera view and stack them along a new ``views`` dim.

    Parameters
    ----------
    file_dict
        View name → file, e.g. ``{"left": "left.h5", "right": "right.h5"}``.
    source_software, fps, **kwargs
        As in :func:`load_dataset`, for every file.

    Returns
    -------
    xarray.Dataset
        The datasets concatenated along ``views`` (coordinate: the view
        names), which leads the other dims as extra dims do in our layout.
        ``movement`` names this dim ``view``; our analysis functions accept
        both, and :func:`~movement_like.io.movement_compat.to_movement` writes
        ``view``. Attributes are those of the first view.

    Raises
    ------
    InvalidArgumentError
        If ``file_dict`` is empty.
    ValueError
        If the views do not share their ``time`` coordinates (``join="exact"``),
        or their individuals, keypoints or space labels.
    """
    if not file_dict:
        raise InvalidArgumentError("file_dict is empty: give one file per view")
    names = [str(name) for name in file_dict]
    datasets = [
        load_dataset(file, source_software=source_software, fps=fps, **kwargs)
        for file in file_dict.values()
    ]
    views = xr.DataArray(names, dims=VIEWS_DIM)
    combined = xr.concat(datasets, dim=views, join="exact", combine_attrs="override")
    return combined.transpose(VIEWS_DIM, ...)
