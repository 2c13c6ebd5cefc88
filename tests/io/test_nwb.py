"""NWB + ndx-pose: every real file, both readers, round trips, training labels, bad input."""

from __future__ import annotations

import datetime
import json
import tempfile
import warnings
from pathlib import Path

import h5py
import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from movement_like.dataset import poses_from_numpy, validate_poses
from movement_like.errors import FileFormatError, InvalidDatasetError, OverwriteError
from movement_like.io import load_poses, save_poses
from tests.strategies import poses_datasets

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")

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


def _h5(path, key):
    with h5py.File(path, "r") as file:
        return file[key][()]


def _safe(name):
    name = str(name).replace("/", "_").replace(":", "_")
    return name if name not in (".", "..") else f"_{name}"


def _nwb_names_ok(ds):
    """NWB names cannot hold '/' or ':': the writer replaces them, so they must not collide."""
    return all(
        len({_safe(n) for n in ds[d].values}) == ds.sizes[d] for d in ("keypoints", "individuals")
    )


# --------------------------------------------------------------------------- #
# the real files
# --------------------------------------------------------------------------- #
def test_no_cameras_0_1_1_empty_pose_estimation(realdata):
    ds = load_poses.from_nwb_file(realdata / NWB / REAL[0])
    validate_poses(ds)
    assert dict(ds.sizes) == {"time": 0, "individuals": 1, "keypoints": 0, "space": 2}
    assert ds.individuals.values.tolist() == ["identifier"]
    assert ds.attrs["ndx_pose_version"] == "0.1.1"
    assert ds.attrs["scorer"] == "DLC_resnet50_openfieldOct30shuffle1_1600"
    assert ds.attrs["source_software"] == "DeepLabCut"
    assert ds.attrs["source_software_version"] == "2.2b8"
    # uint8 in the 0.1 schema: 640x480 and 1024x768 wrapped; kept as stored
    assert json.loads(ds.attrs["dimensions"]) == [[128, 224], [0, 0]]
    assert json.loads(ds.attrs["original_videos"]) == ["camera1.mp4", "camera2.mp4"]


def test_nodes_edges_0_1_1_mixed_2d_3d(realdata):
    path = realdata / NWB / REAL[1]
    ds = load_poses.from_nwb_file(path)
    validate_poses(ds)
    assert dict(ds.sizes) == {"time": 100, "individuals": 1, "keypoints": 2, "space": 3}
    assert ds.keypoints.values.tolist() == ["front_left_paw", "front_right_paw"]
    times = _h5(path, f"{PE}/front_left_paw/timestamps")
    np.testing.assert_array_equal(ds.time.values, times)
    assert ds.time.values[0] == 0.0 and ds.time.values[-1] == 10.0
    assert ds.attrs["fps"] == pytest.approx(9.9)
    left = _h5(path, f"{PE}/front_left_paw/data")
    right = _h5(path, f"{PE}/front_right_paw/data")
    np.testing.assert_array_equal(ds.position.sel(keypoints="front_left_paw").values[:, 0], left)
    np.testing.assert_array_equal(
        ds.position.sel(keypoints="front_right_paw", space=["x", "y"]).values[:, 0], right
    )
    assert np.isnan(ds.position.sel(keypoints="front_right_paw", space="z")).all()
    np.testing.assert_array_equal(
        ds.confidence.sel(keypoints="front_left_paw").values[:, 0],
        _h5(path, f"{PE}/front_left_paw/confidence"),
    )
    assert json.loads(ds.attrs["skeleton_edges"]) == [["front_left_paw", "front_right_paw"]]
    assert ds.attrs["reference_frame"] == "(0,0,0) corresponds to ..."
    assert ds.attrs["confidence_definition"] == "Softmax output of the deep neural network."


@pytest.mark.parametrize("name", [REAL[2], REAL[3]])
def test_0_3_0_one_and_two_cameras(realdata, name):
    path = realdata / NWB / name
    ds = load_poses.from_nwb_file(path)
    validate_poses(ds)
    assert dict(ds.sizes) == {"time": 10, "individuals": 1, "keypoints": 2, "space": 2}
    # right paw timestamps are a soft link to the left paw's
    np.testing.assert_array_equal(ds.time.values, _h5(path, f"{PE}/front_left_paw/timestamps"))
    assert ds.time.values[-1] == pytest.approx(10.0)
    for keypoint in ("front_left_paw", "front_right_paw"):
        np.testing.assert_array_equal(
            ds.position.sel(keypoints=keypoint).values[:, 0], _h5(path, f"{PE}/{keypoint}/data")
        )
    assert ds.attrs["ndx_pose_version"] == "0.3.0"
    cameras = json.loads(ds.attrs["devices"])
    if "two" in name:
        assert cameras == ["camera1", "camera2"]
        # ndx-pose 0.4 refuses this file: read with h5py, and said so
        assert ds.attrs["nwb_reader"].startswith("h5py (pynwb refused the file")
    else:
        assert cameras == ["camera1"] and ds.attrs["nwb_reader"] == "pynwb"


