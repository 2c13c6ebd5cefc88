"""Screening a zarr store before zarr opens it: what its metadata may declare.

A zarr store is a folder a user may have been sent, so its metadata is not
trusted. Zarr allocates what the metadata says (a whole array on an eager
load, a whole chunk whenever one is decoded), so :func:`screen` checks, from
the ``zarr.json`` alone and the sizes of the files on disk, before any array
is opened:

* the store holds no symbolic links, and is zarr v3 with consolidated metadata
  (what :func:`~movement_like.io.zarr.save_zarr` writes);
* every array has a plain name, a data type of numbers, booleans or strings,
  only codecs that decode bytes (no pickle), a shape and a regular chunk grid
  of the same rank as its dimension names;
* one chunk stays within :attr:`~movement_like.io.limits.Limits.max_array_bytes`,
  the ``time`` dimension within :attr:`~movement_like.io.limits.Limits.max_frames`;
* what is loaded into memory (everything on an eager load; the dimension
  coordinates, which xarray always loads, on a lazy one) is within
  ``max_array_bytes`` and not more than :data:`MAX_CLAIM_RATIO` times what the
  store holds on disk (chunks equal to the fill value are not stored, so a
  genuine all-NaN stretch is allowed for);
* no zstd- or blosc-compressed chunk file declares that it decompresses to
  another size than its chunk (a flipped header byte would otherwise make the
  decompressor allocate it), and every chunk of strings (encoded as zarr
  writes them: ``vlen-utf8``, then zstd or nothing) says it holds as many
  strings as its chunk (the decoder allocates that count first).

Everything else (bad fill values, damaged chunk bytes) is left to zarr, whose
errors :func:`~movement_like.io.zarr.load_zarr` turns into ours. Not screened:
a gzip-compressed chunk crafted to decompress to far more than its size (gzip
declares no size up front); zarr then fails on the size, after allocating.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from movement_like.errors import FileFormatError, UnsafeFileError
from movement_like.io import limits

__all__ = ["SAFE_CODECS", "MAX_CLAIM_RATIO", "StoredArray", "screen"]

#: Codecs a store may use: nothing that runs code (no pickle, no object codecs).
SAFE_CODECS = frozenset(
    {"bytes", "transpose", "zstd", "blosc", "gzip", "crc32c", "vlen-utf8", "vlen-bytes"}
)

#: How much more than it stores on disk a store may claim to hold in memory
#: (chunks equal to the fill value, e.g. all-NaN stretches, are not stored at all).
MAX_CLAIM_RATIO = 1000
#: A claim this small is always allowed (a short recording of NaN).
CLAIM_ALLOWANCE = 64 << 20
#: The largest ``zarr.json`` read.
MAX_METADATA_BYTES = 64 << 20

#: Data types a store of ours may hold, with the bytes one item takes in memory
#: (a string: a generous guess for a short Python ``str`` object).
ITEM_BYTES = {
    "bool": 1,
    "int8": 1,
    "uint8": 1,
    "int16": 2,
    "uint16": 2,
    "float16": 2,
    "int32": 4,
    "uint32": 4,
    "float32": 4,
    "int64": 8,
    "uint64": 8,
    "float64": 8,
    "string": 64,
}

#: The codecs a string array may use: how zarr and xarray write them (and we do).
STRING_CODECS = (("vlen-utf8",), ("vlen-utf8", "zstd"))
#: The most a chunk of strings may decompress to (labels and file names are small).
MAX_STRING_CHUNK_BYTES = 64 << 20

_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


@dataclass(frozen=True)
class StoredArray:
    """What the metadata of one array declares (after screening).

    Parameters
    ----------
    name
        The array's name (its folder in the store).
    dims
        Its dimension names.
    shape, chunks
        Its shape and the shape of one chunk.
    item_bytes
        Bytes one item takes in memory.
    fixed
        Whether items have a fixed size on disk (not strings), so that a
        decoded chunk has exactly ``prod(chunks) * item_bytes`` bytes.
    codecs
        The names of its codecs, in order.
    """

    name: str
    dims: tuple[str, ...]
    shape: tuple[int, ...]
    chunks: tuple[int, ...]
    item_bytes: int
    fixed: bool
    codecs: tuple[str, ...]

    @property
    def nbytes(self) -> int:
        """Bytes of the whole array in memory."""
        return math.prod(self.shape) * self.item_bytes

    @property
    def chunk_bytes(self) -> int:
        """Bytes of one decoded chunk."""
        return math.prod(self.chunks) * self.item_bytes

    @property
    def is_index(self) -> bool:
        """Whether it is a dimension coordinate (xarray loads those, even lazily)."""
        return self.dims == (self.name,)


def _bad(target: Path, problem: str, fix: str = "the store is damaged; save it again") -> None:
    raise FileFormatError(target, problem, fix)


def _ints(value: Any, positive: bool) -> bool:
    low = 1 if positive else 0
    return isinstance(value, list) and all(
        isinstance(v, int) and not isinstance(v, bool) and v >= low for v in value
    )


def _metadata(target: Path) -> dict[str, Any]:
    """Return the consolidated metadata of the arrays, from ``zarr.json``."""
    meta_file = target / "zarr.json"
    if not meta_file.is_file():
        kind = "zarr v2" if (target / ".zgroup").is_file() else "not a zarr v3 store"
        _bad(target, f"is {kind} (no zarr.json)", "save it with movement_like's save_zarr")
    if meta_file.stat().st_size > MAX_METADATA_BYTES:
        _bad(target, "its zarr.json is larger than 64 MiB", "it is not a store of ours")
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        _bad(target, f"its zarr.json is not valid JSON ({str(exc)[:200]})")
    if not isinstance(meta, dict) or meta.get("zarr_format") != 3:
        _bad(target, "is not a zarr format 3 store", "save it again with save_zarr")
    if meta.get("node_type") != "group":
        _bad(target, "its zarr.json does not describe a group of arrays")
    consolidated = meta.get("consolidated_metadata")
    if not isinstance(consolidated, dict) or not isinstance(consolidated.get("metadata"), dict):
        _bad(target, "has no consolidated metadata", "save it again with save_zarr")
    return consolidated["metadata"]


def _array(target: Path, name: Any, array: Any) -> StoredArray:
    """Check the metadata of one array; return what it declares."""
    if not isinstance(name, str) or not _NAME.match(name):
        _bad(target, f"holds a node with the name {str(name)[:80]!r}", "a store of ours does not")
    if not isinstance(array, dict) or array.get("node_type") != "array":
        _bad(target, f"{name!r} is not an array", "a store of ours holds arrays only")
    dtype = array.get("data_type")
    if not isinstance(dtype, str) or dtype not in ITEM_BYTES:
        _bad(
            target,
            f"array {name!r} has the data type {json.dumps(dtype)[:80]}",
            "only numbers, booleans and strings are read",
        )
    codecs = array.get("codecs")
    if not isinstance(codecs, list) or not all(
        isinstance(c, dict) and isinstance(c.get("name"), str) for c in codecs
    ):
        _bad(target, f"array {name!r} has no valid list of codecs")
    names = [c["name"] for c in codecs]
    if not set(names) <= SAFE_CODECS:
        raise UnsafeFileError(
            target,
            f"array {name!r} uses codec(s) {sorted(set(names) - SAFE_CODECS)}",
            f"only {sorted(SAFE_CODECS)} are read",
        )
    if dtype == "string" and tuple(names) not in STRING_CODECS:
        _bad(
            target,
            f"string array {name!r} is encoded with {names}",
            f"string arrays are read encoded with {' or '.join(map(str, STRING_CODECS))}",
        )
    shape, dims = array.get("shape"), array.get("dimension_names")
    if not _ints(shape, positive=False):
        _bad(target, f"array {name!r} has a bad shape {json.dumps(shape)[:80]}")
    if (
        not isinstance(dims, list)
        or len(dims) != len(shape)
        or not all(isinstance(d, str) for d in dims)
    ):
        _bad(target, f"array {name!r} has no dimension name for each of its {len(shape)} axes")
    grid = array.get("chunk_grid")
    chunks = None
    if isinstance(grid, dict) and grid.get("name") == "regular":
        configuration = grid.get("configuration")
        if isinstance(configuration, dict):
            chunks = configuration.get("chunk_shape")
    if (
        not isinstance(chunks, list)
        or not _ints(chunks, positive=True)
        or len(chunks) != len(shape)
    ):
        _bad(target, f"array {name!r} has no regular chunk grid of its rank")
    assert isinstance(chunks, list)  # _bad raised otherwise
    return StoredArray(
        name=name,
        dims=tuple(dims),
        shape=tuple(shape),
        chunks=tuple(chunks),
        item_bytes=ITEM_BYTES[dtype],
        fixed=dtype != "string",
        codecs=tuple(names),
    )


def _walk(target: Path) -> dict[str, list[tuple[Path, int]]]:
    """List the files of each top-level folder with their sizes (refusing links)."""
    files: dict[str, list[tuple[Path, int]]] = {}
    for root, dirs, names in os.walk(target):
        for name in dirs + names:
            link = os.path.join(root, name)
            if os.path.islink(link):
                raise UnsafeFileError(
                    target,
                    f"holds a symbolic link ({link})",
                    "a store of ours never does; copy the store without links",
                )
        top = Path(root).relative_to(target).parts[:1]
        bucket = files.setdefault(top[0] if top else "", [])
        for name in names:
            path = Path(root, name)
            bucket.append((path, path.stat().st_size))
    return files


def _zstd_content_size(head: bytes) -> int | None:
    """Return the size a zstd frame header declares (None: no frame, or not declared)."""
    if len(head) < 6 or not head.startswith(_ZSTD_MAGIC):
        return None
    descriptor = head[4]
    fcs_flag, single = descriptor >> 6, (descriptor >> 5) & 1
    start = 5 + (0 if single else 1) + (0, 1, 2, 4)[descriptor & 3]
    size = (1 if single else 0, 2, 4, 8)[fcs_flag]
    if size == 0 or len(head) < start + size:
        return None
    value = int.from_bytes(head[start : start + size], "little")
    return value + 256 if size == 2 else value


def _blosc_size(head: bytes) -> int | None:
    """Return the size a blosc header declares (None: too short to have one)."""
    return int.from_bytes(head[4:8], "little") if len(head) >= 16 else None


def _check_chunk_headers(target: Path, array: StoredArray, files: list[tuple[Path, int]]) -> None:
    """Refuse a chunk whose compressor header declares another size than the array's chunk.

    Zstd and blosc allocate what their header declares before decompressing,
    so a flipped byte there would otherwise allocate gigabytes.
    """
    last = array.codecs[-1] if array.codecs else None
    if not array.fixed or last not in ("zstd", "blosc"):
        return
    for path, _ in files:
        if path.name == "zarr.json":
            continue
        with open(path, "rb") as handle:
            head = handle.read(18)
        declared = _zstd_content_size(head) if last == "zstd" else _blosc_size(head)
        if declared is not None and declared != array.chunk_bytes:
            _bad(
                target,
                f"the chunk {path.relative_to(target).as_posix()} declares {declared:,} "
                f"bytes, not the {array.chunk_bytes:,} of a chunk of {array.name!r}",
            )


def _check_string_chunks(target: Path, array: StoredArray, files: list[tuple[Path, int]]) -> None:
    """Decode each chunk of a string array as far as its item count, and check that count.

    A variable-length string chunk starts with its number of items, and the
    decoder allocates that many before reading one: it must be the chunk's.
    """
    from numcodecs.zstd import Zstd

    items = math.prod(array.chunks)
    for path, size in files:
        if path.name == "zarr.json":
            continue
        member = path.relative_to(target).as_posix()
        if size > MAX_STRING_CHUNK_BYTES:
            _bad(target, f"the string chunk {member} has {size:,} bytes, more than strings need")
        data = path.read_bytes()
        if array.codecs[-1] == "zstd":
            declared = _zstd_content_size(data[:18])
            if declared is None or declared > MAX_STRING_CHUNK_BYTES:
                _bad(target, f"the string chunk {member} does not declare a sensible size")
            try:
                data = Zstd().decode(data)
            except Exception as exc:  # numcodecs raises RuntimeError, ValueError ...
                _bad(target, f"the string chunk {member} does not decompress ({exc})")
        count = int.from_bytes(bytes(data[:4]), "little") if len(data) >= 4 else None
        if count != items:
            _bad(
                target,
                f"the string chunk {member} says it holds {count} items, "
                f"not the {items} of a chunk of {array.name!r}",
            )


def screen(target: Path, lazy: bool) -> list[StoredArray]:
    """Check a store's metadata against its files and the limits, before zarr opens it.

    Parameters
    ----------
    target
        The store (a folder).
    lazy
        Whether the arrays will be loaded lazily (only the dimension
        coordinates into memory) rather than all at once.

    Returns
    -------
    list of StoredArray
        What the metadata declares, array by array.

    Raises
    ------
    FileFormatError
        Naming the store, what is wrong and what to do.
    UnsafeFileError
        If the store holds symbolic links or codecs that could run code.
    """
    files = _walk(target)
    arrays = [_array(target, name, array) for name, array in _metadata(target).items()]
    for array in arrays:
        item = np.dtype(f"V{array.item_bytes}")
        limits.check_array_size(array.chunks, item, target, f"one chunk of {array.name!r}")
        if "time" in array.dims:
            frames = array.shape[array.dims.index("time")]
            limits.check_frame_count(
                frames, target, f"array {array.name!r} declares {frames:,} rows"
            )
        check = _check_chunk_headers if array.fixed else _check_string_chunks
        check(target, array, files.get(array.name, []))
    loaded = [a for a in arrays if a.is_index or not lazy]
    for array in loaded:
        item = np.dtype(f"V{array.item_bytes}")
        limits.check_array_size(array.shape, item, target, f"array {array.name!r}")
    claimed = sum(a.nbytes for a in loaded)
    stored = sum(size for a in loaded for _, size in files.get(a.name, []))
    if claimed > MAX_CLAIM_RATIO * stored + CLAIM_ALLOWANCE:
        _bad(
            target,
            f"its arrays claim {claimed:,} bytes in memory but the store holds {stored:,}",
            "load it lazily (chunks={}) if it is genuine" if not lazy else "the store is damaged",
        )
    return arrays
