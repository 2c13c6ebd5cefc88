"""All the layers of a video: discovery, naming, stacking, DLC project layers, netCDF."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from movement_like.annotations import apply_manual_corrections, complete_frames
from movement_like.errors import FileFormatError
from movement_like.io import load_poses, save_poses
from movement_like.io.formats import dustrack
from tests.io.formats.dustrack.helpers import dustrack_text, write_json


@pytest.mark.filterwarnings("ignore:.*has no ' - ' separator")
def test_layer_discovery_naming_and_stacking(video_folder):
    found = dustrack.list_layers(video_folder / "vid.avi")
    assert list(found) == ["dlccorr", "iteration-2_lkmovavg_0.500", "manual"]
    with pytest.warns(UserWarning, match="no separator"):
        ds = load_poses.from_dustrack_layers(video_folder / "vid.avi")
    assert ds["position"].dims == ("layers", "time", "individuals", "keypoints", "space")
    assert list(ds["layers"].values) == ["dlccorr", "iteration-2_lkmovavg_0.500", "manual"]
    assert list(ds["keypoints"].values) == ["0", "2", "3", "10"]
    assert list(ds["keypoint_name"].values) == ["muscle_boundary", "point2", "point3", "bone"]
    assert ds.sizes["time"] == 12 and ds.attrs["fps"] == pytest.approx(30.0)
    assert list(ds["frame"].values) == list(range(12))
    assert ds["layer_file"].sel(layers="manual").item() == str(
        video_folder / "vid_annotations_manual.json"
    )
    manual = ds.sel(layers="manual")
    assert manual["position"].sel(keypoints="10").values[7, 0].tolist() == [50.0, 51.0]
    assert np.isnan(manual["position"].sel(keypoints="2")).all()
    assert np.isnan(ds["position"].sel(layers="dlccorr", keypoints="10")).all()
    assert complete_frames(ds.sel(layers="dlccorr"), keypoints=["0", "2"]).tolist() == list(
        range(12)
    )

    # the DUSTrack pipeline step: manual points win over the dense trace
    corrected = apply_manual_corrections(ds.sel(layers="dlccorr"), manual)
    got = corrected["position"].isel(individuals=0)
    assert got.sel(keypoints="0").values[2].tolist() == [10.0, 11.0]
    assert got.sel(keypoints="0").values[3].tolist() == [3.0, 1.0]
    assert got.sel(keypoints="10").values[7].tolist() == [50.0, 51.0]
    assert got.sel(keypoints="2").values[7].tolist() == [7.0, 2.0]
    assert corrected.attrs["layer"] == "dlccorr"

    # the same layers, chosen, from the folder, and from an explicit mapping
    chosen = load_poses.from_dustrack_layers(
        video_folder / "vid_annotations_manual.json", layers=["manual", "dlccorr"]
    )
    assert list(chosen["layers"].values) == ["manual", "dlccorr"]
    mapping = load_poses.from_dustrack_layers(
        {"mine": video_folder / "vid_annotations_manual.json"}
    )
    assert list(mapping["layers"].values) == ["mine"]
    with pytest.raises(FileFormatError, match=r"no layer\(s\) \['nope'\]"):
        load_poses.from_dustrack_layers(video_folder / "vid.avi", layers=["nope"])
    with pytest.raises(FileFormatError, match="layers of 2 videos"):
        load_poses.from_dustrack_layers(video_folder)
    (video_folder / "other_annotations_pn.json").unlink()
    assert list(load_poses.from_dustrack_layers(video_folder)["layers"].values) == list(found)


def test_one_layer_of_a_stack_round_trips(video_folder):
    with pytest.warns(UserWarning, match="no separator"):
        ds = load_poses.from_dustrack_layers(video_folder / "vid.avi")
    out = save_poses.to_dustrack_file(ds, video_folder / "vid.avi", layer="manual", overwrite=True)
    assert out.read_text() == dustrack_text(
        {"0": {"2": [10.0, 11.0], "7": [12.0, 13.0]}, "2": {}, "3": {}, "10": {"7": [50.0, 51.0]}}
    )


@pytest.mark.realdata
def test_dlc_project_layers_keep_likelihood(realdata, tmp_path):
    """A DLC project: prediction trace (real DLC file), labelled data, a manual layer."""
    project = tmp_path / "proj"
    iteration = project / "videos" / "iteration-0"
    iteration.mkdir(parents=True)
    (project / "config.yaml").write_text("Task: openfield\nscorer: pn\n")
    real = realdata / "deeplabcut" / "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5"
    shutil.copy(real, iteration / real.name)
    write_json(
        project / "videos" / "m3v1mp4_annotations_manual.json",
        {"0": {"5": [1.0, 2.0], "2000": [3.0, 4.0]}, "1": {"5": [5.0, 6.0]}},
    )
    manual = load_poses.from_dustrack_file(project / "videos" / "m3v1mp4_annotations_manual.json")
    save_poses.to_dlc_labelled_data(manual, project, scorer="pn", n_frames=2330)
    (project / "dlc_trackermap.txt").write_text("point1 - ear\n")

    found = dustrack.list_layers(project / "videos" / "m3v1mp4_annotations_manual.json", dlc=True)
    assert list(found) == ["manual", "labeled_data", "dlc_iteration-0_30000"]
    ds = load_poses.from_dustrack_layers(
        project / "videos" / "m3v1mp4_annotations_manual.json", dlc=True
    )
    assert ds.sizes["time"] == 2330
    assert list(ds["keypoints"].values) == ["0", "1", "snout", "leftear", "rightear", "tailbase"]
    assert ds["keypoint_name"].values.tolist()[:3] == ["point0", "ear", "snout"]
    expected = pd.read_hdf(real)
    scorer = expected.columns.get_level_values(0)[0]
    dlc = ds.sel(layers="dlc_iteration-0_30000", individuals="individual_0")
    np.testing.assert_array_equal(
        dlc["confidence"].sel(keypoints="leftear").values,
        expected[(scorer, "leftear", "likelihood")].to_numpy(),
    )
    np.testing.assert_array_equal(
        dlc["position"].sel(keypoints="tailbase", space="x").values,
        expected[(scorer, "tailbase", "x")].to_numpy(),
    )
    labelled = ds.sel(layers="labeled_data", individuals="individual_0")["position"]
    assert labelled.sel(keypoints="0").values[2000].tolist() == [3.0, 4.0]
    assert np.isfinite(labelled.values).all(-1).sum() == 3
    assert np.isnan(ds["confidence"].sel(layers="manual")).all()


@pytest.mark.filterwarnings("ignore:.*has no ' - ' separator")
def test_stacked_layers_survive_netcdf_and_export_one_layer(video_folder, tmp_path_factory):
    from movement_like.io import load_netcdf, save_netcdf

    ds = load_poses.from_dustrack_layers(video_folder / "vid.avi")
    out = tmp_path_factory.mktemp("nc") / "layers.nc"
    save_netcdf(ds, out)
    back = load_netcdf(out)
    for name in ("position", "confidence"):
        np.testing.assert_array_equal(back[name].values, ds[name].values)
    for name in ("layers", "layer_file", "keypoint_name", "frame", "keypoints"):
        assert back[name].values.tolist() == ds[name].values.tolist()
    h5, _ = save_poses.to_dlc_labelled_data(ds, video_folder, scorer="pn", layer="manual")
    frame = pd.read_hdf(h5)
    assert frame.index.tolist() == [
        ("labeled-data", "vid", "img02.png"),
        ("labeled-data", "vid", "img07.png"),
    ]
    assert frame.columns.get_level_values("bodyparts").unique().tolist() == [
        "point0",
        "point2",
        "point3",
        "point10",
    ]


@pytest.mark.filterwarnings("ignore:.*has no ' - ' separator")
def test_stacking_refuses_frames_beyond_the_video(video_folder):
    write_json(video_folder / "vid_annotations_late.json", {"0": {"12": [1.0, 1.0]}})
    with pytest.raises(FileFormatError, match="frame 12 is beyond the 12 frames"):
        load_poses.from_dustrack_layers(video_folder / "vid.avi", layers=["late"])
    ds = load_poses.from_dustrack_layers(video_folder / "vid.avi", layers=["late"], n_frames=20)
    assert ds.sizes["time"] == 20
