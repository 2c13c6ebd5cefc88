"""The registry of file formats and the cheap format sniffing behind ``from_file``.

Each format lives in one module of :mod:`movement_like.io.formats`, which
provides a ``sniff(head)`` function (reads only the first bytes, lines or HDF5
keys through :class:`FileHead`), a reader and, where it exists, a writer. The
registry names them by dotted path, so nothing is imported until it is used.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from movement_like.errors import FileFormatError

__all__ = ["FileFormat", "FileHead", "list_formats", "find_format", "detect_format"]

HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"


@dataclass(frozen=True)
class FileFormat:
    """One file format known to ``movement_like``.

    Attributes
    ----------
    name
        The ``source_software`` users pass to ``from_file`` (e.g. ``"DeepLabCut"``).
    kinds
        Dataset types it holds: ``("poses",)``, ``("bboxes",)`` or both.
    suffixes
        File name endings it uses, lower case, e.g. ``(".h5", ".csv")``.
        ``"/"`` stands for a folder.
    module
        Dotted module path holding the functions below.
    reader
        Name of ``reader(path, fps=None, **kwargs) -> Dataset`` in ``module``.
    writer
        Name of ``writer(ds, path, overwrite=False, **kwargs)`` in ``module``, or None.
    sniffer
        Name of ``sniff(head: FileHead) -> bool`` in ``module``.
    aliases
        Other accepted names (case-insensitive), e.g. ``("DLC",)``.
    write_by_suffix
        Whether saving picks this writer from the file suffix alone. False for a
        format whose files share the suffix and layout of a more common one
        (LightningPose CSVs are DeepLabCut CSVs): it is written only when named.
    """

    name: str
    kinds: tuple[str, ...]
    suffixes: tuple[str, ...]
    module: str
    reader: str | None = "read"
    writer: str | None = None
    sniffer: str = "sniff"
    aliases: tuple[str, ...] = ()
    write_by_suffix: bool = True

    def function(self, attribute: str) -> Callable[..., Any]:
        """Import the module and return the named function."""
        return getattr(importlib.import_module(self.module), attribute)

    def matches_name(self, name: str) -> bool:
        """Whether ``name`` names this format (case-insensitive)."""
        wanted = name.casefold()
        return wanted in {n.casefold() for n in (self.name, *self.aliases)}

    def matches_suffix(self, path: Path) -> bool:
        """Whether the name of ``path`` ends with one of :attr:`suffixes`."""
        if path.is_dir():
            return "/" in self.suffixes
        name = path.name.lower()
        return any(name.endswith(s) for s in self.suffixes if s != "/")


class FileHead:
    """What sniffers may look at: the start of a file, read once and cached.

    Sniffers must not parse a whole file; they get the first bytes, the first
    text lines, or the top-level keys of an HDF5 file.
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
        """Return the first ``count`` text lines (without line ends); [] if not text."""
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

        try:
            with h5py.File(self.path, "r") as file:
                keys = {
                    key: "group" if file.get(key, getclass=True) is h5py.Group else "dataset"
                    for key in file.keys()
                }
                groups = {
                    key: {
                        name: _decoded(value)
                        for name, value in file[key].attrs.items()
                        if isinstance(value, (str, bytes, int, float, np.generic))
                    }
                    for key, kind in keys.items()
                    if kind == "group"
                }
                return keys, dict(file.attrs), groups, None
        except OSError as exc:
            return {}, {}, {}, str(exc)

    @property
    def h5_keys(self) -> dict[str, str]:
        """Top-level HDF5 names mapped to ``"group"`` or ``"dataset"``; {} if not HDF5."""
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


def _decoded(value: Any) -> Any:
    """Return an HDF5 attribute value with bytes decoded to str (bad UTF-8 replaced)."""
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else value


def list_formats() -> list[FileFormat]:
    """All registered formats, in sniffing order."""
    from movement_like.io.formats import FORMATS

    return list(FORMATS)


def supported_names(kind: str | None = None) -> list[str]:
    """Names of the formats that can be read (for error messages)."""
    return [f.name for f in list_formats() if f.reader and (kind is None or kind in f.kinds)]


def find_format(name: str, kind: str | None = None, need: str = "reader") -> FileFormat:
    """Return the format called ``name`` (or one of its aliases).

    Raises
    ------
    ValueError
        Listing the supported names when ``name`` is unknown.
    """
    for fmt in list_formats():
        if fmt.matches_name(name) and getattr(fmt, need) and (kind is None or kind in fmt.kinds):
            return fmt
    known = [
        f.name for f in list_formats() if getattr(f, need) and (kind is None or kind in f.kinds)
    ]
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

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    FileFormatError
        If no registered format recognises the file; lists the supported ones.
    """
    target = Path(path).expanduser()
    if not target.exists():
        raise FileNotFoundError(f"{target}: no such file or folder")
    head = FileHead.of(target)
    candidates = [f for f in list_formats() if f.reader and (kind is None or kind in f.kinds)]
    ordered = [f for f in candidates if f.matches_suffix(target)]
    ordered += [f for f in candidates if f not in ordered]
    for fmt in ordered:
        try:
            if fmt.function(fmt.sniffer)(head):
                return fmt
        except (OSError, UnicodeDecodeError, ValueError):
            continue
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
    """Load ``path`` with the reader of its (given or detected) format."""
    if source_software in (None, "auto"):
        fmt = detect_format(path, kind)
    else:
        fmt = find_format(source_software, kind)
        if not Path(path).expanduser().exists():
            raise FileNotFoundError(f"{Path(path)}: no such file or folder")
    assert fmt.reader is not None
    return fmt.function(fmt.reader)(path, fps=fps, **kwargs)


def save(ds, path: str | os.PathLike, to: str | None = None, overwrite: bool = False, **kwargs):
    """Write ``ds`` with the writer named by ``to``, else the one of the suffix of ``path``."""
    kind = ds.attrs.get("ds_type")
    if to is not None:
        fmt = find_format(to, kind, need="writer")
    else:
        target = Path(path)
        matching = [
            f
            for f in list_formats()
            if f.writer
            and f.write_by_suffix
            and (kind is None or kind in f.kinds)
            and f.matches_suffix(target)
        ]
        if not matching:
            writable = ", ".join(
                f"{f.name} ({'/'.join(f.suffixes)})"
                for f in list_formats()
                if f.writer and (kind is None or kind in f.kinds)
            )
            raise FileFormatError(
                target,
                "cannot tell which format to write from the file name",
                f"use a suffix or pass to=...; writable formats: {writable}",
            )
        fmt = matching[0]
    assert fmt.writer is not None
    return fmt.function(fmt.writer)(ds, path, overwrite=overwrite, **kwargs)
