"""Pose estimates: every real NWB file, what NWB knows that is kept, selection, timestamps."""

from __future__ import annotations

import json

import h5py
import numpy as np
import pytest
import xarray as xr

from movement_like.dataset import poses_from_numpy, validate_poses
from movement_like.errors import FileFormatError
from movement_like.io import load_poses, save_poses
from tests.io.formats.nwb.helpers import FIXED_START, NWB, PE, REAL, SLEAP_IO, h5_value

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")


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
    times = h5_value(path, f"{PE}/front_left_paw/timestamps")
    np.testing.assert_array_equal(ds.time.values, times)
    assert ds.time.values[0] == 0.0 and ds.time.values[-1] == 10.0
    assert ds.attrs["fps"] == pytest.approx(9.9)
    left = h5_value(path, f"{PE}/front_left_paw/data")
    right = h5_value(path, f"{PE}/front_right_paw/data")
    np.testing.assert_array_equal(ds.position.sel(keypoints="front_left_paw").values[:, 0], left)
    np.testing.assert_array_equal(
        ds.position.sel(keypoints="front_right_paw", space=["x", "y"]).values[:, 0], right
    )
    assert np.isnan(ds.position.sel(keypoints="front_right_paw", space="z")).all()
    np.testing.assert_array_equal(
        ds.confidence.sel(keypoints="front_left_paw").values[:, 0],
        h5_value(path, f"{PE}/front_left_paw/confidence"),
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
    np.testing.assert_array_equal(ds.time.values, h5_value(path, f"{PE}/front_left_paw/timestamps"))
    assert ds.time.values[-1] == pytest.approx(10.0)
    for keypoint in ("front_left_paw", "front_right_paw"):
        np.testing.assert_array_equal(
            ds.position.sel(keypoints=keypoint).values[:, 0],
            h5_value(path, f"{PE}/{keypoint}/data"),
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
        ds.position.sel(keypoints="snout").values[:, 0], h5_value(path, f"{PE}/ind1_snout/data")
    )
    np.testing.assert_array_equal(
        ds.confidence.sel(keypoints="tailbase").values[:, 0],
        h5_value(path, f"{PE}/ind1_tailbase/confidence"),
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
        h5_value(path, f"{module}/track=1/A/data"),
    )
    two_a = ds.position.sel(individuals="2", keypoints="A").values
    np.testing.assert_array_equal(two_a[:2], h5_value(path, f"{module}/track=2/A/data"))
    assert np.isnan(two_a[2]).all()  # shorter series, aligned by timestamp
    assert np.isnan(ds.position.sel(individuals="2", keypoints="B")).all()  # empty series
    assert ds.confidence.sel(individuals="1", keypoints="B").values.tolist() == [0.8] * 3
    assert ds.attrs["source_software"] == "SLEAP" and ds.attrs["scorer"] == "{}"
    assert json.loads(ds.attrs["skeleton_edges"]) == [["A", "B"]]
    # pynwb needs load_namespaces=False for this file
    assert ds.attrs["nwb_reader"] == "pynwb (load_namespaces=False)"


def test_from_file_detects_nwb_and_selects_by_key(realdata):
    ds = load_poses.from_file(realdata / SLEAP_IO, pose_estimation_key="track=2")
    assert ds.individuals.values.tolist() == ["2"]
    ds = load_poses.from_file(realdata / SLEAP_IO, processing_module_key="SLEAP_VIDEO_000_minimal")
    assert ds.sizes["individuals"] == 2
    with pytest.raises(FileFormatError, match=r"available \(module/name\).*track=1"):
        load_poses.from_nwb_file(realdata / SLEAP_IO, processing_module_key="behavior")


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
