"""Edits: manual corrections (DUSTrack's dlccorr), merges without silent loss, identity swaps."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from movement_like import annotations as an
from movement_like.dataset import read_log, validate_poses
from movement_like.errors import InvalidDatasetError
from tests.analysis.annotations.helpers import layer, point
from tests.strategies import poses_datasets


def test_manual_points_win_and_dense_points_stay():
    dense = layer({(f, "a", k): (f, 10 + int(k)) for f in range(6) for k in "01"}, confidence=0.9)
    sparse = layer({(2, "a", "0"): (100, 100), (4, "a", "1"): (200, 200)}, n_frames=5)
    before = dense.copy(deep=True)
    out = an.apply_manual_corrections(dense, sparse)
    assert point(out, 2, "a", "0") == [100, 100]
    assert point(out, 4, "a", "1") == [200, 200]
    assert point(out, 3, "a", "0") == [3, 10]
    assert point(out, 5, "a", "1") == [5, 11]
    conf = out["confidence"].sel(individuals="a")
    assert np.isnan(conf.sel(keypoints="0").values[2]) and conf.sel(keypoints="0").values[3] == 0.9
    assert out.attrs["layer"] == "dlccorr"
    assert read_log(out)[-1]["operation"] == "apply_manual_corrections"
    xr.testing.assert_identical(dense, before)  # input untouched
    validate_poses(out)


def test_corrections_take_the_union_of_labels_and_frames_like_dustrack():
    dense = layer({(0, "a", "0"): (1, 1)}, n_frames=2, keypoints=("0",))
    sparse = layer({(4, "a", "7"): (5, 5)}, n_frames=5, keypoints=("7",))
    out = an.apply_manual_corrections(dense, sparse)
    assert out["keypoints"].values.tolist() == ["0", "7"]
    assert out["frame"].values.tolist() == [0, 1, 2, 3, 4]
    assert point(out, 4, "a", "7") == [5, 5] and point(out, 0, "a", "0") == [1, 1]


@settings(max_examples=40, deadline=None)
@given(
    dense=st.dictionaries(
        st.tuples(st.integers(0, 9), st.sampled_from("012")),
        st.tuples(st.integers(0, 99), st.integers(0, 99)),
        max_size=20,
    ),
    sparse=st.dictionaries(
        st.tuples(st.integers(0, 9), st.sampled_from("012")),
        st.tuples(st.integers(0, 99), st.integers(0, 99)),
        max_size=8,
    ),
)
def test_corrections_equal_dustracks_dict_rule(dense, sparse):
    """dlccorr = {label: {**dense[label], **sparse[label]}} (DUSTrack's splice)."""
    kps = ("0", "1", "2")

    def to_ds(pts):
        return layer({(f, "a", k): v for (f, k), v in pts.items()}, n_frames=10, keypoints=kps)

    out = an.apply_manual_corrections(to_ds(dense), to_ds(sparse))
    expected = {**dense, **sparse}
    values = out["position"].sel(individuals="a")
    for f in range(10):
        for k in kps:
            got = values.sel(keypoints=k).values[f]
            if (f, k) in expected:
                assert got.tolist() == list(expected[(f, k)])
            else:
                assert np.isnan(got).all()


def test_corrections_on_data_arrays_and_extra_dims():
    dense = layer({(f, "a", "0"): (f, f) for f in range(4)}, n_frames=4)
    sparse = layer({(1, "a", "0"): (9, 9)}, n_frames=4)
    out = an.apply_manual_corrections(dense["position"], sparse["position"])
    assert out.name == "position" and out.dims == dense["position"].dims
    assert out.sel(individuals="a", keypoints="0").values[1].tolist() == [9, 9]
    stacked = xr.concat([dense, dense * 2], dim="layers").assign_coords(layers=["x", "y"])
    out = an.apply_manual_corrections(stacked, sparse)
    assert out["position"].dims == stacked["position"].dims
    assert out["position"].sel(layers="y", individuals="a", keypoints="0").values[1].tolist() == [
        9,
        9,
    ]
    assert out["position"].sel(layers="y", individuals="a", keypoints="0").values[2].tolist() == [
        4,
        4,
    ]
    transposed = an.apply_manual_corrections(
        dense.transpose("space", "keypoints", "individuals", "time"), sparse
    )
    xr.testing.assert_equal(
        transposed["position"].transpose(*out["position"].dims[1:]),
        an.apply_manual_corrections(dense, sparse)["position"],
    )


def test_merge_takes_one_sided_points_and_keeps_identical_ones(two_annotators):
    base, new = two_annotators
    merged, conflicts = an.merge_annotations(base, new, on_conflict="keep_base")
    assert merged["frame"].values.tolist() == [0, 1, 2, 3, 4, 5]
    assert point(merged, 0, "a", "0") == [1, 1]
    assert point(merged, 1, "a", "0") == [2, 2]
    assert point(merged, 3, "a", "1") == [4, 4]
    assert point(merged, 5, "a", "0") == [6, 6]
    assert np.isnan(point(merged, 4, "a", "0")).all()
    conf = merged["confidence"].sel(individuals="a")
    assert conf.sel(keypoints="0").values[1] == 0.5  # identical point kept once, from base
    assert conf.sel(keypoints="1").values[3] == 0.8
    assert len(conflicts) == 1


@pytest.mark.parametrize(
    "policy, expected, confidence", [("keep_base", [3, 3], 0.5), ("keep_new", [30, 30], 0.8)]
)
def test_merge_policies_resolve_conflicts(two_annotators, policy, expected, confidence):
    base, new = two_annotators
    merged, conflicts = an.merge_annotations(base, new, on_conflict=policy)
    assert point(merged, 2, "a", "1") == expected
    assert merged["confidence"].sel(individuals="a", keypoints="1").values[2] == confidence
    row = conflicts.iloc[0].to_dict()
    assert row == {
        "frame": 2,
        "time": 2,
        "individual": "a",
        "keypoint": "1",
        "base_x": 3.0,
        "base_y": 3.0,
        "new_x": 30.0,
        "new_y": 30.0,
    }
    assert read_log(merged)[-1]["arguments"]["n_conflicts"] == 1


def test_merge_raises_with_the_conflict_table(two_annotators):
    base, new = two_annotators
    with pytest.raises(an.AnnotationConflictError, match="1 point") as info:
        an.merge_annotations(base, new)
    assert info.value.conflicts[["frame", "keypoint"]].values.tolist() == [[2, "1"]]


def test_merge_without_conflicts_and_with_tolerance(two_annotators):
    base, new = two_annotators
    merged, conflicts = an.merge_annotations(base, new, tolerance=27.0)
    assert len(conflicts) == 0 and point(merged, 2, "a", "1") == [3, 3]
    merged, conflicts = an.merge_annotations(
        base["position"], new["position"], on_conflict="keep_new"
    )
    assert merged.name == "position" and len(conflicts) == 1
    with pytest.raises(ValueError, match="on_conflict"):
        an.merge_annotations(base, new, on_conflict="whatever")


def test_merge_of_individuals_and_keypoints_unions_names():
    base = layer({(0, "a", "0"): (1, 1)}, n_frames=1, keypoints=("0",), individuals=("a",))
    new = layer({(0, "b", "9"): (2, 2)}, n_frames=1, keypoints=("9",), individuals=("b",))
    merged, conflicts = an.merge_annotations(base, new)
    assert merged["individuals"].values.tolist() == ["a", "b"]
    assert merged["keypoints"].values.tolist() == ["0", "9"]
    assert point(merged, 0, "b", "9") == [2, 2] and len(conflicts) == 0


def test_swap_over_a_range():
    ds = layer(
        {(f, ind, "0"): (f, i) for f in range(6) for i, ind in enumerate("abc")},
        individuals=("a", "b", "c"),
        fps=2.0,
    )
    out = an.swap_individuals(ds, "a", "c", time=slice(1.0, 2.0))  # frames 2..4
    assert [point(out, f, "a", "0")[1] for f in range(6)] == [0, 0, 2, 2, 2, 0]
    assert [point(out, f, "c", "0")[1] for f in range(6)] == [2, 2, 0, 0, 0, 2]
    assert [point(out, f, "b", "0")[1] for f in range(6)] == [1] * 6
    by_frame = an.swap_individuals(ds, "a", "c", frames=slice(2, 4))
    xr.testing.assert_equal(by_frame, out)
    assert read_log(out)[-1]["operation"] == "swap_individuals"
    with pytest.raises(InvalidDatasetError, match="no individual 'z'"):
        an.swap_individuals(ds, "a", "z")


@settings(max_examples=40, deadline=None)
@given(ds=poses_datasets(max_individuals=4), data=st.data())
def test_swapping_twice_is_the_identity(ds, data):
    names = ds["individuals"].values.tolist()
    a = data.draw(st.sampled_from(names))
    b = data.draw(st.sampled_from(names))
    times = ds["time"].values
    start = data.draw(st.sampled_from(times.tolist()))
    stop = data.draw(st.sampled_from(times.tolist()))
    once = an.swap_individuals(ds, a, b, time=slice(start, stop))
    twice = an.swap_individuals(once, a, b, time=slice(start, stop))
    xr.testing.assert_identical(twice.drop_attrs(), ds.drop_attrs())
    if a != b and start <= stop:
        inside = (times >= start) & (times <= stop)
        np.testing.assert_array_equal(
            once["position"].sel(individuals=a).values[inside],
            ds["position"].sel(individuals=b).values[inside],
        )
