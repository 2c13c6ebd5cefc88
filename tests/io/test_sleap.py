"""SLEAP: analysis h5 (all layouts), analysis csv, .slp via sleap-io, round trips, bad input."""

from __future__ import annotations

import json
import sys

import h5py
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from movement_like.dataset import poses_from_numpy
from movement_like.errors import FileFormatError, InvalidDatasetError, MissingDependencyError
from movement_like.io import load_poses, save_poses
from movement_like.io.formats import sleap
from tests.strategies import poses_datasets

S = "sleap"
ROBOT = f"{S}/small_robot.000_small_robot_3_frame.analysis.h5"
MATLAB = f"{S}/sleap-io_written/centered_pair_matlab.analysis.h5"
STANDARD = f"{S}/sleap-io_written/centered_pair_standard.analysis.h5"
CENTERED_SLP = f"{S}/centered_pair_predictions.slp"
CLIP_PRED = f"{S}/clip.predictions.slp"
CLIP_USER = f"{S}/clip.2node.slp"
MINIMAL = f"{S}/minimal_instance.slp"
CSV = f"{S}/minimal_instance.000_centered_pair_low_quality.analysis.csv"


# --------------------------------------------------------------------------- #
# analysis HDF5
# --------------------------------------------------------------------------- #
def test_small_robot_sleap_written(realdata):
    path = realdata / ROBOT
    ds = load_poses.from_sleap_file(path, fps=10)
    assert dict(ds.sizes) == {"time": 3, "individuals": 1, "keypoints": 3, "space": 2}
    assert list(ds.individuals.values) == ["individual_0"]  # track_names is empty
    assert list(ds.keypoints.values) == ["top", "front", "rear"]
    np.testing.assert_array_equal(ds.frame.values, [0, 1, 2])
    with h5py.File(path, "r") as file:
        tracks = file["tracks"][()]  # (track, xy, node, frame)
        scores = file["point_scores"][()]  # (track, node, frame)
        edges = file["edge_names"][()]
    for f in range(3):
        for k in range(3):
            assert ds.position.isel(time=f, individuals=0, keypoints=k).values.tolist() == [
                tracks[0, 0, k, f],
                tracks[0, 1, k, f],
            ]
    np.testing.assert_array_equal(ds.confidence.values[:, 0, :], scores[0].T)
    assert ds.confidence.isel(time=0).isnull().all() and ds.confidence.isel(time=2).isnull().all()
    assert not ds.confidence.isel(time=1).isnull().any()
    assert json.loads(ds.attrs["skeleton_edges"]) == [[a.decode(), b.decode()] for a, b in edges]
    assert ds.attrs["video_path"].endswith("small_robot_3_frame.mp4")
    assert ds.attrs["labels_path"] == "D:/TalmoLab/small_robot.slp"


@pytest.mark.parametrize("which", [MATLAB, STANDARD])
def test_centered_pair_sleap_io_layouts(realdata, which):
    """``standard`` is the layout movement crashes on; both read the same."""
    path = realdata / which
    ds = load_poses.from_sleap_file(path)
    assert dict(ds.sizes) == {"time": 1100, "individuals": 27, "keypoints": 24, "space": 2}
    with h5py.File(path, "r") as file:
        names = [n.decode() for n in file["track_names"][()]]
        nodes = [n.decode() for n in file["node_names"][()]]
        tracks = file["tracks"][()]
        dims = json.loads(file["tracks"].attrs["dims"])
    assert list(ds.individuals.values) == names and names[:3] == ["1", "2", "3"]
    assert list(ds.keypoints.values) == nodes and nodes[:2] == ["head", "neck"]
    canonical = tracks.transpose([dims.index(d) for d in ("frame", "track", "node", "xy")])
    np.testing.assert_array_equal(ds.position.values, canonical)
    assert 0.9 < float(ds.position.isnull().mean()) < 0.95
    assert len(json.loads(ds.attrs["skeleton_edges"])) == 23


def test_matlab_standard_and_slp_agree(realdata):
    matlab = load_poses.from_sleap_file(realdata / MATLAB)
    standard = load_poses.from_sleap_file(realdata / STANDARD)
    slp = load_poses.from_sleap_file(realdata / CENTERED_SLP)
    for other in (standard, slp):
        np.testing.assert_array_equal(other.position.values, matlab.position.values)
        np.testing.assert_allclose(
            other.confidence.values, matlab.confidence.values, rtol=1e-6, equal_nan=True
        )
        assert list(other.individuals.values) == list(matlab.individuals.values)
        assert list(other.keypoints.values) == list(matlab.keypoints.values)


