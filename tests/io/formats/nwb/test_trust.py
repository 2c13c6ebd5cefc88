"""NWB files we did not write: our errors, bounded sizes, no links outside, nothing lost."""

from __future__ import annotations

import shutil
import subprocess
import sys

import h5py
import numpy as np
import pytest

from movement_like.dataset import frame_numbers, poses_from_numpy
from movement_like.errors import FileFormatError, InvalidArgumentError
from movement_like.io import load_dataset, load_poses, save_poses
from tests.io.formats.nwb.helpers import NWB, PE

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")

DLC2NWB = f"{NWB}/m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb"
SNOUT = f"{PE}/ind1_snout"
BACKENDS = ["auto", "h5py"]


@pytest.fixture
def dlc(realdata, tmp_path):
    path = tmp_path / "dlc.nwb"
    shutil.copy(realdata / DLC2NWB, path)
    return path


def _replace(path, name, make):
    with h5py.File(path, "a") as file:
        attrs = dict(file[name].attrs)
        del file[name]
        made = make(file, name)
        if made is not None:
            for key, value in attrs.items():
                made.attrs[key] = value


@pytest.mark.parametrize("backend", BACKENDS)
def test_soft_link_loop_gives_our_error(dlc, backend):
    """Was RuntimeError ("too many links") from the h5py fallback."""
    _replace(dlc, f"{SNOUT}/data", lambda f, n: f.__setitem__(n, h5py.SoftLink("/" + n)))
    with pytest.raises(FileFormatError, match="dlc.nwb"):
        load_poses.from_nwb_file(dlc, backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_huge_declared_data_are_refused_before_reading(dlc, backend):
    _replace(
        dlc,
        f"{SNOUT}/data",
        lambda f, n: f.create_dataset(n, shape=(2**31, 2), dtype="f8", chunks=True),
    )
    with pytest.raises(FileFormatError, match="declares shape"):
        load_poses.from_nwb_file(dlc, backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_group_where_data_are_expected(dlc, backend):
    """Was TypeError from indexing an h5py.Group."""
    _replace(dlc, f"{SNOUT}/data", lambda f, n: f.create_group(n))
    with pytest.raises(FileFormatError, match="dlc.nwb"):
        load_poses.from_nwb_file(dlc, backend=backend)


def test_confidence_of_shape_n_by_1_is_read(dlc, realdata):
    """Was ValueError (broadcast) from the conversion."""
    with h5py.File(dlc, "r") as file:
        values = file[f"{SNOUT}/confidence"][()]
    _replace(dlc, f"{SNOUT}/confidence", lambda f, n: f.create_dataset(n, data=values[:, None]))
    ds = load_poses.from_nwb_file(dlc)
    expected = load_poses.from_nwb_file(realdata / DLC2NWB)
    np.testing.assert_array_equal(ds.confidence.values, expected.confidence.values)


def test_confidence_of_another_shape_is_refused(dlc):
    with h5py.File(dlc, "r") as file:
        values = file[f"{SNOUT}/confidence"][()]
    _replace(
        dlc,
        f"{SNOUT}/confidence",
        lambda f, n: f.create_dataset(n, data=np.stack([values, values], axis=1)),
    )
    with pytest.raises(FileFormatError, match="confidence of shape"):
        load_poses.from_nwb_file(dlc)


def test_nwb_renamed_nc_gives_our_error(realdata, tmp_path):
    path = tmp_path / "poses.nc"
    shutil.copy(realdata / DLC2NWB, path)
    try:
        ds = load_dataset(path)
    except FileFormatError:
        return
    assert ds.sizes["keypoints"] == 4  # or it is recognised as the NWB file it is


@pytest.mark.parametrize("backend", BACKENDS)
def test_series_linked_to_another_file_are_refused_unless_allowed(dlc, realdata, backend):
    _replace(
        dlc,
        f"{SNOUT}/data",
        lambda f, n: f.__setitem__(n, h5py.ExternalLink(str(realdata / DLC2NWB), "/" + n)),
    )
    with pytest.raises(FileFormatError, match="allow_external_links=True"):
        load_poses.from_nwb_file(dlc, backend=backend)
    ds = load_poses.from_nwb_file(dlc, backend="h5py", allow_external_links=True)
    expected = load_poses.from_nwb_file(realdata / DLC2NWB)
    np.testing.assert_array_equal(ds.position.values, expected.position.values)


# --------------------------------------------------------------------------- #
# fps against timestamps: never both the file's timestamps and another rate
# --------------------------------------------------------------------------- #
def test_fps_contradicting_the_timestamps_is_refused(realdata):
    """Was: time 0, 1, 2 s kept, fps=30 recorded, so frame numbers 0, 30, 60 …"""
    path = realdata / DLC2NWB
    with pytest.raises(InvalidArgumentError, match="fps=30 contradicts the file's timestamps"):
        load_poses.from_nwb_file(path, fps=30)
    ds = load_poses.from_nwb_file(path, fps=1)  # agrees
    assert ds.attrs["fps"] == 1.0
    assert frame_numbers(ds, "test")[:3].tolist() == [0, 1, 2]


def test_time_from_frames_re_times_explicitly(realdata):
    path = realdata / DLC2NWB
    ds = load_poses.from_nwb_file(path, fps=30, time_from="frames")
    plain = load_poses.from_nwb_file(path)
    assert ds.attrs["fps"] == 30.0
    np.testing.assert_allclose(ds.time.values[:3], [0, 1 / 30, 2 / 30])
    assert frame_numbers(ds, "test")[-1] == ds.sizes["time"] - 1
    np.testing.assert_array_equal(ds.position.values, plain.position.values)
    assert "frames" in ds.attrs["nwb_time_from"]
    with pytest.raises(InvalidArgumentError, match="needs fps"):
        load_poses.from_nwb_file(path, time_from="frames")


def test_cli_convert_with_a_contradicting_fps(realdata, tmp_path):
    out = tmp_path / "out.csv"
    run = subprocess.run(
        [sys.executable, "-m", "movement_like.cli", "convert", str(realdata / DLC2NWB)]
        + [str(out), "--fps", "30"],
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0
    assert "contradicts the file's timestamps" in run.stderr
    assert "--fps" in run.stderr
    assert not out.exists()


# --------------------------------------------------------------------------- #
# training labels: the ndx-pose 0.2 pre-release layout, never an empty dataset silently
# --------------------------------------------------------------------------- #
def _training_file(tmp_path):
    position = np.arange(24.0).reshape(3, 2, 2, 2)
    ds = poses_from_numpy(position, individual_names=["a", "b"], frame_array=[3, 30, 300])
    [path] = save_poses.to_nwb_path(ds, tmp_path / "t.nwb", which="training")
    return path, position


def test_training_frame_holding_a_skeleton_instance_directly(tmp_path):
    """ndx-pose 0.2 pre-releases: TrainingFrame/skeleton_instance, no SkeletonInstances."""
    path, position = _training_file(tmp_path)
    frames = "processing/behavior/PoseTraining/training_frames"
    with h5py.File(path, "a") as file:
        for frame in file[frames].values():
            holder = frame["skeleton_instances"]
            first = sorted(holder)[0]
            file.move(holder[first].name, frame.name + "/skeleton_instance")
            del frame["skeleton_instances"]
    ds = load_poses.from_nwb_file(path, which="training")
    assert ds.frame.values.tolist() == [3, 30, 300]
    assert ds.individuals.values.tolist() == ["id_0"]  # the layout has no place for a name
    np.testing.assert_array_equal(ds.position.values, position[:, :1])


def test_training_frames_without_instances_are_not_an_empty_dataset(tmp_path):
    path, _ = _training_file(tmp_path)
    frames = "processing/behavior/PoseTraining/training_frames"
    with h5py.File(path, "a") as file:
        for frame in file[frames].values():
            holder = frame["skeleton_instances"]
            for name in list(holder):
                del holder[name]
    with pytest.raises(FileFormatError, match="no SkeletonInstance"):
        load_poses.from_nwb_file(path, which="training")


@pytest.mark.parametrize("backend", BACKENDS)
def test_flattened_skeleton_edges_give_our_error(realdata, tmp_path, backend):
    """Was TypeError ("cannot unpack non-iterable int") when edges were not (n, 2)."""
    path = tmp_path / "edges.nwb"
    shutil.copy(realdata / NWB / "0.1.1_poseestimation_nodes_edges.nwb", path)
    name = "processing/behavior/PoseEstimation/edges"

    def flattened(file, dataset):
        file.create_dataset(dataset, data=np.arange(6, dtype="u1"))

    with h5py.File(path, "r") as file:
        original = file[name][()]
    assert original.ndim == 2  # the real file has (n, 2) edges
    _replace(path, name, flattened)
    with pytest.raises(FileFormatError, match="edges"):
        load_poses.from_nwb_file(path, backend=backend)
