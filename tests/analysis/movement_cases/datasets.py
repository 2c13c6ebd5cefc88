"""movement 0.17's test datasets, rebuilt here from their description in movement's conftest.

movement's unit tests run on a handful of small datasets: two individuals moving
at constant velocity for 10 frames (one along ``x = y``, one along ``x = -y``),
as poses (keypoints ``centroid``, ``left``, ``right``) or bounding boxes, each
with a variant holding missing values. They are rebuilt here with plain numpy
and xarray, in movement 0.17's naming (``individual``, ``keypoint``) and layout
(``time, space, keypoint, individual``), so the case tests can call our functions
exactly as movement's tests call movement's.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

N_FRAMES = 10
INDIVIDUALS = ["id_0", "id_1"]
KEYPOINTS = ["centroid", "left", "right"]
#: (x, y) offsets of the left and right keypoints from the centroid, per individual
OFFSETS = {0: [(0, 1), (1, 0)], 1: [(-1, 0), (0, 1)]}


def _centroid_tracks() -> np.ndarray:
    """``(time, space, individual)``: id_0 along x = y, id_1 along x = -y, one unit a frame."""
    frames = np.arange(N_FRAMES, dtype=float)
    tracks = np.zeros((N_FRAMES, 2, 2))
    tracks[:, 0, :] = frames[:, None]
    tracks[:, 1, 0] = frames
    tracks[:, 1, 1] = -frames
    return tracks


def poses_dataset(array_type: str = "multi_individual_array") -> xr.Dataset:
    """The uniform-motion poses dataset (``valid_poses_dataset`` in movement's conftest).

    Confidence is 0.9 everywhere except the centroid of id_0 at frames 2-4 and
    of id_1 at frames 2-3 (0.1). ``array_type`` ``"single_keypoint_array"``
    keeps only the centroid, ``"single_individual_array"`` only id_0.
    """
    centroid = _centroid_tracks()
    position = np.zeros((N_FRAMES, 2, 3, 2))
    position[:, :, 0, :] = centroid
    for ind, offsets in OFFSETS.items():
        for kp, (dx, dy) in enumerate(offsets, start=1):
            position[:, 0, kp, ind] = centroid[:, 0, ind] + dx
            position[:, 1, kp, ind] = centroid[:, 1, ind] + dy
    confidence = np.full((N_FRAMES, 3, 2), 0.9)
    confidence[2:5, 0, 0] = 0.1
    confidence[2:4, 0, 1] = 0.1
    keypoints, individuals = KEYPOINTS, INDIVIDUALS
    if array_type == "single_keypoint_array":
        position, confidence, keypoints = position[:, :, :1], confidence[:, :1], keypoints[:1]
    elif array_type == "single_individual_array":
        position, confidence = position[..., :1], confidence[..., :1]
        individuals = individuals[:1]
    dims = ("time", "space", "keypoint", "individual")
    return xr.Dataset(
        {
            "position": xr.DataArray(position, dims=dims),
            "confidence": xr.DataArray(confidence, dims=("time", "keypoint", "individual")),
        },
        coords={
            "time": np.arange(N_FRAMES),
            "space": ["x", "y"],
            "keypoint": keypoints,
            "individual": individuals,
        },
        attrs={"fps": None, "time_unit": "frames", "source_software": "test", "ds_type": "poses"},
    )


def poses_dataset_with_nan() -> xr.Dataset:
    """``valid_poses_dataset_with_nan``: id_0 loses its centroid at frames 3, 7, 8,
    its left keypoint at frame 0 and its right keypoint entirely.
    """
    ds = poses_dataset()
    ds.position.loc[{"individual": "id_0", "keypoint": "centroid", "time": [3, 7, 8]}] = np.nan
    ds.position.loc[{"individual": "id_0", "keypoint": "left", "time": 0}] = np.nan
    ds.position.loc[{"individual": "id_0", "keypoint": "right"}] = np.nan
    return ds


def bboxes_dataset() -> xr.Dataset:
    """``valid_bboxes_dataset``: the two centroid tracks as 60 x 40 boxes.

    Confidence is 0.9 except id_0 at frames 2-4 and id_1 at frames 2-3 (0.1).
    """
    dims = ("time", "space", "individual")
    shape = np.tile(np.array([60.0, 40.0])[None, :, None], (N_FRAMES, 1, 2))
    confidence = np.full((N_FRAMES, 2), 0.9)
    confidence[2:5, 0] = 0.1
    confidence[2:4, 1] = 0.1
    return xr.Dataset(
        {
            "position": xr.DataArray(_centroid_tracks(), dims=dims),
            "shape": xr.DataArray(shape, dims=dims),
            "confidence": xr.DataArray(confidence, dims=("time", "individual")),
        },
        coords={"time": np.arange(N_FRAMES), "space": ["x", "y"], "individual": INDIVIDUALS},
        attrs={"fps": None, "time_unit": "frames", "source_software": "test", "ds_type": "bboxes"},
    )


def bboxes_dataset_with_nan() -> xr.Dataset:
    """``valid_bboxes_dataset_with_nan``: id_0's box is missing at frames 3, 7 and 8."""
    ds = bboxes_dataset()
    ds.position.loc[{"individual": "id_0", "time": [3, 7, 8]}] = np.nan
    return ds


def poses_dataset_with_cross_nan() -> xr.Dataset:
    """movement's ``valid_poses_dataset_with_cross_nan``: NaN fractions 10/10, 6/10, 1/10, 1/10."""
    ds = poses_dataset()
    ds.position.loc[{"individual": "id_0", "keypoint": "right"}] = np.nan
    ds.position.loc[{"individual": "id_1", "keypoint": "centroid", "time": list(range(6))}] = np.nan
    ds.position.loc[{"individual": "id_1", "keypoint": "right", "time": 0}] = np.nan
    ds.position.loc[{"individual": "id_0", "keypoint": "centroid", "time": 0}] = np.nan
    return ds


#: movement's fixture name -> the builder of the same dataset
DATASETS = {
    "valid_poses_dataset": poses_dataset,
    "valid_bboxes_dataset": bboxes_dataset,
    "valid_poses_dataset_with_nan": poses_dataset_with_nan,
    "valid_bboxes_dataset_with_nan": bboxes_dataset_with_nan,
    "valid_poses_dataset_with_cross_nan": poses_dataset_with_cross_nan,
}

#: movement's invalid inputs: not a dataset, empty, without position, without time
INVALID = {
    "not_a_dataset": lambda: [1, 2, 3],
    "empty_dataset": xr.Dataset,
    "missing_var_poses_dataset": lambda: poses_dataset().drop_vars("position"),
    "missing_var_bboxes_dataset": lambda: bboxes_dataset().drop_vars("position"),
    "missing_dim_poses_dataset": lambda: poses_dataset().rename({"time": "tame"}),
    "missing_dim_bboxes_dataset": lambda: bboxes_dataset().rename({"time": "tame"}),
}


def count_nans(data: xr.DataArray) -> int:
    """The number of NaN values in ``data`` (movement's ``helpers.count_nans``)."""
    return int(data.isnull().sum())


def count_consecutive_nans(data: xr.DataArray) -> int:
    """The number of runs of consecutive NaN along time, summed over all other positions."""
    isnan = data.isnull().transpose("time", ...).values.reshape(data.sizes["time"], -1)
    starts = isnan & ~np.vstack([np.zeros((1, isnan.shape[1]), bool), isnan[:-1]])
    return int(starts.sum())
