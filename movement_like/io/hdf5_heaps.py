"""An HDF5 file's bytes, its global heaps and its variable-length values, read without HDF5.

The HDF5 C library walks a global heap collection (where variable-length
strings and sequences live) by the sizes of its objects, so a free-space object
of size 0 (a zeroed block, for instance) makes it loop forever, in any reader;
and it allocates the length a variable-length value declares before it looks
the value up, so a damaged length makes it ask for gigabytes. This module maps
a file's bytes (never reading more than the file), walks every collection
(found by its ``GCOL`` signature) and checks values against the objects they
name. :mod:`movement_like.io.hdf5_raw` uses it for the whole-file check.
"""

from __future__ import annotations

import mmap
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from movement_like.errors import FileFormatError

__all__ = [
    "HDF5_MAGIC",
    "RawFile",
    "mapped",
    "walk_heaps",
    "walk_named_heaps",
    "check_values",
    "check_global_heaps",
]

HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_DAMAGED_FIX = "the file is damaged; write it again from its source"


@dataclass
class RawFile:
    """The bytes of an HDF5 file, the widths its superblock declares, and what was read of it.

    Parameters
    ----------
    path
        The file, for messages.
    data
        Its bytes (a memory map).
    size
        Its size in bytes.
    base
        Where its superblock starts (addresses count from there).
    offsets, lengths
        The byte widths of addresses and of lengths (8 and 8 usually).
    heaps
        Global heap collections by address: the size of each object by index.
    heap_keys
        The same as sorted keys and sizes, made on first use.
    headers_seen, blocks_seen
        Object headers and blocks already checked, so that each is read once.
    values
        Where variable-length values are stored: (byte, count, item size, owner),
        the arguments of :func:`check_values`.
    complete
        Whether every place the library could find a variable-length value in
        was seen (no dense storage, chunked variable-length data, compound,
        array or reference types, shared messages).
    """

    path: Path
    data: Any
    size: int
    base: int
    offsets: int
    lengths: int
    heaps: dict[int, dict[int, int]] = field(default_factory=dict)
    heap_keys: tuple[np.ndarray, np.ndarray] | None = None
    headers_seen: set[int] = field(default_factory=set)
    blocks_seen: set[int] = field(default_factory=set)
    values: list[tuple[int, int, int, str]] = field(default_factory=list)
    complete: bool = True

    def uint(self, at: int, width: int) -> int:
        """Read the little-endian unsigned integer of ``width`` bytes at byte ``at``."""
        return int.from_bytes(self.data[at : at + width], "little")

    def byte(self, at: int) -> int:
        """Read the byte at ``at``, or 0 beyond the file (a damaged address points anywhere)."""
        return self.data[at] if 0 <= at < self.size else 0

    @property
    def value_width(self) -> int:
        """Bytes of one stored variable-length value: length, heap address, object index."""
        return 4 + self.offsets + 4

    def value_dtype(self) -> np.dtype:
        """Give the numpy layout of one stored variable-length value."""
        return np.dtype([("length", "<u4"), ("heap", f"<u{self.offsets}"), ("index", "<u4")])

    def refuse(self, problem: str) -> None:
        """Raise a :class:`FileFormatError` naming the file and ``problem``."""
        raise FileFormatError(self.path, problem, _DAMAGED_FIX)


