"""The reader contribution and the layer conversions: every format opens, edits are data."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from movement_like.io import load_netcdf, load_poses, save_netcdf
from movement_like.napari import dataset_to_layers, layer_to_dataset
from movement_like.napari.reader import get_reader, read_layers
from tests.napari.conftest import require

REAL_FILES = [
    "deeplabcut/m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5",
    "nwb/m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb",
]


def _add_all(viewer, tuples):
    """Add the layers; the video image only as its lazy array (offscreen Qt has no GL canvas)."""
    from napari.layers import Layer

    return [t[0] if t[2] == "image" else viewer.add_layer(Layer.create(*t)) for t in tuples]


def test_manifest_is_found_by_napari():
    require("napari")
    from npe2 import PluginManager

    pm = PluginManager.instance()
    pm.discover()
    manifest = pm.get_manifest("movement_like")
    assert [r.command for r in manifest.contributions.readers] == ["movement_like.get_reader"]
    assert manifest.contributions.widgets[0].command == "movement_like.dustrack_widget"


@pytest.mark.realdata
@pytest.mark.parametrize("relative", REAL_FILES)
def test_real_files_open_with_points_where_the_data_says(realdata, relative, viewer):
    path = realdata / relative
    reader = get_reader(str(path))
    assert reader is not None
    tuples = reader(str(path))
    kinds = [t[2] for t in tuples]
    assert "tracks" in kinds  # dense predictions
    layers = _add_all(viewer, tuples)
    ds = load_poses.from_file(path)
    tracks = next(layer for layer in layers if type(layer).__name__ == "Tracks")
    back = layer_to_dataset(tracks)
    np.testing.assert_array_equal(back["position"].values, ds["position"].values)


def test_not_ours_is_declined(tmp_path):
    other = tmp_path / "notes.csv"
    other.write_text("a,b\n1,2\n")
    assert get_reader(str(other)) is None


def test_dustrack_video_opens_with_all_its_layers(clip, viewer):
    tuples = read_layers(clip["video"])
    assert tuples[0][2] == "image"
    names = {t[1]["name"]: t[2] for t in tuples[1:]}
    assert names == {"dlc_iteration-0_1000": "tracks", "manual": "points"}
    layers = _add_all(viewer, tuples)
    assert layers[0].shape == (40, 120, 160)
    assert layers[0][7].shape == (120, 160)
    assert layers[0].decoded <= 10  # lazy: nothing like the whole video
    manual = next(layer for layer in layers if getattr(layer, "name", "") == "manual")
    assert sorted(set(manual.data[:, 0].astype(int))) == [0, 10, 20, 39]
    # one colour per keypoint, the individual and keypoint in the features (tooltip)
    colours = {tuple(c) for c in manual.face_color}
    assert len(colours) == 3
    assert set(manual.features["keypoint"]) == {"0", "1", "2"}
    assert set(manual.features.columns) >= {"individual", "keypoint", "confidence"}


def test_layer_json_opens_all_layers_of_its_video(clip):
    tuples = read_layers(clip["folder"] / "clip_annotations_manual.json")
    assert [t[2] for t in tuples] == ["image", "tracks", "points"]


def test_netcdf_state_opens(clip, tmp_path):
    ds = clip["truth"]
    save_netcdf(ds, tmp_path / "state.nc")
    tuples = read_layers(tmp_path / "state.nc")
    assert tuples[0][2] == "image"  # its video_path attribute
    back = layer_to_dataset(_FakeLayer(*tuples[1]))
    np.testing.assert_allclose(back["position"].values, ds["position"].values)


class _FakeLayer:
    """A stand-in with a layer's data, features, metadata and name (no viewer)."""

    def __init__(self, data, kwargs, kind):
        self.data, self.features = data, kwargs["features"]
        self.metadata, self.name = kwargs["metadata"], kwargs["name"]
        self.__class__ = type(kind.capitalize(), (_FakeLayer,), {})