def test_analysis_csv(realdata):
    ds = load_poses.from_sleap_file(realdata / CSV)
    assert dict(ds.sizes) == {"time": 1, "individuals": 1, "keypoints": 2, "space": 2}
    assert list(ds.keypoints.values) == ["A", "B"]
    assert ds.position.values.ravel().tolist() == [
        205.9300539013689,
        187.88964024221963,
        278.63521449272383,
        203.3658657346604,
    ]
    assert ds.confidence.isnull().all()


def test_analysis_csv_tracks_and_untracked_slots(tmp_path):
    path = tmp_path / "x.analysis.csv"
    path.write_text(
        "track,frame_idx,instance.score,A.x,A.y,A.score\n"
        "female,1,0.9,1,2,0.5\n,1,,3,4,\n,1,,5,6,\nmale,3,0.8,7,8,0.4\n"
    )
    ds = load_poses.from_file(path)
    assert list(ds.individuals.values) == ["female", "male", "untracked_0", "untracked_1"]
    np.testing.assert_array_equal(ds.frame.values, [0, 1, 2, 3])
    assert ds.position.sel(time=1, keypoints="A").values.tolist()[2:] == [[3, 4], [5, 6]]
    assert ds.confidence.sel(time=3, individuals="male").item() == 0.4


# --------------------------------------------------------------------------- #
# .slp
# --------------------------------------------------------------------------- #
def _slp_instance_points(path, frame_idx):
    """(track name or None, xy (K, 2), scores or None) of a frame, read with h5py only."""
    with h5py.File(path, "r") as file:
        frames = file["frames"][()]
        instances = file["instances"][()]
        tracks = (
            [json.loads(t)[1] for t in file["tracks_json"][()]] if file["tracks_json"].size else []
        )
        row = frames[frames["frame_idx"] == frame_idx][0]
        out = []
        for inst in instances[row["instance_id_start"] : row["instance_id_end"]]:
            table = file["pred_points"] if inst["instance_type"] == 1 else file["points"]
            pts = table[inst["point_id_start"] : inst["point_id_end"]]
            xy = np.stack([pts["x"], pts["y"]], axis=1)
            xy[~pts["visible"]] = np.nan
            track = tracks[inst["track"]] if inst["track"] >= 0 else None
            out.append((track, xy, pts["score"] if inst["instance_type"] == 1 else None))
    return out


def test_clip_predictions_slp(realdata):
    path = realdata / CLIP_PRED
    ds = load_poses.from_sleap_file(path)
    assert dict(ds.sizes) == {"time": 1500, "individuals": 2, "keypoints": 2, "space": 2}
    assert list(ds.individuals.values) == ["female", "male"]
    assert list(ds.keypoints.values) == ["head", "thorax"]
    assert json.loads(ds.attrs["skeleton_edges"]) == [["thorax", "head"]]
    for frame in (0, 700, 1499):
        for track, xy, scores in _slp_instance_points(path, frame):
            np.testing.assert_array_equal(ds.position.sel(time=frame, individuals=track).values, xy)
            np.testing.assert_array_equal(
                ds.confidence.sel(time=frame, individuals=track).values, scores
            )


def test_clip_user_labels_slp(realdata):
    path = realdata / CLIP_USER
    ds = load_poses.from_sleap_file(path)
    assert dict(ds.sizes) == {"time": 1500, "individuals": 2, "keypoints": 2, "space": 2}
    assert ds.confidence.isnull().all()  # user instances have no scores
    for track, xy, _ in _slp_instance_points(path, 42):
        np.testing.assert_array_equal(ds.position.sel(time=42, individuals=track).values, xy)


def test_minimal_instance_keeps_both_untracked_instances(realdata):
    """movement keeps only the last of the two untracked instances; we keep both."""
    path = realdata / MINIMAL
    ds = load_poses.from_sleap_file(path)
    assert dict(ds.sizes) == {"time": 1, "individuals": 2, "keypoints": 2, "space": 2}
    assert list(ds.individuals.values) == ["individual_0", "individual_1"]
    instances = _slp_instance_points(path, 0)
    for i, (track, xy, _) in enumerate(instances):
        assert track is None
        np.testing.assert_array_equal(ds.position.isel(time=0, individuals=i).values, xy)
    assert ds.position.isel(time=0, individuals=1, keypoints=0).values.tolist() == [
        205.9300539013689,
        187.88964024221963,
    ]


