"""Third-party formats: checking a plug-in against the protocol, reading the entry points.

As xarray does with its ``xarray.backends`` group, a package declares its
formats in the entry-point group :data:`ENTRY_POINT_GROUP`; each entry point
names a :class:`~movement_like.io.formats.common.FileFormat`, or any object
(or class, instantiated without arguments) with the members of
:class:`~movement_like.io.formats.common.Format`. These functions hold no
state: the registry (:mod:`movement_like.io.registry`) keeps the list, calls
:func:`entry_point_formats` the first time the formats are listed, and places
each plug-in with :func:`insert_format`.
"""

from __future__ import annotations

import warnings
from dataclasses import replace as replaced
from importlib.metadata import entry_points
from typing import Any

from movement_like.errors import ArgumentTypeError, InvalidArgumentError
from movement_like.io.formats.common import KINDS, FileFormat, Format

__all__ = ["ENTRY_POINT_GROUP", "as_file_format"]

#: The entry-point group third-party packages declare their formats in.
ENTRY_POINT_GROUP = "movement_like.formats"


def as_file_format(obj: Any, origin: str = "register_format()") -> FileFormat:
    """Check that ``obj`` follows :class:`Format` and return it as a :class:`FileFormat`.

    Parameters
    ----------
    obj
        A :class:`FileFormat`, any object with the members of :class:`Format`
        (a module, an instance), or a class whose instances have them (it is
        instantiated without arguments, as xarray does with its backends).
        ``aliases``, ``write_by_suffix`` and ``sniff_before`` are read when present.
    origin
        Where it comes from, for messages.

    Returns
    -------
    FileFormat
        The format, with ``origin`` set.

    Raises
    ------
    ArgumentTypeError
        If a member is missing or has the wrong type (the message names it).
    """
    if isinstance(obj, type):
        obj = obj()
    if isinstance(obj, FileFormat):
        fmt = obj if obj.origin != "movement_like" else replaced(obj, origin=origin)
        check_members(fmt)
        return fmt
    missing = [
        m for m in ("name", "kinds", "suffixes", "sniff", "read", "write") if not hasattr(obj, m)
    ]
    if missing or not isinstance(obj, Format):
        raise ArgumentTypeError(
            f"{origin}: {obj!r} is not a file format: it lacks {', '.join(missing)} "
            "(see movement_like.io.formats.common.Format)"
        )
    fmt = FileFormat(
        name=obj.name,
        kinds=tuple(obj.kinds),
        suffixes=tuple(obj.suffixes),
        sniff=obj.sniff,
        read=obj.read,
        write=obj.write,
        aliases=tuple(getattr(obj, "aliases", ())),
        write_by_suffix=bool(getattr(obj, "write_by_suffix", True)),
        sniff_before=getattr(obj, "sniff_before", None),
        origin=origin,
    )
    check_members(fmt)
    return fmt


def check_members(fmt: FileFormat) -> None:
    """Refuse a format whose members have the wrong types (names the member)."""
    problems = []
    if not isinstance(fmt.name, str) or not fmt.name:
        problems.append(f"name must be a non-empty str, got {fmt.name!r}")
    if not fmt.kinds or not set(fmt.kinds) <= set(KINDS):
        problems.append(f"kinds must be some of {KINDS}, got {fmt.kinds!r}")
    if not all(isinstance(s, str) and s == s.lower() and s for s in fmt.suffixes):
        problems.append(f"suffixes must be lower-case strings, got {fmt.suffixes!r}")
    if not all(isinstance(a, str) for a in fmt.aliases):
        problems.append(f"aliases must be strings, got {fmt.aliases!r}")
    for member in ("sniff", "read"):
        if not callable(getattr(fmt, member)):
            problems.append(f"{member} must be callable")
    if fmt.write is not None and not callable(fmt.write):
        problems.append("write must be callable or None")
    if problems:
        raise ArgumentTypeError(f"{fmt.origin}: format {fmt.name!r}: " + "; ".join(problems))


def entry_point_formats() -> list[FileFormat]:
    """Load the formats declared in the ``movement_like.formats`` entry-point group.

    A plug-in that fails to load, does not follow :class:`Format` or takes a
    name already used is skipped with a :class:`RuntimeWarning` naming it, so
    one broken package does not stop the others (as in xarray).
    """
    found = []
    seen: set[str] = set()
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: p.name):
        if point.value in seen:  # the same package seen twice on sys.path
            continue
        seen.add(point.value)
        dist = getattr(point, "dist", None)
        origin = f"entry point {point.name} = {point.value}" + (
            f" (package {dist.name})" if dist is not None else ""
        )
        try:
            found.append(as_file_format(point.load(), origin=origin))
        except Exception as exc:  # a plug-in's own error must not break our formats
            warnings.warn(
                f"movement_like: skipped the format plug-in {origin}: {exc}",
                RuntimeWarning,
                stacklevel=3,
            )
    return found


def insert_format(formats: list[FileFormat], new: FileFormat, replace: bool) -> None:
    """Put ``new`` into ``formats``, refusing a taken name unless ``replace``."""
    taken = [f for f in formats if any(f.matches_name(n) for n in new.names)]
    if taken and not replace:
        raise InvalidArgumentError(
            f"{new.origin}: the format name {new.name!r} (or an alias) is taken by "
            f"{taken[0].name!r} ({taken[0].origin}); pass replace=True to replace it"
        )
    for old in taken:
        formats.remove(old)
    position = len(formats)
    if new.sniff_before is not None:
        index = [i for i, f in enumerate(formats) if f.matches_name(new.sniff_before)]
        if not index:
            raise InvalidArgumentError(
                f"{new.origin}: format {new.name!r} is to be sniffed before "
                f"{new.sniff_before!r}, which is not registered"
            )
        position = index[0]
    formats.insert(position, new)
