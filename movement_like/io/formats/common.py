"""What every file format shares: the file head sniffers look at, and what a format provides.

This is the leaf of the I/O layer, like xarray's ``backends/common.py``: format
modules (ours and third-party plug-ins) import it, the registry
(:mod:`movement_like.io.registry`) imports it and the formats, and it imports
no format and no registry.

* :class:`FileHead` is all a sniffer may look at: the first bytes, the first
  text lines, or the top-level keys and attributes of an HDF5 file, read once
  and cached, so detecting a format never parses a whole file.
* :class:`Format` is the typed protocol of a format: a ``name``, the dataset
  ``kinds`` it holds, its file ``suffixes``, and its ``sniff``, ``read`` and
  ``write`` functions. Anything with these members can be registered.
* :class:`FileFormat` is the plain record that implements it; the built-in
  formats are ``FileFormat`` objects, and plug-ins may use it too.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

__all__ = ["HDF5_MAGIC", "KINDS", "FileHead", "Format", "FileFormat"]

#: The first eight bytes of every HDF5 file (so of netCDF-4, NWB, SLEAP and DLC ``.h5``).
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"

#: The dataset types a format may hold (``attrs["ds_type"]`` of what it reads).
KINDS = ("poses", "bboxes")


class FileHead:
    """What sniffers may look at: the start of a file, read once and cached.

    Sniffers must not parse a whole file; they get the first bytes, the first
    text lines, or the top-level keys of an HDF5 file.

    Parameters
    ----------
    path
        The file (or folder) to look at.

    Attributes
    ----------
    path : pathlib.Path
        The file.
    name : str
        Its name, lower case (for suffix tests such as ``name.endswith(".nwb")``).
    """

    n_bytes = 65536

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.name = self.path.name.lower()

    @classmethod
    def of(cls, path: str | os.PathLike) -> FileHead:
        """Return the head of ``path``, shared by detection and the reader after it.

        Heads are cached by path, size and modification time, so a reader that
        needs the same first bytes or HDF5 keys as the sniffer does not read
        them again, and a file changed on disk gets a fresh head.

        Parameters
        ----------
        path
            The file (or folder).

        Returns
        -------
        FileHead
            The cached head of this version of the file.
        """
        target = Path(path).expanduser()
        stat = target.stat()
        return _cached_head(str(target.absolute()), stat.st_size, stat.st_mtime_ns)

    @property
    def is_dir(self) -> bool:
        """Whether the path is a folder."""
        return self.path.is_dir()

    @cached_property
    def bytes(self) -> bytes:
        """The first :attr:`n_bytes` bytes (empty for a folder)."""
        if self.is_dir:
            return b""
        with open(self.path, "rb") as handle:
            return handle.read(self.n_bytes)

    @cached_property
    def is_hdf5(self) -> bool:
        """Whether the file starts with the HDF5 signature."""
        return self.bytes.startswith(HDF5_MAGIC)

    def lines(self, count: int = 5) -> list[str]:
        """Return the first ``count`` text lines (without line ends); [] if not text.

        Parameters
        ----------
        count
            How many lines, at most.

        Returns
        -------
        list of str
            The lines; a last line cut by the :attr:`n_bytes` limit is left out.
        """
        if b"\x00" in self.bytes[:4096]:
            return []
        text = self.bytes.decode("utf-8", errors="replace").lstrip("\ufeff")
        lines = text.splitlines()
        if len(self.bytes) == self.n_bytes and lines:  # the last line may be cut
            lines = lines[:-1]
        return lines[:count]

    @cached_property
    def _h5_summary(
        self,
    ) -> tuple[dict[str, str], dict[str, Any], dict[str, dict[str, Any]], str | None]:
        """Top-level keys, root and group attributes, and open error, read in one opening."""
        if not self.is_hdf5:
            return {}, {}, {}, None
        import h5py

        from movement_like.errors import FileFormatError
        from movement_like.io.hdf5 import HDF5_ERRORS, check_heaps

        try:
            check_heaps(self.path)  # HDF5 loops forever on a damaged heap
        except FileFormatError as exc:
            return {}, {}, {}, exc.problem
        try:
            with h5py.File(self.path, "r") as file:
                keys = {key: _kind_of(file, key) for key in file.keys()}
                groups = {
                    key: _scalar_attrs(file, key) for key, kind in keys.items() if kind == "group"
                }
                return keys, _root_attrs(file), groups, None
        except HDF5_ERRORS as exc:  # damaged blocks raise OSError or RuntimeError
            return {}, {}, {}, f"{type(exc).__name__}: {exc}"

    @property
    def h5_keys(self) -> dict[str, str]:
        """Top-level HDF5 names mapped to their kind; {} if not HDF5.

        The kinds: ``"group"``, ``"dataset"``, ``"external"`` (a link to another
        file, never followed here) and ``"broken"``, which marks a link that
        cannot be followed (a soft-link loop, a dangling link, a damaged header): sniffers may still
        recognise the file by its other names, and its reader then says what is
        wrong.
        """
        return self._h5_summary[0]

    @property
    def h5_root_attrs(self) -> dict[str, Any]:
        """Root attributes of an HDF5 file; {} if not HDF5 or unreadable."""
        return self._h5_summary[1]

    @property
    def h5_group_attrs(self) -> dict[str, dict[str, Any]]:
        """Scalar attributes of each top-level HDF5 group (bytes decoded); {} if none."""
        return self._h5_summary[2]

    @property
    def h5_error(self) -> str | None:
        """Why a file with the HDF5 signature could not be opened; None if it could."""
        return self._h5_summary[3]


@lru_cache(maxsize=16)
def _cached_head(path: str, size: int, mtime_ns: int) -> FileHead:
    """One :class:`FileHead` per file version (see :meth:`FileHead.of`)."""
    del size, mtime_ns  # part of the cache key only
    return FileHead(path)


def _kind_of(file: Any, key: str) -> str:
    """``"group"``, ``"dataset"``, ``"external"`` (not followed) or ``"broken"``."""
    import h5py

    from movement_like.io.hdf5 import HDF5_ERRORS

    try:
        if isinstance(file.get(key, getlink=True), h5py.ExternalLink):
            return "external"
        kind = file.get(key, getclass=True)
    except HDF5_ERRORS:  # a soft-link loop, a broken external link, a damaged header
        return "broken"
    if kind is None:
        return "broken"
    return "group" if kind is h5py.Group else "dataset"


def _scalar_attrs(file: Any, key: str) -> dict[str, Any]:
    """Return the scalar attributes of the group ``key`` ({} when unreadable)."""
    from movement_like.io.hdf5 import HDF5_ERRORS

    try:
        return {
            name: _decoded(value)
            for name, value in file[key].attrs.items()
            if isinstance(value, (str, bytes, int, float, np.generic))
        }
    except HDF5_ERRORS:
        return {}


def _root_attrs(file: Any) -> dict[str, Any]:
    """Return the root attributes ({} when unreadable)."""
    from movement_like.io.hdf5 import HDF5_ERRORS

    try:
        return dict(file.attrs)
    except HDF5_ERRORS:
        return {}


def _decoded(value: Any) -> Any:
    """Return an HDF5 attribute value with bytes decoded to str (bad UTF-8 replaced)."""
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else value


#: ``sniff(head) -> bool``: whether the file whose :class:`FileHead` is given has this format.
Sniffer = Callable[[FileHead], bool]
#: ``read(path, fps=None, **kwargs) -> xarray.Dataset``.
Reader = Callable[..., "xr.Dataset"]
#: ``write(ds, path, overwrite=False, **kwargs)``, returning what was written.
Writer = Callable[..., Any]


@runtime_checkable
class Format(Protocol):
    """What a file format provides to the registry (a structural type: no base class needed).

    Attributes
    ----------
    name
        The ``source_software`` users pass to ``from_file`` (``"DeepLabCut"``).
    kinds
        The dataset types it holds, from :data:`KINDS`: ``("poses",)``,
        ``("bboxes",)`` or both.
    suffixes
        File name endings it uses, lower case (``(".h5", ".csv")``); ``"/"``
        stands for a folder. Detection tries the formats whose suffix matches
        first; saving without ``to=`` picks the writer by suffix.
    sniff
        ``sniff(head) -> bool``: whether a file is of this format, from its
        :class:`FileHead` only (the first bytes, lines or HDF5 keys). It must
        be cheap, must not parse the file, and answers ``False`` (rather than
        raising) for files of other formats.
    read
        ``read(path, fps=None, **kwargs) -> xarray.Dataset``: a dataset that
        follows the contract (:func:`movement_like.dataset.validate_dataset`).
    write
        ``write(ds, path, overwrite=False, **kwargs)``, or ``None`` for a
        read-only format. It writes atomically and refuses to replace an
        existing file unless ``overwrite`` (:func:`movement_like.io.atomic.atomic_path`).
    """

    @property
    def name(self) -> str:
        """The format's name."""

    @property
    def kinds(self) -> tuple[str, ...]:
        """The dataset types it holds."""

    @property
    def suffixes(self) -> tuple[str, ...]:
        """Its file name endings."""

    @property
    def sniff(self) -> Sniffer:
        """Its sniffer."""

    @property
    def read(self) -> Reader:
        """Its reader."""

    @property
    def write(self) -> Writer | None:
        """Its writer, or None."""


