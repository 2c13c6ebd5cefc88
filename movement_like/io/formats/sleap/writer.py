"""Writing SLEAP analysis HDF5 files (SLEAP's own transposed layout)."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from movement_like.dataset import frame_numbers, require_contract_dims, validate_poses
from movement_like.errors import FileFormatError, InvalidDatasetError, WriteError
from movement_like.io.atomic import atomic_path

__all__ = ["to_sleap_analysis_file"]


def _fixed_bytes(names: Sequence[str]) -> np.ndarray:
    encoded = [n.encode("utf-8") for n in names]
    width = max((len(e) for e in encoded), default=1) or 1
    return np.array(encoded, dtype=f"S{width}")


def to_sleap_analysis_file(
    ds: xr.Dataset, path: str | os.PathLike, overwrite: bool = False
) -> Path:
    """Save a 2D poses dataset as a SLEAP analysis HDF5 file (SLEAP's own layout).

    Arrays are written transposed as SLEAP does (``tracks (tracks, 2, nodes,
    frames)``, ``point_scores (tracks, nodes, frames)``, ``track_occupancy
    (frames, tracks)`` uint8 …, gzip level 9), names as fixed-length UTF-8
    bytes, plus sleap-io's ``dims`` attributes and root attrs ``format`` /
    ``preset="matlab"`` so the file describes itself. SLEAP and sleap-io
    read it.

    Rows are video frames ``0 … last frame`` (SLEAP stores no offset), so
    sparse datasets are written densely with NaN between their frames.
    Individuals without data are kept (occupancy 0), so names round-trip.

    Parameters
    ----------
    ds
        2D poses dataset with non-negative frame numbers.
    path
        Target file, usually ``<name>.analysis.h5``.
    overwrite
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    import h5py

    validate_poses(ds)
    if ds.sizes["space"] != 2:
        raise InvalidDatasetError("SLEAP analysis files hold 2D poses; this dataset is 3D")
    require_contract_dims(ds, "a SLEAP analysis file")
    frames = frame_numbers(ds, "writing a SLEAP analysis file")
    if frames.size and frames.min() < 0:
        raise InvalidDatasetError(
            f"SLEAP analysis files start at frame 0; this dataset has frame {int(frames.min())}"
        )
    n_frames = int(frames.max()) + 1 if frames.size else 0
    position = ds["position"].transpose("time", "individuals", "keypoints", "space").values
    confidence = ds["confidence"].transpose("time", "individuals", "keypoints").values
    n_ind, n_kp = position.shape[1], position.shape[2]
    tracks = np.full((n_frames, n_ind, n_kp, 2), np.nan)
    scores = np.full((n_frames, n_ind, n_kp), np.nan)
    tracks[frames] = position
    scores[frames] = confidence
    occupancy = np.any(np.isfinite(tracks), axis=(2, 3)).astype(np.uint8)  # (F, I)
    nan_fi = np.full((n_ind, n_frames), np.nan)
    individuals = [str(i) for i in ds["individuals"].values]
    keypoints = [str(k) for k in ds["keypoints"].values]
    edges = _edges_from_attrs(ds, keypoints)
    gzip = {"compression": "gzip", "compression_opts": 9}
    target = Path(path).expanduser()
    # built in memory and written with plain file I/O: a full disk is then an OSError
    # of ours to report, never an HDF5 library left half-flushed (which crashed on close)
    with h5py.File(f"movement_like-{id(ds)}.h5", "w", driver="core", backing_store=False) as file:
        file.attrs["format"] = "analysis"
        file.attrs["preset"] = "matlab"
        file.attrs["writer"] = "movement_like"
        arrays = {
            "tracks": (tracks.transpose(1, 3, 2, 0), ["track", "xy", "node", "frame"]),
            "track_occupancy": (occupancy, ["frame", "track"]),
            "point_scores": (scores.transpose(1, 2, 0), ["track", "node", "frame"]),
            "instance_scores": (nan_fi, ["track", "frame"]),
            "tracking_scores": (nan_fi, ["track", "frame"]),
        }
        for name, (array, dims) in arrays.items():
            dset = file.create_dataset(name, data=np.ascontiguousarray(array), **gzip)
            dset.attrs["dims"] = json.dumps(dims)
        file.create_dataset("track_names", data=_fixed_bytes(individuals))
        file.create_dataset("node_names", data=_fixed_bytes(keypoints))
        edge_names = (
            np.array([[a.encode(), b.encode()] for a, b in edges], dtype="S")
            if edges
            else np.zeros((0, 2), dtype="S1")
        )
        file.create_dataset("edge_names", data=edge_names)
        file.create_dataset(
            "edge_inds",
            data=np.array(
                [[keypoints.index(a), keypoints.index(b)] for a, b in edges], dtype=np.int32
            ).reshape(-1, 2),
        )
        source = str(ds.attrs.get("source_file", ""))
        labels_path = str(ds.attrs.get("labels_path", source if source.endswith(".slp") else ""))
        file.create_dataset("labels_path", data=labels_path)
        file.create_dataset("video_path", data=str(ds.attrs.get("video_path", "")))
        file.create_dataset("video_ind", data=np.int32(ds.attrs.get("video_index", 0)))
        file.create_dataset("provenance", data=json.dumps({"writer": "movement_like"}))
        file.flush()
        image = file.id.get_file_image()

    def verify(tmp: Path) -> None:
        _verify(tmp, target, tracks, scores, individuals, keypoints)

    with atomic_path(target, overwrite, verify=verify) as tmp, open(tmp, "wb") as handle:
        handle.write(image)
        handle.flush()
        os.fsync(handle.fileno())
    return target


def _verify(
    tmp: Path,
    target: Path,
    tracks: np.ndarray,
    scores: np.ndarray,
    individuals: list[str],
    keypoints: list[str],
) -> None:
    """Read the written file back; raise :class:`WriteError` unless it holds what was written."""
    from movement_like.io.formats.sleap.analysis_h5 import from_sleap_analysis_h5

    try:
        back = from_sleap_analysis_h5(tmp)
    except FileFormatError as exc:
        raise WriteError(target, f"the written file does not read back ({exc.problem})") from exc
    same = (
        back["position"].transpose("time", "individuals", "keypoints", "space").shape
        == tracks.shape
        and np.array_equal(
            back["position"].transpose("time", "individuals", "keypoints", "space").values,
            tracks,
            equal_nan=True,
        )
        and np.array_equal(
            back["confidence"].transpose("time", "individuals", "keypoints").values,
            scores,
            equal_nan=True,
        )
        and [str(i) for i in back["individuals"].values] == individuals
        and [str(k) for k in back["keypoints"].values] == keypoints
    )
    if not same:
        raise WriteError(target, "the written file does not read back as written")


def _edges_from_attrs(ds: xr.Dataset, keypoints: Sequence[str]) -> list[tuple[str, str]]:
    raw = ds.attrs.get("skeleton_edges")
    if raw is None:
        return []
    try:
        pairs = json.loads(raw) if isinstance(raw, str) else raw
        edges = [(str(a), str(b)) for a, b in pairs]
    except (TypeError, ValueError):
        return []
    return [(a, b) for a, b in edges if a in keypoints and b in keypoints]
