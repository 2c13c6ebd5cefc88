"""Screening a netCDF file before it is read, so that reading it cannot hang, crash or overallocate.

netCDF-C, which the ``netcdf4`` engine uses, hangs on some damaged files and
crashes on others (a float16 variable, an array where a list of dimensions
should be). No file reaches it unscreened: a netCDF-4 file (an HDF5 file) is
screened here with h5py first, then read by netCDF-C when it holds only what
netCDF-C reads safely (the fastest reader), else by xarray's ``h5netcdf``
engine (h5py); a classic netCDF-3 file is read by scipy through
:class:`BoundedReader`, so its header cannot make us allocate what the file
does not hold.

The screen of a netCDF-4 file refuses, before any data is read:

* links (external links reach other files, soft links can loop): netCDF never
  writes them;
* HDF5 types netCDF does not define (compound, opaque, references ...);
* a variable that declares more bytes than the file could hold: more than
  :data:`MAX_EXPANSION` times what it stores (zlib cannot expand data more than
  about 1,032 times; :data:`MAX_EXPANSION_OTHER_FILTERS` for other compressors)
  plus :data:`SLACK_BYTES`;
* what HDF5 itself would loop on or overallocate before reading anything
  (:func:`movement_like.io.hdf5_raw.check_raw_structure`);
* an HDF5 file without netCDF dimensions (an NWB, SLEAP or DeepLabCut file
  renamed ``.nc``), naming the format it looks like.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from movement_like.errors import FileFormatError, UnsafeFileError
from movement_like.io.hdf5_heaps import HDF5_MAGIC, check_global_heaps
from movement_like.io.hdf5_raw import check_raw_structure

__all__ = [
    "container",
    "screen_hdf5",
    "check_global_heaps",
    "BoundedReader",
    "MAX_EXPANSION",
    "MAX_EXPANSION_OTHER_FILTERS",
    "SLACK_BYTES",
]

CLASSIC_MAGIC = (b"CDF\x01", b"CDF\x02")

#: How many times its stored size a variable may declare (zlib's ratio is at most ~1,032).
MAX_EXPANSION = 1100
#: The same for a variable stored through a filter other than deflate, shuffle, fletcher32
#: (zstd, blosc ... can pack more): generous, but still a bound.
MAX_EXPANSION_OTHER_FILTERS = 100_000
#: HDF5 filters whose expansion :data:`MAX_EXPANSION` bounds: deflate, shuffle, fletcher32,
#: n-bit and scale-offset.
_BOUNDED_FILTERS = {1, 2, 3, 5, 6}
#: What any variable may declare whatever it stores (unwritten variables read as fill values).
SLACK_BYTES = 1 << 20


def container(path: Path) -> str:
    """Return ``"hdf5"`` (netCDF-4) or ``"classic"`` (netCDF-3) from the first bytes.

    Parameters
    ----------
    path
        The file to look at (only its first 8 bytes are read).

    Returns
    -------
    str
        ``"hdf5"`` or ``"classic"``.

    Raises
    ------
    FileFormatError
        If the file starts like neither (CDF-5 files are named as such).
    """
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(HDF5_MAGIC):
        return "hdf5"
    if head.startswith(CLASSIC_MAGIC):
        return "classic"
    if head.startswith(b"CDF\x05"):
        raise FileFormatError(
            path,
            "is a CDF-5 (64-bit data) netCDF file, which movement_like does not read",
            "convert it with `nccopy -k netCDF-4 IN OUT`",
        )
    raise FileFormatError(
        path,
        "not a netCDF file (it starts neither with the HDF5 nor the netCDF-3 signature)",
        "check that the file is complete, or pass the right source_software",
    )


def _looks_like(root_attrs: Any, names: set[str]) -> str | None:
    """Name the format an HDF5 file without netCDF dimensions looks like, if any."""
    if "nwb_version" in root_attrs or "neurodata_type" in root_attrs:
        return "an NWB file (load it with source_software='NWB', or name it .nwb)"
    if {"metadata", "frames", "instances"} <= names:
        return "a SLEAP .slp file (load it with source_software='SLEAP', or name it .slp)"
    if "tracks" in names and "node_names" in names:
        return "a SLEAP analysis file (name it .analysis.h5)"
    if names & {"df_with_missing", "tracks", "df"}:
        return "a DeepLabCut table (load it with source_software='DeepLabCut', or name it .h5)"
    return None


def _is_scale(dataset: Any) -> bool:
    """Whether an HDF5 dataset is a dimension scale (a netCDF dimension)."""
    kind = dataset.attrs.get("CLASS") if "CLASS" in dataset.attrs else None
    return isinstance(kind, bytes) and kind == b"DIMENSION_SCALE"


def _check_dataset(path: Path, name: str, dataset: Any) -> None:
    """Check one variable's type, declared size and list of dimensions."""
    import h5py

    dtype = dataset.dtype
    is_string = h5py.check_string_dtype(dtype) is not None
    if not is_string and h5py.check_enum_dtype(dtype) is None and dtype.kind not in "biufSU":
        raise FileFormatError(
            path,
            f"variable '{name}' has the HDF5 type {dtype}, which netCDF does not define",
            "the file is damaged or was not written as netCDF",
        )
    if dataset.shape is None:
        raise FileFormatError(path, f"variable '{name}' has no shape (an empty HDF5 dataspace)")
    # variable-length strings store a 16-byte pointer per value in the dataset itself
    itemsize = 16 if dtype.kind == "O" else dtype.itemsize
    declared = int(np.prod(dataset.shape, dtype=object)) * itemsize
    stored = dataset.id.get_storage_size()
    plist = dataset.id.get_create_plist()
    filters = {plist.get_filter(i)[0] for i in range(plist.get_nfilters())}
    ratio = MAX_EXPANSION if filters <= _BOUNDED_FILTERS else MAX_EXPANSION_OTHER_FILTERS
    if declared > ratio * stored + SLACK_BYTES:
        raise FileFormatError(
            path,
            f"variable '{name}' declares {dataset.shape} values ({declared:,} bytes) "
            f"but the file stores only {stored:,} bytes for it",
            "the file is damaged or crafted; it cannot hold the data it claims",
        )
    if "DIMENSION_LIST" in dataset.attrs:
        # one list of scales per axis: HDF5 overruns its buffers on a list of another length
        listed_id = dataset.attrs.get_id("DIMENSION_LIST")
        listed = listed_id.shape
        holds = h5py.check_vlen_dtype(listed_id.dtype)
        if holds is None or h5py.check_ref_dtype(holds) is None:
            raise FileFormatError(
                path,
                f"the list of dimensions of variable '{name}' holds {listed_id.dtype}, "
                "not references to dimensions",
                "the file is damaged or was changed by another program",
            )
        if listed != (len(dataset.shape),):
            raise FileFormatError(
                path,
                f"variable '{name}' has {len(dataset.shape)} dimensions but its list of "
                f"dimensions has shape {listed}",
                "the file is damaged or was changed by another program",
            )
    is_scale = _is_scale(dataset)
    if is_scale and len(dataset.shape) != 1:
        raise FileFormatError(
            path,
            f"the dimension '{name}' has shape {dataset.shape}; netCDF dimensions are 1-D",
            "the file is damaged or was changed by another program",
        )


