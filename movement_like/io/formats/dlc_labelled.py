"""A DUSTrack layer exported as DeepLabCut labelled data (``CollectedData_<scorer>.h5/.csv``).

DUSTrack's "export to DLC" writes a manual layer as the labelled data of a DLC
project, so that DLC can train on it. The table is built by
:func:`movement_like.io.formats.dlc.to_dlc_style_df`; the labels and image
names follow DUSTrack's rules (:mod:`movement_like.io.formats.dustrack.naming`).

Deliberate difference: the image names use ONE padding rule
(:func:`frame_name_digits`, the rule of DLC's own frame extraction), where
DUSTrack's ``to_dlc`` disagrees with its extractor when the frame count is a
power of ten.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import cast

import numpy as np
import xarray as xr

from movement_like.dataset import validate_poses
from movement_like.errors import InvalidDatasetError, PathNotFoundError
from movement_like.io.atomic import atomic_path, check_writable
from movement_like.io.formats import dlc
from movement_like.io.formats.dustrack.layer import (
    layer_frame_numbers,
    select_individual,
    select_layer,
)
from movement_like.io.formats.dustrack.naming import (
    ANNOTATIONS_INFIX,
    LABEL_PREFIX,
    label_sort_key,
    labels_of,
    video_stem_of,
)

__all__ = ["frame_name_digits", "labelled_data_frame", "to_dlc_labelled_data"]


def frame_name_digits(n_frames: int) -> int:
    """Zero-padding of frame numbers in image names: the digits of the last frame index.

    ``len(str(n_frames - 1))``, at least 1: 999 frames → 3, 1000 → 3,
    1001 → 4. It equals DLC's own ``extract_frames`` rule
    ``ceil(log10(n_frames))`` (and DUSTrack's frame extractor), so the names in
    ``CollectedData`` match the PNGs on disk. DUSTrack's ``to_dlc`` uses
    ``len(str(n_frames))`` instead, which differs when ``n_frames`` is a power
    of ten; this library uses the one rule everywhere.

    Parameters
    ----------
    n_frames
        The number of frames of the video.

    Returns
    -------
    int
        The number of digits of every frame number in an image name.
    """
    return len(str(max(int(n_frames) - 1, 0)))


def _video_stem_for(ds: xr.Dataset, video_stem: str | None) -> str:
    if video_stem:
        return video_stem
    if ds.attrs.get("video_path"):
        return Path(str(ds.attrs["video_path"])).stem
    if "layer_file" in ds.coords and ds["layer_file"].ndim == 0:  # one layer of a stack
        layer_file = Path(str(ds["layer_file"].item()))
        if ANNOTATIONS_INFIX in layer_file.stem:
            return video_stem_of(layer_file)
    source = ds.attrs.get("source_file")
    if source and ANNOTATIONS_INFIX in Path(str(source)).stem:
        return video_stem_of(str(source))
    raise InvalidDatasetError(
        "the video stem is unknown (no video_path or layer file name in attrs); pass video_stem="
    )


def _checked_points(ds: xr.Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Return (frames, mask of complete points) after refusing half-missing points."""
    frames = layer_frame_numbers(ds)
    position = ds["position"].transpose("time", "individuals", "keypoints", "space")
    # numpy's stubs do not model __array_ufunc__: a DataArray in gives a DataArray out
    finite = cast(xr.DataArray, np.isfinite(position))
    both = finite.all("space").values
    half = finite.any("space").values & ~both
    if half.any():
        t, i, k = np.argwhere(half)[0]
        raise InvalidDatasetError(
            f"individual {str(ds['individuals'].values[i])!r}, keypoint "
            f"{str(ds['keypoints'].values[k])!r}, frame {frames[t]}: only one of x, y is "
            "finite; set both to NaN or fill both"
        )
    return frames, both


def labelled_data_frame(
    ds: xr.Dataset,
    scorer: str,
    video_stem: str | None = None,
    layer: str | None = None,
    individual: str | None = None,
    n_frames: int | None = None,
    label_prefix: str = LABEL_PREFIX,
):
    """Build the DLC labelled-data DataFrame of one layer.

    Rows: ``("labeled-data", video_stem, f"img{frame:0{N}d}.png")`` for every
    frame with at least one point, ascending (``N`` = :func:`frame_name_digits`
    of the frame count). Columns: ``(scorer, f"{label_prefix}{label}", x|y)``
    with level names ``scorer, bodyparts, coords`` and labels in numeric order
    (with several individuals: DLC's multi-animal levels ``scorer, individuals,
    bodyparts, coords``). Values float64, NaN where a label is missing on a row;
    no likelihood column. The DataFrame itself is built by
    :func:`movement_like.io.formats.dlc.to_dlc_style_df`.

    Parameters
    ----------
    ds
        A layer dataset (or a multi-layer one with ``layer=``), 2-D.
    scorer
        The DLC scorer: the first column level.
    video_stem
        The second index level; by default the stem of the layer's video.
    layer, individual
        Which layer / individual to export (default: the only layer, every
        individual).
    n_frames
        Frame count of the video, for the padding; by default ``attrs["n_frames"]``,
        else the last frame + 1 (a DUSTrack layer spans the video).
    label_prefix
        Bodypart name = prefix + label (DUSTrack: ``"point"``).

    Returns
    -------
    pandas.DataFrame
        The table DLC stores in ``CollectedData_<scorer>.h5``.
    """
    validate_poses(ds)
    ds, _ = select_layer(ds, layer)
    if individual is not None:
        select_individual(ds, individual)  # checks the name
        ds = ds.sel(individuals=[individual])
    space = [str(s) for s in ds["space"].values]
    if space != ["x", "y"]:
        raise InvalidDatasetError(f"DLC labelled data is 2-D (x, y); the dataset has {space}")
    stem = _video_stem_for(ds, video_stem)
    labels = labels_of([str(k) for k in ds["keypoints"].values])
    frames, complete = _checked_points(ds)
    if n_frames is None:
        last = int(frames.max()) + 1 if frames.size else 1
        n_frames = int(ds.attrs.get("n_frames", 0)) or last
    digits = frame_name_digits(n_frames)
    rows = np.flatnonzero(complete.any(axis=(1, 2)))
    rows = rows[np.argsort(frames[rows], kind="stable")]
    if not rows.size:
        raise InvalidDatasetError("the layer has no annotated point: there is nothing to export")
    if frames[rows[-1]] >= n_frames:
        raise InvalidDatasetError(f"frame {frames[rows[-1]]} is beyond n_frames={n_frames}")
    order = sorted(range(len(labels)), key=lambda i: label_sort_key(labels[i]))
    sparse = ds[["position", "confidence"]].isel(time=rows, keypoints=order)
    sparse = sparse.where(
        xr.DataArray(complete[rows][:, :, order], dims=("time", "individuals", "keypoints"))
    )
    images = [f"labeled-data/{stem}/img{frames[t]:0{digits}d}.png" for t in rows]
    sparse = sparse.assign_coords(
        {
            "keypoints": [f"{label_prefix}{labels[k]}" for k in order],
            dlc.IMAGE_COORD: ("time", images),
        }
    )
    sparse.attrs = {k: v for k, v in ds.attrs.items() if k != "scorer"}
    single = sparse.sizes["individuals"] == 1
    table = dlc.to_dlc_style_df(
        sparse, split_individuals=single, scorer=scorer, image_index="levels"
    )
    if isinstance(table, dict):
        (table,) = table.values()
    return table.drop(columns="likelihood", level="coords").astype(np.float64)


def _labelled_data_folder(project_or_folder: Path, stem: str) -> Path:
    """``<project>/labeled-data/<stem>`` inside a DLC project, else the folder itself."""
    is_project = (project_or_folder / "config.yaml").is_file()
    if is_project or (project_or_folder / "labeled-data").is_dir():
        folder = project_or_folder / "labeled-data" / stem
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    if not project_or_folder.is_dir():
        raise PathNotFoundError(f"{project_or_folder}: folder not found; create it first")
    return project_or_folder


def to_dlc_labelled_data(
    ds: xr.Dataset,
    project_or_folder: str | os.PathLike,
    scorer: str,
    video_stem: str | None = None,
    layer: str | None = None,
    individual: str | None = None,
    n_frames: int | None = None,
    overwrite: bool = False,
) -> tuple[Path, Path]:
    """Export one (manual) layer as DLC labelled data ``CollectedData_<scorer>.h5/.csv``.

    Parameters
    ----------
    ds
        A layer dataset (or a multi-layer one with ``layer=``).
    project_or_folder
        A DLC project (holding ``config.yaml`` or ``labeled-data``): files go to
        ``labeled-data/<video_stem>/``; any other existing folder: files go there.
    scorer
        The DLC scorer (``config.yaml: scorer``), first column level and file name.
    video_stem
        Second index level and sub-folder; by default the stem of the layer's video.
    layer, individual
        Which layer / individual to export.
    n_frames
        Video frame count for the image-name padding (see :func:`frame_name_digits`).
    overwrite
        Replace existing files.

    Returns
    -------
    tuple of pathlib.Path
        The ``.h5`` (key ``df_with_missing``) and ``.csv`` written. Both are
        written to temporary files first; nothing is written if validation fails.
    """
    if not scorer or not isinstance(scorer, str):
        raise InvalidDatasetError("scorer must be a non-empty string (the DLC project's scorer)")
    stem = _video_stem_for(select_layer(ds, layer)[0], video_stem)
    frame = labelled_data_frame(ds, scorer, stem, layer, individual, n_frames)
    folder = _labelled_data_folder(Path(project_or_folder).expanduser(), stem)
    h5 = folder / f"CollectedData_{scorer}.h5"
    csv = folder / f"CollectedData_{scorer}.csv"
    check_writable(h5, overwrite)
    check_writable(csv, overwrite)
    with atomic_path(h5, overwrite) as tmp_h5, atomic_path(csv, overwrite) as tmp_csv:
        frame.to_hdf(tmp_h5, key="df_with_missing", mode="w")  # "fixed", as DLC >= 2.2
        frame.to_csv(tmp_csv)
    return h5, csv
