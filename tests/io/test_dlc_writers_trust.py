"""DeepLabCut, LightningPose and Anipose writers: never an unloadable file, never a corrupt one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from movement_like.dataset import poses_from_numpy
from movement_like.errors import InvalidDatasetError, WriteError
from movement_like.io import load_poses
from movement_like.io.formats import anipose, dlc, lightningpose


def _poses(n_time=5, n_ind=1, n_kp=2, n_space=2):
    rng = np.random.default_rng(0)
    return poses_from_numpy(
        rng.random((n_time, n_ind, n_kp, n_space)),
        rng.random((n_time, n_ind, n_kp)),
        individual_names=[f"id{i}" for i in range(n_ind)],
        keypoint_names=[f"kp{k}" for k in range(n_kp)],
    )


@pytest.mark.parametrize("empty", [{"n_ind": 0}, {"n_kp": 0}])
@pytest.mark.parametrize(
    ("writer", "name", "n_space"),
    [
        (dlc.to_dlc_file, "out.h5", 2),
        (dlc.to_dlc_file, "out.csv", 2),
        (lightningpose.to_lp_file, "out.csv", 2),
        (anipose.to_anipose_file, "out.csv", 3),
    ],
)
def test_no_individuals_or_keypoints_is_refused(tmp_path, writer, name, n_space, empty):
    ds = _poses(n_space=n_space, **empty)
    with pytest.raises(InvalidDatasetError, match="has no (individuals|keypoints)"):
        writer(ds, tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_h5_without_time_points_is_refused(tmp_path):
    with pytest.raises(InvalidDatasetError, match="no time points"):
        dlc.to_dlc_file(_poses(n_time=0), tmp_path / "out.h5")
    assert list(tmp_path.iterdir()) == []


def test_h5_writer_verifies_before_replacing(tmp_path, monkeypatch):
    target = tmp_path / "out.h5"
    dlc.to_dlc_file(_poses(), target)
    good = target.read_bytes()
    real_to_hdf = pd.DataFrame.to_hdf

    def full_disk(self, path, *args, **kwargs):  # what a full disk leaves: success, half a file
        real_to_hdf(self, path, *args, **kwargs)
        with open(path, "r+b") as handle:
            handle.truncate(2000)

    monkeypatch.setattr(pd.DataFrame, "to_hdf", full_disk)
    with pytest.raises(WriteError, match="does not read back"):
        dlc.to_dlc_file(_poses(n_time=50), target, overwrite=True)
    assert target.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["out.h5"]


def test_h5_writer_output_still_loads(tmp_path):
    ds = _poses(n_ind=2)
    (path,) = dlc.to_dlc_file(ds, tmp_path / "out.h5")
    back = load_poses.from_dlc_file(path)
    np.testing.assert_array_equal(back.position.values, ds.position.values)


@pytest.mark.parametrize("drop", ["kp1_y", "kp0_z", "kp1_score"])
def test_anipose_file_missing_a_column_is_refused(tmp_path, drop):
    from movement_like.errors import FileFormatError

    path = anipose.to_anipose_file(_poses(n_space=3), tmp_path / "pose3d.csv")
    df = pd.read_csv(path).drop(columns=[drop])
    df.to_csv(path, index=False)
    bodypart, _, coord = drop.partition("_")
    with pytest.raises(FileFormatError, match=f"bodypart '{bodypart}' has no '{drop}' column"):
        load_poses.from_anipose_file(path)
