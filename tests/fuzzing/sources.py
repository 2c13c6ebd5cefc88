"""The files the fuzzer damages: every real file, and one output of each of our writers."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

#: Folders of ../shared/realdata that hold media, not track files (not fuzzed: the
#: video decoder is not a loader of ours).
MEDIA_FOLDERS = {"videos"}

#: The format each folder of real files holds (None: metadata, no format of ours).
REALDATA_FORMAT = {
    "deeplabcut": "DeepLabCut",
    "lightningpose": "LightningPose",
    "sleap": "SLEAP",
    "nwb": "NWB",
    "idtrackerai": "idtracker.ai",
    "via": "VIA-tracks",
}
METADATA = {"MANIFEST.md", "config.yaml", "sherlock_attributes.json"}


def default_realdata() -> Path:
    """``MOVEMENT_LIKE_REALDATA``, else ``../shared/realdata`` beside the repository."""
    here = Path(__file__).resolve().parents[2]
    return Path(os.environ.get("MOVEMENT_LIKE_REALDATA", here.parent / "shared" / "realdata"))


def realdata_sources(realdata: Path) -> dict[str, tuple[Path, str | None]]:
    """Every real file but the media, labelled ``realdata/<relative path>``."""
    sources: dict[str, tuple[Path, str | None]] = {}
    for path in sorted(realdata.rglob("*")):
        relative = path.relative_to(realdata)
        if not path.is_file() or relative.parts[0] in MEDIA_FOLDERS:
            continue
        fmt = None if path.name in METADATA else REALDATA_FORMAT.get(relative.parts[0])
        sources[f"realdata/{relative.as_posix()}"] = (path, fmt)
    return sources


def written_sources(realdata: Path, out_dir: Path) -> dict[str, tuple[Path, str | None]]:
    """Write one small file with each of our writers (and two netCDF files as movement does).

    The data are real: 40 frames of the DeepLabCut openfield mouse, 20 frames of
    the VIA face tracks; Anipose gets them with a ``z`` added, DUSTrack with its
    numbered labels. Zarr stores (folders) are written with small chunks, so that
    each array has several chunk files.
    """
    from movement_like.dataset import poses_from_numpy
    from movement_like.io import load_dataset, registry
    from movement_like.movement_compat import to_movement

    poses = load_dataset(
        realdata / "deeplabcut" / "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5", fps=30
    ).isel(time=slice(0, 40))
    boxes = load_dataset(realdata / "via" / "sherlock_ep01_tracks_FRCNN.csv").isel(
        time=slice(0, 20)
    )
    xyz = np.concatenate([poses.position.values, poses.position.values[..., :1] / 10], axis=-1)
    poses3d = poses_from_numpy(
        xyz,
        poses.confidence.values,
        individual_names=["ind1"],
        keypoint_names=[str(k) for k in poses.keypoints.values],
        fps=30,
    )
    dustrack = poses.assign_coords(keypoints=[str(i) for i in range(poses.sizes["keypoints"])])
    plan = [
        ("netCDF", ".nc", poses),
        ("netCDF", ".nc", boxes),
        ("SLEAP", ".slp", poses),
        ("SLEAP", ".analysis.h5", poses),
        ("LightningPose", ".csv", poses),
        ("DeepLabCut", ".h5", poses),
        ("DeepLabCut", ".csv", poses),
        ("Anipose", ".csv", poses3d),
        ("NWB", ".nwb", poses),
        ("VIA-tracks", ".csv", boxes),
        ("DUSTrack", ".json", dustrack),
        ("zarr", ".zarr", poses),
        ("zarr", ".zarr", boxes),
    ]
    sources: dict[str, tuple[Path, str | None]] = {}
    for fmt_name, suffix, ds in plan:
        kind = ds.attrs["ds_type"]
        path = out_dir / f"{fmt_name.lower()}_{kind}{suffix}"
        if not path.exists():  # zarr: several chunks along time, so chunk files can be edited
            options = {"chunk_bytes": 2048} if fmt_name == "zarr" else {}
            registry.save(ds, path, to=fmt_name, **options)
        sources[f"written/{path.name}"] = (path, fmt_name)
    # netCDF files as movement writes them (0.17 layout, netCDF-4) and as a classic
    # netCDF-3 file (xarray's scipy backend), which is not HDF5
    theirs = to_movement(poses, "0.17").drop_vars("frame", errors="ignore")
    theirs.attrs = {k: v for k, v in poses.attrs.items() if k != "log"}
    for name, fmt in (("movement_0.17.nc", "NETCDF4"), ("classic_netcdf3.nc", "NETCDF3_64BIT")):
        path = out_dir / name
        if not path.exists():
            theirs.to_netcdf(path, format=fmt, engine="netcdf4")
        sources[f"written/{name}"] = (path, "netCDF")
    return sources


def all_sources(realdata: Path, out_dir: Path) -> dict[str, tuple[Path, str | None]]:
    """Real files and writer outputs, by label."""
    return realdata_sources(realdata) | written_sources(realdata, out_dir)
