"""One layer as a dataset and back: reader, the video it spans, writer, DUSTrack reading ours."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from movement_like.dataset import poses_from_numpy
from movement_like.errors import FileFormatError, InvalidDatasetError, OverwriteError
from movement_like.io import load_poses, save_poses
from movement_like.io.formats import dustrack
from movement_like.io.formats.common import FileHead
from movement_like.io.registry import detect_format
from tests.io.formats.dustrack.helpers import needs_dustrack, run_peer, write_json, write_video


def test_reader_builds_the_documented_dataset(tmp_path):
    write_json(
        tmp_path / "vid_annotations_manual.json",
        {"10": {"3": [1.5, 2.25]}, "2": {"5": [120.3, 240.7], "0": [1, 2]}, "0": {}},
    )
    ds = load_poses.from_dustrack_file(tmp_path / "vid_annotations_manual.json")
    assert list(ds["keypoints"].values) == ["0", "2", "10"]
    assert list(ds["individuals"].values) == ["individual_0"]
    assert ds.sizes["time"] == 6 and ds.attrs["time_unit"] == "frames"
    assert ds.attrs["layer"] == "manual" and ds.attrs["source_software"] == "DUSTrack"
    assert "video_path" not in ds.attrs
    assert np.isnan(ds["position"].sel(keypoints="0")).all()  # empty label kept
    assert ds["position"].sel(keypoints="2").values[5, 0].tolist() == [120.3, 240.7]
    assert np.isnan(ds["confidence"]).all()


def test_video_gives_frame_count_and_fps(tmp_path):
    write_video(tmp_path / "vid.avi", 40, fps=25.0)
    write_json(tmp_path / "vid_annotations_pn.json", {"0": {"3": [1.0, 2.0]}})
    ds = load_poses.from_dustrack_file(tmp_path / "vid_annotations_pn.json")
    assert ds.sizes["time"] == 40
    assert ds.attrs["fps"] == pytest.approx(25.0)
    assert ds.attrs["time_unit"] == "seconds"
    assert ds["time"].values[3] == pytest.approx(3 / 25.0)
    assert ds.attrs["video_path"] == str(tmp_path / "vid.avi")
    # explicit values win over the video
    ds = load_poses.from_dustrack_file(tmp_path / "vid_annotations_pn.json", fps=10, n_frames=50)
    assert ds.sizes["time"] == 50 and ds.attrs["fps"] == 10


def test_frame_beyond_the_video_is_an_error(tmp_path):
    write_video(tmp_path / "vid.avi", 5)
    write_json(tmp_path / "vid_annotations_pn.json", {"1": {"9": [1.0, 2.0]}})
    with pytest.raises(FileFormatError, match=r"label '1', frame 9.*5 frames"):
        load_poses.from_dustrack_file(tmp_path / "vid_annotations_pn.json")


def test_registry_detects_and_writes_layers(tmp_path):
    path = write_json(tmp_path / "vid_annotations_pn.json", {"0": {"1": [1.0, 2.0]}})
    assert detect_format(path).name == "DUSTrack"
    ds = load_poses.from_file(path)
    assert ds.attrs["layer"] == "pn"
    # a renamed layer is still recognised by its content; an empty one by its name
    renamed = write_json(tmp_path / "copy.json", {"0": {"1": [1.0, 2.0]}})
    assert detect_format(renamed).name == "DUSTrack"
    empty = write_json(tmp_path / "vid_annotations_empty.json", {})
    assert detect_format(empty).name == "DUSTrack"
    assert load_poses.from_file(empty).sizes["keypoints"] == 0
    via_like = write_json(tmp_path / "project.json", {"_via_settings": {"ui": {}}})
    assert not dustrack.sniff(FileHead(via_like))
    save_poses.to_file(ds, tmp_path / "again.json")
    assert json.loads((tmp_path / "again.json").read_text()) == {"0": {"1": [1.0, 2.0]}}


def test_writer_handles_layers_videos_and_overwrite(tmp_path):
    position = np.full((4, 1, 2, 2), np.nan)
    position[1, 0, 0] = [1, 2]
    position[3, 0, 1] = [3, 4]
    one = poses_from_numpy(position, keypoint_names=["0", "point7"])
    two = poses_from_numpy(position * 10, keypoint_names=["0", "point7"])
    import xarray as xr

    stacked = xr.concat([one, two], dim=pd.Index(["a", "b"], name="layers"))
    with pytest.raises(InvalidDatasetError, match="2 layers"):
        save_poses.to_dustrack_file(stacked, tmp_path / "x.json")
    out = save_poses.to_dustrack_file(stacked, tmp_path / "vid.mp4", layer="b")
    assert out == tmp_path / "vid_annotations_b.json"
    assert json.loads(out.read_text()) == {"0": {"1": [10.0, 20.0]}, "7": {"3": [30.0, 40.0]}}
    with pytest.raises(OverwriteError):
        save_poses.to_dustrack_file(stacked, tmp_path / "vid.mp4", layer="b")
    save_poses.to_dustrack_file(stacked, tmp_path / "vid.mp4", layer="b", overwrite=True)
    with pytest.raises(InvalidDatasetError, match="layer="):
        save_poses.to_dustrack_file(one, tmp_path / "vid.mp4")


def test_nothing_is_written_when_validation_fails(tmp_path):
    position = np.full((3, 1, 2, 2), np.nan)
    position[1, 0, 0] = [1, np.nan]  # half a point
    ds = poses_from_numpy(position, keypoint_names=["0", "1"])
    target = tmp_path / "vid_annotations_x.json"
    with pytest.raises(InvalidDatasetError, match=r"label '0', frame 1"):
        save_poses.to_dustrack_file(ds, target)
    assert not target.exists()
    target.write_text("keep me")
    with pytest.raises(InvalidDatasetError, match=r"label '0', frame 1"):
        save_poses.to_dustrack_file(ds, target, overwrite=True)
    assert target.read_text() == "keep me"
    named = poses_from_numpy(np.zeros((2, 1, 1, 2)), keypoint_names=["snout"])
    with pytest.raises(InvalidDatasetError, match="'snout' is not a DUSTrack label"):
        save_poses.to_dustrack_file(named, tmp_path / "y.json")
    two = poses_from_numpy(np.zeros((2, 2, 1, 2)), keypoint_names=["0"])
    with pytest.raises(InvalidDatasetError, match="individual="):
        save_poses.to_dustrack_file(two, tmp_path / "z.json")
    three_d = poses_from_numpy(np.zeros((2, 1, 1, 3)), keypoint_names=["0"])
    with pytest.raises(InvalidDatasetError, match="2-D"):
        save_poses.to_dustrack_file(three_d, tmp_path / "w.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vid_annotations_x.json"]


@needs_dustrack
def test_dustrack_loads_our_files_identically(tmp_path):
    rng = np.random.default_rng(5)
    layer = {
        str(label): {
            str(f): [float(v) for v in rng.normal(200, 80, 2)]
            for f in sorted(rng.choice(300, size=rng.integers(0, 9), replace=False))
        }
        for label in (0, 1, 2, 10, 11, 25)
    }
    layer["3"] = {}
    source = write_json(tmp_path / "src_annotations_manual.json", layer)
    ds = load_poses.from_dustrack_file(source)
    ours = save_poses.to_dustrack_file(ds, tmp_path / "vid_annotations_ours.json")
    n_frames = 1000
    ds_long = load_poses.from_dustrack_file(ours, n_frames=n_frames)
    h5, _ = save_poses.to_dlc_labelled_data(ds_long, tmp_path, scorer="pn", video_stem="vid")
    code = f"""
