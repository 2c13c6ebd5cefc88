"""Save bounding-boxes datasets (atomic, no overwrite unless asked).

The facades take ``movement``'s spellings as well as ours: ``file_path=`` for
``path=``, and for the VIA writer ``image_file_prefix`` / ``image_file_suffix``
/ ``frame_n_digits`` for ``filename_prefix`` / ``filename_suffix`` / ``digits``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import xarray as xr

from movement_like.errors import ArgumentTypeError
from movement_like.io import netcdf, registry
from movement_like.io._arguments import accepts_file_aliases, take_one
from movement_like.io.formats import via

__all__ = ["to_file", "to_netcdf", "to_via_tracks_file"]

to_netcdf = accepts_file_aliases(netcdf.save_netcdf)
"""netCDF writer (:func:`movement_like.io.netcdf.save_netcdf`)."""
_via_writer = accepts_file_aliases(via.to_via_tracks_file)


def to_via_tracks_file(
    ds: xr.Dataset,
    *args: Any,
    image_file_prefix: str | None = None,
    image_file_suffix: str | None = None,
    frame_n_digits: int | None = None,
    **kwargs: Any,
) -> Path:
    """Write a VIA tracks CSV (see :func:`movement_like.io.formats.via.to_via_tracks_file`).

    Also takes ``movement``'s spellings: ``file_path`` for ``path``,
    ``image_file_prefix`` (``None`` = none), ``image_file_suffix`` (with or
    without its dot) and ``frame_n_digits`` for ``filename_prefix``,
    ``filename_suffix`` and ``digits``.

    Parameters
    ----------
    ds
        The bounding-boxes dataset to write.
    *args
        Passed on to the VIA writer (first the path, as ``path`` or ``file_path``).
    image_file_prefix
        movement's name for ``filename_prefix``: the text before each frame number.
    image_file_suffix
        movement's name for ``filename_suffix``: the image extension (a dot is added).
    frame_n_digits
        movement's name for ``digits``: how many digits the frame number is padded to.
    **kwargs
        Passed on to the VIA writer (``path``, ``overwrite``, ...).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    theirs = {
        "filename_prefix": image_file_prefix,
        "filename_suffix": image_file_suffix,
        "digits": frame_n_digits,
    }
    for ours, value in theirs.items():
        if value is None:
            continue
        if ours in kwargs:
            raise ArgumentTypeError(f"to_via_tracks_file() got {ours!r} twice, under two spellings")
        if ours == "filename_suffix" and value and not str(value).startswith("."):
            value = f".{value}"
        kwargs[ours] = value
    return _via_writer(ds, *args, **kwargs)


def to_file(
    ds: xr.Dataset,
    path: str | os.PathLike | None = None,
    to: str | None = None,
    overwrite: bool = False,
    *,
    file: str | os.PathLike | None = None,
    file_path: str | os.PathLike | None = None,
    **kwargs: Any,
) -> Any:
    """Write a bounding-boxes dataset in the format named by ``to`` or by the suffix.

    ``file_path`` and ``file`` are ``movement``'s spellings of ``path``; pass one.

    Parameters
    ----------
    ds
        The bounding-boxes dataset to write.
    path, file, file_path
        Where to write; ``file`` and ``file_path`` are ``movement``'s spellings
        (pass one of the three).
    to
        The format's name; None picks it from the suffix of ``path``.
    overwrite
        Replace an existing file; by default an existing file is refused.
    **kwargs
        Passed on to the format's writer.

    Returns
    -------
    pathlib.Path or list of pathlib.Path
        What the writer returns: the path, or the paths, written.
    """
    where = take_one("to_file", {"path": path, "file": file, "file_path": file_path})
    return registry.save(ds, Path(where), to=to, overwrite=overwrite, **kwargs)
