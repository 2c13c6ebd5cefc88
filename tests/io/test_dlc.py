"""DeepLabCut: real files, multi-animal label lookup, labelled data, round trips, bad input."""

from __future__ import annotations

import h5py
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from movement_like.dataset import poses_from_numpy
from movement_like.errors import FileFormatError, InvalidDatasetError, OverwriteError
from movement_like.io import load_poses, save_poses
from tests.strategies import poses_datasets

DLC = "deeplabcut"
PREDICTIONS = f"{DLC}/m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5"
PRANAV = f"{DLC}/openfield-Pranav-2018-10-30/CollectedData_Pranav"
MACKENZIE = f"{DLC}/Reaching-Mackenzie-2018-08-30/CollectedData_Mackenzie"


def assert_same_poses(expected: xr.Dataset, actual: xr.Dataset, individuals: bool = True):
    """Values (NaNs included, as float64), names, order, time and frames are identical."""
    for name in ("position", "confidence"):
        want = expected[name].transpose("time", "individuals", "keypoints", ...).values
        got = actual[name].transpose("time", "individuals", "keypoints", ...).values
        np.testing.assert_array_equal(got, want.astype(np.float64))
    assert list(actual["keypoints"].values) == list(expected["keypoints"].values)
    if individuals:
        assert list(actual["individuals"].values) == list(expected["individuals"].values)
    assert list(actual["space"].values) == list(expected["space"].values)
    np.testing.assert_array_equal(actual["frame"].values, expected["frame"].values)
    np.testing.assert_array_equal(actual["time"].values, expected["time"].values)
    assert actual.attrs["time_unit"] == expected.attrs["time_unit"]
    assert actual.attrs.get("fps") == expected.attrs.get("fps")


# --------------------------------------------------------------------------- #
# real files
# --------------------------------------------------------------------------- #
def test_single_animal_predictions_h5(realdata):
    path = realdata / PREDICTIONS
    ds = load_poses.from_dlc_file(path, fps=30)
    assert dict(ds.sizes) == {"time": 2330, "individuals": 1, "keypoints": 4, "space": 2}
    assert list(ds.keypoints.values) == ["snout", "leftear", "rightear", "tailbase"]
    assert list(ds.individuals.values) == ["individual_0"]
    np.testing.assert_array_equal(ds.frame.values, np.arange(2330))
    np.testing.assert_allclose(ds.time.values, np.arange(2330) / 30)
    assert ds.attrs["scorer"] == "DLC_resnet50_openfieldAug20shuffle1_30000"
    assert ds.attrs["source_software"] == "DeepLabCut"
    assert ds.attrs["source_file"] == str(path)
    assert not ds.position.isnull().any()
    with pd.HDFStore(path, "r") as store:  # independent read
        raw = store["df_with_missing"]
    scorer = raw.columns[0][0]
    for frame in (0, 1000, 2329):
        for kp in ("snout", "tailbase"):
            assert (
                ds.position.sel(time=frame / 30, method="nearest")
                .sel(keypoints=kp, space="x")
                .item()
                == raw.loc[frame, (scorer, kp, "x")]
            )
            assert (
                ds.confidence.isel(time=frame).sel(keypoints=kp).item()
                == raw.loc[frame, (scorer, kp, "likelihood")]
            )
    assert ds.position.isel(time=0).sel(keypoints="snout").values.tolist()[0] == [
        raw.iloc[0, 0],
        raw.iloc[0, 1],
    ]


@pytest.mark.parametrize("suffix", [".h5", ".csv"])
def test_labelled_data_pranav(realdata, suffix):
    """Old-style labelled data (1-column image index): movement rejects the CSV."""
    path = realdata / (PRANAV + suffix)
    ds = load_poses.from_dlc_file(path)
    assert dict(ds.sizes) == {"time": 116, "individuals": 1, "keypoints": 4, "space": 2}
    assert list(ds.keypoints.values) == ["snout", "leftear", "rightear", "tailbase"]
    assert ds.attrs["scorer"] == "Pranav"
    assert ds.image_path.values[0] == "labeled-data/m4s1/img0000.png"
    assert ds.frame.values[0] == 0
    assert ds.confidence.isnull().all()
    assert not ds.position.isnull().any()
    raw = pd.read_csv(realdata / (PRANAV + ".csv"), header=[0, 1, 2], index_col=0)
    for image in ("labeled-data/m4s1/img0000.png", raw.index[57], raw.index[-1]):
        row = ds.sel(time=ds.time[ds.image_path == image].item())
        np.testing.assert_allclose(
            row.position.sel(keypoints="tailbase").values[0],
            [raw.loc[image, ("Pranav", "tailbase", c)] for c in ("x", "y")],
            rtol=0,
            atol=1e-12,
        )
    # frame numbers are the digits of the image names
    expected = sorted(int(p.rsplit("img", 1)[1].split(".")[0]) for p in raw.index)
    np.testing.assert_array_equal(ds.frame.values, expected)


