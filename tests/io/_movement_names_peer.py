"""Peer side of tests/io/test_movement_names_peer.py: run under movement 0.17's interpreter.

Writes with movement's own savers (``file_path=``) what our loaders must read, and
reads with movement's own loaders (``file=``) what our savers wrote, saving the
arrays it sees (in movement's layout) as ``.npy`` files for the caller to compare.

Usage: python _movement_names_peer.py WORKDIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from movement.io import (
    load_bboxes,
    load_dataset,
    load_multiview_dataset,
    load_poses,
    save_bboxes,
    save_poses,
)

work = Path(sys.argv[1])

# movement writes: poses from its (time, space, keypoint, individual) array
position = np.load(work / "poses_movement_layout.npy")
confidence = np.load(work / "confidence_movement_layout.npy")
ds = load_poses.from_numpy(
    position_array=position,
    confidence_array=confidence,
    individual_names=["mouse1", "mouse2"],
    keypoint_names=["snout", "ear", "tail"],
    source_software="movement",
)
save_poses.to_dlc_file(ds, file_path=work / "by_movement.h5", split_individuals=False)
ds.to_netcdf(work / "by_movement.nc")

boxes = np.load(work / "boxes_movement_layout.npy")  # (time, space, individual)
bboxes = load_bboxes.from_numpy(
    position_array=boxes, shape_array=np.full_like(boxes, 8.0), individual_names=["id_1", "id_2"]
)
save_bboxes.to_via_tracks_file(bboxes, file_path=work / "by_movement_via.csv")

# movement reads what we wrote
ours = load_dataset(file=work / "by_us.h5", source_software="DeepLabCut")
np.save(work / "movement_read_our_dlc.npy", ours.position.values)
ours_via = load_dataset(file=work / "by_us_via.csv", source_software="VIA-tracks")
np.save(work / "movement_read_our_via.npy", ours_via.position.values)
views = load_multiview_dataset(
    {"left": work / "left.h5", "right": work / "right.h5"}, source_software="DeepLabCut"
)
np.save(
    work / "movement_multiview.npy",
    views.position.transpose("view", "time", "space", "keypoint", "individual").values,
)
print("ok")
