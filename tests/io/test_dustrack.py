"""DUSTrack layers: JSON round trips, discovery, trackermap, DLC export, bad input.

Where the real DUSTrack package is available (``DUSTRACK_PYTHON``, or the peer
venv of this project), files we write are also loaded by DUSTrack's own code
and compared.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from movement_like.annotations import apply_manual_corrections, complete_frames
from movement_like.dataset import poses_from_numpy
from movement_like.errors import FileFormatError, InvalidDatasetError, OverwriteError
from movement_like.io import load_poses, save_poses
from movement_like.io.formats import dustrack
from movement_like.io.formats.common import FileHead
from movement_like.io.registry import detect_format
from tests.peers import needs_peer, peer_python

PEER = peer_python("dustrack")
needs_dustrack = needs_peer("dustrack")


# --------------------------------------------------------------------------- #
# helpers
# --------------------------------------------------------------------------- #
def dustrack_text(layer: dict) -> str:
    """What DUSTrack writes: labels sorted numerically, frames ascending, indent 4."""
    ordered = {
        label: {int(f): [float(v) for v in layer[label][f]] for f in sorted(layer[label], key=int)}
        for label in sorted(layer, key=int)
    }
    return json.dumps(ordered, indent=4)


def write_json(path: Path, layer: dict) -> Path:
    path.write_text(json.dumps(layer, indent=4))
    return path


def write_video(path: Path, n_frames: int, fps: float = 30.0, size: int = 32) -> Path:
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (size, size))
    assert writer.isOpened()
    for i in range(n_frames):
        frame = np.full((size, size, 3), (i * 7) % 255, dtype=np.uint8)
        writer.write(frame)
    writer.release()
    return path


def run_peer(code: str, cwd: Path) -> object:
    """Run ``code`` with DUSTrack's interpreter; it prints one JSON line starting with '@@'."""
    result = subprocess.run(
        [PEER, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(x for x in result.stdout.splitlines() if x.startswith("@@"))
    return json.loads(line[2:])


layers_strategy = st.dictionaries(
    keys=st.integers(0, 30).map(str),
    values=st.dictionaries(
        keys=st.integers(0, 400),
        values=st.tuples(
            st.floats(allow_nan=False, allow_infinity=False)  # -0.0, 5e-324, 1e+16 ...
            | st.integers(-2000, 2000),
            st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False),
        ),
        max_size=12,
    ),
    min_size=1,
    max_size=8,
)


# --------------------------------------------------------------------------- #
# names
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    "path, expected",
    [
        ("vid_annotations_manual.json", "manual"),
        ("vid_annotations_iteration-2_lkmovavg_0.500.json", "iteration-2_lkmovavg_0.500"),
        ("vid_annotations.json", ""),
        ("vid_annotations_dlccorr.json", "dlccorr"),
        ("videos/iteration-0/vidDLC_resnet50_proj_250000.h5", "dlc_iteration-0_250000"),
        (
            "videos/iteration-0/vidDLC_resnet50_proj_250000_lkmovavg_0.500.json",
            "dlc_iteration-0_0.500",
        ),
        ("labeled-data/vid/CollectedData_pn.h5", "CollectedData_pn"),
        ("a_annotations_b_annotations_c.json", "c"),
    ],
)
def test_canonical_layer_name_pinned_cases(path, expected):
    assert dustrack.canonical_layer_name(path) == expected


@needs_dustrack
def test_canonical_layer_name_matches_dustrack(tmp_path):
    names = [
        "vid_annotations_manual.json",
        "vid_annotations_iteration-2_lkmovavg_0.500.json",
        "vid_annotations.json",
        "x/vid_annotations__weird_.json",
        "videos/iteration-0/vidDLC_resnet50_proj_250000.h5",
        "videos/iteration-3/vidDLC_resnet50_proj_250000_lkmovavg_0.500.json",
        "labeled-data/vid/CollectedData_pn.h5",
        "p/q/plain.json",
        "p/a_annotationsX.json",
        "p/a_annotations_b_annotations_c.json",
        "p/DLCvid.h5",
        "p/v.1_annotations_x.json",
    ]
    code = (
        "import json\nfrom dustrack._file_management import VideoFileManager as V\n"
        f"print('@@' + json.dumps([V.canonical_layer_name(n) for n in {names!r}]))\n"
    )
    theirs = run_peer(code, tmp_path)
    assert [dustrack.canonical_layer_name(n) for n in names] == theirs


def test_layer_file_name_and_video_stem():
    assert dustrack.layer_file_name("/d/vid.mp4", "pn") == Path("/d/vid_annotations_pn.json")
    assert dustrack.layer_file_name("/d/vid.mp4", "") == Path("/d/vid_annotations.json")
    assert dustrack.video_stem_of("/d/vid_annotations_pn.json") == "vid"
    assert dustrack.video_stem_of("/d/vid_annotations.json") == "vid"