def test_labelled_data_pranav_csv_equals_h5(realdata):
    h5 = load_poses.from_dlc_file(realdata / (PRANAV + ".h5"))
    csv = load_poses.from_dlc_file(realdata / (PRANAV + ".csv"))
    np.testing.assert_allclose(csv.position.values, h5.position.values, rtol=1e-15)
    np.testing.assert_array_equal(csv.image_path.values, h5.image_path.values)


@pytest.mark.parametrize("suffix", [".h5", ".csv"])
def test_labelled_data_mackenzie_sparse_with_nan(realdata, suffix):
    ds = load_poses.from_dlc_file(realdata / (MACKENZIE + suffix))
    assert dict(ds.sizes) == {"time": 55, "individuals": 1, "keypoints": 5, "space": 2}
    assert list(ds.keypoints.values) == ["Hand", "Finger1", "Tongue", "Joystick1", "Joystick2"]
    assert int(ds.position.isnull().sum()) == 84
    assert ds.frame.values[0] == 5 and ds.image_path.values[0].endswith("img005.png")
    assert np.all(np.diff(ds.frame.values) > 0)
    assert np.isnan(ds.position.isel(time=0).sel(keypoints="Tongue")).all()
    assert ds.position.isel(time=0).sel(keypoints="Hand", space="x").item() == pytest.approx(
        185.25173502386923, abs=1e-12
    )


def test_mackenzie_h5_raw_values(realdata):
    ds = load_poses.from_dlc_file(realdata / (MACKENZIE + ".h5"))
    with h5py.File(realdata / (MACKENZIE + ".h5"), "r") as file:
        table = file["df_with_missing/table"][()]
    index = [v.decode() for v in table["index"]]
    for row in (0, 20, 54):
        got = ds.position.sel(time=ds.time[ds.image_path == index[row]].item())
        np.testing.assert_array_equal(
            got.isel(individuals=0).values.ravel(), table["values_block_0"][row]
        )


def test_lightningpose_collected_data_loads_with_dlc_reader(realdata):
    ds = load_poses.from_dlc_file(realdata / "lightningpose/mirror-mouse-example/CollectedData.csv")
    assert dict(ds.sizes) == {"time": 90, "individuals": 1, "keypoints": 17, "space": 2}
    assert int(ds.position.isnull().sum()) == 268


# --------------------------------------------------------------------------- #
# multi-animal, unique bodyparts, 3-column index, 3D, column order
# --------------------------------------------------------------------------- #
JOHNDOE_CSV = """\
scorer,,,JohnDoe,JohnDoe,JohnDoe,JohnDoe,JohnDoe,JohnDoe,JohnDoe,JohnDoe,JohnDoe,JohnDoe
individuals,,,pup1,pup1,pup1,pup1,pup2,pup2,pup2,pup2,single,single
bodyparts,,,pup_snout,pup_snout,pup_tail,pup_tail,pup_snout,pup_snout,pup_tail,pup_tail,nest,nest
coords,,,x,y,x,y,x,y,x,y,x,y
labeled-data,PrL-19_11042020,img00144.png,1.5,2.5,,,5.0,6.0,7.0,8.0,892.5866667,385.5924171
labeled-data,PrL-19_11042020,img00012.png,,,3.0,4.0,,,,,10.25,11.75
"""


