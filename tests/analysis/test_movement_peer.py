"""The same calls through movement 0.17 and through us give the same answers.

``benchmarks/_movement_switch_peer.py`` runs every case (filters, kinematics,
vector helpers, scale, the NaN report, and the mistakes movement users make)
on the same movement-named DataArrays, once under movement's interpreter and
once under ours, changing only the import prefix. Here the two sets of
answers are compared: values (NaN in the same places), dims in the same
order, ``.name`` and ``long_name``, the report text, and for the mistakes the
builtin error type and movement's key phrase. The few deliberate differences
are listed in ``DIFFERENCES`` (and in docs/coming-from-movement.md), and are
checked to be exactly what they say.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.peers import needs_peer, peer_python

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "_movement_switch_peer.py"

#: case -> movement's key phrase our message must contain
KEY_PHRASES = {
    "err_statistic": "Invalid statistic 'mode'",
    "err_savgol_edge": "mode='interp'",
    "err_polyorder": "polyorder",
    "err_time_points": "At least 2 time points are required",
    "err_time_points_dc": "At least 2 time points are required",
}

#: case -> what differs on purpose (see docs/coming-from-movement.md)
DIFFERENCES = {
    "kinetic_energy": "name",  # ours is named "kinetic_energy", movement's has no name
    "kinetic_energy_split": "name",
    "unit_polar": "dim order",  # movement moves space_pol to the end, we keep it in place
    "forward_displacement": "last sample",  # NaN (no next position) where movement puts 0
    "backward_displacement": "first sample",  # NaN (no previous position) where movement puts 0
}


def run(library: str, python: str, workdir: Path) -> tuple[dict, dict]:
    completed = subprocess.run(
        [python, str(SCRIPT), str(workdir), library],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    meta = json.loads((workdir / f"{library}.json").read_text(encoding="utf-8"))
    with np.load(workdir / f"{library}.npz") as arrays:
        values = {k: arrays[k] for k in arrays.files}
    return meta, values


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("switch")
    python = peer_python("movement")
    if python is None:
        pytest.skip("no movement interpreter")
    theirs = run("movement", python, workdir)
    ours = run("movement_like", sys.executable, workdir)
    return ours, theirs


def case_names() -> list[str]:
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import _movement_switch_peer as peer  # noqa: PLC0415 (a script, not a package)
    finally:
        sys.path.pop(0)
    return list(peer.CASES)


@needs_peer("movement")
@pytest.mark.parametrize("case", case_names())
def test_same_answer_as_movement(answers, case):
    (our_meta, our_values), (their_meta, their_values) = answers
    ours, theirs = our_meta[case], their_meta[case]
    if "error" in theirs:
        assert "error" in ours, f"movement raises ({theirs['error']}), we do not"
        builtin = theirs["types"][0]
        assert builtin in ours["types"], f"we raise {ours['types'][0]}, not a {builtin}"
        assert KEY_PHRASES[case] in theirs["error"]
        assert KEY_PHRASES[case] in ours["error"], ours["error"]
        return
    assert "error" not in ours, ours.get("error")
    if "text" in theirs:
        assert ours["text"] == theirs["text"]
        return
    difference = DIFFERENCES.get(case)
    mine, other = our_values[case], their_values[case]
    if difference == "dim order":
        assert sorted(ours["dims"]) == sorted(theirs["dims"]) and ours["dims"] != theirs["dims"]
        other = np.transpose(other, [theirs["dims"].index(d) for d in ours["dims"]])
    else:
        assert ours["dims"] == theirs["dims"]
    if difference == "name":
        assert ours["name"] == "kinetic_energy" and theirs["name"] is None
    else:
        assert ours["name"] == theirs["name"]
    assert ours["long_name"] == theirs["long_name"]
    assert mine.shape == other.shape
    if difference in ("last sample", "first sample"):
        end = -1 if difference == "last sample" else 0
        assert np.isnan(mine[end]).all() and (other[end] == 0).all()
        keep = slice(None, -1) if end == -1 else slice(1, None)
        mine, other = mine[keep], other[keep]
    np.testing.assert_array_equal(np.isnan(mine), np.isnan(other))
    np.testing.assert_allclose(mine, other, rtol=1e-9, atol=1e-9, equal_nan=True)
