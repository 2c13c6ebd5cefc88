"""The registry of file formats and the dispatch behind ``from_file`` and ``to_file``.

The registry imports every built-in format module and lists one
:class:`~movement_like.io.formats.common.FileFormat` per format (the
sniffer, reader and writer are plain functions of the format's module, so a
call from ``load_poses.from_file`` to a reader is plain imports all the way).
Format modules never import the registry: what they share lives in
:mod:`movement_like.io.formats.common`.

Third-party formats join in two ways, as xarray's backends do:

* an entry point in the group ``movement_like.formats`` (read the first time
  the formats are listed, so ``import movement_like.io`` stays fast), naming an
  object that follows :class:`~movement_like.io.formats.common.Format` (or a
  class whose instances do); :mod:`movement_like.io.plugins` reads and checks them;
* a call to :func:`register_format`.

Order matters: :func:`detect_format` tries the formats whose suffix matches
first, in registry order, and the first sniffer that says yes wins. A more
specific format comes before the more general one that shares its suffix
(LightningPose before DeepLabCut); plug-ins come after the built-in formats
unless they name one to be sniffed before (``sniff_before``).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from dataclasses import replace as replaced
from pathlib import Path
from typing import Any

from movement_like.errors import FileFormatError, InvalidArgumentError, PathNotFoundError
from movement_like.io import netcdf, zarr
from movement_like.io.formats import (
    anipose,
    dlc,
    dustrack,
    idtracker,
    lightningpose,
    nwb,
    sleap,
    via,
)
from movement_like.io.formats.common import HDF5_MAGIC, FileFormat, FileHead, Format
from movement_like.io.plugins import (
    ENTRY_POINT_GROUP,
    as_file_format,
    entry_point_formats,
    insert_format,
)
from movement_like.utils.checks import check_fps

__all__ = [
    "ENTRY_POINT_GROUP",
    "HDF5_MAGIC",
    "FileFormat",
    "FileHead",
    "Format",
    "register_format",
    "refresh_formats",
    "list_formats",
    "find_format",
    "detect_format",
]


#: The formats that ship with movement_like, in sniffing order.
BUILTIN_FORMATS: tuple[FileFormat, ...] = (
    FileFormat(
        "netCDF",
        ("poses", "bboxes"),
        (".nc", ".nc4", ".netcdf"),
        sniff=netcdf.sniff,
        read=netcdf.read,
        write=netcdf.write,
        aliases=("movement", "movement_like"),
    ),
    # a folder: tried before idtracker.ai, whose session folders are any folder
    FileFormat(
        "zarr",
        ("poses", "bboxes"),
        (".zarr",),
        sniff=zarr.sniff,
        read=zarr.read,
        write=zarr.write,
    ),
    # SLEAP comes first so that saving "*.analysis.h5" picks its writer ("*.h5": DeepLabCut).
    FileFormat(
        "SLEAP",
        ("poses",),
        (".slp", ".analysis.h5"),
        sniff=sleap.sniff,
        read=sleap.read,
        write=sleap.write,
    ),
    # LightningPose is sniffed before DeepLabCut (its CSVs are DLC-style), but saving "*.csv"
    # by suffix alone writes DeepLabCut; LightningPose is written when named (to="LP").
    FileFormat(
        "LightningPose",
        ("poses",),
        (".csv",),
        sniff=lightningpose.sniff,
        read=lightningpose.read,
        write=lightningpose.write,
        aliases=("LP", "lightning-pose"),
        write_by_suffix=False,
    ),
    FileFormat(
        "DeepLabCut",
        ("poses",),
        (".h5", ".csv"),
        sniff=dlc.sniff,
        read=dlc.read,
        write=dlc.write,
        aliases=("DLC",),
    ),
    FileFormat(
        "Anipose",
        ("poses",),
        (".csv",),
        sniff=anipose.sniff,
        read=anipose.read,
        write=anipose.write,
    ),
    FileFormat(
        "NWB",
        ("poses",),
        (".nwb",),
        sniff=nwb.sniff,
        read=nwb.read,
        write=nwb.write,
        aliases=("ndx-pose",),
    ),
    FileFormat(
        "idtracker.ai",
        ("poses",),
        (".npy", ".h5", ".pickle", ".csv", "/"),
        sniff=idtracker.sniff,
        read=idtracker.read,
        aliases=("idtracker", "idtrackerai"),
    ),
    FileFormat(
        "VIA-tracks",
        ("bboxes",),
        (".csv",),
        sniff=via.sniff,
        read=via.read,
        write=via.write,
        aliases=("VIA", "VIA tracks", "via_tracks"),
    ),
    FileFormat(
        "DUSTrack",
        ("poses",),
        (".json",),
        sniff=dustrack.sniff,
        read=dustrack.read,
        write=dustrack.write,
        aliases=("dustrack-layer",),
    ),
)

#: Formats added with :func:`register_format`, in call order, with their ``replace`` flag.
_registered: list[tuple[FileFormat, bool]] = []
#: The current list (built-in + entry points + registered), built on first use.
_formats: list[FileFormat] | None = None


# --------------------------------------------------------------------------- #
# plug-ins (checked and read by movement_like.io.plugins)
# --------------------------------------------------------------------------- #
def register_format(fmt: Any, *, before: str | None = None, replace: bool = False) -> FileFormat:
    """Add a file format to the registry, so ``from_file`` and ``to_file`` can use it.

    Parameters
    ----------
    fmt
        Anything :func:`as_file_format` accepts: a :class:`FileFormat`, or an
        object (or class) with the members of :class:`Format`.
    before
        Name of a registered format to sniff this one before (default:
        ``fmt.sniff_before``, else after every other format).
    replace
        Replace a registered format of the same name (or alias). Without it,
        a name that is taken is refused.

    Returns
    -------
    FileFormat
        The format as registered.

    Raises
    ------
    InvalidArgumentError
        If the name or an alias is taken (and ``replace`` is false), or
        ``before`` names no registered format.
    ArgumentTypeError
        If ``fmt`` does not follow :class:`Format`.

    Examples
    --------
    >>> from movement_like.io.registry import FileFormat, register_format
    >>> register_format(
    ...     FileFormat("MyTracker", ("poses",), (".mtr",), sniff=my_sniff, read=my_read)
    ... )  # doctest: +SKIP
    """
    global _formats
    new = as_file_format(fmt)
    if before is not None:
        new = replaced(new, sniff_before=before)
    formats = list_formats()
    insert_format(formats, new, replace)  # raises before anything is kept
    _registered.append((new, replace))  # replayed when refresh_formats() rebuilds the list
    _formats = formats
    return new


def refresh_formats() -> None:
    """Read the entry points again (after installing a plug-in in a running session).

    The formats added with :func:`register_format` stay.
    """
    global _formats
    _formats = None


def list_formats() -> list[FileFormat]:
    """All registered formats, in sniffing order.

    Returns
    -------
    list of FileFormat
        The built-in formats, then the plug-ins (entry points, then
        :func:`register_format` calls), each placed before the format it names
        in ``sniff_before``.
    """
    global _formats
    if _formats is None:
        formats = list(BUILTIN_FORMATS)
        for plugin in entry_point_formats():
            try:
                insert_format(formats, plugin, replace=False)
            except InvalidArgumentError as exc:
                warnings.warn(
                    f"movement_like: skipped a format plug-in: {exc}", RuntimeWarning, stacklevel=2
                )
        for fmt, replace in _registered:
            insert_format(formats, fmt, replace)
        _formats = formats
    return list(_formats)


def supported_names(kind: str | None = None) -> list[str]:
    """Names of the formats that can be read (for error messages)."""
    return [f.name for f in list_formats() if kind is None or kind in f.kinds]


def find_format(name: str, kind: str | None = None, need: str = "reader") -> FileFormat:
    """Return the format called ``name`` (or one of its aliases).

    Parameters
    ----------
    name
        A format name or alias (case-insensitive).
    kind
        Only formats holding this dataset type (``"poses"``, ``"bboxes"``).
    need
        ``"reader"`` or ``"writer"``: only formats that can read / write.

    Returns
    -------
    FileFormat
        The format.

    Raises
    ------
    FileFormatError
        Listing the supported names when ``name`` is unknown.
    """
    if need not in ("reader", "writer"):
        raise InvalidArgumentError(f"need must be 'reader' or 'writer', got {need!r}")

    def usable(fmt: FileFormat) -> bool:
        able = fmt.write is not None if need == "writer" else True
        return able and (kind is None or kind in fmt.kinds)

    for fmt in list_formats():
        if fmt.matches_name(name) and usable(fmt):
            return fmt
    known = [f.name for f in list_formats() if usable(f)]
    action = "read" if need == "reader" else "written"
    raise FileFormatError(
        None,
        f"unknown format {name!r} for {kind or 'datasets'} to be {action}",
        f"supported: {', '.join(known)}",
    )


def detect_format(path: str | os.PathLike, kind: str | None = None) -> FileFormat:
    """Guess the format of ``path`` from its name and first bytes.

    Formats whose suffix matches are tried first, then all others, each with
    its cheap sniffer.

    Parameters
    ----------
    path
        The file (or folder).
    kind
        Only formats holding this dataset type.

    Returns
    -------
    FileFormat
        The first format whose sniffer recognises the file.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    FileFormatError
        If no registered format recognises the file; lists the supported ones.
    """
    target = Path(path).expanduser()
    if not target.exists():
        raise PathNotFoundError(f"{target}: no such file or folder")
    head = FileHead.of(target)
    candidates = [f for f in list_formats() if kind is None or kind in f.kinds]
    ordered = [f for f in candidates if f.matches_suffix(target)]
    ordered += [f for f in candidates if f not in ordered]
    for fmt in ordered:
        if _sniffs(fmt, head):
            return fmt
    names = ", ".join(supported_names(kind))
    problem = f"not a {kind or 'pose or bbox'} file format that movement_like recognises"
    damage = _damage(head)
    if damage:
        problem = f"{damage}, so its format cannot be recognised"
    raise FileFormatError(
        target,
        problem,
        f"supported formats: {names}; pass source_software=... if the file is one of them",
    )


def _sniffs(fmt: FileFormat, head: FileHead) -> bool:
    """Ask one sniffer; a sniffer that fails counts as "not this format"."""
    try:
        return bool(fmt.sniff(head))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    except Exception as exc:
        if fmt.origin == "movement_like":
            raise
        warnings.warn(
            f"movement_like: the sniffer of format {fmt.name!r} ({fmt.origin}) failed on "
            f"{head.path}: {exc!r}; treated as not this format",
            RuntimeWarning,
            stacklevel=4,
        )
        return False


def _damage(head: FileHead) -> str | None:
    """Say why a file that looks like HDF5 could not be sniffed (truncated, damaged)."""
    if head.h5_error is None:
        return None
    return (
        f"it starts like an HDF5 file but cannot be opened (truncated or damaged? {head.h5_error})"
    )


def load(
    path: str | os.PathLike,
    source_software: str = "auto",
    fps: float | None = None,
    kind: str | None = None,
    **kwargs: Any,
):
    """Load ``path`` with the reader of its (given or detected) format.

    Parameters
    ----------
    path
        The file (or folder).
    source_software
        ``"auto"`` to detect the format, else its name or alias.
    fps
        Frames per second, for formats that do not store it.
    kind
        Only formats holding this dataset type.
    **kwargs
        Passed on to the reader.

    Returns
    -------
    xarray.Dataset
        What the reader returns.

    Raises
    ------
    ArgumentTypeError, InvalidArgumentError
        When ``fps`` is not a positive finite number (``True`` is not 1.0);
        checked here, once, before any reader runs.
    """
    fps = check_fps(fps)
    if source_software in (None, "auto"):
        fmt = detect_format(path, kind)
    else:
        fmt = find_format(source_software, kind)
        if not Path(path).expanduser().exists():
            raise PathNotFoundError(f"{Path(path)}: no such file or folder")
    return fmt.read(path, fps=fps, **kwargs)


def save(ds, path: str | os.PathLike, to: str | None = None, overwrite: bool = False, **kwargs):
    """Write ``ds`` with the writer named by ``to``, else the one of the suffix of ``path``.

    Parameters
    ----------
    ds
        The dataset.
    path
        Where to write.
    to
        A format name or alias; by default the format is told by the suffix.
    overwrite
        Replace an existing file.
    **kwargs
        Passed on to the writer.

    Returns
    -------
    Any
        What the writer returns (the path, or the paths, written).
    """
    kind = ds.attrs.get("ds_type")
    if to is not None:
        fmt = find_format(to, kind, need="writer")
    else:
        target = Path(path)
        matching = [
            f
            for f in list_formats()
            if f.write is not None
            and f.write_by_suffix
            and (kind is None or kind in f.kinds)
            and f.matches_suffix(target)
        ]
        if not matching:
            writable = ", ".join(
                f"{f.name} ({'/'.join(f.suffixes)})"
                for f in list_formats()
                if f.write is not None and (kind is None or kind in f.kinds)
            )
            raise FileFormatError(
                target,
                "cannot tell which format to write from the file name",
                f"use a suffix or pass to=...; writable formats: {writable}",
            )
        fmt = matching[0]
    write: Callable[..., Any] | None = fmt.write
    assert write is not None
    return write(ds, path, overwrite=overwrite, **kwargs)