class mapped:  # noqa: N801  (used as a function: ``with mapped(path) as raw``)
    """Map an HDF5 file's bytes as a :class:`RawFile`, or give None if it is not one.

    Parameters
    ----------
    path
        The file.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self._handle: Any = None
        self._map: Any = None

    def __enter__(self) -> RawFile | None:
        try:
            self._handle = open(self.path, "rb")
            size = os.fstat(self._handle.fileno()).st_size
            if size < 64:
                return None
            self._map = mmap.mmap(self._handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            return None  # opening it for real will say why
        start = _superblock_at(self._map, size)
        if start is None:
            return None
        version = self._map[start + 8]
        if version in (0, 1):
            offsets, lengths = self._map[start + 13], self._map[start + 14]
        else:
            offsets, lengths = self._map[start + 9], self._map[start + 10]
        if offsets not in (2, 4, 8) or lengths not in (2, 4, 8):
            return None  # h5py refuses such a superblock itself
        return RawFile(self.path, self._map, size, start, offsets, lengths)

    def __exit__(self, *exc: object) -> None:
        if self._map is not None:
            self._map.close()
        if self._handle is not None:
            self._handle.close()


def _superblock_at(data: Any, size: int) -> int | None:
    """Find the superblock: at byte 0, 512, 1024, 2048 ... (after a user block)."""
    at = 0
    while at + 64 <= size:
        if data[at : at + 8] == HDF5_MAGIC:
            return at
        at = 512 if at == 0 else at * 2
    return None


def check_global_heaps(path: str | os.PathLike) -> None:
    """Refuse a global heap HDF5 would loop on, or an object claiming more than its collection.

    Parameters
    ----------
    path
        An HDF5 file (anything else passes unchecked).

    Raises
    ------
    FileFormatError
        If a heap collection holds an object HDF5 would loop on or overallocate.
    """
    with mapped(path) as raw:
        if raw is not None:
            walk_heaps(raw)


def walk_heaps(raw: RawFile) -> None:
    """Walk every global heap collection of the file, recording its objects in ``raw.heaps``.

    Parameters
    ----------
    raw
        The mapped file.

    Raises
    ------
    FileFormatError
        If a collection holds an empty object (HDF5 loops on it) or an object
        larger than the collection (HDF5 allocates it).
    """
    header = 4 + 1 + 3 + raw.lengths  # signature, version, reserved, collection size
    object_header = 2 + 2 + 4 + raw.lengths  # index, references, reserved, size
    start = raw.data.find(b"GCOL")
    while start != -1:
        if raw.byte(start + 4) == 1 and start + header <= raw.size:
            length = raw.uint(start + 8, raw.lengths)
            end = start + length
            if header < length and end <= raw.size:
                objects = _walk_heap(raw, start, start + header, end, object_header)
                raw.heaps[start - raw.base] = objects
        start = raw.data.find(b"GCOL", start + 4)


def walk_named_heaps(raw: RawFile) -> None:
    """Walk only the heap collections the values in ``raw.values`` name.

    Enough when the walk of the object headers was complete: the library reads
    a collection only to look up a value that names it.

    Parameters
    ----------
    raw
        The mapped file, its object headers walked.

    Raises
    ------
    FileFormatError
        As :func:`walk_heaps`, and for a named collection that claims to reach
        past the end of the file (the library would allocate its claimed size).
    """
    header = 4 + 1 + 3 + raw.lengths
    object_header = 2 + 2 + 4 + raw.lengths
    width = raw.value_width
    named: set[int] = set()
    for at, count, _, _ in raw.values:
        count = min(count, max(0, (raw.size - at) // width))
        if count <= 64:
            named.update(raw.uint(i + 4, raw.offsets) for i in range(at, at + count * width, width))
        elif count > 0:
            values = np.frombuffer(raw.data[at : at + count * width], dtype=raw.value_dtype())
            named.update(int(a) for a in np.unique(values["heap"]))
    for address in sorted(named):
        start = raw.base + address
        if raw.data[start : start + 4] != b"GCOL" or raw.byte(start + 4) != 1:
            continue  # not a collection: the library refuses to read it
        length = raw.uint(start + 8, raw.lengths)
        if start + length > raw.size:
            raw.refuse(
                f"the global heap at byte {start} claims {length:,} bytes, beyond the end of "
                f"the file ({raw.size:,} bytes), which would make HDF5 allocate that much"
            )
        if header < length:
            end = start + length
            raw.heaps[address] = _walk_heap(raw, start, start + header, end, object_header)


def _walk_heap(raw: RawFile, start: int, at: int, end: int, object_header: int) -> dict[int, int]:
    """Walk one heap collection, refusing loops and overruns; its objects' sizes by index."""
    objects: dict[int, int] = {}
    while at < end:
        if at + object_header > end:
            break  # the rest is free space
        index = raw.uint(at, 2)
        size = raw.uint(at + 8, raw.lengths)
        step = object_header + (size + 7) // 8 * 8 if index > 0 else size
        if index > 0 and at + object_header + size > end:
            raw.refuse(
                f"the global heap at byte {start} is damaged (an object at byte {at} claims "
                f"{size:,} bytes, more than its collection holds), which would make HDF5 "
                "allocate that much"
            )
        if step <= 0:
            raw.refuse(
                f"the global heap at byte {start} is damaged (an empty object at byte {at}), "
                "which would make HDF5 loop forever"
            )
        if index > 0:
            objects[index] = size
        at += step
    return objects