# --------------------------------------------------------------------------- #
# one layer: reading and writing
# --------------------------------------------------------------------------- #
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layer=layers_strategy, empty=st.lists(st.integers(0, 30).map(str), max_size=3))
def test_round_trip_is_byte_identical(layer, empty):
    layer = {**{label: {} for label in empty if label not in layer}, **layer}
    # the file as a user's DUSTrack might have it: labels and frames in any order
    shuffled = {
        label: {str(f): list(v) for f, v in reversed(list(frames.items()))}
        for label, frames in reversed(list(layer.items()))
    }
    expected = dustrack_text({k: {str(f): v for f, v in fr.items()} for k, fr in layer.items()})
    with tempfile.TemporaryDirectory() as folder:
        source = write_json(Path(folder) / "vid_annotations_manual.json", shuffled)
        ds = load_poses.from_dustrack_file(source)
        labels = sorted(layer, key=int)
        assert list(ds["keypoints"].values) == labels
        n_frames = max((f for fr in layer.values() for f in fr), default=-1) + 1
        assert ds.sizes["time"] == n_frames
        assert list(ds["frame"].values) == list(range(n_frames))
        for label, frames in layer.items():
            for frame, (x, y) in frames.items():
                got = ds["position"].sel(keypoints=label, individuals="individual_0").values[frame]
                assert got.tolist() == [float(x), float(y)]
        n_points = sum(map(len, layer.values()))
        assert int(np.isfinite(ds["position"].values).all(-1).sum()) == n_points
        out = save_poses.to_dustrack_file(ds, Path(folder) / "out.json")
        assert out.read_text() == expected


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


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"0": {"1": [1.0, 2.0]}', r"malformed JSON at line 1"),
        ("[1, 2]", r"top level is a JSON list"),
        ('{"3": [1.0, 2.0]}', r"label '3' maps to a list, not an object"),
        ('{"3": {"x7": [1.0, 2.0]}}', r"label '3': frame key 'x7' is not a non-negative integer"),
        ('{"3": {"-1": [1.0, 2.0]}}', r"label '3': frame key '-1'"),
        ('{"3": {"7": [1.0]}}', r"label '3', frame 7: expected \[x, y\], found a list of 1"),
        ('{"3": {"7": [1.0, "a"]}}', r"label '3', frame 7: string 'a' is not a number"),
        ('{"3": {"7": {"x": 1}}}', r"label '3', frame 7: expected \[x, y\], found a dict"),
        ('{"3": {"7": [true, 1]}}', r"label '3', frame 7: boolean True is not a number"),
        ('{"3": {"7": [NaN, 1.0]}}', r"label '3', frame 7: the value NaN is not a position"),
        ('{"3": {"7": [1.0, -Infinity]}}', r"label '3', frame 7: the value -Infinity"),
        ('{"3": {"7": [1e999, 1.0]}}', r"label '3', frame 7: .* not finite"),
        ('{"3": {"7": [1.0, 2.0], "7": [3.0, 4.0]}}', r"key '7' appears twice"),
        ('{"3": {"7": [1.0, 2.0]}, "3": {}}', r"key '3' appears twice"),
        ('{"3": {"7": [1.0, 2.0], "07": [3.0, 4.0]}}', r"label '3': the frame keys \['7', '07'\]"),
        ('{"3": {"²": [1.0, 2.0]}}', r"label '3': frame key '²' is not a non-negative"),
        ('\ufeff{"3": {"7": [1.0, 2.0]}', r"malformed JSON"),
    ],
)
def test_bad_layer_files_give_clear_errors(tmp_path, text, message):
    path = tmp_path / "vid_annotations_bad.json"
    path.write_text(text)
    with pytest.raises(FileFormatError, match=message) as info:
        load_poses.from_dustrack_file(path)
    assert str(path) in str(info.value)


# --------------------------------------------------------------------------- #
# trackermap
# --------------------------------------------------------------------------- #
def test_trackermap_reader(tmp_path):
    (tmp_path / "dlc_trackermap.txt").write_text(
        "\ufeffpoint0 - muscle_boundary\r\n\npoint1 - fascia - deep\nbroken line\npoint2 - bone\n",
        encoding="utf-8",
    )
    with pytest.warns(UserWarning, match=r"line 4 .*broken line"):
        mapping = dustrack.read_trackermap(tmp_path)
    assert mapping == {"point0": "muscle_boundary", "point1": "fascia - deep", "point2": "bone"}
    assert dustrack.read_trackermap(tmp_path / "missing") == {}


# --------------------------------------------------------------------------- #
# several layers of one video
# --------------------------------------------------------------------------- #
@pytest.fixture
def video_folder(tmp_path):
    """A video with three layers and a trackermap."""
    write_video(tmp_path / "vid.avi", 12, fps=30.0)
    write_json(
        tmp_path / "vid_annotations_manual.json",
        {"0": {"2": [10.0, 11.0], "7": [12.0, 13.0]}, "10": {"7": [50.0, 51.0]}, "3": {}},
    )
    dense = {
        "0": {str(f): [float(f), 1.0] for f in range(12)},
        "2": {str(f): [float(f), 2.0] for f in range(12)},
    }
    write_json(tmp_path / "vid_annotations_dlccorr.json", dense)
    write_json(
        tmp_path / "vid_annotations_iteration-2_lkmovavg_0.500.json", {"0": {"11": [1.0, 1.0]}}
    )
    write_json(tmp_path / "other_annotations_pn.json", {"0": {"1": [1.0, 1.0]}})  # other video
    (tmp_path / "dlc_trackermap.txt").write_text(
        "point0 - muscle_boundary\nno separator here\npoint10 - bone\n"
    )
    return tmp_path


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


