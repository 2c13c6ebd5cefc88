"""The inventory of movement 0.17's test cases is complete and points at real tests.

``inventory.toml`` maps every case of movement's filtering, kinematics,
transforms, reports, vector and plots tests to one of our tests (or says why
it does not apply). This checks the mapping against our suite as pytest
collects it, so a renamed or deleted test, or a dropped case, fails here.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
INVENTORY = tomllib.loads((HERE / "inventory.toml").read_text(encoding="utf-8"))
CASES = INVENTORY["case"]


@pytest.fixture(scope="module")
def our_nodes() -> set[str]:
    """Every test node pytest collects from this directory."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--collect-only",
            "-q",
            str(HERE),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return {line.strip() for line in done.stdout.splitlines() if "::" in line}


def test_counts_match_the_enumeration():
    """One entry per enumerated movement case, and the recorded counts add up."""
    assert INVENTORY["version"] == "0.17.0"
    assert len(CASES) == INVENTORY["cases"] == 364
    assert len({c["movement"] for c in CASES}) == len(CASES), "a movement case is listed twice"
    covered = [c for c in CASES if "ours" in c]
    skipped = [c for c in CASES if "not_applicable" in c]
    assert len(covered) == INVENTORY["covered"]
    assert len(skipped) == INVENTORY["not_applicable"]
    assert len(covered) + len(skipped) == len(CASES)
    assert sum("peer" in c for c in CASES) == INVENTORY["peer_compared"]


def test_every_case_is_ours_or_has_a_reason(our_nodes):
    """Each entry names a collected test of ours, or gives a reason it does not apply."""
    for case in CASES:
        assert case["movement"].startswith("tests/test_unit/"), case
        if "not_applicable" in case:
            assert "ours" not in case, case
            assert case["not_applicable"].strip(), case
            continue
        assert case["ours"] in our_nodes, f"{case['movement']} -> missing {case['ours']}"
        if "peer" in case:
            assert case["peer"] in our_nodes, case["peer"]
        if "difference" in case:
            assert case["difference"].strip(), case
