"""movement's spellings, checked against movement 0.17 itself through its own interpreter.

movement saves with ``file_path=`` and we load with ``file=``, and the other way
round; its ``(time, space, keypoint, individual)`` arrays go through our
``from_numpy(layout="movement")``; its ``load_multiview_dataset`` reads what ours
reads. The peer side is ``_movement_names_peer.py``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from movement_like.io import (
    load_bboxes,
    load_dataset,
    load_multiview_dataset,
    load_netcdf,
    load_poses,
    save_bboxes,
    save_poses,
)
from tests.peers import needs_peer, peer_python

PEER_SCRIPT = Path(__file__).with_name("_movement_names_peer.py")


@pytest.fixture(scope="module")
def exchanged(tmp_path_factory) -> Path:
    """Write our files, run the peer on them, return the folder with both sides' files."""
    work = tmp_path_factory.mktemp("movement_names")
    rng = np.random.default_rng(7)
    position = rng.uniform(1, 200, (10, 2, 3, 2))  # movement's layout, the shape
    confidence = rng.uniform(0.1, 1, (10, 3, 2))
    np.save(work / "poses_movement_layout.npy", position)
    np.save(work / "confidence_movement_layout.npy", confidence)
    boxes = rng.uniform(20, 200, (6, 2, 2))
    np.save(work / "boxes_movement_layout.npy", boxes)
    ours = load_poses.from_numpy(
        position,
        confidence,
        individual_names=["mouse1", "mouse2"],
        keypoint_names=["snout", "ear", "tail"],
        layout="movement",
    )
    save_poses.to_dlc_file(ours, file_path=work / "by_us.h5", split_individuals=False)
    single = ours.sel(individuals=["mouse1"])
    save_poses.to_dlc_file(single, file_path=work / "left.h5")
    save_poses.to_dlc_file(single.assign(position=single.position + 3), file_path=work / "right.h5")
    our_boxes = load_bboxes.from_numpy(
        boxes, np.full_like(boxes, 8.0), individual_names=["id_1", "id_2"], layout="movement"
    )
    save_bboxes.to_via_tracks_file(our_boxes, file_path=work / "by_us_via.csv")
    python = peer_python("movement")
    assert python is not None
    done = subprocess.run(
        [python, str(PEER_SCRIPT), str(work)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return work


@needs_peer("movement")
def test_movement_array_layout_and_files_agree(exchanged):
    position = np.load(exchanged / "poses_movement_layout.npy")
    confidence = np.load(exchanged / "confidence_movement_layout.npy")
    expected = load_poses.from_numpy(
        position, confidence, ["mouse1", "mouse2"], ["snout", "ear", "tail"], layout="movement"
    )
    for ds in (
        load_poses.from_dlc_file(file=exchanged / "by_movement.h5"),
        load_dataset(file_path=exchanged / "by_movement.h5", source_software="DeepLabCut"),
        load_netcdf(exchanged / "by_movement.nc"),
    ):
        assert list(ds.individuals.values) == ["mouse1", "mouse2"]
        assert list(ds.keypoints.values) == ["snout", "ear", "tail"]
        np.testing.assert_allclose(ds.position.values, expected.position.values)
        np.testing.assert_allclose(ds.confidence.values, expected.confidence.values)


@needs_peer("movement")
def test_movement_reads_what_we_saved_with_its_names(exchanged):
    position = np.load(exchanged / "poses_movement_layout.npy")
    np.testing.assert_allclose(np.load(exchanged / "movement_read_our_dlc.npy"), position)
    boxes = np.load(exchanged / "boxes_movement_layout.npy")
    np.testing.assert_allclose(np.load(exchanged / "movement_read_our_via.npy"), boxes)


@needs_peer("movement")
def test_via_written_by_movement_reads_as_its_arrays(exchanged):
    boxes = np.load(exchanged / "boxes_movement_layout.npy")
    ds = load_bboxes.from_via_tracks_file(file=exchanged / "by_movement_via.csv")
    expected = load_bboxes.from_numpy(
        boxes, np.full_like(boxes, 8.0), individual_names=["id_1", "id_2"], layout="movement"
    )
    np.testing.assert_allclose(ds.position.values, expected.position.values)
    np.testing.assert_allclose(ds.shape.values, expected.shape.values)


@needs_peer("movement")
def test_multiview_agrees_with_movement(exchanged):
    theirs = np.load(exchanged / "movement_multiview.npy")  # (view, time, space, kp, ind)
    ours = load_multiview_dataset({"left": exchanged / "left.h5", "right": exchanged / "right.h5"})
    mine = ours.position.transpose("views", "time", "space", "keypoints", "individuals").values
    np.testing.assert_allclose(mine, theirs)
