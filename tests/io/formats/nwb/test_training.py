"""Training labels (PoseTraining): round trips, files without a video, sleap-io's files."""

from __future__ import annotations

import tempfile
from pathlib import Path

import h5py
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings

from movement_like.dataset import poses_from_numpy, validate_poses
from movement_like.errors import FileFormatError, InvalidDatasetError
from movement_like.io import load_poses, save_poses
from tests.io.formats.nwb.helpers import manual_labels, nwb_names_ok, nwb_safe

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ds=manual_labels())
def test_training_round_trip(tmp_path, ds):
    assume(nwb_names_ok(ds))
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "t.nwb"
    present = [
        str(n)
        for n in ds.individuals.values
        if (
            ds.position.sel(individuals=n).notnull().any() or ds.visibility.sel(individuals=n).any()
        )
    ]
    config = {"video_path": "video.mp4", "annotator": "me"}
    if not present:  # nothing labelled: the file would hold no instance to read back
        with pytest.raises(InvalidDatasetError, match="nothing is labelled"):
            save_poses.to_nwb_path(ds, path, which="training", config=config)
        assert not path.exists()
        return
    save_poses.to_nwb_path(ds, path, which="training", config=config)
    back = load_poses.from_nwb_file(path, which="training")
    validate_poses(back)
    assert back.individuals.values.tolist() == [nwb_safe(n) for n in present]
    assert back.frame.values.tolist() == ds.frame.values.tolist()
    np.testing.assert_array_equal(back.time.values, ds.time.values)
    assert back.attrs["fps"] == ds.attrs["fps"]
    expected = ds.isel(
        individuals=[list(map(str, ds.individuals.values)).index(n) for n in present]
    )
    np.testing.assert_array_equal(back.position.values, expected.position.values)
    np.testing.assert_array_equal(back.visibility.values, expected.visibility.values)
    assert set(back.annotator.values.tolist()) == {"me"}
    assert np.isnan(back.confidence.values).all()


def test_training_without_video_keeps_frames(tmp_path):
    position = np.arange(12.0).reshape(3, 2, 1, 2)
    position[1, 1] = np.nan
    ds = poses_from_numpy(position, individual_names=["a", "b"], frame_array=[3, 300, 1000])
    [path] = save_poses.to_nwb_path(ds, tmp_path / "t.nwb", which="training")
    back = load_poses.from_nwb_file(path, which="training")
    assert back.frame.values.tolist() == [3, 300, 1000] and back.attrs["time_unit"] == "frames"
    np.testing.assert_array_equal(back.position.values, position)
    assert back.visibility.values[:, :, 0].tolist() == [[True, True], [True, False], [True, True]]
    with h5py.File(path, "r") as file:
        frame = file["processing/behavior/PoseTraining/training_frames/frame_1000"]
        assert int(frame.attrs["source_video_frame_index"]) == 1000
        assert file[frame.name + "/skeleton_instances/b/node_locations"][()].tolist() == [
            [10.0, 11.0]
        ]


def test_sleap_io_training_file(realdata, tmp_path):
    sio = pytest.importorskip("sleap_io")
    labels = sio.load_slp(str(realdata / "sleap/clip.2node.slp"))
    frames = [labels.labeled_frames[i] for i in (0, 5, 40, 200)]
    subset = sio.Labels(
        labeled_frames=frames,
        videos=labels.videos,
        skeletons=labels.skeletons,
        tracks=labels.tracks,
    )
    sio.save_nwb(subset, str(tmp_path / "t.nwb"), nwb_format="annotations")
    ds = load_poses.from_nwb_file(tmp_path / "t.nwb", which="training")
    assert ds.frame.values.tolist() == [f.frame_idx for f in frames]
    assert ds.attrs["fps"] == 30.0  # from the source video ImageSeries
    assert ds.keypoints.values.tolist() == subset.skeletons[0].node_names
    for row, frame in enumerate(frames):
        for j, instance in enumerate(frame.instances):
            np.testing.assert_array_equal(
                ds.position.isel(time=row).sel(individuals=f"instance_{j}").values, instance.numpy()
            )
    with pytest.raises(FileFormatError, match="holds no ndx-pose PoseEstimation.*'training'"):
        load_poses.from_nwb_file(tmp_path / "t.nwb")
