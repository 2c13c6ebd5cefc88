"""LightningPose: DeepLabCut-style single-animal CSVs (predictions and labelled data).

LightningPose writes its predictions and reads its labelled data in DeepLabCut's
single-animal CSV layout (``formats.md`` §2), so reading and writing reuse
:mod:`movement_like.io.formats.dlc`. Differences handled here: non-keypoint
columns such as ``set`` (train/validation/test) are dropped, only one
individual is allowed, and the scorer (``heatmap_tracker``, the annotator …)
is kept in ``attrs["scorer"]``.
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path
from typing import Any

import xarray as xr

from movement_like.errors import FileFormatError, InvalidDatasetError
from movement_like.io.formats import dlc
from movement_like.io.formats.common import FileHead

__all__ = ["from_lp_file", "to_lp_file"]

SOURCE_SOFTWARE = "LightningPose"
#: LightningPose's labelled images sit directly in ``labeled-data/`` (no video folder).
_LP_IMAGE_ROW = re.compile(r"^labeled-data/[^/]+\.\w+$")


def sniff(head: FileHead) -> bool:
    """Whether a CSV is LightningPose's (DLC single-animal layout, LP's tells).

    LightningPose's tells: a scorer ending in ``_tracker`` (model outputs), a
    ``set`` column, or image rows ``labeled-data/<image>`` without a video
    folder (LP labelled data; DeepLabCut always has ``labeled-data/<video>/``).
    """
    if head.is_dir or head.is_hdf5 or not dlc.is_dlc_style_csv(head):
        return False
    rows = list(csv.reader(head.lines(5)))
    if len(rows) < 3 or rows[1][:1] != ["bodyparts"]:
        return False  # multi-animal: not LightningPose
    scorers = {cell for cell in rows[0][1:] if cell}
    if any(s.endswith("_tracker") for s in scorers) or "set" in scorers:
        return True
    return len(rows) > 3 and bool(rows[3]) and bool(_LP_IMAGE_ROW.match(rows[3][0]))


def from_lp_file(path: str | os.PathLike, fps: float | None = None) -> xr.Dataset:
    """Load a LightningPose CSV (video predictions, ``predictions.csv`` or ``CollectedData.csv``).

    Parameters
    ----------
    path
        A DeepLabCut-style single-animal CSV written by or for LightningPose.
    fps
        Frames per second; ``time`` is then in seconds.

    Returns
    -------
    xarray.Dataset
        Poses dataset with one individual (``individual_0``), keypoints in file
        order, confidence from ``likelihood`` (NaN for labelled data),
        ``attrs["scorer"]`` the model type or annotator. Rows indexed by image
        paths are handled as in :func:`movement_like.io.formats.dlc.from_dlc_file`.

    Raises
    ------
    FileFormatError
        If the file is not such a CSV or holds several individuals.
    """
    path = Path(path).expanduser()
    if path.suffix.lower() != ".csv":
        raise FileFormatError(
            path, "LightningPose files are .csv files", "for .h5 files use from_dlc_file"
        )
    ds = dlc.from_dlc_file(path, fps=fps, source_software=SOURCE_SOFTWARE)
    if ds.sizes["individuals"] != 1:
        raise FileFormatError(
            path,
            f"LightningPose files hold one individual, this one holds {ds.sizes['individuals']}",
            "load it with from_dlc_file instead",
        )
    return ds


def read(path: str | os.PathLike, fps: float | None = None, **kwargs: Any) -> xr.Dataset:
    """Registry entry point: :func:`from_lp_file`."""
    return from_lp_file(path, fps=fps, **kwargs)


def to_lp_file(
    ds: xr.Dataset,
    path: str | os.PathLike,
    overwrite: bool = False,
    scorer: str | None = None,
) -> list[Path]:
    """Save a poses dataset as LightningPose CSV(s): single-animal DLC layout, one per individual.

    Parameters
    ----------
    ds
        2D poses dataset.
    path
        Target ``.csv``. With one individual the file is ``path``; with several,
        one file per individual at ``<stem>_<individual>.csv``.
    overwrite
        Replace existing files (else nothing is written and
        :class:`~movement_like.errors.OverwriteError` is raised).
    scorer
        Value of the ``scorer`` level (default ``attrs["scorer"]`` or
        ``"movement_like"``).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    target = Path(path).expanduser()
    if target.suffix.lower() != ".csv":
        raise FileFormatError(
            target, "LightningPose files must end in .csv", "change the suffix to .csv"
        )
    for dim in ("individuals", "keypoints"):
        if ds.sizes.get(dim, 1) == 0:
            raise InvalidDatasetError(
                f"the dataset has no {dim}, so there is nothing to write as a LightningPose "
                "file (it would hold no keypoint columns and could not be loaded back)"
            )
    if "space" in ds.coords and ds.sizes.get("space") != 2:
        raise InvalidDatasetError("LightningPose files hold 2D poses; this dataset is 3D")
    return dlc.to_dlc_file(ds, target, split_individuals=True, overwrite=overwrite, scorer=scorer)


def write(
    ds: xr.Dataset, path: str | os.PathLike, overwrite: bool = False, **kwargs: Any
) -> list[Path]:
    """Registry entry point: :func:`to_lp_file`."""
    return to_lp_file(ds, path, overwrite=overwrite, **kwargs)