def screen_hdf5(path: Path) -> str:
    """Refuse a netCDF-4 file whose structure could hang, crash or overallocate a reader.

    A file that passes holds only what netCDF-C reads safely, or else (float16,
    HDF5 booleans) what h5py reads safely; the engine to read it with is returned.

    Parameters
    ----------
    path
        A file that starts with the HDF5 signature.

    Raises
    ------
    UnsafeFileError
        If the file links to another file.
    FileFormatError
        If it holds soft links, types netCDF does not define, sizes it does not
        store, or no netCDF dimensions at all.

    Returns
    -------
    str
        ``"netcdf4"`` (xarray's netCDF-C engine, the fastest) for a file of the
        types netCDF-C writes, ``"h5netcdf"`` (h5py) for one with types it
        crashes on (float16) or does not write (HDF5 booleans).
    """
    import h5py

    check_raw_structure(path)
    try:
        file = h5py.File(path, "r")
    except Exception as exc:
        raise FileFormatError(
            path,
            "not a readable netCDF file: it starts like netCDF-4 (HDF5) but cannot be "
            f"opened ({exc})",
            "the file is truncated or damaged",
        ) from exc
    with file:
        links: list[tuple[str, Any]] = []
        file.visititems_links(lambda name, link: links.append((name, link)))
        hard = [name for name, link in links if isinstance(link, h5py.HardLink)]
        datasets = [name for name in hard if isinstance(file.get(name), h5py.Dataset)]
        if datasets and not any(_is_scale(file[name]) for name in datasets):
            guess = _looks_like(file.attrs, set(file.keys()))
            if guess:
                raise FileFormatError(path, f"is not a netCDF file but {guess}")
            raise FileFormatError(
                path,
                "is an HDF5 file without netCDF dimensions",
                "it is not a netCDF-4 file; pass the right source_software",
            )
        for name, link in links:
            if isinstance(link, h5py.ExternalLink):
                raise UnsafeFileError(
                    path,
                    f"'{name}' links to '{link.path}' in another file, {link.filename}",
                    "netCDF files hold no links; movement_like does not follow them",
                )
            if isinstance(link, h5py.SoftLink):
                raise FileFormatError(
                    path,
                    f"'{name}' is a soft link (to '{link.path}'), which netCDF files never hold",
                    "the file is damaged or was not written as netCDF",
                )
        for name in datasets:
            _check_dataset(path, name, file[name])
        netcdf_c_types = all(_netcdf_c_reads(file[name].dtype) for name in datasets)
        return "netcdf4" if netcdf_c_types else "h5netcdf"