def check_values(raw: RawFile, at: int, count: int, item_size: int, owner: str) -> None:
    """Refuse variable-length values whose lengths exceed what they name or the file.

    Each value is stored as its length (4 bytes), then the address of a heap
    collection and an object's index (4 bytes). HDF5 allocates length times
    ``item_size`` bytes before it reads the object, which must hold exactly that.

    Parameters
    ----------
    raw
        The mapped file, its heaps walked (:func:`walk_heaps`).
    at
        The byte where the first value starts.
    count
        How many values are stored there (bounded by the bytes left in the file).
    item_size
        The size of one item of a value (1 for a string).
    owner
        What holds the values, for the message ("an attribute of the object at ...").

    Raises
    ------
    FileFormatError
        If a value's length is larger than the heap object it names or the file.
    """
    width = raw.value_width
    count = min(count, max(0, (raw.size - at) // width))
    if count <= 0:
        return
    if count <= 64:  # the common case (attributes, scalars): numpy's set-up costs more
        for start in range(at, at + count * width, width):
            objects = raw.heaps.get(raw.uint(start + 4, raw.offsets), {})
            stored = objects.get(raw.uint(start + 4 + raw.offsets, 4))
            _refuse_if_over(raw, owner, start, raw.uint(start, 4) * max(item_size, 1), stored)
        return
    layout = raw.value_dtype()
    # a copy (bounded by the file): an array viewing the map would keep it from closing
    values = np.frombuffer(raw.data[at : at + count * width], dtype=layout)
    claimed = values["length"].astype(np.uint64) * np.uint64(max(item_size, 1))
    limit = np.full(count, raw.size, dtype=np.uint64)
    if raw.heap_keys is None:
        raw.heap_keys = _object_keys(raw)
    keys, sizes = raw.heap_keys
    if keys.size:
        wanted = (values["heap"].astype(np.uint64) << np.uint64(32)) | values["index"]
        found = np.minimum(np.searchsorted(keys, wanted), keys.size - 1)
        named = keys[found] == wanted
        limit[named] = sizes[found[named]]
    over = np.flatnonzero(claimed > limit)
    if over.size:
        first = int(over[0])
        stored = int(limit[first]) if limit[first] < raw.size else None
        _refuse_if_over(raw, owner, at + first * width, int(claimed[first]), stored)


def _refuse_if_over(raw: RawFile, owner: str, at: int, claimed: int, stored: int | None) -> None:
    limit = raw.size if stored is None else stored
    if claimed > limit:
        raw.refuse(
            f"a variable-length value of {owner} (at byte {at}) claims {claimed:,} bytes but "
            + ("the file has" if stored is None else "the heap object it names holds")
            + f" {limit:,}, which would make HDF5 allocate that much"
        )


def _object_keys(raw: RawFile) -> tuple[np.ndarray, np.ndarray]:
    """Every heap object as a sorted key (collection address, index) and its size."""
    pairs = sorted(
        ((address << 32) | index, size)
        for address, objects in raw.heaps.items()
        for index, size in objects.items()
        if address < 1 << 32
    )
    keys = np.array([key for key, _ in pairs], dtype=np.uint64)
    sizes = np.array([size for _, size in pairs], dtype=np.uint64)
    return keys, sizes
