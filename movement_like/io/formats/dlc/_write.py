"""Writing DeepLabCut ``.h5`` and ``.csv`` files (and the DataFrames behind them)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from movement_like.dataset import frame_numbers as _dataset_frame_numbers
from movement_like.dataset import require_contract_dims, validate_poses
from movement_like.errors import (
    FileFormatError,
    InvalidArgumentError,
    InvalidDatasetError,
    WriteError,
)
from movement_like.io.atomic import atomic_path, check_writable
from movement_like.utils.deprecation import warn_deprecated

from ._h5 import read_h5_frame
from ._table import (
    _LIKELIHOOD,
    DEFAULT_SCORER,
    IMAGE_COORD,
    MULTI_ANIMAL_LEVELS,
    SINGLE_ANIMAL_LEVELS,
)


# --------------------------------------------------------------------------- #
# writing
# --------------------------------------------------------------------------- #
def frame_numbers(ds: xr.Dataset) -> np.ndarray:
    """Return the video frame of every time point; deprecated, use ``dataset.frame_numbers``.

    Parameters
    ----------
    ds
        A dataset of ours.

    Returns
    -------
    numpy.ndarray
        The video frame of every time point.
    """
    warn_deprecated(
        "movement_like.io.formats.dlc.frame_numbers(ds)",
        "movement_like.dataset.frame_numbers(ds)",
        since="0.2",
        removed_in="0.3",
    )
    return _dataset_frame_numbers(ds, "writing a DeepLabCut file")


def _row_index(ds: xr.Dataset, image_index: str) -> pd.Index:
    if image_index not in ("auto", "frame", "path", "levels"):
        raise InvalidArgumentError(
            f"image_index must be 'auto', 'frame', 'path' or 'levels', got {image_index!r}"
        )
    has_paths = IMAGE_COORD in ds.coords
    if image_index in ("path", "levels") and not has_paths:
        raise InvalidDatasetError(
            f"image_index={image_index!r} needs an '{IMAGE_COORD}' coordinate along time"
        )
    if image_index == "auto":
        if not has_paths:
            image_index = "frame"
        else:
            image_index = "levels" if ds.attrs.get("image_index_levels") == 3 else "path"
    if image_index == "frame":
        return pd.Index(_dataset_frame_numbers(ds, "writing a DeepLabCut file"))
    paths = [str(p) for p in ds[IMAGE_COORD].values]
    if image_index == "path":
        return pd.Index(paths, dtype=object)
    parts = [p.split("/") for p in paths]
    if any(len(p) != 3 for p in parts):
        bad = next(p for p in paths if len(p.split("/")) != 3)
        raise InvalidDatasetError(
            f"image_index='levels' needs paths 'labeled-data/<video>/<image>', got {bad!r}"
        )
    return pd.MultiIndex.from_tuples([tuple(p) for p in parts])


def _scorer_name(ds: xr.Dataset, scorer: str | None) -> str:
    if scorer is not None:
        return str(scorer)
    stored = ds.attrs.get("scorer")
    if isinstance(stored, str) and stored and not stored.startswith("["):
        return stored
    return DEFAULT_SCORER


def _poses_block(ds: xr.Dataset, likelihood: bool | None) -> tuple[np.ndarray, list[str]]:
    """(time, individuals, keypoints, coords) float64 block and its coords labels."""
    require_contract_dims(ds, "a DeepLabCut file")
    position = ds["position"].transpose("time", "individuals", "keypoints", "space").values
    confidence = ds["confidence"].transpose("time", "individuals", "keypoints").values
    space = [str(s) for s in ds["space"].values]
    if likelihood is None:
        likelihood = len(space) == 2 or bool(np.any(np.isfinite(confidence)))
    with_likelihood = likelihood
    parts = [position.astype(np.float64, copy=False)]
    labels = list(space)
    if with_likelihood:
        parts.append(confidence.astype(np.float64, copy=False)[..., None])
        labels.append(_LIKELIHOOD)
    return np.concatenate(parts, axis=-1), labels


def to_dlc_style_df(
    ds: xr.Dataset,
    split_individuals: bool = False,
    scorer: str | None = None,
    image_index: Literal["auto", "frame", "path", "levels"] = "auto",
    likelihood: bool | None = None,
) -> pd.DataFrame | dict[str, pd.DataFrame]:
    """Convert a poses dataset to DeepLabCut-style DataFrame(s).

    Parameters
    ----------
    ds
        Poses dataset (dims found by name; no extra dims such as ``layers``).
    split_individuals
        False: one multi-animal DataFrame (levels ``scorer, individuals,
        bodyparts, coords``). True: a dict ``{individual: DataFrame}`` of
        single-animal DataFrames (levels ``scorer, bodyparts, coords``).
    scorer
        Value of the ``scorer`` level; default ``attrs["scorer"]`` when the data
        came from one scorer, else ``"movement_like"``.
    image_index
        Row labels. ``"frame"``: frame numbers (the ``frame`` coordinate, else
        derived from ``time``). ``"path"``: the ``image_path`` strings
        (DeepLabCut ≤ 2.1 labelled data). ``"levels"``: a 3-level index
        ``("labeled-data", video, image)`` split from ``image_path``
        (DeepLabCut ≥ 2.2). ``"auto"`` (default): the layout the data was read
        from, else frame numbers.
    likelihood
        Whether to write the ``likelihood`` coord (from ``confidence``). By
        default: always for 2D, for 3D only when some confidence is known.

    Returns
    -------
    pandas.DataFrame or dict of pandas.DataFrame
        Float64 values; coords ``x, y, likelihood`` for 2D; ``x, y, z`` for 3D
        (plus ``likelihood`` only when some confidence is known, so nothing is
        lost). The row index is unnamed, as DeepLabCut writes it.
    """
    validate_poses(ds)
    block, coords = _poses_block(ds, likelihood)
    index = _row_index(ds, image_index)
    scorer_name = _scorer_name(ds, scorer)
    individuals = [str(i) for i in ds["individuals"].values]
    keypoints = [str(k) for k in ds["keypoints"].values]
    n_time = block.shape[0]
    if split_individuals:
        columns = pd.MultiIndex.from_product(
            [[scorer_name], keypoints, coords], names=list(SINGLE_ANIMAL_LEVELS)
        )
        return {
            name: pd.DataFrame(
                block[:, i].reshape(n_time, len(keypoints) * len(coords)),
                index=index.copy(),
                columns=columns.copy(),
            )
            for i, name in enumerate(individuals)
        }
    columns = pd.MultiIndex.from_product(
        [[scorer_name], individuals, keypoints, coords], names=list(MULTI_ANIMAL_LEVELS)
    )
    return pd.DataFrame(
        block.reshape(n_time, len(individuals) * len(keypoints) * len(coords)),
        index=index,
        columns=columns,
    )


_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def split_file_paths(path: str | os.PathLike, individuals: Sequence[str]) -> dict[str, Path]:
    """File paths used by ``split_individuals=True``: ``<stem>_<individual><suffix>``.

    Characters that cannot appear in file names are replaced by ``_``.

    Parameters
    ----------
    path
        The path the caller asked to write; each individual's file goes next
        to it, with the individual's name added to the stem.
    individuals
        The names of the individuals, one file each.

    Returns
    -------
    dict of str to pathlib.Path
        The file each individual is written to, keyed by individual name.

    Raises
    ------
    InvalidDatasetError
        If two individuals would get the same file name.
    """
    target = Path(path)
    stem, suffix = target.name[: -len(target.suffix) or None], target.suffix
    paths = {
        name: target.with_name(f"{stem}_{_UNSAFE_IN_FILE_NAMES.sub('_', name)}{suffix}")
        for name in individuals
    }
    if len(set(paths.values())) != len(paths):
        raise InvalidDatasetError(
            f"individual names {list(individuals)} give clashing file names; rename them first"
        )
    return paths


def _verify_h5(df: pd.DataFrame, target: Path) -> Callable[[Path], None]:
    """Return a check that the written ``.h5`` reads back as ``df`` (a full disk does not)."""

    def verify(tmp: Path) -> None:
        try:
            back = read_h5_frame(tmp, "df_with_missing")
        except FileFormatError as exc:
            raise WriteError(
                target, f"the file written does not read back ({exc.problem})"
            ) from exc
        same = (
            back.shape == df.shape
            and back.columns.equals(df.columns)
            and np.array_equal(back.index.to_numpy(), df.index.to_numpy())
            and np.array_equal(back.to_numpy(), df.to_numpy(), equal_nan=True)
        )
        if not same:
            raise WriteError(
                target,
                "the file written does not read back as written",
                "check the free disk space and write again",
            )

    return verify


def _write_df(df: pd.DataFrame, path: Path, overwrite: bool) -> Path:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with atomic_path(path, overwrite) as tmp:
            df.to_csv(tmp)
        return path
    if len(df) == 0:
        raise InvalidDatasetError(
            f"{path}: the dataset has no time points, and pandas writes an empty table as "
            "nothing at all; write a .csv instead"
        )
    with atomic_path(path, overwrite, verify=_verify_h5(df, path)) as tmp:
        df.to_hdf(tmp, key="df_with_missing", format="table", mode="w")
    return path


def _require_poses(ds: xr.Dataset, what: str) -> None:
    """Refuse a dataset without individuals or keypoints: the file would not load back."""
    for dim, word in (("individuals", "individuals"), ("keypoints", "keypoints")):
        if ds.sizes.get(dim, 1) == 0:
            raise InvalidDatasetError(
                f"the dataset has no {word}, so there is nothing to write as {what} "
                "(the file would hold no keypoint columns and could not be loaded back)"
            )


def _check_suffix(path: Path, allowed: Sequence[str], what: str) -> None:
    if path.suffix.lower() not in allowed:
        raise FileFormatError(
            path,
            f"{what} files must end in {' or '.join(allowed)}",
            f"change the suffix to one of {', '.join(allowed)}",
        )


def to_dlc_file(
    ds: xr.Dataset,
    path: str | os.PathLike,
    split_individuals: bool | Literal["auto"] = "auto",
    overwrite: bool = False,
    scorer: str | None = None,
    image_index: Literal["auto", "frame", "path", "levels"] = "auto",
    likelihood: bool | None = None,
) -> list[Path]:
    """Save a poses dataset as DeepLabCut ``.h5`` (recommended) or ``.csv`` file(s).

    The ``.h5`` is written as DeepLabCut does (pandas table format under the key
    ``df_with_missing``); the ``.csv`` has one header row per column level and
    an unnamed index, so ``pandas.read_csv(path, header=[0, 1, 2(, 3)],
    index_col=0)`` reads it back. Each file is written atomically.

    Parameters
    ----------
    ds
        Poses dataset.
    path
        Target file, ending in ``.h5`` or ``.csv``.
    split_individuals
        ``"auto"`` (default): single-animal layout when there is one individual,
        multi-animal layout otherwise. ``False``: one multi-animal file at
        ``path`` (keeps the individual names, also for one individual).
        ``True``: single-animal files, one per individual, at
        ``<stem>_<individual><suffix>``; with one individual the file is
        ``path`` itself.
    overwrite
        Replace existing files; otherwise :class:`~movement_like.errors.OverwriteError`
        is raised before anything is written.
    scorer, image_index
        See :func:`to_dlc_style_df`.
    likelihood
        Whether to write ``likelihood`` columns. By default as in
        :func:`to_dlc_style_df`, except for labelled data (rows indexed by image
        paths) without any known confidence: DeepLabCut's ``CollectedData``
        layout has ``x, y`` only, so no ``likelihood`` is written.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    target = Path(path).expanduser()
    _check_suffix(target, (".h5", ".csv"), "DeepLabCut")
    _require_poses(ds, "a DeepLabCut file")
    if split_individuals == "auto":
        split_individuals = ds.sizes.get("individuals", 0) == 1
    elif not isinstance(split_individuals, bool):
        raise InvalidArgumentError(
            f"split_individuals must be True, False or 'auto', got {split_individuals!r}"
        )
    labelled = image_index in ("path", "levels") or (
        image_index == "auto" and IMAGE_COORD in ds.coords
    )
    if likelihood is None and labelled and "confidence" in ds:
        likelihood = bool(np.any(np.isfinite(ds["confidence"].values)))
    options: dict[str, Any] = {
        "scorer": scorer,
        "image_index": image_index,
        "likelihood": likelihood,
    }
    if not split_individuals:
        df = to_dlc_style_df(ds, split_individuals=False, **options)
        assert isinstance(df, pd.DataFrame)
        return [_write_df(df, target, overwrite)]
    frames = to_dlc_style_df(ds, split_individuals=True, **options)
    assert isinstance(frames, dict)
    if len(frames) == 1:
        targets = {name: target for name in frames}
    else:
        targets = split_file_paths(target, list(frames))
    for file in targets.values():  # refuse before writing anything
        check_writable(file, overwrite)
    return [_write_df(frames[name], file, overwrite) for name, file in targets.items()]


def write(
    ds: xr.Dataset, path: str | os.PathLike, overwrite: bool = False, **kwargs: Any
) -> list[Path]:
    """Registry entry point: :func:`to_dlc_file`."""
    return to_dlc_file(ds, path, overwrite=overwrite, **kwargs)