def _netcdf_c_reads(dtype: Any) -> bool:
    """Whether netCDF-C reads values of this HDF5 type (it crashes on float16)."""
    import h5py

    if h5py.check_string_dtype(dtype) is not None:
        return True
    return dtype.kind in "iuS" or (dtype.kind == "f" and dtype.itemsize in (4, 8))


class BoundedReader:
    """A read-only binary file whose ``read(n)`` never asks for more than the file holds.

    scipy's netCDF-3 reader calls ``read(count)`` with counts taken from the
    header; a plain file object would allocate ``count`` bytes first. Through
    this reader a damaged header gets a short read (and scipy an error) instead.

    Parameters
    ----------
    path
        The file to read.
    """

    def __init__(self, path: str | os.PathLike):
        self._file = open(path, "rb")  # noqa: SIM115 - closed by close(), as a file is
        self._size = os.fstat(self._file.fileno()).st_size
        self.name = os.fspath(path)

    def read(self, count: int | None = -1) -> bytes:
        """Read at most ``count`` bytes, and never past the end of the file."""
        left = max(0, self._size - self._file.tell())
        return self._file.read(left if count is None or count < 0 else min(count, left))

    def seek(self, offset: int, whence: int = 0) -> int:
        """Move to ``offset`` (as :meth:`io.IOBase.seek`)."""
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        """Return the current position."""
        return self._file.tell()

    def seekable(self) -> bool:
        """Return True: the file can seek."""
        return True

    def readable(self) -> bool:
        """Return True: the file can be read."""
        return True

    def close(self) -> None:
        """Close the file."""
        self._file.close()

    @property
    def closed(self) -> bool:
        """Whether the file is closed."""
        return self._file.closed