import json, numpy as np
from dustrack.annotations import VideoAnnotation
ann = VideoAnnotation(fname={str(ours)!r})
ann.save({str(tmp_path / "resaved.json")!r})
traces = {{label: np.where(np.isnan(t), None, t).tolist() for label, t in ann.to_traces().items()}}
import pandas as pd
dlc = VideoAnnotation._dlc_df_to_annotation_dict(pd.read_hdf({str(h5)!r}))
dlc = {{label: {{str(f): [float(v) for v in xy] for f, xy in frames.items()}}
        for label, frames in dlc.items()}}
print("@@" + json.dumps({{"data": {{k: {{str(f): v for f, v in fr.items()}}
                                  for k, fr in ann.data.items()}},
                          "labels": ann.labels, "n_frames": ann.n_frames,
                          "traces": traces, "dlc": dlc}}))
"""
    theirs = run_peer(code, tmp_path)
    assert (tmp_path / "resaved.json").read_bytes() == ours.read_bytes()
    assert theirs["data"] == json.loads(ours.read_text())
    assert theirs["labels"] == [str(k) for k in ds["keypoints"].values]
    assert theirs["n_frames"] == ds.sizes["time"]
    for label, trace in theirs["traces"].items():
        mine = ds["position"].sel(keypoints=label).isel(individuals=0).values
        theirs_arr = np.array([[np.nan if v is None else v for v in row] for row in trace])
        np.testing.assert_array_equal(mine, theirs_arr)
    expected_dlc = {k: v for k, v in json.loads(ours.read_text()).items() if v}
    assert {k: v for k, v in theirs["dlc"].items() if v} == expected_dlc
