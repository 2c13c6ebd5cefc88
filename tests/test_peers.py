"""Peer tests skip without their peer, but fail in CI, where the peers are always built."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PEER_TEST = "tests/io/test_movement_compat.py::test_agrees_with_movement"


def run_peer_test(ci: bool) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["MOVEMENT_PYTHON"] = str(ROOT / "no-such-peer" / "python")
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", PEER_TEST],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("ci", [False, True])
def test_missing_peer_skips_locally_and_fails_in_ci(ci):
    result = run_peer_test(ci)
    if ci:
        assert result.returncode == 1, result.stdout[-2000:]
        assert "CI must run the peer tests" in result.stdout
    else:
        assert result.returncode == 0, result.stdout[-2000:]
        assert "1 skipped" in result.stdout and "MOVEMENT_PYTHON" in result.stdout
