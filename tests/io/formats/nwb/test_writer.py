"""Writing NWB: round trips, file structure, metadata, names NWB cannot hold, no partial writes."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings

from movement_like.dataset import poses_from_numpy
from movement_like.errors import InvalidDatasetError, OverwriteError
from movement_like.io import load_poses, save_poses
from tests.io.formats.nwb.helpers import FIXED_START, check_round_trip, nwb_names_ok
from tests.strategies import poses_datasets

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")


def test_sleap_io_predictions_interoperate(realdata, tmp_path):
    sio = pytest.importorskip("sleap_io")
    labels = sio.load_slp(str(realdata / "sleap/clip.predictions.slp"))
    subset = sio.Labels(
        labeled_frames=labels.labeled_frames[:25],
        videos=labels.videos,
        skeletons=labels.skeletons,
        tracks=labels.tracks,
    )
    sio.save_nwb(subset, str(tmp_path / "p.nwb"), nwb_format="predictions")
    ds = load_poses.from_nwb_file(tmp_path / "p.nwb")
    assert ds.individuals.values.tolist() == [t.name for t in subset.tracks]
    assert ds.keypoints.values.tolist() == subset.skeletons[0].node_names
    np.testing.assert_array_equal(ds.position.values, subset.numpy())


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ds=poses_datasets(max_time=8, with_fps=True))
def test_round_trip_per_individual_then_merged(tmp_path, ds):
    assume(nwb_names_ok(ds))
    folder = Path(tempfile.mkdtemp(dir=tmp_path)) / "out"
    paths = save_poses.to_nwb_path(ds, folder, config={"session_start_time": FIXED_START})
    assert len(paths) == ds.sizes["individuals"]
    # per individual: one file, one subject
    for i, path in enumerate(paths):
        single = load_poses.from_nwb_file(path)
        check_round_trip(ds.isel(individuals=[i]), single, keep_fps=False)
    # merged
    merged = load_poses.from_nwb_file(paths)
    sparse = not np.all(np.diff(ds.frame.values) == 1)
    check_round_trip(ds, merged, keep_fps=ds.sizes["time"] > 1 and not sparse)


def test_to_nwb_file_structure():
    ds = poses_from_numpy(
        np.arange(24.0).reshape(3, 2, 2, 2),
        np.full((3, 2, 2), 0.5),
        individual_names=["mouse a", "mouse/b"],
        keypoint_names=["nose", "tail"],
        fps=30,
        source_software="DeepLabCut",
    )
    ds.attrs["skeleton_edges"] = json.dumps([["nose", "tail"]])
    files = save_poses.to_nwb_file(ds, {"subject": {"species": "Mus musculus"}})
    assert [f.subject.subject_id for f in files] == ["mouse a", "mouse/b"]
    assert files[0].subject.species == "Mus musculus"
    module = files[1].processing["behavior"]
    skeleton = module["Skeletons"].skeletons["skeleton_mouse_b"]
    assert list(skeleton.nodes) == ["nose", "tail"] and skeleton.edges.tolist() == [[0, 1]]
    estimation = module["PoseEstimation"]
    assert estimation.source_software == "DeepLabCut" and estimation.skeleton is skeleton
    series = estimation.pose_estimation_series["tail"]
    np.testing.assert_array_equal(series.data, ds.position.values[:, 1, 1])
    np.testing.assert_array_equal(series.timestamps, [0, 1 / 30, 2 / 30])


def test_edges_and_metadata_survive(tmp_path):
    ds = poses_from_numpy(
        np.random.default_rng(0).random((4, 1, 3, 2)),
        keypoint_names=["c", "a", "b"],
        individual_names=["m"],
        fps=10,
        source_software="SLEAP",
    )
    ds.attrs.update(
        skeleton_edges=json.dumps([["c", "b"], ["a", "b"]]),
        scorer="net-1",
        unit="mm",
        reference_frame="origin at arena centre",
    )
    [path] = save_poses.to_file(ds, tmp_path / "one.nwb")
    back = load_poses.from_file(path)
    assert back.keypoints.values.tolist() == ["c", "a", "b"]  # Skeleton order, not sorted
    assert json.loads(back.attrs["skeleton_edges"]) == [["c", "b"], ["a", "b"]]
    assert (back.attrs["scorer"], back.attrs["unit"]) == ("net-1", "mm")
    assert back.attrs["reference_frame"] == "origin at arena centre"
    assert back.attrs["source_software"] == "SLEAP" and back.attrs["subject_id"] == "m"


def test_frames_without_fps_need_config(tmp_path):
    ds = poses_from_numpy(np.ones((3, 1, 1, 2)))
    with pytest.raises(InvalidDatasetError, match="config=\\{'fps'"):
        save_poses.to_nwb_file(ds)
    [path] = save_poses.to_nwb_path(ds, tmp_path / "f.nwb", config={"fps": 4})
    assert load_poses.from_nwb_file(path).time.values.tolist() == [0, 0.25, 0.5]


def test_writer_refuses_overwrite_without_partial_writes(tmp_path):
    ds = poses_from_numpy(np.ones((2, 2, 1, 2)), individual_names=["a", "b"], fps=5)
    paths = save_poses.to_nwb_path(ds, tmp_path / "s.nwb")
    assert [p.name for p in paths] == ["s_a.nwb", "s_b.nwb"]
    paths[0].unlink()
    with pytest.raises(OverwriteError):
        save_poses.to_nwb_path(ds, tmp_path / "s.nwb")
    assert not paths[0].exists()  # nothing written when one target exists
    save_poses.to_nwb_path(ds, tmp_path / "s.nwb", overwrite=True)
    assert paths[0].exists()
    assert not [p for p in tmp_path.iterdir() if ".partial" in p.name]


def test_names_nwb_cannot_hold(tmp_path):
    ds = poses_from_numpy(np.ones((2, 1, 2, 2)), keypoint_names=["a/b", "c:d"], fps=5)
    [path] = save_poses.to_nwb_path(ds, tmp_path / "n.nwb")
    assert load_poses.from_nwb_file(path).keypoints.values.tolist() == ["a/b", "c:d"]
    ds = poses_from_numpy(np.ones((2, 1, 2, 2)), keypoint_names=["a/b", "a:b"], fps=5)
    with pytest.raises(InvalidDatasetError, match="collide"):
        save_poses.to_nwb_file(ds)


def test_in_memory_round_trip_without_files():
    rng = np.random.default_rng(1)
    ds = poses_from_numpy(
        rng.random((5, 2, 3, 2), dtype=np.float32),
        rng.random((5, 2, 3)),
        individual_names=["a", "b"],
        keypoint_names=["k1", "k2", "k3"],
        fps=30,
    )
    back = load_poses.from_nwb_file(save_poses.to_nwb_file(ds))
    check_round_trip(ds, back, keep_fps=True)
    assert json.loads(back.attrs["source_file"]) == ["NWBFile a", "NWBFile b"]
    labels = ds.assign(visibility=ds.confidence > 0.5)
    [training] = save_poses.to_nwb_file(labels, which="training")
    again = load_poses.from_nwb_file(training, which="training")
    np.testing.assert_array_equal(again.visibility.values, labels.visibility.values)
    assert again.frame.values.tolist() == [0, 1, 2, 3, 4]
