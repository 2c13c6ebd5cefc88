"""``compute_pairwise_distances(..., output="movement")`` gives movement 0.17's answer.

The same calls run through movement's own interpreter and through ours on the same
movement-named array (dims ``individual``/``keypoint``); the results (one DataArray, or a
dict of them) must match in values, dims, coordinates, names and keys.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import xarray as xr

from movement_like.errors import InvalidArgumentError
from movement_like.kinematics import compute_pairwise_distances
from tests.peers import needs_peer, peer_python

CASES = textwrap.dedent(
    """
    import pickle, sys
    import numpy as np, xarray as xr
    if sys.argv[1] == "movement":
        from movement.kinematics import compute_pairwise_distances as f
        extra = {}
    else:
        from movement_like.kinematics import compute_pairwise_distances as f
        extra = {"output": "movement"}
    rng = np.random.default_rng(3)
    position = xr.DataArray(
        rng.normal(size=(6, 3, 4, 2)),
        dims=["time", "individual", "keypoint", "space"],
        coords={"time": np.arange(6), "individual": ["a", "b", "c"],
                "keypoint": ["nose", "ear", "tail", "paw"], "space": ["x", "y"]},
    )
    position[2, 1, 0, 0] = np.nan
    out = {
        "one pair": f(position, "individual", {"a": "b"}, **extra),
        "several": f(position, "keypoint", {"nose": "ear", "tail": ["nose", "paw"]},
                     metric="cityblock", **extra),
        "all": f(position, "individual", "all", **extra),
        "one individual": f(position.sel(individual=["a"]), "keypoint", {"nose": "tail"},
                            **extra),
    }
    sys.stdout.buffer.write(pickle.dumps(out))
    """
)


def _run(python: str, which: str) -> dict:
    result = subprocess.run([python, "-c", CASES, which], capture_output=True, check=True)
    return pickle.loads(result.stdout)


def _assert_same(theirs: xr.DataArray, ours: xr.DataArray) -> None:
    assert ours.dims == theirs.dims and ours.name == theirs.name
    xr.testing.assert_equal(ours, theirs)  # ours adds only the operation log to attrs
    for name in theirs.coords:
        np.testing.assert_array_equal(ours[name].values, theirs[name].values)


@needs_peer("movement")
def test_movement_output_is_movements_answer():
    theirs = _run(peer_python("movement"), "movement")
    ours = _run(sys.executable, "ours")
    assert list(ours) == list(theirs)
    for case, expected in theirs.items():
        if isinstance(expected, dict):
            assert list(ours[case]) == list(expected), case
            for key in expected:
                _assert_same(expected[key], ours[case][key])
        else:
            _assert_same(expected, ours[case])


def test_our_array_refuses_a_metric_it_does_not_compute():
    position = xr.DataArray(
        np.zeros((3, 2, 1, 2)), dims=["time", "individuals", "keypoints", "space"]
    )
    with pytest.raises(InvalidArgumentError, match="output='movement'"):
        compute_pairwise_distances(position, metric="cityblock")