@pytest.fixture
def two_video_slp(tmp_path):
    sio = pytest.importorskip("sleap_io")
    skeleton = sio.Skeleton(["a", "b"])
    track = sio.Track("t1")
    videos = [sio.Video(filename=f"v{i}.mp4", open_backend=False) for i in range(2)]
    predicted = sio.PredictedInstance.from_numpy(
        np.array([[1.0, 2], [3, 4]]),
        skeleton=skeleton,
        track=track,
        point_scores=np.array([0.5, 0.6]),
        score=0.9,
    )
    user = sio.Instance.from_numpy(np.array([[10.0, 20], [30, 40]]), skeleton=skeleton, track=track)
    untracked_user = sio.Instance.from_numpy(np.array([[5.0, 6], [7, 8]]), skeleton=skeleton)
    untracked_pred = sio.PredictedInstance.from_numpy(
        np.array([[9.0, 9], [9, 9]]),
        skeleton=skeleton,
        point_scores=np.array([0.1, 0.2]),
        score=0.3,
    )
    labels = sio.Labels(
        [
            sio.LabeledFrame(videos[0], 2, [predicted, user, untracked_user, untracked_pred]),
            sio.LabeledFrame(videos[1], 5, [predicted]),
        ],
        skeletons=[skeleton],
        tracks=[track],
        videos=videos,
    )
    path = tmp_path / "two_videos.slp"
    sio.save_slp(labels, str(path))
    return path


def test_slp_video_choice_user_preference_and_untracked(two_video_slp):
    first = load_poses.from_sleap_file(two_video_slp)
    assert list(first.individuals.values) == ["t1", "untracked_0", "untracked_1"]
    np.testing.assert_array_equal(first.frame.values, [0, 1, 2])
    at2 = first.sel(time=2)
    assert at2.position.sel(individuals="t1").values.tolist() == [[10, 20], [30, 40]]  # user
    assert at2.confidence.sel(individuals="t1").isnull().all()
    assert at2.position.sel(individuals="untracked_0").values.tolist() == [[5, 6], [7, 8]]
    assert at2.confidence.sel(individuals="untracked_1").values.tolist() == [0.1, 0.2]
    assert first.attrs["video_path"] == "v0.mp4" and first.attrs["video_index"] == 0
    second = load_poses.from_sleap_file(two_video_slp, video=1)
    assert list(second.individuals.values) == ["t1"]
    np.testing.assert_array_equal(second.frame.values, np.arange(6))
    assert second.confidence.sel(time=5).values.tolist() == [[0.5, 0.6]]
    with pytest.raises(FileFormatError, match="video=2"):
        load_poses.from_sleap_file(two_video_slp, video=2)


def test_missing_sleap_io_names_the_extra(realdata, monkeypatch):
    monkeypatch.setitem(sys.modules, "sleap_io", None)  # makes `import sleap_io` fail
    with pytest.raises(MissingDependencyError, match=r"movement_like\[sleap\]"):
        load_poses.from_sleap_file(realdata / MINIMAL)
    # analysis files do not need it
    assert load_poses.from_sleap_file(realdata / ROBOT).sizes["time"] == 3


# --------------------------------------------------------------------------- #
# writer and round trips
# --------------------------------------------------------------------------- #
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(ds=poses_datasets(spaces=(2,)))
def test_round_trip_analysis_h5(tmp_path, ds):
    path = tmp_path / "out.analysis.h5"
    save_poses.to_sleap_analysis_file(ds, path, overwrite=True)
    back = load_poses.from_sleap_file(path, fps=ds.attrs.get("fps"))
    frames = ds.frame.values
    np.testing.assert_array_equal(back.frame.values, np.arange(frames.max() + 1))
    picked = back.isel(time=frames)  # rows are frames 0..last: pick the dataset's frames
    np.testing.assert_array_equal(picked.position.values, ds.position.values.astype(float))
    np.testing.assert_array_equal(picked.confidence.values, ds.confidence.values.astype(float))
    np.testing.assert_array_equal(picked.time.values, ds.time.values)
    others = np.setdiff1d(np.arange(frames.max() + 1), frames)
    assert back.position.isel(time=others).isnull().all()
    assert list(back.individuals.values) == list(ds.individuals.values)
    assert list(back.keypoints.values) == list(ds.keypoints.values)


def test_written_analysis_file_has_sleap_layout_and_reads_in_sleap_io(tmp_path):
    sio = pytest.importorskip("sleap_io")
    rng = np.random.default_rng(0)
    position = rng.uniform(0, 100, (5, 2, 3, 2))
    position[1, 0] = np.nan
    ds = poses_from_numpy(
        position,
        rng.uniform(0, 1, (5, 2, 3)),
        ["f", "m"],
        ["h", "t", "a"],
        frame_array=[0, 1, 2, 3, 4],
    )
    ds.attrs["skeleton_edges"] = json.dumps([["h", "t"], ["t", "a"]])
    path = tmp_path / "w.analysis.h5"
    save_poses.to_file(ds, path)  # the suffix picks SLEAP
    with h5py.File(path, "r") as file:
        assert file["tracks"].shape == (2, 2, 3, 5)
        assert file["track_occupancy"].shape == (5, 2)
        assert file["track_occupancy"].dtype == np.uint8
        assert file["track_occupancy"][1].tolist() == [0, 1]
        assert file["point_scores"].shape == (2, 3, 5)
        assert file["track_names"][()].tolist() == [b"f", b"m"]
        assert file["edge_inds"][()].tolist() == [[0, 1], [1, 2]]
        assert file["tracks"].compression == "gzip"
    labels = sio.load_analysis_h5(str(path))
    arr = labels.numpy(return_confidence=False)
    assert [t.name for t in labels.tracks] == ["f", "m"]
    np.testing.assert_allclose(arr, position, equal_nan=True)
    with pytest.raises(FileExistsError):
        save_poses.to_sleap_analysis_file(ds, path)


