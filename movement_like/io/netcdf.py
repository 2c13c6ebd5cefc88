"""netCDF, the native state format: lossless save and load of our datasets.

``save_netcdf(ds, path)`` then ``load_netcdf(path)`` gives back an identical
dataset: values, NaNs, dtypes, coordinates (``frame``, string names) and
attributes (including the ``log``). netCDF files written by ``movement`` (any of
its dimension layouts) are converted to our contract on load.
"""

from __future__ import annotations

import os
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import xarray as xr

from movement_like.dataset import netcdf_safe_attrs
from movement_like.errors import FileFormatError
from movement_like.io.atomic import atomic_path

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
    with atomic_path(path, overwrite=overwrite) as tmp:
        out.to_netcdf(tmp, engine="netcdf4", format="NETCDF4", encoding=encoding)
    return Path(path)


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

    Raises
    ------
    FileFormatError
        If the file is not a readable netCDF file.
    """
    del fps
    target = Path(path).expanduser()
    if not target.exists():
        raise FileNotFoundError(f"{target}: no such file")
    try:
        ds = xr.open_dataset(target, engine="netcdf4", chunks=chunks)
    except Exception as exc:
        raise FileFormatError(target, f"not a readable netCDF file ({exc})") from exc
    if chunks is None:
        ds.load()
        ds.close()
    ours = WRITER_ATTR in ds.attrs
    attrs = {k: v for k, v in ds.attrs.items() if k != WRITER_ATTR}
    ds.attrs = attrs
    ds = _restore_strings(ds)
    for name in ds.variables:
        ds[name].encoding = {}
    if not ours:
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