# --------------------------------------------------------------------------- #
# DLC labelled-data export
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("n_frames", [1, 2, 9, 10, 11, 99, 100, 101, 999, 1000, 1001, 10000])
def test_one_padding_rule_matches_dlc_frame_extraction(n_frames):
    dlc_extract = max(1, math.ceil(math.log10(n_frames))) if n_frames > 1 else 1
    assert dustrack.frame_name_digits(n_frames) == dlc_extract
    assert len(str(n_frames - 1)) == dustrack.frame_name_digits(n_frames)


def _manual_layer(tmp_path: Path, n_frames: int) -> Path:
    write_video(tmp_path / "vid.avi", n_frames)
    return write_json(
        tmp_path / "vid_annotations_manual.json",
        {"10": {"7": [5.0, 6.0]}, "2": {"0": [1.0, 2.0], "7": [3.0, 4.0]}, "4": {}},
    )


def test_dlc_export_read_back_by_pandas_and_our_dlc_reader(tmp_path):
    layer = _manual_layer(tmp_path, 1000)
    ds = load_poses.from_dustrack_file(layer)
    project = tmp_path / "proj"
    project.mkdir()
    (project / "config.yaml").write_text("scorer: pn\n")
    h5, csv = save_poses.to_dlc_labelled_data(ds, project, scorer="pn")
    assert h5 == project / "labeled-data" / "vid" / "CollectedData_pn.h5"
    assert csv == h5.with_suffix(".csv")

    expected_index = [("labeled-data", "vid", "img000.png"), ("labeled-data", "vid", "img007.png")]
    expected_columns = [("pn", bp, c) for bp in ("point2", "point4", "point10") for c in "xy"]
    expected_values = np.array(
        [[1, 2, np.nan, np.nan, np.nan, np.nan], [3, 4, np.nan, np.nan, 5, 6]]
    )
    frame = pd.read_hdf(h5, "df_with_missing")
    assert list(frame.index) == expected_index
    assert list(frame.columns) == expected_columns
    assert list(frame.columns.names) == ["scorer", "bodyparts", "coords"]
    np.testing.assert_array_equal(frame.to_numpy(), expected_values)
    from_csv = pd.read_csv(csv, header=[0, 1, 2], index_col=[0, 1, 2])
    assert list(from_csv.index) == expected_index
    assert list(from_csv.columns) == expected_columns
    np.testing.assert_array_equal(from_csv.to_numpy(), expected_values)

    for path in (h5, csv):
        back = load_poses.from_dlc_file(path)
        assert back["frame"].values.tolist() == [0, 7]
        assert back["keypoints"].values.tolist() == ["point2", "point4", "point10"]
        assert back["image_path"].values.tolist() == [
            "labeled-data/vid/img000.png",
            "labeled-data/vid/img007.png",
        ]
        position = back["position"].isel(individuals=0)
        np.testing.assert_array_equal(position.values.reshape(2, -1), expected_values)

    with pytest.raises(OverwriteError):
        save_poses.to_dlc_labelled_data(ds, project, scorer="pn")
    save_poses.to_dlc_labelled_data(ds, project, scorer="pn", overwrite=True)


def test_dlc_export_padding_follows_the_frame_count(tmp_path):
    layer = _manual_layer(tmp_path, 1001)
    ds = load_poses.from_dustrack_file(layer)
    frame = dustrack.labelled_data_frame(ds, "pn")
    assert frame.index.get_level_values(2).tolist() == ["img0000.png", "img0007.png"]
    frame = dustrack.labelled_data_frame(ds, "pn", n_frames=10)
    assert frame.index.get_level_values(2).tolist() == ["img0.png", "img7.png"]


def test_dlc_export_refuses_bad_input_without_writing(tmp_path):
    ds = poses_from_numpy(np.full((3, 1, 1, 2), np.nan), keypoint_names=["0"])
    with pytest.raises(InvalidDatasetError, match="video stem"):
        save_poses.to_dlc_labelled_data(ds, tmp_path, scorer="pn")
    with pytest.raises(InvalidDatasetError, match="nothing to export"):
        save_poses.to_dlc_labelled_data(ds, tmp_path, scorer="pn", video_stem="vid")
    with pytest.raises(InvalidDatasetError, match="scorer"):
        save_poses.to_dlc_labelled_data(ds, tmp_path, scorer="", video_stem="vid")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- #
# DUSTrack's own code loads what we write
# --------------------------------------------------------------------------- #
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


def test_no_warning_for_clean_trackermap(video_folder):
    (video_folder / "dlc_trackermap.txt").write_text("point0 - a\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = load_poses.from_dustrack_file(video_folder / "vid_annotations_manual.json")
    assert ds["keypoint_name"].values.tolist() == ["a", "point3", "point10"]


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