def test_dlc2nwb_file(realdata):
    path = realdata / NWB / REAL[4]
    ds = load_poses.from_nwb_file(path)
    validate_poses(ds)
    assert dict(ds.sizes) == {"time": 2330, "individuals": 1, "keypoints": 4, "space": 2}
    # "Keypoint snout from individual ind1." -> individual ind1, keypoints in node order
    assert ds.individuals.values.tolist() == ["ind1"]
    assert ds.keypoints.values.tolist() == ["snout", "leftear", "rightear", "tailbase"]
    assert ds.time.values[0] == 0.0 and ds.time.values[-1] == 2329.0
    assert ds.attrs["fps"] == 1.0 and ds.attrs["ndx_pose_version"] == "0.1.0"
    np.testing.assert_array_equal(
        ds.position.sel(keypoints="snout").values[:, 0], _h5(path, f"{PE}/ind1_snout/data")
    )
    np.testing.assert_array_equal(
        ds.confidence.sel(keypoints="tailbase").values[:, 0],
        _h5(path, f"{PE}/ind1_tailbase/confidence"),
    )
    assert ds.attrs["nwb_identifier"] == "DLC_resnet50_openfieldAug20shuffle1"
    assert ds.attrs["reference_frame"].endswith("bottom left corner of the video.")


def test_sleap_io_written_file(realdata):
    path = realdata / SLEAP_IO
    ds = load_poses.from_nwb_file(path)
    validate_poses(ds)
    assert dict(ds.sizes) == {"time": 3, "individuals": 2, "keypoints": 2, "space": 2}
    assert ds.individuals.values.tolist() == ["1", "2"]
    assert ds.keypoints.values.tolist() == ["A", "B"]
    assert ds.time.values.tolist() == [0.0, 1.0, 2.0] and ds.attrs["fps"] == 1.0
    module = "processing/SLEAP_VIDEO_000_minimal"
    np.testing.assert_array_equal(
        ds.position.sel(individuals="1", keypoints="A").values,
        _h5(path, f"{module}/track=1/A/data"),
    )
    two_a = ds.position.sel(individuals="2", keypoints="A").values
    np.testing.assert_array_equal(two_a[:2], _h5(path, f"{module}/track=2/A/data"))
    assert np.isnan(two_a[2]).all()  # shorter series, aligned by timestamp
    assert np.isnan(ds.position.sel(individuals="2", keypoints="B")).all()  # empty series
    assert ds.confidence.sel(individuals="1", keypoints="B").values.tolist() == [0.8] * 3
    assert ds.attrs["source_software"] == "SLEAP" and ds.attrs["scorer"] == "{}"
    assert json.loads(ds.attrs["skeleton_edges"]) == [["A", "B"]]
    # pynwb needs load_namespaces=False for this file
    assert ds.attrs["nwb_reader"] == "pynwb (load_namespaces=False)"


@pytest.mark.parametrize("name", REAL)
def test_h5py_reader_agrees_with_pynwb(realdata, name):
    auto = load_poses.from_nwb_file(realdata / NWB / name)
    direct = load_poses.from_nwb_file(realdata / NWB / name, backend="h5py")
    assert direct.attrs["nwb_reader"] == "h5py"
    auto.attrs.pop("nwb_reader")
    direct.attrs.pop("nwb_reader")
    xr.testing.assert_identical(auto, direct)


def test_from_file_detects_nwb_and_selects_by_key(realdata):
    ds = load_poses.from_file(realdata / SLEAP_IO, pose_estimation_key="track=2")
    assert ds.individuals.values.tolist() == ["2"]
    ds = load_poses.from_file(realdata / SLEAP_IO, processing_module_key="SLEAP_VIDEO_000_minimal")
    assert ds.sizes["individuals"] == 2
    with pytest.raises(FileFormatError, match=r"available \(module/name\).*track=1"):
        load_poses.from_nwb_file(realdata / SLEAP_IO, processing_module_key="behavior")


def test_open_nwbfile_object(realdata):
    from pynwb import NWBHDF5IO

    with NWBHDF5IO(str(realdata / NWB / REAL[2]), "r") as io:
        ds = load_poses.from_nwb_file(io.read())
    assert ds.sizes["time"] == 10 and ds.attrs["ndx_pose_version"] == "0.3.0"


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


