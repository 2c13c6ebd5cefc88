"""Helpers shared by the tests of movement_like.annotations."""

from __future__ import annotations

import numpy as np
import xarray as xr

from movement_like.dataset import poses_from_numpy

NAN = np.nan


def layer(
    points: dict,
    n_frames: int = 6,
    keypoints=("0", "1"),
    individuals=("a",),
    fps=None,
    confidence=None,
) -> xr.Dataset:
    """A dataset from {(frame, individual, keypoint): (x, y)}."""
    position = np.full((n_frames, len(individuals), len(keypoints), 2), NAN)
    for (frame, ind, kp), xy in points.items():
        position[frame, individuals.index(ind), keypoints.index(kp)] = xy
    conf = None
    if confidence is not None:
        conf = np.where(np.isfinite(position).all(-1), confidence, NAN)
    return poses_from_numpy(
        position, conf, individual_names=list(individuals), keypoint_names=list(keypoints), fps=fps
    )


def point(ds, frame, ind, kp):
    return (
        ds["position"]
        .sel(individuals=ind, keypoints=kp)
        .values[list(ds["frame"].values).index(frame)]
        .tolist()
    )
