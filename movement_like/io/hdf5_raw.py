"""What the HDF5 library would loop on or allocate, checked on a file's bytes before it reads them.

The HDF5 C library believes the sizes a file declares for its own structures:
it allocates a block of the size an object header says it has before reading
it, a buffer of the length a variable-length string says it has before looking
the string up, and it walks a heap collection by the sizes of its objects. A
damaged or crafted file can therefore make it ask for terabytes, or loop
forever, before h5py can raise anything. :func:`check_raw_structure` reads the
file's bytes (memory-mapped, never more than the file) and refuses such a file
first, for every HDF5 reader of the library (NWB, SLEAP, DeepLabCut,
idtracker.ai, netCDF-4):

* **global heaps**: an object of size 0, on which HDF5 loops, or one claiming
  more bytes than its collection holds (:mod:`movement_like.io.hdf5_heaps`);
* **object headers**, reached from the superblock through groups' symbol
  tables and link messages: a header, a continuation block or a group's local
  heap that claims to reach beyond the end of the file;
* **variable-length values** of the attributes and of the contiguous or
  compact datasets of those headers: a length larger than the heap object the
  value names (or than the file), which HDF5 would allocate before reading.

When the walk saw every place a value can be kept (as in NWB files), only the
heap collections the values name are walked; otherwise (chunked
variable-length data, compound or array types, dense storage ...) every
collection in the file is, found by its signature.

What is not reached this way (links and attributes kept in dense storage, a
fractal heap, which HDF5's newest file format uses for objects with many of
them; values inside chunks) is left to the library, whose reads of such
structures fail with an error the readers wrap. The layouts are those of the
HDF5 file format specification, version 3.
"""

from __future__ import annotations

import math
import os

from movement_like.io.hdf5_heaps import (
    RawFile,
    check_values,
    mapped,
    walk_heaps,
    walk_named_heaps,
)

__all__ = ["check_raw_structure"]

#: Object header message types (HDF5 format specification, section IV.A.2).
_DATASPACE = 0x01
_LINK_INFO = 0x02
_OLD_FILL_VALUE = 0x04
_FILL_VALUE = 0x05
_LINK = 0x06
_DATATYPE = 0x03
_LAYOUT = 0x08
_ATTRIBUTE = 0x0C
_CONTINUATION = 0x10
_SYMBOL_TABLE = 0x11
_ATTRIBUTE_INFO = 0x15
_VARIABLE_LENGTH_CLASS = 9
#: Datatype classes that may hold variable-length values inside them (compound, array):
#: where those are, not every value can be seen.
_HIDING_CLASSES = {6, 10}
_REFERENCE_CLASS = 7


def check_raw_structure(path: str | os.PathLike) -> None:
    """Refuse an HDF5 file whose own structure would make HDF5 loop or overallocate.

    Takes a few milliseconds per MB; see the module notes for what is checked.

    Parameters
    ----------
    path
        An HDF5 file (anything else passes unchecked: opening it will say why).

    Raises
    ------
    FileFormatError
        Naming the damaged structure and its byte offset.
    """
    with mapped(path) as raw:
        if raw is None:
            return
        _check_object_headers(raw)
        if raw.complete:
            walk_named_heaps(raw)  # every value was seen: only the heaps they name are read
        else:
            walk_heaps(raw)  # a value may hide anywhere: every collection in the file
        for at, count, item_size, owner in raw.values:
            check_values(raw, at, count, item_size, owner)


def _check_object_headers(raw: RawFile) -> None:
    start = raw.base
    version = raw.byte(start + 8)
    o = raw.offsets
    headers: list[int] = []
    if version in (0, 1):
        entry = start + (24 if version == 0 else 28) + 4 * o  # root group's symbol table entry
        headers.append(raw.uint(entry + o, o))
    else:
        headers.append(raw.uint(start + 12 + 3 * o, o))  # the root group's object header
        headers.append(raw.uint(start + 12 + o, o))  # the superblock extension, if any
    while headers:
        address = headers.pop()
        if address in raw.headers_seen or address == (1 << (8 * o)) - 1:
            continue
        raw.headers_seen.add(address)
        headers.extend(_object_header(raw, address))


class _Header:
    """What one object header's messages say, gathered across its blocks."""

    def __init__(self, address: int, tracks_order: bool) -> None:
        self.address = address
        self.tracks_order = tracks_order
        self.children: list[int] = []
        self.item_size: int | None = None  # set when the dataset holds variable-length values
        self.count = 0
        self.data: tuple[int, int] | None = None  # where a contiguous or compact dataset's data is
        self.hides_values = False
        self.fill_value = False


