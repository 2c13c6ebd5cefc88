"""Zarr, the state format for recordings larger than memory.

``save_zarr(ds, path)`` writes a zarr v3 store (a folder) with consolidated
metadata, every variable chunked along ``time`` only; ``load_zarr(path)`` reads
it back identical (values, NaNs, dtypes, coordinates, attributes), eagerly or,
with ``chunks={}``, lazily chunk by chunk.

When to use which: netCDF (:mod:`movement_like.io.netcdf`) is the default state,
one file that is easy to copy, mail and open anywhere. Zarr is for one
recording that does not fit in memory, or that many workers compute at once:
each dask chunk is its own object in the store, so workers write their time
ranges in parallel, with no lock, straight from the cluster.

Writes are atomic: the store is written to a hidden temporary folder next to
the target (``.<name>.<host>-<pid>-<random>.partial.zarr``, named as
:mod:`movement_like.utils.atomic` names temporary files), read back, and
renamed into place; an existing store is only replaced with ``overwrite=True``,
and never a folder that is not a zarr store. A writer killed outright leaves
its temporary folder behind; the next write to the same target removes it once
its writer is gone (or it has not been written to for
:data:`~movement_like.utils.atomic.STALE_AFTER_S` seconds).

``zarr`` is a format of the registry (:mod:`movement_like.io.registry`): a
folder holding a ``zarr.json`` is recognised by ``from_file`` and the command
line, and a path ending in ``.zarr`` is written by ``to_file``. What a store
declares is screened before zarr opens it (:mod:`movement_like.io.zarr_screen`).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import socket
import warnings
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from movement_like.dataset import netcdf_safe_attrs, validate_dataset
from movement_like.errors import (
    FileFormatError,
    InvalidDatasetError,
    IsAFolderError,
    MovementLikeError,
    OverwriteError,
    PathNotFoundError,
    WriteError,
)
from movement_like.io import zarr_screen
from movement_like.io.atomic import new_partial_dir, remove_stale_partials

__all__ = ["save_zarr", "load_zarr", "ZARR_CHUNK_BYTES"]

#: Target size of one stored chunk along ``time`` for numpy-backed data.
ZARR_CHUNK_BYTES = 4 << 20

#: Global attribute that marks stores written by movement_like; removed on load.
WRITER_ATTR = "written_by_movement_like"

_HOST = hashlib.sha1(socket.gethostname().encode()).hexdigest()[:6]


def _time_rows(var: xr.DataArray, chunk_bytes: int) -> int:
    row_bytes = var.dtype.itemsize * max(1, var.size // max(1, var.sizes["time"]))
    return max(1, min(var.sizes["time"], chunk_bytes // row_bytes))


def _prepare(ds: xr.Dataset, chunk_bytes: int) -> tuple[xr.Dataset, dict[Hashable, Any]]:
    """Chunk every variable along ``time`` only; dask data keeps its time chunks, made even.

    Zarr chunks are all the same size, so dask chunks must be too (the last
    may be shorter) for each dask task to write whole zarr chunks, in parallel
    and without a lock.
    """
    out = ds.copy(deep=False)
    encoding: dict[Hashable, Any] = {}
    for name, var in list(out.variables.items()):
        if var.dtype.kind == "U":  # stored as variable-length UTF-8, which zarr v3 specifies
            out[name] = var.astype(object)
            if name in out.coords and "time" not in var.dims:
                continue
        if name in out.coords and "time" not in var.dims:
            continue
        if "time" not in var.dims or var.size == 0:
            encoding[name] = {"chunks": tuple(max(1, s) for s in var.shape)}
            if var.chunks is not None:
                out[name] = var.chunk(dict.fromkeys(var.dims, -1))
            continue
        if var.chunks is not None:
            time_chunks = var.chunksizes["time"] if isinstance(var, xr.DataArray) else None
            time_chunks = var.chunks[var.dims.index("time")] if time_chunks is None else time_chunks
            rows = int(max(time_chunks))
            even = all(c == rows for c in time_chunks[:-1]) and time_chunks[-1] <= rows
            others_whole = all(
                len(c) == 1 for d, c in zip(var.dims, var.chunks, strict=True) if d != "time"
            )
            if not (even and others_whole):
                rows = int(time_chunks[0])
                spec = {d: (rows if d == "time" else -1) for d in var.dims}
                out[name] = out[name].chunk(spec)
        else:
            rows = _time_rows(xr.DataArray(var), chunk_bytes)
        encoding[name] = {
            "chunks": tuple(
                rows if d == "time" else max(1, s) for d, s in zip(var.dims, var.shape, strict=True)
            )
        }
    return out, encoding


def _folder_mode() -> int:
    """Return the permissions ``mkdir`` would give a new folder (0o777 less the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def _is_zarr_store(path: Path) -> bool:
    return path.is_dir() and ((path / "zarr.json").is_file() or (path / ".zgroup").is_file())


def save_zarr(
    ds: xr.Dataset,
    path: str | os.PathLike,
    overwrite: bool = False,
    chunk_bytes: int = ZARR_CHUNK_BYTES,
) -> Path:
    """Save ``ds`` to a zarr v3 store (a folder), atomically.

    Parameters
    ----------
    ds
        Any dataset of ours. Dask-backed data is computed and written chunk by
        chunk, each chunk by the worker that computed it (under a
        ``dask.distributed`` client: in parallel, with no lock); its chunks along
        ``time`` become the zarr chunks (uneven ones are first made even), and it
        is never gathered in one process.
    path
        The store to write, usually ending in ``.zarr``.
    overwrite
        Replace an existing store. Without it an existing path raises
        :class:`~movement_like.errors.OverwriteError`. A folder that is not a
        zarr store is never replaced.
    chunk_bytes
        Size of the chunks along ``time`` for numpy-backed data.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OverwriteError
        If ``path`` exists and ``overwrite`` is false, or it is a folder that is
        not a zarr store.
    PathNotFoundError
        If the folder that should hold the store does not exist.
    WriteError
        If writing failed or the store does not read back; the target is untouched.
    """
    from movement_like import __version__

    target = Path(path).expanduser()
    if not target.parent.is_dir():
        raise PathNotFoundError(
            f"{target}: the folder {target.parent} does not exist; create it first"
        )
    if target.exists() or target.is_symlink():
        if not overwrite:
            raise OverwriteError(target)
        if not _is_zarr_store(target):
            raise IsAFolderError(
                f"{target}: is a folder but not a zarr store, so it is never replaced; "
                "choose another path"
            )
    out, encoding = _prepare(ds, chunk_bytes)
    out.attrs = netcdf_safe_attrs(ds.attrs) | {WRITER_ATTR: __version__}
    for name in out.variables:
        out[name].attrs = netcdf_safe_attrs(out[name].attrs)
        out[name].encoding = {}
    remove_stale_partials(target)
    tmp = new_partial_dir(target)
    os.chmod(tmp, _folder_mode())
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*[Cc]onsolidated metadata.*")
            warnings.filterwarnings("ignore", message=".*not part of the Zarr format 3.*")
            out.to_zarr(
                tmp, mode="w-", zarr_format=3, consolidated=True, encoding=encoding, compute=True
            )
        _check_read_back(out, tmp, target)
        _publish(tmp, target, overwrite)
    except MovementLikeError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise WriteError(target, f"zarr could not write it ({type(exc).__name__}: {exc})") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Path(path)


def _publish(tmp: Path, target: Path, overwrite: bool) -> None:
    """Rename the written store onto ``target``; an old store is moved aside, then removed."""
    old = None
    if target.exists() or target.is_symlink():
        if not overwrite:
            raise OverwriteError(target)
        old = target.parent / f".{target.name}.{_HOST}-{os.getpid()}-{secrets.token_hex(3)}.old"
        os.rename(target, old)
    try:
        os.rename(tmp, target)  # a folder created meanwhile and not empty makes this fail
    except OSError as exc:
        if old is not None:
            os.rename(old, target)
        if target.exists():
            raise OverwriteError(target) from exc
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _check_read_back(expected: xr.Dataset, tmp: Path, target: Path) -> None:
    """Check the store opens with every variable, its shape, coordinates and last time row."""
    try:
        back = xr.open_zarr(tmp, consolidated=True, zarr_format=3, chunks=None)
        for name, var in expected.variables.items():
            if name not in back.variables:
                raise WriteError(target, f"'{name}' is missing from the store written")
            got = back[name]
            if got.shape != var.shape:
                raise WriteError(target, f"'{name}' came back with shape {got.shape}")
            if var.dtype.kind not in "biufSU" or not var.size:
                continue
            if name in expected.coords or "time" not in var.dims:
                a, b = got.values, np.asarray(var.values)
            else:
                a = got.isel(time=slice(-1, None)).values
                b = np.asarray(var.isel(time=slice(-1, None)).values)
            same = (
                a.astype(str).tolist() == b.astype(str).tolist()
                if b.dtype.kind in "SU"
                else np.array_equal(a, b, equal_nan=b.dtype.kind == "f")
            )
            if not same:
                raise WriteError(target, f"'{name}' does not read back as written")
    except WriteError:
        raise
    except Exception as exc:
        raise WriteError(target, f"the store written does not read back ({exc})") from exc


# --------------------------------------------------------------------------- #
# reading
# --------------------------------------------------------------------------- #
def load_zarr(path: str | os.PathLike, chunks: dict | str | None = None) -> xr.Dataset:
    """Load a zarr store written by :func:`save_zarr`.

    Parameters
    ----------
    path
        The store (folder).
    chunks
        ``None`` (default) loads everything into memory. ``{}`` returns a lazy,
        dask-backed dataset chunked as stored (along ``time``), for recordings
        larger than memory; any other dask chunk specification is passed to
        :func:`xarray.open_zarr`.

    Returns
    -------
    xarray.Dataset
        A poses or bboxes dataset of our contract.

    Raises
    ------
    FileFormatError
        If the path is not a zarr v3 store of ours, or does not hold a valid dataset.
    UnsafeFileError
        If the store holds symbolic links or codecs that could run code.
    """
    target = Path(path).expanduser()
    if not target.exists():
        raise PathNotFoundError(f"{target}: no such zarr store")
    if not target.is_dir():
        raise FileFormatError(target, "is a file, not a zarr store (a folder)", "give the folder")
    zarr_screen.screen(target, lazy=chunks is not None)
    try:
        ds = xr.open_zarr(target, consolidated=True, zarr_format=3, chunks=chunks)  # type: ignore[arg-type]
        if chunks is None:
            ds = ds.load()
        ds.attrs = {k: v for k, v in ds.attrs.items() if k != WRITER_ATTR}
        fixes = {}
        for name, var in ds.variables.items():
            var.encoding = {}
            if var.dtype.kind in "OT" and var.size and name in ds.coords:
                fixes[name] = (var.dims, np.array(var.values.tolist(), dtype=str), var.attrs)
        if fixes:
            ds = ds.assign_coords(fixes)
    except MovementLikeError:
        raise
    except Exception as exc:
        raise FileFormatError(
            target,
            f"not a readable zarr store ({type(exc).__name__}: {exc})",
            "the store is damaged; save it again",
        ) from exc
    try:
        validate_dataset(ds)
    except InvalidDatasetError as exc:
        raise FileFormatError(
            target,
            f"does not hold a movement_like dataset: {exc}",
            "it was written by another program, or changed since",
        ) from exc
    return ds


# --------------------------------------------------------------------------- #
# the registry's entry points
# --------------------------------------------------------------------------- #
def sniff(head) -> bool:
    """Recognise a zarr store: a folder holding ``zarr.json`` (or zarr v2's ``.zgroup``).

    Version 2 stores are recognised too, so that loading one says that only
    version 3 is read rather than that the format is unknown.
    """
    return head.is_dir and (
        (head.path / "zarr.json").is_file() or (head.path / ".zgroup").is_file()
    )


def read(
    path: str | os.PathLike, fps: float | None = None, chunks: dict | str | None = None
) -> xr.Dataset:
    """Registry reader: :func:`load_zarr` (``fps`` is ignored: a store has its time coordinate)."""
    del fps
    return load_zarr(path, chunks=chunks)


def write(ds: xr.Dataset, path: str | os.PathLike, overwrite: bool = False, **kwargs) -> Path:
    """Registry writer: :func:`save_zarr`."""
    return save_zarr(ds, path, overwrite=overwrite, **kwargs)