# --------------------------------------------------------------------------- #
# round trips
# --------------------------------------------------------------------------- #
def _check_round_trip(ds, back, keep_fps):
    assert back.individuals.values.tolist() == ds.individuals.values.tolist()
    assert back.keypoints.values.tolist() == ds.keypoints.values.tolist()
    np.testing.assert_array_equal(back.time.values, ds.time.values)
    assert back.position.dtype == ds.position.dtype
    np.testing.assert_array_equal(back.position.values, ds.position.values)
    np.testing.assert_array_equal(back.confidence.values, ds.confidence.values)
    if keep_fps:
        assert back.attrs["fps"] == ds.attrs["fps"]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ds=poses_datasets(max_time=8, with_fps=True))
def test_round_trip_per_individual_then_merged(tmp_path, ds):
    assume(_nwb_names_ok(ds))
    folder = Path(tempfile.mkdtemp(dir=tmp_path)) / "out"
    paths = save_poses.to_nwb_path(ds, folder, config={"session_start_time": FIXED_START})
    assert len(paths) == ds.sizes["individuals"]
    # per individual: one file, one subject
    for i, path in enumerate(paths):
        single = load_poses.from_nwb_file(path)
        _check_round_trip(ds.isel(individuals=[i]), single, keep_fps=False)
    # merged
    merged = load_poses.from_nwb_file(paths)
    sparse = not np.all(np.diff(ds.frame.values) == 1)
    _check_round_trip(ds, merged, keep_fps=ds.sizes["time"] > 1 and not sparse)


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


# --------------------------------------------------------------------------- #
# training labels (PoseTraining)
# --------------------------------------------------------------------------- #
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


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ds=manual_labels())
def test_training_round_trip(tmp_path, ds):
    assume(_nwb_names_ok(ds))
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "t.nwb"
    save_poses.to_nwb_path(
        ds, path, which="training", config={"video_path": "video.mp4", "annotator": "me"}
    )
    back = load_poses.from_nwb_file(path, which="training")
    validate_poses(back)
    present = [
        str(n)
        for n in ds.individuals.values
        if (
            ds.position.sel(individuals=n).notnull().any() or ds.visibility.sel(individuals=n).any()
        )
    ]
    assert back.individuals.values.tolist() == [_safe(n) for n in present]
    assert back.frame.values.tolist() == ds.frame.values.tolist()
    np.testing.assert_array_equal(back.time.values, ds.time.values)
    assert back.attrs["fps"] == ds.attrs["fps"]
    if not present:  # nothing labelled: no instance says whether the points were 2D or 3D
        assert back.sizes["individuals"] == 0
        return
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


# --------------------------------------------------------------------------- #
# bad input
# --------------------------------------------------------------------------- #
def test_nwb_without_pose_estimation(tmp_path):
    from pynwb import NWBHDF5IO, NWBFile

    nwbfile = NWBFile("no poses", "id", FIXED_START)
    nwbfile.create_processing_module("behavior", "empty")
    with NWBHDF5IO(str(tmp_path / "empty.nwb"), "w") as io:
        io.write(nwbfile)
    with pytest.raises(FileFormatError, match="holds no ndx-pose PoseEstimation"):
        load_poses.from_file(tmp_path / "empty.nwb")
    with pytest.raises(FileFormatError, match="holds no ndx-pose PoseEstimation"):
        load_poses.from_nwb_file(tmp_path / "empty.nwb", backend="h5py")
    with pytest.raises(FileFormatError, match="no PoseTraining"):
        load_poses.from_nwb_file(tmp_path / "empty.nwb", which="training")


def test_not_hdf5_and_bad_arguments(tmp_path, realdata):
    fake = tmp_path / "fake.nwb"
    fake.write_text("hello")
    with pytest.raises(FileFormatError, match="not an HDF5 file"):
        load_poses.from_nwb_file(fake)
    with pytest.raises(ValueError, match="which must be"):
        load_poses.from_nwb_file(realdata / SLEAP_IO, which="labels")
    with pytest.raises(TypeError, match="path or a pynwb.NWBFile"):
        load_poses.from_nwb_file(42)