@dataclass(frozen=True)
class FileFormat:
    """One file format known to ``movement_like``: an implementation of :class:`Format`.

    Attributes
    ----------
    name
        The ``source_software`` users pass to ``from_file`` (e.g. ``"DeepLabCut"``).
    kinds
        Dataset types it holds: ``("poses",)``, ``("bboxes",)`` or both.
    suffixes
        File name endings it uses, lower case, e.g. ``(".h5", ".csv")``.
        ``"/"`` stands for a folder.
    sniff
        ``sniff(head: FileHead) -> bool``.
    read
        ``read(path, fps=None, **kwargs) -> Dataset``.
    write
        ``write(ds, path, overwrite=False, **kwargs)``, or None.
    aliases
        Other accepted names (case-insensitive), e.g. ``("DLC",)``.
    write_by_suffix
        Whether saving picks this writer from the file suffix alone. False for a
        format whose files share the suffix and layout of a more common one
        (LightningPose CSVs are DeepLabCut CSVs): it is written only when named.
    sniff_before
        The name of a registered format this one must be sniffed before (a
        more specific format that shares its suffix, as LightningPose is to
        DeepLabCut); used when a plug-in is registered. None: sniffed last.
    origin
        Where the format comes from: ``"movement_like"`` for the built-in ones,
        the entry point or ``"register_format()"`` for plug-ins.
    """

    name: str
    kinds: tuple[str, ...]
    suffixes: tuple[str, ...]
    sniff: Sniffer
    read: Reader
    write: Writer | None = None
    aliases: tuple[str, ...] = ()
    write_by_suffix: bool = True
    sniff_before: str | None = None
    origin: str = "movement_like"

    @property
    def names(self) -> tuple[str, ...]:
        """The name and the aliases."""
        return (self.name, *self.aliases)

    def matches_name(self, name: str) -> bool:
        """Whether ``name`` names this format (case-insensitive).

        Parameters
        ----------
        name
            A format name or alias.

        Returns
        -------
        bool
            True when it is the name or one of the aliases.
        """
        wanted = name.casefold()
        return wanted in {n.casefold() for n in self.names}

    def matches_suffix(self, path: Path) -> bool:
        """Whether the name of ``path`` ends with one of :attr:`suffixes`.

        Parameters
        ----------
        path
            A file (or folder: it matches the ``"/"`` suffix, and its own
            suffix, for a format stored as a folder such as ``.zarr``).

        Returns
        -------
        bool
            True when the suffix is one of this format's.
        """
        name = path.name.lower()
        named = any(name.endswith(s) for s in self.suffixes if s != "/")
        if path.is_dir():  # a folder format (zarr) may have a suffix of its own
            return "/" in self.suffixes or named
        return named
