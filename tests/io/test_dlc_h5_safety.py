"""DeepLabCut .h5 is read without unpickling: crafted files run nothing and get our error."""

from __future__ import annotations

import os
import pickle
import warnings

import h5py
import numpy as np
import pandas as pd
import pytest

from movement_like.errors import FileFormatError, UnsafeFileError
from movement_like.io import load_poses
from movement_like.io.formats.dlc import read_dlc_df


class _WritesMarker:
    def __init__(self, target):
        self.target = str(target)

    def __reduce__(self):
        return (os.system, (f"touch {self.target}",))


def _frame(n=6, labelled=False):
    columns = pd.MultiIndex.from_product(
        [["scorer"], ["nose", "tail"], ["x", "y", "likelihood"]],
        names=["scorer", "bodyparts", "coords"],
    )
    df = pd.DataFrame(np.arange(n * 6, dtype=float).reshape(n, 6), columns=columns)
    if labelled:
        df.index = pd.MultiIndex.from_tuples(
            [("labeled-data", "video", f"img{i:03d}.png") for i in range(n)]
        )
    return df


def _set_attr(path, name, attr, payload):
    with h5py.File(path, "r+") as file:
        file[name].attrs[attr] = np.bytes_(payload)


def _pandas_runs_it(path, marker):
    """The payload is real: pandas/PyTables would run it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            pd.read_hdf(path)
        except Exception:  # noqa: BLE001 - only the side effect matters here
            pass
    ran = marker.exists()
    marker.unlink(missing_ok=True)
    return ran


def test_table_format_metadata_pickle_never_runs(tmp_path):
    path = tmp_path / "video_dlc.h5"
    _frame().to_hdf(path, key="df_with_missing", format="table", mode="w")
    marker = tmp_path / "marker"
    _set_attr(path, "df_with_missing", "non_index_axes", pickle.dumps(_WritesMarker(marker), 0))
    assert _pandas_runs_it(path, marker)
    with pytest.raises(UnsafeFileError, match=r"video_dlc\.h5.*refused.*format='table'"):
        load_poses.from_dlc_file(path)
    with pytest.raises(UnsafeFileError):
        load_poses.from_file(path)
    assert not marker.exists()


def test_table_format_column_kind_pickle_never_runs(tmp_path):
    path = tmp_path / "video_dlc.h5"
    _frame().to_hdf(path, key="df_with_missing", format="table", mode="w")
    marker = tmp_path / "marker"
    payload = pickle.dumps(_WritesMarker(marker), 0)
    _set_attr(path, "df_with_missing/table", "values_block_0_kind", payload)
    with pytest.raises(UnsafeFileError):
        read_dlc_df(path)
    assert not marker.exists()


def test_fixed_format_object_block_never_runs(tmp_path):
    path = tmp_path / "CollectedData_me.h5"
    df = _frame(labelled=True)
    df[("scorer", "note", "x")] = ["a"] * len(df)  # an object block: pandas pickles it
    df.to_hdf(path, key="keypoints", mode="w")
    marker = tmp_path / "marker"
    payload = np.frombuffer(pickle.dumps(_WritesMarker(marker), 2), dtype=np.uint8)
    with h5py.File(path, "r+") as file:
        file["keypoints/block1_values"][0] = payload
    assert _pandas_runs_it(path, marker)
    with pytest.raises(UnsafeFileError, match="CollectedData_me.h5"):
        load_poses.from_dlc_file(path)
    assert not marker.exists()


def test_fixed_format_name_pickle_never_runs(tmp_path):
    path = tmp_path / "CollectedData_me.h5"
    _frame(labelled=True).to_hdf(path, key="keypoints", mode="w")
    marker = tmp_path / "marker"
    _set_attr(path, "keypoints/axis1_level2", "name", pickle.dumps(_WritesMarker(marker), 0))
    with pytest.raises(UnsafeFileError):
        load_poses.from_dlc_file(path)
    assert not marker.exists()


# pandas cannot write a row MultiIndex with MultiIndex columns as a table, so labelled data
# (image paths as a 3-level row index) exists only in the fixed format
@pytest.mark.parametrize(("fmt", "labelled"), [("table", False), ("fixed", False), ("fixed", True)])
def test_safe_reader_matches_pandas(tmp_path, fmt, labelled):
    path = tmp_path / "x.h5"
    df = _frame(labelled=labelled)
    df.iloc[2, 3] = np.nan
    df.to_hdf(path, key="df_with_missing", format=fmt, mode="w")
    pd.testing.assert_frame_equal(read_dlc_df(path), pd.read_hdf(path))


def test_fixed_object_block_of_plain_values_is_read(tmp_path):
    path = tmp_path / "x.h5"
    df = _frame()
    df[("scorer", "note", "x")] = ["a", None, "b", "c", "d", "e"]
    df.to_hdf(path, key="df_with_missing", mode="w")
    pd.testing.assert_frame_equal(read_dlc_df(path), pd.read_hdf(path))


def test_declared_rows_beyond_the_file_are_refused(tmp_path):
    path = tmp_path / "x.h5"
    _frame().to_hdf(path, key="df_with_missing", format="table", mode="w")
    with h5py.File(path, "r+") as file:
        old = file["df_with_missing/table"]
        attrs, dtype = dict(old.attrs), old.dtype
        del file["df_with_missing/table"]
        new = file.create_dataset(
            "df_with_missing/table", shape=(2**31,), dtype=dtype, chunks=(1024,)
        )
        for key, value in attrs.items():
            new.attrs[key] = value
    with pytest.raises(FileFormatError, match="declares"):
        load_poses.from_dlc_file(path)


def test_external_link_is_not_followed(tmp_path):
    other = tmp_path / "other.h5"
    _frame().to_hdf(other, key="df_with_missing", format="table", mode="w")
    path = tmp_path / "x.h5"
    _frame().to_hdf(path, key="df_with_missing", format="table", mode="w")
    with h5py.File(path, "r+") as file:
        del file["df_with_missing/table"]
        file["df_with_missing/table"] = h5py.ExternalLink(str(other), "/df_with_missing/table")
    with pytest.raises(FileFormatError, match="link"):
        load_poses.from_dlc_file(path)


@pytest.mark.parametrize(
    "name",
    [
        "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5",
        "Reaching-Mackenzie-2018-08-30/CollectedData_Mackenzie.h5",
        "openfield-Pranav-2018-10-30/CollectedData_Pranav.h5",
    ],
)
def test_real_files_load_as_through_pandas(realdata, name):
    path = realdata / "deeplabcut" / name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trusted = pd.read_hdf(path)  # our own test data: pandas may unpickle it
    pd.testing.assert_frame_equal(read_dlc_df(path), trusted)
    ours = load_poses.from_dlc_file(path)
    expected = load_poses.from_dlc_style_df(trusted)
    np.testing.assert_array_equal(ours.position.values, expected.position.values)
    np.testing.assert_array_equal(ours.confidence.values, expected.confidence.values)
    assert ours.keypoints.values.tolist() == expected.keypoints.values.tolist()
