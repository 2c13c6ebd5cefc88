"""LightningPose: real predictions and labelled data, the `set` column, round trips."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from movement_like.dataset import poses_from_numpy
from movement_like.errors import FileFormatError, InvalidDatasetError, OverwriteError
from movement_like.io import load_poses, save_poses
from movement_like.io.registry import detect_format
from tests.io.test_dlc import assert_same_poses
from tests.strategies import poses_datasets

LP = "lightningpose"
IBL = f"{LP}/eks_ibl-paw/3f859b5c-e73a-4044-b49e-34bb81e96715.left.rng=0.csv"
MIRROR = f"{LP}/eks_mirror-mouse-separate/180607_004.train_frames=75.rng=0.{{view}}.csv"
COLLECTED = f"{LP}/mirror-mouse-example/CollectedData.csv"


def test_ibl_paw_predictions(realdata):
    path = realdata / IBL
    ds = load_poses.from_lp_file(path, fps=60)
    assert dict(ds.sizes) == {"time": 1000, "individuals": 1, "keypoints": 2, "space": 2}
    assert list(ds.keypoints.values) == ["paw_l", "paw_r"]
    assert ds.attrs["scorer"] == "heatmap_mhcrnn_tracker"
    assert ds.attrs["source_software"] == "LightningPose"
    np.testing.assert_array_equal(ds.frame.values, np.arange(1000))
    assert not ds.position.isnull().any() and not ds.confidence.isnull().any()
    raw = pd.read_csv(path, header=[0, 1, 2], index_col=0)
    scorer = "heatmap_mhcrnn_tracker"
    for frame in (0, 499, 999):
        row = ds.isel(time=frame, individuals=0)
        assert (
            row.position.sel(keypoints="paw_r", space="y").item()
            == raw.loc[frame, (scorer, "paw_r", "y")]
        )
        assert (
            row.confidence.sel(keypoints="paw_l").item()
            == raw.loc[frame, (scorer, "paw_l", "likelihood")]
        )
    assert ds.position.isel(time=0, individuals=0).sel(keypoints="paw_l").values.tolist() == [
        37.33696746826172,
        71.90367889404297,
    ]


@pytest.mark.parametrize("view", ["top", "bot"])
def test_mirror_mouse_views(realdata, view):
    ds = load_poses.from_lp_file(realdata / MIRROR.format(view=view))
    assert dict(ds.sizes) == {"time": 501, "individuals": 1, "keypoints": 4, "space": 2}
    assert list(ds.keypoints.values) == ["paw1LH", "paw2LF", "paw3RF", "paw4RH"]
    first = {"top": 78.5473937988281, "bot": 82.8968124389649}[view]
    assert ds.position.isel(time=0, individuals=0, keypoints=0, space=0).item() == first


def test_labelled_collected_data(realdata):
    """movement fails on this file (header check); the image paths are kept."""
    path = realdata / COLLECTED
    ds = load_poses.from_lp_file(path)
    assert dict(ds.sizes) == {"time": 90, "individuals": 1, "keypoints": 17, "space": 2}
    assert ds.attrs["scorer"] == "rick"
    raw = pd.read_csv(path, header=[0, 1, 2], index_col=0)
    assert list(ds.keypoints.values) == list(dict.fromkeys(raw.columns.get_level_values(1)))
    assert int(ds.position.isnull().sum()) == int(raw.isna().sum().sum()) == 268
    assert ds.image_path.values[0] == "labeled-data/img01.png" and ds.frame.values[0] == 1
    for image in raw.index[[0, 45, 89]]:
        got = ds.position.sel(time=ds.time[ds.image_path == image].item()).isel(individuals=0)
        want = raw.loc[image].to_numpy().reshape(17, 2)
        np.testing.assert_array_equal(got.values, want)
    assert ds.confidence.isnull().all()


PREDICTIONS_WITH_SET = """\
scorer,heatmap_tracker,heatmap_tracker,heatmap_tracker,heatmap_tracker,heatmap_tracker,heatmap_tracker,set
bodyparts,nose,nose,nose,tail,tail,tail,
coords,x,y,likelihood,x,y,likelihood,
labeled-data/img03.png,1.0,2.0,0.9,3.0,4.0,0.8,train
labeled-data/img10.png,5.0,6.0,0.7,7.0,8.0,0.6,test
"""


def test_predictions_on_labelled_frames_drop_the_set_column(tmp_path):
    path = tmp_path / "predictions.csv"
    path.write_text(PREDICTIONS_WITH_SET)
    assert detect_format(path).name == "LightningPose"
    ds = load_poses.from_file(path)
    assert list(ds.keypoints.values) == ["nose", "tail"]
    np.testing.assert_array_equal(ds.frame.values, [3, 10])
    assert ds.position.isel(time=1, individuals=0).values.tolist() == [[5, 6], [7, 8]]
    assert ds.confidence.isel(time=0, individuals=0).values.tolist() == [0.9, 0.8]


def test_multi_animal_file_is_refused(tmp_path):
    ds = poses_from_numpy(np.ones((2, 2, 1, 2)))
    save_poses.to_dlc_file(ds, tmp_path / "multi.csv")
    with pytest.raises(FileFormatError, match="one individual"):
        load_poses.from_lp_file(tmp_path / "multi.csv")


SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(ds=poses_datasets(max_individuals=1, spaces=(2,)))
def test_round_trip_lp_csv(tmp_path, ds):
    path = tmp_path / "lp.csv"
    assert save_poses.to_lp_file(ds, path, overwrite=True) == [path]
    back = load_poses.from_lp_file(path, fps=ds.attrs.get("fps"))
    assert_same_poses(ds, back, individuals=False)
    assert pd.read_csv(path, header=[0, 1, 2], index_col=0).columns.names == [
        "scorer",
        "bodyparts",
        "coords",
    ]


def test_several_individuals_give_one_file_each(tmp_path):
    ds = poses_from_numpy(np.arange(24.0).reshape(2, 3, 2, 2), individual_names=["a", "b", "c"])
    written = save_poses.to_lp_file(ds, tmp_path / "preds.csv")
    assert [p.name for p in written] == ["preds_a.csv", "preds_b.csv", "preds_c.csv"]
    back = load_poses.from_lp_file(written[1])
    np.testing.assert_array_equal(back.position.values[:, 0], ds.position.values[:, 1])
    with pytest.raises(OverwriteError):
        save_poses.to_lp_file(ds, tmp_path / "preds.csv")
    written = save_poses.to_file(
        ds.isel(individuals=[0]), tmp_path / "via_registry.csv", to="LightningPose"
    )
    assert written == [tmp_path / "via_registry.csv"]
    np.testing.assert_array_equal(
        load_poses.from_lp_file(written[0]).position.values, ds.position.values[:, :1]
    )


def test_lp_writer_refuses_3d_and_other_suffixes(tmp_path):
    ds3 = poses_from_numpy(np.ones((2, 1, 1, 3)))
    with pytest.raises(InvalidDatasetError, match="2D"):
        save_poses.to_lp_file(ds3, tmp_path / "x.csv")
    with pytest.raises(FileFormatError, match=".csv"):
        save_poses.to_lp_file(ds3.isel(space=[0, 1]), tmp_path / "x.h5")


@pytest.mark.parametrize(
    "name", [COLLECTED, IBL, MIRROR.format(view="top"), MIRROR.format(view="bot")]
)
def test_files_written_back_are_byte_identical(realdata, tmp_path, name):
    original = realdata / name
    out = tmp_path / "written.csv"
    save_poses.to_lp_file(load_poses.from_lp_file(original), out)
    assert out.read_bytes() == original.read_bytes()
