"""netCDF, the native state format: lossless save and load of our datasets.

``save_netcdf(ds, path)`` then ``load_netcdf(path)`` gives back an identical
dataset: values, NaNs, dtypes, coordinates (``frame``, string names) and
attributes (including the ``log``). netCDF files written by ``movement`` (any of
its dimension layouts) are converted to our contract on load.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from movement_like.dataset import netcdf_safe_attrs, validate_dataset
from movement_like.errors import (
    FileFormatError,
    InvalidDatasetError,
    MovementLikeError,
    PathNotFoundError,
    WriteError,
)
from movement_like.io import netcdf_screen
from movement_like.io.atomic import atomic_path, disk_is_full

__all__ = ["save_netcdf", "load_netcdf"]

#: Global attribute that marks files written by movement_like; removed on load.
WRITER_ATTR = "written_by_movement_like"


#: Target size of one stored chunk: large enough to read fast, small enough that a
#: lazy load (``chunks={}``) streams a long recording in pieces.
CHUNK_BYTES = 1 << 20


def _storage_chunks(var: xr.DataArray) -> tuple[int, ...]:
    """Chunk shape on disk: whole along every dim but ``time``, ~1 MiB along ``time``."""
    if "time" not in var.dims:
        return tuple(var.shape)
    row_bytes = var.dtype.itemsize * max(1, var.size // max(1, var.sizes["time"]))
    rows = max(1, min(var.sizes["time"], CHUNK_BYTES // row_bytes))
    return tuple(
        rows if dim == "time" else size for dim, size in zip(var.dims, var.shape, strict=True)
    )


def _writer_version() -> str:
    from movement_like import __version__

    return __version__


def save_netcdf(
    ds: xr.Dataset, path: str | os.PathLike, overwrite: bool = False, compress: bool = True
) -> Path:
    """Save ``ds`` to a netCDF-4 file, atomically.

    Parameters
    ----------
    ds
        Any dataset of ours (numpy- or dask-backed; dask data is written chunk
        by chunk). Attributes are made netCDF-safe on the way
        (:func:`movement_like.dataset.netcdf_safe_attrs`).
    path
        File to write, usually ending in ``.nc``.
    overwrite
        Replace an existing file. Without it an existing file raises
        :class:`~movement_like.errors.OverwriteError`.
    compress
        Compress float variables with zlib (lossless).

    Returns
    -------
    pathlib.Path
        The path written.
    """
    out = ds.copy(deep=False)
    out.attrs = netcdf_safe_attrs(ds.attrs) | {WRITER_ATTR: _writer_version()}
    for name in out.variables:
        out[name].attrs = netcdf_safe_attrs(out[name].attrs)
    encoding: dict[Hashable, dict[str, Any]] = {}
    for name, var in out.data_vars.items():
        if var.size == 0:
            continue
        encoding[name] = {"chunksizes": _storage_chunks(var)}
        if compress and var.dtype.kind == "f":
            encoding[name] |= {"zlib": True, "complevel": 4}
    target = Path(path).expanduser()
    with atomic_path(target, overwrite=overwrite, verify=_read_back_check(out, target)) as tmp:
        try:
            out.to_netcdf(tmp, engine="netcdf4", format="NETCDF4", encoding=encoding)
        except RuntimeError as exc:  # netCDF-C's "HDF error" and the like
            if disk_is_full(target.parent):
                raise
            raise WriteError(target, f"netCDF could not write it ({exc})") from exc
    return Path(path)


def _read_back_check(expected: xr.Dataset, target: Path) -> Callable[[Path], None]:
    """Return a check that the written file reads back as ``expected`` (structure and ends).

    Every variable must be in the file with its shape, the coordinates with
    their values, and the data variables with their last time point (so the
    file was written to its end), read with h5py without reading all the data
    again.
    """

    def check(tmp: Path) -> None:
        import h5py

        try:
            with h5py.File(tmp, "r") as file:
                for name, var in expected.variables.items():
                    stored = file.get(str(name))
                    if not isinstance(stored, h5py.Dataset):
                        raise WriteError(target, f"'{name}' is missing from the file written")
                    if stored.shape != var.shape:
                        raise WriteError(
                            target,
                            f"'{name}' came back with shape {stored.shape}, not {var.shape}",
                        )
                    if var.dtype.kind not in "biufSUO" or not var.size:
                        continue  # values encoded (dates ...) or none: the shape is the check
                    if h5py.check_string_dtype(stored.dtype) is not None:
                        stored = stored.asstr()
                    if name in expected.coords or "time" not in var.dims:
                        _same(target, name, stored[()], var.values)
                    else:
                        axis = var.dims.index("time")
                        last = (slice(None),) * axis + (slice(-1, None),)
                        _same(target, name, stored[last], var.values[last])
        except (WriteError, MemoryError):
            raise
        except Exception as exc:
            raise WriteError(target, f"the file written does not read back ({exc})") from exc

    return check


def _same(target: Path, name: Hashable, got: Any, expected: Any) -> None:
    got, expected = np.asarray(got), np.asarray(expected)
    if got.dtype.kind in "OUS" or expected.dtype.kind in "OUS":
        equal = got.astype(str).tolist() == expected.astype(str).tolist()
    else:
        equal = np.array_equal(got, expected, equal_nan=expected.dtype.kind in "fc")
    if not equal:
        raise WriteError(target, f"'{name}' does not read back as written")


def _restore_strings(ds: xr.Dataset) -> xr.Dataset:
    """NetCDF gives strings back as object arrays; make them str arrays again."""
    fixes = {}
    for name, var in ds.variables.items():
        if var.dtype == object and var.size and all(isinstance(v, str) for v in var.values.ravel()):
            fixes[name] = (var.dims, var.values.astype(str), var.attrs)
    if not fixes:
        return ds
    coords = {k: v for k, v in fixes.items() if k in ds.coords}
    data = {k: v for k, v in fixes.items() if k not in ds.coords}
    return ds.assign_coords(coords).assign(data)


def load_netcdf(
    path: str | os.PathLike, chunks: dict | str | None = None, fps: float | None = None
) -> xr.Dataset:
    """Load a netCDF file written by ``movement_like`` or by ``movement``.

    No file reaches netCDF-C unscreened: a netCDF-4 file (HDF5) is first
    screened with h5py (no links, only netCDF types, no size it does not store,
    no damaged heap, see :mod:`movement_like.io.netcdf_screen`), then read by
    netCDF-C if it holds only the types netCDF-C reads safely, else through
    xarray's ``h5netcdf`` engine; a classic netCDF-3 file is read by scipy through a
    reader that never reads past the end of the file, so that a size its header
    claims is never allocated. The result must
    follow the dataset contract (:func:`movement_like.dataset.validate_dataset`).

    Parameters
    ----------
    path
        The ``.nc`` file.
    chunks
        ``None`` (default) loads everything into memory and closes the file.
        ``{}`` returns a lazy, dask-backed dataset chunked as stored (files we
        write are stored in ~1 MiB pieces along ``time``), for data larger than
        memory; any other dask chunk specification (``{"time": 100_000}``,
        ``"auto"``) is passed to :func:`xarray.open_dataset`.
    fps
        Ignored unless the file has no frame rate, in which case it is not used
        either: netCDF states carry their own time coordinate. Accepted so that
        ``from_file(path, fps=...)`` works for every format.

    Returns
    -------
    xarray.Dataset
        A poses or bboxes dataset of our contract; netCDF files written by
        ``movement`` (any of its layouts) are converted to it.

    Raises
    ------
    FileFormatError
        If the file is not a readable netCDF file, or does not hold a dataset
        that follows the contract (the message says what is wrong).
    UnsafeFileError
        If the file links to other files.
    """
    del fps
    target = Path(path).expanduser()
    if not target.exists():
        raise PathNotFoundError(f"{target}: no such file")
    container = netcdf_screen.container(target)
    try:
        if container == "hdf5":
            engine = netcdf_screen.screen_hdf5(target)
            ds = xr.open_dataset(target, engine=engine, chunks=chunks)
        else:
            reader = netcdf_screen.BoundedReader(target)
            ds = xr.open_dataset(reader, engine="scipy", chunks=chunks)  # type: ignore[arg-type]
        try:
            if chunks is None:
                ds.load()
            ds = _to_contract(ds, target)
        finally:
            if chunks is None:
                ds.close()
                if container == "classic":
                    reader.close()
    except (MovementLikeError, MemoryError):
        raise
    except Exception as exc:
        raise FileFormatError(
            target,
            f"not a readable netCDF file ({type(exc).__name__}: {exc})",
            "the file is damaged or is not netCDF; save it again from the program that wrote it",
        ) from exc
    try:
        validate_dataset(ds)
    except InvalidDatasetError as exc:
        raise FileFormatError(
            target,
            f"does not hold a movement_like or movement dataset: {exc}",
            "it was written by another program, or changed since; load it with "
            "xarray.open_dataset and fix it, or save it again from its source",
        ) from exc
    return ds


def _to_contract(ds: xr.Dataset, target: Path) -> xr.Dataset:
    """Drop our writer's marker, restore strings, convert movement's layouts."""
    ours = WRITER_ATTR in ds.attrs
    ds.attrs = {k: v for k, v in ds.attrs.items() if k != WRITER_ATTR}
    ds = _restore_strings(ds)
    for name in ds.variables:
        ds[name].encoding = {}
    if not ours:
        if "position" not in ds.data_vars or "time" not in ds.dims:
            found = sorted(map(str, ds.data_vars))
            raise FileFormatError(
                target,
                f"holds no 'position' along 'time' (variables: {found})",
                "this is a netCDF file, but not one written by movement_like or movement",
            )
        from movement_like.io.movement_compat import from_movement

        ds = from_movement(ds)
        ds.attrs.setdefault("source_file", str(target))
    return ds


def sniff(head) -> bool:
    """Recognise a netCDF-3 file, or a netCDF-4 (HDF5) file with a ``.nc`` suffix."""
    if head.bytes.startswith((b"CDF\x01", b"CDF\x02")):
        return True
    return head.name.endswith((".nc", ".nc4", ".netcdf")) and head.is_hdf5


def read(path: str | os.PathLike, fps: float | None = None, **kwargs) -> xr.Dataset:
    """Registry reader: :func:`load_netcdf`."""
    return load_netcdf(path, fps=fps, **kwargs)


def write(ds: xr.Dataset, path: str | os.PathLike, overwrite: bool = False, **kwargs) -> Path:
    """Registry writer: :func:`save_netcdf`."""
    return save_netcdf(ds, path, overwrite=overwrite, **kwargs)
