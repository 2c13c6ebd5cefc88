"""Tests of movement_like.transforms: known answers, invariances, errors."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

from movement_like.dataset import poses_from_numpy, read_log, validate_bboxes
from movement_like.transforms import (
    apply_transform,
    egocentric_align,
    estimate_transform,
    poses_to_bboxes,
    scale,
)
from tests.analysis.test_filtering import PROPERTY, assert_invariant, assert_same
from tests.strategies import poses_datasets

# an animal drawn in its own frame: origin at 0, nose along +x
BODY = np.array([[0.0, 0.0], [2.0, 0.0], [-1.0, 0.5], [-1.0, -0.5]])
BODY_NAMES = ["neck", "nose", "left_hip", "right_hip"]


def moving_animal(n: int = 6, seed: int = 0) -> tuple[xr.DataArray, np.ndarray]:
    """The BODY rotated by a random angle and moved, per frame; 2 individuals."""
    rng = np.random.default_rng(seed)
    angles = rng.uniform(-np.pi, np.pi, size=(n, 2))
    shifts = rng.uniform(-50, 50, size=(n, 2, 2))
    cos, sin = np.cos(angles), np.sin(angles)
    rotation = np.stack([np.stack([cos, -sin], -1), np.stack([sin, cos], -1)], -2)  # (n,2,2,2)
    points = np.einsum("tiab,kb->tika", rotation, BODY) + shifts[:, :, None, :]
    ds = poses_from_numpy(points, keypoint_names=BODY_NAMES, fps=25.0)
    return ds["position"], angles


# --------------------------------------------------------------------------- #
# scale
# --------------------------------------------------------------------------- #
def test_scale_known_answers():
    data, _ = moving_animal()
    half = scale(data, 0.5, space_unit="cm")
    np.testing.assert_allclose(half.values, data.values * 0.5)
    assert half.attrs["space_unit"] == "cm"
    entry = read_log(half)[-1]
    assert entry.pop("datetime")  # movement's log entries carry the time of the call
    assert entry == {"operation": "scale", "arguments": {"factor": 0.5, "space_unit": "cm"}}
    per_axis = scale(data.transpose("space", ...), [2.0, 3.0])
    np.testing.assert_allclose(per_axis.sel(space="y").values, data.sel(space="y").values * 3)
    assert "space_unit" not in scale(half, 2.0).attrs  # the unit no longer holds
    with pytest.raises(ValueError, match="does not match the shape of the space dimension"):
        scale(data, [1.0, 2.0, 3.0])


@PROPERTY
@given(ds=poses_datasets(max_time=8), factor=st.floats(-10, 10, allow_nan=False))
def test_scale_invariances(ds, factor):
    assert_invariant(lambda d: scale(d, factor, space_unit="mm"), ds["position"])


# --------------------------------------------------------------------------- #
# egocentric alignment
# --------------------------------------------------------------------------- #
def test_egocentric_recovers_the_body_frame():
    data, _ = moving_animal()
    aligned = egocentric_align(data, origin="neck", heading="nose")
    assert aligned.name == "egocentric_position"
    expected = np.broadcast_to(BODY, aligned.shape)
    np.testing.assert_allclose(aligned.values, expected, atol=1e-9)
    # a (left, right) heading: hips across the body, facing +x in the body frame
    # (the body frame is x right, y up: left_hip at +y means a bottom-up view)
    by_pair = egocentric_align(
        data,
        origin=["left_hip", "right_hip"],
        heading=("left_hip", "right_hip"),
        camera_view="bottom_up",
    )
    np.testing.assert_allclose(
        by_pair.values, np.broadcast_to(BODY - [-1.0, 0.0], by_pair.shape), atol=1e-9
    )


def test_egocentric_nan_and_errors():
    data, _ = moving_animal(3)
    broken = data.copy()
    broken[1, 0, 1, :] = np.nan  # nose unknown in frame 1 for individual 0
    aligned = egocentric_align(broken, "neck", "nose")
    assert np.isnan(aligned.values[1, 0]).all()
    assert not np.isnan(aligned.values[1, 1]).any()
    with pytest.raises(ValueError, match="not found"):
        egocentric_align(data, "tail", "nose")
    three_d = poses_from_numpy(np.zeros((2, 1, 2, 3)))["position"]
    with pytest.raises(ValueError, match="2-D positions"):
        egocentric_align(three_d, "keypoint_0", "keypoint_1")


@PROPERTY
@given(ds=poses_datasets(max_time=8, max_keypoints=3, spaces=(2,), dtypes=(np.float64,)))
def test_egocentric_invariances(ds):
    keypoints = list(ds["keypoints"].values)
    heading = keypoints[-1]
    assert_invariant(lambda d: egocentric_align(d, keypoints[0], heading), ds["position"])


# --------------------------------------------------------------------------- #
# poses -> bboxes
# --------------------------------------------------------------------------- #
def test_poses_to_bboxes_known_answers():
    points = np.array(
        [
            [[[0.0, 0.0], [4.0, 2.0], [np.nan, 9.0]]],
            [[[np.nan, np.nan], [np.nan, np.nan], [np.nan, np.nan]]],
        ]
    )
    ds = poses_from_numpy(
        points, np.array([[[0.5, 1.0, 0.9]], [[0.1, 0.2, 0.3]]]), fps=10.0, source_software="test"
    )
    boxes = poses_to_bboxes(ds, padding=1.0)
    validate_bboxes(boxes)
    assert boxes.attrs["ds_type"] == "bboxes" and boxes.attrs["fps"] == 10.0
    np.testing.assert_array_equal(boxes["frame"].values, [0, 1])
    np.testing.assert_allclose(boxes["position"].values[0, 0], [2.0, 1.0])
    np.testing.assert_allclose(boxes["shape"].values[0, 0], [6.0, 4.0])
    assert boxes["confidence"].values[0, 0] == pytest.approx(0.75)  # the half-known point is out
    assert np.isnan(boxes["position"].values[1]).all()
    assert read_log(boxes)[-1]["operation"] == "poses_to_bboxes"
    with pytest.raises(ValueError, match="padding"):
        poses_to_bboxes(ds, padding=-1)


@PROPERTY
@given(ds=poses_datasets(max_time=8, spaces=(2,), dtypes=(np.float64,)))
def test_poses_to_bboxes_invariances(ds):
    reference = poses_to_bboxes(ds)
    validate_bboxes(reference)
    transposed = ds.transpose(*reversed(list(ds.dims)))
    chunked = ds.chunk({"time": 2})
    layered = xr.concat([ds, ds + 1.0], dim="layers")
    for label, variant in (
        ("transposed", poses_to_bboxes(transposed)),
        ("dask", poses_to_bboxes(chunked).compute()),
        ("layers", poses_to_bboxes(layered).isel(layers=0, drop=True)),
    ):
        for name in ("position", "shape", "confidence"):
            assert_same(variant[name], reference[name], f"{label} {name}")


# --------------------------------------------------------------------------- #
# point-pair transforms
# --------------------------------------------------------------------------- #
TRUE = {
    "similarity": np.array(
        [
            [1.2 * np.cos(0.4), -1.2 * np.sin(0.4), 30.0],
            [1.2 * np.sin(0.4), 1.2 * np.cos(0.4), -12.0],
            [0, 0, 1],
        ]
    ),
    "affine": np.array([[1.5, 0.3, 10.0], [-0.2, 0.8, 5.0], [0, 0, 1]]),
    "homography": np.array([[1.1, 0.2, 15.0], [0.05, 0.9, -4.0], [1e-3, -2e-3, 1.0]]),
}


def _map(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    homogeneous = np.column_stack([points, np.ones(len(points))]) @ matrix.T
    return homogeneous[:, :2] / homogeneous[:, 2:]


@pytest.mark.parametrize("kind", sorted(TRUE))
def test_estimate_transform_recovers_the_truth(kind):
    rng = np.random.default_rng(3)
    source = rng.uniform(0, 200, size=(12, 2))
    target = _map(TRUE[kind], source)
    matrix = estimate_transform(source, target, kind)
    np.testing.assert_allclose(matrix, TRUE[kind], rtol=1e-7, atol=1e-9)
    minimal = {"similarity": 2, "affine": 3, "homography": 4}[kind]
    np.testing.assert_allclose(
        estimate_transform(source[:minimal], target[:minimal], kind),
        TRUE[kind],
        rtol=1e-6,
        atol=1e-8,
    )
    ds = poses_from_numpy(source.reshape(6, 1, 2, 2))
    mapped = apply_transform(ds["position"], matrix)
    np.testing.assert_allclose(mapped.values.reshape(-1, 2), target, rtol=1e-9)
    assert mapped.name == "position"


def test_estimate_transform_errors():
    square = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="at least 4 point pairs"):
        estimate_transform(square[:3], square[:3], "homography")
    with pytest.raises(ValueError, match="same number of points"):
        estimate_transform(square, square[:3])
    with pytest.raises(ValueError, match="not all on one line"):
        line = np.column_stack([np.arange(5.0), np.arange(5.0)])
        estimate_transform(line, line, "affine")
    with pytest.raises(ValueError, match="no three on one line"):
        collinear = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [0.0, 3.0]])
        estimate_transform(collinear, square, "homography")
    with pytest.raises(ValueError, match="unknown kind"):
        estimate_transform(square, square, "projective")
    with pytest.raises(ValueError, match="NaN"):
        estimate_transform(square * np.nan, square)
    data, _ = moving_animal(2)
    with pytest.raises(ValueError, match="3x3"):
        apply_transform(data, np.eye(2))


@PROPERTY
@given(ds=poses_datasets(max_time=8, spaces=(2,), dtypes=(np.float64,)))
def test_apply_transform_invariances(ds):
    assert_invariant(lambda d: apply_transform(d, TRUE["homography"]), ds["position"])
