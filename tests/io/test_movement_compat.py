"""Converters to/from ``movement`` datasets, and agreement with ``movement`` itself.

The agreement tests run ``movement`` 0.17 through its own interpreter (it needs
Python 3.12, so it cannot live in our test environment): ``$MOVEMENT_PYTHON``,
else the project's peer at /work/peers/movement/bin/python. They are skipped,
with the reason printed, only when neither exists.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.bench_analysis import AGREEMENT
from movement_like.dataset import poses_from_numpy, validate_dataset
from movement_like.io.movement_compat import from_movement, is_movement_layout, to_movement
from tests.analysis.test_filtering import PROPERTY
from tests.peers import needs_peer, peer_python
from tests.strategies import bboxes_datasets, poses_datasets

ROOT = Path(__file__).resolve().parents[2]
PEER_SCRIPT = ROOT / "benchmarks" / "_movement_peer.py"


def movement_python() -> str | None:
    return peer_python("movement")


needs_movement = needs_peer("movement")


# --------------------------------------------------------------------------- #
# converters
# --------------------------------------------------------------------------- #
@PROPERTY
@given(ds=poses_datasets(max_time=6), layout=st.sampled_from(["0.17", "0.15"]))
def test_poses_round_trip(ds, layout):
    theirs = to_movement(ds, layout)
    singular = layout == "0.17"
    assert theirs["position"].dims == (
        ("time", "space", "keypoint", "individual")
        if singular
        else ("time", "space", "keypoints", "individuals")
    )
    assert "frame" not in theirs.coords
    assert is_movement_layout(theirs) and not is_movement_layout(ds)
    back = from_movement(theirs)
    validate_dataset(back)
    xr.testing.assert_identical(back.drop_vars("frame"), ds.drop_vars("frame"))
    # the frame coordinate comes back whenever time says it exactly
    if "fps" in ds.attrs or ds.attrs["time_unit"] == "frames":
        np.testing.assert_array_equal(back["frame"].values, ds["frame"].values)


@PROPERTY
@given(ds=bboxes_datasets(max_time=6), layout=st.sampled_from(["0.17", "0.15"]))
def test_bboxes_round_trip(ds, layout):
    theirs = to_movement(ds, layout)
    assert theirs["position"].dims[:2] == ("time", "space")
    back = from_movement(theirs)
    validate_dataset(back)
    xr.testing.assert_identical(back.drop_vars("frame"), ds.drop_vars("frame"))


def test_extra_dims_and_inputs_untouched():
    ds = poses_from_numpy(np.random.default_rng(0).normal(size=(4, 2, 3, 2)), fps=30.0)
    layered = xr.concat([ds, ds], dim="layers")
    before = layered.copy(deep=True)
    theirs = to_movement(layered)
    assert "layers" in theirs["position"].dims
    back = from_movement(theirs)
    assert back["position"].dims == ("layers", "time", "individuals", "keypoints", "space")
    xr.testing.assert_identical(layered, before)
    with pytest.raises(ValueError, match="layout must be one of"):
        to_movement(ds, layout="0.16")


# --------------------------------------------------------------------------- #
# agreement with movement itself (peer interpreter)
# --------------------------------------------------------------------------- #
# AGREEMENT: the functions compared with movement, shared with the benchmark


def run_peer(workdir: Path, specs: dict[str, list[str]]) -> dict:
    args = [f"{name}={','.join(tasks)}" for name, tasks in specs.items()]
    completed = subprocess.run(
        [movement_python(), str(PEER_SCRIPT), str(workdir), *args],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


GAP_TASKS = ["rolling_median5", "rolling_min3_mp1", "interp_gap5", "interp", "savgol7", "velocity"]


@needs_movement
def test_agrees_with_movement(tmp_path):
    """movement 0.17 and ours give the same numbers, to 1e-9.

    ``clean``: no NaN, uneven time stamps, every compared function.
    ``gappy``: 5 % NaN, even time: the NaN rules of the filters and of
    interpolation (max_gap) match as well.
    """
    rng = np.random.default_rng(42)
    clean = np.cumsum(rng.normal(size=(200, 3, 4, 2)), axis=0) * 10
    clean_times = np.cumsum(rng.uniform(0.01, 0.05, size=200))
    np.save(tmp_path / "clean.npy", clean)
    np.save(tmp_path / "clean_time.npy", clean_times)
    gappy = np.cumsum(rng.normal(size=(300, 2, 3, 2)), axis=0)
    gaps = rng.random(gappy.shape[:3]) < 0.05
    gaps[:8] = False  # keep the edge windows known (movement's savgol refuses NaN there)
    gaps[-8:] = False
    gappy[gaps] = np.nan
    np.save(tmp_path / "gappy.npy", gappy)
    np.save(tmp_path / "gappy_time.npy", np.arange(300) / 30.0)
    run_peer(tmp_path, {"clean": sorted(AGREEMENT), "gappy": GAP_TASKS})

    ours = poses_from_numpy(clean, time_array=clean_times)["position"]
    for task, function in AGREEMENT.items():
        theirs = np.load(tmp_path / f"movement_{task}_clean.npy")
        mine = function(ours).values
        assert mine.shape == theirs.shape, task
        assert not np.isnan(mine).any(), task
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-9, err_msg=task)
    ours = poses_from_numpy(gappy, fps=30.0)["position"]
    for task in GAP_TASKS:
        theirs = np.load(tmp_path / f"movement_{task}_gappy.npy")
        mine = AGREEMENT[task](ours).values
        np.testing.assert_array_equal(np.isnan(mine), np.isnan(theirs), err_msg=task)
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-9, equal_nan=True, err_msg=task)


@needs_movement
def test_movement_accepts_our_converted_dataset(tmp_path):
    rng = np.random.default_rng(1)
    ds = poses_from_numpy(
        rng.normal(size=(20, 2, 3, 2)),
        rng.random((20, 2, 3)),
        fps=25.0,
        source_software="DeepLabCut",
    )
    path = tmp_path / "ours_as_movement.nc"
    to_movement(ds).to_netcdf(path)
    code = (
        "import sys, xarray as xr\n"
        "from movement.kinematics import compute_speed\n"
        "from movement.filtering import filter_by_confidence\n"
        "ds = xr.load_dataset(sys.argv[1])\n"
        "speed = compute_speed(filter_by_confidence(ds.position, ds.confidence, 0.5))\n"
        "print(dict(speed.sizes))\n"
    )
    completed = subprocess.run(
        [movement_python(), "-c", code, str(path)], capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.strip() == "{'time': 20, 'keypoint': 3, 'individual': 2}"


def test_skip_reason_is_explicit():
    """Document (and check) which interpreter the agreement tests use."""
    python = movement_python()
    if python is not None:
        assert Path(python).exists()
    print(f"movement interpreter for agreement tests: {python}", file=sys.stderr)


def test_old_top_level_module_is_the_same_functions():
    import movement_like.movement_compat as old
    from movement_like.io import movement_compat

    for name in movement_compat.__all__:
        assert getattr(old, name) is getattr(movement_compat, name)