def test_edit_through_layer_api_save_reload_shows_exactly_that_edit(clip, viewer, tmp_path):
    layers = _add_all(viewer, read_layers(clip["video"]))
    manual = next(layer for layer in layers if getattr(layer, "name", "") == "manual")
    before = layer_to_dataset(manual)
    # move one point, delete another, add a new one
    data = manual.data.copy()
    row = int(np.flatnonzero((data[:, 0] == 10) & (manual.features["keypoint"] == "1"))[0])
    data[row, 1:] += (2.5, -1.25)
    manual.data = data
    gone = int(np.flatnonzero((data[:, 0] == 20) & (manual.features["keypoint"] == "2"))[0])
    manual.selected_data = {gone}
    manual.remove_selected()
    manual.feature_defaults = {"individual": "individual_0", "keypoint": "0", "confidence": np.nan}
    manual.add([[5, 50.0, 70.0]])
    target = tmp_path / "clip_annotations_edited.json"
    from movement_like.napari.saving import save_layer

    save_layer(manual, target)
    from movement_like.io.formats.dustrack import from_dustrack_file

    reloaded = from_dustrack_file(target, video=clip["video"])
    expected = before["position"].copy()
    t10 = int(np.flatnonzero(before["frame"].values == 10)[0])
    expected.loc[{"time": expected["time"][t10], "keypoints": "1"}] += np.array([[-1.25, 2.5]])
    expected.loc[{"time": expected["time"][20], "keypoints": "2"}] = np.nan
    expected.loc[{"time": expected["time"][5], "keypoints": "0"}] = [[70.0, 50.0]]
    got = reloaded["position"].transpose(*expected.dims).values
    np.testing.assert_allclose(got, expected.values, rtol=0, atol=1e-9)
    with pytest.raises(FileExistsError):
        save_layer(manual, target)  # never overwrites without being asked


def test_state_round_trip_keeps_every_layer(clip, viewer, tmp_path):
    from movement_like.napari.saving import save_state

    layers = _add_all(viewer, read_layers(clip["video"]))
    save_state(layers[1:], tmp_path / "all.nc", frames_of_interest=[3, 7])
    state = load_netcdf(tmp_path / "all.nc")
    assert list(state["layers"].values) == ["dlc_iteration-0_1000", "manual"]
    for layer in layers[1:]:  # the first is the video
        np.testing.assert_allclose(
            state["position"].sel(layers=layer.name).values,
            layer_to_dataset(layer)["position"].values,
        )
    from movement_like.annotations import frames_of_interest

    assert frames_of_interest(state) == [3, 7]


def test_regions_to_shapes_and_back(viewer, tmp_path):
    from movement_like.io.rois import load_rois, save_rois
    from movement_like.napari.regions import layer_to_regions, regions_layer_data
    from movement_like.roi import LineOfInterest, PolygonOfInterest

    regions = [
        PolygonOfInterest([(0, 0), (100, 0), (100, 50)], name="arena"),
        LineOfInterest([(10, 10), (60, 40)], name="door"),
    ]
    (shapes,) = _add_all(viewer, [regions_layer_data(regions)])
    shapes.add_rectangles(np.array([[5.0, 6.0], [25.0, 46.0]]))  # drawn by the user (y, x)
    got = layer_to_regions(shapes)
    assert [r.name for r in got] == ["arena", "door", "region_2"]
    assert got[0].region.equals(regions[0].region)
    assert got[1].region.equals(regions[1].region)
    assert got[2].region.area == pytest.approx(20 * 40)
    save_rois(got, tmp_path / "r.geojson")
    assert [r.name for r in load_rois(tmp_path / "r.geojson")] == ["arena", "door", "region_2"]
    assert read_layers(tmp_path / "r.geojson")[0][2] == "shapes"


def test_bboxes_become_shapes(realdata):
    from movement_like.io import load_bboxes

    files = sorted((realdata / "via").glob("*.csv"))
    ds = load_bboxes.from_file(files[0])
    data, kwargs, kind = dataset_to_layers(ds)[0]
    assert kind == "shapes"
    assert len(data) == int(np.isfinite(ds["position"].values).all(-1).sum())


def test_layer_conversion_does_not_change_the_dataset(clip):
    ds = clip["truth"]
    copy = ds.copy(deep=True)
    dataset_to_layers(ds, kind="points")
    xr.testing.assert_identical(ds, copy)


def test_points_naming_unknown_keypoints_or_frames_are_refused(clip):
    from movement_like.errors import InvalidArgumentError
    from movement_like.napari import points_to_dataset

    ds = clip["truth"]
    data, kwargs, _ = dataset_to_layers(ds, kind="points")[0]
    features = kwargs["features"].copy()
    features["keypoint"] = features["keypoint"].astype(str)
    features.loc[0, "keypoint"] = "tail"
    with pytest.raises(InvalidArgumentError, match="unknown keypoint"):
        points_to_dataset(data, features, ds)
    moved = data.copy()
    moved[0, 0] = 400
    with pytest.raises(InvalidArgumentError, match="frame"):
        points_to_dataset(moved, kwargs["features"], ds)
    # string features (not categorical) work as well
    features.loc[0, "keypoint"] = "0"
    back = points_to_dataset(data, features, ds)
    np.testing.assert_array_equal(back["position"].values, ds["position"].values)