def test_multi_animal_labelled_csv_three_column_index_and_unique_bodyparts(tmp_path):
    path = tmp_path / "CollectedData_JohnDoe.csv"
    path.write_text(JOHNDOE_CSV)
    ds = load_poses.from_dlc_file(path)
    assert list(ds.individuals.values) == ["pup1", "pup2", "single"]
    assert list(ds.keypoints.values) == ["pup_snout", "pup_tail", "nest"]  # union, file order
    np.testing.assert_array_equal(ds.frame.values, [12, 144])  # sorted by frame
    assert list(ds.image_path.values) == [
        "labeled-data/PrL-19_11042020/img00012.png",
        "labeled-data/PrL-19_11042020/img00144.png",
    ]
    assert ds.attrs["image_index_levels"] == 3
    at144 = ds.sel(time=144)
    assert at144.position.sel(individuals="single", keypoints="nest").values.tolist() == [
        892.5866667,
        385.5924171,
    ]
    assert at144.position.sel(individuals="pup2", keypoints="pup_tail").values.tolist() == [7, 8]
    # combinations that do not exist are NaN
    assert ds.position.sel(individuals="single", keypoints="pup_snout").isnull().all()
    assert ds.position.sel(individuals="pup1", keypoints="nest").isnull().all()
    assert ds.confidence.isnull().all()
    # the same through pandas and from_dlc_style_df
    df = pd.read_csv(path, header=[0, 1, 2, 3], index_col=[0, 1, 2])
    from_df = load_poses.from_dlc_style_df(df)
    xr.testing.assert_equal(from_df.position, ds.position)
    # written back with the 3-level index, read back identically
    out = tmp_path / "back.csv"
    save_poses.to_dlc_file(ds, out, split_individuals=False, image_index="auto")
    assert out.read_text().splitlines()[0].startswith("scorer,,,JohnDoe")
    back = load_poses.from_dlc_file(out)
    xr.testing.assert_identical(back.drop_attrs(), ds.drop_attrs())


def test_multi_animal_h5_with_multiindex_rows(tmp_path):
    csv_path = tmp_path / "CollectedData_JohnDoe.csv"
    csv_path.write_text(JOHNDOE_CSV)
    df = pd.read_csv(csv_path, header=[0, 1, 2, 3], index_col=[0, 1, 2])
    h5 = tmp_path / "CollectedData_JohnDoe.h5"
    df.to_hdf(h5, key="df_with_missing", mode="w")  # fixed format, as DLC >= 2.2 writes
    a = load_poses.from_dlc_file(h5)
    b = load_poses.from_dlc_file(csv_path)
    xr.testing.assert_identical(a.drop_attrs(), b.drop_attrs())


def test_columns_in_any_order_give_the_same_dataset(tmp_path):
    ds = poses_from_numpy(
        np.arange(2 * 2 * 3 * 2, dtype=float).reshape(2, 2, 3, 2),
        np.full((2, 2, 3), 0.5),
        ["a", "b"],
        ["k1", "k2", "k3"],
    )
    df = save_poses.to_dlc_style_df(ds)
    shuffled = df.iloc[:, np.random.default_rng(1).permutation(df.shape[1])]
    back = load_poses.from_dlc_style_df(shuffled)
    # order follows the first appearance in the file: re-order to compare values
    back = back.sel(individuals=["a", "b"], keypoints=["k1", "k2", "k3"])
    np.testing.assert_array_equal(back.position.values, ds.position.values)
    np.testing.assert_array_equal(back.confidence.values, ds.confidence.values)


def test_3d_without_likelihood_has_nan_confidence(tmp_path):
    columns = pd.MultiIndex.from_product(
        [["DLC_3D"], ["nose", "tail"], ["x", "y", "z"]], names=["scorer", "bodyparts", "coords"]
    )
    df = pd.DataFrame(np.arange(12.0).reshape(2, 6), columns=columns)
    path = tmp_path / "video_3D.h5"
    df.to_hdf(path, key="df_with_missing", format="table", mode="w")
    ds = load_poses.from_dlc_file(path)
    assert list(ds.space.values) == ["x", "y", "z"]
    assert ds.confidence.isnull().all()
    assert ds.position.sel(keypoints="tail").isel(time=1).values.tolist()[0] == [9, 10, 11]