def test_heavy_modules_stay_unimported_until_used():
    import subprocess
    import sys

    code = (
        "import sys\nfrom movement_like.io import load_poses, save_poses, load_bboxes\n"
        "print(sorted(m for m in ('pynwb', 'hdmf', 'ndx_pose') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_warnings_do_not_leak(realdata):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_poses.from_nwb_file(realdata / SLEAP_IO)


# --------------------------------------------------------------------------- #
# ndx-pose 0.4 MultiCameraPoseEstimation, netCDF state
# --------------------------------------------------------------------------- #
def test_multicamera_0_4_reads_world_series(tmp_path):
    from ndx_pose import (
        CalibratedCamera,
        MultiCameraPoseEstimation,
        PoseEstimation,
        PoseEstimationSeries,
        Skeleton,
        Skeletons,
    )
    from pynwb import NWBHDF5IO, NWBFile
    from pynwb.file import Subject

    nwbfile = NWBFile("d", "id", FIXED_START, subject=Subject(subject_id="rat1"))
    module = nwbfile.create_processing_module("behavior", "b")
    skeleton = Skeleton(
        name="rat",
        nodes=["nose", "tail"],
        edges=np.array([[0, 1]], "uint8"),
        subject=nwbfile.subject,
    )
    module.add(Skeletons(skeletons=[skeleton]))
    times = np.arange(5) / 50.0
    world = {n: np.random.default_rng(i).random((5, 3)) for i, n in enumerate(("tail", "nose"))}
    views = []
    for name in ("cam1", "cam2"):
        camera = CalibratedCamera(name=name, intrinsic_matrix=np.eye(3, dtype="float32"))
        nwbfile.add_device(camera)
        views.append(
            PoseEstimation(
                name=f"view_{name}",
                device=camera,
                skeleton=skeleton,
                pose_estimation_series=[
                    PoseEstimationSeries(
                        name=n, data=np.zeros((5, 2)), reference_frame="px", timestamps=times
                    )
                    for n in ("nose", "tail")
                ],
            )
        )
    module.add(
        MultiCameraPoseEstimation(
            pose_estimation_series=[
                PoseEstimationSeries(
                    name=n, data=v, unit="mm", reference_frame="world", timestamps=times
                )
                for n, v in world.items()
            ],
            pose_estimations=views,
            skeleton=skeleton,
            source_software="Anipose",
        )
    )
    with NWBHDF5IO(str(tmp_path / "mc.nwb"), "w") as io:
        io.write(nwbfile)
    for backend in ("auto", "h5py"):
        ds = load_poses.from_nwb_file(tmp_path / "mc.nwb", backend=backend)
        assert dict(ds.sizes) == {"time": 5, "individuals": 1, "keypoints": 2, "space": 3}
        assert ds.individuals.values.tolist() == ["rat1"]
        assert ds.keypoints.values.tolist() == ["nose", "tail"]  # Skeleton order
        np.testing.assert_array_equal(ds.position.sel(keypoints="tail").values[:, 0], world["tail"])
        assert ds.attrs["unit"] == "mm" and ds.attrs["fps"] == 50.0


@pytest.mark.parametrize("which", ["estimation", "training"])
def test_loaded_datasets_survive_netcdf(realdata, tmp_path, which):
    from movement_like.io import load_netcdf, save_netcdf

    if which == "estimation":
        ds = load_poses.from_nwb_file(realdata / SLEAP_IO)
    else:
        labels = poses_from_numpy(np.ones((2, 2, 1, 2)), frame_array=[3, 9])
        [path] = save_poses.to_nwb_path(
            labels, tmp_path / "t.nwb", which="training", config={"annotator": "x"}
        )
        ds = load_poses.from_nwb_file(path, which="training")
    save_netcdf(ds, tmp_path / "state.nc")
    xr.testing.assert_identical(load_netcdf(tmp_path / "state.nc"), ds)


def test_repeated_and_missing_timestamps(tmp_path):
    ds = poses_from_numpy(
        np.arange(12.0).reshape(3, 1, 2, 2),
        fps=10,
        keypoint_names=["a", "b"],
        individual_names=["m"],
    )
    [path] = save_poses.to_nwb_path(ds, tmp_path / "r.nwb")
    with h5py.File(path, "r+") as file:
        file[f"{PE}/a/timestamps"][...] = [0.0, 0.1, 0.1]
    with pytest.warns(UserWarning, match="repeats timestamps"):
        back = load_poses.from_nwb_file(path)
    assert back.time.values.tolist() == [0.0, 0.1]
    assert back.position.sel(keypoints="a").values[:, 0].tolist() == [[0.0, 1.0], [8.0, 9.0]]
    with h5py.File(path, "r+") as file:
        file[f"{PE}/a/timestamps"][...] = [0.0, np.nan, 0.2]
    with pytest.raises(FileFormatError, match="NaN or infinite"):
        load_poses.from_nwb_file(path)


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
    _check_round_trip(ds, back, keep_fps=True)
    assert json.loads(back.attrs["source_file"]) == ["NWBFile a", "NWBFile b"]
    labels = ds.assign(visibility=ds.confidence > 0.5)
    [training] = save_poses.to_nwb_file(labels, which="training")
    again = load_poses.from_nwb_file(training, which="training")
    np.testing.assert_array_equal(again.visibility.values, labels.visibility.values)
    assert again.frame.values.tolist() == [0, 1, 2, 3, 4]
