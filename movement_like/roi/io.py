"""Region files: GeoJSON in ``movement``'s layout, and the regions of a VIA project.

``save_rois`` / ``load_rois`` have ``movement.roi``'s names and read and write
its layout (a GeoJSON ``FeatureCollection``, see
:mod:`movement_like.roi.geojson`), so files go both ways between the two
libraries. As every writer here, ``save_rois`` writes atomically and never
replaces a file unless asked. ``load_via_regions`` reads the regions a user drew
in VIA (the VGG Image Annotator), from its CSV or JSON export or its project file.

Readers read at most :data:`MAX_BYTES` (region files are small; a bigger file is
refused rather than read into memory) and answer a malformed file with a
:class:`~movement_like.errors.FileFormatError` naming it.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from movement_like.errors import (
    FileFormatError,
    InvalidArgumentError,
    IsAFolderError,
    PathNotFoundError,
)
from movement_like.roi.base import BaseRegionOfInterest
from movement_like.roi.geojson import regions_from_geojson, regions_to_geojson
from movement_like.roi.line import LineOfInterest
from movement_like.roi.polygon import PolygonOfInterest
from movement_like.roi.sources import regions_from_via_shapes
from movement_like.utils.atomic import atomic_path

__all__ = ["save_rois", "load_rois", "load_via_regions", "ROI_SUFFIXES", "MAX_BYTES"]

#: File name endings of region files, as in movement.
ROI_SUFFIXES = (".geojson", ".json")

#: The largest region file read (64 MiB: millions of vertices).
MAX_BYTES = 64 << 20

VIA_HEADER = [
    "filename",
    "file_size",
    "file_attributes",
    "region_count",
    "region_id",
    "region_shape_attributes",
    "region_attributes",
]


def _check_suffix(path: Path, suffixes: Sequence[str], writing: bool) -> None:
    if path.suffix.lower() in suffixes:
        return
    problem = f"has the suffix {path.suffix!r}; expected one of {list(suffixes)}"
    if writing:
        raise InvalidArgumentError(f"{path}: {problem}")
    raise FileFormatError(path, problem)


def _read_text(path: str | os.PathLike) -> tuple[Path, str]:
    """Read a small UTF-8 file, refusing folders, huge files and bad encodings."""
    path = Path(path).expanduser()
    if not path.exists():
        raise PathNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise IsAFolderError(f"{path}: is a folder; give a region file")
    with open(path, "rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FileFormatError(
            path, f"is larger than {MAX_BYTES >> 20} MiB, too large for a region file"
        )
    try:
        return path, data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileFormatError(path, f"is not UTF-8 text ({exc})") from None


def save_rois(
    rois: Sequence[BaseRegionOfInterest], file: str | os.PathLike, overwrite: bool = False
) -> Path:
    """Save regions of interest to a GeoJSON file that ``movement`` reads.

    Parameters
    ----------
    rois
        The regions, in order (may be empty).
    file
        The file to write, ending in ``.geojson`` or ``.json``.
    overwrite
        Replace an existing file (``movement`` refuses to; so do we by default).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OverwriteError
        If the file exists and ``overwrite`` is false.
    InvalidArgumentError
        If the file name does not end in ``.geojson`` or ``.json``.
    """
    path = Path(file).expanduser()
    _check_suffix(path, ROI_SUFFIXES, writing=True)
    text = regions_to_geojson(list(rois), indent=2)
    with atomic_path(path, overwrite=overwrite) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return path


def load_rois(file: str | os.PathLike) -> list[LineOfInterest | PolygonOfInterest]:
    """Load regions of interest from a GeoJSON file (``movement``'s or ours).

    Parameters
    ----------
    file
        A ``.geojson`` or ``.json`` file holding a FeatureCollection of
        Polygon and LineString features.

    Returns
    -------
    list of LineOfInterest or PolygonOfInterest
        The regions, in the order of the file's features.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    FileFormatError
        If it is not a region collection (the message names the feature at fault).
    """
    path, text = _read_text(file)
    _check_suffix(path, ROI_SUFFIXES, writing=False)
    return regions_from_geojson(text, source=path)


def _via_csv_regions(path: Path, text: str) -> list[dict[str, Any]]:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [cell.lstrip("#").strip() for cell in rows[0]] != VIA_HEADER:
        raise FileFormatError(
            path, f"is not a VIA CSV export: the header must be {','.join(VIA_HEADER)}"
        )
    regions = []
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(VIA_HEADER):
            raise FileFormatError(path, f"line {number} has {len(row)} cells, not 7")
        cells = []
        for column in (5, 6):
            try:
                cells.append(json.loads(row[column] or "{}"))
            except json.JSONDecodeError as exc:
                raise FileFormatError(
                    path, f"line {number}: {VIA_HEADER[column]} is not JSON ({exc})"
                ) from None
        shape, attributes = cells
        if isinstance(shape, dict) and shape:
            regions.append({"shape_attributes": shape, "region_attributes": attributes})
    return regions


def _via_json_regions(path: Path, text: str) -> list[dict[str, Any]]:
    try:
        content = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise FileFormatError(path, f"is not valid JSON ({exc})") from None
    if isinstance(content, dict) and "_via_img_metadata" in content:  # a VIA 2 project
        content = content["_via_img_metadata"]
    if not isinstance(content, dict):
        raise FileFormatError(path, "is not a VIA JSON export (an object of images)")
    regions = []
    for key, image in content.items():
        if not isinstance(image, dict) or "regions" not in image:
            raise FileFormatError(path, f"image {key!r} has no 'regions': not a VIA export")
        found = image["regions"]
        found = list(found.values()) if isinstance(found, dict) else found  # VIA 1 used a dict
        if not isinstance(found, list) or not all(isinstance(r, dict) for r in found):
            raise FileFormatError(path, f"the regions of image {key!r} are not a list of objects")
        regions.extend(found)
    return regions


def load_via_regions(
    file: str | os.PathLike, name_attribute: str | None = None, circle_vertices: int = 64
) -> list[BaseRegionOfInterest]:
    """Load the regions drawn in VIA (polygons, rectangles, circles, ellipses, polylines).

    Parameters
    ----------
    file
        A VIA 2 CSV export, JSON export, or saved project (``.json``).
    name_attribute
        The region attribute holding each region's name (default: ``name``,
        else the first text attribute).
    circle_vertices
        Vertices of the polygon that stands for a circle or an ellipse.

    Returns
    -------
    list of PolygonOfInterest or LineOfInterest
        The regions of every image of the file, in file order (``point``
        shapes are left out with a warning).

    Raises
    ------
    FileFormatError
        If the file is not a VIA export or project, or a shape is incomplete.
    """
    path, text = _read_text(file)
    _check_suffix(path, (".csv", ".json"), writing=False)
    if path.suffix.lower() == ".csv":
        regions = _via_csv_regions(path, text)
    else:
        regions = _via_json_regions(path, text)
    try:
        return regions_from_via_shapes(regions, name_attribute, circle_vertices)
    except InvalidArgumentError as exc:
        raise FileFormatError(path, str(exc)) from None