def test_h5_key_fallbacks(tmp_path):
    ds = poses_from_numpy(np.ones((3, 1, 2, 2)))
    df = save_poses.to_dlc_style_df(ds, split_individuals=True)["individual_0"]
    for key in ("tracks", "keypoints", "df"):
        path = tmp_path / f"{key}.h5"
        df.to_hdf(path, key=key, mode="w")
        assert load_poses.from_dlc_file(path).sizes["time"] == 3
    both = tmp_path / "both.h5"
    df.to_hdf(both, key="a", mode="w")
    df.to_hdf(both, key="b", mode="a")
    with pytest.raises(FileFormatError, match="several pandas tables"):
        load_poses.from_dlc_file(both)
    assert load_poses.from_dlc_file(both, key="b").sizes["time"] == 3


def test_image_names_without_digits_keep_row_order(tmp_path):
    path = tmp_path / "CollectedData_x.csv"
    path.write_text(
        "scorer,s,s\nbodyparts,a,a\ncoords,x,y\nlabeled-data/v/first.png,1,2\n"
        "labeled-data/v/second.png,3,4\n"
    )
    ds = load_poses.from_dlc_file(path)
    assert "frame" not in ds.coords
    np.testing.assert_array_equal(ds.time.values, [0, 1])
    assert list(ds.image_path.values) == ["labeled-data/v/first.png", "labeled-data/v/second.png"]


def test_reader_returns_arrays_not_sharing_memory_with_input_df():
    ds = poses_from_numpy(np.zeros((2, 1, 1, 2)))
    df = save_poses.to_dlc_style_df(ds)
    back = load_poses.from_dlc_style_df(df)
    back["position"].values[:] = 7.0
    assert (df.to_numpy()[:, :2] == 0).all()


# --------------------------------------------------------------------------- #
# round trips
# --------------------------------------------------------------------------- #
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(ds=poses_datasets(), suffix=st.sampled_from([".h5", ".csv"]))
def test_round_trip_multi_animal_layout(tmp_path, ds, suffix):
    path = tmp_path / f"out{suffix}"
    written = save_poses.to_dlc_file(ds, path, split_individuals=False, overwrite=True)
    assert written == [path]
    back = load_poses.from_dlc_file(path, fps=ds.attrs.get("fps"))
    assert_same_poses(ds, back)


@SETTINGS
@given(ds=poses_datasets(max_individuals=1), suffix=st.sampled_from([".h5", ".csv"]))
def test_round_trip_single_animal_layout(tmp_path, ds, suffix):
    path = tmp_path / f"single{suffix}"
    save_poses.to_dlc_file(ds, path, overwrite=True)  # auto: one individual -> single layout
    back = load_poses.from_dlc_file(path, fps=ds.attrs.get("fps"))
    assert_same_poses(ds, back, individuals=False)
    assert list(back.individuals.values) == ["individual_0"]  # the layout has no names
    levels = 3 if suffix == ".csv" else None
    raw = (
        pd.read_csv(path, header=[0, 1, 2], index_col=0)
        if levels
        else pd.read_hdf(path, "df_with_missing")
    )
    assert raw.columns.names == ["scorer", "bodyparts", "coords"]


@SETTINGS
@given(ds=poses_datasets(max_individuals=3))
def test_written_files_read_by_plain_pandas(tmp_path, ds):
    expected = save_poses.to_dlc_style_df(ds)
    h5, csv = tmp_path / "p.h5", tmp_path / "p.csv"
    save_poses.to_dlc_file(ds, h5, split_individuals=False, overwrite=True)
    save_poses.to_dlc_file(ds, csv, split_individuals=False, overwrite=True)
    from_h5 = pd.read_hdf(h5, "df_with_missing")
    pd.testing.assert_frame_equal(from_h5, expected)
    # pandas takes a first data row of empty cells ("0,,,") for index names when
    # index_col=0 is given, so set the index afterwards (as movement does)
    from_csv = pd.read_csv(csv, header=[0, 1, 2, 3])
    from_csv = from_csv.set_index(from_csv.columns[0])
    # the first cells of the header rows name the levels
    assert from_csv.index.name == ("scorer", "individuals", "bodyparts", "coords")
    assert list(from_csv.columns) == list(expected.columns)
    np.testing.assert_array_equal(from_csv.to_numpy(dtype=float), expected.to_numpy())
    np.testing.assert_array_equal(from_csv.index.to_numpy(), expected.index.to_numpy())
    with pd.HDFStore(h5, "r") as store:  # DeepLabCut's own layout: table format
        assert store.keys() == ["/df_with_missing"]
        assert store.get_storer("df_with_missing").is_table