def _object_header(raw: RawFile, address: int) -> list[int]:
    """Check one object header and its continuation blocks; the headers it links to."""
    at = raw.base + address
    if at + 16 > raw.size:
        return []  # the library reports a header beyond the file itself
    chunks: list[tuple[int, int, bool]] = []
    if raw.data[at : at + 4] == b"OHDR":
        flags = raw.byte(at + 5)
        at += 6 + (16 if flags & 0x20 else 0) + (4 if flags & 0x10 else 0)
        width = 1 << (flags & 3)
        size = raw.uint(at, width)
        _require_inside(raw, at + width, size + 4, "an object header", address)
        chunks.append((at + width, at + width + size, True))
        header = _Header(address, tracks_order=bool(flags & 0x04))
    elif raw.byte(at) == 1:
        size = raw.uint(at + 8, 4)
        _require_inside(raw, at + 16, size, "an object header", address)
        chunks.append((at + 16, at + 16 + size, False))
        header = _Header(address, tracks_order=False)
    else:
        raw.complete = False
        return []  # not a header the library can read: it says so itself
    while chunks:
        begin, end, new_style = chunks.pop()
        _messages(raw, begin, end, new_style, header, chunks)
    if header.hides_values:
        raw.complete = False
    if header.item_size is not None:
        if header.data is None or header.fill_value:
            raw.complete = False  # chunked or virtual: the values are out of sight
        else:
            start, stored = header.data
            count = min(header.count, stored // raw.value_width)
            raw.values.append((start, count, header.item_size, f"the dataset at address {address}"))
    return header.children


def _messages(
    raw: RawFile,
    at: int,
    end: int,
    new_style: bool,
    header: _Header,
    chunks: list[tuple[int, int, bool]],
) -> None:
    o, n = raw.offsets, raw.lengths
    prefix = (6 if header.tracks_order else 4) if new_style else 8
    while at + prefix <= end:
        if new_style:
            kind, size, flags = raw.byte(at), raw.uint(at + 1, 2), raw.byte(at + 3)
        else:
            kind, size, flags = raw.uint(at, 2), raw.uint(at + 2, 2), raw.byte(at + 4)
        body = at + prefix
        if body + size > end:
            raw.refuse(
                f"a message of the object header at address {header.address} runs past its block"
            )
        if flags & 0x02:
            raw.complete = False  # a shared message: its body is a reference, not the message
        elif kind == _CONTINUATION and size >= o + n:
            block, length = raw.base + raw.uint(body, o), raw.uint(body + o, n)
            _require_inside(raw, block, length, "a continuation block", header.address)
            if block not in raw.blocks_seen:
                raw.blocks_seen.add(block)  # a block listed twice is read once
                chunks.append(
                    (block + 4, block + length - 4, True)
                    if new_style
                    else (block, block + length, False)
                )
        elif kind == _SYMBOL_TABLE and size >= 2 * o:
            header.children.extend(_symbol_table(raw, raw.uint(body, o), raw.uint(body + o, o)))
        elif kind == _LINK:
            header.children.extend(_hard_link(raw, body, body + size))
        elif kind == _DATATYPE:
            header.hides_values = _hides_values(raw, body)
            header.item_size = _variable_item_size(raw, body, body + size)
        elif kind in (_LINK_INFO, _ATTRIBUTE_INFO):
            if _dense_storage(raw, body, kind):
                raw.complete = False  # links or attributes in a fractal heap are not walked
        elif kind == _FILL_VALUE:
            header.fill_value = _fill_value_defined(raw, body, body + size)
        elif kind == _OLD_FILL_VALUE:
            header.fill_value = size > 4 and raw.uint(body, 4) > 0
        elif kind == _DATASPACE:
            header.count = _element_count(raw, body, body + size)
        elif kind == _LAYOUT:
            header.data = _contiguous_or_compact(raw, body, body + size)
        elif kind == _ATTRIBUTE:
            _attribute(raw, body, body + size, header.address)
        at = body + size


def _require_inside(raw: RawFile, start: int, length: int, what: str, address: int) -> None:
    if start + length > raw.size:
        raw.refuse(
            f"{what} of the object at address {address} claims {length:,} bytes from "
            f"byte {start}, beyond the end of the file ({raw.size:,} bytes), which would "
            "make HDF5 allocate that much"
        )


def _symbol_table(raw: RawFile, tree: int, heap: int) -> list[int]:
    """List the object headers an old-style group names, through its B-tree and symbol nodes."""
    o, n = raw.offsets, raw.lengths
    at = raw.base + heap
    if raw.data[at : at + 4] == b"HEAP" and at + 16 + 2 * n + o <= raw.size:
        segment = raw.uint(at + 8, n)
        _require_inside(raw, raw.base + raw.uint(at + 8 + 2 * n, o), segment, "the heap", heap)
    headers: list[int] = []
    nodes = [tree]
    while nodes:
        node = nodes.pop()
        at = raw.base + node
        if at in raw.blocks_seen or at + 8 + 2 * o > raw.size:
            continue
        raw.blocks_seen.add(at)
        if raw.data[at : at + 4] == b"SNOD":
            count = raw.uint(at + 6, 2)
            entry = 2 * o + 24
            for i in range(min(count, (raw.size - at - 8) // entry)):
                headers.append(raw.uint(at + 8 + i * entry + o, o))
        elif raw.data[at : at + 4] == b"TREE" and raw.byte(at + 4) == 0:
            used = raw.uint(at + 6, 2)
            first = at + 8 + 2 * o + n  # after the siblings and the first key
            for i in range(min(used, max(0, (raw.size - first) // (o + n)))):
                nodes.append(raw.uint(first + i * (o + n), o))
    return headers


def _hard_link(raw: RawFile, at: int, end: int) -> list[int]:
    """Find the object header a link message points to, if it is a hard link."""
    if at + 2 > end or raw.byte(at) != 1:
        return []
    flags = raw.byte(at + 1)
    at += 2
    kind = 0
    if flags & 0x08:
        kind = raw.byte(at)
        at += 1
    at += (8 if flags & 0x04 else 0) + (1 if flags & 0x10 else 0)
    width = 1 << (flags & 3)
    at += width + raw.uint(at, width)
    if kind != 0 or at + raw.offsets > end:
        return []
    return [raw.uint(at, raw.offsets)]


def _variable_item_size(raw: RawFile, at: int, end: int) -> int | None:
    """Give the item size of a variable-length datatype message, or None for any other type."""
    if at + 16 > end or raw.byte(at) & 0x0F != _VARIABLE_LENGTH_CLASS:
        return None
    return raw.uint(at + 8 + 4, 4)  # the base type's size, after this type's 8 bytes


def _element_count(raw: RawFile, at: int, end: int) -> int:
    """Count the elements a dataspace message declares (1 for a scalar, 0 for a null space)."""
    if at + 2 > end:
        return 0
    version, rank = raw.byte(at), raw.byte(at + 1)
    if version == 2 and at + 4 <= end and raw.byte(at + 3) == 2:
        return 0  # a null dataspace holds nothing
    first = at + (8 if version == 1 else 4)
    n = raw.lengths
    if first + rank * n > end:
        return 0
    return math.prod(raw.uint(first + i * n, n) for i in range(rank))


def _contiguous_or_compact(raw: RawFile, at: int, end: int) -> tuple[int, int] | None:
    """Locate a dataset's data (start, stored bytes) from a layout message of version 3 or 4."""
    if at + 4 > end or raw.byte(at) not in (3, 4):
        return None
    layout = raw.byte(at + 1)
    if layout == 0:  # compact: the data follow in the message
        return at + 4, min(raw.uint(at + 2, 2), end - at - 4)
    if layout == 1 and at + 2 + raw.offsets + raw.lengths <= end:
        address = raw.uint(at + 2, raw.offsets)
        if address == (1 << (8 * raw.offsets)) - 1:
            return None  # not written yet
        return raw.base + address, raw.uint(at + 2 + raw.offsets, raw.lengths)
    return None


def _attribute(raw: RawFile, at: int, end: int, address: int) -> None:
    """Check the variable-length values an attribute message holds, if it holds any."""
    if at + 8 > end:
        return
    version, flags = raw.byte(at), raw.byte(at + 1)
    name, datatype, dataspace = raw.uint(at + 2, 2), raw.uint(at + 4, 2), raw.uint(at + 6, 2)
    if version == 1:

        def pad(size: int) -> int:
            return (size + 7) // 8 * 8

        first = at + 8
    elif version in (2, 3):

        def pad(size: int) -> int:
            return size

        first = at + 8 + (1 if version == 3 else 0)
        if flags & 0x03:
            raw.complete = False  # a shared datatype or dataspace: described elsewhere
            return
    else:
        raw.complete = False
        return
    type_at = first + pad(name)
    space_at = type_at + pad(datatype)
    data_at = space_at + pad(dataspace)
    if data_at > end:
        raw.complete = False
        return  # the parts overrun the message: the library reports it
    if _hides_values(raw, type_at):
        raw.complete = False
    item_size = _variable_item_size(raw, type_at, type_at + datatype)
    if item_size is None:
        return
    count = _element_count(raw, space_at, space_at + dataspace)
    width = raw.value_width
    owner = f"an attribute of the object at address {address}"
    raw.values.append((data_at, min(count, (end - data_at) // width), item_size, owner))


def _hides_values(raw: RawFile, at: int) -> bool:
    """Say whether a datatype may keep heap objects out of sight.

    Compound and array types may hold variable-length members; references
    other than object references (region and newer references) are stored in
    global heaps.
    """
    type_class = raw.byte(at) & 0x0F
    if type_class == _REFERENCE_CLASS:
        return raw.byte(at + 1) & 0x0F != 0
    return type_class in _HIDING_CLASSES


def _dense_storage(raw: RawFile, at: int, kind: int) -> bool:
    """Say whether a link-info or attribute-info message points to a fractal heap."""
    flags = raw.byte(at + 1)
    if kind == _LINK_INFO:
        at += 2 + (8 if flags & 0x01 else 0)
    else:
        at += 2 + (2 if flags & 0x01 else 0)
    return raw.uint(at, raw.offsets) != (1 << (8 * raw.offsets)) - 1


def _fill_value_defined(raw: RawFile, at: int, end: int) -> bool:
    """Say whether a fill value message stores a value (which may name a heap object)."""
    version = raw.byte(at)
    if version in (1, 2):
        return raw.byte(at + 3) != 0 and at + 8 <= end and raw.uint(at + 4, 4) > 0
    if version == 3:
        flags = raw.byte(at + 1)
        return bool(flags & 0x20) and raw.uint(at + 2, 4) > 0
    return True
