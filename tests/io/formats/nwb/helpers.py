"""Helpers shared by the tests of movement_like.io.formats.nwb."""

from __future__ import annotations

import datetime

import h5py
import numpy as np
from hypothesis import strategies as st

from tests.strategies import poses_datasets

NWB = "nwb"


PE = "processing/behavior/PoseEstimation"


SLEAP_IO = "nwb/sleap-io_written/minimal.pose.nwb"


REAL = [
    "0.1.1_poseestimation_no_cameras.nwb",
    "0.1.1_poseestimation_nodes_edges.nwb",
    "0.3.0_poseestimation_one_camera.nwb",
    "0.3.0_poseestimation_two_cameras.nwb",
    "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb",
    "sleap-io_written/minimal.pose.nwb",
]


FIXED_START = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)


def h5_value(path, key):
    with h5py.File(path, "r") as file:
        return file[key][()]


def nwb_safe(name):
    name = str(name).replace("/", "_").replace(":", "_")
    return name if name not in (".", "..") else f"_{name}"


def nwb_names_ok(ds):
    """NWB names cannot hold '/' or ':': the writer replaces them, so they must not collide."""
    return all(
        len({nwb_safe(n) for n in ds[d].values}) == ds.sizes[d]
        for d in ("keypoints", "individuals")
    )


def check_round_trip(ds, back, keep_fps):
    assert back.individuals.values.tolist() == ds.individuals.values.tolist()
    assert back.keypoints.values.tolist() == ds.keypoints.values.tolist()
    np.testing.assert_array_equal(back.time.values, ds.time.values)
    assert back.position.dtype == ds.position.dtype
    np.testing.assert_array_equal(back.position.values, ds.position.values)
    np.testing.assert_array_equal(back.confidence.values, ds.confidence.values)
    if keep_fps:
        assert back.attrs["fps"] == ds.attrs["fps"]


@st.composite
def manual_labels(draw):
    ds = draw(
        poses_datasets(max_time=6, max_individuals=3, max_keypoints=3, sparse=True, with_fps=True)
    )
    visible = draw(
        st.lists(st.booleans(), min_size=ds.confidence.size, max_size=ds.confidence.size)
    )
    labelled = ds.position.notnull().all("space").values
    ds["visibility"] = (
        ("time", "individuals", "keypoints"),
        labelled & np.array(visible).reshape(labelled.shape),
    )
    return ds