def test_to_dlc_style_df_layouts():
    ds = poses_from_numpy(
        np.zeros((4, 2, 3, 2)),
        individual_names=["m1", "m2"],
        keypoint_names=["a", "b", "c"],
        frame_array=[3, 5, 8, 9],
    )
    df = save_poses.to_dlc_style_df(ds, scorer="me")
    assert df.columns.names == ["scorer", "individuals", "bodyparts", "coords"]
    assert df.shape == (4, 2 * 3 * 3) and df.index.tolist() == [3, 5, 8, 9]
    assert df.index.name is None
    assert df.columns[0] == ("me", "m1", "a", "x") and df.columns[2][3] == "likelihood"
    split = save_poses.to_dlc_style_df(ds, split_individuals=True)
    assert list(split) == ["m1", "m2"]
    assert split["m1"].columns.names == ["scorer", "bodyparts", "coords"]
    assert split["m1"].columns[0][0] == "movement_like"
    with pytest.raises(InvalidDatasetError):
        save_poses.to_dlc_style_df(ds, image_index="path")


# --------------------------------------------------------------------------- #
# writer safety and splitting
# --------------------------------------------------------------------------- #
def test_writer_refuses_overwrite_and_splits_atomically(tmp_path):
    ds = poses_from_numpy(np.ones((3, 2, 2, 2)), individual_names=["a/1", "b"])
    path = tmp_path / "video.h5"
    written = save_poses.to_dlc_file(ds, path, split_individuals=True)
    assert [p.name for p in written] == ["video_a_1.h5", "video_b.h5"]
    for file, name in zip(written, ["a/1", "b"], strict=True):
        back = load_poses.from_dlc_file(file)
        np.testing.assert_array_equal(
            back.position.values[:, 0], ds.position.sel(individuals=name).values
        )
    before = written[1].read_bytes()
    written[0].unlink()
    with pytest.raises(OverwriteError):  # refused before anything is written
        save_poses.to_dlc_file(ds, path, split_individuals=True)
    assert not written[0].exists() and written[1].read_bytes() == before
    save_poses.to_dlc_file(ds, path, split_individuals=True, overwrite=True)
    assert written[0].exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["video_a_1.h5", "video_b.h5"]
    with pytest.raises(FileFormatError, match=r"\.h5 or \.csv"):
        save_poses.to_dlc_file(ds, tmp_path / "x.txt")


def test_registry_saves_h5_and_csv_as_deeplabcut(tmp_path):
    ds = poses_from_numpy(np.ones((3, 2, 2, 2)))
    save_poses.to_file(ds, tmp_path / "a.h5")
    save_poses.to_file(ds, tmp_path / "a.csv")
    for name in ("a.h5", "a.csv"):
        back = load_poses.from_file(tmp_path / name)
        assert back.attrs["source_software"] == "DeepLabCut"
        assert back.sizes["individuals"] == 2


def test_extra_dims_are_refused_with_a_hint():
    ds = poses_from_numpy(np.ones((3, 1, 2, 2)))
    layered = xr.concat([ds, ds], dim="layers")
    with pytest.raises(InvalidDatasetError, match="isel"):
        save_poses.to_dlc_style_df(layered)


# --------------------------------------------------------------------------- #
# bad input
# --------------------------------------------------------------------------- #
def test_truncated_h5(realdata, tmp_path):
    data = (realdata / PREDICTIONS).read_bytes()
    path = tmp_path / "cut.h5"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(FileFormatError, match="cut.h5") as info:
        load_poses.from_dlc_file(path)
    assert "truncated" in str(info.value)


def test_h5_without_pandas_table(tmp_path):
    path = tmp_path / "plain.h5"
    with h5py.File(path, "w") as file:
        file["data"] = np.zeros(3)
    with pytest.raises(FileFormatError, match="no pandas table"):
        load_poses.from_dlc_file(path)