def test_writer_refuses_3d_and_negative_frames(tmp_path):
    with pytest.raises(InvalidDatasetError, match="2D"):
        save_poses.to_sleap_analysis_file(
            poses_from_numpy(np.ones((2, 1, 1, 3))), tmp_path / "a.h5"
        )
    with pytest.raises(InvalidDatasetError, match="frame 0"):
        save_poses.to_sleap_analysis_file(
            poses_from_numpy(np.ones((2, 1, 1, 2)), frame_array=[-1, 0]), tmp_path / "b.h5"
        )


# --------------------------------------------------------------------------- #
# bad input
# --------------------------------------------------------------------------- #
def test_analysis_file_without_tracks(tmp_path):
    path = tmp_path / "no_tracks.analysis.h5"
    with h5py.File(path, "w") as file:
        file["node_names"] = np.array([b"a", b"b"])
        file["track_occupancy"] = np.zeros((3, 1), dtype=np.uint8)
    with pytest.raises(FileFormatError, match="tracks") as info:
        load_poses.from_file(path)
    assert "no_tracks.analysis.h5" in str(info.value)


def test_tracks_of_the_wrong_shape(tmp_path):
    path = tmp_path / "odd.analysis.h5"
    with h5py.File(path, "w") as file:
        file["node_names"] = np.array([b"a", b"b"])
        file["tracks"] = np.zeros((1, 2, 5, 4))  # 5 nodes on disk, 2 names
    with pytest.raises(FileFormatError, match="does not match"):
        sleap.from_sleap_analysis_h5(path)


@pytest.mark.parametrize("name", [ROBOT, MINIMAL])
def test_truncated_files(realdata, tmp_path, name):
    data = (realdata / name).read_bytes()
    path = tmp_path / (realdata / name).name
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(FileFormatError, match=path.name):
        load_poses.from_sleap_file(path)


def test_sniffer_does_not_take_other_hdf5(realdata):
    from movement_like.io.registry import FileHead

    dlc_h5 = realdata / "deeplabcut/m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5"
    assert not sleap.sniff(FileHead(dlc_h5))
    assert sleap.sniff(FileHead(realdata / STANDARD))


def test_oldest_layout_only_tracks_and_node_names(tmp_path):
    """SLEAP < 1.1.4 wrote no scores, edges or paths: those are optional."""
    tracks = np.arange(2 * 2 * 3 * 4, dtype=float).reshape(2, 2, 3, 4)  # (track, xy, node, frame)
    path = tmp_path / "old.analysis.h5"
    with h5py.File(path, "w") as file:
        file["tracks"] = tracks
        file["node_names"] = np.array([b"a", b"b", b"c"])
        file["track_names"] = np.array([b"t0", b"t1"])
        file["track_occupancy"] = np.ones((4, 2), dtype=np.uint8)
    ds = load_poses.from_file(path)
    assert list(ds.individuals.values) == ["t0", "t1"]
    np.testing.assert_array_equal(ds.position.values, tracks.transpose(3, 0, 2, 1))
    assert ds.confidence.isnull().all() and "skeleton_edges" not in ds.attrs


def test_legacy_untransposed_layout(tmp_path):
    """sleap-io files with root attr transpose=False store tracks as (frame, node, xy, track)."""
    canonical = np.random.default_rng(2).normal(size=(5, 2, 3, 2))  # (frame, track, node, xy)
    path = tmp_path / "legacy.analysis.h5"
    with h5py.File(path, "w") as file:
        file.attrs["transpose"] = False
        file["tracks"] = canonical.transpose(0, 2, 3, 1)
        file["point_scores"] = np.ones((5, 3, 2))  # (frame, node, track)
        file["node_names"] = np.array([b"a", b"b", b"c"])
        file["track_names"] = np.array([b"x", b"y"])
    ds = load_poses.from_sleap_file(path)
    np.testing.assert_array_equal(ds.position.values, canonical)
    assert (ds.confidence.values == 1).all()
