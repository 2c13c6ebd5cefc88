"""Reading HDF5 files we did not write, safely: our errors, bounded sizes, nothing outside.

Every HDF5 reader (SLEAP, NWB, ...) opens files through :func:`open_hdf5`, which

* turns whatever h5py or the HDF5 library raises (``OSError`` for a damaged
  block or a failed filter, ``RuntimeError`` for a soft-link loop, ``KeyError``
  for a dangling link ...) into a :class:`~movement_like.errors.FileFormatError`
  naming the file;
* refuses a file whose own structure (global heaps, variable-length values,
  object headers) would make HDF5 loop forever or allocate what the file only
  claims (:func:`movement_like.io.hdf5_raw.check_raw_structure`);
* screens the file before anything reads it (:func:`screen`): links to other
  files, datasets stored in other files (external storage) and virtual
  datasets whose sources are other files are refused unless the caller opts in
  with ``allow_external_links=True``, so a file never makes us read a file the
  user did not name; and every dataset whose declared size its file cannot
  hold is refused before a byte of it is read (:func:`check_size`).

:func:`require_dataset` and :func:`read_dataset` then check that a name holds a
*dataset* (not a group) of the expected kind of dtype and rank before reading it.

Sizes
    A dataset may declare any shape; reading it allocates that shape in
    memory, even when the file stores no data for it (unwritten chunks read as
    the fill value). A dataset is refused when its declared size exceeds
    :data:`ALWAYS_ALLOWED_BYTES` plus what its stored bytes can expand to: the
    stored bytes themselves when no filter is set, at most
    :data:`MAX_EXPANSION` times them when it is compressed (deflate, the
    filter HDF5 files use, cannot expand more than ~1032 times). The stored
    size counts at most the size of the file. Both limits are module
    attributes a user who trusts a file may raise::

        import movement_like.io.hdf5 as hdf5
        hdf5.MAX_EXPANSION = 100_000
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from movement_like.errors import FileFormatError, MovementLikeError
from movement_like.io.hdf5_raw import check_raw_structure

__all__ = [
    "ALWAYS_ALLOWED_BYTES",
    "MAX_EXPANSION",
    "HDF5_ERRORS",
    "open_hdf5",
    "screen",
    "check_size",
    "require_dataset",
    "read_dataset",
    "hdf5_errors_as_ours",
    "check_heaps",
]

#: A dataset declaring at most this many bytes is always read (64 MiB).
ALWAYS_ALLOWED_BYTES = 64 * 2**20
#: Datasets with more chunks than this have only their declared size checked, not each
#: chunk's stored size (a check that costs about a microsecond per chunk).
MAX_CHUNKS_CHECKED = 100_000
#: How many times its stored (compressed) bytes a filtered dataset may expand to.
MAX_EXPANSION = 1100

#: What h5py and HDF5 raise on damaged or unexpected files (and what a reader
#: indexing a group or a wrongly shaped array raises in turn).
HDF5_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    RuntimeError,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
)

_VISIT_ERRORS: tuple[type[BaseException], ...] = (MovementLikeError, *HDF5_ERRORS)
_EXTERNAL_FIX = "pass allow_external_links=True if you trust the file and the files it names"
_DAMAGED_FIX = "the file may be truncated or damaged; write or export it again"


def check_heaps(path: str | os.PathLike) -> None:
    """Refuse a structure HDF5 would loop on or overallocate, once per version of a file.

    Detection and reading share the answer. See
    :func:`movement_like.io.hdf5_raw.check_raw_structure`; its answer
    is cached by path, size and modification time, as :class:`FileHead` is.

    Parameters
    ----------
    path
        An HDF5 file.

    Raises
    ------
    FileFormatError
        If the file's structure would make HDF5 loop or overallocate.
    """
    try:
        stat = os.stat(path)
    except OSError:
        return  # opening it will say why
    problem = _heap_problem(str(Path(path).absolute()), stat.st_size, stat.st_mtime_ns)
    if problem is not None:
        raise FileFormatError(path, problem[0], problem[1])


@lru_cache(maxsize=32)
def _heap_problem(path: str, size: int, mtime_ns: int) -> tuple[str, str | None] | None:
    del size, mtime_ns  # part of the cache key only
    try:
        check_raw_structure(path)
    except FileFormatError as exc:
        return exc.problem, exc.fix
    return None


@contextmanager
def hdf5_errors_as_ours(path: str | os.PathLike, doing: str = "reading it") -> Iterator[None]:
    """Turn h5py/HDF5 errors raised in the body into :class:`FileFormatError` naming ``path``.

    Our own errors pass unchanged.

    Parameters
    ----------
    path
        The file being read.
    doing
        What the body does, for the message ("reading 'tracks'").

    Yields
    ------
    None
    """
    try:
        yield
    except MovementLikeError:
        raise
    except HDF5_ERRORS as exc:
        raise FileFormatError(
            path, f"failed while {doing} ({type(exc).__name__}: {exc})", _DAMAGED_FIX
        ) from exc


@contextmanager
def open_hdf5(
    path: str | os.PathLike,
    *,
    allow_external_links: bool = False,
    check_sizes: bool = True,
    what: str = "an HDF5 file",
) -> Iterator[Any]:
    """Open an HDF5 file for reading, screened, with every HDF5 error made ours.

    Parameters
    ----------
    path
        The file.
    allow_external_links
        Follow links to other files, external storage and virtual datasets
        whose sources are other files. By default a file holding any of them
        is refused.
    check_sizes
        Refuse the file when a dataset declares more than its file can hold
        (see the module notes). Readers that check each dataset they read with
        :func:`require_dataset` may skip the whole-file check.
    what
        What the file should be, for the message ("a SLEAP analysis file").

    Yields
    ------
    h5py.File
        The open file; errors raised in the ``with`` body become
        :class:`FileFormatError` naming it.

    Raises
    ------
    FileFormatError
        If the file cannot be opened as HDF5, links outside itself, or
        declares a dataset larger than it can hold.
    """
    import h5py

    where = Path(path)
    check_heaps(where)  # damaged structures make HDF5 itself loop or overallocate
    try:
        file = h5py.File(where, "r")
    except HDF5_ERRORS as exc:
        raise FileFormatError(
            where, f"cannot be opened as {what} ({type(exc).__name__}: {exc})", _DAMAGED_FIX
        ) from exc
    try:
        with hdf5_errors_as_ours(where):
            screen(file, where, allow_external_links=allow_external_links, check_sizes=check_sizes)
            yield file
    finally:
        try:
            file.close()
        except HDF5_ERRORS:  # a damaged file may fail to close; nothing is left to read
            pass


def screen(
    file: Any,
    path: str | os.PathLike,
    *,
    allow_external_links: bool = False,
    check_sizes: bool = True,
) -> None:
    """Refuse a file that points outside itself or declares datasets it cannot hold.

    Walks every link of the file once (soft links are not followed, so loops
    cannot hang it).

    Parameters
    ----------
    file
        An open ``h5py.File``.
    path
        Its path, for messages.
    allow_external_links
        Accept external links, external storage and virtual datasets of other files.
    check_sizes
        Check every dataset with :func:`check_size`.

    Raises
    ------
    FileFormatError
        Naming the first offending object.
    """
    import h5py
    from h5py import h5l

    external: list[str] = []

    def link(name: bytes, info: Any) -> None:
        # the low-level walk names links without opening them (h5py's
        # visititems_links looks each one up again, ten times slower)
        if info.type not in (h5l.TYPE_HARD, h5l.TYPE_SOFT):
            external.append(name.decode("utf-8", errors="replace"))

    file.id.links.visit(link, info=True)
    if external and not allow_external_links:
        name = external[0]
        target = file.get(name, getlink=True)
        where = (
            f"'{target.path}' in another file ({target.filename!r})"
            if isinstance(target, h5py.ExternalLink)
            else "an object of a link type HDF5 files do not define"
        )
        raise FileFormatError(
            path,
            f"'/{name}' is a link to {where}, which is not followed by default",
            _EXTERNAL_FIX,
        )

    from h5py import h5d, h5o

    datasets: list[bytes] = []

    def obj(name: bytes, info: Any) -> None:
        if info.type == h5o.TYPE_DATASET:
            datasets.append(name)

    h5o.visit(file.id, obj, info=True)  # hard links only: soft links (and loops) not followed
    file_size = _file_size(path)
    for raw in datasets:
        name = "/" + raw.decode("utf-8", errors="replace")
        dsid = h5d.open(file.id, raw)
        if not allow_external_links:
            _refuse_outside_storage(dsid, name, path)
        if check_sizes:
            _check_declared(dsid, name, path, file_size)


def _refuse_outside_storage(dsid: Any, name: str, path: str | os.PathLike) -> None:
    from h5py import h5d

    plist = dsid.get_create_plist()
    count = plist.get_external_count()
    if count:
        names = sorted({plist.get_external(i)[0].decode() for i in range(count)})
        raise FileFormatError(
            path,
            f"the data of '{name}' are stored in other files ({names}), "
            "which are not read by default",
            _EXTERNAL_FIX,
        )
    if plist.get_layout() == h5d.VIRTUAL:
        outside = {plist.get_virtual_filename(i) for i in range(plist.get_virtual_count())} - {"."}
        if outside:
            raise FileFormatError(
                path,
                f"'{name}' is a virtual dataset reading other files ({sorted(outside)}), "
                "which are not read by default",
                _EXTERNAL_FIX,
            )


def _file_size(path: str | os.PathLike) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def check_size(dataset: Any, path: str | os.PathLike, file_size: int | None = None) -> None:
    """Refuse a dataset that declares more bytes than its file can hold (see the module notes).

    Parameters
    ----------
    dataset
        An ``h5py.Dataset``.
    path
        Its file, for the message and its size.
    file_size
        The size of the file in bytes, if known.

    Raises
    ------
    FileFormatError
        If the declared size exceeds the limit.
    """
    _check_declared(dataset.id, dataset.name, path, file_size)


def _check_declared(
    dsid: Any, name: str, path: str | os.PathLike, file_size: int | None = None
) -> None:
    """:func:`check_size` on a low-level dataset id (what the whole-file screen walks)."""
    from h5py import h5s

    space = dsid.get_space()
    extent = space.get_simple_extent_type()
    if extent == h5s.NULL:  # no data at all
        return
    shape = space.shape if extent == h5s.SIMPLE else ()  # a scalar holds one element
    if file_size is None:
        file_size = _file_size(path)
    _check_chunks(dsid, name, path, file_size)
    declared = math.prod(shape) * dsid.get_type().get_size()
    if declared <= ALWAYS_ALLOWED_BYTES:
        return
    stored = min(int(dsid.get_storage_size()), file_size)
    filtered = dsid.get_create_plist().get_nfilters() > 0
    allowed = ALWAYS_ALLOWED_BYTES + stored * (MAX_EXPANSION if filtered else 1)
    if declared > allowed:
        raise FileFormatError(
            path,
            f"'{name}' declares shape {tuple(shape)} ({declared:,} bytes) "
            f"but the file stores {stored:,} bytes of it, so it was not read",
            "the file is damaged; if you trust it, raise movement_like.io.hdf5.MAX_EXPANSION "
            "or ALWAYS_ALLOWED_BYTES",
        )


def _check_chunks(dsid: Any, name: str, path: str | os.PathLike, file_size: int) -> None:
    """Refuse chunks HDF5 would allocate more for than the file can hold.

    HDF5 reads a chunked dataset one chunk at a time, into a buffer as large as
    the chunk (its declared dims) and, for a filtered chunk, as large as the chunk's
    stored size recorded in the file's index: a flipped bit in either asks the C
    library for gigabytes before anything can be checked.
    """
    from h5py import h5d

    plist = dsid.get_create_plist()
    if plist.get_layout() != h5d.CHUNKED:
        return
    chunk_bytes = math.prod(plist.get_chunk()) * dsid.get_type().get_size()
    if chunk_bytes > ALWAYS_ALLOWED_BYTES:
        raise FileFormatError(
            path,
            f"'{name}' declares chunks of {chunk_bytes:,} bytes, so it was not read",
            _DAMAGED_FIX,
        )
    n_chunks = dsid.get_num_chunks()
    if n_chunks > MAX_CHUNKS_CHECKED:
        return  # checking each would cost more than reading; the declared size is checked
    for index in range(n_chunks):
        stored = dsid.get_chunk_info(index).size
        if stored > file_size:
            raise FileFormatError(
                path,
                f"chunk {index} of '{name}' claims {stored:,} bytes in a file of "
                f"{file_size:,}, so it was not read",
                _DAMAGED_FIX,
            )


def require_dataset(
    group: Any,
    name: str,
    path: str | os.PathLike,
    *,
    kinds: str | None = None,
    ndim: int | tuple[int, ...] | None = None,
) -> Any:
    """Return ``group[name]`` if it is a dataset of the expected dtype kind and rank.

    Parameters
    ----------
    group
        An open ``h5py.Group`` (or file).
    name
        The dataset's name in it.
    path
        The file, for messages.
    kinds
        Accepted ``numpy`` dtype kinds (``"fiu"``: numbers, ``"SUO"``: text),
        or None for any.
    ndim
        Accepted rank(s), or None for any.

    Returns
    -------
    h5py.Dataset
        The dataset, not yet read, its declared size checked.

    Raises
    ------
    FileFormatError
        If the name is missing, dangles, loops, is a group, or has another
        dtype kind, rank or an impossible size.
    """
    import h5py

    with hdf5_errors_as_ours(path, f"opening '{name}'"):
        obj = group.get(name)
    if obj is None:
        raise FileFormatError(path, f"'{name}' is missing (or a link that leads nowhere)")
    if not isinstance(obj, h5py.Dataset):
        raise FileFormatError(path, f"'{obj.name}' is a group where a dataset is expected")
    if kinds is not None and _kind(obj.dtype) not in kinds:
        raise FileFormatError(
            path, f"'{obj.name}' holds {obj.dtype} values, not the expected {_kind_name(kinds)}"
        )
    ranks = (ndim,) if isinstance(ndim, int) else ndim
    if ranks is not None and obj.ndim not in ranks:
        raise FileFormatError(
            path,
            f"'{obj.name}' has {obj.ndim} axes (shape {obj.shape}), not "
            + " or ".join(str(r) for r in ranks),
        )
    check_size(obj, path)
    return obj


def read_dataset(
    group: Any,
    name: str,
    path: str | os.PathLike,
    *,
    kinds: str | None = None,
    ndim: int | tuple[int, ...] | None = None,
) -> np.ndarray:
    """Read ``group[name]`` whole after :func:`require_dataset` has checked it.

    Parameters
    ----------
    group, name, path, kinds, ndim
        As for :func:`require_dataset`.

    Returns
    -------
    numpy.ndarray
        Its values (a 0-d array for a scalar dataset).

    Raises
    ------
    FileFormatError
        As :func:`require_dataset`, or when the data cannot be read (a damaged
        block, a failing filter).
    """
    dataset = require_dataset(group, name, path, kinds=kinds, ndim=ndim)
    with hdf5_errors_as_ours(path, f"reading '{dataset.name}'"):
        return np.asarray(dataset[()])


def _kind(dtype: np.dtype) -> str:
    import h5py

    if dtype.kind == "O" and h5py.check_string_dtype(dtype) is not None:
        return "U"
    return dtype.kind


def _kind_name(kinds: str) -> str:
    names = {"f": "float", "i": "integer", "u": "unsigned", "b": "boolean"}
    names.update({"S": "text", "U": "text", "O": "object"})
    return "/".join(dict.fromkeys(names.get(k, k) for k in kinds))