def test_csv_missing_header_row(realdata, tmp_path):
    lines = (realdata / (PRANAV + ".csv")).read_text().splitlines(keepends=True)
    path = tmp_path / "no_bodyparts.csv"
    path.write_text(lines[0] + "".join(lines[2:]))
    with pytest.raises(FileFormatError, match="header rows") as info:
        load_poses.from_dlc_file(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("row", ["5,1.0,2.0,3.0,4.0\n", "5,1.0,2.0\n"])
def test_csv_mismatched_column_counts(tmp_path, row):
    text = (
        "scorer,s,s,s\nbodyparts,a,a,a\ncoords,x,y,likelihood\n"
        "0,1.0,2.0,0.5\n1,,,\n" + row + "7,1.0,2.0,0.5\n"
    )
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(FileFormatError, match="bad.csv"):
        load_poses.from_dlc_file(path)


def test_csv_with_non_numbers(tmp_path):
    path = tmp_path / "text.csv"
    path.write_text("scorer,s,s\nbodyparts,a,a\ncoords,x,y\n0,1.0,oops\n")
    with pytest.raises(FileFormatError, match="text.csv"):
        load_poses.from_dlc_file(path)


def test_header_rows_of_unequal_width(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("scorer,s,s\nbodyparts,a\ncoords,x,y\n0,1.0,2.0\n")
    with pytest.raises(FileFormatError, match="different numbers of cells"):
        load_poses.from_dlc_file(path)


def test_repeated_labels_from_several_scorers(tmp_path):
    path = tmp_path / "two_scorers.csv"
    path.write_text("scorer,s1,s1,s2,s2\nbodyparts,a,a,a,a\ncoords,x,y,x,y\n0,1,2,3,4\n")
    with pytest.raises(FileFormatError, match="same"):
        load_poses.from_dlc_file(path)


def test_csv_reads_with_deeplabcut_convention(tmp_path):
    """DeepLabCut reads CSVs with read_csv(header=[0, 1, 2(, 3)], index_col=0)."""
    ds = poses_from_numpy(
        np.arange(12.0).reshape(3, 1, 2, 2),
        np.full((3, 1, 2), 0.25),
        keypoint_names=["nose", "tail"],
        frame_array=[4, 5, 9],
    )
    path = tmp_path / "single.csv"
    save_poses.to_dlc_file(ds, path, scorer="DLC_resnet50_x")
    df = pd.read_csv(path, header=[0, 1, 2], index_col=0)
    assert df.columns.names == ["scorer", "bodyparts", "coords"]
    assert df.index.tolist() == [4, 5, 9] and df.index.name is None
    assert df.loc[9, ("DLC_resnet50_x", "tail", "y")] == 11.0
    assert df.loc[4, ("DLC_resnet50_x", "nose", "likelihood")] == 0.25
    assert path.read_text().splitlines()[:3] == [
        "scorer" + ",DLC_resnet50_x" * 6,
        "bodyparts,nose,nose,nose,tail,tail,tail",
        "coords,x,y,likelihood,x,y,likelihood",
    ]


@pytest.mark.parametrize("name", [PRANAV, MACKENZIE])
def test_labelled_data_written_back_is_byte_identical(realdata, tmp_path, name):
    """x, y only (no likelihood), image-path rows, empty cells for NaN, full-precision floats."""
    original = realdata / (name + ".csv")
    ds = load_poses.from_dlc_file(original)
    out = tmp_path / original.name
    save_poses.to_dlc_file(ds, out)
    assert out.read_bytes() == original.read_bytes()
    h5 = tmp_path / "CollectedData.h5"
    save_poses.to_dlc_file(load_poses.from_dlc_file(realdata / (name + ".h5")), h5)
    pd.testing.assert_frame_equal(
        pd.read_hdf(h5, "df_with_missing"),
        pd.read_hdf(realdata / (name + ".h5"), "df_with_missing"),
        check_index_type=False,
        check_column_type=False,
    )


def test_predictions_written_back_equal_the_original_table(realdata, tmp_path):
    original = pd.read_hdf(realdata / PREDICTIONS, "df_with_missing")
    out = tmp_path / "again.h5"
    save_poses.to_dlc_file(load_poses.from_dlc_file(realdata / PREDICTIONS), out)
    pd.testing.assert_frame_equal(
        pd.read_hdf(out, "df_with_missing"), original, check_index_type=False
    )
